package quiz

import "strings"

// The service keeps questions and exams in memory for the life of the
// process, while callers may hand it strings that share buffers reused after
// a request (Fiber's form values and route parameters). Everything kept is
// copied first.

func cloneStrings(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.Clone(s)
	}
	return out
}

func cloneQuestion(q Question) Question {
	q.ID, q.Stem, q.Explanation, q.Source = strings.Clone(q.ID), strings.Clone(q.Stem), strings.Clone(q.Explanation), strings.Clone(q.Source)
	q.EffectiveOn, q.RetireOn, q.UnitID, q.AuthorID = strings.Clone(q.EffectiveOn), strings.Clone(q.RetireOn), strings.Clone(q.UnitID), strings.Clone(q.AuthorID)
	q.Status = Status(strings.Clone(string(q.Status)))
	opts := make([]Option, len(q.Options))
	for i, o := range q.Options {
		opts[i] = Option{Key: strings.Clone(o.Key), Text: strings.Clone(o.Text)}
	}
	if q.Options == nil {
		opts = nil
	}
	q.Options, q.Correct, q.Tags, q.UnitPath = opts, cloneStrings(q.Correct), cloneStrings(q.Tags), cloneStrings(q.UnitPath)
	if q.Blanks != nil {
		blanks := make([][]string, len(q.Blanks))
		for i, alts := range q.Blanks {
			blanks[i] = cloneStrings(alts)
		}
		q.Blanks = blanks
	}
	return q
}

func cloneExam(e Exam) Exam {
	e.ID, e.Title, e.OwnerUnitID, e.CreatedBy = strings.Clone(e.ID), strings.Clone(e.Title), strings.Clone(e.OwnerUnitID), strings.Clone(e.CreatedBy)
	e.UnitIDs, e.OwnerPath = cloneStrings(e.UnitIDs), cloneStrings(e.OwnerPath)
	rules := make([]Rule, len(e.Rules))
	for i, r := range e.Rules {
		rules[i] = Rule{Tag: strings.Clone(r.Tag), Type: r.Type, Difficulty: r.Difficulty, Count: r.Count}
	}
	e.Rules = rules
	return e
}
