package courses

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
)

// SessionChange is one line of a session's audit trail: who recorded,
// edited, deleted it or opened its sign-in, when, and what changed.
type SessionChange struct {
	Action    string // "recorded", "edited", "deleted", "sign-in opened"
	ActorID   string
	ActorName string
	Note      string // what changed, or why it was deleted
	At        time.Time
}

// Session audit actions.
const (
	SessionRecorded = "recorded"
	SessionEdited   = "edited"
	SessionDeleted  = "deleted"
	SessionOpened   = "sign-in opened"
)

// logSession appends a line to a session's audit trail.
func (s *Service) logSession(ctx context.Context, sessionID, action string, actor people.User, note string) error {
	return s.repo.insertSessionChange(ctx, sessionChangeDoc{ID: newID("sc-"), SessionID: sessionID, Action: action,
		ActorID: actor.ID, ActorName: actor.Name, Note: note, At: s.clock.Now()})
}

// SessionAudit returns a session's audit trail, oldest first, to staff of
// its area. A deleted session's trail stays stored (its last line says who
// deleted it and why). Errors: invalid, forbidden, not_found.
func (s *Service) SessionAudit(ctx context.Context, actor people.User, id string) ([]SessionChange, error) {
	if _, err := s.Session(ctx, actor, id); err != nil {
		return nil, err
	}
	docs, err := s.repo.sessionChanges(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]SessionChange, len(docs))
	for i, d := range docs {
		out[i] = SessionChange{Action: d.Action, ActorID: d.ActorID, ActorName: d.ActorName, Note: d.Note, At: d.At}
	}
	return out, nil
}

// duplicateOf returns a session of the actor's area with the same topic,
// date and attendees as the one to record, if there is one.
func (s *Service) duplicateOf(ctx context.Context, topic, date string, attendees []Attendee) (sessionDoc, bool, error) {
	docs, err := s.repo.sessionsOn(ctx, topic, date)
	if err != nil {
		return sessionDoc{}, false, err
	}
	want := attendeeIDs(attendees)
	for _, d := range docs {
		var have []string
		for _, a := range d.Attendees {
			have = append(have, a.ID)
		}
		slices.Sort(have)
		if slices.Equal(have, want) {
			return d, true, nil
		}
	}
	return sessionDoc{}, false, nil
}

func attendeeIDs(as []Attendee) []string {
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	slices.Sort(ids)
	return ids
}

// editable returns a session staff actor may change. Errors: invalid,
// forbidden, not_found, conflict (deleted).
func (s *Service) editableSession(ctx context.Context, actor people.User, id string) (sessionDoc, error) {
	if !ValidID(id) {
		return sessionDoc{}, gridskill.Errorf(gridskill.EINVALID, "malformed session id")
	}
	d, err := s.repo.session(ctx, id)
	if err != nil {
		return sessionDoc{}, err
	}
	if !isStaff(actor) || !actor.CanTeach(d.UnitPath) {
		return sessionDoc{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this session is outside your area")
	}
	return d, nil
}

// UpdateSession changes a session's topic, date, hours, place and trainer.
// Its attendees' hours follow: each loses the old credit and gets the new
// one, and the change is in the audit trail. Errors: invalid, forbidden,
// not_found.
func (s *Service) UpdateSession(ctx context.Context, actor people.User, id string, in SessionInput) (Session, error) {
	old, err := s.editableSession(ctx, actor, id)
	if err != nil {
		return Session{}, err
	}
	in.Topic, in.Place, in.Trainer, in.Date = strings.TrimSpace(in.Topic), strings.TrimSpace(in.Place), strings.TrimSpace(in.Trainer), strings.TrimSpace(in.Date)
	if err := in.Validate(s.clock.Now()); err != nil {
		return Session{}, err
	}
	in.Hours = math.Round(in.Hours*10) / 10
	next := old
	next.Topic, next.Date, next.Hours, next.Place, next.Trainer = in.Topic, in.Date, in.Hours, in.Place, in.Trainer
	note := sessionDiff(old, next)
	if note == "" {
		return sessionOf(old), nil
	}
	// The session is stored marked as being edited, then each attendee's
	// record is moved to it, then the mark is cleared: a stop in between
	// leaves the mark, and RepairSessions (at start) finishes the move.
	next.Editing = true
	if err := s.repo.replaceSession(ctx, next); err != nil {
		return Session{}, err
	}
	if err := s.recredit(ctx, next); err != nil {
		return Session{}, err
	}
	next.Editing = false
	if err := s.repo.replaceSession(ctx, next); err != nil {
		return Session{}, err
	}
	for _, a := range next.Attendees {
		s.changed(ctx, a.ID)
	}
	if err := s.logSession(ctx, id, SessionEdited, actor, note); err != nil {
		return Session{}, err
	}
	return sessionOf(next), nil
}

// sessionDiff says what changed, field by field, in the trail's words.
func sessionDiff(a, b sessionDoc) string {
	var parts []string
	add := func(name, x, y string) {
		if x != y {
			parts = append(parts, name+": "+x+" → "+y)
		}
	}
	add("主题", a.Topic, b.Topic)
	add("日期", a.Date, b.Date)
	if a.Hours != b.Hours {
		parts = append(parts, "学时: "+formatHours(a.Hours)+" → "+formatHours(b.Hours))
	}
	add("地点", a.Place, b.Place)
	add("讲师", a.Trainer, b.Trainer)
	return strings.Join(parts, "；")
}

func formatHours(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }

// DeleteSession removes a session recorded by mistake: its attendees lose
// its hours, and the reason stays in the audit trail. Errors: invalid
// (no reason), forbidden, not_found.
func (s *Service) DeleteSession(ctx context.Context, actor people.User, id, reason string) error {
	d, err := s.editableSession(ctx, actor, id)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < 2 || len([]rune(reason)) > 200 {
		return gridskill.Errorf(gridskill.EINVALID, "give the reason for deleting, up to 200 characters")
	}
	if err := (gridskill.Text{Field: "reason", Max: 200, Multiline: true}).Check(reason); err != nil {
		return err
	}
	if err := s.uncredit(ctx, d); err != nil {
		return err
	}
	if err := s.logSession(ctx, id, SessionDeleted, actor, reason); err != nil {
		return err
	}
	if err := s.repo.deleteSession(ctx, id); err != nil {
		return err
	}
	for _, a := range d.Attendees {
		s.changed(ctx, a.ID)
	}
	return nil
}

// recredit makes each attendee's record hold d's hours exactly once: a
// reference to the session that differs from d's (its hours or date before
// an edit) is taken back by what it gave, read from the record itself, and
// then d's is added if missing. Run again, it changes nothing.
func (s *Service) recredit(ctx context.Context, d sessionDoc) error {
	ref := sessionRefDoc{ID: d.ID, Topic: d.Topic, Date: d.Date, Hours: d.Hours}
	for _, a := range d.Attendees {
		p, err := s.repo.progressOf(ctx, a.ID)
		if err != nil {
			return err
		}
		for _, held := range p.Sessions {
			if held.ID != d.ID || held == ref {
				continue
			}
			date, _ := time.ParseInLocation("2006-01-02", held.Date, gridskill.ChinaZone())
			err := s.repo.updateProgressIfAny(ctx, a.ID, bson.M{"sessions.id": d.ID}, bson.M{
				"$pull": bson.M{"sessions": held},
				"$inc":  bson.M{"years." + yearOf(date) + ".offlineHours": -held.Hours},
			})
			if err != nil {
				return err
			}
		}
	}
	return s.credit(ctx, d)
}

// RepairSessions finishes the edits that a stop interrupted, so that no
// attendee is left without a session's hours or with them twice. main runs
// it at start. Errors: internal.
func (s *Service) RepairSessions(ctx context.Context) error {
	docs, err := s.repo.sessionsEditing(ctx)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if err := s.recredit(ctx, d); err != nil {
			return err
		}
		d.Editing = false
		if err := s.repo.replaceSession(ctx, d); err != nil {
			return err
		}
		for _, a := range d.Attendees {
			s.changed(ctx, a.ID)
		}
	}
	return nil
}

// uncredit takes a session's hours back from each attendee who has them.
func (s *Service) uncredit(ctx context.Context, d sessionDoc) error {
	date, _ := time.ParseInLocation("2006-01-02", d.Date, gridskill.ChinaZone())
	// The reference is pulled by its whole value, as credit pushed it (the
	// embedded engine's $pull takes no condition on a field).
	ref := sessionRefDoc{ID: d.ID, Topic: d.Topic, Date: d.Date, Hours: d.Hours}
	for _, a := range d.Attendees {
		err := s.repo.updateProgressIfAny(ctx, a.ID, bson.M{"sessions.id": d.ID}, bson.M{
			"$pull": bson.M{"sessions": ref},
			"$inc":  bson.M{"years." + yearOf(date) + ".offlineHours": -d.Hours},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// OpenSignIn records today's session with nobody on it yet and a sign-in
// key: its page shows a QR code that workers of the actor's area scan on
// their phones to sign in, each recorded with the time. Errors: forbidden,
// invalid.
func (s *Service) OpenSignIn(ctx context.Context, actor people.User, in SessionInput) (Session, error) {
	if !isStaff(actor) {
		return Session{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins record training sessions")
	}
	in.Topic, in.Place, in.Trainer = strings.TrimSpace(in.Topic), strings.TrimSpace(in.Place), strings.TrimSpace(in.Trainer)
	now := s.clock.Now()
	in.Date = now.In(gridskill.ChinaZone()).Format("2006-01-02")
	if err := in.Validate(now); err != nil {
		return Session{}, err
	}
	in.Hours = math.Round(in.Hours*10) / 10
	key := make([]byte, 12)
	_, _ = rand.Read(key)
	d := sessionDoc{ID: newID("s-"), Topic: in.Topic, Date: in.Date, Hours: in.Hours, Place: in.Place, Trainer: in.Trainer,
		UnitID: actor.UnitID, UnitPath: actor.UnitPath, Attendees: []attendeeDoc{}, CreatedBy: actor.ID, CreatedAt: now, SignInKey: hex.EncodeToString(key)}
	if err := s.repo.insertSession(ctx, d); err != nil {
		return Session{}, err
	}
	if err := s.logSession(ctx, d.ID, SessionOpened, actor, ""); err != nil {
		return Session{}, err
	}
	return sessionOf(d), nil
}

// SignInKey returns the key of a session's QR sign-in, for its page; empty
// when the session has none or its day is over. Errors: as Session.
func (s *Service) SignInKey(ctx context.Context, actor people.User, id string) (string, error) {
	d, err := s.editableSession(ctx, actor, id)
	if err != nil {
		return "", err
	}
	if d.SignInKey == "" || d.Date != s.clock.Now().In(gridskill.ChinaZone()).Format("2006-01-02") {
		return "", nil
	}
	return d.SignInKey, nil
}

// SignIn records worker at a session whose QR code they scanned: on the
// session's day, with the key of its code, for workers of the area that
// holds it. The time is the server's; signing in twice keeps the first.
// It reports whether this call signed them in. Errors: invalid (a wrong key
// or another day), forbidden, not_found.
func (s *Service) SignIn(ctx context.Context, worker people.User, id, key string) (Session, bool, error) {
	if !ValidID(id) {
		return Session{}, false, gridskill.Errorf(gridskill.EINVALID, "malformed session id")
	}
	d, err := s.repo.session(ctx, id)
	if err != nil {
		return Session{}, false, err
	}
	now := s.clock.Now()
	switch {
	case !worker.Active || !people.InScope(worker.UnitPath, d.UnitID):
		return Session{}, false, gridskill.Errorf(gridskill.EFORBIDDEN, "this session is for another area")
	case d.SignInKey == "" || subtle.ConstantTimeCompare([]byte(key), []byte(d.SignInKey)) != 1:
		return Session{}, false, gridskill.Errorf(gridskill.EINVALID, "this sign-in code is not valid; scan the code shown in the room")
	case d.Date != now.In(gridskill.ChinaZone()).Format("2006-01-02"):
		return Session{}, false, gridskill.Errorf(gridskill.EINVALID, "sign-in for this session was only open on %s", d.Date)
	}
	a := attendeeDoc{ID: worker.ID, Name: worker.Name, Phone: worker.Phone, UnitID: worker.UnitID, SignedAt: now}
	added, err := s.repo.addAttendee(ctx, d.ID, a)
	if err != nil {
		return Session{}, false, err
	}
	if added {
		d.Attendees = append(d.Attendees, a)
		one := d
		one.Attendees = []attendeeDoc{a}
		if err := s.credit(ctx, one); err != nil {
			return Session{}, false, err
		}
		s.changed(ctx, worker.ID)
	}
	return sessionOf(d), added, nil
}
