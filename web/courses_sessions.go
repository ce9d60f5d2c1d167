package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/courses"
	"gridskill/people"
)

type sessionsPage struct {
	Page
	Sessions []courses.Session
}

func (s *Server) sessionsPage(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	list, err := s.courses.Sessions(c.UserContext(), u)
	if err != nil {
		return err
	}
	return c.Render("courses/sessions", sessionsPage{Page: s.page(c, "Offline training"), Sessions: list}, "layouts/main")
}

type sessionFormPage struct {
	Page
	Input  courses.SessionInput
	Phones string
	Today  string
}

func (s *Server) sessionNew(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p := sessionFormPage{Page: s.page(c, "Record a training session"), Today: s.clock.Now().Format("2006-01-02")}
	p.Input.Date, p.Input.Trainer, p.Input.Hours = p.Today, u.Name, 2
	return c.Render("courses/session_new", p, "layouts/main")
}

// sessionCreate records a session with attendees typed or picked (phone
// numbers, one a line) or imported from a sign-in sheet; every row is
// checked before anything is written.
func (s *Server) sessionCreate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	hours, _ := strconv.ParseFloat(c.FormValue("hours"), 64)
	in := courses.SessionInput{Topic: c.FormValue("topic"), Date: c.FormValue("date"), Place: c.FormValue("place"), Trainer: c.FormValue("trainer"), Hours: hours}
	p := sessionFormPage{Page: s.page(c, "Record a training session"), Input: in, Phones: c.FormValue("phones"), Today: s.clock.Now().Format("2006-01-02")}
	sheet, err := s.sessionRows(c)
	var sess courses.Session
	if err == nil {
		sess, err = s.courses.RecordSession(c.UserContext(), u, in, sheet.Rows)
	}
	if err != nil {
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("courses/session_new", p, "layouts/main")
	}
	s.flash(c, "The session is recorded and its attendees have their hours.")
	q := url.Values{}
	if len(sheet.Ignored) > 0 {
		q.Set("ignored", capEcho(strings.Join(sheet.Ignored, "、")))
	}
	if sheet.Examples > 0 {
		q.Set("examples", strconv.Itoa(sheet.Examples))
	}
	next := "/sessions/" + sess.ID
	if len(q) > 0 {
		next += "?" + q.Encode()
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// sessionRows reads the attendees: the uploaded sign-in sheet if there is
// one, else the phone numbers typed, one a line (a name may follow).
func (s *Server) sessionRows(c *fiber.Ctx) (courses.SignInSheet, error) {
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return courses.SignInSheet{}, gridskill.Errorf(gridskill.EINVALID, "the file could not be read")
		}
		defer f.Close()
		return courses.ParseSignInSheet(f, fh.Filename)
	}
	var rows []courses.SignInRow
	for i, line := range strings.Split(c.FormValue("phones"), "\n") {
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == '，' || r == '\r' })
		if len(fields) == 0 {
			continue
		}
		row := courses.SignInRow{Line: i + 1, Phone: people.NormalizePhone(fields[0])}
		if len(fields) > 1 {
			row.Name = fields[1]
		}
		rows = append(rows, row)
	}
	return courses.SignInSheet{Rows: rows}, nil
}

type sessionPage struct {
	Page
	Session courses.Session
	// Input is the edit form as typed; Trail the session's audit trail;
	// QR is set while workers may sign in by its code today.
	Input courses.SessionInput
	Trail []courses.SessionChange
	QR    bool
	// Ignored and Examples: what the sign-in sheet just imported had that was left out.
	Ignored  string
	Examples int
}

func (s *Server) sessionShow(c *fiber.Ctx) error {
	p, err := s.sessionView(c)
	if err != nil {
		return err
	}
	p.Ignored = capEcho(c.Query("ignored"))
	p.Examples, _ = strconv.Atoi(c.Query("examples"))
	return c.Render("courses/session", p, "layouts/main")
}

// sessionView builds the page of the session in the path.
func (s *Server) sessionView(c *fiber.Ctx) (sessionPage, error) {
	u, _ := currentUser(c)
	ctx := c.UserContext()
	sess, err := s.courses.Session(ctx, u, c.Params("id"))
	if err != nil {
		return sessionPage{}, err
	}
	trail, err := s.courses.SessionAudit(ctx, u, sess.ID)
	if err != nil {
		return sessionPage{}, err
	}
	key, err := s.courses.SignInKey(ctx, u, sess.ID)
	if err != nil && gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		return sessionPage{}, err
	}
	return sessionPage{Page: s.page(c, "Offline training"), Session: sess, Trail: trail, QR: key != "",
		Input: courses.SessionInput{Topic: sess.Topic, Date: sess.Date, Place: sess.Place, Trainer: sess.Trainer, Hours: sess.Hours}}, nil
}

// sessionTemplate sends the sign-in sheet template.
func (s *Server) sessionTemplate(c *fiber.Ctx) error {
	return sendSheet(c, c.Params("ext"), "签到表模板", "签到表", courses.SignInHeader(), [][]string{courses.SignInExample()})
}
