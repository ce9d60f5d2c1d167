package quiz

import (
	"context"
	"fmt"
	"slices"
)

// Load rebuilds the service's memory from the database: the bank, the exams,
// the finished attempts' summaries and every open attempt with its answers
// and events. An open attempt whose finished twin is stored counts as
// finished; what follows a finish is replayed for it by Run (finish.go).
func (s *Service) Load(ctx context.Context) error {
	if err := s.loadBank(ctx); err != nil {
		return fmt.Errorf("load question bank: %w", err)
	}
	if err := s.loadExams(ctx); err != nil {
		return fmt.Errorf("load exams: %w", err)
	}
	fin, err := s.repo.finishedSummaries(ctx)
	if err != nil {
		return err
	}
	s.attMu.Lock()
	papers := make([][]itemDoc, 0, len(fin))
	for _, f := range fin {
		s.addResult(f.result())
		papers = append(papers, f.Open.Paper)
	}
	s.attMu.Unlock()

	open, err := s.repo.openAttempts(ctx)
	if err != nil {
		return err
	}
	ids := []string{}
	byID := map[string]*openAttempt{}
	for _, d := range open {
		s.attMu.Lock()
		_, done := s.finished[d.ID]
		s.attMu.Unlock()
		if done {
			// Finished, but perhaps not yet in the wrong-answer book: Run
			// replays what follows a finish, then removes the document.
			s.repairLater(d.ID, d.UserID)
			continue
		}
		d.StartedAt, d.Deadline = d.StartedAt.UTC(), s.loadedDeadline(d)
		byID[d.ID] = newOpenAttempt(d)
		ids = append(ids, d.ID)
	}
	// Saves of attempts that are no longer open are held by their finished
	// attempts; a previous run may have stopped before pruning them.
	if err := s.repo.deleteSavesExcept(ctx, ids); err != nil {
		return err
	}
	if len(ids) > 0 {
		answers, err := s.repo.answersOf(ctx, ids)
		if err != nil {
			return err
		}
		for _, a := range answers {
			if att := byID[a.Attempt]; att != nil {
				att.replay(a)
			}
		}
		events, err := s.repo.eventsOf(ctx, ids)
		if err != nil {
			return err
		}
		slices.SortFunc(events, func(a, b eventDoc) int { return a.At.Compare(b.At) })
		for _, e := range events {
			if att := byID[e.Attempt]; att != nil {
				att.events = append(att.events, e)
			}
		}
	}
	s.attMu.Lock()
	for id, att := range byID {
		s.open[id] = att
		s.openBy[key(att.doc.ExamID, att.doc.UserID)] = id
		papers = append(papers, att.doc.Paper)
	}
	s.attMu.Unlock()
	s.markHeld(ctx, papers)
	// Papers may hold old versions; have them at hand.
	for _, att := range byID {
		for _, it := range att.doc.Paper {
			if _, err := s.version(ctx, it.QID, it.Version); err != nil {
				return fmt.Errorf("attempt %s: question %s v%d: %w", att.doc.ID, it.QID, it.Version, err)
			}
		}
	}
	return nil
}

// maxPrune bounds the attempts one prune clears: a delete on the embedded
// engine holds its writer for a time that grows with what it removes.
const maxPrune = 200

// Prune deletes the saved answers and screen-switch events of attempts that
// have finished: the finished attempt holds them, and the saves would
// otherwise grow without end and make every start (Load) read them all. It
// does nothing while any attempt is open, so that no answer save ever waits
// behind it; what is left is pruned later or at the next start.
func (s *Service) Prune(ctx context.Context) error {
	s.attMu.Lock()
	n := min(len(s.prune), maxPrune)
	if len(s.open) > 0 {
		n = 0
	}
	ids := slices.Clone(s.prune[:n])
	s.attMu.Unlock()
	if n == 0 {
		return nil
	}
	if err := s.repo.deleteSaves(ctx, ids); err != nil {
		return err
	}
	s.attMu.Lock()
	s.prune = s.prune[n:]
	s.attMu.Unlock()
	return nil
}
