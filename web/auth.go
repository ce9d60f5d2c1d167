package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"github.com/gofiber/fiber/v2"

	"gridskill"
	"gridskill/people"
)

type ctxKey int

const userKey ctxKey = iota

// currentUser returns the signed-in account of the request.
func currentUser(c *fiber.Ctx) (people.User, bool) {
	u, ok := c.Locals(userKey).(people.User)
	return u, ok
}

// withContext gives the request a context with a deadline, which every
// service and store call receives.
func (s *Server) withContext(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// authenticate reads the login token from the Bearer header (programs) or
// the session cookie (pages) and, when it is valid, sets the current user.
// A request without a valid token goes on anonymous; requireUser refuses it
// where a sign-in is needed.
func (s *Server) authenticate(c *fiber.Ctx) error {
	token, fromCookie := bearer(c), false
	if token == "" {
		token, fromCookie = c.Cookies(s.cookieName(sessionCookie)), true
	}
	if token == "" {
		return c.Next()
	}
	claims, err := s.tokens.Verify(token)
	if err == nil {
		var u people.User
		u, err = s.people.Authenticate(c.UserContext(), claims)
		if err == nil {
			c.Locals(userKey, u)
			c.Locals(viaCookieKey, fromCookie)
			return c.Next()
		}
	}
	if gridskill.ErrorCode(err) == gridskill.EINTERNAL {
		return err
	}
	if fromCookie {
		s.dropSession(c)
	} else {
		// A program that sent a bad token hears why where a sign-in is needed,
		// yet can still reach the sign-in endpoint with its stale header.
		c.Locals(authErrKey, err)
	}
	return c.Next()
}

const (
	viaCookieKey = "gs_via_cookie"
	authErrKey   = "gs_auth_err"
	// sessionKey holds the session cookie the browser keeps after this
	// response, once a handler set or dropped it; pages bind their CSRF token to it.
	sessionKey = "gs_session_next"
)

func bearer(c *fiber.Ctx) string {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// requireUser refuses anonymous requests, and holds accounts that must change
// their issued password to that page.
func (s *Server) requireUser(c *fiber.Ctx) error {
	u, ok := currentUser(c)
	if !ok {
		if err, ok := c.Locals(authErrKey).(error); ok {
			return err
		}
		return gridskill.Errorf(gridskill.EUNAUTHORIZED, "please sign in")
	}
	if u.MustChangePassword && !passwordChangePath(c.Path()) {
		if isAPI(c) {
			return gridskill.Errorf(gridskill.EFORBIDDEN, "please change your issued password first")
		}
		return c.Redirect("/account/password", fiber.StatusSeeOther)
	}
	return c.Next()
}

func passwordChangePath(p string) bool {
	return p == "/account/password" || p == "/api/v1/auth/password" || p == "/logout" || p == "/api/v1/auth/logout"
}

// requireRole refuses accounts of other roles.
func requireRole(roles ...people.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, _ := currentUser(c)
		for _, r := range roles {
			if u.Role == r {
				return c.Next()
			}
		}
		return gridskill.Errorf(gridskill.EFORBIDDEN, "your role does not allow this")
	}
}

// cookieName is the name of one of the app's cookies: with the __Host-
// prefix when cookies are secure, so a sibling subdomain cannot plant one
// (the browser takes such a cookie only from this host, Secure, for path /).
func (s *Server) cookieName(base string) string {
	if s.cfg.SecureCookies {
		return "__Host-" + base
	}
	return base
}

// startSession issues the account a login token, stores it in an HttpOnly
// cookie and starts a new CSRF cookie, so no form token from before the
// sign-in works after it.
func (s *Server) startSession(c *fiber.Ctx, u people.User) error {
	token, exp, err := s.tokens.Issue(u)
	if err != nil {
		return gridskill.Internal(err)
	}
	c.Cookie(&fiber.Cookie{Name: s.cookieName(sessionCookie), Value: token, Path: "/", Expires: exp, HTTPOnly: true, Secure: s.cfg.SecureCookies, SameSite: "Lax"})
	c.Locals(sessionKey, token)
	s.newCSRFCookie(c)
	return nil
}

// tokenAnswer is the API's answer to a sign-in or a password change: a new
// token for the account, and who it is.
func (s *Server) tokenAnswer(c *fiber.Ctx, u people.User) error {
	token, exp, err := s.tokens.Issue(u)
	if err != nil {
		return gridskill.Internal(err)
	}
	return c.JSON(loginResponse{Token: token, ExpiresAt: exp, User: brief(u)})
}

// clearSession signs the browser out, with a new CSRF cookie as at sign-in.
func (s *Server) clearSession(c *fiber.Ctx) {
	s.dropSession(c)
	s.newCSRFCookie(c)
}

// dropSession deletes a session cookie that no longer signs anyone in. The
// request goes on with it, so that a form or an autosave shown in that
// session still passes the CSRF check and hears "please sign in" (401).
func (s *Server) dropSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: s.cookieName(sessionCookie), Value: "", Path: "/", MaxAge: -1, HTTPOnly: true, Secure: s.cfg.SecureCookies, SameSite: "Lax"})
	c.Locals(sessionKey, "")
}

// CSRF: a random value in an HttpOnly cookie, and forms carry an HMAC under
// the server's secret of that value and of the session cookie the page was
// shown with. A cross-site page can neither read the cookies nor compute the
// token; a CSRF cookie planted from elsewhere, with a token its planter got
// for it, is worth nothing in another session, since the token was made for
// the planter's session (or for none), and the cookie is replaced at every
// sign-in and sign-out. The server keeps no state, so any instance checks it.

// csrfToken returns the form token of the request, setting the cookie if needed.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	v := c.Cookies(s.cookieName(csrfCookie))
	if len(v) != 22 {
		v = s.newCSRFCookie(c)
	}
	session, ok := c.Locals(sessionKey).(string)
	if !ok {
		session = c.Cookies(s.cookieName(sessionCookie))
	}
	return s.csrfFor(v, session)
}

// newCSRFCookie sets a fresh CSRF cookie, also on the request, so that a
// page rendered by this response carries a token for it.
func (s *Server) newCSRFCookie(c *fiber.Ctx) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	c.Cookie(&fiber.Cookie{Name: s.cookieName(csrfCookie), Value: v, Path: "/", HTTPOnly: true, Secure: s.cfg.SecureCookies, SameSite: "Lax"})
	c.Request().Header.SetCookie(s.cookieName(csrfCookie), v)
	return v
}

func (s *Server) csrfFor(cookie, session string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("csrf:" + cookie + ":"))
	m.Write([]byte(session))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF refuses unsafe requests without a valid token: every form post,
// and API calls made with the session cookie. Programs using a Bearer token
// are not exposed to cross-site requests and are let through.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if isAPI(c) && c.Cookies(s.cookieName(sessionCookie)) == "" {
		return c.Next()
	}
	if isAPI(c) && bearer(c) != "" {
		return c.Next()
	}
	cookie := c.Cookies(s.cookieName(csrfCookie))
	sent := c.Get("X-CSRF-Token")
	if sent == "" && !isAPI(c) {
		sent = c.FormValue("_csrf")
	}
	session := c.Cookies(s.cookieName(sessionCookie))
	if cookie == "" || sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(s.csrfFor(cookie, session))) != 1 {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "this form has expired; please go back, reload the page and try again")
	}
	return c.Next()
}
