package quiz

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill/store"
)

// Load rebuilds the service's memory from the database: the bank, the exams,
// the finished attempts' summaries and every open attempt with its answers
// and events. An open attempt whose finished twin is stored counts as
// finished; what follows a finish is replayed for it by Run (finish.go).
// On several instances (SetCluster) it reads no open attempt: those of an
// exam come with its lease (TakeOver).
func (s *Service) Load(ctx context.Context) error {
	if err := s.loadBank(ctx); err != nil {
		return fmt.Errorf("load question bank: %w", err)
	}
	if err := s.loadExams(ctx); err != nil {
		return fmt.Errorf("load exams: %w", err)
	}
	if err := s.backfillResults(ctx); err != nil {
		return fmt.Errorf("write the summaries of finished attempts: %w", err)
	}
	res, err := s.repo.results(ctx, bson.M{})
	if err != nil {
		return err
	}
	s.addResults(res)
	if s.cluster != nil {
		return nil
	}

	open, err := s.repo.openAttempts(ctx)
	if err != nil {
		return err
	}
	twins, err := s.readTwins(ctx, open)
	if err != nil {
		return err
	}
	byID, err := s.rebuild(ctx, "", open, 0, func(d openDoc) {
		// Finished, but perhaps not yet in the wrong-answer book: Run
		// replays what follows a finish, then removes the document.
		s.repairLater(d.ID, d.UserID)
	})
	if err != nil {
		return err
	}
	// Saves of attempts that are no longer open are held by their finished
	// attempts; a previous run may have stopped before pruning them.
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	if err := s.repo.deleteSavesExcept(ctx, ids); err != nil {
		return err
	}
	return s.install(ctx, "", byID, twins)
}

// backfillResults writes, once, the summaries of finished attempts stored
// before attempt_results existed, reading them whole that one time.
func (s *Service) backfillResults(ctx context.Context) error {
	done, err := s.repo.resultsBackfilled(ctx)
	if err != nil || done {
		return err
	}
	fin, err := s.repo.finishedSummaries(ctx, bson.M{})
	if err != nil {
		return err
	}
	if len(fin) > 0 {
		s.log.Info("writing the summaries of finished attempts, once", "attempts", len(fin))
	}
	for len(fin) > 0 {
		n := min(len(fin), store.MaxBatch)
		docs := make([]any, n)
		for i, f := range fin[:n] {
			docs[i] = resultDocOf(f)
		}
		for _, err := range s.repo.insertResults(ctx, docs) {
			if err != nil {
				return err
			}
		}
		fin = fin[n:]
	}
	return s.repo.markResultsBackfilled(ctx)
}

// addResults adds finished attempts' summaries to memory.
func (s *Service) addResults(res []resultDoc) {
	s.attMu.Lock()
	defer s.attMu.Unlock()
	for _, r := range res {
		s.addResult(r.result())
	}
}

// rebuild makes open attempts of their stored documents, saves and events.
// A document whose finished twin is known is handed to finished instead.
// Each attempt's next save seq is above floor as well as above its stored
// saves. exam, when set, is the one exam the attempts belong to (a
// takeover): its saves are read by their exam field.
func (s *Service) rebuild(ctx context.Context, exam string, open []openDoc, floor int64, finished func(openDoc)) (map[string]*openAttempt, error) {
	ids := []string{}
	byID := map[string]*openAttempt{}
	for _, d := range open {
		s.attMu.Lock()
		_, done := s.finished[d.ID]
		s.attMu.Unlock()
		if done {
			finished(d)
			continue
		}
		d.StartedAt, d.Deadline = d.StartedAt.UTC(), s.loadedDeadline(d)
		att := newOpenAttempt(d)
		att.rev = floor
		byID[d.ID] = att
		ids = append(ids, d.ID)
	}
	if len(ids) == 0 {
		return byID, nil
	}
	named := exam != ""
	for _, att := range byID {
		named = named && att.doc.SavesNamed
	}
	answers, events, err := s.savesOf(ctx, exam, named, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range answers {
		if att := byID[a.Attempt]; att != nil {
			att.replay(a)
		}
	}
	slices.SortFunc(events, func(a, b eventDoc) int { return a.At.Compare(b.At) })
	for _, e := range events {
		if att := byID[e.Attempt]; att != nil {
			att.events = append(att.events, e)
		}
	}
	return byID, nil
}

// savesOf reads the saves and events of the open attempts ids: those of
// exam by equality on it when every attempt's saves name it (named), else by
// the attempts, so an attempt begun before saves named their exam loses none.
func (s *Service) savesOf(ctx context.Context, exam string, named bool, ids []string) ([]answerDoc, []eventDoc, error) {
	if !named {
		answers, err := s.repo.answersOf(ctx, ids)
		if err != nil {
			return nil, nil, err
		}
		events, err := s.repo.eventsOf(ctx, ids)
		return answers, events, err
	}
	answers, err := s.repo.answersOfExam(ctx, exam)
	if err != nil {
		return nil, nil, err
	}
	events, err := s.repo.eventsOfExam(ctx, exam)
	return answers, events, err
}

// install puts rebuilt open attempts in memory, in place of those of exam
// examID held so far (none when examID is empty), marks used the questions
// their papers and papers hold, and reads the old versions they hold.
func (s *Service) install(ctx context.Context, examID string, byID map[string]*openAttempt, papers [][]itemDoc) error {
	s.attMu.Lock()
	if examID != "" {
		s.forget(examID)
	}
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
//
// On several instances one of them runs it (a job lease), while the others
// have attempts open, so it cannot wait for none to be open, and the
// attempts finished elsewhere are not in its memory: see pruneShared.
func (s *Service) Prune(ctx context.Context) error {
	if s.cluster != nil {
		return s.pruneShared(ctx)
	}
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

// PruneAll deletes the saves of every finished attempt at once, as a start
// does, when no attempt is open; Prune does it a few hundred a minute. For
// a generator that finished many attempts and stops (a start that found
// 240,000 saves left spent two minutes deleting them).
func (s *Service) PruneAll(ctx context.Context) error {
	s.attMu.Lock()
	open := len(s.open)
	s.attMu.Unlock()
	if open > 0 || s.cluster != nil {
		return nil
	}
	if err := s.repo.deleteSavesExcept(ctx, []string{}); err != nil {
		return err
	}
	s.attMu.Lock()
	s.prune = nil
	s.attMu.Unlock()
	return nil
}

// pruneShared is Prune on several instances. It reads which attempts have
// saves stored, then the open documents, in that order: an attempt's open
// document is stored before its first save and removed only after its
// finished document, so an attempt with saves and no open document is
// finished (each is checked by id all the same, at most maxPrune a run).
// Their saves are deleted. That is safe because a finished attempt takes no
// save anywhere: its owner sealed it before its finished document was
// written, a new owner takes an open document with a finished twin as
// finished (TakeOver), and the finished document holds its answers and
// events. A save that a paused former owner inserts later is never read,
// and a later run deletes it.
//
// It also finishes what an instance that died left half done: an open
// document still there a run later whose finished twin is stored lost its
// follow-ups with its owner, and until it is removed its exam looks open to
// the job that adopts exams nobody holds. Its follow-ups are replayed (they
// change nothing if done) and it is removed after them.
func (s *Service) pruneShared(ctx context.Context) error {
	saved, err := s.repo.savedAttempts(ctx)
	if err != nil {
		return err
	}
	heads, err := s.repo.openHeads(ctx)
	if err != nil {
		return err
	}
	if err := s.repairLeftovers(ctx, heads); err != nil {
		return err
	}
	open := make(map[string]bool, len(heads))
	for _, h := range heads {
		open[h.ID] = true
	}
	var closed []string
	for _, id := range saved {
		if !open[id] && len(closed) < maxPrune {
			closed = append(closed, id)
		}
	}
	done, err := s.repo.finishedByID(ctx, closed, summaryFields)
	if err != nil || len(done) == 0 {
		return err
	}
	ids := make([]string, len(done))
	for i, d := range done {
		ids[i] = d.Open.ID
	}
	return s.repo.deleteSaves(ctx, ids)
}

// repairLeftovers replays the follow-ups of open documents seen in the last
// run too whose finished twins are stored, at most maxPrune a run; the
// outcome worker removes each document after them (finish.go). A document
// seen once may be a finish whose follow-ups are still running.
func (s *Service) repairLeftovers(ctx context.Context, heads []openDoc) error {
	seen := make(map[string]bool, len(heads))
	var again []string
	users := map[string]string{}
	s.attMu.Lock()
	for _, h := range heads {
		seen[h.ID] = true
		_, mine := s.open[h.ID]
		if s.seenOpen[h.ID] && !mine && len(again) < maxPrune {
			again = append(again, h.ID)
			users[h.ID] = h.UserID
		}
	}
	s.seenOpen = seen
	s.attMu.Unlock()
	twins, err := s.repo.finishedByID(ctx, again, summaryFields)
	if err != nil {
		return err
	}
	if len(twins) > 0 {
		s.log.Info("replaying what follows a finish for attempts whose owner stopped before it", "attempts", len(twins))
	}
	s.addFinished(twins)
	for _, t := range twins {
		s.queueOutcome(outcome{attempt: t.Open.ID, user: users[t.Open.ID]})
	}
	return nil
}
