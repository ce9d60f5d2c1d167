package courses

import (
	"context"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill"
	"gridskill/people"
	"gridskill/sheet"
)

// Sign-in sheet columns.
const (
	ColName  = "姓名"
	ColPhone = "手机号"
)

// SignInHeader is the header row of the sign-in sheet template.
func SignInHeader() []string { return []string{ColName, ColPhone} }

// Session is an offline training session (线下培训) held in person.
type Session struct {
	ID        string
	Topic     string
	Date      string // YYYY-MM-DD
	Hours     float64
	Place     string
	Trainer   string
	UnitID    string
	Attendees []Attendee
	CreatedBy string
	CreatedAt time.Time
	// SignIn is set while workers may sign in by the session's QR code.
	SignIn bool
}

// Attendee is a person who signed in at a session.
type Attendee struct {
	ID     string
	Name   string
	Phone  string
	UnitID string
	// SignedAt is when they signed in by the QR code; zero when a sheet or
	// the trainer listed them.
	SignedAt time.Time
}

// SessionInput is what a trainer records about a session.
type SessionInput struct {
	Topic, Date, Place, Trainer string
	Hours                       float64
}

// SignInRow is one line of a sign-in sheet, or one person picked from the roster.
type SignInRow struct {
	Line  int
	Name  string
	Phone string
}

// SignInExample is the sign-in template's example row: a made-up person
// with a number no account is given, skipped when left in the sheet.
func SignInExample() []string { return []string{"张晓婷（示例）", "13800138000"} }

// SignInSheet is a read sign-in sheet: its people, and what was left out.
type SignInSheet struct {
	Rows []SignInRow
	// Ignored are columns the sheet has that are not read (e.g. 备注, 签名).
	Ignored []string
	// Examples counts the template's example rows left in and skipped.
	Examples int
}

// ParseSignInSheet reads a sign-in sheet (XLSX or CSV, UTF-8 or GBK): the
// column 手机号, and 姓名 when there is one; a title above the header is
// skipped, other columns are ignored (and named in the answer), and the
// template's example row is left out. Errors: invalid (with every row's
// problem), too_large.
func ParseSignInSheet(r io.Reader, filename string) (SignInSheet, error) {
	t, err := sheet.Read(r, filename, sheet.DefaultLimits())
	if err != nil {
		return SignInSheet{}, err
	}
	fit := t.Fit(sheet.Columns{Required: []string{ColPhone}, Optional: []string{ColName},
		Aliases:  map[string][]string{ColPhone: {"手机号码", "手机", "联系电话", "电话"}, ColName: {"名字"}},
		Template: SignInHeader(), Examples: [][]string{SignInExample()}})
	if len(fit.Missing) > 0 {
		return SignInSheet{}, rejected([]gridskill.FieldError{{Row: 1, Field: ColPhone, Reason: "column missing from the header"}})
	}
	out := SignInSheet{Ignored: fit.Ignored, Examples: fit.Examples}
	var problems []gridskill.FieldError
	for _, raw := range t.Rows {
		row := SignInRow{Line: raw.Line, Name: raw.Cell(fit.Index[ColName]), Phone: people.NormalizePhone(raw.Cell(fit.Index[ColPhone]))}
		if row.Name != "" {
			if err := people.ValidateName(row.Name); err != nil {
				problems = append(problems, gridskill.RowProblem(err, raw.Line, ColName))
			}
		}
		out.Rows = append(out.Rows, row)
	}
	if len(problems) > 0 {
		return SignInSheet{}, rejected(problems)
	}
	if len(out.Rows) == 0 {
		return SignInSheet{}, gridskill.Errorf(gridskill.EINVALID, "the sign-in sheet has nobody on it")
	}
	return out, nil
}

func rejected(problems []gridskill.FieldError) error {
	e := gridskill.Errorf(gridskill.EINVALID, "the sign-in sheet has %d problems; nothing was recorded", len(problems))
	e.Fields = problems
	return e
}

// Validate checks a session's fields. Errors: invalid.
func (in SessionInput) Validate(now time.Time) error {
	d, err := time.ParseInLocation("2006-01-02", in.Date, gridskill.ChinaZone())
	switch {
	case strings.TrimSpace(in.Topic) == "":
		return gridskill.Errorf(gridskill.EINVALID, "the session needs a topic")
	case utf8.RuneCountInString(in.Topic) > maxTitle || utf8.RuneCountInString(in.Place) > maxTitle || utf8.RuneCountInString(in.Trainer) > 30:
		return gridskill.Errorf(gridskill.EINVALID, "topic and place are at most %d characters, the trainer's name 30", maxTitle)
	case err != nil:
		return gridskill.Errorf(gridskill.EINVALID, "the date must look like 2026-11-24")
	case d.After(now.Add(24 * time.Hour)):
		return gridskill.Errorf(gridskill.EINVALID, "the session date is in the future")
	case math.IsNaN(in.Hours) || in.Hours < 0.5 || in.Hours > 24:
		return gridskill.Errorf(gridskill.EINVALID, "hours must be between 0.5 and 24")
	case strings.TrimSpace(in.Trainer) == "":
		return gridskill.Errorf(gridskill.EINVALID, "name the trainer who held the session")
	}
	return checkTexts(titleText.Check(in.Topic), placeText.Check(in.Place), trainerText.Check(in.Trainer))
}

// RecordSession records a session and gives each attendee its hours. The
// attendees are checked all together first, like the roster import: every
// phone must belong to an active account in the actor's area, a name given
// must match it, nobody may appear twice. Any problem rejects the whole
// sheet and nothing is written. Errors: forbidden, invalid (with rows).
func (s *Service) RecordSession(ctx context.Context, actor people.User, in SessionInput, rows []SignInRow) (Session, error) {
	if !isStaff(actor) {
		return Session{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins record training sessions")
	}
	in.Topic, in.Place, in.Trainer, in.Date = strings.TrimSpace(in.Topic), strings.TrimSpace(in.Place), strings.TrimSpace(in.Trainer), strings.TrimSpace(in.Date)
	now := s.clock.Now()
	if err := in.Validate(now); err != nil {
		return Session{}, err
	}
	in.Hours = math.Round(in.Hours*10) / 10
	if len(rows) == 0 {
		return Session{}, gridskill.Errorf(gridskill.EINVALID, "add the people who attended")
	}
	if len(rows) > 2000 {
		return Session{}, gridskill.Errorf(gridskill.EINVALID, "a session has at most %d attendees", 2000)
	}
	phones := make([]string, 0, len(rows))
	for _, r := range rows {
		phones = append(phones, r.Phone)
	}
	known, err := s.people.ByPhones(ctx, phones)
	if err != nil {
		return Session{}, err
	}
	var problems []gridskill.FieldError
	seen := map[string]int{}
	var attendees []Attendee
	for _, r := range rows {
		bad := func(field, reason string, args ...any) {
			problems = append(problems, gridskill.FieldError{Row: r.Line, Field: field, Reason: reason, Args: args})
		}
		u, ok := known[r.Phone]
		first, dup := seen[r.Phone]
		switch {
		case !people.ValidPhone(r.Phone):
			bad(ColPhone, "not an 11-digit mobile number")
		case dup:
			bad(ColPhone, "same phone number as row %d", first)
		case !ok || !u.Active:
			bad(ColPhone, "no active account has this phone number")
		case !people.InScope(u.UnitPath, actor.UnitID):
			bad(ColPhone, "this person is outside your area")
		case r.Name != "" && r.Name != u.Name:
			bad(ColName, "the roster has %s for this phone number", u.Name)
		default:
			attendees = append(attendees, Attendee{ID: u.ID, Name: u.Name, Phone: u.Phone, UnitID: u.UnitID})
		}
		if !dup {
			seen[r.Phone] = r.Line
		}
	}
	if len(problems) > 0 {
		return Session{}, rejected(problems)
	}
	if dup, found, err := s.duplicateOf(ctx, in.Topic, in.Date, attendees); err != nil {
		return Session{}, err
	} else if found && len(actor.UnitPath) > 0 && people.InScope(dup.UnitPath, actor.UnitPath[0]) {
		return Session{}, gridskill.Errorf(gridskill.ECONFLICT, "this session (same topic, date and attendees) was recorded already on %s", localDate(dup.CreatedAt))
	}
	sess := Session{ID: newID("s-"), Topic: in.Topic, Date: in.Date, Hours: in.Hours, Place: in.Place, Trainer: in.Trainer,
		UnitID: actor.UnitID, Attendees: attendees, CreatedBy: actor.ID, CreatedAt: now}
	d := sessionDoc{ID: sess.ID, Topic: sess.Topic, Date: sess.Date, Hours: sess.Hours, Place: sess.Place, Trainer: sess.Trainer,
		UnitID: actor.UnitID, UnitPath: actor.UnitPath, CreatedBy: actor.ID, CreatedAt: now}
	for _, a := range attendees {
		d.Attendees = append(d.Attendees, attendeeDoc{ID: a.ID, Name: a.Name, Phone: a.Phone, UnitID: a.UnitID})
	}
	// The session is stored first; crediting each attendee is guarded by the
	// session id, so CreditSession can finish an interrupted run safely.
	if err := s.repo.insertSession(ctx, d); err != nil {
		return Session{}, err
	}
	if err := s.credit(ctx, d); err != nil {
		return Session{}, err
	}
	ids := make([]string, len(d.Attendees))
	for i, a := range d.Attendees {
		ids[i] = a.ID
	}
	s.changedAll(ctx, ids)
	if err := s.logSession(ctx, sess.ID, SessionRecorded, actor, ""); err != nil {
		return Session{}, err
	}
	return sess, nil
}

// localDate is a time's day in China.
func localDate(t time.Time) string { return t.In(gridskill.ChinaZone()).Format("2006-01-02") }

// credit adds a session to each attendee's learning, guarded by the
// session id so that finishing an interrupted run credits no one twice. It
// is one update of all the attendees' documents: an update apiece scanned
// the collection once each on the embedded engine.
func (s *Service) credit(ctx context.Context, d sessionDoc) error {
	if len(d.Attendees) == 0 {
		return nil
	}
	date, _ := time.ParseInLocation("2006-01-02", d.Date, gridskill.ChinaZone())
	ref := sessionRefDoc{ID: d.ID, Topic: d.Topic, Date: d.Date, Hours: d.Hours}
	ids := make([]string, len(d.Attendees))
	blank := make([]any, len(d.Attendees))
	for i, a := range d.Attendees {
		ids[i], blank[i] = a.ID, progressDoc{ID: a.ID}
	}
	if err := s.repo.ensureLearning(ctx, blank); err != nil {
		return err
	}
	return s.repo.updateGuardedProgresses(ctx, ids, bson.M{"sessions.id": bson.M{"$ne": d.ID}}, bson.M{
		"$push": bson.M{"sessions": ref},
		"$inc":  bson.M{"years." + yearOf(date) + ".offlineHours": d.Hours},
	})
}

// Session returns a session recorded in the actor's area, with its
// attendees. Errors: invalid, not_found, forbidden.
func (s *Service) Session(ctx context.Context, actor people.User, id string) (Session, error) {
	if !ValidID(id) {
		return Session{}, gridskill.Errorf(gridskill.EINVALID, "malformed session id")
	}
	d, err := s.repo.session(ctx, id)
	if err != nil {
		return Session{}, err
	}
	if !actor.CanTeach(d.UnitPath) {
		return Session{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this session is outside your area")
	}
	return sessionOf(d), nil
}

// Sessions lists the latest sessions recorded in the actor's area, without attendees.
// Errors: forbidden, internal.
func (s *Service) Sessions(ctx context.Context, actor people.User) ([]Session, error) {
	if !isStaff(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "only trainers and admins see training sessions")
	}
	docs, err := s.repo.sessionsIn(ctx, actor.UnitID, 200)
	if err != nil {
		return nil, err
	}
	out := make([]Session, len(docs))
	for i, d := range docs {
		out[i] = sessionOf(d)
	}
	return out, nil
}

func sessionOf(d sessionDoc) Session {
	s := Session{ID: d.ID, Topic: d.Topic, Date: d.Date, Hours: d.Hours, Place: d.Place, Trainer: d.Trainer, UnitID: d.UnitID, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt,
		SignIn: d.SignInKey != ""}
	for _, a := range d.Attendees {
		s.Attendees = append(s.Attendees, Attendee{ID: a.ID, Name: a.Name, Phone: a.Phone, UnitID: a.UnitID, SignedAt: a.SignedAt})
	}
	return s
}
