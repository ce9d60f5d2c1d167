package courses

import (
	"context"
	"math"
	"time"

	"gridskill"
	"gridskill/people"
)

// Record is a worker's learning record (学习档案): what other features, such
// as certification, read about their training.
type Record struct {
	WorkerID string
	Name     string
	// Completed lists every module completion, each with the version studied.
	Completed []Completion
	// Minutes studied online in all, and this calendar year.
	Minutes         int
	MinutesThisYear int
	Sessions        []SessionRef
	Year            int
	// This year's training hours: online, offline and their sum.
	OnlineHours  float64
	OfflineHours float64
	Hours        float64
}

// Completion is one completed module version.
type Completion struct {
	ModuleID string
	Title    string
	Version  int
	At       time.Time
}

// SessionRef is an offline training session a worker attended.
type SessionRef struct {
	ID    string
	Topic string
	Date  string
	Hours float64
}

// Record returns a worker's learning record. The worker reads their own;
// trainers and admins read those in their area. One read by id.
// Errors: invalid, not_found, forbidden.
func (s *Service) Record(ctx context.Context, actor people.User, workerID string) (Record, error) {
	if workerID == "" || len(workerID) > 64 {
		return Record{}, gridskill.Errorf(gridskill.EINVALID, "malformed account id")
	}
	worker := actor
	if workerID != actor.ID {
		w, err := s.people.User(ctx, workerID)
		if err != nil {
			return Record{}, err
		}
		if !actor.CanTeach(w.UnitPath) {
			return Record{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this account is outside your area")
		}
		worker = w
	}
	p, err := s.repo.progressOf(ctx, worker.ID)
	if err != nil {
		return Record{}, err
	}
	return recordOf(worker, p, s.clock.Now()), nil
}

func recordOf(worker people.User, p progressDoc, now time.Time) Record {
	year := now.In(gridskill.ChinaZone()).Year()
	r := Record{WorkerID: worker.ID, Name: worker.Name, Year: year}
	for _, h := range p.History {
		r.Completed = append(r.Completed, Completion{ModuleID: h.ModuleID, Title: h.Title, Version: h.Version, At: h.At})
	}
	seconds := 0
	for y, yd := range p.Years {
		seconds += yd.Seconds
		if y == itoa(year) {
			r.MinutesThisYear = yd.Seconds / 60
			r.OnlineHours = round1(float64(yd.Seconds) / 3600)
			r.OfflineHours = yd.OfflineHours
		}
	}
	r.Minutes = seconds / 60
	for _, sr := range p.Sessions {
		r.Sessions = append(r.Sessions, SessionRef{ID: sr.ID, Topic: sr.Topic, Date: sr.Date, Hours: sr.Hours})
	}
	r.Hours = round1(r.OnlineHours + r.OfflineHours)
	return r
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
