package web

import (
	"encoding/base64"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"gridskill"
	"gridskill/contest"
	"gridskill/people"
)

// guestJudgePage is the guest judges' sign-in: the code, typed or filled
// in from the invitation's link.
type guestJudgePage struct {
	Page
	Contest string
	Code    string
}

// guestJudge is GET /judge[?contest=&code=]. The link fills the form in but
// does not use the code: a chat app that opens links to preview them would
// otherwise spend it before the judge does.
func (s *Server) guestJudge(c *fiber.Ctx) error {
	p := guestJudgePage{Page: s.page(c, "Guest judge sign-in"), Contest: c.Query("contest"), Code: c.Query("code")}
	return c.Render("contest/guest_join", p, "layouts/main")
}

// guestJudgeSubmit is POST /judge: the code signs the guest in, once, and
// opens the contest's judge screen.
func (s *Server) guestJudgeSubmit(c *fiber.Ctx) error {
	p := guestJudgePage{Page: s.page(c, "Guest judge sign-in"), Contest: c.FormValue("contest"), Code: c.FormValue("code")}
	u, err := s.contest.RedeemGuest(c.UserContext(), p.Contest, p.Code, c.IP())
	if err != nil {
		if perr := p.problem(err); perr != nil {
			return perr
		}
		c.Status(statusOf[gridskill.ErrorCode(err)])
		return c.Render("contest/guest_join", p, "layouts/main")
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	id, _ := s.contest.GuestContest(u.ID)
	return c.Redirect("/live/"+id, fiber.StatusSeeOther)
}

// guestInvitePage shows a new invitation's code once: the code is stored
// only as its hash, so this page is the one place it can be read.
type guestInvitePage struct {
	Page
	Contest contest.Contest
	Guest   people.User
	Code    string
	Link    string
	QR      template.URL // a data: URL of the link's QR code
	Expires time.Time
}

// DateTime formats a time in China's zone, to the minute.
func (p guestInvitePage) DateTime(t time.Time) string {
	return t.In(gridskill.ChinaZone()).Format("2006-01-02 15:04")
}

// contestGuestInvite is POST /contests/:id/guests: round and name.
func (s *Server) contestGuestInvite(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	inv, err := s.contest.InviteGuest(c.UserContext(), u, c.Params("id"), c.FormValue("round"), c.FormValue("name"))
	if err != nil {
		p := contestPage{Page: s.page(c, "Competition")}
		if perr := p.problem(err); perr != nil {
			return perr
		}
		c.Status(statusOf[gridskill.ErrorCode(err)])
		return s.renderContest(c, p)
	}
	ct, err := s.contest.Organized(c.UserContext(), u, c.Params("id"))
	if err != nil {
		return err
	}
	link := c.BaseURL() + contest.GuestCodeURL(ct.ID, inv.Code)
	png, err := qrcode.Encode(link, qrcode.Medium, 320)
	if err != nil {
		return gridskill.Internal(err)
	}
	// The page holds a secret: no cache keeps it.
	c.Set(fiber.HeaderCacheControl, "no-store")
	p := guestInvitePage{Page: s.page(c, "Guest judge invited"), Contest: ct, Guest: inv.Guest, Code: inv.Code, Link: link,
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), Expires: inv.Expires}
	return c.Render("contest/guest", p, "layouts/main")
}

// contestGuestRevoke is POST /contests/:id/guests/:guest/revoke.
func (s *Server) contestGuestRevoke(c *fiber.Ctx) error {
	return s.contestForm(c, func(u people.User, id string) error {
		return s.contest.RevokeGuest(c.UserContext(), u, id, c.Params("guest"))
	})
}

type guestInviteRequest struct {
	Round string `json:"round"`
	Name  string `json:"name"`
}

type guestInviteJSON struct {
	Guest     userBrief `json:"guest"`
	Code      string    `json:"code"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// apiContestGuestInvite is POST /api/v1/contests/:id/guests {"round","name"}.
func (s *Server) apiContestGuestInvite(c *fiber.Ctx) error {
	var req guestInviteRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	id := c.Params("id")
	inv, err := s.contest.InviteGuest(c.UserContext(), u, id, req.Round, req.Name)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(guestInviteJSON{Guest: brief(inv.Guest), Code: inv.Code,
		URL: c.BaseURL() + contest.GuestCodeURL(id, inv.Code), ExpiresAt: inv.Expires})
}

// apiContestGuestRevoke is POST /api/v1/contests/:id/guests/:guest/revoke.
func (s *Server) apiContestGuestRevoke(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if err := s.contest.RevokeGuest(c.UserContext(), u, c.Params("id"), c.Params("guest")); err != nil {
		return err
	}
	return c.JSON(okJSON{OK: true})
}

type guestCodeRequest struct {
	Contest string `json:"contest"`
	Code    string `json:"code"`
}

// apiGuestJudge is POST /api/v1/auth/judge {"code","contest"?} → {"token","user"}.
func (s *Server) apiGuestJudge(c *fiber.Ctx) error {
	var req guestCodeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.contest.RedeemGuest(c.UserContext(), req.Contest, req.Code, c.IP())
	if err != nil {
		return err
	}
	return s.tokenAnswer(c, u)
}

// guestPaths are what a guest judge's session opens besides its contest's
// live paths: signing out, the language and text-size switches, the
// sign-in by code (to take another invitation) and the account's summary.
var guestPaths = []string{"/judge", "/logout", "/prefs", "/api/v1/auth/logout", "/api/v1/me"}

// guestLivePaths are the judge screen's paths, under /live/<contest>:
// the page, its event stream, and the score and ping posts of the API.
var guestLivePaths = map[string]bool{"": true, "/events": true}
var guestLiveAPI = map[string]bool{"/score": true, "/ping": true}

// guestOnly keeps a guest judge's session inside the one contest it judges:
// its judge screen and scores. Everything else (other contests, the
// contest's editor and results, admin pages, courses, exams) is refused;
// the contest service still decides which tasks it scores.
func (s *Server) guestOnly(c *fiber.Ctx) error {
	u, ok := currentUser(c)
	if !ok || !u.IsGuest() {
		return c.Next()
	}
	path := c.Path()
	cid, judges := s.contest.GuestContest(u.ID)
	if path == "/" && judges {
		return c.Redirect("/live/"+cid, fiber.StatusSeeOther)
	}
	for _, p := range guestPaths {
		if path == p {
			return c.Next()
		}
	}
	if judges {
		if rest, ok := strings.CutPrefix(path, "/live/"+cid); ok && guestLivePaths[rest] {
			return c.Next()
		}
		if rest, ok := strings.CutPrefix(path, "/api/v1/live/"+cid); ok && guestLiveAPI[rest] {
			return c.Next()
		}
	}
	return gridskill.Errorf(gridskill.EFORBIDDEN, "A guest judge's session opens only the judge screen of its contest")
}
