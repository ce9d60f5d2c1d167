package web

import "gridskill/practical"

// practicalPage is the Page of the practical screens, with their labels.
type practicalPage struct{ Page }

var taskStateLabels = map[practical.State]string{
	practical.Open:      "Not submitted",
	practical.Recorded:  "Recorded",
	practical.Submitted: "Waiting for review",
	practical.Returned:  "Returned",
	practical.Accepted:  "Accepted",
}

var evidenceLabels = map[practical.Evidence]string{
	practical.Photo: "Photo",
	practical.Note:  "Note",
	practical.Count: "Count",
	practical.Date:  "Date",
	practical.Place: "Place",
}

// StateLabel is the translated name of a task's or an item's state.
func (p practicalPage) StateLabel(s practical.State) string { return p.T(taskStateLabels[s]) }

// EvidenceLabel is the translated name of a kind of evidence.
func (p practicalPage) EvidenceLabel(e practical.Evidence) string { return p.T(evidenceLabels[e]) }
