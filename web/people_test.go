package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"gridskill/people"
	"gridskill/seed"
)

// Demo accounts used below. worker-0100 is a generated worker of 西山街道
// (unit-s2), worker-0001 one of 东湖街道 (unit-s1).
const (
	districtPhone = "13900000001"
	streetPhone   = "13900000002"
	trainerPhone  = "13900000003"
	workerPhone   = "13900000004"

	otherStreetWorkerID = "worker-0100"
	ownStreetWorkerID   = "worker-0001"
)

// as returns a browser signed in with a demo account.
func (r *rig) as(phone string) *browser {
	r.t.Helper()
	b := r.browser()
	b.signIn(phone, seed.DemoPassword)
	return b
}

// snapshot is every document of every collection, to prove a refused
// request wrote nothing.
func (r *rig) snapshot() string {
	r.t.Helper()
	c := ctx(r.t)
	names, err := r.db.ListCollectionNames(c, bson.M{})
	if err != nil {
		r.t.Fatal(err)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	for _, name := range names {
		cur, err := r.db.Collection(name).Find(c, bson.M{})
		if err != nil {
			r.t.Fatal(err)
		}
		var docs []bson.Raw
		if err := cur.All(c, &docs); err != nil {
			r.t.Fatal(err)
		}
		lines := make([]string, len(docs))
		for i, d := range docs {
			lines[i] = d.String()
		}
		slices.Sort(lines)
		buf.WriteString(name + "\n" + strings.Join(lines, "\n") + "\n")
	}
	return buf.String()
}

// apiError decodes the API's error body.
func apiError(t *testing.T, body string) (code, message string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code == "" {
		t.Fatalf("not an API error body: %s", body)
	}
	return e.Error.Code, e.Error.Message
}

// friendly checks an HTML error page: the status, the layout, a way home and the message.
func friendly(t *testing.T, resp *http.Response, body string, status int, message string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, body)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, `href="/"`) || !strings.Contains(body, "返回首页") {
		t.Fatalf("not a friendly page: %s", body)
	}
	if !strings.Contains(body, message) {
		t.Fatalf("page lacks %q: %s", message, body)
	}
}

func TestStreetAdminCannotTouchAnotherStreetsPeople(t *testing.T) {
	r := newRig(t)
	other, err := r.people.User(ctx(t), otherStreetWorkerID)
	if err != nil || !slices.Contains(other.UnitPath, seed.Street2ID) {
		t.Fatalf("%s: %+v, %v", otherStreetWorkerID, other, err)
	}
	b := r.as(streetPhone)
	tok := r.token(streetPhone)
	before := r.snapshot()
	t.Run("PersonPage", func(t *testing.T) {
		resp, body := b.get("/people/" + otherStreetWorkerID)
		friendly(t, resp, body, 403, "该账号不在您的管辖范围内")
	})
	for _, path := range []string{"/reset-password", "/active"} {
		t.Run("Form"+path, func(t *testing.T) {
			resp, body := b.post("/roster", "/people/"+otherStreetWorkerID+path, url.Values{"active": {"0"}})
			friendly(t, resp, body, 403, "该账号不在您的管辖范围内")
			if strings.Contains(body, `class="secret"`) {
				t.Fatal("a refused reset showed a password")
			}
		})
		t.Run("API"+path, func(t *testing.T) {
			resp, body := r.do(jsonReq("POST", "/api/v1/users/"+otherStreetWorkerID+path, tok, map[string]any{"active": false}))
			if code, _ := apiError(t, body); resp.StatusCode != 403 || code != "forbidden" {
				t.Fatalf("got %d %s", resp.StatusCode, body)
			}
		})
	}
	t.Run("DistrictAdminAccount", func(t *testing.T) {
		resp, body := b.post("/roster", "/people/"+seed.DistrictAdminID+"/reset-password", nil)
		friendly(t, resp, body, 403, "该账号不在您的管辖范围内")
	})
	if r.snapshot() != before {
		t.Fatal("refused requests wrote documents")
	}
	if logs := r.log.String(); !strings.Contains(logs, `msg="request refused" status=403 code=forbidden method=POST path=/people/`+otherStreetWorkerID) {
		t.Fatalf("the refusal is not logged: %s", logs)
	}
	// The other street's worker still signs in with their own password.
	resp, _ := r.do(jsonReq("POST", "/api/v1/auth/login", "", map[string]string{"phone": other.Phone, "password": seed.DemoPassword}))
	if resp.StatusCode != 200 {
		t.Fatalf("the other street's worker cannot sign in: %d", resp.StatusCode)
	}
}

func TestWorkerRefusedAdminScreensAndEndpoints(t *testing.T) {
	r := newRig(t)
	b := r.as(workerPhone)
	tok := r.token(workerPhone)
	for _, path := range []string{"/roster", "/roster/import", "/roster/export.xlsx", "/roster/template.xlsx", "/units", "/people/" + ownStreetWorkerID} {
		t.Run("Page"+path, func(t *testing.T) {
			resp, body := b.get(path)
			friendly(t, resp, body, 403, "您的角色无权进行此操作")
		})
	}
	before := r.snapshot()
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/v1/users"}, {"GET", "/api/v1/units"},
		{"POST", "/api/v1/users/" + ownStreetWorkerID + "/reset-password"},
		{"POST", "/api/v1/users/" + ownStreetWorkerID + "/active"},
		{"POST", "/api/v1/roster/import"},
	} {
		t.Run("API"+tc.path, func(t *testing.T) {
			resp, body := r.do(jsonReq(tc.method, tc.path, tok, nil))
			code, msg := apiError(t, body)
			if resp.StatusCode != 403 || code != "forbidden" || msg != "您的角色无权进行此操作" {
				t.Fatalf("got %d %s", resp.StatusCode, body)
			}
		})
	}
	if r.snapshot() != before {
		t.Fatal("refused requests wrote documents")
	}
}

var secretPattern = regexp.MustCompile(`class="secret">([^<]+)<`)

func TestResetGivesOneTimePasswordThatMustBeChanged(t *testing.T) {
	r := newRig(t)
	admin := r.as(streetPhone)
	worker, _ := r.people.User(ctx(t), ownStreetWorkerID)
	oldTok := r.token(worker.Phone)

	resp, body := admin.post("/people/"+worker.ID, "/people/"+worker.ID+"/reset-password", nil)
	m := secretPattern.FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("reset: %d, no password shown", resp.StatusCode)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Fatalf("the page with the password may be cached: %q", cc)
	}
	oneTime := m[1]
	if resp, _ := r.do(jsonReq("GET", "/api/v1/me", oldTok, nil)); resp.StatusCode != 401 {
		t.Fatalf("the old token after reset: %d, want 401", resp.StatusCode)
	}

	t.Run("PagesHoldThePersonAtPasswordChange", func(t *testing.T) {
		b := r.browser()
		b.signIn(worker.Phone, oneTime)
		for _, path := range []string{"/", "/account", "/roster"} {
			resp, _ := b.get(path)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password" {
				t.Fatalf("%s: %d to %q", path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		resp, body := b.get("/account/password")
		if resp.StatusCode != 200 || !strings.Contains(body, "您的密码由管理员发放，请先设置自己的新密码。") {
			t.Fatalf("password page: %d", resp.StatusCode)
		}
		resp, body = b.post("/account/password", "/account/password", url.Values{"current": {oneTime}, "new": {"Mine2026pw"}, "confirm": {"Mine2026px"}})
		if resp.StatusCode != 400 || !strings.Contains(body, "两次输入的新密码不一致") {
			t.Fatalf("mismatched confirmation: %d", resp.StatusCode)
		}
		resp, _ = b.post("/account/password", "/account/password", url.Values{"current": {oneTime}, "new": {"Mine2026pw"}, "confirm": {"Mine2026pw"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("change: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := b.get("/"); resp.StatusCode != 200 {
			t.Fatalf("home after the change: %d", resp.StatusCode)
		}
	})

	t.Run("APIRefusesUntilChanged", func(t *testing.T) {
		// Reset again, as the page flow above changed it.
		pw, err := r.people.ResetPassword(ctx(t), mustUser(t, r, seed.StreetAdminID), worker.ID)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := r.do(jsonReq("POST", "/api/v1/auth/login", "", map[string]string{"phone": worker.Phone, "password": pw}))
		if resp.StatusCode != 200 || !strings.Contains(body, `"mustChangePassword":true`) {
			t.Fatalf("login: %d %s", resp.StatusCode, body)
		}
		var out struct{ Token string }
		_ = json.Unmarshal([]byte(body), &out)
		resp, body = r.do(jsonReq("GET", "/api/v1/me", out.Token, nil))
		if code, msg := apiError(t, body); resp.StatusCode != 403 || code != "forbidden" || msg != "请先修改管理员发放的初始密码" {
			t.Fatalf("me before the change: %d %s", resp.StatusCode, body)
		}
		resp, body = r.do(jsonReq("POST", "/api/v1/auth/password", out.Token, map[string]string{"current": pw, "new": "Mine2027pw"}))
		if resp.StatusCode != 200 {
			t.Fatalf("change: %d %s", resp.StatusCode, body)
		}
		var changed struct{ Token string }
		if err := json.Unmarshal([]byte(body), &changed); err != nil || changed.Token == "" || changed.Token == out.Token {
			t.Fatalf("the change answered no new token: %s (%v)", body, err)
		}
		if resp, body := r.do(jsonReq("GET", "/api/v1/me", changed.Token, nil)); resp.StatusCode != 200 {
			t.Fatalf("me after the change: %d %s", resp.StatusCode, body)
		}
	})
}

func mustUser(t *testing.T, r *rig, id string) people.User {
	t.Helper()
	u, err := r.people.User(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestDeactivationEndsSessionsAtOnce(t *testing.T) {
	r := newRig(t)
	admin := r.as(streetPhone)
	workerTok := r.token(workerPhone)
	workerPage := r.as(workerPhone)
	if resp, _ := workerPage.get("/"); resp.StatusCode != 200 {
		t.Fatalf("worker home before: %d", resp.StatusCode)
	}

	before := r.snapshot()
	for _, v := range []string{"", "no", "false"} {
		resp, body := admin.post("/people/"+seed.WorkerID, "/people/"+seed.WorkerID+"/active", url.Values{"active": {v}})
		friendly(t, resp, body, 400, "请指明账号应启用还是停用")
	}
	if r.snapshot() != before {
		t.Fatal("a post without a clear value changed the account")
	}
	resp, _ := admin.post("/people/"+seed.WorkerID, "/people/"+seed.WorkerID+"/active", url.Values{"active": {"0"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", resp.StatusCode)
	}
	_, body := admin.get("/people/" + seed.WorkerID)
	if !strings.Contains(body, "已停用") || !strings.Contains(body, "账号已停用，其登录状态已全部失效") {
		t.Fatalf("the person page does not say the account is deactivated: %s", body)
	}
	if resp, body := r.do(jsonReq("GET", "/api/v1/me", workerTok, nil)); resp.StatusCode != 401 {
		t.Fatalf("API token after deactivation: %d %s", resp.StatusCode, body)
	}
	resp, _ = workerPage.get("/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("page session after deactivation: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = r.do(jsonReq("POST", "/api/v1/auth/login", "", map[string]string{"phone": workerPhone, "password": seed.DemoPassword}))
	if resp.StatusCode != 401 {
		t.Fatalf("a deactivated account signs in: %d", resp.StatusCode)
	}

	resp, _ = admin.post("/people/"+seed.WorkerID, "/people/"+seed.WorkerID+"/active", url.Values{"active": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reactivate: %d", resp.StatusCode)
	}
	if tok := r.token(workerPhone); tok == "" {
		t.Fatal("no token after reactivation")
	}
}

func TestHealthz(t *testing.T) {
	r := newRig(t)
	resp, body := r.do(httptest.NewRequest("GET", "/healthz", nil))
	if resp.StatusCode != 200 || strings.TrimSpace(body) != `{"status":"ok"}` {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
}

func TestUnknownRoutes(t *testing.T) {
	r := newRig(t)
	b := r.as(workerPhone)
	for _, path := range []string{"/nope", "/people", "/static/nope.css"} {
		t.Run("Page"+path, func(t *testing.T) {
			resp, body := b.get(path)
			friendly(t, resp, body, 404, "页面不存在")
		})
	}
	t.Run("AnonymousPage", func(t *testing.T) {
		resp, body := r.do(httptest.NewRequest("GET", "/no/such/page", nil))
		friendly(t, resp, body, 404, "页面不存在")
	})
	for _, tc := range []struct{ method, path string }{{"GET", "/api/v1/nope"}, {"DELETE", "/api/v1/users/" + ownStreetWorkerID}, {"GET", "/api/v2/me"}} {
		t.Run("API"+tc.method+tc.path, func(t *testing.T) {
			resp, body := r.do(jsonReq(tc.method, tc.path, r.token(districtPhone), nil))
			if code, _ := apiError(t, body); resp.StatusCode != 404 || code != "not_found" {
				t.Fatalf("got %d %s", resp.StatusCode, body)
			}
		})
	}
}

// formRoutes lists the app's form posts (POST outside /api), with :id filled in.
func formRoutes(r *rig, id string) []string {
	var out []string
	for _, rt := range r.srv.App.GetRoutes(true) {
		if rt.Method != "POST" || strings.HasPrefix(rt.Path, "/api/") {
			continue
		}
		p := regexp.MustCompile(`:\w+`).ReplaceAllString(rt.Path, id)
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func TestForgedCSRFRefusedOnEveryForm(t *testing.T) {
	r := newRig(t)
	routes := formRoutes(r, ownStreetWorkerID)
	for _, want := range []string{"/login", "/logout", "/account/password", "/roster/import", "/people/" + ownStreetWorkerID + "/reset-password", "/people/" + ownStreetWorkerID + "/active", "/units"} {
		if !slices.Contains(routes, want) {
			t.Fatalf("form routes %v lack %s", routes, want)
		}
	}
	b := r.as(districtPhone)
	b.get("/") // the CSRF cookie is set
	before := r.snapshot()
	for _, path := range routes {
		for name, token := range map[string]string{"Forged": "forged", "Missing": "", "OtherSecret": (&Server{secret: []byte("another secret")}).csrfFor(b.cookies[csrfCookie], b.cookies[sessionCookie])} {
			t.Run(name+path, func(t *testing.T) {
				form := url.Values{"name": {"新单位"}, "parent": {seed.Street1ID}, "active": {"0"}, "phone": {districtPhone}, "password": {seed.DemoPassword}, "current": {seed.DemoPassword}, "new": {"Changed2026x"}, "confirm": {"Changed2026x"}}
				req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()+"&_csrf="+url.QueryEscape(token)))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, body := b.send(req)
				friendly(t, resp, body, 403, "表单已过期，请返回并刷新页面后重试")
			})
		}
	}
	t.Run("CookieAPICallWithoutHeader", func(t *testing.T) {
		req := jsonReq("POST", "/api/v1/users/"+ownStreetWorkerID+"/reset-password", "", map[string]any{})
		resp, body := b.send(req)
		if code, _ := apiError(t, body); resp.StatusCode != 403 || code != "forbidden" || strings.Contains(body, "password\":") {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
	if r.snapshot() != before {
		t.Fatal("a forged form wrote documents")
	}
	if resp, _ := b.get("/"); resp.StatusCode != 200 {
		t.Fatalf("the session ended: %d", resp.StatusCode)
	}
}

func TestLanguageSwitch(t *testing.T) {
	r := newRig(t)
	b := r.browser()
	_, body := b.get("/login")
	if !strings.Contains(body, `<html lang="zh"`) || !strings.Contains(body, "登录") {
		t.Fatal("the login page is not in Chinese by default")
	}
	t.Run("SwitchesToEnglishAndComesBack", func(t *testing.T) {
		resp, _ := b.get("/prefs?lang=en&next=/login")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("prefs: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body := b.get("/login")
		if !strings.Contains(body, `<html lang="en"`) || !strings.Contains(body, ">Sign in</button>") || strings.Contains(body, "手机号") {
			t.Fatalf("not English: %s", body)
		}
	})
	t.Run("FooterLinkReturnsToThePage", func(t *testing.T) {
		_, body := b.get("/login?next=%2Froster%3Funit%3Dunit-s1%26role%3Dworker")
		m := regexp.MustCompile(`href="(/prefs\?lang=zh[^"]*)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no language link: %s", body)
		}
		link := strings.ReplaceAll(m[1], "&amp;", "&")
		resp, _ := b.get(link)
		if want := "/login?next=%2Froster%3Funit%3Dunit-s1%26role%3Dworker"; resp.Header.Get("Location") != want {
			t.Fatalf("the link %s goes to %q, want %q", link, resp.Header.Get("Location"), want)
		}
		if _, body := b.get("/login"); !strings.Contains(body, `<html lang="zh"`) {
			t.Fatal("not back in Chinese")
		}
	})
	for _, next := range []string{"//evil.example", "https://evil.example", "/\\evil.example", "http:evil.example", "evil.example", "/\r\nSet-Cookie:x=1", "/\t/evil.example", "/\n/evil.example", "/\\/evil.example", "/x/\\..\\\\evil.example"} {
		t.Run("RefusesOffSite"+next, func(t *testing.T) {
			resp, _ := b.get("/prefs?lang=en&next=" + url.QueryEscape(next))
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
				t.Fatalf("next %q: %d to %q", next, resp.StatusCode, loc)
			}
		})
	}
	t.Run("LoginFormRefusesOffSiteNext", func(t *testing.T) {
		resp, _ := b.post("/login", "/login", url.Values{"phone": {workerPhone}, "password": {seed.DemoPassword}, "next": {"https://evil.example/x"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("AnonymousPageComesBackAfterSignIn", func(t *testing.T) {
		anon := r.browser()
		resp, _ := anon.get("/roster?unit=unit-s1&role=worker")
		loc := resp.Header.Get("Location")
		u, err := url.Parse(loc)
		if err != nil || u.Path != "/login" || u.Query().Get("next") != "/roster?unit=unit-s1&role=worker" {
			t.Fatalf("anonymous roster goes to %q", loc)
		}
	})
}

func TestPeopleAPIRefusesBadInput(t *testing.T) {
	r := newRig(t)
	tok := r.token(districtPhone)
	before := r.snapshot()
	active := "/api/v1/users/" + ownStreetWorkerID + "/active"
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"WrongType", "POST", active, `{"active":"no"}`, 400, "invalid"},
		{"OperatorForBool", "POST", active, `{"active":{"$ne":null}}`, 400, "invalid"},
		{"Missing", "POST", active, `{}`, 400, "invalid"},
		{"Malformed", "POST", active, `{"active":fal`, 400, "invalid"},
		{"NotJSON", "POST", active, `active=false`, 400, "invalid"},
		{"Oversized", "POST", active, `{"active":false,"x":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "too_large"},
		{"UnknownAccount", "POST", "/api/v1/users/no-such-person/active", `{"active":false}`, 404, "not_found"},
		{"UnknownRole", "GET", "/api/v1/users?role=root", "", 400, "invalid"},
		{"UnknownUnit", "GET", "/api/v1/users?unit=unit-x", "", 404, "not_found"},
		{"ResetUnknownAccount", "POST", "/api/v1/users/no-such-person/reset-password", "", 404, "not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			req := jsonReq(tc.method, tc.path, tok, body)
			if tc.name == "NotJSON" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, out := r.do(req)
			if code, msg := apiError(t, out); resp.StatusCode != tc.status || code != tc.code || msg == "" {
				t.Fatalf("got %d %s", resp.StatusCode, out)
			}
		})
	}
	t.Run("QueryIsLiteralText", func(t *testing.T) {
		resp, out := r.do(jsonReq("GET", "/api/v1/users?q="+url.QueryEscape(`{"$gt":""}`), tok, nil))
		if resp.StatusCode != 200 || !strings.Contains(out, `"total":0`) {
			t.Fatalf("got %d %s", resp.StatusCode, out)
		}
	})
	if r.snapshot() != before {
		t.Fatal("bad requests wrote documents")
	}
}

func TestStaleBearerToken(t *testing.T) {
	r := newRig(t)
	stale := r.token(workerPhone)
	r.clock.Advance(people.TokenTTL + time.Minute)
	t.Run("ProtectedEndpointSaysWhy", func(t *testing.T) {
		resp, body := r.do(jsonReq("GET", "/api/v1/me", stale, nil))
		if code, msg := apiError(t, body); resp.StatusCode != 401 || code != "unauthorized" || msg != "登录已过期，请重新登录" {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
	t.Run("SignInStillWorks", func(t *testing.T) {
		// A client that keeps sending its expired token must still be able to sign in again.
		resp, body := r.do(jsonReq("POST", "/api/v1/auth/login", stale, map[string]string{"phone": workerPhone, "password": seed.DemoPassword}))
		if resp.StatusCode != 200 || !strings.Contains(body, `"token"`) {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
	t.Run("GarbageHeaderOnHealthz", func(t *testing.T) {
		if resp, _ := r.do(jsonReq("GET", "/healthz", "garbage", nil)); resp.StatusCode != 200 {
			t.Fatalf("got %d", resp.StatusCode)
		}
	})
}

func TestPageSessionsEnd(t *testing.T) {
	r := newRig(t)
	signedOut := func(t *testing.T, b *browser) {
		t.Helper()
		resp, _ := b.get("/account")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("still signed in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	t.Run("LogoutEndsEveryDevice", func(t *testing.T) {
		phone, laptop := r.as(trainerPhone), r.as(trainerPhone)
		stolen := phone.cookies[sessionCookie]
		resp, _ := phone.post("/account", "/logout", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("logout: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, ok := phone.cookies[sessionCookie]; ok {
			t.Fatal("the session cookie was not cleared")
		}
		signedOut(t, laptop)
		replay := r.browser()
		replay.cookies[sessionCookie] = stolen
		signedOut(t, replay)
	})
	t.Run("PasswordChangeEndsOtherDevices", func(t *testing.T) {
		here, there := r.as(workerPhone), r.as(workerPhone)
		resp, _ := here.post("/account/password", "/account/password", url.Values{"current": {seed.DemoPassword}, "new": {"Mine2026pw"}, "confirm": {"Mine2026pw"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("change: %d", resp.StatusCode)
		}
		if resp, _ := here.get("/account"); resp.StatusCode != 200 {
			t.Fatalf("the device that changed it was signed out: %d", resp.StatusCode)
		}
		signedOut(t, there)
	})
}
