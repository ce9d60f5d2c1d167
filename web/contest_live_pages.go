package web

import (
	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"gridskill"
	"gridskill/contest"
)

// livePage is the host screen, the big screen and the phone page: the page
// is a frame that live.js or host.js fills from the event stream.
type livePage struct {
	Page
	Contest   contest.Contest
	Events    string // the event stream's URL
	JoinURL   string
	ScreenURL string
	Host      bool
	// Captain is, on a phone during a captain round, the captain who answers
	// for the viewer's team.
	Captain string
}

// liveJoin is where the QR code leads: GET /live/join?pin=...; the sign-in
// comes first when needed, then the phone joins and opens the contest.
func (s *Server) liveJoin(c *fiber.Ctx) error {
	p := livePage{Page: s.page(c, "Join a competition")}
	pin := c.Query("pin")
	if pin == "" {
		return c.Render("contest/join", p, "layouts/main")
	}
	u, _ := currentUser(c)
	ct, err := s.contest.Join(c.UserContext(), u, pin)
	if err != nil {
		if perr := p.problem(err); perr != nil {
			return perr
		}
		c.Status(statusOf[gridskill.ErrorCode(err)])
		return c.Render("contest/join", p, "layouts/main")
	}
	return c.Redirect("/live/"+ct.ID, fiber.StatusSeeOther)
}

// livePhone is a participant's or judge's phone: GET /live/:id.
func (s *Server) livePhone(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ct, err := s.contest.JoinContest(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	p := livePage{Page: s.page(c, "Live competition"), Contest: ct, Events: "/live/" + ct.ID + "/events"}
	p.Captain, _ = s.contest.LiveCaptain(ct.ID, u.ID)
	return c.Render("contest/phone", p, "layouts/main")
}

// liveHost is the host screen for the projector: GET /live/:id/host.
func (s *Server) liveHost(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	ct, err := s.contest.Organized(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	p := livePage{Page: s.page(c, "Host screen"), Contest: ct, Events: "/live/" + ct.ID + "/events", Host: true,
		JoinURL: c.BaseURL() + "/live/join?pin=" + ct.PIN, ScreenURL: c.BaseURL() + screenURL(ct)}
	return c.Render("contest/stage", p, "contest/layout")
}

// liveScreen is the read-only big screen, opened by its key: GET /live/:id/screen?k=.
func (s *Server) liveScreen(c *fiber.Ctx) error {
	ct, err := s.contest.ScreenContest(c.Params("id"), c.Query("k"))
	if err != nil {
		return err
	}
	p := livePage{Page: s.page(c, "Big screen"), Contest: ct, Events: "/live/" + ct.ID + "/events?k=" + ct.ScreenKey,
		JoinURL: c.BaseURL() + "/live/join?pin=" + ct.PIN}
	return c.Render("contest/stage", p, "contest/layout")
}

// liveQR is the QR code of the join link: GET /live/:id/qr.png.
func (s *Server) liveQR(c *fiber.Ctx) error {
	ct, err := s.contest.ScreenContest(c.Params("id"), c.Query("k"))
	if err != nil {
		u, ok := currentUser(c)
		if !ok {
			return err
		}
		if ct, err = s.contest.Contest(c.UserContext(), u, c.Params("id")); err != nil {
			return err
		}
	}
	png, err := qrcode.Encode(c.BaseURL()+"/live/join?pin="+ct.PIN, qrcode.Medium, 320)
	if err != nil {
		return gridskill.Internal(err)
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	return c.Send(png)
}
