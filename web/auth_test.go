package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"gridskill/seed"
)

func TestLoginAPI(t *testing.T) {
	r := newRig(t)
	t.Run("ReturnsTokenAndUser", func(t *testing.T) {
		resp, body := r.do(jsonReq("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13900000004", "password": seed.DemoPassword}))
		if resp.StatusCode != 200 || !strings.Contains(body, `"token":"`) || !strings.Contains(body, `"role":"worker"`) {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
	bad := []struct {
		name, body string
		status     int
	}{
		{"RefusesWrongPassword", `{"phone":"13900000004","password":"nope"}`, 401},
		{"RefusesUnknownPhoneWithSameMessage", `{"phone":"13800000000","password":"Demo@2026"}`, 401},
		{"RefusesOperatorInPhone", `{"phone":{"$gt":""},"password":"Demo@2026"}`, 400},
		{"RefusesMalformedJSON", `{"phone":"139`, 400},
		{"RefusesTrailingData", `{"phone":"13900000004","password":"x"} {}`, 400},
		{"RefusesEmptyBody", ``, 400},
		{"RefusesOversizedBody", `{"phone":"` + strings.Repeat("1", 70<<10) + `"}`, 413},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := r.do(jsonReq("POST", "/api/v1/auth/login", "", tc.body))
			if resp.StatusCode != tc.status || !strings.Contains(body, `"error":{"code":`) {
				t.Fatalf("got %d %s, want %d with an error body", resp.StatusCode, body, tc.status)
			}
			if strings.Contains(body, "token") {
				t.Fatalf("a refused login returned a token: %s", body)
			}
		})
	}
	t.Run("SameMessageForWrongPhoneAndWrongPassword", func(t *testing.T) {
		_, a := r.do(jsonReq("POST", "/api/v1/auth/login", "", `{"phone":"13900000003","password":"nope"}`))
		_, b := r.do(jsonReq("POST", "/api/v1/auth/login", "", `{"phone":"13800000001","password":"nope"}`))
		if a != b {
			t.Fatalf("answers differ:\n%s\n%s", a, b)
		}
	})
}

func TestLoginIsRateLimitedPerPhone(t *testing.T) {
	r := newRig(t)
	for i := 0; i < 5; i++ {
		r.do(jsonReq("POST", "/api/v1/auth/login", "", `{"phone":"13900000002","password":"wrong-guess"}`))
	}
	resp, _ := r.do(jsonReq("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13900000002", "password": seed.DemoPassword}))
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt after five failures: %d, want 429", resp.StatusCode)
	}
	r.clock.Advance(16 * time.Minute)
	resp, _ = r.do(jsonReq("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13900000002", "password": seed.DemoPassword}))
	if resp.StatusCode != 200 {
		t.Fatalf("after the window: %d, want 200", resp.StatusCode)
	}
}

func TestMe(t *testing.T) {
	r := newRig(t)
	tok := r.token("13900000004")
	resp, body := r.do(jsonReq("GET", "/api/v1/me", tok, nil))
	for _, want := range []string{`"id":"user-worker"`, `"role":"worker"`, `"kind":"grid"`, `"name":"明湖区"`} {
		if !strings.Contains(body, want) {
			t.Errorf("me lacks %s: %s", want, body)
		}
	}
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestTokensThatMustBeRefused(t *testing.T) {
	r := newRig(t)
	good := r.token("13900000001")
	sign := func(method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	now := r.clock.Now()
	valid := jwt.MapClaims{"sub": "user-district-admin", "ver": 0, "iss": "gridskill", "exp": now.Add(time.Hour).Unix()}
	parts := strings.Split(good, ".")
	cases := map[string]string{
		"AlgNone":        sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid),
		"WrongSecret":    sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), valid),
		"HS512":          sign(jwt.SigningMethodHS512, rigSecret, valid),
		"Expired":        sign(jwt.SigningMethodHS256, rigSecret, jwt.MapClaims{"sub": "user-district-admin", "ver": 0, "iss": "gridskill", "exp": now.Add(-time.Minute).Unix()}),
		"NoExpiry":       sign(jwt.SigningMethodHS256, rigSecret, jwt.MapClaims{"sub": "user-district-admin", "ver": 0, "iss": "gridskill"}),
		"OldVersion":     sign(jwt.SigningMethodHS256, rigSecret, jwt.MapClaims{"sub": "user-district-admin", "ver": -1, "iss": "gridskill", "exp": now.Add(time.Hour).Unix()}),
		"UnknownUser":    sign(jwt.SigningMethodHS256, rigSecret, jwt.MapClaims{"sub": "nobody", "ver": 0, "iss": "gridskill", "exp": now.Add(time.Hour).Unix()}),
		"TamperedClaims": parts[0] + "." + strings.TrimRight(parts[1], "=") + "x." + parts[2],
		"Garbage":        "not-a-token",
	}
	for name, tok := range cases {
		t.Run("Refuses"+name, func(t *testing.T) {
			resp, body := r.do(jsonReq("GET", "/api/v1/me", tok, nil))
			if resp.StatusCode != 401 || !strings.Contains(body, `"code":"unauthorized"`) {
				t.Fatalf("got %d %s", resp.StatusCode, body)
			}
		})
	}
	t.Run("AcceptsTheRealOne", func(t *testing.T) {
		if resp, body := r.do(jsonReq("GET", "/api/v1/me", good, nil)); resp.StatusCode != 200 {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
}

func TestLogoutAndPasswordChangeEndOldTokens(t *testing.T) {
	r := newRig(t)
	t.Run("Logout", func(t *testing.T) {
		tok := r.token("13900000003")
		if resp, _ := r.do(jsonReq("POST", "/api/v1/auth/logout", tok, nil)); resp.StatusCode != 204 {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		if resp, _ := r.do(jsonReq("GET", "/api/v1/me", tok, nil)); resp.StatusCode != 401 {
			t.Fatalf("token after logout: %d, want 401", resp.StatusCode)
		}
	})
	t.Run("PasswordChange", func(t *testing.T) {
		tok := r.token("13900000004")
		resp, body := r.do(jsonReq("POST", "/api/v1/auth/password", tok, map[string]string{"current": seed.DemoPassword, "new": "Better2026pw"}))
		if resp.StatusCode != 200 || !strings.Contains(body, `"token"`) {
			t.Fatalf("change: %d %s", resp.StatusCode, body)
		}
		if resp, _ := r.do(jsonReq("GET", "/api/v1/me", tok, nil)); resp.StatusCode != 401 {
			t.Fatalf("old token after password change: %d, want 401", resp.StatusCode)
		}
		resp, _ = r.do(jsonReq("POST", "/api/v1/auth/login", "", map[string]string{"phone": "13900000004", "password": "Better2026pw"}))
		if resp.StatusCode != 200 {
			t.Fatalf("login with the new password: %d", resp.StatusCode)
		}
	})
}

func TestPagesNeedSignInAndCSRF(t *testing.T) {
	r := newRig(t)
	b := r.browser()
	resp, _ := b.get("/roster")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous roster: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	t.Run("RefusesFormWithoutToken", func(t *testing.T) {
		b.get("/login")
		form := url.Values{"phone": {"13900000001"}, "password": {seed.DemoPassword}, "_csrf": {"forged"}}
		resp, body := b.post("/login", "/login", form)
		if resp.StatusCode != 403 || !strings.Contains(body, "表单已过期") {
			t.Fatalf("forged CSRF: %d", resp.StatusCode)
		}
	})
	b.signIn("13900000001", seed.DemoPassword)
	resp, body := b.get("/")
	if resp.StatusCode != 200 || !strings.Contains(body, "周建国") || !strings.Contains(body, "演示数据") {
		t.Fatalf("home: %d, body lacks name or demo banner", resp.StatusCode)
	}
}
