package quiz

import "context"

// SetFinishQueue bounds how many finished attempts may wait for the database.
func SetFinishQueue(s *Service, n int) { s.fin.docs.Capacity = n }

// FinishesWaiting returns how many finished attempts wait for a write.
func FinishesWaiting(s *Service) int { return s.fin.docs.Len() }

// HoldFinishWrites makes every write of finished attempts wait until release
// is closed; entered receives once per write that starts waiting.
func HoldFinishWrites(s *Service, release <-chan struct{}) (entered <-chan struct{}) {
	ch := make(chan struct{}, 100)
	run := s.fin.docs.Run
	s.fin.docs.Run = func(ctx context.Context, ws []finishWrite) []error {
		ch <- struct{}{}
		<-release
		return run(ctx, ws)
	}
	return ch
}

// HoldOutcomes makes the follow-ups of finished attempts wait until release is closed.
func HoldOutcomes(s *Service, release <-chan struct{}) {
	run := s.fin.outcomes.Run
	s.fin.outcomes.Run = func(ctx context.Context, batch []outcome) []error {
		<-release
		return run(ctx, batch)
	}
}

// WriteBatches returns how many batched writes stored finished attempts and
// removed open ones.
func WriteBatches(s *Service) (finished, removed int) {
	return s.fin.docs.Runs(), s.fin.removals.Runs()
}

// UsedWrites returns how many batched writes marked questions used.
func UsedWrites(s *Service) int { return s.used.Runs() }

// KeptExams is how many exams' papers an instance keeps for their analyses.
const KeptExams = keptExams

// KeptPaperExams is how many exams' papers s keeps now.
func KeptPaperExams(s *Service) int {
	s.examDocsMu.Lock()
	defer s.examDocsMu.Unlock()
	return len(s.examDocs)
}
