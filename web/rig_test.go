package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/cases"
	"gridskill/courses"
	"gridskill/people"
	"gridskill/practical"
	"gridskill/quiz"
	"gridskill/rotation"
	"gridskill/seed"
	"gridskill/selection"
	"gridskill/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// rig is the real app over a fresh database holding the demo district.
type rig struct {
	t      *testing.T
	srv    *Server
	db     *mongo.Database
	people *people.Service
	clock  *gridskill.FakeClock
	log    *bytes.Buffer
	quiz   *quiz.Service
}

var rigSecret = []byte("test-secret-test-secret-test-secret!")

func newRig(t *testing.T) *rig {
	t.Helper()
	return newRigConfig(t, Config{})
}

// newRigConfig is newRig with the given web configuration.
func newRigConfig(t *testing.T, cfg Config) *rig {
	t.Helper()
	return newRigDeps(t, cfg, nil)
}

// newRigDeps is newRigConfig with more dependencies set by more (over the
// rig's database and clock) before the app is built.
func newRigDeps(t *testing.T, cfg Config, more func(d *Deps)) *rig {
	t.Helper()
	db := storetest.DB(t)
	clock := gridskill.NewFakeClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	ps := people.NewService(db, clock)
	ps.BcryptCost = 4 // the lowest cost: tests sign in often
	ctx := storetest.Context(t)
	if err := seed.LoadDemo(ctx, db, ps, clock); err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	qs := quiz.NewService(db, ps, clock, slog.New(slog.NewTextHandler(logs, nil)))
	if err := qs.Load(ctx); err != nil {
		t.Fatal(err)
	}
	co := courses.NewService(db, ps, clock)
	deps := Deps{
		Quiz: qs, Courses: co, Practical: practical.NewService(db, ps, co, clock), Cases: cases.NewService(db, clock, co, qs),
		Rotation:  rotation.NewService(db, ps, co, clock),
		Selection: selection.NewService(db, ps, selection.RecordFacts{}, clock),
		DB:        db, People: ps, Tokens: people.NewTokens(rigSecret, clock), Clock: clock,
		Log: slog.New(slog.NewTextHandler(logs, nil)), Secret: rigSecret, Demo: seed.NewDemoFlag(db, clock).Active,
	}
	if more != nil {
		more(&deps)
	}
	srv, err := New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, srv: srv, db: db, people: ps, clock: clock, log: logs, quiz: qs}
}

// do sends a request through the app and returns the response with its body read.
func (r *rig) do(req *http.Request) (*http.Response, string) {
	r.t.Helper()
	resp, err := r.srv.App.Test(req, -1)
	if err != nil {
		r.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// token signs in through the API and returns the Bearer token.
func (r *rig) token(phone string) string {
	r.t.Helper()
	resp, body := r.do(jsonReq("POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": seed.DemoPassword}))
	if resp.StatusCode != 200 {
		r.t.Fatalf("login %s: %d %s", phone, resp.StatusCode, body)
	}
	var out struct{ Token string }
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Token == "" {
		r.t.Fatalf("login %s: no token in %s", phone, body)
	}
	return out.Token
}

// jsonReq builds an API request with an optional Bearer token. body may be a
// string (sent as is) or a value to encode.
func jsonReq(method, path, token string, body any) *http.Request {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// browser keeps cookies between page requests, as a person's browser does.
type browser struct {
	r       *rig
	cookies map[string]string
}

func (r *rig) browser() *browser { return &browser{r: r, cookies: map[string]string{}} }

func (b *browser) send(req *http.Request) (*http.Response, string) {
	b.r.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, body := b.r.do(req)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return resp, body
}

func (b *browser) get(path string) (*http.Response, string) {
	b.r.t.Helper()
	return b.send(httptest.NewRequest("GET", path, nil))
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf fetches a page and returns the form token on it.
func (b *browser) csrf(path string) string {
	b.r.t.Helper()
	_, body := b.get(path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.r.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

// post submits a form from the page at from, with its CSRF token.
func (b *browser) post(from, path string, form url.Values) (*http.Response, string) {
	b.r.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf(from))
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// upload posts a multipart form with one file, with the CSRF token of from.
func (b *browser) upload(from, path, filename string, content []byte, fields url.Values) (*http.Response, string) {
	b.r.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", b.csrf(from))
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write(content)
	_ = w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.send(req)
}

// signIn signs in through the login form.
func (b *browser) signIn(phone, password string) {
	b.r.t.Helper()
	resp, body := b.post("/login", "/login", url.Values{"phone": {phone}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		b.r.t.Fatalf("sign in %s: %d %s", phone, resp.StatusCode, body)
	}
}

func ctx(t *testing.T) context.Context { return storetest.Context(t) }
