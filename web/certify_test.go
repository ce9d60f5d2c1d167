package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"go.mongodb.org/mongo-driver/bson"

	"gridskill/certify"
	"gridskill/scoring"
	"gridskill/seed"
)

// certRecords stands for courses and quiz: what each worker has done.
type certRecords struct {
	mu   sync.Mutex
	recs map[string]scoring.Record
}

func (f *certRecords) Record(_ context.Context, workerID string) (scoring.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.recs[workerID], nil
}

type certModules struct {
	mu     sync.Mutex
	majors map[string]certify.Major
}

func (f *certModules) LatestMajor(_ context.Context, moduleID string) (certify.Major, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.majors[moduleID], nil
}

type certRig struct {
	*rig
	svc     *certify.Service
	records *certRecords
	modules *certModules
}

// newCertRig is the rig with certification wired to fake records and the
// 反诈宣传员 program of street 1.
func newCertRig(t *testing.T) *certRig {
	t.Helper()
	r := newRig(t)
	svc := certify.NewService(r.db, r.people, r.clock, certify.Config{})
	cr := &certRig{rig: r, svc: svc, records: &certRecords{recs: map[string]scoring.Record{}}, modules: &certModules{majors: map[string]certify.Major{}}}
	svc.Records, svc.Modules = cr.records, cr.modules
	r.srv.certify = svc
	err := svc.SeedProgram(ctx(t), certify.Program{ID: "street-anti-fraud", Name: "反诈宣传员", IssuerID: seed.Street1ID, ValidityMonths: 24,
		Requirements: scoring.Requirements{
			Modules: []scoring.ModuleReq{{ModuleID: "m-fraud", MinVersion: 1}},
			Exams:   []scoring.ExamReq{{ExamID: "e-fraud", MinScore: 60}},
		}, Checks: map[string]string{"m-fraud": "e-fraud"}})
	if err != nil {
		t.Fatal(err)
	}
	return cr
}

// certify gives the worker a passing record and returns their certificate.
func (r *certRig) certify(workerID string) certify.Held {
	r.t.Helper()
	now := r.clock.Now()
	r.records.mu.Lock()
	r.records.recs[workerID] = scoring.Record{
		Modules: map[string]scoring.ModuleDone{"m-fraud": {Version: 1, At: now}},
		Exams:   map[string]scoring.ExamBest{"e-fraud": {Score: 92, Passed: true, At: now}},
	}
	r.records.mu.Unlock()
	if err := r.svc.RecordChanged(ctx(r.t), workerID); err != nil {
		r.t.Fatal(err)
	}
	var d struct {
		ID string `bson:"_id"`
	}
	if err := r.db.Collection("certificates").FindOne(ctx(r.t), bson.M{"workerId": workerID}).Decode(&d); err != nil {
		r.t.Fatalf("no certificate for %s: %v", workerID, err)
	}
	u, _ := r.people.User(ctx(r.t), seed.DistrictAdminID)
	h, err := r.svc.Certificate(ctx(r.t), u, d.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

func (r *certRig) auditCount() int64 {
	r.t.Helper()
	n, err := r.db.Collection("cert_audit").CountDocuments(ctx(r.t), bson.M{})
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// anon is a request from a given client address, as the rate limit sees it.
func anon(method, path, ip string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = ip + ":1234"
	return req
}

func TestVerifyAPI(t *testing.T) {
	r := newCertRig(t)
	c := r.certify(seed.WorkerID)
	t.Run("AnswersValidCertificateWithMaskedHolder", func(t *testing.T) {
		resp, body := r.do(anon("GET", "/api/v1/certificates/verify/"+c.Code, "10.0.0.1"))
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"valid", "state", "program", "holder", "issuedAt", "expiresAt"} {
			if _, ok := v[k]; !ok {
				t.Errorf("no %q in %s", k, body)
			}
		}
		if v["valid"] != true || v["state"] != "valid" || v["holder"] != "张*婷" || v["program"] != "反诈宣传员" {
			t.Fatalf("verify: %s", body)
		}
		if strings.Contains(body, "13900000004") || strings.Contains(body, "张晓婷") {
			t.Fatalf("verify leaks the phone or the full name: %s", body)
		}
	})
	for _, tc := range []struct {
		name, code string
		status     int
	}{
		{"RefusesOddCharacters", "ABC%24%7Bne%7D12", 400},
		{"RefusesWrongLength", "ABCDE", 400},
		{"RefusesAmbiguousLetters", "ABCDEFGHIO", 400},
		{"DoesNotKnowForgedCode", "ZZZZZZZZZZ", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := r.do(anon("GET", "/api/v1/certificates/verify/"+tc.code, "10.0.0.2"))
			if resp.StatusCode != tc.status || !strings.Contains(body, `"error"`) {
				t.Fatalf("%s: %d %s, want %d", tc.code, resp.StatusCode, body, tc.status)
			}
		})
	}
	t.Run("TellsRevokedApart", func(t *testing.T) {
		admin, _ := r.people.User(ctx(t), seed.StreetAdminID)
		if err := r.svc.Revoke(ctx(t), admin, c.ID, "冒名顶替"); err != nil {
			t.Fatal(err)
		}
		resp, body := r.do(anon("GET", "/api/v1/certificates/verify/"+strings.ToLower(c.Code), "10.0.0.3"))
		if resp.StatusCode != 200 || !strings.Contains(body, `"valid":false`) || !strings.Contains(body, `"state":"revoked"`) {
			t.Fatalf("revoked: %d %s", resp.StatusCode, body)
		}
	})
}

func TestVerifyPage(t *testing.T) {
	r := newCertRig(t)
	c := r.certify(seed.WorkerID)
	resp, body := r.do(anon("GET", "/verify/"+c.Code, "10.0.1.1"))
	if resp.StatusCode != 200 || !strings.Contains(body, "证书真实有效") || !strings.Contains(body, "张*婷") || !strings.Contains(body, c.Number) {
		t.Fatalf("valid: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(body, "张晓婷") || strings.Contains(body, "13900000004") {
		t.Fatal("the public page shows the full name or the phone")
	}
	resp, body = r.do(anon("GET", "/verify/ZZZZZZZZZZ", "10.0.1.1"))
	if resp.StatusCode != 404 || !strings.Contains(body, "查无此证") {
		t.Fatalf("unknown: %d", resp.StatusCode)
	}
	// Fiber does not unescape the path, so "<script>" never reaches the page
	// from here (html/template would escape it anyway): the page shows the
	// code as it came, for the person to correct.
	resp, body = r.do(anon("GET", "/verify/%3Cscript%3E", "10.0.1.1"))
	if resp.StatusCode != 400 || !strings.Contains(body, "这不是验证码") || !strings.Contains(body, `value="%3Cscript%3E"`) {
		t.Fatalf("odd characters: %d %s", resp.StatusCode, body)
	}
	resp, _ = r.do(anon("GET", "/verify?code="+c.Code, "10.0.1.1"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/verify/"+c.Code {
		t.Fatalf("form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	admin, _ := r.people.User(ctx(t), seed.StreetAdminID)
	if err := r.svc.Revoke(ctx(t), admin, c.ID, "冒名顶替"); err != nil {
		t.Fatal(err)
	}
	resp, body = r.do(anon("GET", "/verify/"+c.Code, "10.0.1.1"))
	if resp.StatusCode != 200 || !strings.Contains(body, "已被撤销") || strings.Contains(body, "证书真实有效") {
		t.Fatalf("revoked: %d", resp.StatusCode)
	}
}

func TestVerifyIsRateLimited(t *testing.T) {
	r := newCertRig(t)
	for i := range 30 {
		resp, _ := r.do(anon("GET", "/api/v1/certificates/verify/ZZZZZZZZZ"+string(certify.CodeAlphabet[i%20]), "10.0.2.1"))
		if resp.StatusCode != 404 {
			t.Fatalf("request %d: %d, want 404", i+1, resp.StatusCode)
		}
	}
	resp, body := r.do(anon("GET", "/api/v1/certificates/verify/ZZZZZZZZZZ", "10.0.2.1"))
	if resp.StatusCode != 429 || !strings.Contains(body, "too_many_requests") {
		t.Fatalf("31st request: %d %s", resp.StatusCode, body)
	}
	resp, _ = r.do(anon("GET", "/verify/ZZZZZZZZZZ", "10.0.2.1"))
	if resp.StatusCode != 429 {
		t.Fatalf("the page shares the limit: %d", resp.StatusCode)
	}
	r.clock.Advance(61 * time.Second)
	if resp, _ := r.do(anon("GET", "/api/v1/certificates/verify/ZZZZZZZZZZ", "10.0.2.1")); resp.StatusCode != 404 {
		t.Fatalf("after a minute: %d", resp.StatusCode)
	}
}

// decodeQR reads the text of a QR code PNG.
func decodeQR(t *testing.T, data []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.GetText()
}

func TestCertificatePageAndQR(t *testing.T) {
	r := newCertRig(t)
	c := r.certify(seed.WorkerID)
	b := r.browser()
	b.signIn("13900000004", seed.DemoPassword)
	resp, body := b.get("/certificates/" + c.ID)
	if resp.StatusCode == 500 {
		t.Log(r.log.String())
	}
	if resp.StatusCode != 200 || !strings.Contains(body, c.Number) || !strings.Contains(body, "东湖街道") || !strings.Contains(body, "/verify/"+c.Code+"/qr.png") {
		t.Fatalf("certificate page: %d", resp.StatusCode)
	}
	if strings.Contains(body, `id="revoke"`) {
		t.Fatal("a worker is offered to revoke")
	}
	req := httptest.NewRequest("GET", "/verify/"+c.Code+"/qr.png", nil)
	req.Host = "grid.example.cn"
	resp, qr := r.do(req)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if got, want := decodeQR(t, []byte(qr)), "http://grid.example.cn/verify/"+c.Code; got != want {
		t.Fatalf("QR says %q, want %q", got, want)
	}
	if resp, _ := r.do(httptest.NewRequest("GET", "/verify/BAD!/qr.png", nil)); resp.StatusCode != 400 {
		t.Fatalf("qr of a bad code: %d", resp.StatusCode)
	}
	for _, tc := range []struct{ name, phone string }{{"RefusesOtherWorker", "13900100002"}, {"RefusesAdminOfOtherStreet", "13900000005"}} {
		t.Run(tc.name, func(t *testing.T) {
			o := r.browser()
			o.signIn(tc.phone, seed.DemoPassword)
			if resp, _ := o.get("/certificates/" + c.ID); resp.StatusCode != 403 {
				t.Fatalf("%d, want 403", resp.StatusCode)
			}
		})
	}
}

func TestRevokeThroughPages(t *testing.T) {
	r := newCertRig(t)
	c := r.certify(seed.WorkerID)
	path := "/certificates/" + c.ID
	before := r.auditCount()
	worker := r.browser()
	worker.signIn("13900000004", seed.DemoPassword)
	other := r.browser()
	other.signIn("13900000005", seed.DemoPassword)
	admin := r.browser()
	admin.signIn("13900000002", seed.DemoPassword)
	for _, tc := range []struct {
		name   string
		b      *browser
		from   string
		reason string
		status int
	}{
		{"RefusesWorker", worker, path, "作弊", 403},
		{"RefusesAdminOfOtherStreet", other, "/", "作弊", 403},
		{"RefusesEmptyReason", admin, path, " ", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := tc.b.post(tc.from, path+"/revoke", url.Values{"reason": {tc.reason}})
			if resp.StatusCode != tc.status {
				t.Fatalf("%d, want %d", resp.StatusCode, tc.status)
			}
			if n := r.auditCount(); n != before {
				t.Fatalf("a refused revocation wrote %d audit entries", n-before)
			}
		})
	}
	t.Run("RefusesWithoutCSRF", func(t *testing.T) {
		req := httptest.NewRequest("POST", path+"/revoke", strings.NewReader("reason=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, _ := admin.send(req); resp.StatusCode != 403 {
			t.Fatalf("%d, want 403", resp.StatusCode)
		}
	})
	t.Run("RevokesByStreetAdmin", func(t *testing.T) {
		resp, _ := admin.post(path, path+"/revoke", url.Values{"reason": {"替考"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%d, want 303", resp.StatusCode)
		}
		_, body := admin.get(path)
		if !strings.Contains(body, "已撤销") || !strings.Contains(body, "替考") || !strings.Contains(body, "吴丽华") {
			t.Fatal("the page does not show the revocation and its audit entry")
		}
	})
}

func TestRevokeAPI(t *testing.T) {
	r := newCertRig(t)
	c := r.certify(seed.WorkerID)
	path := "/api/v1/certificates/" + url.PathEscape(c.ID) + "/revoke"
	if resp, body := r.do(jsonReq("POST", path, r.token("13900000004"), map[string]string{"reason": "x"})); resp.StatusCode != 403 {
		t.Fatalf("worker: %d %s", resp.StatusCode, body)
	}
	if resp, body := r.do(jsonReq("POST", path, r.token("13900000005"), map[string]string{"reason": "作弊"})); resp.StatusCode != 403 {
		t.Fatalf("other street: %d %s", resp.StatusCode, body)
	}
	admin := r.token("13900000002")
	if resp, body := r.do(jsonReq("POST", path, admin, map[string]any{"reason": map[string]string{"$ne": ""}})); resp.StatusCode != 400 {
		t.Fatalf("operator as reason: %d %s", resp.StatusCode, body)
	}
	resp, body := r.do(jsonReq("POST", path, admin, map[string]string{"reason": "作弊"}))
	if resp.StatusCode != 200 || !strings.Contains(body, `"state":"revoked"`) {
		t.Fatalf("revoke: %d %s", resp.StatusCode, body)
	}
	if resp, body := r.do(jsonReq("POST", path, admin, map[string]string{"reason": "again"})); resp.StatusCode != 409 {
		t.Fatalf("twice: %d %s", resp.StatusCode, body)
	}
	resp, body = r.do(jsonReq("GET", "/api/v1/certificates", r.token("13900000004"), nil))
	if resp.StatusCode != 200 || !strings.Contains(body, c.Number) {
		t.Fatalf("mine: %d %s", resp.StatusCode, body)
	}
}

func TestTranscriptPages(t *testing.T) {
	r := newCertRig(t)
	c := r.certify(seed.WorkerID)
	worker := r.browser()
	worker.signIn("13900000004", seed.DemoPassword)
	resp, body := worker.get("/")
	if !strings.Contains(body, `href="/transcript"`) {
		t.Fatal("the worker's home has no link to the transcript")
	}
	resp, body = worker.get("/transcript")
	if resp.StatusCode != 200 || !strings.Contains(body, "学习档案") || !strings.Contains(body, c.Number) || !strings.Contains(body, "m-fraud") {
		t.Fatalf("transcript: %d", resp.StatusCode)
	}
	if len(body) > 30<<10 {
		t.Errorf("the transcript page is %d bytes, over 30 KB", len(body))
	}
	resp, body = worker.get("/transcript/" + seed.WorkerID + "/export.xlsx")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	if resp, _ := worker.get("/transcript/worker-0001"); resp.StatusCode != 403 {
		t.Fatalf("another worker's transcript: %d, want 403", resp.StatusCode)
	}
	admin := r.browser()
	admin.signIn("13900000002", seed.DemoPassword)
	if resp, _ := admin.get("/transcript/" + seed.WorkerID); resp.StatusCode != 200 {
		t.Fatalf("admin: %d", resp.StatusCode)
	}
	other := r.browser()
	other.signIn("13900000005", seed.DemoPassword)
	if resp, _ := other.get("/transcript/" + seed.WorkerID); resp.StatusCode != 403 {
		t.Fatalf("admin of another street: %d", resp.StatusCode)
	}
}

func TestCertificationAdminPages(t *testing.T) {
	r := newCertRig(t)
	for _, w := range []string{seed.WorkerID, "worker-0001", "worker-0009"} {
		r.certify(w)
	}
	admin := r.browser()
	admin.signIn("13900000002", seed.DemoPassword)
	_, home := admin.get("/")
	if !strings.Contains(home, `href="/certification"`) {
		t.Fatal("the admin's home has no link to certification")
	}
	resp, body := admin.get("/certification")
	if resp.StatusCode != 200 || !strings.Contains(body, "反诈宣传员") {
		t.Fatalf("certification: %d", resp.StatusCode)
	}
	resp, body = admin.get("/certification/coverage?program=street-anti-fraud")
	if resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf(`<tr data-unit="%s"><td class="unit d2">第一网格</td><td>%d</td><td>2</td>`, seed.Grid111ID, seed.WorkersPerGrid+1)) {
		t.Fatalf("coverage: %d %s", resp.StatusCode, body)
	}
	for _, p := range []string{"/certification/coverage.xlsx?program=street-anti-fraud", "/certification/expiring.xlsx?days=90", "/certification/refresher.xlsx"} {
		if resp, body := admin.get(p); resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	r.clock.Advance(700 * 24 * time.Hour)
	admin = r.browser() // the session has ended meanwhile
	admin.signIn("13900000002", seed.DemoPassword)
	_, body = admin.get("/certification/expiring?days=60")
	if strings.Count(body, "/certificates/street-anti-fraud:") != 3 {
		t.Fatalf("expiring in 60 days does not list the 3 certificates: %s", body)
	}
	r.modules.mu.Lock()
	r.modules.majors["m-fraud"] = certify.Major{Version: 2, At: r.clock.Now()}
	r.modules.mu.Unlock()
	r.clock.Advance(time.Hour)
	_, body = admin.get("/certification/refresher")
	if strings.Count(body, "/certificates/street-anti-fraud:") != 3 {
		t.Fatal("the refresher list does not list the 3 certificates")
	}
	if resp, _ := admin.get("/certification/expiring?days=abc"); resp.StatusCode != 400 {
		t.Fatalf("bad days: %d", resp.StatusCode)
	}
	if resp, _ := admin.get("/certification/coverage?program=street-anti-fraud&unit=" + seed.Street2ID); resp.StatusCode != 403 {
		t.Fatalf("coverage of another street: %d", resp.StatusCode)
	}
	worker := r.browser()
	worker.signIn("13900000004", seed.DemoPassword)
	if resp, _ := worker.get("/certification"); resp.StatusCode != 403 {
		t.Fatalf("a worker opens certification: %d", resp.StatusCode)
	}
}

func TestProgramForm(t *testing.T) {
	r := newCertRig(t)
	admin := r.browser()
	admin.signIn("13900000002", seed.DemoPassword)
	resp, body := admin.post("/certification/programs/new", "/certification/programs", url.Values{"name": {"X"}, "validity": {"12"}})
	if resp.StatusCode != 400 || !strings.Contains(body, "至少 2 个字") {
		t.Fatalf("short name: %d", resp.StatusCode)
	}
	resp, body = admin.post("/certification/programs/new", "/certification/programs", url.Values{
		"name": {"金融风险防范宣传员"}, "validity": {"24"}, "hours": {"8"},
		"module0": {"m-fund"}, "version0": {"1"}, "exam0": {"e-fund"}, "score0": {"80"}, "audience": {seed.Community11ID},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	_, body = admin.get("/certification")
	if !strings.Contains(body, "金融风险防范宣传员") {
		t.Fatal("the new program is not listed")
	}
	resp, _ = admin.get("/certification/programs/anti-fraud/edit")
	if resp.StatusCode != 200 {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	other := r.browser()
	other.signIn("13900000005", seed.DemoPassword)
	resp, _ = other.post("/", "/certification/programs/anti-fraud", url.Values{"name": {"改名"}, "validity": {"12"}, "module0": {"m"}, "version0": {"1"}})
	if resp.StatusCode != 403 {
		t.Fatalf("another street edits: %d", resp.StatusCode)
	}
}
