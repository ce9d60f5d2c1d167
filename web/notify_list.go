package web

import (
	"github.com/gofiber/fiber/v2"

	"gridskill/certify"
	"gridskill/notify"
	"gridskill/people"
	"gridskill/quiz"
)

type noticesPage struct {
	Page
	Notices []notify.Notice
}

// Say translates a notice into the page's language.
func (p noticesPage) Say(n notify.Notice) string {
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		args[i] = a
	}
	return p.T(n.Text, args...)
}

// homeNotices gives a worker their own notices (sent once each) and the
// count on the badge of their home page.
func (s *Server) homeNotices(c *fiber.Ctx, p *homePage) error {
	u, _ := currentUser(c)
	if u.Role != people.Worker {
		return nil
	}
	ctx := c.UserContext()
	exams := make([]quiz.Exam, len(p.Exams))
	for i, e := range p.Exams {
		exams[i] = e.Exam
	}
	var certs []certify.Held
	if s.certify != nil && s.notify.CertificatesDue(u.ID) {
		var err error
		if certs, err = s.certify.Mine(ctx, u); err != nil {
			return err
		}
	}
	if _, err := s.notify.Own(ctx, u, p.Learning, exams, certs); err != nil {
		return err
	}
	n, err := s.notify.Unread(ctx, u.ID)
	p.Unread = n
	return err
}

// noticesList is the viewer's notices, newest first.
func (s *Server) noticesList(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ns, err := s.notify.Inbox(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return c.Render("notify/list", noticesPage{Page: s.page(c, "Notices"), Notices: ns}, "layouts/main")
}

// noticesClear clears one notice (id) or all of them.
func (s *Server) noticesClear(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if err := s.notify.Clear(c.UserContext(), u.ID, c.FormValue("id")); err != nil {
		return err
	}
	return c.Redirect("/notices", fiber.StatusSeeOther)
}

type noticeJSON struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Text string `json:"text"`
	Link string `json:"link"`
	At   string `json:"at"`
}

// apiNotices is the caller's notices, translated.
func (s *Server) apiNotices(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ns, err := s.notify.Inbox(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	p := noticesPage{Page: s.page(c, "Notices")}
	out := make([]noticeJSON, 0, len(ns))
	for _, n := range ns {
		out = append(out, noticeJSON{ID: n.ID, Kind: n.Kind, Text: p.Say(n), Link: n.Link, At: n.At.Format("2006-01-02T15:04:05Z07:00")})
	}
	return c.JSON(fiber.Map{"unread": len(out), "notices": out})
}

// apiNoticesClear clears one notice ({"id"}) or all ({}).
func (s *Server) apiNoticesClear(c *fiber.Ctx) error {
	var in struct {
		ID string `json:"id"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.notify.Clear(c.UserContext(), u.ID, in.ID); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"cleared": true})
}
