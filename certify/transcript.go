package certify

import (
	"context"
	"slices"
	"strings"
	"time"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
)

// History is a worker's learning as the transcript (学习档案) shows it.
type History struct {
	Modules []ModuleEntry
	// OnlineHours and OfflineHours are this year's training hours: lessons
	// studied here, and offline sessions recorded by trainers.
	OnlineHours  float64
	OfflineHours float64
	Exams        []ExamEntry
	Awards       []AwardEntry
}

// ModuleEntry is a completed module.
type ModuleEntry struct {
	ID          string
	Title       string
	Version     int
	CompletedAt time.Time
}

// ExamEntry is a worker's best result in an exam.
type ExamEntry struct {
	ID       string
	Title    string
	Score    float64
	MaxScore float64
	Passed   bool
	At       time.Time
}

// AwardEntry is a contest award.
type AwardEntry struct {
	ContestID string
	Title     string
	Level     scoring.AwardLevel
	At        time.Time
}

// Histories gives a worker's learning history, with titles, for the transcript.
type Histories interface {
	History(ctx context.Context, workerID string) (History, error)
}

// Choice is a module or exam an admin may require.
type Choice struct {
	ID    string
	Title string
}

// Catalog lists the modules and exams a program may require, so admins pick
// them by title and pages show titles rather than ids.
type Catalog interface {
	Choices(ctx context.Context) (modules, exams []Choice, err error)
}

// Choices returns the modules and exams a program may require; none when no
// catalogue is wired. Errors: internal.
func (s *Service) Choices(ctx context.Context) (modules, exams []Choice, err error) {
	if s.Catalog == nil {
		return nil, nil, nil
	}
	modules, exams, err = s.Catalog.Choices(ctx)
	if err != nil {
		return nil, nil, gridskill.Internal(err)
	}
	return modules, exams, nil
}

// Transcript is a worker's learning record and certificates.
type Transcript struct {
	Worker       people.User
	UnitNames    []string
	History      History
	Certificates []Held
	At           time.Time
}

// Transcript returns a worker's transcript, to the worker themself or an
// admin whose area holds the worker. Errors: forbidden, not_found.
func (s *Service) Transcript(ctx context.Context, actor people.User, workerID string) (Transcript, error) {
	if workerID != actor.ID {
		w, err := s.people.User(ctx, workerID)
		if err != nil {
			return Transcript{}, err
		}
		if !actor.CanAdminister(w.UnitPath) {
			return Transcript{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this worker is outside your area")
		}
	}
	w, err := s.people.User(ctx, workerID)
	if err != nil {
		return Transcript{}, err
	}
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return Transcript{}, err
	}
	if workerID == actor.ID && actor.Role == people.Worker {
		// The worker's own view re-evaluates, as Mine does.
		if _, err := s.evaluate(ctx, workerID); err != nil {
			return Transcript{}, err
		}
	}
	t := Transcript{Worker: w, UnitNames: tree.Names(w.UnitID), At: s.clock.Now()}
	t.History, err = s.history(ctx, workerID)
	if err != nil {
		return Transcript{}, err
	}
	t.Certificates, err = s.ofWorker(ctx, workerID)
	if err != nil {
		return Transcript{}, err
	}
	return t, nil
}

// history reads the worker's history, or builds a plainer one from their
// record when no history source is wired.
func (s *Service) history(ctx context.Context, workerID string) (History, error) {
	if s.Histories != nil {
		h, err := s.Histories.History(ctx, workerID)
		if err != nil {
			return History{}, gridskill.Internal(err)
		}
		return h, nil
	}
	if s.Records == nil {
		return History{}, nil
	}
	rec, err := s.Records.Record(ctx, workerID)
	if err != nil {
		return History{}, gridskill.Internal(err)
	}
	titles := map[string]string{}
	if mods, exams, err := s.Choices(ctx); err == nil {
		for _, c := range append(mods, exams...) {
			titles[c.ID] = c.Title
		}
	}
	title := func(id string) string {
		if t, ok := titles[id]; ok {
			return t
		}
		return id
	}
	h := History{OnlineHours: rec.HoursThisYear}
	for id, m := range rec.Modules {
		h.Modules = append(h.Modules, ModuleEntry{ID: id, Title: title(id), Version: m.Version, CompletedAt: m.At})
	}
	for id, e := range rec.Exams {
		h.Exams = append(h.Exams, ExamEntry{ID: id, Title: title(id), Score: e.Score, Passed: e.Passed, At: e.At})
	}
	for _, a := range rec.Awards {
		h.Awards = append(h.Awards, AwardEntry{ContestID: a.ContestID, Title: title(a.ContestID), Level: a.Level})
	}
	slices.SortFunc(h.Modules, func(a, b ModuleEntry) int { return a.CompletedAt.Compare(b.CompletedAt) })
	slices.SortFunc(h.Exams, func(a, b ExamEntry) int { return a.At.Compare(b.At) })
	return h, nil
}

// Titles returns a function naming modules and exams by title, falling back
// to the id.
func (s *Service) Titles(ctx context.Context) func(id string) string {
	titles := map[string]string{}
	if mods, exams, err := s.Choices(ctx); err == nil {
		for _, c := range append(mods, exams...) {
			titles[c.ID] = c.Title
		}
	}
	return func(id string) string {
		if t, ok := titles[id]; ok && strings.TrimSpace(t) != "" {
			return t
		}
		return id
	}
}
