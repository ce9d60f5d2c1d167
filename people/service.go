package people

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"golang.org/x/crypto/bcrypt"

	"gridskill"
)

// Sign-in limits. A whole training room often shares one address behind NAT,
// where typing mistakes add up, so the per-address limit is generous; the
// per-phone limit is what stops guessing one account's password.
const (
	LoginFailuresPerPhone   = 5
	LoginFailuresPerAddress = 100
	LoginWindow             = 15 * time.Minute
)

// Service is accounts, the org tree and the roster. Every method that acts
// for someone takes the acting user and checks their role and scope itself.
// It holds every account and the org tree in memory (see directory), kept
// current by its own writes at once and by other instances' through the
// change feed (changes.go, read by Start or Poll).
type Service struct {
	repo  repo
	clock gridskill.Clock

	// BcryptCost is the password hashing cost; tests lower it.
	BcryptCost int
	// compare checks a password against a hash; tests count the calls.
	compare func(hash, password []byte) error

	phoneLimit *Window
	ipLimit    *Window

	dir       *directory
	treeMu    sync.RWMutex
	tree      *Tree
	treeReads uint64 // reads of the tree begun
	treeRead  uint64 // the read that tree comes from

	loaded     atomic.Bool
	pollMu     sync.Mutex // one load or poll at a time
	announceMu sync.Mutex // one change record written at a time
	feed       feed

	dummyOnce sync.Once
	dummyHash []byte
}

// NewService returns the people service over db. It reads the database at
// the first use, or when Load is called.
func NewService(db *mongo.Database, clock gridskill.Clock) *Service {
	return &Service{
		repo:       newRepo(db),
		clock:      clock,
		BcryptCost: bcrypt.DefaultCost,
		compare:    bcrypt.CompareHashAndPassword,
		phoneLimit: NewWindow(LoginFailuresPerPhone, LoginWindow),
		ipLimit:    NewWindow(LoginFailuresPerAddress, LoginWindow),
		dir:        newDirectory(),
	}
}

// Tree returns the org tree, from memory.
func (s *Service) Tree(ctx context.Context) (*Tree, error) {
	if err := s.Load(ctx); err != nil {
		return nil, err
	}
	s.treeMu.RLock()
	t := s.tree
	s.treeMu.RUnlock()
	if t != nil {
		return t, nil
	}
	// Dropped after a failed read: read it again.
	if err := s.loadTree(ctx); err != nil {
		return nil, err
	}
	s.treeMu.RLock()
	defer s.treeMu.RUnlock()
	return s.tree, nil
}

// loadTree reads the org tree from the database. Of two reads that overlap,
// the one begun later is kept: it has seen every unit the other saw.
func (s *Service) loadTree(ctx context.Context) error {
	s.treeMu.Lock()
	s.treeReads++
	read := s.treeReads
	s.treeMu.Unlock()
	units, err := s.repo.allUnits(ctx)
	if err != nil {
		return gridskill.Internal(err)
	}
	t := newTree(units)
	s.treeMu.Lock()
	if read > s.treeRead {
		s.tree, s.treeRead = t, read
	}
	s.treeMu.Unlock()
	return nil
}

func (s *Service) forgetTree() {
	s.treeMu.Lock()
	s.tree = nil
	s.treeMu.Unlock()
}

// Unit returns one unit. Errors: not_found.
func (s *Service) Unit(ctx context.Context, id string) (Unit, error) {
	t, err := s.Tree(ctx)
	if err != nil {
		return Unit{}, err
	}
	u, ok := t.Unit(id)
	if !ok {
		return Unit{}, gridskill.Errorf(gridskill.ENOTFOUND, "no such unit")
	}
	return u, nil
}

// CreateUnit adds a unit below parentID. The child's kind follows from the
// parent's. Errors: invalid, forbidden (not an admin, or the parent outside their scope),
// not_found, conflict (a sibling has that name).
func (s *Service) CreateUnit(ctx context.Context, actor User, parentID, name string) (Unit, error) {
	if !actor.Active || !actor.Role.IsAdmin() {
		return Unit{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only street and district admins add units")
	}
	parent, err := s.Unit(ctx, parentID)
	if err != nil {
		return Unit{}, err
	}
	if !actor.CanAdminister(parent.Path) {
		return Unit{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	if parent.Kind.Child() == "" {
		return Unit{}, gridskill.Errorf(gridskill.EINVALID, "a grid cannot have units below it")
	}
	u := childUnit(parent, strings.TrimSpace(name))
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	t, _ := s.Tree(ctx)
	if _, dup := t.Child(parent.ID, u.Name); dup {
		return Unit{}, gridskill.Errorf(gridskill.ECONFLICT, "%s already has a unit named %s", parent.Name, u.Name)
	}
	if err := s.repo.insertUnits(ctx, []Unit{u}); err != nil {
		return Unit{}, gridskill.Internal(err)
	}
	s.changed(ctx, nil, nil, true)
	return u, nil
}

// childUnit builds the unit named name below parent. Its id is derived from
// the parent and the name, so creating it twice (a retried import) is harmless.
func childUnit(parent Unit, name string) Unit {
	id := parent.ID + "-" + shortHash(name)
	return Unit{ID: id, Name: name, Kind: parent.Kind.Child(), ParentID: parent.ID, Path: append(append([]string(nil), parent.Path...), id)}
}

// User returns an account by id, from memory. An account not held there
// (created on another instance since the last poll) is read from the
// database. Errors: not_found.
func (s *Service) User(ctx context.Context, id string) (User, error) {
	d, err := s.account(ctx, id)
	if err != nil {
		return User{}, err
	}
	return d.user(), nil
}

// account returns an account's document, password hash included.
func (s *Service) account(ctx context.Context, id string) (userDoc, error) {
	if err := s.Load(ctx); err != nil {
		return userDoc{}, err
	}
	if d, ok := s.dir.get(id); ok {
		return d, nil
	}
	d, err := s.repo.userByID(ctx, id)
	if err != nil {
		if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
			return userDoc{}, err
		}
		return userDoc{}, gridskill.Internal(err)
	}
	s.dir.put(d)
	return d, nil
}

// Login checks a phone and password and returns the account. The answer never
// says which of the two was wrong, and takes one password check either way:
// an unknown phone is checked against a stand-in hash of the same cost, so
// timing does not tell whether the phone exists. The phone is found in
// memory, so sign-ins cost little more than the password check. Failures are
// limited per phone and per client address. Errors: unauthorized,
// too_many_requests, internal.
func (s *Service) Login(ctx context.Context, phone, password, ip string) (User, error) {
	now := s.clock.Now()
	phone = NormalizePhone(phone)
	if s.phoneLimit.Full(phone, now) || s.ipLimit.Full(ip, now) {
		return User{}, gridskill.Errorf(gridskill.ETOOMANY, "too many failed sign-ins, please wait 15 minutes and try again")
	}
	bad := gridskill.Errorf(gridskill.EUNAUTHORIZED, "wrong phone number or password")
	fail := func() (User, error) {
		s.phoneLimit.Add(phone, now)
		s.ipLimit.Add(ip, now)
		return User{}, bad
	}
	if !ValidPhone(phone) || len(password) > 128 {
		return fail()
	}
	if err := s.Load(ctx); err != nil {
		return User{}, err
	}
	d, ok := s.dir.byPhoneNumber(phone)
	if !ok {
		_ = s.compare(s.dummy(), []byte(password))
		return fail()
	}
	if s.compare([]byte(d.PasswordHash), []byte(password)) != nil || !d.Active {
		return fail()
	}
	s.phoneLimit.Reset(phone)
	return d.user(), nil
}

// dummy is the stand-in hash an unknown phone's password is checked against,
// of the cost real hashes have.
func (s *Service) dummy() []byte {
	s.dummyOnce.Do(func() {
		s.dummyHash, _ = bcrypt.GenerateFromPassword([]byte(OneTimePassword()), s.BcryptCost)
	})
	return s.dummyHash
}

// Authenticate turns a verified token into the current account: the account
// must still be active and the token of its current version (logout, a
// password change or deactivation end older tokens). Errors: unauthorized.
func (s *Service) Authenticate(ctx context.Context, c Claims) (User, error) {
	u, err := s.User(ctx, c.UserID)
	if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
		return User{}, gridskill.Errorf(gridskill.EUNAUTHORIZED, "please sign in")
	}
	if err != nil {
		return User{}, err
	}
	if c.Version > u.TokenVersion {
		// A token newer than the account held here was issued by another
		// instance (a password change there) whose change record this one
		// has not polled yet: read the account again rather than refuse
		// for up to a second. Versions only grow and tokens are signed, so
		// only such a token costs the read.
		if err := s.refresh(ctx, []string{c.UserID}); err != nil {
			return User{}, err
		}
		if u, err = s.User(ctx, c.UserID); err != nil {
			return User{}, gridskill.Errorf(gridskill.EUNAUTHORIZED, "please sign in")
		}
	}
	if !u.Active || u.TokenVersion != c.Version {
		return User{}, gridskill.Errorf(gridskill.EUNAUTHORIZED, "your session has ended, please sign in again")
	}
	return u, nil
}

// Logout ends every token of the actor.
func (s *Service) Logout(ctx context.Context, actor User) error {
	_, err := s.endTokens(ctx, actor.ID, bson.M{"updatedAt": s.clock.Now()})
	return err
}

// endTokens sets fields of an account and ends its tokens: at once on this
// instance, within a poll on the others. Errors: not_found, internal.
func (s *Service) endTokens(ctx context.Context, id string, set bson.M) (userDoc, error) {
	d, err := s.repo.bumpTokenVersion(ctx, id, set)
	if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
		return d, err
	}
	if err != nil {
		// The write may have happened: read the account again here, and
		// have the other instances do so too.
		s.changed(ctx, nil, []string{id}, false)
		return d, gridskill.Internal(err)
	}
	s.changed(ctx, []userDoc{d}, nil, false)
	return d, nil
}

// ChangePassword replaces the actor's password after checking the current
// one, and ends their other sessions. Errors: invalid, unauthorized.
func (s *Service) ChangePassword(ctx context.Context, actor User, current, next string) (User, error) {
	d, err := s.account(ctx, actor.ID)
	if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
		return User{}, gridskill.Errorf(gridskill.EUNAUTHORIZED, "please sign in")
	}
	if err != nil {
		return User{}, err
	}
	if !d.Active {
		return User{}, gridskill.Errorf(gridskill.EUNAUTHORIZED, "your session has ended, please sign in again")
	}
	if s.compare([]byte(d.PasswordHash), []byte(current)) != nil {
		return User{}, gridskill.Errorf(gridskill.EINVALID, "the current password is not right")
	}
	if err := ValidatePassword(next); err != nil {
		return User{}, err
	}
	if next == current {
		return User{}, gridskill.Errorf(gridskill.EINVALID, "the new password must differ from the current one")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(next), s.BcryptCost)
	if err != nil {
		return User{}, gridskill.Internal(err)
	}
	d, err = s.endTokens(ctx, actor.ID, bson.M{"passwordHash": string(hash), "mustChangePassword": false, "updatedAt": s.clock.Now()})
	if err != nil {
		return User{}, err
	}
	return d.user(), nil
}

// managed loads an account the actor administers. Errors: forbidden, not_found.
func (s *Service) managed(ctx context.Context, actor User, id string) (User, error) {
	// The role is checked before the lookup, so a worker cannot tell which ids exist.
	if !actor.Active || !actor.Role.IsAdmin() {
		return User{}, gridskill.Errorf(gridskill.EFORBIDDEN, "only street and district admins manage accounts")
	}
	u, err := s.User(ctx, id)
	if err != nil {
		return User{}, err
	}
	if !manages(actor, u) {
		return User{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this account is outside your area")
	}
	return u, nil
}

// manages reports whether actor may change target's account: an active admin,
// target inside their area, and target no admin unless actor is a district
// admin or target is actor. A street admin cannot take over a fellow street
// admin's account, nor a district admin's.
func manages(actor, target User) bool {
	if !actor.CanAdminister(target.UnitPath) {
		return false
	}
	return actor.ID == target.ID || !target.Role.IsAdmin() || actor.Role == DistrictAdmin
}

// mayGive reports whether actor may give role to an account: district admins
// give any role, street admins give worker and trainer.
func mayGive(actor User, role Role) bool {
	return actor.Role == DistrictAdmin || actor.Role == StreetAdmin && !role.IsAdmin()
}

// ResetPassword gives an account a new random one-time password that must be
// changed at the next sign-in, and ends its sessions. Errors: not_found, forbidden.
func (s *Service) ResetPassword(ctx context.Context, actor User, id string) (string, error) {
	u, err := s.managed(ctx, actor, id)
	if err != nil {
		return "", err
	}
	password := OneTimePassword()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost)
	if err != nil {
		return "", gridskill.Internal(err)
	}
	if _, err := s.endTokens(ctx, u.ID, bson.M{"passwordHash": string(hash), "mustChangePassword": true, "updatedAt": s.clock.Now()}); err != nil {
		return "", err
	}
	return password, nil
}

// SetActive deactivates or reactivates an account; deactivation ends its
// sessions at once. Nobody deactivates themself. Errors: not_found, forbidden, invalid.
func (s *Service) SetActive(ctx context.Context, actor User, id string, active bool) error {
	u, err := s.managed(ctx, actor, id)
	if err != nil {
		return err
	}
	if u.ID == actor.ID {
		return gridskill.Errorf(gridskill.EINVALID, "you cannot deactivate your own account")
	}
	_, err = s.endTokens(ctx, u.ID, bson.M{"active": active, "updatedAt": s.clock.Now()})
	return err
}

// ListFilter selects a page of the roster.
type ListFilter struct {
	UnitID string // subtree to list; the actor's own unit when empty
	Role   Role
	Query  string // part of a name or phone number
	Limit  int
	Offset int
}

// List returns a page of accounts inside the actor's scope and the total
// that match. Trainers may read the roster (to pick attendees); workers may
// not. Errors: forbidden, not_found, invalid.
func (s *Service) List(ctx context.Context, actor User, f ListFilter) ([]User, int, error) {
	if !readsRoster(actor) {
		return nil, 0, gridskill.Errorf(gridskill.EFORBIDDEN, "you do not have access to the roster")
	}
	if f.UnitID == "" {
		f.UnitID = actor.UnitID
	}
	unit, err := s.Unit(ctx, f.UnitID)
	if err != nil {
		return nil, 0, err
	}
	if !unit.Within(actor.UnitID) {
		return nil, 0, gridskill.Errorf(gridskill.EFORBIDDEN, "this unit is outside your area")
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, 0, gridskill.Errorf(gridskill.EINVALID, "unknown role %q", f.Role)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	if err := s.Load(ctx); err != nil {
		return nil, 0, err
	}
	// From the accounts held in memory: on the embedded engine the count and
	// the page each scanned the users collection (400 ms a district roster page).
	q := strings.TrimSpace(f.Query)
	docs := s.dir.matching(func(u userDoc) bool {
		if !InScope(u.UnitPath, unit.ID) {
			return false
		}
		if f.Role != "" && u.Role != string(f.Role) || f.Role == "" && u.Role == string(GuestJudge) {
			return false // guest judges are a contest's, not the roster's
		}
		return q == "" || strings.Contains(u.Name, q) || strings.Contains(u.Phone, q)
	})
	slices.SortFunc(docs, func(a, b userDoc) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	total := len(docs)
	docs = docs[min(f.Offset, total):min(f.Offset+f.Limit, total)]
	users := make([]User, len(docs))
	for i, d := range docs {
		users[i] = d.user()
	}
	return users, total, nil
}

// readsRoster reports whether actor may read the roster of their area:
// active trainers and admins.
func readsRoster(actor User) bool {
	return actor.Active && (actor.Role == Trainer || actor.Role.IsAdmin())
}

// Managed returns an account the actor administers. Errors: not_found, forbidden.
func (s *Service) Managed(ctx context.Context, actor User, id string) (User, error) {
	return s.managed(ctx, actor, id)
}

// OneTimePassword returns a random password of letters and digits for an
// account whose holder must choose their own at the next sign-in.
func OneTimePassword() string {
	const letters = "abcdefghjkmnpqrstuvwxyz"
	const digits = "23456789"
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	out := make([]byte, 10)
	for i := range b {
		if i%3 == 2 {
			out[i] = digits[int(b[i])%len(digits)]
		} else {
			out[i] = letters[int(b[i])%len(letters)]
		}
	}
	return string(out)
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// CountByUnit returns how many active accounts each unit inside the actor's
// scope holds, its subtree included. Errors: forbidden.
func (s *Service) CountByUnit(ctx context.Context, actor User) (map[string]int, error) {
	if !readsRoster(actor) {
		return nil, gridskill.Errorf(gridskill.EFORBIDDEN, "you do not have access to the roster")
	}
	if err := s.Load(ctx); err != nil {
		return nil, err
	}
	perUnit := map[string]int{}
	for _, u := range s.dir.matching(func(u userDoc) bool {
		return u.Active && u.Role != string(GuestJudge) && InScope(u.UnitPath, actor.UnitID)
	}) {
		perUnit[u.UnitID]++
	}
	tree, err := s.Tree(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for unitID, n := range perUnit {
		u, ok := tree.Unit(unitID)
		if !ok {
			continue
		}
		for _, id := range u.Path {
			out[id] += n
		}
	}
	return out, nil
}

// Seed writes units and accounts as given, with their fixed ids, all with one
// password. It is for loading demo and test data, not for people: it checks
// no actor. Records already there are left as they are.
func (s *Service) Seed(ctx context.Context, units []Unit, users []User, password string) error {
	if err := s.Load(ctx); err != nil {
		return err
	}
	if err := s.repo.insertUnits(ctx, units); err != nil {
		return gridskill.Internal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost)
	if err != nil {
		return gridskill.Internal(err)
	}
	now := s.clock.Now()
	docs := make([]userDoc, len(users))
	for i, u := range users {
		docs[i] = newUserDoc(u, string(hash), now)
	}
	if err := s.repo.insertUsers(ctx, docs); err != nil {
		return gridskill.Internal(err)
	}
	// Read back rather than taken as given: accounts already there are kept as they were.
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	s.changed(ctx, nil, ids, len(units) > 0)
	return nil
}

// InAreaByPhone returns the account holding a phone number when it lies in
// the actor's area, found in memory: matching a list of phones costs no
// scan per phone. Like List, it is for trainers and admins. Errors:
// forbidden, internal.
func (s *Service) InAreaByPhone(ctx context.Context, actor User, phone string) (User, bool, error) {
	if !readsRoster(actor) {
		return User{}, false, gridskill.Errorf(gridskill.EFORBIDDEN, "you do not have access to the roster")
	}
	if err := s.Load(ctx); err != nil {
		return User{}, false, err
	}
	d, ok := s.dir.byPhoneNumber(NormalizePhone(phone))
	if !ok || !InScope(d.UnitPath, actor.UnitID) {
		return User{}, false, nil
	}
	return d.user(), true, nil
}
