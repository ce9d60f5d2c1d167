package main

import (
	"context"
	"slices"
	"time"

	"gridskill"
	"gridskill/certify"
	"gridskill/contest"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/practical"
	"gridskill/quiz"
	"gridskill/scoring"
)

// certifySources reads what certification needs from courses, quiz and contest: a
// worker's record and history, the modules' major changes and the modules
// and exams an admin may require. It lives here, where everything is wired,
// so that neither courses nor quiz depends on certify or the other way.
type certifySources struct {
	people  *people.Service
	courses *courses.Service
	quiz    *quiz.Service
	contest *contest.Service
	certify *certify.Service
	// practical gives the accepted practical checklists; nil reads none.
	practical *practical.Service
}

// wireCertify points certification at its sources; any of them may be nil.
func wireCertify(cs *certify.Service, ps *people.Service, co *courses.Service, qs *quiz.Service, ct *contest.Service, pr *practical.Service) {
	src := &certifySources{people: ps, courses: co, quiz: qs, contest: ct, certify: cs, practical: pr}
	cs.Records, cs.Modules, cs.Histories, cs.Catalog = src, src, src, src
	if pr != nil {
		cs.Checklists = pr
	}
}

// readers are actors that may read every module and exam: one district
// admin standing at each root of the org tree. They never act, only read.
func (s *certifySources) readers(ctx context.Context) ([]people.User, error) {
	tree, err := s.people.Tree(ctx)
	if err != nil {
		return nil, err
	}
	var out []people.User
	for _, r := range tree.Roots() {
		out = append(out, people.User{ID: "certify-reader", Role: people.DistrictAdmin, Active: true, UnitID: r.ID, UnitPath: r.Path})
	}
	return out, nil
}

// Record is the worker's record as certification rules see it: the latest
// completed version of each module, the best score of each required exam
// with the time of the last pass, and this year's hours.
func (s *certifySources) Record(ctx context.Context, workerID string) (scoring.Record, error) {
	h, err := s.History(ctx, workerID)
	if err != nil {
		return scoring.Record{}, err
	}
	rec := scoring.Record{Modules: map[string]scoring.ModuleDone{}, Exams: map[string]scoring.ExamBest{}, HoursThisYear: h.OnlineHours + h.OfflineHours}
	for _, m := range h.Modules {
		if cur, ok := rec.Modules[m.ID]; !ok || m.Version > cur.Version || m.Version == cur.Version && m.CompletedAt.After(cur.At) {
			rec.Modules[m.ID] = scoring.ModuleDone{Version: m.Version, At: m.CompletedAt}
		}
	}
	for _, e := range h.Exams {
		rec.Exams[e.ID] = scoring.ExamBest{Score: e.Score, Passed: e.Passed, At: e.At}
	}
	for _, a := range h.Awards {
		rec.Awards = append(rec.Awards, scoring.Award{ContestID: a.ContestID, Level: a.Level})
	}
	if s.practical != nil {
		if rec.Checklists, err = s.practical.AcceptedChecklists(ctx, workerID); err != nil {
			return scoring.Record{}, err
		}
	}
	return rec, nil
}

// History is the worker's transcript: completions and hours from courses,
// their results in the exams that programs require or that are open to them,
// and their contest awards.
func (s *certifySources) History(ctx context.Context, workerID string) (certify.History, error) {
	worker, err := s.people.User(ctx, workerID)
	if err != nil {
		return certify.History{}, err
	}
	var h certify.History
	if s.courses != nil {
		rec, err := s.courses.Record(ctx, worker, workerID)
		if err != nil && gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
			return certify.History{}, err
		}
		for _, c := range rec.Completed {
			h.Modules = append(h.Modules, certify.ModuleEntry{ID: c.ModuleID, Title: c.Title, Version: c.Version, CompletedAt: c.At})
		}
		h.OnlineHours, h.OfflineHours = rec.OnlineHours, rec.OfflineHours
	}
	if s.quiz != nil {
		_, required, err := s.certify.Required(ctx)
		if err != nil {
			return certify.History{}, err
		}
		ids := slices.Clone(required)
		for _, e := range s.quiz.OpenExams(ctx, worker) {
			if !slices.Contains(ids, e.ID) {
				ids = append(ids, e.ID)
			}
		}
		readers, err := s.readers(ctx)
		if err != nil {
			return certify.History{}, err
		}
		for _, id := range ids {
			results := s.quiz.Results(people.User{ID: workerID}, id)
			if len(results) == 0 {
				continue
			}
			e := certify.ExamEntry{ID: id, Title: id}
			for _, r := range readers {
				if ex, err := s.quiz.Exam(ctx, r, id); err == nil {
					e.Title = ex.Title
					break
				}
			}
			var lastPass time.Time
			for _, r := range results {
				if r.Score > e.Score || e.MaxScore == 0 {
					e.Score, e.MaxScore = max(e.Score, r.Score), r.Max
				}
				if r.Passed {
					e.Passed = true
					if r.SubmittedAt.After(lastPass) {
						lastPass = r.SubmittedAt
					}
				}
			}
			e.At = lastPass
			if !e.Passed {
				e.At = results[len(results)-1].SubmittedAt
			}
			h.Exams = append(h.Exams, e)
		}
	}
	if s.contest != nil {
		awards, err := s.contest.AwardRecords(ctx, workerID)
		if err != nil {
			return certify.History{}, err
		}
		for _, a := range awards {
			h.Awards = append(h.Awards, certify.AwardEntry{ContestID: a.ContestID, Title: a.ContestTitle, Level: a.Level, At: a.AwardedAt})
		}
	}
	return h, nil
}

// LatestMajor is the module's latest major version. Its time is known when
// the latest published version is that major change; otherwise it is left
// zero and certification compares version numbers only.
func (s *certifySources) LatestMajor(ctx context.Context, moduleID string) (certify.Major, error) {
	if s.courses == nil {
		return certify.Major{}, nil
	}
	readers, err := s.readers(ctx)
	if err != nil {
		return certify.Major{}, err
	}
	for _, r := range readers {
		m, v, err := s.courses.Published(ctx, r, moduleID)
		if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
			continue
		}
		if err != nil {
			return certify.Major{}, err
		}
		if m.Published == nil {
			return certify.Major{}, nil
		}
		major := certify.Major{Version: m.Published.LastMajor}
		if v.Major && v.Number == m.Published.LastMajor {
			major.At = v.PublishedAt
		}
		return major, nil
	}
	return certify.Major{}, nil
}

// Choices lists the published modules and the exams admins may require.
func (s *certifySources) Choices(ctx context.Context) (modules, exams []certify.Choice, err error) {
	readers, err := s.readers(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range readers {
		if s.courses != nil {
			ms, err := s.courses.Visible(ctx, r)
			if err != nil {
				return nil, nil, err
			}
			for _, m := range ms {
				if m.Published != nil {
					modules = append(modules, certify.Choice{ID: m.ID, Title: m.Published.Title})
				}
			}
		}
		if s.quiz != nil {
			es, err := s.quiz.ManagedExams(ctx, r)
			if err != nil {
				return nil, nil, err
			}
			for _, e := range es {
				exams = append(exams, certify.Choice{ID: e.ID, Title: e.Title})
			}
		}
	}
	return modules, exams, nil
}
