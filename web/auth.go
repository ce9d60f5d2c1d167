package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
	"time"

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
		token, fromCookie = c.Cookies(sessionCookie), true
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
		s.clearSession(c)
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

// setSession stores a login token in an HttpOnly cookie.
func (s *Server) setSession(c *fiber.Ctx, token string, exp time.Time) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: exp, HTTPOnly: true, Secure: s.cfg.SecureCookies, SameSite: "Lax"})
}

func (s *Server) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HTTPOnly: true, Secure: s.cfg.SecureCookies, SameSite: "Lax"})
}

// CSRF: a random value in an HttpOnly cookie, and forms carry its HMAC under
// the server's secret. A cross-site page can neither read the cookie nor
// compute the token, and the server keeps no state, so any instance checks it.

// csrfToken returns the form token of the request, setting the cookie if needed.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	v := c.Cookies(csrfCookie)
	if len(v) != 22 {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		v = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: v, Path: "/", HTTPOnly: true, Secure: s.cfg.SecureCookies, SameSite: "Lax"})
		c.Request().Header.SetCookie(csrfCookie, v)
	}
	return s.csrfFor(v)
}

func (s *Server) csrfFor(cookie string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("csrf:" + cookie))
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
	if isAPI(c) && c.Cookies(sessionCookie) == "" {
		return c.Next()
	}
	if isAPI(c) && bearer(c) != "" {
		return c.Next()
	}
	cookie := c.Cookies(csrfCookie)
	sent := c.Get("X-CSRF-Token")
	if sent == "" && !isAPI(c) {
		sent = c.FormValue("_csrf")
	}
	if cookie == "" || sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(s.csrfFor(cookie))) != 1 {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "this form has expired; please go back, reload the page and try again")
	}
	return c.Next()
}
