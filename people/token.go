package people

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"gridskill"
)

// TokenTTL is how long a login lasts.
const TokenTTL = 12 * time.Hour

// Tokens issues and verifies the signed login tokens (JWT, HS256).
type Tokens struct {
	secret []byte
	clock  gridskill.Clock
	ttl    time.Duration
}

// NewTokens returns a token issuer. The secret comes from configuration.
func NewTokens(secret []byte, clock gridskill.Clock) *Tokens {
	return &Tokens{secret: secret, clock: clock, ttl: TokenTTL}
}

type claims struct {
	Version int `json:"ver"`
	jwt.RegisteredClaims
}

// Claims is what a verified token says.
type Claims struct {
	UserID  string
	Version int
	Expires time.Time
}

// Issue signs a token for u, valid for TokenTTL and for u's current token version.
func (t *Tokens) Issue(u User) (string, time.Time, error) {
	now := t.clock.Now()
	exp := now.Add(t.ttl)
	c := claims{
		Version: u.TokenVersion,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   u.ID,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			Issuer:    "gridskill",
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	return s, exp, err
}

// Verify checks a token's signature (HS256 only: "none" and every other
// algorithm are refused), issuer and expiry against the clock.
func (t *Tokens) Verify(token string) (Claims, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer("gridskill"),
		jwt.WithTimeFunc(t.clock.Now),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Claims{}, gridskill.Errorf(gridskill.EUNAUTHORIZED, "your session has expired, please sign in again")
	case err != nil || c.Subject == "":
		return Claims{}, gridskill.Errorf(gridskill.EUNAUTHORIZED, "please sign in")
	}
	return Claims{UserID: c.Subject, Version: c.Version, Expires: c.ExpiresAt.Time}, nil
}
