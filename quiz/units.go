package quiz

import (
	"context"
	"slices"
)

// UnitRecords names what the quiz keeps about the given units, for a unit
// that is to be merged or deleted: exams set by or for them, exam attempts
// sat in them, questions of their bank. Each is a catalogue key.
func (s *Service) UnitRecords(ctx context.Context, ids []string) ([]string, error) {
	var why []string
	s.examMu.RLock()
	for _, e := range s.exams {
		if slices.Contains(ids, e.OwnerUnitID) || slices.ContainsFunc(e.UnitIDs, func(u string) bool { return slices.Contains(ids, u) }) {
			why = append(why, "exams are set by or for it")
			break
		}
	}
	s.examMu.RUnlock()
	s.attMu.Lock()
	for _, r := range s.finished {
		if slices.Contains(ids, r.UnitID) {
			why = append(why, "exam attempts were sat in it")
			break
		}
	}
	s.attMu.Unlock()
	s.bankMu.RLock()
	for _, q := range s.bank {
		if slices.Contains(ids, q.UnitID) {
			why = append(why, "questions of the bank belong to it")
			break
		}
	}
	s.bankMu.RUnlock()
	return why, nil
}
