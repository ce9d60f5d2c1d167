package web

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"gridskill"
	"gridskill/courses"
)

// sessionInput reads a session's fields from a form.
func sessionInput(c *fiber.Ctx) courses.SessionInput {
	hours, _ := strconv.ParseFloat(c.FormValue("hours"), 64)
	return courses.SessionInput{Topic: c.FormValue("topic"), Date: c.FormValue("date"), Place: c.FormValue("place"), Trainer: c.FormValue("trainer"), Hours: hours}
}

// sessionUpdate saves a session's edited fields; its attendees' hours follow.
func (s *Server) sessionUpdate(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in := sessionInput(c)
	_, err := s.courses.UpdateSession(c.UserContext(), u, c.Params("id"), in)
	return s.sessionDone(c, err, "The session is saved; its attendees' hours follow.", "/sessions/"+c.Params("id"), &in)
}

// sessionDelete removes a session recorded by mistake, for a reason.
func (s *Server) sessionDelete(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	err := s.courses.DeleteSession(c.UserContext(), u, c.Params("id"), c.FormValue("reason"))
	return s.sessionDone(c, err, "The session is deleted; its hours are taken back.", "/sessions", nil)
}

// sessionOpen records today's session for QR sign-in and shows its code.
func (s *Server) sessionOpen(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	in := sessionInput(c)
	sess, err := s.courses.OpenSignIn(c.UserContext(), u, in)
	if err != nil {
		if code := gridskill.ErrorCode(err); code != gridskill.EINVALID {
			return err
		}
		p := sessionFormPage{Page: s.page(c, "Record a training session"), Input: in, Today: s.clock.Now().Format("2006-01-02")}
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(fiber.StatusBadRequest).Render("courses/session_new", p, "layouts/main")
	}
	s.flash(c, "Sign-in is open: show this page on the projector.")
	return c.Redirect("/sessions/"+sess.ID, fiber.StatusSeeOther)
}

// sessionDone ends a session change: the next page with a message, or the
// session's page with the problem.
func (s *Server) sessionDone(c *fiber.Ctx, err error, done, next string, in *courses.SessionInput) error {
	if err == nil {
		s.flash(c, done)
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	if code := gridskill.ErrorCode(err); code != gridskill.EINVALID && code != gridskill.ECONFLICT {
		return err
	}
	p, perr := s.sessionView(c)
	if perr != nil {
		return perr
	}
	if err := p.problem(err); err != nil {
		return err
	}
	if in != nil {
		p.Input = *in
	}
	return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("courses/session", p, "layouts/main")
}

// sessionQR is the QR code workers scan to sign in, for staff of the
// session's area on its day.
func (s *Server) sessionQR(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	key, err := s.courses.SignInKey(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	if key == "" {
		return gridskill.Errorf(gridskill.ENOTFOUND, "sign-in is not open for this session today")
	}
	png, err := qrcode.Encode(c.BaseURL()+"/checkin/"+c.Params("id")+"?k="+url.QueryEscape(key), qrcode.Medium, 360)
	if err != nil {
		return gridskill.Internal(err)
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(png)
}

type checkinPage struct {
	Page
	ID, Key  string
	Session  *courses.Session
	SignedAt string
}

// checkinPage is where a worker's phone lands after scanning the code: one
// button signs them in (opening the page changes nothing).
func (s *Server) checkinPage(c *fiber.Ctx) error {
	return c.Render("courses/checkin", checkinPage{Page: s.page(c, "Sign in to the session"), ID: c.Params("id"), Key: c.Query("k")}, "layouts/main")
}

// checkinSubmit signs the worker in, recorded with the server's time.
func (s *Server) checkinSubmit(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	p := checkinPage{Page: s.page(c, "Sign in to the session"), ID: c.Params("id"), Key: c.FormValue("k")}
	sess, _, err := s.courses.SignIn(c.UserContext(), u, p.ID, p.Key)
	if err != nil {
		if code := gridskill.ErrorCode(err); code != gridskill.EINVALID && code != gridskill.EFORBIDDEN {
			return err
		}
		if err := p.problem(err); err != nil {
			return err
		}
		return c.Status(statusOf[gridskill.ErrorCode(err)]).Render("courses/checkin", p, "layouts/main")
	}
	for _, a := range sess.Attendees {
		if a.ID == u.ID {
			p.SignedAt = localTime(a.SignedAt)
		}
	}
	p.Session = &sess
	return c.Render("courses/checkin", p, "layouts/main")
}

// LocalTime shows a time as people in China read it.
func (Page) LocalTime(t time.Time) string { return localTime(t) }
