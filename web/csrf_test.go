package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"gridskill/seed"
)

// postLogout posts the sign-out form with the given token and reports the status.
func postLogout(b *browser, token string) int {
	b.r.t.Helper()
	req := httptest.NewRequest("POST", "/logout", strings.NewReader(url.Values{"_csrf": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ := b.send(req)
	return resp.StatusCode
}

func TestCSRFTokenIsBoundToTheSession(t *testing.T) {
	r := newRig(t)
	t.Run("RefusesATokenFromAnotherSession", func(t *testing.T) {
		planter, victim := r.as(workerPhone), r.as(streetPhone)
		token := planter.csrf("/")
		victim.cookies[csrfCookie] = planter.cookies[csrfCookie]
		if status := postLogout(victim, token); status != http.StatusForbidden {
			t.Fatalf("a planted cookie and its token from another session: %d, want 403", status)
		}
		if resp, _ := victim.get("/"); resp.StatusCode != 200 {
			t.Fatalf("the victim was signed out: %d", resp.StatusCode)
		}
		if status := postLogout(planter, token); status != http.StatusSeeOther {
			t.Fatalf("the token in its own session: %d, want 303", status)
		}
	})
	t.Run("TokenPlantedBeforeSignInStopsWorkingAfterIt", func(t *testing.T) {
		planter := r.browser()
		token := planter.csrf("/login")
		victim := r.browser()
		victim.cookies[csrfCookie] = planter.cookies[csrfCookie]
		victim.signIn(workerPhone, seed.DemoPassword)
		if victim.cookies[csrfCookie] == planter.cookies[csrfCookie] {
			t.Fatal("signing in kept the CSRF cookie from before")
		}
		if status := postLogout(victim, token); status != http.StatusForbidden {
			t.Fatalf("a token from before the sign-in: %d, want 403", status)
		}
		if status := postLogout(victim, victim.csrf("/")); status != http.StatusSeeOther {
			t.Fatalf("the token of the session: %d, want 303", status)
		}
	})
	t.Run("BearerNeedsNoToken", func(t *testing.T) {
		token := r.token(workerPhone)
		b := r.as(workerPhone) // a session cookie beside the Bearer header changes nothing
		req := jsonReq("POST", "/api/v1/auth/logout", token, nil)
		resp, body := b.send(req)
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("logout with a Bearer token: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("EndedSessionHearsSignInNotExpiredForm", func(t *testing.T) {
		b := r.as(workerPhone)
		token := b.csrf("/")
		r.do(jsonReq("POST", "/api/v1/auth/logout", r.token(workerPhone), nil)) // signed out elsewhere
		req := jsonReq("POST", "/api/v1/auth/logout", "", nil)
		req.Header.Set("X-CSRF-Token", token)
		resp, body := b.send(req)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a save from a page of an ended session: %d %s, want 401", resp.StatusCode, body)
		}
	})
}

func TestSecureCookiesUseTheHostPrefix(t *testing.T) {
	r := newRigConfig(t, Config{SecureCookies: true})
	b := r.browser()
	resp, _ := b.get("/login")
	var csrf *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-"+csrfCookie {
			csrf = c
		}
	}
	if csrf == nil || !csrf.Secure || csrf.Path != "/" || csrf.Domain != "" {
		t.Fatalf("CSRF cookie %+v, want __Host-%s, Secure, path /, no domain", csrf, csrfCookie)
	}
	b.signIn(workerPhone, seed.DemoPassword)
	if b.cookies["__Host-"+sessionCookie] == "" {
		t.Fatalf("cookies after sign-in: %v", b.cookies)
	}
	if resp, _ := b.get("/"); resp.StatusCode != 200 {
		t.Fatalf("signed in with secure cookies: %d", resp.StatusCode)
	}
	if status := postLogout(b, b.csrf("/")); status != http.StatusSeeOther {
		t.Fatalf("a form post with secure cookies: %d", status)
	}
}
