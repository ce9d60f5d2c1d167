package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
)

// Page is what every page's view model starts with: the layout's needs and
// the translator. Each screen embeds it in its own typed struct.
type Page struct {
	Title   string
	Lang    string
	BigText bool
	// Path is the address of this page, for links that come back to it.
	Path  string
	User  *people.User
	Demo  bool
	CSRF  string
	Flash string
	// Problem is the error to show above a form, with per-row details.
	Problem *gridskill.Error

	cat *catalogue
}

// T translates a message of the catalogue into the page's language.
func (p Page) T(id string, args ...any) string { return p.cat.translate(p.Lang, id, args...) }

// IsAdmin reports whether the viewer is a street or district admin.
func (p Page) IsAdmin() bool { return p.User != nil && p.User.Role.IsAdmin() }

// CanSeeRoster reports whether the viewer may open the roster.
func (p Page) CanSeeRoster() bool { return p.User != nil && p.User.Role != people.Worker }

// GuestSession reports whether the viewer is a guest judge, whose session
// opens only its contest's judge screen.
func (p Page) GuestSession() bool { return p.User != nil && p.User.IsGuest() }

// RoleName is the translated name of a role.
func (p Page) RoleName(r people.Role) string { return p.T(roleLabels[r]) }

var roleLabels = map[people.Role]string{
	people.Worker:        "Grid worker",
	people.Trainer:       "Trainer",
	people.StreetAdmin:   "Street admin",
	people.DistrictAdmin: "District admin",
	people.Cadre:         "Shadowing participant",
	people.GuestJudge:    "Guest judge",
}

// page fills the common part of a view model for the current request.
func (s *Server) page(c *fiber.Ctx, title string) Page {
	p := Page{
		Title:   title,
		Lang:    s.lang(c),
		BigText: c.Cookies(bigTextCookie) == "1",
		Path:    c.OriginalURL(), // the template escapes it where it goes in a link
		Demo:    s.demo(c.UserContext()),
		CSRF:    s.csrfToken(c),
		Flash:   s.takeFlash(c),
		cat:     s.cat,
	}
	if u, ok := currentUser(c); ok {
		p.User = &u
	}
	return p
}

// problem sets the error shown above a form; only application errors are
// shown, anything else is passed on to the error handler.
func (p *Page) problem(err error) error {
	var e *gridskill.Error
	if errors.As(err, &e) && e.Code != gridskill.EINTERNAL {
		p.Problem = capError(e)
		return nil
	}
	return err
}

func (s *Server) lang(c *fiber.Ctx) string { return pickLanguage(c.Cookies(langCookie)) }

// Cookie names.
const (
	sessionCookie = "gs_session"
	csrfCookie    = "gs_csrf"
	flashCookie   = "gs_flash"
	langCookie    = "gs_lang"
	bigTextCookie = "gs_big"
)

// flash leaves a short message (a catalogue id) for the next page shown.
func (s *Server) flash(c *fiber.Ctx, msg string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HTTPOnly: true, Secure: s.cfg.SecureCookies, SameSite: "Lax", MaxAge: 60})
}

func (s *Server) takeFlash(c *fiber.Ctx) string {
	v := c.Cookies(flashCookie)
	if v == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", HTTPOnly: true, Secure: s.cfg.SecureCookies, SameSite: "Lax", MaxAge: -1})
	msg, err := url.QueryUnescape(v)
	if err != nil || len(msg) > 200 {
		return ""
	}
	return msg
}

// safeNext keeps a redirect target on this site: a path, never another host.
// Browsers drop tabs and line breaks from a URL and read a backslash as a
// slash, so "/\t/evil.example" would lead away: any control character or
// backslash refuses the target.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsFunc(next, func(r rune) bool {
		return r < 0x20 || r == 0x7f || r == '\\'
	}) {
		return "/"
	}
	return next
}

// Joined lists names (columns an import left out) as one line, cut short
// like every echo of what a person sent.
func (Page) Joined(names []string) string { return capEcho(strings.Join(names, "、")) }
