package notify

import (
	"context"
	"strconv"
	"time"

	"gridskill"
	"gridskill/certify"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/quiz"
)

// DueSoon is how long before a due date the worker is told of it.
const DueSoon = 3 * 24 * time.Hour

// Own sends the worker the notices of their own state that they have not
// had: a new assignment, a module due within three days, a new exam, a
// certificate earned or expiring. The home page calls it with what it
// already read; each notice's id names the state it tells of, so it is
// sent once, and again only when the state changes (a new due date, a
// renewed certificate). Errors: internal.
func (s *Service) Own(ctx context.Context, worker people.User, items []courses.Item, exams []quiz.Exam, certs []certify.Held) (int, error) {
	if worker.Role != people.Worker {
		return 0, nil
	}
	now := s.clock.Now()
	day := func(t time.Time) string { return t.In(gridskill.ChinaZone()).Format("2006-01-02") }
	var ns []Notice
	add := func(id, kind, text, link string, args ...string) {
		ns = append(ns, Notice{ID: id, UserID: worker.ID, Kind: kind, Text: text, Args: args, Link: link})
	}
	for _, it := range items {
		m := it.Module
		if it.Assigned && !it.Done {
			add("assign:"+m.ID, "assignment", "New training assigned: %s", "/learn/"+m.ID, m.Title)
		}
		if it.Required && !it.Done && !it.Due.IsZero() && it.Due.After(now) && it.Due.Sub(now) <= DueSoon {
			add("due:"+m.ID+":"+day(it.Due), "due", "%s is due on %s", "/learn/"+m.ID, m.Title, day(it.Due))
		}
	}
	for _, e := range exams {
		add("exam:"+e.ID, "exam", "New exam: %s, open until %s", "/exams/"+e.ID, e.Title, day(e.ClosesAt))
	}
	for _, h := range certs {
		stamp := strconv.FormatInt(h.IssuedAt.Unix(), 10)
		if h.State.InForce() {
			add("cert:"+h.ID+":"+stamp, "certificate", "Certificate earned: %s", "/certificates/"+h.ID, h.ProgramName)
		}
		if h.State == certify.Expiring && !h.ExpiresAt.IsZero() {
			add("expiring:"+h.ID+":"+day(h.ExpiresAt), "certificate", "Your certificate %s expires on %s", "/certificates/"+h.ID, h.ProgramName, day(h.ExpiresAt))
		}
	}
	return s.Send(ctx, ns)
}

// CertificateCheckEvery is how often a worker's home page reads their
// certificates for notices: a read of the certificates on every home page
// would cost more than the page itself.
const CertificateCheckEvery = 10 * time.Minute

// CertificatesDue reports whether the worker's certificates are due a look
// for notices, and if so counts this one.
func (s *Service) CertificatesDue(userID string) bool {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.certChecked == nil {
		s.certChecked = map[string]time.Time{}
	}
	if last, ok := s.certChecked[userID]; ok && now.Sub(last) < CertificateCheckEvery && !now.Before(last) {
		return false
	}
	s.certChecked[userID] = now
	return true
}
