package certify

import (
	"context"
	"slices"

	"gridskill"
)

// UnitRecords names what certification keeps about the given units, for a
// unit that is to be merged or deleted: programs it issues (their
// certificates carry its name) and programs whose audience names it. Each
// is a catalogue key.
func (s *Service) UnitRecords(ctx context.Context, ids []string) ([]string, error) {
	all, err := s.repo.allPrograms(ctx)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var why []string
	if slices.ContainsFunc(all, func(p Program) bool { return slices.Contains(ids, p.IssuerID) }) {
		why = append(why, "certification programs are issued by it")
	}
	if slices.ContainsFunc(all, func(p Program) bool {
		return slices.ContainsFunc(p.Audience, func(a string) bool { return slices.Contains(ids, a) })
	}) {
		why = append(why, "certification programs are for it")
	}
	return why, nil
}
