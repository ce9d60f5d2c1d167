// Package courses holds training modules and their lessons, versions,
// assignment to units, workers' progress and training hours, offline
// training sessions and each worker's learning record.
//
// Hot pages (a worker's "my learning", a lesson) read at most two documents
// by id: the published catalogue is cached in memory for a short while, a
// published version is one immutable document holding every lesson's
// rendered HTML, and each worker has one progress summary document.
package courses

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gridskill"
)

// Category is the subject of a module: one of the six standard ones or a
// trainer's own short label.
type Category string

// Standard categories.
const (
	AntiFraud      Category = "anti_fraud"
	FinancialRisk  Category = "financial_risk"
	Duties         Category = "duties"
	Mediation      Category = "mediation"
	HazardPatrol   Category = "hazard_patrol"
	InfoCollection Category = "info_collection"
)

// Categories lists the standard categories in their usual order, a new
// slice on each call.
func Categories() []Category {
	return []Category{AntiFraud, FinancialRisk, Duties, Mediation, HazardPatrol, InfoCollection}
}

// Standard reports whether c is one of the six standard categories.
func (c Category) Standard() bool {
	for _, s := range Categories() {
		if c == s {
			return true
		}
	}
	return false
}

// Lesson is one lesson of a module's draft: Markdown as the trainer wrote it
// and the sanitized HTML rendered from it when it was saved.
type Lesson struct {
	ID       string
	Title    string
	Markdown string
	HTML     string
	// Minutes is the estimated reading time; 0 takes a share of the module's.
	Minutes int
}

// LessonRef names a published lesson.
type LessonRef struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Minutes int    `json:"-"`
}

// Published is the header of a module's latest published version: what
// catalogues and progress need without the lessons' text.
type Published struct {
	Version     int
	Title       string
	Category    Category
	Summary     string
	CoverID     string
	Minutes     int
	CheckTags   []string
	Lessons     []LessonRef
	Major       bool
	Note        string
	PublishedAt time.Time
	// LastMajor is the latest version published as a major change (1 for the
	// first version): lessons and completions older than it no longer count.
	LastMajor int
}

// Module is a training module: its draft, which trainers edit, and the
// header of its latest published version, which workers study.
type Module struct {
	ID          string
	Slug        string
	Title       string
	Category    Category
	Summary     string
	CoverID     string
	Minutes     int
	CheckTags   []string
	Lessons     []Lesson
	OwnerUnitID string
	OwnerPath   []string
	AuthorID    string
	Published   *Published
	Rev         int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Version returns the latest published version number, 0 before the first publication.
func (m Module) Version() int {
	if m.Published == nil {
		return 0
	}
	return m.Published.Version
}

// Lesson returns the draft lesson with the given id.
func (m Module) Lesson(id string) (Lesson, int, bool) {
	for i, l := range m.Lessons {
		if l.ID == id {
			return l, i, true
		}
	}
	return Lesson{}, -1, false
}

// Version is an immutable snapshot of a module as published: what workers study.
type Version struct {
	ModuleID    string
	Number      int
	Title       string
	Category    Category
	Summary     string
	CoverID     string
	Minutes     int
	CheckTags   []string
	Lessons     []VersionLesson
	Major       bool
	Note        string
	PublishedAt time.Time
	PublishedBy string
}

// VersionLesson is a published lesson with its rendered HTML.
type VersionLesson struct {
	ID      string
	Title   string
	Minutes int
	HTML    string
}

// Lesson returns the published lesson with the given id and its position.
func (v Version) Lesson(id string) (VersionLesson, int, bool) {
	for i, l := range v.Lessons {
		if l.ID == id {
			return l, i, true
		}
	}
	return VersionLesson{}, -1, false
}

// ModuleInput is what a trainer fills in for a module.
type ModuleInput struct {
	// Slug, optional, derives a stable id (used by the seed content).
	Slug      string
	Title     string
	Category  Category
	Summary   string
	CoverID   string
	Minutes   int
	CheckTags []string
}

// Limits on what a module and a lesson may hold.
const (
	MaxLessons        = 60
	MaxLessonMarkdown = 60_000
	maxTitle          = 60
	maxSummary        = 500
)

var (
	idPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,47}$`)
	slugPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	mediaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// ValidID reports whether s has the shape of a module or lesson id, so a
// forged id is refused as invalid before any lookup.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// Normalize trims the input's text fields.
func (in *ModuleInput) Normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.Summary = strings.TrimSpace(in.Summary)
	in.Category = Category(strings.TrimSpace(string(in.Category)))
	in.Slug = strings.TrimSpace(in.Slug)
	var tags []string
	for _, t := range in.CheckTags {
		if t = strings.TrimSpace(t); t != "" && len(tags) < 5 {
			tags = append(tags, t)
		}
	}
	in.CheckTags = tags
}

// Validate checks a module's fields. Errors: invalid.
func (in ModuleInput) Validate() error {
	switch {
	case in.Title == "":
		return gridskill.Errorf(gridskill.EINVALID, "the module needs a title")
	case utf8.RuneCountInString(in.Title) > maxTitle:
		return gridskill.Errorf(gridskill.EINVALID, "the title is longer than %d characters", maxTitle)
	case in.Category == "":
		return gridskill.Errorf(gridskill.EINVALID, "choose a category")
	case !in.Category.Standard() && utf8.RuneCountInString(string(in.Category)) > 20:
		return gridskill.Errorf(gridskill.EINVALID, "a custom category is at most 20 characters")
	case utf8.RuneCountInString(in.Summary) > maxSummary:
		return gridskill.Errorf(gridskill.EINVALID, "the summary is longer than %d characters", maxSummary)
	case in.Minutes < 1 || in.Minutes > 600:
		return gridskill.Errorf(gridskill.EINVALID, "estimated minutes must be between 1 and 600")
	case in.Slug != "" && !slugPattern.MatchString(in.Slug):
		return gridskill.Errorf(gridskill.EINVALID, "the slug may hold only lowercase letters, digits and dashes")
	case in.CoverID != "" && !mediaPattern.MatchString(in.CoverID):
		return gridskill.Errorf(gridskill.EINVALID, "the cover image is not an uploaded image")
	}
	for _, t := range in.CheckTags {
		if utf8.RuneCountInString(t) > 30 {
			return gridskill.Errorf(gridskill.EINVALID, "a check tag is at most 30 characters")
		}
		if err := tagText.Check(t); err != nil {
			return err
		}
	}
	return checkTexts(titleText.Check(in.Title), categoryText.Check(string(in.Category)), summaryText.Check(in.Summary))
}

// The text rules of courses' fields.
var (
	titleText    = gridskill.Text{Field: "title", Max: maxTitle}
	categoryText = gridskill.Text{Field: "category", Max: 20}
	summaryText  = gridskill.Text{Field: "summary", Max: maxSummary, Multiline: true}
	tagText      = gridskill.Text{Field: "tag", Max: 30}
	lessonText   = gridskill.Text{Field: "lesson text", Multiline: true}
	placeText    = gridskill.Text{Field: "place", Max: maxTitle}
	trainerText  = gridskill.Text{Field: "trainer", Max: 30}
)

// checkTexts returns the first of the text checks that failed.
func checkTexts(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// LessonInput is what a trainer writes for a lesson.
type LessonInput struct {
	// Slug, optional, derives a stable lesson id (used by the seed content).
	Slug     string
	Title    string
	Markdown string
	Minutes  int
}

// Validate checks a lesson. Errors: invalid, too_large.
func (in LessonInput) Validate() error {
	switch {
	case strings.TrimSpace(in.Title) == "":
		return gridskill.Errorf(gridskill.EINVALID, "the lesson needs a title")
	case utf8.RuneCountInString(in.Title) > maxTitle:
		return gridskill.Errorf(gridskill.EINVALID, "the title is longer than %d characters", maxTitle)
	case len(in.Markdown) > MaxLessonMarkdown:
		return gridskill.Errorf(gridskill.ETOOLARGE, "the lesson text is longer than %d characters", MaxLessonMarkdown)
	case !utf8.ValidString(in.Markdown):
		return gridskill.Errorf(gridskill.EINVALID, "the lesson text is not valid UTF-8")
	case in.Minutes < 0 || in.Minutes > 240:
		return gridskill.Errorf(gridskill.EINVALID, "estimated minutes must be between 0 and 240")
	case in.Slug != "" && !slugPattern.MatchString(in.Slug):
		return gridskill.Errorf(gridskill.EINVALID, "the slug may hold only lowercase letters, digits and dashes")
	}
	return checkTexts(titleText.Check(in.Title), lessonText.Check(in.Markdown))
}

// Assignment makes a module required or optional for a unit's subtree.
type Assignment struct {
	ModuleID   string
	UnitID     string
	UnitPath   []string
	Required   bool
	Due        time.Time // zero: no due date
	AssignedBy string
	AssignedAt time.Time
}

// lessonMinutes is a published lesson's estimated minutes: its own, or an
// even share of the module's.
func lessonMinutes(l Lesson, moduleMinutes, n int) int {
	if l.Minutes > 0 {
		return l.Minutes
	}
	if n == 0 {
		return 1
	}
	return max(1, moduleMinutes/n)
}
