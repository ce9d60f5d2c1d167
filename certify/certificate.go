package certify

import (
	"crypto/rand"
	"strings"
	"time"

	"gridskill"
	"gridskill/scoring"
)

// State is where a certificate stands. Its values are stored in the audit log
// and sent to clients, so they never change.
type State string

// The states of a certificate. Expiring and expired depend only on the clock
// and refresher due on the modules, so they are computed when read: a
// certificate never shows valid after its expiry.
const (
	Valid        State = "valid"
	Expiring     State = "expiring"
	Expired      State = "expired"
	RefresherDue State = "refresher_due"
	Revoked      State = "revoked"
)

// InForce reports whether a certificate in state s still certifies its holder:
// valid, expiring, or refresher due (the holder must re-study a changed module,
// but the certificate holds until its expiry).
func (s State) InForce() bool { return s == Valid || s == Expiring || s == RefresherDue }

// Certificate is one worker's certificate of one program. Its id is
// "program:worker", so each worker holds at most one per program; renewal
// extends the same certificate, keeping its number and verification code.
type Certificate struct {
	ID          string
	Number      string // GS-2026-000123
	Code        string // verification code, CodeLength characters of CodeAlphabet
	ProgramID   string
	ProgramName string
	IssuerID    string
	IssuerName  string
	WorkerID    string
	HolderName  string
	UnitID      string
	UnitPath    []string
	// Requirements are the program's requirements when the certificate was
	// last issued or renewed; editing the program leaves them as they were.
	Requirements scoring.Requirements
	Checks       map[string]string
	// Majors holds, per required module, its major version at the last issue
	// or renewal; a higher one since makes the certificate refresher due.
	Majors   map[string]int
	IssuedAt time.Time
	// RenewedAt is the last issue or renewal: a major module change after it
	// makes the certificate refresher due.
	RenewedAt time.Time
	// ExpiresAt is the first instant the certificate is no longer valid; zero
	// when it does not expire.
	ExpiresAt time.Time
	Renewals  int

	Revoked      bool
	RevokedAt    time.Time
	RevokedBy    string
	RevokeReason string
}

// StateAt returns the certificate's state at now: revoked, then expired, then
// refresher due (refresher tells whether a required module changed materially
// since the last renewal), then expiring when it expires within expiringWithin.
func (c Certificate) StateAt(now time.Time, expiringWithin time.Duration, refresher bool) State {
	switch {
	case c.Revoked:
		return Revoked
	case !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt):
		return Expired
	case refresher:
		return RefresherDue
	case !c.ExpiresAt.IsZero() && c.ExpiresAt.Sub(now) <= expiringWithin:
		return Expiring
	}
	return Valid
}

// CertificateID is the deterministic id of a worker's certificate of a program.
func CertificateID(programID, workerID string) string { return programID + ":" + workerID }

// Verification code: CodeLength characters from an alphabet without the
// look-alikes 0/O, 1/I/L, so a code read aloud or typed from paper is not
// mistaken.
const (
	CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	CodeLength   = 10
)

// NewCode returns a random verification code from crypto/rand.
func NewCode() string {
	out := make([]byte, CodeLength)
	buf := make([]byte, 32)
	n := 0
	for n < CodeLength {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand does not fail on supported systems
		}
		for _, b := range buf {
			// Rejection sampling keeps every character equally likely.
			if int(b) >= 256-256%len(CodeAlphabet) {
				continue
			}
			out[n] = CodeAlphabet[int(b)%len(CodeAlphabet)]
			n++
			if n == CodeLength {
				break
			}
		}
	}
	return string(out)
}

// NormalizeCode reads a code as a person typed it: spaces and dashes dropped,
// letters upper-cased. A code of the wrong length or with a character outside
// the alphabet is invalid, and is refused without looking it up.
func NormalizeCode(s string) (string, error) {
	if len(s) > 4*CodeLength {
		return "", gridskill.Errorf(gridskill.EINVALID, "a verification code has %d letters and digits", CodeLength)
	}
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(s))
	if len(s) != CodeLength {
		return "", gridskill.Errorf(gridskill.EINVALID, "a verification code has %d letters and digits", CodeLength)
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(CodeAlphabet, s[i]) < 0 {
			return "", gridskill.Errorf(gridskill.EINVALID, "this is not a verification code: it has characters no code has")
		}
	}
	return s, nil
}

// MaskName hides a holder's name for the public: the first and last characters
// stay and the rest become asterisks (张*婷, 欧阳**娜 becomes 欧**娜); a
// two-character name keeps its first (张*), a one-character name shows *.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}
