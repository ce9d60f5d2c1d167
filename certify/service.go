package certify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/store"
)

// Records gives what a worker has done, as certification rules see it.
// ModuleDone.At is when the module was completed at that version, and
// ExamBest.At when the worker last passed the exam, so that a refresher can
// tell work done after a module's major change.
type Records interface {
	Record(ctx context.Context, workerID string) (scoring.Record, error)
}

// Major is a module's latest major change: the version and when it was
// published. A zero At means the module never changed materially.
type Major struct {
	Version int
	At      time.Time
}

// Modules tells when required modules last changed materially.
type Modules interface {
	LatestMajor(ctx context.Context, moduleID string) (Major, error)
}

// Config tunes certification.
type Config struct {
	// ExpiringWithin is how close to its expiry a certificate shows expiring (30 days by default).
	ExpiringWithin time.Duration
	// RenewalWindow is how long before its expiry (and any time after it) a
	// certificate is renewed when the worker meets the requirements again,
	// its exams passed again since the window opened (60 days by default).
	RenewalWindow time.Duration
}

// Service is certification. Every method that acts for someone takes the
// acting user and checks their role and scope itself.
type Service struct {
	repo   repo
	people *people.Service
	clock  gridskill.Clock
	cfg    Config

	// Records, Modules and Histories are where the service reads workers'
	// training and exams; main sets them once those features are wired.
	// With Records nil nothing is ever issued; with Modules nil no certificate
	// is refresher due.
	Records   Records
	Modules   Modules
	Histories Histories
	Catalog   Catalog
	// Checklists checks the practical checklists a program requires.
	Checklists Checklists

	// issuing serializes evaluations of one worker in this process; the
	// deterministic certificate id keeps several processes to one certificate.
	issuing sync.Map
	// auditSeq orders the audit entries of one instant written by this service.
	auditSeq atomic.Int64
	// shared is set with several instances (RefreshCertificates).
	shared atomic.Bool
}

// NewService returns the certification service over db.
func NewService(db *mongo.Database, ps *people.Service, clock gridskill.Clock, cfg Config) *Service {
	if cfg.ExpiringWithin <= 0 {
		cfg.ExpiringWithin = 30 * 24 * time.Hour
	}
	if cfg.RenewalWindow <= 0 {
		cfg.RenewalWindow = 60 * 24 * time.Hour
	}
	return &Service{repo: newRepo(db, clock), people: ps, clock: clock, cfg: cfg}
}

// ExpiringWithin is how close to its expiry a certificate shows expiring.
func (s *Service) ExpiringWithin() time.Duration { return s.cfg.ExpiringWithin }

// system is the actor of automatic issues, renewals and state changes in the audit log.
const system = "system"

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// audit appends one entry to the log.
func (s *Service) audit(ctx context.Context, c Certificate, action string, state State, actorID, actorName, reason string) error {
	at := s.clock.Now()
	d := auditDoc{ID: fmt.Sprintf("%019d-%09d-%s", at.UnixNano(), s.auditSeq.Add(1)%1e9, randomID()), CertID: c.ID, ProgramID: c.ProgramID,
		WorkerID: c.WorkerID, Number: c.Number, Action: action, State: string(state),
		ActorID: actorID, ActorName: actorName, Reason: reason, At: at}
	if err := s.repo.insertAudit(ctx, d); err != nil {
		return gridskill.Internal(err)
	}
	return nil
}

// Reasons of automatic audit entries, in English; pages translate them.
const (
	ReasonMet       = "all requirements met"
	ReasonRefresher = "changed module studied and its check passed again"
	ReasonRenewal   = "requirements met again within the renewal window"
)

var stateReasons = map[State]string{
	Expiring:     "expiry is near",
	Expired:      "validity ended",
	RefresherDue: "a required module changed materially",
	Valid:        "",
}

// Audit actions.
const (
	ActionIssued     = "issued"
	ActionRenewed    = "renewed"
	ActionRevoked    = "revoked"
	ActionReinstated = "reinstated"
	ActionState      = "state"
)

// AuditEntry is one line of a certificate's audit log: who did what, when and why.
type AuditEntry struct {
	Action    string
	State     State
	ActorID   string
	ActorName string
	Reason    string
	At        time.Time
}

// majors looks up modules' latest major changes, once each per call.
type majors struct {
	src  Modules
	seen map[string]Major
}

func (s *Service) newMajors() *majors { return &majors{src: s.Modules, seen: map[string]Major{}} }

func (m *majors) get(ctx context.Context, moduleID string) (Major, error) {
	if m.src == nil {
		return Major{}, nil
	}
	if v, ok := m.seen[moduleID]; ok {
		return v, nil
	}
	v, err := m.src.LatestMajor(ctx, moduleID)
	if err != nil {
		return Major{}, err
	}
	m.seen[moduleID] = v
	return v, nil
}

// changed returns the required modules of c that changed materially after
// its last issue or renewal, with their changes: a major version above the
// one current then or, when that was not recorded, published after it.
func (m *majors) changed(ctx context.Context, c Certificate) (map[string]Major, error) {
	out := map[string]Major{}
	for _, req := range c.Requirements.Modules {
		v, err := m.get(ctx, req.ModuleID)
		if err != nil {
			return nil, err
		}
		seen, known := c.Majors[req.ModuleID]
		switch {
		case known && v.Version > seen:
			out[req.ModuleID] = v
		case !known && !v.At.IsZero() && v.At.After(c.RenewedAt):
			out[req.ModuleID] = v
		}
	}
	return out, nil
}

// snapshot returns the current major version of each required module.
func (m *majors) snapshot(ctx context.Context, req scoring.Requirements) (map[string]int, error) {
	out := map[string]int{}
	if m.src == nil {
		return out, nil
	}
	for _, r := range req.Modules {
		v, err := m.get(ctx, r.ModuleID)
		if err != nil {
			return nil, err
		}
		out[r.ModuleID] = v.Version
	}
	return out, nil
}

// state computes a certificate's state now.
func (s *Service) state(ctx context.Context, m *majors, c Certificate) (State, error) {
	refresher := false
	if !c.Revoked {
		ch, err := m.changed(ctx, c)
		if err != nil {
			return "", gridskill.Internal(err)
		}
		refresher = len(ch) > 0
	}
	return c.StateAt(s.clock.Now(), s.cfg.ExpiringWithin, refresher), nil
}

// Held is a certificate with its state now.
type Held struct {
	Certificate
	State State
}

func (s *Service) held(ctx context.Context, m *majors, docs []certDoc) ([]Held, error) {
	out := make([]Held, 0, len(docs))
	for _, d := range docs {
		c := d.certificate()
		st, err := s.state(ctx, m, c)
		if err != nil {
			return nil, err
		}
		out = append(out, Held{Certificate: c, State: st})
	}
	return out, nil
}

// lockWorker serializes this process's evaluations of one worker.
func (s *Service) lockWorker(workerID string) func() {
	v, _ := s.issuing.LoadOrStore(workerID, &sync.Mutex{})
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// RecordChanged re-evaluates the programs of a worker after their record
// changed (a module completed, an exam passed, hours added) and issues or
// renews certificates whose requirements are now met. Courses and quiz call
// it; it checks no actor, since it only ever acts on the rules. It is
// idempotent: racing calls, here or in another process, issue one certificate.
// Errors: not_found (no such worker), internal.
func (s *Service) RecordChanged(ctx context.Context, workerID string) error {
	_, err := s.evaluate(ctx, workerID)
	return err
}

// Outcome is what an evaluation did for one program.
type Outcome struct {
	ProgramID string
	Action    string // ActionIssued, ActionRenewed or "" when nothing changed
	Missing   []scoring.Missing
}

func (s *Service) evaluate(ctx context.Context, workerID string) ([]Outcome, error) {
	return s.evaluateWith(ctx, s.newMajors(), workerID)
}

// evaluateWith evaluates with a shared lookup of modules' major changes, so
// a round over many workers reads each module once.
func (s *Service) evaluateWith(ctx context.Context, m *majors, workerID string) ([]Outcome, error) {
	if s.Records == nil {
		return nil, nil
	}
	worker, err := s.people.User(ctx, workerID)
	if err != nil {
		return nil, err
	}
	if worker.Role != people.Worker || !worker.Active {
		return nil, nil
	}
	defer s.lockWorker(workerID)()
	programs, err := s.programsFor(ctx, worker)
	if err != nil {
		return nil, err
	}
	if len(programs) == 0 {
		return nil, nil
	}
	rec, err := s.Records.Record(ctx, workerID)
	if err != nil {
		return nil, gridskill.Internal(fmt.Errorf("record of %s: %w", workerID, err))
	}
	var out []Outcome
	for _, p := range programs {
		o, err := s.evaluateProgram(ctx, m, p, worker, rec)
		if err != nil {
			return out, err
		}
		out = append(out, o)
	}
	return out, nil
}

// programsFor returns the programs whose audience includes the worker's unit.
func (s *Service) programsFor(ctx context.Context, worker people.User) ([]Program, error) {
	all, err := s.repo.allPrograms(ctx)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	var out []Program
	for _, p := range all {
		if p.covers(worker.UnitPath) {
			out = append(out, p)
		}
	}
	return out, nil
}

// covers reports whether a worker at a unit with the given path is in the program's audience.
func (p Program) covers(path []string) bool {
	if len(p.Audience) == 0 {
		return people.InScope(path, p.IssuerID)
	}
	for _, a := range p.Audience {
		if people.InScope(path, a) {
			return true
		}
	}
	return false
}

func (s *Service) evaluateProgram(ctx context.Context, m *majors, p Program, worker people.User, rec scoring.Record) (Outcome, error) {
	o := Outcome{ProgramID: p.ID}
	now := s.clock.Now()
	id := CertificateID(p.ID, worker.ID)
	d, err := s.repo.cert(ctx, id)
	switch gridskill.ErrorCode(err) {
	case gridskill.ENOTFOUND:
		ev := scoring.Evaluate(p.Requirements, rec)
		o.Missing = ev.Missing
		if !ev.Met {
			return o, nil
		}
		if err := s.issue(ctx, m, p, worker, now); err != nil {
			return o, err
		}
		o.Action = ActionIssued
		return o, nil
	case "":
	default:
		return o, gridskill.Internal(err)
	}
	c := d.certificate()
	if c.Revoked {
		return o, nil
	}
	changed, err := m.changed(ctx, c)
	if err != nil {
		return o, gridskill.Internal(err)
	}
	req := p.Requirements
	var fresh scoring.Record
	var why string
	switch {
	case len(changed) > 0:
		// A refresher: the changed modules (and their checks) must be done
		// again after the change; the rest stands as it was.
		req, fresh = refresherRequirements(p, rec, changed)
		why = ReasonRefresher
	case !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt.Add(-s.cfg.RenewalWindow)):
		// Renewal: the requirements met again, the exams passed again since the window opened.
		fresh = since(rec, c.ExpiresAt.Add(-s.cfg.RenewalWindow))
		why = ReasonRenewal
	default:
		return o, nil
	}
	ev := scoring.Evaluate(req, fresh)
	o.Missing = ev.Missing
	if !ev.Met {
		return o, nil
	}
	renewed, err := s.renew(ctx, m, p, c, now, why)
	if err != nil {
		return o, err
	}
	if renewed {
		o.Action = ActionRenewed
	}
	return o, nil
}

// refresherRequirements raises each changed module to its new version and
// drops from the record the changed modules and their check exams done
// before the change.
func refresherRequirements(p Program, rec scoring.Record, changed map[string]Major) (scoring.Requirements, scoring.Record) {
	req := p.Requirements
	req.Modules = slices.Clone(req.Modules)
	for i, mr := range req.Modules {
		if ch, ok := changed[mr.ModuleID]; ok && ch.Version > mr.MinVersion {
			req.Modules[i].MinVersion = ch.Version
		}
	}
	out := scoring.Record{Modules: map[string]scoring.ModuleDone{}, Exams: map[string]scoring.ExamBest{}, HoursThisYear: rec.HoursThisYear, Awards: rec.Awards, Checklists: rec.Checklists}
	for id, md := range rec.Modules {
		if ch, ok := changed[id]; ok && !ch.At.IsZero() && md.At.Before(ch.At) {
			continue
		}
		out.Modules[id] = md
	}
	for id, eb := range rec.Exams {
		stale := false
		for mod, ch := range changed {
			if p.Checks[mod] == id && !ch.At.IsZero() && eb.At.Before(ch.At) {
				stale = true
			}
		}
		if !stale {
			out.Exams[id] = eb
		}
	}
	return req, out
}

// since keeps the exams passed at or after t. Modules stay as they are: a
// module once completed at a version is not studied again unless it changes,
// and a change is the refresher's business; hours count this year anyway.
func since(rec scoring.Record, t time.Time) scoring.Record {
	out := scoring.Record{Modules: rec.Modules, Exams: map[string]scoring.ExamBest{}, HoursThisYear: rec.HoursThisYear, Awards: rec.Awards, Checklists: rec.Checklists}
	for id, eb := range rec.Exams {
		if !eb.At.Before(t) {
			out.Exams[id] = eb
		}
	}
	return out
}

// issue writes a new certificate. Its id is deterministic, so of two racing
// issues one inserts and the other hits the duplicate key and stops there.
func (s *Service) issue(ctx context.Context, m *majors, p Program, worker people.User, now time.Time) error {
	return s.issueAs(ctx, m, p, worker, now, system, "", ReasonMet)
}

// issueAs is issue with the audit entry of who issued it and why.
func (s *Service) issueAs(ctx context.Context, m *majors, p Program, worker people.User, now time.Time, actorID, actorName, reason string) error {
	snap, err := m.snapshot(ctx, p.Requirements)
	if err != nil {
		return gridskill.Internal(err)
	}
	number, err := s.repo.nextNumber(ctx, now.Year())
	if err != nil {
		return gridskill.Internal(err)
	}
	c := Certificate{ID: CertificateID(p.ID, worker.ID), Number: number, ProgramID: p.ID, ProgramName: p.Name,
		IssuerID: p.IssuerID, IssuerName: p.IssuerName, WorkerID: worker.ID, HolderName: worker.Name,
		UnitID: worker.UnitID, UnitPath: worker.UnitPath, Requirements: p.Requirements, Checks: p.Checks,
		Majors: snap, IssuedAt: now, RenewedAt: now, ExpiresAt: scoring.Expiry(now, p.ValidityMonths)}
	// The code is claimed first, in a small collection read by _id, so that
	// verification is one read by id; a claimed code whose certificate never
	// got written (a lost race, a crash) names a certificate with another
	// code and verifies as unknown.
	for range 5 {
		c.Code = NewCode()
		err = s.repo.claimCode(ctx, c.Code, c.ID)
		if store.IsDuplicate(err) {
			continue // the random code is taken: draw another
		}
		if err != nil {
			return gridskill.Internal(err)
		}
		break
	}
	if err != nil {
		return gridskill.Internal(err)
	}
	if err := s.repo.insertCert(ctx, newCertDoc(c, Valid)); err != nil {
		if store.IsDuplicate(err) {
			s.repo.releaseCode(ctx, c.Code)
			return nil // another evaluation issued it first
		}
		return gridskill.Internal(err)
	}
	return s.audit(ctx, c, ActionIssued, Valid, actorID, actorName, reason)
}

// renew extends c from now, with the program's current requirements.
func (s *Service) renew(ctx context.Context, m *majors, p Program, c Certificate, now time.Time, why string) (bool, error) {
	snap, err := m.snapshot(ctx, p.Requirements)
	if err != nil {
		return false, gridskill.Internal(err)
	}
	exp := scoring.Expiry(now, p.ValidityMonths)
	set := bson.M{"renewedAt": now, "majors": snap, "requirements": newReqDoc(p.Requirements), "checks": p.Checks,
		"programName": p.Name, "issuerName": p.IssuerName, "lastState": string(Valid), "expiresAt": nil}
	if !exp.IsZero() {
		set["expiresAt"] = exp
	}
	ok, err := s.repo.renew(ctx, c.ID, c.RenewedAt, set)
	if err != nil {
		return false, gridskill.Internal(err)
	}
	if !ok {
		return false, nil
	}
	c.RenewedAt, c.ExpiresAt = now, exp
	return true, s.audit(ctx, c, ActionRenewed, Valid, system, "", why)
}

// Certificate returns one certificate with its state, to its holder or an
// admin whose area holds the holder's unit. Errors: invalid, forbidden,
// not_found.
func (s *Service) Certificate(ctx context.Context, actor people.User, id string) (Held, error) {
	if !validCertID(id) {
		return Held{}, gridskill.Errorf(gridskill.EINVALID, "this is not a certificate id")
	}
	d, err := s.repo.cert(ctx, id)
	if err != nil {
		if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
			return Held{}, err
		}
		return Held{}, gridskill.Internal(err)
	}
	c := d.certificate()
	if c.WorkerID != actor.ID && !actor.CanAdminister(c.UnitPath) {
		return Held{}, gridskill.Errorf(gridskill.EFORBIDDEN, "this certificate is outside your area")
	}
	st, err := s.state(ctx, s.newMajors(), c)
	if err != nil {
		return Held{}, err
	}
	return Held{Certificate: c, State: st}, nil
}

func validCertID(id string) bool {
	if len(id) < 3 || len(id) > 200 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == ':') {
			return false
		}
	}
	return true
}

// Mine returns the actor's own certificates with their states. A worker's
// programs are re-evaluated first, so a certificate earned where no hook
// called RecordChanged still appears. Errors: internal.
func (s *Service) Mine(ctx context.Context, actor people.User) ([]Held, error) {
	if actor.Role == people.Worker {
		if _, err := s.evaluate(ctx, actor.ID); err != nil {
			return nil, err
		}
	}
	return s.ofWorker(ctx, actor.ID)
}

// ofWorker returns a worker's certificates. With several instances, the
// copy in memory may not have another instance's latest writes yet (an exam
// passed there a moment ago), so each program's certificate of the worker is
// also read by its id, which is the program's and the worker's.
func (s *Service) ofWorker(ctx context.Context, workerID string) ([]Held, error) {
	docs, err := s.repo.certsWhere(ctx, func(d *certDoc) bool { return d.WorkerID == workerID })
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	if s.shared.Load() {
		if docs, err = s.readOwn(ctx, workerID, docs); err != nil {
			return nil, err
		}
	}
	return s.held(ctx, s.newMajors(), docs)
}

// readOwn replaces held, a worker's certificates in memory, with each
// program's certificate of the worker as stored.
func (s *Service) readOwn(ctx context.Context, workerID string, held []certDoc) ([]certDoc, error) {
	programs, err := s.repo.allPrograms(ctx)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	byID := map[string]certDoc{}
	for _, d := range held {
		byID[d.ID] = d
	}
	for _, p := range programs {
		id := CertificateID(p.ID, workerID)
		d, err := s.repo.cert(ctx, id)
		switch gridskill.ErrorCode(err) {
		case "":
			byID[id] = d
		case gridskill.ENOTFOUND:
		default:
			return nil, gridskill.Internal(err)
		}
	}
	out := make([]certDoc, 0, len(byID))
	for _, d := range byID {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b certDoc) int { return strings.Compare(a.Number, b.Number) })
	return out, nil
}

// Revoke revokes a certificate for a reason. Only an admin whose area holds
// the holder's unit may; a revoked certificate stays revoked. Errors:
// invalid (no reason), forbidden, not_found, conflict (already revoked).
func (s *Service) Revoke(ctx context.Context, actor people.User, id, reason string) error {
	if !actor.Role.IsAdmin() || !actor.Active {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "only an admin can revoke a certificate")
	}
	reason = strings.TrimSpace(reason)
	switch n := len([]rune(reason)); {
	case n < 2:
		return gridskill.Errorf(gridskill.EINVALID, "please give the reason for revoking")
	case n > 200:
		return gridskill.Errorf(gridskill.EINVALID, "the reason is longer than 200 characters")
	}
	if err := (gridskill.Text{Field: "reason", Max: 200, Multiline: true}).Check(reason); err != nil {
		return err
	}
	held, err := s.Certificate(ctx, actor, id)
	if err != nil {
		return err
	}
	if !actor.CanAdminister(held.UnitPath) {
		return gridskill.Errorf(gridskill.EFORBIDDEN, "this certificate is outside your area")
	}
	if held.Revoked {
		return gridskill.Errorf(gridskill.ECONFLICT, "this certificate is already revoked")
	}
	ok, err := s.repo.revoke(ctx, id, s.clock.Now(), actor.ID, reason)
	if err != nil {
		return gridskill.Internal(err)
	}
	if !ok {
		return gridskill.Errorf(gridskill.ECONFLICT, "this certificate is already revoked")
	}
	return s.audit(ctx, held.Certificate, ActionRevoked, Revoked, actor.ID, actor.Name, reason)
}

// Audit returns a certificate's audit log, oldest first, to those who may
// see the certificate. Errors: invalid, forbidden, not_found.
func (s *Service) Audit(ctx context.Context, actor people.User, id string) ([]AuditEntry, error) {
	if _, err := s.Certificate(ctx, actor, id); err != nil {
		return nil, err
	}
	docs, err := s.repo.auditOf(ctx, id)
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	out := make([]AuditEntry, len(docs))
	for i, d := range docs {
		out[i] = AuditEntry{Action: d.Action, State: State(d.State), ActorID: d.ActorID, ActorName: d.ActorName, Reason: d.Reason, At: d.At.UTC()}
	}
	return out, nil
}

// Verification is what the public learns of a certificate from its code:
// never the phone number, and the holder's name masked.
type Verification struct {
	Valid       bool
	State       State
	Number      string
	Program     string
	Holder      string
	Issuer      string
	IssuedAt    time.Time
	RenewedAt   time.Time
	ExpiresAt   time.Time // zero when it does not expire
	RevokedAt   time.Time
	Description string
}

// Verify looks a certificate up by its verification code, for anyone. A code
// of the wrong form is refused before any lookup. Errors: invalid, not_found.
func (s *Service) Verify(ctx context.Context, code string) (Verification, error) {
	code, err := NormalizeCode(code)
	if err != nil {
		return Verification{}, err
	}
	d, err := s.repo.certByCode(ctx, code)
	if err == nil && d.Code != code {
		err = gridskill.Errorf(gridskill.ENOTFOUND, "no such certificate")
	}
	if err != nil {
		if gridskill.ErrorCode(err) == gridskill.ENOTFOUND {
			return Verification{}, gridskill.Errorf(gridskill.ENOTFOUND, "no certificate has this code")
		}
		return Verification{}, gridskill.Internal(err)
	}
	c := d.certificate()
	st, err := s.state(ctx, s.newMajors(), c)
	if err != nil {
		return Verification{}, err
	}
	return Verification{Valid: st.InForce(), State: st, Number: c.Number, Program: c.ProgramName,
		Holder: MaskName(c.HolderName), Issuer: c.IssuerName, IssuedAt: c.IssuedAt, RenewedAt: c.RenewedAt,
		ExpiresAt: c.ExpiresAt, RevokedAt: c.RevokedAt}, nil
}

// Sweep writes to the audit log the state changes that come with time or
// with a module's major change (expiring, expired, refresher due), once each.
// States are computed on read either way; the sweep only keeps the log
// complete. It returns how many changes it logged. Errors: internal.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	docs, err := s.repo.certsWhere(ctx, func(d *certDoc) bool { return !d.Revoked })
	if err != nil {
		return 0, gridskill.Internal(err)
	}
	m := s.newMajors()
	n := 0
	for _, d := range docs {
		c := d.certificate()
		st, err := s.state(ctx, m, c)
		if err != nil {
			return n, err
		}
		if string(st) == d.LastState {
			continue
		}
		ok, err := s.repo.setLastState(ctx, c.ID, d.LastState, string(st))
		if err != nil {
			return n, gridskill.Internal(err)
		}
		if !ok {
			continue // changed meanwhile; the next sweep looks again
		}
		if err := s.audit(ctx, c, ActionState, st, system, "", stateReasons[st]); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
