package contest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"gridskill"
	"gridskill/people"
)

// collGuests holds the guest judges' invitations, one per code, by the
// code's hash: the code itself is shown once, to the organizer, and never
// stored.
const collGuests = "contest_guests"

// GuestCodeTTL is how long an invitation's code can be used.
const GuestCodeTTL = 7 * 24 * time.Hour

// Guest code attempts: failures per client address in the window.
const (
	guestTriesLimit  = 10
	guestTriesWindow = 15 * time.Minute
)

// guestAlphabet leaves out letters and digits read alike (0/O, 1/I/L), so a
// code read off a screen is typed right.
const guestAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// guestCodeLen is a code's length: 31^10 is about 2^49 codes, against ten
// tries per address in 15 minutes and codes that end in a week.
const guestCodeLen = 10

// Invitation is a guest judge's new invitation: Code is shown to the
// organizer once (as text and QR) and is not kept.
type Invitation struct {
	Guest   people.User
	Code    string
	Expires time.Time
}

// Guest is a guest judge of a contest as the organizer sees it.
type Guest struct {
	ID      string
	Name    string
	Round   string
	Invited time.Time
	Expires time.Time
	UsedAt  time.Time
	Revoked bool
}

// State is where the guest's invitation stands: "revoked", "joined",
// "expired" or "waiting", as of now.
func (g Guest) State(now time.Time) string {
	switch {
	case g.Revoked:
		return "revoked"
	case !g.UsedAt.IsZero():
		return "joined"
	case !now.Before(g.Expires):
		return "expired"
	}
	return "waiting"
}

type guestDoc struct {
	ID        string    `bson:"_id"` // sha256 of the code
	Contest   string    `bson:"contest"`
	Round     string    `bson:"round"`
	Guest     string    `bson:"guest"`
	Name      string    `bson:"name"`
	By        string    `bson:"by"`
	CreatedAt time.Time `bson:"createdAt"`
	Expires   time.Time `bson:"expires"`
	Used      bool      `bson:"used"`
	UsedAt    time.Time `bson:"usedAt,omitempty"`
	Revoked   bool      `bson:"revoked"`
}

// GuestCodeURL is the path a guest judge's QR and link open, the code filled in.
func GuestCodeURL(contestID, code string) string {
	return "/judge?contest=" + contestID + "&code=" + code
}

// NormalizeGuestCode reads a code as typed: case, spaces and dashes do not matter.
func NormalizeGuestCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '　' || r == '－':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
}

func hashGuestCode(code string) string {
	sum := sha256.Sum256([]byte("gridskill guest judge:" + code))
	return hex.EncodeToString(sum[:])
}

func newGuestCode() string {
	b := make([]byte, guestCodeLen)
	out := make([]byte, guestCodeLen)
	_, _ = rand.Read(b)
	for i := range b {
		// 248 = 8×31: bytes above it are drawn again, so every letter is
		// as likely as the others.
		for int(b[i]) >= 248 {
			_, _ = rand.Read(b[i : i+1])
		}
		out[i] = guestAlphabet[int(b[i])%len(guestAlphabet)]
	}
	return string(out[:5]) + "-" + string(out[5:])
}

// InviteGuest invites a judge from outside the organizing unit onto a judge
// round's panel: it opens a guest judge's account, puts it on the panel and
// returns the one-time code that signs it in. Errors: invalid, not_found,
// forbidden, conflict (the round is live or finished), internal.
func (s *Service) InviteGuest(ctx context.Context, actor people.User, contestID, roundID, name string) (Invitation, error) {
	c, err := s.managed(actor, contestID)
	if err != nil {
		return Invitation{}, err
	}
	r, _, ok := c.Round(roundID)
	if !ok {
		return Invitation{}, gridskill.Errorf(gridskill.ENOTFOUND, "round not found")
	}
	if r.Kind != Judge {
		return Invitation{}, gridskill.Errorf(gridskill.EINVALID, "only a judge round has judges")
	}
	if len(r.Judges) >= MaxJudges {
		return Invitation{}, gridskill.Errorf(gridskill.EINVALID, "a panel has 1 to %d judges", MaxJudges)
	}
	if err := people.ValidateName(name); err != nil {
		return Invitation{}, err
	}
	if l := s.liveOf(c.ID); l != nil && l.roundID() == roundID {
		return Invitation{}, gridskill.Errorf(gridskill.ECONFLICT, "this round is live")
	}
	if !r.Finished.IsZero() {
		return Invitation{}, gridskill.Errorf(gridskill.ECONFLICT, "this round has finished")
	}
	guest, err := s.people.CreateGuest(ctx, actor, c.UnitID, name)
	if err != nil {
		return Invitation{}, err
	}
	// The panel first, the code last: a crash between them leaves a judge
	// with no code, whom the organizer revokes or invites again.
	if _, err := s.editRound(ctx, actor, contestID, roundID, Act{"Guest judge invited", guest.Name}, func(_ *Contest, r *Round) error {
		if r.Kind != Judge || len(r.Judges) >= MaxJudges {
			return gridskill.Errorf(gridskill.EINVALID, "a panel has 1 to %d judges", MaxJudges)
		}
		r.Judges = append(r.Judges, guest.ID)
		return nil
	}); err != nil {
		return Invitation{}, err
	}
	now := s.clock.Now()
	code := newGuestCode()
	d := guestDoc{ID: hashGuestCode(NormalizeGuestCode(code)), Contest: c.ID, Round: roundID, Guest: guest.ID, Name: guest.Name,
		By: actor.ID, CreatedAt: now, Expires: now.Add(GuestCodeTTL)}
	if _, err := s.repo.db.Collection(collGuests).InsertOne(ctx, d); err != nil {
		return Invitation{}, gridskill.Internal(err)
	}
	return Invitation{Guest: guest, Code: code, Expires: d.Expires}, nil
}

// RedeemGuest signs a guest judge in by their code, once: it returns the
// guest's account for a session and marks the code used. contestID, when
// given (the invitation's link carries it), must be the code's contest.
// Failures are limited per client address. Errors: unauthorized (unknown,
// used, expired or revoked code, all said apart but none telling what
// another contest's code is), too_many_requests, internal.
func (s *Service) RedeemGuest(ctx context.Context, contestID, code, ip string) (people.User, error) {
	now := s.clock.Now()
	tries := s.guestTries()
	if tries.Full(ip, now) {
		return people.User{}, gridskill.Errorf(gridskill.ETOOMANY, "too many wrong codes, please wait 15 minutes and try again")
	}
	fail := func(err error) (people.User, error) {
		tries.Add(ip, now)
		return people.User{}, err
	}
	code = NormalizeGuestCode(code)
	if len(code) != guestCodeLen || len(contestID) > 40 {
		return fail(gridskill.Errorf(gridskill.EUNAUTHORIZED, "this judge's code is not valid"))
	}
	coll := s.repo.db.Collection(collGuests)
	var d guestDoc
	err := coll.FindOne(ctx, bson.M{"_id": hashGuestCode(code)}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || err == nil && contestID != "" && d.Contest != contestID {
		return fail(gridskill.Errorf(gridskill.EUNAUTHORIZED, "this judge's code is not valid"))
	}
	if err != nil {
		return people.User{}, gridskill.Internal(err)
	}
	switch {
	case d.Revoked:
		return fail(gridskill.Errorf(gridskill.EUNAUTHORIZED, "this judge's code was withdrawn by the organizer"))
	case d.Used:
		return fail(gridskill.Errorf(gridskill.EUNAUTHORIZED, "this judge's code has already been used; ask the organizer for a new one"))
	case !now.Before(d.Expires):
		return fail(gridskill.Errorf(gridskill.EUNAUTHORIZED, "this judge's code has expired; ask the organizer for a new one"))
	}
	// Marked used only if still unused and not revoked: two phones racing
	// with one code (or two instances) get one session between them.
	res, err := coll.UpdateOne(ctx, bson.M{"_id": d.ID, "used": false, "revoked": false}, bson.M{"$set": bson.M{"used": true, "usedAt": now}})
	if err != nil {
		return people.User{}, gridskill.Internal(err)
	}
	if res.ModifiedCount != 1 {
		return fail(gridskill.Errorf(gridskill.EUNAUTHORIZED, "this judge's code has already been used; ask the organizer for a new one"))
	}
	u, err := s.people.User(ctx, d.Guest)
	if err != nil || !u.Active {
		return fail(gridskill.Errorf(gridskill.EUNAUTHORIZED, "this judge's code was withdrawn by the organizer"))
	}
	tries.Reset(ip)
	s.audit(ctx, u, d.Contest, Act{"Guest judge joined", u.Name})
	return u, nil
}

// guestTries is the window of wrong codes per client address.
func (s *Service) guestTries() *people.Window {
	s.guestOnce.Do(func() { s.guestWindow = people.NewWindow(guestTriesLimit, guestTriesWindow) })
	return s.guestWindow
}

// Guests lists the contest's guest judges and their invitations, newest
// first. Its organizers only. Errors: invalid, not_found, forbidden, internal.
func (s *Service) Guests(ctx context.Context, actor people.User, contestID string) ([]Guest, error) {
	c, err := s.managed(actor, contestID)
	if err != nil {
		return nil, err
	}
	cur, err := s.repo.db.Collection(collGuests).Find(ctx, bson.M{"contest": c.ID}, options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}}))
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var docs []guestDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, gridskill.Internal(err)
	}
	out := make([]Guest, len(docs))
	for i, d := range docs {
		out[i] = Guest{ID: d.Guest, Name: d.Name, Round: d.Round, Invited: d.CreatedAt, Expires: d.Expires, UsedAt: d.UsedAt, Revoked: d.Revoked}
		if d.Used && d.UsedAt.IsZero() {
			out[i].UsedAt = d.CreatedAt
		}
	}
	return out, nil
}

// RevokeGuest withdraws a guest judge: the code no longer signs in, the
// guest's sessions end (on every instance, as a deactivated account's do)
// and the guest leaves the panels of rounds not yet played; scores already
// given stay in the record. Errors: invalid, not_found, forbidden, internal.
func (s *Service) RevokeGuest(ctx context.Context, actor people.User, contestID, guestID string) error {
	c, err := s.managed(actor, contestID)
	if err != nil {
		return err
	}
	if !people.IsGuestID(guestID) {
		return gridskill.Errorf(gridskill.ENOTFOUND, "guest judge not found")
	}
	res, err := s.repo.db.Collection(collGuests).UpdateMany(ctx, bson.M{"contest": c.ID, "guest": guestID}, bson.M{"$set": bson.M{"revoked": true}})
	if err != nil {
		return gridskill.Internal(err)
	}
	if res.MatchedCount == 0 {
		return gridskill.Errorf(gridskill.ENOTFOUND, "guest judge not found")
	}
	guest, err := s.people.User(ctx, guestID)
	if err != nil {
		return err
	}
	if guest.Active {
		if err := s.people.SetActive(ctx, actor, guestID, false); err != nil {
			return err
		}
	}
	_, err = s.change(ctx, actor, c.ID, Act{"Guest judge revoked", guest.Name}, func(c *Contest) error {
		live := s.liveOf(c.ID)
		for i := range c.Rounds {
			r := &c.Rounds[i]
			if !r.Finished.IsZero() || live != nil && live.roundID() == r.ID {
				continue
			}
			r.Judges = slices.DeleteFunc(r.Judges, func(id string) bool { return id == guestID })
		}
		return nil
	})
	return err
}

// GuestContest is the contest a guest judge judges: the one whose panel
// holds the account.
func (s *Service) GuestContest(guestID string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, c := range s.contests {
		if s.isJudge(c, guestID) {
			return c.ID, true
		}
	}
	return "", false
}

// keepGuests is a panel set by phone numbers with the guest judges it had
// kept: guests have no phone to be named by.
func keepGuests(old, ids []string) []string {
	for _, id := range old {
		if people.IsGuestID(id) && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}
