package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/seed"
	"gridskill/web/browsertest"
)

// examPhone is one phone in a browser test of the exam pages.
type examPhone struct {
	t    *testing.T
	ctx  context.Context
	name string
}

func newExamPhone(t *testing.T, b *browsertest.Browser, name string) examPhone {
	return examPhone{t: t, ctx: b.Phone(t, 3*time.Minute), name: name}
}

// step runs actions and stops the test with a screenshot and the page's text when one fails.
func (p examPhone) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		browsertest.Screenshot(p.t, p.ctx, "exam-"+p.name+"-failed")
		text, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.href + '\n' + (document.body ? document.body.innerText : '')`))
		p.t.Fatalf("%s: %s: %v\npage: %.800s", p.name, what, err, text)
	}
}

func evalOn[T any](p examPhone, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("%s: %s: %v", p.name, js, err)
	}
	return v
}

func (p examPhone) signIn(base, phone string) {
	p.t.Helper()
	p.step("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, phone),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#home-exams`))
}

// choiceQuestions returns the ids of the paper's single-choice and true/false questions.
func (p examPhone) choiceQuestions() []string {
	p.t.Helper()
	ids := evalOn[[]string](p, `Array.from(document.querySelectorAll('#paper fieldset.q')).filter(f => f.dataset.type == 'single' || f.dataset.type == 'truefalse').map(f => f.dataset.q)`)
	if len(ids) < 2 {
		p.t.Fatalf("%s: %d choice questions on the paper; want 2 or more", p.name, len(ids))
	}
	return ids
}

// checked returns the value of the checked option of a question, or "".
func (p examPhone) checked(qid string) string {
	p.t.Helper()
	return evalOn[string](p, `(function(){var i=document.querySelector('#q-`+qid+` input:checked');return i?i.value:''})()`)
}

// queued returns what the page keeps in localStorage for unsent answers.
func (p examPhone) queued() string {
	p.t.Helper()
	return evalOn[string](p, `(function(){for(var i=0;i<localStorage.length;i++){var k=localStorage.key(i);if(k.indexOf('gs-exam-')==0)return localStorage.getItem(k)}return ''})()`)
}

// apiClient calls the API as one account, as a script or another phone would.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func signInAPI(t *testing.T, base, phone string) apiClient {
	t.Helper()
	c := apiClient{t: t, base: base}
	var out struct{ Token string }
	if code := c.call("POST", "/api/v1/auth/login", map[string]string{"phone": phone, "password": seed.DemoPassword}, &out); code != 200 || out.Token == "" {
		t.Fatalf("sign in %s through the API: %d", phone, code)
	}
	c.token = out.Token
	return c
}

func (c apiClient) call(method, path string, body, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		_ = json.Unmarshal(raw, out)
	}
	return resp.StatusCode
}

type attemptRead struct {
	State   string           `json:"state"`
	Answers map[string]any   `json:"answers"`
	Seqs    map[string]int64 `json:"seqs"`
}

func (c apiClient) attempt(id string) attemptRead {
	c.t.Helper()
	var a attemptRead
	if code := c.call("GET", "/api/v1/attempts/"+id, nil, &a); code != 200 {
		c.t.Fatalf("read attempt %s: %d", id, code)
	}
	return a
}

// startFirstExam opens the first exam on the phone's list, starts it on the rules page and waits for the paper.
func (p examPhone) startFirstExam(base string) string {
	p.t.Helper()
	p.step("start the exam",
		chromedp.Navigate(base+"/exams"),
		chromedp.Click(`#open-exams a.button`),
		chromedp.WaitVisible(`#exam-rules`),
		chromedp.Click(`#start`),
		chromedp.WaitVisible(`#paper fieldset.q input`))
	return evalOn[string](p, `document.getElementById('exam').dataset.attempt`)
}

func TestBrowserTwoPhonesOnOneAttemptShowWhatTheServerHolds(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	a, bb := newExamPhone(t, b, "phone-a"), newExamPhone(t, b, "phone-b")
	a.signIn(base, "13900000004")
	bb.signIn(base, "13900000004")
	id := a.startFirstExam(base)
	bb.step("resume on the second phone",
		chromedp.Navigate(base+"/exams"),
		chromedp.Click(`#open-exams a.button`),
		chromedp.WaitVisible(`#paper fieldset.q input`))
	if got := evalOn[string](bb, `document.getElementById('exam').dataset.attempt`); got != id {
		t.Fatalf("phone B sits attempt %s; want %s", got, id)
	}
	q := a.choiceQuestions()[0]
	second := `#q-` + q + ` label:nth-of-type(2) input`
	a.step("phone A answers", chromedp.Click(`#q-`+q+` label:nth-of-type(1) input`), chromedp.WaitVisible(`#q-`+q+` .qstatus.saved`))
	held := a.checked(q)
	bb.step("phone B, opened before, answers the same question otherwise",
		chromedp.Click(second),
		chromedp.WaitVisible(`#q-`+q+` .qstatus.other`))
	if got := bb.checked(q); got != held {
		t.Fatalf("phone B shows %q after its stale answer was refused; the server holds %q", got, held)
	}
	browsertest.Screenshot(t, bb.ctx, "exam-two-phones-refused")
	worker := signInAPI(t, base, "13900000004")
	if got := fmt.Sprint(worker.attempt(id).Answers[q]); got != held {
		t.Fatalf("the server holds %q; want phone A's %q", got, held)
	}
	bb.step("phone B answers again, knowing the held answer",
		chromedp.Click(second),
		chromedp.WaitVisible(`#q-`+q+` .qstatus.saved`))
	now := bb.checked(q)
	if got := fmt.Sprint(worker.attempt(id).Answers[q]); got != now || now == held {
		t.Fatalf("the server holds %q after phone B's saved answer %q", got, now)
	}
	a.step("phone A comes back to the page", chromedp.Reload(), chromedp.WaitVisible(`#q-`+q+` .qstatus.saved`))
	if got := a.checked(q); got != now {
		t.Fatalf("phone A shows %q; the server holds %q", got, now)
	}
}

func TestBrowserSignedOutMidExamSignsInOnThePageAndSendsEveryAnswer(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	p := newExamPhone(t, b, "signed-out")
	p.signIn(base, "13900000004")
	id := p.startFirstExam(base)
	qs := p.choiceQuestions()
	p.step("answer while signed in", chromedp.Click(`#q-`+qs[0]+` input`), chromedp.WaitVisible(`#q-`+qs[0]+` .qstatus.saved`))
	// The worker signs out on another phone: every session of the account ends.
	other := signInAPI(t, base, "13900000004")
	if code := other.call("POST", "/api/v1/auth/logout", nil, nil); code != http.StatusNoContent {
		t.Fatalf("logout elsewhere: %d", code)
	}
	p.step("answer after the session ended",
		chromedp.Click(`#q-`+qs[1]+` input`),
		chromedp.WaitVisible(`#signin`))
	if q := p.queued(); !strings.Contains(q, qs[1]) {
		t.Fatalf("the unsent answer is not kept on the phone: %q", q)
	}
	browsertest.Screenshot(t, p.ctx, "exam-signed-out")
	p.step("sign in again on the page",
		chromedp.SendKeys(`#signin-password`, seed.DemoPassword),
		chromedp.Click(`#signin-submit`),
		chromedp.WaitNotVisible(`#signin`),
		chromedp.WaitVisible(`#q-`+qs[1]+` .qstatus.saved`))
	worker := signInAPI(t, base, "13900000004")
	got := worker.attempt(id)
	for _, q := range qs[:2] {
		if fmt.Sprint(got.Answers[q]) != p.checked(q) {
			t.Fatalf("question %s: the server holds %v; the phone shows %q", q, got.Answers[q], p.checked(q))
		}
	}
	p.step("submit after signing in again",
		chromedp.Click(`#submit`),
		chromedp.WaitVisible(`#confirm-yes`),
		chromedp.Click(`#confirm-yes`),
		chromedp.WaitVisible(`#score`))
}

func TestBrowserBackAfterSubmitStartsNoAttempt(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	p := newExamPhone(t, b, "back")
	p.signIn(base, "13900000004")
	id := p.startFirstExam(base)
	qs := p.choiceQuestions()
	p.step("answer one", chromedp.Click(`#q-`+qs[0]+` input`), chromedp.WaitVisible(`#q-`+qs[0]+` .qstatus.saved`))
	total := evalOn[int](p, `document.querySelectorAll('#paper fieldset.q').length`)
	p.step("ask to submit", chromedp.Click(`#submit`), chromedp.WaitVisible(`#confirm-yes`))
	if text := evalOn[string](p, `document.getElementById('confirm').innerText`); !strings.Contains(text, fmt.Sprintf("还有 %d 题未答", total-1)) {
		t.Fatalf("the confirm step says %q; want the %d unanswered questions", text, total-1)
	}
	time.Sleep(6 * time.Second) // the old confirmation lapsed after 5 s
	p.step("confirm", chromedp.Click(`#confirm-yes`), chromedp.WaitVisible(`#score`))
	p.step("press Back", chromedp.NavigateBack(), chromedp.WaitReady(`body`))
	loc := evalOn[string](p, `location.pathname`)
	if strings.HasSuffix(loc, "/sit") || evalOn[bool](p, `!!document.getElementById('paper')`) {
		t.Fatalf("Back after submitting shows a sitting (%s)", loc)
	}
	if got := signInAPI(t, base, "13900000004").attempt(id); got.State != "finished" {
		t.Fatalf("the submitted attempt reads %q", got.State)
	}
	if evalOn[bool](p, `!!document.getElementById('continue')`) {
		t.Fatal("the page after Back offers to continue an attempt")
	}
	browsertest.Screenshot(t, p.ctx, "exam-back-after-submit")
	p.step("the exam list", chromedp.Navigate(base+"/exams"), chromedp.WaitVisible(`#open-exams`))
	if evalOn[bool](p, `!!document.querySelector('#open-exams a[href$="/sit"]')`) {
		t.Fatal("an attempt is open after Back: the exam list offers to continue it")
	}
}

// dropNet stands between the browser and the server like the phone's
// network: while down, every connection is cut, for the page and its service
// worker alike (Chromium's offline emulation does not reach service workers).
type dropNet struct {
	down  atomic.Bool
	proxy *httputil.ReverseProxy
	// shedSaves and shedSubmits are how many of the next saves and submits
	// are answered 503 with Retry-After, as a server shedding load does.
	shedSaves, shedSubmits, submits atomic.Int32
}

func (n *dropNet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if n.down.Load() {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	save := r.Method == "PUT" && strings.Contains(r.URL.Path, "/answers/")
	submit := r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/submit")
	if submit {
		n.submits.Add(1)
	}
	if save && n.shedSaves.Add(-1) >= 0 || submit && n.shedSubmits.Add(-1) >= 0 {
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":{"code":"unavailable","message":"busy"}}`))
		return
	}
	n.proxy.ServeHTTP(w, r)
}

// behindDropNet returns the address through which the browser reaches base.
func behindDropNet(t *testing.T, base string) (*dropNet, string) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	n := &dropNet{proxy: httputil.NewSingleHostReverseProxy(u)}
	srv := httptest.NewServer(n)
	t.Cleanup(srv.Close)
	return n, srv.URL
}

// network cuts or restores the phone's network.
func (n *dropNet) network(up bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		n.down.Store(!up)
		_, err := setOffline(!up)(ctx, t)
		return err
	})
}

func TestBrowserTimeUpWhileOfflineIsHonestAndShowsNoBrowserError(t *testing.T) {
	b := browsertest.New(t)
	_, server, _ := startMain(t, "")
	drop, base := behindDropNet(t, server)
	admin := signInAPI(t, server, "13900000001")
	now := time.Now()
	var exam struct {
		ID string `json:"id"`
	}
	// The window closes in 30 seconds, so the attempt's deadline is then.
	if code := admin.call("POST", "/api/v1/exams", map[string]any{
		"title": "断网交卷测验", "unitIds": []string{seed.Street1ID}, "opensAt": now.Add(-time.Minute), "closesAt": now.Add(30 * time.Second),
		"durationSec": 600, "passMark": 60, "maxAttempts": 1, "counts": "highest", "review": "after_submit",
		"rules": []map[string]any{{"tag": "", "type": "single", "count": 5}},
	}, &exam); code != 201 {
		t.Fatalf("create a short exam: %d", code)
	}
	p := newExamPhone(t, b, "offline-timeup")
	p.signIn(base, "13900000004")
	p.step("start the exam",
		chromedp.Navigate(base+"/exams/"+exam.ID),
		chromedp.Click(`#start`),
		chromedp.WaitVisible(`#paper fieldset.q input`),
		chromedp.Poll[chromedp.Void](`navigator.serviceWorker.controller !== null`, chromedp.WithPollingTimeout(20*time.Second)))
	id := evalOn[string](p, `document.getElementById('exam').dataset.attempt`)
	qs := p.choiceQuestions()
	p.step("answer online", chromedp.Click(`#q-`+qs[0]+` input`), chromedp.WaitVisible(`#q-`+qs[0]+` .qstatus.saved`))
	p.step("answer offline",
		drop.network(false),
		chromedp.Click(`#q-`+qs[1]+` input`),
		chromedp.WaitVisible(`#q-`+qs[1]+` .qstatus.unsent`))
	unsent := p.checked(qs[1])
	p.step("time runs out offline",
		chromedp.Poll[chromedp.Void](`document.getElementById('over').innerText.indexOf('未能送达') >= 0`, chromedp.WithPollingTimeout(45*time.Second)))
	said := evalOn[string](p, `document.getElementById('over').innerText`)
	if !strings.Contains(said, "1 个答案未能送达") || strings.Contains(said, "您的答案已交卷") {
		t.Fatalf("at time-up offline the page says %q; want it to say 1 answer did not reach the server", said)
	}
	if q := p.queued(); !strings.Contains(q, qs[1]) {
		t.Fatalf("the unsent answer is gone from the phone: %q", q)
	}
	browsertest.Screenshot(t, p.ctx, "exam-timeup-offline")
	p.step("reload while offline", chromedp.Reload(), chromedp.WaitVisible(`#offline`))
	if href := evalOn[string](p, `location.href`); strings.HasPrefix(href, "chrome-error:") {
		t.Fatalf("the browser's error page is shown: %s", href)
	}
	browsertest.Screenshot(t, p.ctx, "exam-offline-page")
	p.step("network back: the page finds the result by itself",
		drop.network(true),
		chromedp.WaitVisible(`#exam-rules a[href="/attempts/`+id+`"]`),
		chromedp.WaitVisible(`#unsent`))
	if said := evalOn[string](p, `document.getElementById('unsent').innerText`); !strings.Contains(said, "1 个答案") {
		t.Fatalf("after the network returns the page says %q; want that 1 answer was not counted", said)
	}
	got := signInAPI(t, server, "13900000004").attempt(id)
	if got.State != "finished" || fmt.Sprint(got.Answers[qs[0]]) == "" || fmt.Sprint(got.Answers[qs[1]]) == unsent {
		t.Fatalf("finished attempt %+v; want the answer sent before the network dropped and not the one that never reached the server", got)
	}
}

func TestBrowserSheddingServerIsRetriedAndNeverReportedAsDone(t *testing.T) {
	b := browsertest.New(t)
	_, server, _ := startMain(t, "")
	drop, base := behindDropNet(t, server)
	p := newExamPhone(t, b, "shed")
	p.signIn(base, "13900000004")
	id := p.startFirstExam(base)
	qs := p.choiceQuestions()
	drop.shedSaves.Store(2)
	p.step("a save the server sheds stays queued",
		chromedp.Click(`#q-`+qs[0]+` input`),
		chromedp.WaitVisible(`#q-`+qs[0]+` .qstatus.unsent`))
	if q := p.queued(); !strings.Contains(q, qs[0]) {
		t.Fatalf("a shed save is not kept on the phone: %q", q)
	}
	p.step("and is sent after Retry-After", chromedp.WaitVisible(`#q-`+qs[0]+` .qstatus.saved`))
	drop.shedSubmits.Store(3)
	p.step("submit while the server sheds",
		chromedp.Click(`#submit`),
		chromedp.WaitVisible(`#confirm-yes`),
		chromedp.Click(`#confirm-yes`),
		chromedp.Poll[chromedp.Void](`document.getElementById('over').innerText.indexOf('正在交卷') >= 0`, chromedp.WithPollingTimeout(10*time.Second)))
	if loc := evalOn[string](p, `location.pathname`); loc == "/attempts/"+id {
		t.Fatal("the page showed the result before the server took the submit")
	}
	browsertest.Screenshot(t, p.ctx, "exam-submit-shed")
	p.step("the submit goes through once the server takes it", chromedp.WaitVisible(`#score`))
	if n := drop.submits.Load(); n < 4 {
		t.Fatalf("%d submits reached the server; want the 3 shed and one more", n)
	}
	if got := signInAPI(t, server, "13900000004").attempt(id); got.State != "finished" || fmt.Sprint(got.Answers[qs[0]]) == "" {
		t.Fatalf("finished attempt %+v; want the answer sent after the shed saves", got)
	}
}
