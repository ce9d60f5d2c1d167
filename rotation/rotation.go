// Package rotation is rotation training (轮训): a plan over a cycle, such as
// Yanjiang's "6+1+3", whose batches (期次) each have offline sessions,
// modules and a list of people, so that every worker of the plan's units
// attends within the cycle; and placements (跟班学习, 轮岗) on a worker's record.
package rotation

import (
	"regexp"
	"strings"
	"time"

	"gridskill"
)

// Plan is a rotation training plan of a unit.
type Plan struct {
	ID         string
	Title      string
	CycleStart string // YYYY-MM-DD
	CycleEnd   string
	UnitID     string
	UnitPath   []string
	Batches    []Batch
	CreatedBy  string
	CreatedAt  time.Time
}

// Batch is one 期次 of a plan.
type Batch struct {
	ID    string
	Title string
	Start string
	End   string
	// Sessions are the offline sessions (courses) whose sign-in counts as attendance.
	Sessions []string
	// Modules are the modules studied in the batch.
	Modules []string
	// People are the workers scheduled in the batch.
	People []string
}

// PlanInput is what an organizer types for a plan.
type PlanInput struct{ Title, CycleStart, CycleEnd string }

// BatchInput is what an organizer types for a batch.
type BatchInput struct {
	Title, Start, End string
	Modules           []string
}

var (
	titleText   = gridskill.Text{Field: "title", Max: 60}
	placeText   = gridskill.Text{Field: "place", Max: 60}
	evalText    = gridskill.Text{Field: "evaluation", Max: 1000, Multiline: true}
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,47}$`)
)

// ValidID reports whether s has the shape of an id.
func ValidID(s string) bool { return idPattern.MatchString(s) }

func validDate(s string) bool {
	if !datePattern.MatchString(s) {
		return false
	}
	_, err := time.ParseInLocation("2006-01-02", s, gridskill.ChinaZone())
	return err == nil
}

func checkSpan(title, start, end string) error {
	switch {
	case strings.TrimSpace(title) == "":
		return gridskill.Errorf(gridskill.EINVALID, "give it a title")
	case !validDate(start) || !validDate(end):
		return gridskill.Errorf(gridskill.EINVALID, "dates must look like 2026-11-24")
	case end < start:
		return gridskill.Errorf(gridskill.EINVALID, "the end comes before the start")
	}
	return titleText.Check(title)
}

// Validate checks a plan's fields. Errors: invalid.
func (in PlanInput) Validate() error { return checkSpan(in.Title, in.CycleStart, in.CycleEnd) }

// BatchOf returns the batch a person is scheduled in.
func (p Plan) BatchOf(workerID string) (Batch, bool) {
	for _, b := range p.Batches {
		for _, id := range b.People {
			if id == workerID {
				return b, true
			}
		}
	}
	return Batch{}, false
}

// Kind is a kind of placement.
type Kind string

// Placements: learning on the job at the service hall or a department
// (跟班学习), or a rotation through another post (轮岗).
const (
	Shadow Kind = "shadow"
	Rotate Kind = "rotate"
)

// Placement is a stretch a worker spent learning on the job elsewhere, with
// the host's evaluation.
type Placement struct {
	ID         string
	WorkerID   string
	WorkerName string
	WorkerPath []string
	Kind       Kind
	Place      string
	Start      string
	Days       int
	Evaluation string
	// Rating is the host's evaluation, 1 (poor) to 5 (excellent).
	Rating     int
	RecordedBy string
	RecordedAt time.Time
}

// PlacementInput is what an admin records of a placement.
type PlacementInput struct {
	Kind       Kind
	Place      string
	Start      string
	Days       int
	Evaluation string
	Rating     int
}

// Validate checks a placement. Errors: invalid.
func (in PlacementInput) Validate() error {
	switch {
	case in.Kind != Shadow && in.Kind != Rotate:
		return gridskill.Errorf(gridskill.EINVALID, "choose 跟班学习 or 轮岗")
	case strings.TrimSpace(in.Place) == "":
		return gridskill.Errorf(gridskill.EINVALID, "say where the placement was")
	case !validDate(in.Start):
		return gridskill.Errorf(gridskill.EINVALID, "dates must look like 2026-11-24")
	case in.Days < 1 || in.Days > 366:
		return gridskill.Errorf(gridskill.EINVALID, "days must be between 1 and 366")
	case in.Rating < 1 || in.Rating > 5:
		return gridskill.Errorf(gridskill.EINVALID, "the rating must be between 1 and 5")
	}
	if err := placeText.Check(in.Place); err != nil {
		return err
	}
	return evalText.Check(in.Evaluation)
}
