// Package practical is learning by doing: practical task checklists
// (实操任务清单) that a worker or a shadowing participant records in the
// field, with evidence, and a mentor reviews item by item.
package practical

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gridskill"
)

// Evidence is one kind of proof an item asks for.
type Evidence string

// Kinds of evidence.
const (
	Photo Evidence = "photo"
	Note  Evidence = "note"
	Count Evidence = "count"
	Date  Evidence = "date"
	Place Evidence = "place"
)

// EvidenceKinds returns every kind of evidence, a new slice on each call.
func EvidenceKinds() []Evidence { return []Evidence{Photo, Note, Count, Date, Place} }

// evidenceNames are the words a trainer may type for each kind, in English or Chinese.
var evidenceNames = map[string]Evidence{
	"photo": Photo, "照片": Photo, "拍照": Photo,
	"note": Note, "说明": Note, "记录": Note,
	"count": Count, "次数": Count, "数量": Count,
	"date": Date, "日期": Date,
	"place": Place, "地点": Place,
}

// Limits of a checklist.
const (
	MaxItems     = 40
	MaxTimes     = 100
	MaxPhotos    = 6
	maxTitle     = 60
	maxHeading   = 20
	maxItemText  = 200
	maxNote      = 2000
	maxPlace     = 100
	maxSummary   = 500
	maxHours     = 200
	maxComment   = 500
	maxAssignees = 500
)

var (
	titleText    = gridskill.Text{Field: "title", Max: maxTitle}
	summaryText  = gridskill.Text{Field: "summary", Max: maxSummary, Multiline: true}
	headingText  = gridskill.Text{Field: "heading", Max: maxHeading}
	itemText     = gridskill.Text{Field: "item", Max: maxItemText}
	noteText     = gridskill.Text{Field: "note", Max: maxNote, Multiline: true}
	placeText    = gridskill.Text{Field: "place", Max: maxPlace}
	commentText  = gridskill.Text{Field: "comment", Max: maxComment, Multiline: true}
	idPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,47}$`)
	datePattern  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	itemIDFormat = "i%d"
)

// ValidID reports whether s has the shape of a checklist, task or item id.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// Checklist is a list of practical tasks a trainer or admin defines, such as
// the 八个一 of a shadowing day or a new worker's first month.
type Checklist struct {
	ID      string
	Title   string
	Summary string
	// Hours is what an accepted checklist counts as training hours.
	Hours     float64
	Items     []Item
	UnitID    string
	UnitPath  []string
	CreatedBy string
	CreatedAt time.Time
}

// Item is one task of a checklist.
type Item struct {
	ID string
	// Heading groups items, such as the four roles of 八个一 (安全卫士, ...).
	Heading     string
	Description string
	Evidence    []Evidence
	// Times is how often the task is done; with count evidence the count
	// recorded must reach it.
	Times int
}

// Needs reports whether the item asks for evidence of kind k.
func (it Item) Needs(k Evidence) bool {
	for _, e := range it.Evidence {
		if e == k {
			return true
		}
	}
	return false
}

// Groups returns the checklist's items under their headings, in order of first appearance.
func (c Checklist) Groups() []Group { return groupItems(c.Items) }

// Group is the items under one heading.
type Group struct {
	Heading string
	Items   []Item
}

func groupItems(items []Item) []Group {
	var out []Group
	at := map[string]int{}
	for _, it := range items {
		i, ok := at[it.Heading]
		if !ok {
			i = len(out)
			at[it.Heading] = i
			out = append(out, Group{Heading: it.Heading})
		}
		out[i].Items = append(out[i].Items, it)
	}
	return out
}

// ChecklistInput is what a trainer types for a checklist.
type ChecklistInput struct {
	Title   string
	Summary string
	Hours   float64
	Items   []ItemInput
}

// ItemInput is one item as typed.
type ItemInput struct {
	Heading     string
	Description string
	Evidence    []Evidence
	Times       int
}

// Validate checks a checklist's fields. Errors: invalid (with the items' problems).
func (in ChecklistInput) Validate() error {
	switch {
	case strings.TrimSpace(in.Title) == "":
		return gridskill.Errorf(gridskill.EINVALID, "the checklist needs a title")
	case math.IsNaN(in.Hours) || in.Hours < 0.5 || in.Hours > maxHours:
		return gridskill.Errorf(gridskill.EINVALID, "hours must be between 0.5 and %d", maxHours)
	case len(in.Items) == 0:
		return gridskill.Errorf(gridskill.EINVALID, "the checklist needs at least one item")
	case len(in.Items) > MaxItems:
		return gridskill.Errorf(gridskill.EINVALID, "a checklist has at most %d items", MaxItems)
	}
	if err := firstErr(titleText.Check(in.Title), summaryText.Check(in.Summary)); err != nil {
		return err
	}
	var problems []gridskill.FieldError
	for i, it := range in.Items {
		if err := it.Validate(); err != nil {
			problems = append(problems, gridskill.RowProblem(err, i+1, "item"))
		}
	}
	if len(problems) > 0 {
		e := gridskill.Errorf(gridskill.EINVALID, "%d items have problems; nothing was saved", len(problems))
		e.Fields = problems
		return e
	}
	return nil
}

// Validate checks one item. Errors: invalid.
func (it ItemInput) Validate() error {
	switch {
	case strings.TrimSpace(it.Description) == "":
		return gridskill.Errorf(gridskill.EINVALID, "describe the task")
	case len(it.Evidence) == 0:
		return gridskill.Errorf(gridskill.EINVALID, "name the evidence the task needs (photo, note, count, date, place)")
	case it.Times < 1 || it.Times > MaxTimes:
		return gridskill.Errorf(gridskill.EINVALID, "times must be between 1 and %d", MaxTimes)
	}
	seen := map[Evidence]bool{}
	for _, e := range it.Evidence {
		if _, ok := evidenceNames[string(e)]; !ok || seen[e] {
			return gridskill.Errorf(gridskill.EINVALID, "unknown or repeated evidence %q (photo, note, count, date, place)", string(e))
		}
		seen[e] = true
	}
	return firstErr(headingText.Check(it.Heading), itemText.Check(it.Description))
}

func (in *ChecklistInput) normalize() {
	in.Title, in.Summary = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary)
	in.Hours = math.Round(in.Hours*10) / 10
	for i := range in.Items {
		it := &in.Items[i]
		it.Heading, it.Description = strings.TrimSpace(it.Heading), strings.TrimSpace(it.Description)
		for j, e := range it.Evidence {
			if k, ok := evidenceNames[strings.ToLower(strings.TrimSpace(string(e)))]; ok {
				it.Evidence[j] = k
			}
		}
	}
}

// ParseItems reads items typed one a line: heading | task | evidence | times,
// with the evidence a list of photo, note, count, date, place (or 照片, 说明,
// 次数, 日期, 地点) separated by commas; the bar may be full-width (｜), the
// heading and the times may be left out. Errors: invalid (with the lines' problems).
func ParseItems(text string) ([]ItemInput, error) {
	var items []ItemInput
	var problems []gridskill.FieldError
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.FieldsFunc(line, func(r rune) bool { return r == '|' || r == '｜' })
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		it := ItemInput{Times: 1}
		switch len(parts) {
		case 2:
			it.Description, it.Evidence = parts[0], evidenceList(parts[1])
		case 3:
			it.Heading, it.Description, it.Evidence = parts[0], parts[1], evidenceList(parts[2])
		case 4:
			it.Heading, it.Description, it.Evidence = parts[0], parts[1], evidenceList(parts[2])
			t, err := strconv.Atoi(parts[3])
			if err != nil {
				problems = append(problems, gridskill.FieldError{Row: n + 1, Field: "times", Reason: "not a whole number"})
				continue
			}
			it.Times = t
		default:
			problems = append(problems, gridskill.FieldError{Row: n + 1, Field: "item", Reason: "write heading | task | evidence | times"})
			continue
		}
		items = append(items, it)
	}
	if len(problems) > 0 {
		e := gridskill.Errorf(gridskill.EINVALID, "%d items have problems; nothing was saved", len(problems))
		e.Fields = problems
		return nil, e
	}
	return items, nil
}

func evidenceList(s string) []Evidence {
	var out []Evidence
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
		out = append(out, Evidence(f))
	}
	return out
}

// FormatItems writes items back in the form ParseItems reads.
func FormatItems(items []ItemInput) string {
	var b strings.Builder
	for _, it := range items {
		ev := make([]string, len(it.Evidence))
		for i, e := range it.Evidence {
			ev[i] = string(e)
		}
		b.WriteString(it.Heading + " | " + it.Description + " | " + strings.Join(ev, ",") + " | " + strconv.Itoa(it.Times) + "\n")
	}
	return b.String()
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func validDate(s string) bool {
	if !datePattern.MatchString(s) {
		return false
	}
	_, err := time.ParseInLocation("2006-01-02", s, gridskill.ChinaZone())
	return err == nil
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func itoa(n int) string { return strconv.Itoa(n) }
