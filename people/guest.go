package people

import (
	"context"
	"strings"

	"gridskill"
)

// GuestJudge is a judge invited from outside the organizing unit (特邀评委):
// an account with no phone and no password, opened by a one-time code the
// contest hands out (contest.Service.RedeemGuest), which reaches that one
// contest's judge screen and nothing else. It is an account rather than a
// contest's private record so that sessions, revocation (SetActive, which
// ends its tokens on every instance) and names in panels and audit trails
// work as for everyone else. It is not a role anyone can be given.
const GuestJudge Role = "guest_judge"

// guestPhonePrefix fills a guest's phone field, which is unique: it is no
// mobile number, so no sign-in by phone ever finds the account.
const guestPhonePrefix = "guest:"

// IsGuest reports whether the account is a guest judge.
func (u User) IsGuest() bool { return u.Role == GuestJudge }

// CreateGuest opens a guest judge's account at the unit (the contest's
// organizing unit), named as the organizer typed. Admins of the unit only.
// Errors: invalid, forbidden, not_found, internal.
func (s *Service) CreateGuest(ctx context.Context, actor User, unitID, name string) (User, error) {
	name = strings.TrimSpace(name)
	if err := ValidateName(name); err != nil {
		return User{}, err
	}
	unit, err := s.Unit(ctx, unitID)
	if err != nil {
		return User{}, err
	}
	if !actor.CanAdminister(unit.Path) {
		return User{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	id := "guest-" + newID()
	u := User{ID: id, Phone: guestPhonePrefix + id, Name: name, Role: GuestJudge, UnitID: unit.ID, UnitPath: unit.Path, Active: true}
	// No password hash: bcrypt never matches an empty one.
	if err := s.repo.insertUsers(ctx, []userDoc{newUserDoc(u, "", s.clock.Now())}); err != nil {
		return User{}, gridskill.Internal(err)
	}
	s.changed(ctx, nil, []string{id}, false)
	return s.User(ctx, id)
}

// IsGuestID reports whether an account id is a guest judge's.
func IsGuestID(id string) bool { return strings.HasPrefix(id, "guest-") }
