package web

import (
	"time"

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
// The key moves into a cookie of the contest's live paths and the address
// loses it, so that what the projector shows (the address bar, the page and
// its requests' URLs) carries no key a photo of the room could copy.
func (s *Server) liveScreen(c *fiber.Ctx) error {
	if key := c.Query("k"); key != "" {
		ct, err := s.contest.ScreenContest(c.Params("id"), key)
		if err != nil {
			return err
		}
		c.Cookie(&fiber.Cookie{Name: screenCookie, Value: key, Path: "/live/" + ct.ID, HTTPOnly: true, SameSite: "Lax",
			Secure: c.Protocol() == "https", Expires: s.clock.Now().Add(24 * time.Hour)})
		return c.Redirect("/live/"+ct.ID+"/screen", fiber.StatusSeeOther)
	}
	ct, err := s.contest.ScreenContest(c.Params("id"), screenKey(c))
	if err != nil {
		return err
	}
	p := livePage{Page: s.page(c, "Big screen"), Contest: ct, Events: "/live/" + ct.ID + "/events",
		JoinURL: c.BaseURL() + "/live/join?pin=" + ct.PIN}
	return c.Render("contest/stage", p, "contest/layout")
}

// screenCookie holds the big screen's key on the projector's browser.
const screenCookie = "gs_screen"

// screenKey is the big screen's key: from the address (programs) or the cookie.
func screenKey(c *fiber.Ctx) string {
	if k := c.Query("k"); k != "" {
		return k
	}
	return c.Cookies(screenCookie)
}

// liveQR is the QR code of the join link: GET /live/:id/qr.png.
func (s *Server) liveQR(c *fiber.Ctx) error {
	ct, err := s.contest.ScreenContest(c.Params("id"), screenKey(c))
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
