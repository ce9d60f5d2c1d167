package contest

import (
	"context"
	"slices"
)

// UnitRecords names what contests keep about the given units, for a unit
// that is to be merged or deleted: contests it organizes and contests whose
// entrants it names. Each is a catalogue key.
func (s *Service) UnitRecords(ctx context.Context, ids []string) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var why []string
	for _, c := range s.contests {
		if slices.Contains(ids, c.UnitID) {
			why = append(why, "contests are organized by it")
			break
		}
	}
	for _, c := range s.contests {
		if slices.ContainsFunc(c.UnitIDs, func(u string) bool { return slices.Contains(ids, u) }) {
			why = append(why, "contests are held for it")
			break
		}
	}
	return why, nil
}
