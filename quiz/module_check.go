package quiz

import "context"

// PassedCheck reports whether the worker has passed the end-of-module
// check (结业测验) of a course module: an exam that assesses it (Exam.ModuleID).
// A module no exam assesses has no check to pass. It satisfies
// courses.CheckPasser; the version is not asked for, since a pass of the
// exam counts whichever version was studied before it.
func (s *Service) PassedCheck(ctx context.Context, workerID, moduleID string, version int) (bool, error) {
	var ids []string
	s.examMu.RLock()
	for _, e := range s.exams {
		if e.ModuleID == moduleID {
			ids = append(ids, e.ID)
		}
	}
	s.examMu.RUnlock()
	if len(ids) == 0 {
		return true, nil
	}
	s.attMu.Lock()
	defer s.attMu.Unlock()
	for _, id := range ids {
		for _, r := range s.results[key(id, workerID)] {
			if r.Passed {
				return true, nil
			}
		}
	}
	return false, nil
}

// ExamModule is the course module an exam assesses, "" when none.
func (s *Service) ExamModule(examID string) string {
	s.examMu.RLock()
	defer s.examMu.RUnlock()
	return s.exams[examID].ModuleID
}
