package practical

import (
	"strings"
	"time"

	"gridskill"
)

// State is where a task or one of its items stands.
type State string

// States. A task is open while the worker records it, submitted while the
// mentor reviews it, returned when the mentor sent items back, accepted when
// every item is accepted. An item is recorded, submitted, accepted or returned.
const (
	Open      State = "open"
	Submitted State = "submitted"
	Returned  State = "returned"
	Accepted  State = "accepted"
	Recorded  State = "recorded"
)

// Task is one checklist assigned to one person, with a mentor and a due date.
// It carries a copy of the checklist's items, so a later edit of the
// checklist does not change what was assigned.
type Task struct {
	ID          string
	ChecklistID string
	Title       string
	Hours       float64
	Items       []Item
	WorkerID    string
	WorkerName  string
	WorkerPath  []string
	MentorID    string
	MentorName  string
	Due         string // YYYY-MM-DD
	// ProgrammeID is the shadowing programme the task belongs to, if any.
	ProgrammeID string
	State       State
	Entries     map[string]Entry
	AssignedBy  string
	AssignedAt  time.Time
	SubmittedAt time.Time
	AcceptedAt  time.Time
}

// Entry is what the worker recorded for one item, and the mentor's decision.
type Entry struct {
	Note      string
	Count     int
	Date      string
	Place     string
	Photos    []string
	State     State
	Comment   string
	UpdatedAt time.Time
}

// EntryInput is what the worker types for one item.
type EntryInput struct {
	Note  string
	Count int
	Date  string
	Place string
}

// Entry returns what is recorded for an item (a zero entry, recorded state, if nothing).
func (t Task) Entry(itemID string) Entry {
	if e, ok := t.Entries[itemID]; ok {
		return e
	}
	return Entry{State: Recorded}
}

// Groups returns the task's items under their headings.
func (t Task) Groups() []Group { return groupItems(t.Items) }

// Item returns the task's item with the id.
func (t Task) Item(id string) (Item, bool) {
	for _, it := range t.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// AcceptedCount is how many items the mentor accepted.
func (t Task) AcceptedCount() int {
	n := 0
	for _, it := range t.Items {
		if t.Entry(it.ID).State == Accepted {
			n++
		}
	}
	return n
}

// RecordedCount is how many items have all their evidence (accepted ones included).
func (t Task) RecordedCount() int {
	n := 0
	for _, it := range t.Items {
		if missing(it, t.Entry(it.ID)) == "" {
			n++
		}
	}
	return n
}

// Editable reports whether the worker may still change the item: the task is
// open or returned, and the item is not accepted (or waiting for review).
func (t Task) Editable(itemID string) bool {
	if t.State != Open && t.State != Returned {
		return false
	}
	s := t.Entry(itemID).State
	return s != Accepted && s != Submitted
}

// Reviewable reports whether the mentor may decide on the item now.
func (t Task) Reviewable(itemID string) bool {
	return t.State == Submitted && t.Entry(itemID).State == Submitted
}

// Validate checks an entry against its item. Errors: invalid.
func (in EntryInput) Validate(it Item) error {
	switch {
	case in.Count < 0 || in.Count > 10000:
		return gridskill.Errorf(gridskill.EINVALID, "the count must be between 0 and %d", 10000)
	case in.Date != "" && !validDate(in.Date):
		return gridskill.Errorf(gridskill.EINVALID, "the date must look like 2026-11-24")
	}
	return firstErr(noteText.Check(in.Note), placeText.Check(in.Place))
}

// missing says what an item still lacks before it can be submitted, or "".
func missing(it Item, e Entry) string {
	switch {
	case it.Needs(Photo) && len(e.Photos) == 0:
		return "a photo"
	case it.Needs(Note) && strings.TrimSpace(e.Note) == "":
		return "a note"
	case it.Needs(Count) && e.Count < it.Times:
		return "the count"
	case it.Needs(Date) && e.Date == "":
		return "the date"
	case it.Needs(Place) && strings.TrimSpace(e.Place) == "":
		return "the place"
	}
	return ""
}

// Missing says what the item still lacks before the task can be submitted, or "".
func (t Task) Missing(itemID string) string {
	it, ok := t.Item(itemID)
	if !ok {
		return ""
	}
	return missing(it, t.Entry(itemID))
}

// settle is the task's state after a mentor's decision: still submitted while
// any item waits, accepted when every item is, else returned.
func (t Task) settle() State {
	all := true
	for _, it := range t.Items {
		switch t.Entry(it.ID).State {
		case Submitted:
			return Submitted
		case Accepted:
		default:
			all = false
		}
	}
	if all {
		return Accepted
	}
	return Returned
}
