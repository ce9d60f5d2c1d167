package certify_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/certify"
	"gridskill/people"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fakeRecords is the workers' records, as courses and quiz will report them.
type fakeRecords struct {
	mu   sync.Mutex
	recs map[string]scoring.Record
}

func (f *fakeRecords) Record(_ context.Context, workerID string) (scoring.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.recs[workerID]
	out := scoring.Record{Modules: map[string]scoring.ModuleDone{}, Exams: map[string]scoring.ExamBest{}, HoursThisYear: r.HoursThisYear, Awards: r.Awards}
	for k, v := range r.Modules {
		out.Modules[k] = v
	}
	for k, v := range r.Exams {
		out.Exams[k] = v
	}
	return out, nil
}

func (f *fakeRecords) set(workerID string, change func(r *scoring.Record)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.recs == nil {
		f.recs = map[string]scoring.Record{}
	}
	r := f.recs[workerID]
	if r.Modules == nil {
		r.Modules, r.Exams = map[string]scoring.ModuleDone{}, map[string]scoring.ExamBest{}
	}
	change(&r)
	f.recs[workerID] = r
}

// fakeModules holds modules' major changes.
type fakeModules struct {
	mu     sync.Mutex
	majors map[string]certify.Major
}

func (f *fakeModules) LatestMajor(_ context.Context, moduleID string) (certify.Major, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.majors[moduleID], nil
}

func (f *fakeModules) publish(moduleID string, version int, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.majors == nil {
		f.majors = map[string]certify.Major{}
	}
	f.majors[moduleID] = certify.Major{Version: version, At: at}
}

type fixture struct {
	t       testing.TB
	db      *mongo.Database
	clock   *gridskill.FakeClock
	people  *people.Service
	svc     *certify.Service
	records *fakeRecords
	modules *fakeModules
	program certify.Program
}

var start = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

const (
	antiFraud = "mod-anti-fraud"
	fraudExam = "exam-anti-fraud"
)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := storetest.DB(t)
	clock := gridskill.NewFakeClock(start)
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	ctx := storetest.Context(t)
	if err := seed.LoadDistrict(ctx, ps); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, clock: clock, people: ps, records: &fakeRecords{}, modules: &fakeModules{}}
	f.svc = f.service()
	f.program = certify.Program{ID: "anti-fraud", Name: "反诈宣传员", IssuerID: seed.Street1ID, ValidityMonths: 12,
		Requirements: scoring.Requirements{
			Modules: []scoring.ModuleReq{{ModuleID: antiFraud, MinVersion: 1}},
			Exams:   []scoring.ExamReq{{ExamID: fraudExam, MinScore: 80}},
		},
		Checks: map[string]string{antiFraud: fraudExam},
	}
	if err := f.svc.SeedProgram(ctx, f.program); err != nil {
		t.Fatal(err)
	}
	return f
}

// service returns another service over the same database, as another
// process would have.
func (f *fixture) service() *certify.Service {
	s := certify.NewService(f.db, f.people, f.clock, certify.Config{})
	s.Records, s.Modules = f.records, f.modules
	return s
}

// pass gives a worker the module at version and a passing exam score, now.
func (f *fixture) pass(workerID string, version int) {
	now := f.clock.Now()
	f.records.set(workerID, func(r *scoring.Record) {
		r.Modules[antiFraud] = scoring.ModuleDone{Version: version, At: now}
		r.Exams[fraudExam] = scoring.ExamBest{Score: 90, Passed: true, At: now}
	})
}

func (f *fixture) user(id string) people.User {
	f.t.Helper()
	u, err := f.people.User(storetest.Context(f.t), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f *fixture) mine(workerID string) []certify.Held {
	f.t.Helper()
	held, err := f.svc.Mine(storetest.Context(f.t), f.user(workerID))
	if err != nil {
		f.t.Fatal(err)
	}
	return held
}

func (f *fixture) only(workerID string) certify.Held {
	f.t.Helper()
	held := f.mine(workerID)
	if len(held) != 1 {
		f.t.Fatalf("%s holds %d certificates, want 1", workerID, len(held))
	}
	return held[0]
}

func (f *fixture) audit(certID string) []certify.AuditEntry {
	f.t.Helper()
	entries, err := f.svc.Audit(storetest.Context(f.t), f.user(seed.DistrictAdminID), certID)
	if err != nil {
		f.t.Fatal(err)
	}
	return entries
}

func (f *fixture) changed(workerID string) {
	f.t.Helper()
	if err := f.svc.RecordChanged(storetest.Context(f.t), workerID); err != nil {
		f.t.Fatal(err)
	}
}

var numberPattern = regexp.MustCompile(`^GS-2026-\d{6}$`)

func TestStateAt(t *testing.T) {
	issued := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := certify.Certificate{IssuedAt: issued, RenewedAt: issued, ExpiresAt: scoring.Expiry(issued, 12)}
	month := 30 * 24 * time.Hour
	revoked := c
	revoked.Revoked = true
	forever := c
	forever.ExpiresAt = time.Time{}
	for _, tc := range []struct {
		name      string
		c         certify.Certificate
		now       time.Time
		refresher bool
		want      certify.State
	}{
		{"ValidJustIssued", c, issued, false, certify.Valid},
		{"ValidThirtyOneDaysBefore", c, c.ExpiresAt.Add(-31 * 24 * time.Hour), false, certify.Valid},
		{"ExpiringThirtyDaysBefore", c, c.ExpiresAt.Add(-month), false, certify.Expiring},
		{"ExpiringLastNanosecond", c, c.ExpiresAt.Add(-1), false, certify.Expiring},
		{"ExpiredAtExpiry", c, c.ExpiresAt, false, certify.Expired},
		{"ExpiredLongAfter", c, c.ExpiresAt.Add(400 * 24 * time.Hour), false, certify.Expired},
		{"RefresherDueAfterMajorChange", c, issued.Add(month), true, certify.RefresherDue},
		{"RefresherDueBeatsExpiring", c, c.ExpiresAt.Add(-time.Hour), true, certify.RefresherDue},
		{"ExpiredBeatsRefresher", c, c.ExpiresAt, true, certify.Expired},
		{"RevokedBeatsEverything", revoked, issued, true, certify.Revoked},
		{"RevokedAfterExpiry", revoked, c.ExpiresAt.Add(time.Hour), false, certify.Revoked},
		{"NeverExpiresStaysValid", forever, issued.Add(100 * 365 * 24 * time.Hour), false, certify.Valid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.StateAt(tc.now, month, tc.refresher); got != tc.want {
				t.Fatalf("state = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张晓婷": "张*婷", "张伟": "张*", "欧阳娜娜": "欧**娜", "李": "*", "": "", " 王小明 ": "王*明"} {
		if got := certify.MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"AcceptsCode", "ABCDE23456", "ABCDE23456", true},
		{"AcceptsLowerCaseAndDashes", "abcde-23456", "ABCDE23456", true},
		{"RefusesShort", "ABCDE2345", "", false},
		{"RefusesLong", "ABCDE234567", "", false},
		{"RefusesZero", "ABCDE23450", "", false},
		{"RefusesLetterO", "ABCDO23456", "", false},
		{"RefusesOneAndI", "ABCD123456", "", false},
		{"RefusesL", "ABCDL23456", "", false},
		{"RefusesChinese", "证书证书证书证书证书", "", false},
		{"RefusesQuery", "ABCDE2345$", "", false},
		{"RefusesHuge", strings.Repeat("A", 1000), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := certify.NormalizeCode(tc.in)
			if tc.ok && (err != nil || got != tc.want) {
				t.Fatalf("NormalizeCode(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			if !tc.ok && gridskill.ErrorCode(err) != gridskill.EINVALID {
				t.Fatalf("NormalizeCode(%q) = %q, %v; want invalid", tc.in, got, err)
			}
		})
	}
}

func TestNewCodeUsesUnambiguousAlphabet(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		c := certify.NewCode()
		if _, err := certify.NormalizeCode(c); err != nil {
			t.Fatalf("NewCode gave %q: %v", c, err)
		}
		if seen[c] {
			t.Fatalf("NewCode repeated %q", c)
		}
		seen[c] = true
	}
}

func TestIssuesWhenRequirementsMetAndStatesFollowTheClock(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	f.changed(seed.WorkerID)
	if got := f.mine(seed.WorkerID); len(got) != 0 {
		t.Fatalf("issued %d certificates with nothing done", len(got))
	}
	f.records.set(seed.WorkerID, func(r *scoring.Record) {
		r.Modules[antiFraud] = scoring.ModuleDone{Version: 1, At: start}
		r.Exams[fraudExam] = scoring.ExamBest{Score: 70, Passed: true, At: start}
	})
	f.changed(seed.WorkerID)
	if got := f.mine(seed.WorkerID); len(got) != 0 {
		t.Fatal("issued with an exam score below the minimum")
	}
	f.pass(seed.WorkerID, 1)
	f.changed(seed.WorkerID)
	c := f.only(seed.WorkerID)
	if c.State != certify.Valid || !numberPattern.MatchString(c.Number) || len(c.Code) != certify.CodeLength {
		t.Fatalf("issued %+v", c)
	}
	if c.ID != "anti-fraud:"+seed.WorkerID || c.HolderName != "张晓婷" || c.IssuerName != "东湖街道" {
		t.Fatalf("issued %+v", c)
	}
	if want := scoring.Expiry(start, 12); !c.ExpiresAt.Equal(want) {
		t.Fatalf("expires %v, want %v", c.ExpiresAt, want)
	}
	f.changed(seed.WorkerID)
	if again := f.only(seed.WorkerID); again.Number != c.Number || again.Renewals != 0 {
		t.Fatalf("a second evaluation changed the certificate: %+v", again)
	}

	steps := []struct {
		at   time.Time
		want certify.State
	}{
		{c.ExpiresAt.Add(-31 * 24 * time.Hour), certify.Valid},
		{c.ExpiresAt.Add(-29 * 24 * time.Hour), certify.Expiring},
		{c.ExpiresAt, certify.Expired},
	}
	for _, st := range steps {
		f.clock.Set(st.at)
		if got := f.only(seed.WorkerID).State; got != st.want {
			t.Fatalf("at %v the certificate is %s, want %s", st.at, got, st.want)
		}
		v, err := f.svc.Verify(ctx, c.Code)
		if err != nil || v.State != st.want || v.Valid != st.want.InForce() {
			t.Fatalf("at %v verify says %+v, %v", st.at, v, err)
		}
		if _, err := f.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var actions []string
	for _, e := range f.audit(c.ID) {
		actions = append(actions, e.Action+":"+string(e.State))
	}
	if got, want := strings.Join(actions, " "), "issued:valid state:expiring state:expired"; got != want {
		t.Fatalf("audit log: %s, want %s", got, want)
	}
	if n, _ := f.svc.Sweep(ctx); n != 0 {
		t.Fatalf("a second sweep logged %d changes, want 0", n)
	}
}

func TestRefresherDueAfterMajorChangeThenRenewed(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	f.pass(seed.WorkerID, 1)
	f.changed(seed.WorkerID)
	c := f.only(seed.WorkerID)

	f.clock.Advance(40 * 24 * time.Hour)
	f.modules.publish(antiFraud, 2, f.clock.Now())
	f.clock.Advance(time.Hour)
	if got := f.only(seed.WorkerID).State; got != certify.RefresherDue {
		t.Fatalf("after a major change the certificate is %s, want refresher_due", got)
	}
	if v, _ := f.svc.Verify(ctx, c.Code); v.State != certify.RefresherDue || !v.Valid {
		t.Fatalf("verify after a major change: %+v", v)
	}
	due, err := f.svc.RefresherDueList(ctx, f.user(seed.StreetAdminID), "")
	if err != nil || len(due) != 1 || due[0].ID != c.ID {
		t.Fatalf("refresher list: %v, %v", due, err)
	}

	// Studying the new version without re-passing its check is not enough.
	now := f.clock.Now()
	f.records.set(seed.WorkerID, func(r *scoring.Record) { r.Modules[antiFraud] = scoring.ModuleDone{Version: 2, At: now} })
	f.changed(seed.WorkerID)
	if got := f.only(seed.WorkerID); got.State != certify.RefresherDue || got.Renewals != 0 {
		t.Fatalf("renewed without re-passing the check: %+v", got)
	}

	f.clock.Advance(time.Hour)
	f.pass(seed.WorkerID, 2)
	f.changed(seed.WorkerID)
	got := f.only(seed.WorkerID)
	if got.State != certify.Valid || got.Renewals != 1 || got.Number != c.Number || got.Code != c.Code {
		t.Fatalf("after the refresher: %+v", got)
	}
	if want := scoring.Expiry(f.clock.Now(), 12); !got.ExpiresAt.Equal(want) {
		t.Fatalf("renewed to %v, want %v", got.ExpiresAt, want)
	}
	entries := f.audit(c.ID)
	if last := entries[len(entries)-1]; last.Action != certify.ActionRenewed {
		t.Fatalf("last audit entry %+v, want renewed", last)
	}
}

func TestRenewalWithinWindowNeedsFreshWork(t *testing.T) {
	f := newFixture(t)
	f.pass(seed.WorkerID, 1)
	f.changed(seed.WorkerID)
	c := f.only(seed.WorkerID)

	f.clock.Set(c.ExpiresAt.Add(-90 * 24 * time.Hour))
	f.pass(seed.WorkerID, 1)
	f.changed(seed.WorkerID)
	if got := f.only(seed.WorkerID); got.Renewals != 0 {
		t.Fatal("renewed before the renewal window opened")
	}

	f.clock.Set(c.ExpiresAt.Add(-20 * 24 * time.Hour))
	f.changed(seed.WorkerID)
	if got := f.only(seed.WorkerID); got.Renewals != 0 || got.State != certify.Expiring {
		t.Fatalf("renewed on work done before the window: %+v", got)
	}
	f.pass(seed.WorkerID, 1)
	f.changed(seed.WorkerID)
	got := f.only(seed.WorkerID)
	if got.Renewals != 1 || got.State != certify.Valid || got.Number != c.Number {
		t.Fatalf("after re-passing within the window: %+v", got)
	}
	if want := scoring.Expiry(f.clock.Now(), 12); !got.ExpiresAt.Equal(want) {
		t.Fatalf("renewed to %v, want %v", got.ExpiresAt, want)
	}
}

func TestRacingEvaluationsIssueOneCertificate(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	workers := []string{"worker-0001", "worker-0002", "worker-0003", "worker-0004"}
	for _, w := range workers {
		f.pass(w, 1)
	}
	for _, w := range workers {
		// Two services stand for two processes, so the in-process lock does not help.
		a, b := f.service(), f.service()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, s := range []*certify.Service{a, b} {
			wg.Go(func() { errs[i] = s.RecordChanged(ctx, w) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	numbers := map[string]bool{}
	for _, w := range workers {
		c := f.only(w)
		if numbers[c.Number] {
			t.Fatalf("number %s given twice", c.Number)
		}
		numbers[c.Number] = true
		issued := 0
		for _, e := range f.audit(c.ID) {
			if e.Action == certify.ActionIssued {
				issued++
			}
		}
		if issued != 1 {
			t.Fatalf("%s: %d issue entries in the audit log, want 1", w, issued)
		}
	}
	n, err := f.db.Collection("certificates").CountDocuments(ctx, bson.M{})
	if err != nil || n != int64(len(workers)) {
		t.Fatalf("%d certificates stored (%v), want %d", n, err, len(workers))
	}
}

func TestRevoke(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	f.pass(seed.WorkerID, 1)
	f.changed(seed.WorkerID)
	c := f.only(seed.WorkerID)
	for _, tc := range []struct {
		name   string
		actor  string
		id     string
		reason string
		code   string
	}{
		{"RefusesWorker", seed.WorkerID, c.ID, "cheated", gridskill.EFORBIDDEN},
		{"RefusesTrainer", seed.TrainerID, c.ID, "cheated", gridskill.EFORBIDDEN},
		{"RefusesAdminOfAnotherStreet", "user-street-admin-2", c.ID, "cheated", gridskill.EFORBIDDEN},
		{"RefusesMissingReason", seed.StreetAdminID, c.ID, "  ", gridskill.EINVALID},
		{"RefusesOverlongReason", seed.StreetAdminID, c.ID, strings.Repeat("长", 201), gridskill.EINVALID},
		{"RefusesControlCharacterInReason", seed.StreetAdminID, c.ID, "考试替考\x1b[2J", gridskill.EINVALID},
		{"RefusesMalformedID", seed.StreetAdminID, "x{$ne:1}", "cheated", gridskill.EINVALID},
		{"RefusesUnknownCertificate", seed.StreetAdminID, "anti-fraud:nobody", "cheated", gridskill.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.svc.Revoke(ctx, f.user(tc.actor), tc.id, tc.reason)
			if gridskill.ErrorCode(err) != tc.code {
				t.Fatalf("revoke: %v, want %s", err, tc.code)
			}
			if got := f.only(seed.WorkerID); got.Revoked || len(f.audit(c.ID)) != 1 {
				t.Fatal("a refused revocation wrote something")
			}
		})
	}
	t.Run("RevokesByStreetAdminWithReason", func(t *testing.T) {
		if err := f.svc.Revoke(ctx, f.user(seed.StreetAdminID), c.ID, "考试替考"); err != nil {
			t.Fatal(err)
		}
		got := f.only(seed.WorkerID)
		if got.State != certify.Revoked || got.RevokeReason != "考试替考" || got.RevokedBy != seed.StreetAdminID {
			t.Fatalf("after revoking: %+v", got)
		}
		entries := f.audit(c.ID)
		last := entries[len(entries)-1]
		if last.Action != certify.ActionRevoked || last.ActorID != seed.StreetAdminID || last.Reason != "考试替考" {
			t.Fatalf("audit entry %+v", last)
		}
		v, err := f.svc.Verify(ctx, c.Code)
		if err != nil || v.Valid || v.State != certify.Revoked {
			t.Fatalf("verify a revoked certificate: %+v, %v", v, err)
		}
		if err := f.svc.Revoke(ctx, f.user(seed.DistrictAdminID), c.ID, "again"); gridskill.ErrorCode(err) != gridskill.ECONFLICT {
			t.Fatalf("revoking twice: %v, want conflict", err)
		}
		f.pass(seed.WorkerID, 1)
		f.changed(seed.WorkerID)
		if got := f.only(seed.WorkerID); got.State != certify.Revoked {
			t.Fatalf("re-evaluation revived a revoked certificate: %s", got.State)
		}
	})
}

func TestVerify(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	f.pass(seed.WorkerID, 1)
	f.changed(seed.WorkerID)
	c := f.only(seed.WorkerID)
	tampered := []byte(c.Code)
	if tampered[0] == 'A' {
		tampered[0] = 'B'
	} else {
		tampered[0] = 'A'
	}
	for _, tc := range []struct {
		name, code, want string
	}{
		{"RefusesOddCharacters", "ABC'; DROP", gridskill.EINVALID},
		{"RefusesWrongLength", c.Code + "2", gridskill.EINVALID},
		{"RefusesOperator", `{"$ne":""}`, gridskill.EINVALID},
		{"DoesNotKnowTamperedCode", string(tampered), gridskill.ENOTFOUND},
		{"DoesNotKnowForgedCode", "ZZZZZZZZZZ", gridskill.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.svc.Verify(ctx, tc.code); gridskill.ErrorCode(err) != tc.want {
				t.Fatalf("verify %q: %v, want %s", tc.code, err, tc.want)
			}
		})
	}
	t.Run("ShowsMaskedHolderOfValidCode", func(t *testing.T) {
		v, err := f.svc.Verify(ctx, strings.ToLower(c.Code))
		if err != nil {
			t.Fatal(err)
		}
		if !v.Valid || v.State != certify.Valid || v.Holder != "张*婷" || v.Program != "反诈宣传员" || v.Issuer != "东湖街道" || v.Number != c.Number {
			t.Fatalf("verify: %+v", v)
		}
	})
}

func TestEditingProgramKeepsIssuedRequirements(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	f.pass(seed.WorkerID, 1)
	f.changed(seed.WorkerID)
	admin := f.user(seed.StreetAdminID)
	p, err := f.svc.Program(ctx, admin, "anti-fraud")
	if err != nil {
		t.Fatal(err)
	}
	p.Requirements.MinHours = 20
	p.Name = "反诈宣传员（新）"
	if _, err := f.svc.UpdateProgram(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	got := f.only(seed.WorkerID)
	if got.Requirements.MinHours != 0 || got.ProgramName != "反诈宣传员" || got.State != certify.Valid {
		t.Fatalf("editing the program changed an issued certificate: %+v", got)
	}
	f.pass("worker-0001", 1)
	f.changed("worker-0001")
	if n := len(f.mine("worker-0001")); n != 0 {
		t.Fatal("issued without the newly required hours")
	}
	t.Run("RefusesAdminOfAnotherStreet", func(t *testing.T) {
		other := f.user("user-street-admin-2")
		if _, err := f.svc.UpdateProgram(ctx, other, p); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
			t.Fatalf("update by another street: %v", err)
		}
	})
	t.Run("RefusesWorker", func(t *testing.T) {
		if _, err := f.svc.CreateProgram(ctx, f.user(seed.WorkerID), p); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
			t.Fatalf("create by a worker: %v", err)
		}
	})
	t.Run("RefusesNoRequirement", func(t *testing.T) {
		if _, err := f.svc.CreateProgram(ctx, admin, certify.Program{Name: "空", ValidityMonths: 12}); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Fatalf("create without requirements: %v", err)
		}
	})
	t.Run("RefusesAudienceOutsideIssuer", func(t *testing.T) {
		q := p
		q.Audience = []string{seed.Street2ID}
		if _, err := f.svc.UpdateProgram(ctx, admin, q); gridskill.ErrorCode(err) == "" {
			t.Fatal("accepted an audience outside the issuing unit")
		}
	})
}

func TestProgramsReachOnlyTheirAudience(t *testing.T) {
	f := newFixture(t)
	// worker-0200 sits in another street than the issuing 东湖街道.
	other := "worker-0200"
	if u := f.user(other); people.InScope(u.UnitPath, seed.Street1ID) {
		t.Fatalf("%s is in street 1; pick another worker", other)
	}
	f.pass(other, 1)
	f.changed(other)
	if n := len(f.mine(other)); n != 0 {
		t.Fatalf("a worker outside the audience got %d certificates", n)
	}
}

func TestCoverageAndExpiring(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	// Three workers of the first grid and one of the second are certified.
	for _, w := range []string{"worker-0001", "worker-0002", "worker-0003", "worker-0009"} {
		f.pass(w, 1)
		f.changed(w)
	}
	admin := f.user(seed.StreetAdminID)
	cov, err := f.svc.Coverage(ctx, admin, "anti-fraud", "")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]certify.CoverageRow{}
	for _, r := range cov.Rows {
		rows[r.Unit.ID] = r
	}
	if r := rows[seed.Grid111ID]; r.Workers != seed.WorkersPerGrid+1 || r.InForce != 3 {
		t.Fatalf("grid 1: %+v", r)
	}
	if r := rows[seed.Grid112ID]; r.Workers != seed.WorkersPerGrid || r.InForce != 1 {
		t.Fatalf("grid 2: %+v", r)
	}
	if r := rows[seed.Community11ID]; r.InForce != 4 {
		t.Fatalf("community: %+v", r)
	}
	if cov.Rows[0].Unit.ID != seed.Street1ID || cov.Rows[0].InForce != 4 {
		t.Fatalf("first row: %+v", cov.Rows[0])
	}
	if _, err := f.svc.Coverage(ctx, admin, "anti-fraud", seed.Street2ID); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("coverage of another street: %v", err)
	}
	if _, err := f.svc.Coverage(ctx, f.user(seed.WorkerID), "anti-fraud", ""); gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("coverage for a worker: %v", err)
	}

	f.clock.Advance(320 * 24 * time.Hour)
	for _, tc := range []struct {
		days, want int
	}{{30, 0}, {60, 4}, {90, 4}} {
		got, err := f.svc.Expiring(ctx, admin, "", tc.days)
		if err != nil || len(got) != tc.want {
			t.Fatalf("expiring in %d days: %d (%v), want %d", tc.days, len(got), err, tc.want)
		}
	}
	other, err := f.svc.Expiring(ctx, f.user("user-street-admin-2"), "", 90)
	if err != nil || len(other) != 0 {
		t.Fatalf("another street sees %d expiring (%v), want 0", len(other), err)
	}
}

func TestTranscriptScope(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	f.pass(seed.WorkerID, 1)
	f.changed(seed.WorkerID)
	for _, tc := range []struct {
		name, actor, code string
	}{
		{"WorkerSeesOwn", seed.WorkerID, ""},
		{"StreetAdminSeesWorker", seed.StreetAdminID, ""},
		{"OtherWorkerRefused", "worker-0001", gridskill.EFORBIDDEN},
		{"OtherStreetRefused", "user-street-admin-2", gridskill.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := f.svc.Transcript(ctx, f.user(tc.actor), seed.WorkerID)
			if gridskill.ErrorCode(err) != tc.code {
				t.Fatalf("transcript: %v, want %q", err, tc.code)
			}
			if err == nil && (len(tr.Certificates) != 1 || len(tr.History.Modules) != 1 || len(tr.History.Exams) != 1) {
				t.Fatalf("transcript: %+v", tr)
			}
		})
	}
}

func Example_mask() {
	fmt.Println(certify.MaskName("张晓婷"), certify.MaskName("张伟"))
	// Output: 张*婷 张*
}

func TestEvaluateAllIssuesWithoutAHook(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	for _, w := range []string{seed.WorkerID, "worker-0001", "worker-0200"} {
		f.pass(w, 1)
	}
	n, err := f.svc.EvaluateAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// worker-0200 is outside the program's street.
	if n != 2 || len(f.mine(seed.WorkerID)) != 1 || len(f.mine("worker-0200")) != 0 {
		t.Fatalf("evaluated %d, want 2", n)
	}
	if n, _ := f.svc.EvaluateAll(ctx); n != 0 {
		t.Fatalf("a second round issued %d, want 0", n)
	}
}

func TestCoverageListsEachCommunityBeforeItsGrids(t *testing.T) {
	f := newFixture(t)
	cov, err := f.svc.Coverage(storetest.Context(t), f.user(seed.StreetAdminID), "anti-fraud", "")
	if err != nil {
		t.Fatal(err)
	}
	var community string
	for _, r := range cov.Rows[1:] {
		switch r.Unit.Kind {
		case people.Community:
			community = r.Unit.ID
		case people.Grid:
			if r.Unit.ParentID != community {
				t.Fatalf("grid %s listed under %s", r.Unit.ID, community)
			}
		}
	}
	if len(cov.Rows) != 1+3+12 {
		t.Fatalf("%d rows, want 16", len(cov.Rows))
	}
}

func TestCertificatesHeldInMemoryFollowWritesHereAndElsewhere(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	admin := f.user(seed.DistrictAdminID)
	holders := func(s *certify.Service) int {
		t.Helper()
		list, err := s.Holders(ctx, admin, certify.HolderFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	if n := holders(f.svc); n != 0 {
		t.Fatalf("%d holders before any issue", n)
	}
	t.Run("ThisProcesssIssueShowsAtOnce", func(t *testing.T) {
		f.pass(seed.WorkerID, 1)
		f.changed(seed.WorkerID)
		if n := holders(f.svc); n != 1 {
			t.Fatalf("%d holders after an issue here, want 1", n)
		}
	})
	t.Run("ThisProcesssRevocationShowsAtOnce", func(t *testing.T) {
		id := certify.CertificateID(f.program.ID, seed.WorkerID)
		if err := f.svc.Revoke(ctx, admin, id, "核查发现代考"); err != nil {
			t.Fatal(err)
		}
		list, err := f.svc.Holders(ctx, admin, certify.HolderFilter{State: certify.Revoked})
		if err != nil || len(list) != 1 {
			t.Fatalf("revoked holders: %d (%v), want 1", len(list), err)
		}
	})
	// Another instance (another service over the database) issues to a
	// second worker.
	other := f.service()
	f.pass("worker-0002", 1)
	if err := other.RecordChanged(ctx, "worker-0002"); err != nil {
		t.Fatal(err)
	}
	t.Run("AloneAnotherServicesIssueIsNotRead", func(t *testing.T) {
		// One instance is the only writer: nothing reads the collection again.
		if n := holders(f.svc); n != 1 {
			t.Fatalf("%d holders, want the 1 held", n)
		}
	})
	t.Run("WithSeveralInstancesTheWorkersOwnListReadsItAtOnce", func(t *testing.T) {
		f.svc.RefreshCertificates(30 * time.Second)
		held, err := f.svc.Mine(ctx, f.user("worker-0002"))
		if err != nil || len(held) != 1 || held[0].State != certify.Valid {
			t.Fatalf("the worker's own list: %+v (%v), want the certificate issued elsewhere", held, err)
		}
	})
	t.Run("WithSeveralInstancesListsShowItAfterTheRefresh", func(t *testing.T) {
		f.clock.Advance(31 * time.Second)
		for deadline := time.Now().Add(10 * time.Second); holders(f.svc) != 2; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("another instance's issue unseen 10 s after the refresh was due")
			}
		}
	})
}
