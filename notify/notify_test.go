package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/certify"
	"gridskill/courses"
	"gridskill/notify"
	"gridskill/people"
	"gridskill/quiz"
	"gridskill/seed"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fakeRobot is a group robot on a local TLS server: it keeps what it was sent.
type fakeRobot struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []string
	qs   []url.Values // each message's query
	fail bool
}

func newFakeRobot(t *testing.T) *fakeRobot {
	f := &fakeRobot{}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
		}
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &body)
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.fail {
			_, _ = io.WriteString(w, `{"errcode":93000,"errmsg":"invalid webhook url"}`)
			return
		}
		f.got = append(f.got, r.URL.Query().Get("key")+"|"+body.MsgType+"|"+body.Text.Content)
		f.qs = append(f.qs, r.URL.Query())
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeRobot) refuse(on bool) {
	f.mu.Lock()
	f.fail = on
	f.mu.Unlock()
}

func (f *fakeRobot) host() string { u, _ := url.Parse(f.srv.URL); return u.Host }

func (f *fakeRobot) messages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.got...)
}

type env struct {
	ps    *people.Service
	ns    *notify.Service
	clock *gridskill.FakeClock
	admin people.User
	other people.User // street admin of 西山街道
	robot *fakeRobot
	db    func() *notify.Service
	// database is the one every service of db() uses.
	database *mongo.Database
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := storetest.DB(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4
	ctx := storetest.Context(t)
	if err := seed.LoadDemo(ctx, db, ps, clock); err != nil {
		t.Fatal(err)
	}
	robot := newFakeRobot(t)
	mk := func() *notify.Service {
		return notify.NewService(db, ps, clock, nil, notify.Config{Client: robot.srv.Client(), Hosts: []string{robot.host()}})
	}
	e := &env{ps: ps, ns: mk(), clock: clock, robot: robot, db: mk, database: db}
	var err error
	if e.admin, err = ps.User(ctx, seed.StreetAdminID); err != nil {
		t.Fatal(err)
	}
	if e.other, err = ps.User(ctx, "user-street-admin-2"); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) worker(t *testing.T) people.User {
	u, err := e.ps.User(context.Background(), seed.WorkerID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCheckHook(t *testing.T) {
	e := newEnv(t)
	for name, c := range map[string]struct {
		kind, url string
		ok        bool
	}{
		"AcceptsWeCom":            {notify.WeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", true},
		"AcceptsDingTalk":         {notify.DingTalk, "https://oapi.dingtalk.com/robot/send?access_token=abc", true},
		"AcceptsConfiguredHost":   {notify.WeCom, e.robot.srv.URL + "/send?key=abc", true},
		"RejectsPlainHTTP":        {notify.WeCom, "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", false},
		"RejectsOtherHost":        {notify.WeCom, "https://evil.example.com/cgi-bin/webhook/send?key=abc", false},
		"RejectsLookalikeHost":    {notify.WeCom, "https://qyapi.weixin.qq.com.evil.example/send?key=abc", false},
		"RejectsOtherVendorsHost": {notify.DingTalk, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", false},
		"RejectsUserInfo":         {notify.WeCom, "https://a:b@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", false},
		"RejectsMissingKey":       {notify.WeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", false},
		"RejectsNotAURL":          {notify.WeCom, "qyapi.weixin.qq.com key", false},
		"RejectsControlCharacter": {notify.WeCom, "https://qyapi.weixin.qq.com/send?key=a\x00", false},
		"RejectsUnknownKind":      {"slack", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", false},
	} {
		t.Run(name, func(t *testing.T) {
			err := e.ns.CheckHook(c.kind, c.url)
			if (err == nil) != c.ok {
				t.Fatalf("CheckHook(%q, %q) = %v, want ok=%v", c.kind, c.url, err, c.ok)
			}
			if err != nil && gridskill.ErrorCode(err) != gridskill.EINVALID {
				t.Fatalf("code %s, want invalid", gridskill.ErrorCode(err))
			}
		})
	}
}

func TestSetHookRefusesUnitOutsideArea(t *testing.T) {
	e := newEnv(t)
	ctx := storetest.Context(t)
	err := e.ns.SetHook(ctx, e.other, seed.Street1ID, notify.WeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "")
	if gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("西山's admin setting 东湖's robot: %v, want forbidden", err)
	}
	if hooks, _ := e.ns.Hooks(ctx, e.admin); len(hooks) != 0 {
		t.Fatalf("a refused robot was stored: %v", hooks)
	}
	err = e.ns.SetHook(ctx, e.admin, seed.Street1ID, notify.WeCom, "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "")
	if gridskill.ErrorCode(err) != gridskill.EINVALID {
		t.Fatalf("a plain-http robot: %v, want invalid", err)
	}
	if hooks, _ := e.ns.Hooks(ctx, e.admin); len(hooks) != 0 {
		t.Fatalf("a malformed robot was stored: %v", hooks)
	}
}

func TestRemindReachesListsAndRobotOncePerDay(t *testing.T) {
	e := newEnv(t)
	ctx := storetest.Context(t)
	if err := e.ns.SetHook(ctx, e.admin, seed.Street1ID, notify.WeCom, e.robot.srv.URL+"/cgi-bin/webhook/send?key=east", ""); err != nil {
		t.Fatal(err)
	}
	w := e.worker(t)
	r := notify.Reminder{Key: "required-missing:" + seed.Street1ID, Text: "Reminder: please finish your required training", Link: "/",
		Message: "东湖街道提醒", Workers: []people.User{w}}
	sent, err := e.ns.Remind(ctx, e.admin, r)
	if err != nil {
		t.Fatal(err)
	}
	if sent.Notices != 1 || sent.Robots != 1 || sent.Failed != 0 {
		t.Fatalf("first reminder: %+v, want one notice and one robot message", sent)
	}
	got := e.robot.messages()
	if len(got) != 1 || !strings.HasPrefix(got[0], "east|text|东湖街道提醒\n") || !strings.Contains(got[0], w.Name) {
		t.Fatalf("robot got %q", got)
	}
	again, err := e.ns.Remind(ctx, e.admin, r)
	if err != nil || again.Notices != 0 || again.Robots != 0 {
		t.Fatalf("the same reminder the same day: %+v %v, want nothing new", again, err)
	}
	inbox, _ := e.ns.Inbox(ctx, w.ID)
	if len(inbox) != 1 || inbox[0].Kind != "reminder" {
		t.Fatalf("worker's notices: %+v", inbox)
	}
	e.clock.Advance(24 * time.Hour)
	next, err := e.ns.Remind(ctx, e.admin, r)
	if err != nil || next.Notices != 1 || next.Robots != 1 {
		t.Fatalf("the next day's reminder: %+v %v", next, err)
	}
}

func TestDingTalkRobotWithASecretSignsEachMessage(t *testing.T) {
	e := newEnv(t)
	ctx := storetest.Context(t)
	addr := e.robot.srv.URL + "/robot/send?access_token=east"
	for _, bad := range []struct{ kind, secret string }{
		{notify.DingTalk, "abc123"}, {notify.DingTalk, "SEC abc"}, {notify.DingTalk, "SEC" + strings.Repeat("a", 300)},
		{notify.WeCom, "SECabc"},
	} {
		u := addr
		if bad.kind == notify.WeCom {
			u = e.robot.srv.URL + "/send?key=east"
		}
		if err := e.ns.SetHook(ctx, e.admin, seed.Street1ID, bad.kind, u, bad.secret); gridskill.ErrorCode(err) != gridskill.EINVALID {
			t.Fatalf("%s secret %q: %v, want invalid", bad.kind, bad.secret, err)
		}
	}
	if hooks, _ := e.ns.Hooks(ctx, e.admin); len(hooks) != 0 {
		t.Fatalf("a refused robot was stored: %v", hooks)
	}
	const secret = "SEC0123456789abcdefABCDEF"
	if err := e.ns.SetHook(ctx, e.admin, seed.Street1ID, notify.DingTalk, addr, secret); err != nil {
		t.Fatal(err)
	}
	sent, err := e.ns.Remind(ctx, e.admin, notify.Reminder{Key: "k", Text: "t", Message: "东湖街道提醒", Workers: []people.User{e.worker(t)}})
	if err != nil || sent.Robots != 1 {
		t.Fatalf("remind: %+v %v", sent, err)
	}
	e.robot.mu.Lock()
	q := e.robot.qs[0]
	e.robot.mu.Unlock()
	ts := q.Get("timestamp")
	if want := strconv.FormatInt(e.clock.Now().UnixMilli(), 10); ts != want {
		t.Fatalf("timestamp %q, want the server's clock in milliseconds %s", ts, want)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); q.Get("sign") != want || q.Get("access_token") != "east" {
		t.Fatalf("query %v, want access_token=east and sign %s", q, want)
	}
}

func TestRemindCountsARefusingRobotAndRetriesIt(t *testing.T) {
	e := newEnv(t)
	ctx := storetest.Context(t)
	if err := e.ns.SetHook(ctx, e.admin, seed.Street1ID, notify.WeCom, e.robot.srv.URL+"/send?key=east", ""); err != nil {
		t.Fatal(err)
	}
	e.robot.refuse(true)
	r := notify.Reminder{Key: "k", Text: "t", Message: "m", Workers: []people.User{e.worker(t)}}
	sent, err := e.ns.Remind(ctx, e.admin, r)
	if err != nil || sent.Failed != 1 || sent.Robots != 0 || sent.Notices != 1 {
		t.Fatalf("refusing robot: %+v %v", sent, err)
	}
	e.robot.refuse(false)
	sent, err = e.ns.Remind(ctx, e.admin, r)
	if err != nil || sent.Robots != 1 || sent.Notices != 0 {
		t.Fatalf("after the robot recovers: %+v %v, want the message sent, no second notice", sent, err)
	}
}

func TestRemindRefusesWorkersOutsideArea(t *testing.T) {
	e := newEnv(t)
	ctx := storetest.Context(t)
	_, err := e.ns.Remind(ctx, e.other, notify.Reminder{Key: "k", Text: "t", Workers: []people.User{e.worker(t)}})
	if gridskill.ErrorCode(err) != gridskill.EFORBIDDEN {
		t.Fatalf("西山's admin reminding 东湖's worker: %v", err)
	}
	if n, _ := e.ns.Unread(ctx, seed.WorkerID); n != 0 {
		t.Fatalf("a refused reminder left %d notices", n)
	}
}

func TestNoticesSentOnceAndClearedSurviveRestart(t *testing.T) {
	e := newEnv(t)
	ctx := storetest.Context(t)
	n := []notify.Notice{{ID: "exam:e-1", UserID: seed.WorkerID, Kind: "exam", Text: "New exam: %s, open until %s", Args: []string{"反诈", "2026-12-01"}},
		{ID: "exam:e-2", UserID: seed.WorkerID, Kind: "exam", Text: "New exam: %s, open until %s", Args: []string{"调解", "2026-12-01"}}}
	if got, err := e.ns.Send(ctx, n); err != nil || got != 2 {
		t.Fatalf("Send = %d, %v", got, err)
	}
	if got, _ := e.ns.Send(ctx, n); got != 0 {
		t.Fatalf("sent again: %d new", got)
	}
	e.clock.Advance(time.Minute)
	if err := e.ns.Clear(ctx, seed.WorkerID, "exam:e-1"); err != nil {
		t.Fatal(err)
	}
	if err := e.ns.Clear(ctx, seed.WorkerID, "no-such"); gridskill.ErrorCode(err) != gridskill.ENOTFOUND {
		t.Fatalf("clearing an unknown notice: %v", err)
	}
	restarted := e.db()
	inbox, err := restarted.Inbox(ctx, seed.WorkerID)
	if err != nil || len(inbox) != 1 || inbox[0].ID != "exam:e-2" {
		t.Fatalf("after a restart: %+v %v", inbox, err)
	}
	if got, _ := restarted.Send(ctx, n); got != 0 {
		t.Fatalf("after a restart the cleared notice came back: %d new", got)
	}
	if err := restarted.Clear(ctx, seed.WorkerID, ""); err != nil {
		t.Fatal(err)
	}
	if unread, _ := restarted.Unread(ctx, seed.WorkerID); unread != 0 {
		t.Fatalf("after clearing all: %d unread", unread)
	}
}

func TestOwnNoticesAreSentOnceEach(t *testing.T) {
	e := newEnv(t)
	ctx := storetest.Context(t)
	w := e.worker(t)
	now := e.clock.Now()
	items := []courses.Item{
		{Module: courses.Module{ID: "m-due", Title: "反诈宣传"}, Assigned: true, Required: true, Due: now.Add(48 * time.Hour)},
		{Module: courses.Module{ID: "m-later", Title: "矛盾调解"}, Assigned: true, Required: true, Due: now.Add(10 * 24 * time.Hour)},
		{Module: courses.Module{ID: "m-done", Title: "信息采集"}, Assigned: true, Required: true, Done: true, Due: now.Add(time.Hour)},
	}
	exams := []quiz.Exam{{ID: "e-1", Title: "反诈测验", ClosesAt: now.Add(72 * time.Hour)}}
	certs := []certify.Held{{Certificate: certify.Certificate{ID: "c-1", ProgramName: "反诈宣传员", IssuedAt: now.Add(-time.Hour), ExpiresAt: now.Add(20 * 24 * time.Hour)}, State: certify.Expiring}}
	n, err := e.ns.Own(ctx, w, items, exams, certs)
	if err != nil {
		t.Fatal(err)
	}
	inbox, _ := e.ns.Inbox(ctx, w.ID)
	var ids []string
	for _, x := range inbox {
		ids = append(ids, x.ID)
	}
	want := []string{"assign:m-due", "assign:m-later", "due:m-due:2026-11-26", "exam:e-1", "cert:c-1:" + strconv.FormatInt(certs[0].IssuedAt.Unix(), 10), "expiring:c-1:2026-12-14"}
	if n != len(want) {
		t.Fatalf("sent %d notices %v, want %v", n, ids, want)
	}
	for _, id := range want {
		if !slices.Contains(ids, id) {
			t.Errorf("no notice %s among %v", id, ids)
		}
	}
	if again, _ := e.ns.Own(ctx, w, items, exams, certs); again != 0 {
		t.Fatalf("the same state again sent %d notices", again)
	}
	admin, _ := e.ps.User(ctx, seed.StreetAdminID)
	if n, _ := e.ns.Own(ctx, admin, items, exams, certs); n != 0 {
		t.Fatalf("an admin got %d notices of a worker's own", n)
	}
}
