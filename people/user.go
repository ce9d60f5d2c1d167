package people

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"gridskill"
)

// Role is what an account may do.
type Role string

// Roles, from least to most reach.
const (
	Worker        Role = "worker"
	Trainer       Role = "trainer"
	StreetAdmin   Role = "street_admin"
	DistrictAdmin Role = "district_admin"
	// Cadre is a participant of a shadowing day (跟岗): an office's cadre
	// who spends a day with a grid worker. The account opens only the
	// shadowing programmes it takes part in and their practical tasks.
	Cadre Role = "cadre"
)

// Roles returns every role, from least to most reach, a new slice on each call.
func Roles() []Role { return []Role{Worker, Trainer, StreetAdmin, DistrictAdmin, Cadre} }

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case Worker, Trainer, StreetAdmin, DistrictAdmin, Cadre:
		return true
	}
	return false
}

// IsAdmin reports whether the role administers people and units.
func (r Role) IsAdmin() bool { return r == StreetAdmin || r == DistrictAdmin }

// UnitKind is the kind of unit an account of this role is bound to.
// Workers belong to a grid; trainers may sit at any level.
func (r Role) UnitKind() UnitKind {
	switch r {
	case Worker:
		return Grid
	case StreetAdmin:
		return Street
	case DistrictAdmin:
		return District
	}
	return ""
}

// User is an account. Every account is bound to one unit; UnitPath is that
// unit's path, copied so scope checks need no lookup.
type User struct {
	ID                 string    `json:"id"`
	Phone              string    `json:"phone"`
	Name               string    `json:"name"`
	Role               Role      `json:"role"`
	UnitID             string    `json:"unitId"`
	UnitPath           []string  `json:"unitPath"`
	EmployeeNo         string    `json:"employeeNo,omitempty"`
	JoinedOn           string    `json:"joinedOn,omitempty"` // YYYY-MM-DD
	Active             bool      `json:"active"`
	MustChangePassword bool      `json:"mustChangePassword"`
	TokenVersion       int       `json:"-"`
	CreatedAt          time.Time `json:"createdAt"`
}

// ScopeID is the unit whose subtree the account may act on.
func (u User) ScopeID() string { return u.UnitID }

// CanAdminister reports whether u may manage people and units at a unit with
// the given path: an active admin whose own unit is on that path.
func (u User) CanAdminister(path []string) bool {
	return u.Active && u.Role.IsAdmin() && InScope(path, u.UnitID)
}

// CanTeach reports whether u may author and assign training for units at the
// given path: trainers and admins, inside their own unit's subtree.
func (u User) CanTeach(path []string) bool {
	return u.Active && (u.Role == Trainer || u.Role.IsAdmin()) && InScope(path, u.UnitID)
}

var phonePattern = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// NormalizePhone strips spaces, dashes and a country code (+86, 0086, or 86
// before 11 digits) from a mobile number, and reads full-width digits, as a
// Chinese input method types them, as ASCII ones.
func NormalizePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r) || r == '-' || r == '－':
			return -1
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '＋':
			return '+'
		}
		return r
	}, s)
	switch {
	case strings.HasPrefix(s, "+86"):
		s = s[3:]
	case strings.HasPrefix(s, "0086"):
		s = s[4:]
	case len(s) == 13 && strings.HasPrefix(s, "86"):
		s = s[2:]
	}
	return s
}

// ValidPhone reports whether s is an 11-digit mainland mobile number.
func ValidPhone(s string) bool { return phonePattern.MatchString(s) }

// maxPasswordBytes is the most bcrypt hashes: it refuses a longer password.
const maxPasswordBytes = 72

// ValidatePassword checks a new password: 8 to 64 characters, at most 72
// bytes (what bcrypt hashes; a Chinese character takes three), with at least
// one letter and one digit.
func ValidatePassword(p string) error {
	n := len([]rune(p))
	var letter, digit bool
	for _, r := range p {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	switch {
	case n < 8:
		return gridskill.Errorf(gridskill.EINVALID, "the password must have at least 8 characters")
	case n > 64:
		return gridskill.Errorf(gridskill.EINVALID, "the password must have at most 64 characters")
	case len(p) > maxPasswordBytes:
		return gridskill.Errorf(gridskill.EINVALID, "the password is too long (a Chinese character counts as three)")
	case !letter || !digit:
		return gridskill.Errorf(gridskill.EINVALID, "the password must contain letters and digits")
	}
	return nil
}

// ValidateName checks a person's name.
func ValidateName(name string) error {
	n := len([]rune(strings.TrimSpace(name)))
	switch {
	case n == 0:
		return gridskill.Errorf(gridskill.EINVALID, "name is required")
	case n > 30:
		return gridskill.Errorf(gridskill.EINVALID, "name is longer than 30 characters")
	}
	return nameText.Check(name)
}

// The text rules of people's and units' fields.
var (
	nameText     = gridskill.Text{Field: "name", Max: 30}
	unitText     = gridskill.Text{Field: "unit name", Max: 60}
	employeeText = gridskill.Text{Field: "employee number", Max: 60}
)
