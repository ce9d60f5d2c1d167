package cases

import (
	"strings"
	"time"

	"gridskill"
)

// Tag is a kind of case.
type Tag string

// Case tags.
const (
	Fraud           Tag = "fraud"
	Fundraising     Tag = "fundraising"
	Dispute         Tag = "dispute"
	Hazard          Tag = "hazard"
	Information     Tag = "information"
	ResidentService Tag = "service"
)

// Tags returns every case tag, a new slice on each call.
func Tags() []Tag { return []Tag{Fraud, Fundraising, Dispute, Hazard, Information, ResidentService} }

// Valid reports whether t is a known tag.
func (t Tag) Valid() bool {
	for _, k := range Tags() {
		if k == t {
			return true
		}
	}
	return false
}

// State is where a case stands.
type State string

// States: submitted by its author, published to the library by a trainer.
const (
	Submitted State = "submitted"
	Published State = "published"
)

// Case is a typical case (典型案例): what happened, how it was handled and
// the outcome, its residents' personal data masked.
type Case struct {
	ID         string
	Title      string
	Happened   string
	Handling   string
	Outcome    string
	Tags       []Tag
	State      State
	AuthorID   string
	AuthorName string
	UnitID     string
	UnitPath   []string
	// Masked says that masking changed the text as submitted.
	Masked      bool
	SubmittedAt time.Time
	PublishedAt time.Time
	PublishedBy string
	// ScopeID is the unit whose people read the published case: the curator's.
	ScopeID string
}

// Input is what a writer types for a case. Names are the residents named
// in the text, which masking turns into 张某.
type Input struct {
	Title, Happened, Handling, Outcome string
	Tags                               []Tag
	Names                              []string
}

var (
	titleText = gridskill.Text{Field: "title", Max: 60}
	bodyText  = gridskill.Text{Field: "case text", Max: 4000, Multiline: true}
)

// Validate checks a case's fields. Errors: invalid.
func (in Input) Validate() error {
	switch {
	case strings.TrimSpace(in.Title) == "":
		return gridskill.Errorf(gridskill.EINVALID, "the case needs a title")
	case strings.TrimSpace(in.Happened) == "" || strings.TrimSpace(in.Handling) == "":
		return gridskill.Errorf(gridskill.EINVALID, "say what happened and how it was handled")
	case len(in.Tags) == 0 || len(in.Tags) > 6:
		return gridskill.Errorf(gridskill.EINVALID, "choose one to six tags")
	case len(in.Names) > 50:
		return gridskill.Errorf(gridskill.EINVALID, "at most %d names", 50)
	}
	for _, t := range in.Tags {
		if !t.Valid() {
			return gridskill.Errorf(gridskill.EINVALID, "unknown tag %q", string(t))
		}
	}
	for _, f := range []error{titleText.Check(in.Title), bodyText.Check(in.Happened), bodyText.Check(in.Handling), bodyText.Check(in.Outcome)} {
		if f != nil {
			return f
		}
	}
	return nil
}

// mask is the input with residents' personal data removed from every text.
func (in Input) mask() (Input, bool) {
	var any bool
	for _, f := range []*string{&in.Title, &in.Happened, &in.Handling, &in.Outcome} {
		var changed bool
		*f, changed = Mask(strings.TrimSpace(*f), in.Names)
		any = any || changed
	}
	return in, any
}

// Markdown is the case as a lesson section.
func (c Case) Markdown() string {
	var b strings.Builder
	b.WriteString("## 案例：" + c.Title + "\n\n**事情经过**\n\n" + c.Happened + "\n\n**处置方法**\n\n" + c.Handling + "\n")
	if c.Outcome != "" {
		b.WriteString("\n**处置结果**\n\n" + c.Outcome + "\n")
	}
	return b.String()
}

// Guide is a work guide (工作指南) merged from published cases, the
// 成果交流会's "问题清单"转化为"工作指南".
type Guide struct {
	ID        string
	Title     string
	Intro     string
	CaseIDs   []string
	Cases     []Case
	UnitID    string
	UnitPath  []string
	CreatedBy string
	CreatedAt time.Time
}
