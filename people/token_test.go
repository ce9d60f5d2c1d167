package people

import (
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"gridskill"
)

var tokenSecret = []byte("people-test-secret-people-test-secret")

func TestTokensRoundTrip(t *testing.T) {
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	tokens := NewTokens(tokenSecret, clock)
	tok, exp, err := tokens.Issue(User{ID: "user-1", TokenVersion: 7})
	if err != nil {
		t.Fatal(err)
	}
	if want := clock.Now().Add(TokenTTL); !exp.Equal(want) {
		t.Fatalf("expires %v, want %v", exp, want)
	}
	c, err := tokens.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.UserID != "user-1" || c.Version != 7 || !c.Expires.Equal(exp) {
		t.Fatalf("claims %+v", c)
	}
}

func TestTokensExpireOnTheServerClock(t *testing.T) {
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	tokens := NewTokens(tokenSecret, clock)
	tok, _, err := tokens.Issue(User{ID: "user-1"})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(TokenTTL - time.Minute)
	if _, err := tokens.Verify(tok); err != nil {
		t.Fatalf("a minute before expiry: %v", err)
	}
	clock.Advance(2 * time.Minute)
	_, err = tokens.Verify(tok)
	if gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED || gridskill.ErrorMessage(err) != "your session has expired, please sign in again" {
		t.Fatalf("a minute after expiry: %v", err)
	}
}

func TestTokensRefused(t *testing.T) {
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	tokens := NewTokens(tokenSecret, clock)
	exp := jwt.NewNumericDate(clock.Now().Add(time.Hour))
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(m jwt.SigningMethod, key any, c jwt.RegisteredClaims) string {
		s, err := jwt.NewWithClaims(m, claims{RegisteredClaims: c}).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := map[string]string{
		// Key confusion: a token signed with an algorithm the server never uses.
		"RS256":        sign(jwt.SigningMethodRS256, rsaKey, jwt.RegisteredClaims{Subject: "user-1", Issuer: "gridskill", ExpiresAt: exp}),
		"HS384":        sign(jwt.SigningMethodHS384, tokenSecret, jwt.RegisteredClaims{Subject: "user-1", Issuer: "gridskill", ExpiresAt: exp}),
		"WrongIssuer":  sign(jwt.SigningMethodHS256, tokenSecret, jwt.RegisteredClaims{Subject: "user-1", Issuer: "someone-else", ExpiresAt: exp}),
		"NoSubject":    sign(jwt.SigningMethodHS256, tokenSecret, jwt.RegisteredClaims{Issuer: "gridskill", ExpiresAt: exp}),
		"Empty":        "",
		"TwoPartsOnly": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := tokens.Verify(tok); gridskill.ErrorCode(err) != gridskill.EUNAUTHORIZED {
				t.Fatalf("Verify = %v, want unauthorized", err)
			}
		})
	}
}
