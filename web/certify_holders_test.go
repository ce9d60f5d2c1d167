package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestHoldersIssueAndReinstateThroughThePages(t *testing.T) {
	r := newCertRig(t)
	h := r.certify("worker-0001")
	admin := r.as("13900000002")
	resp, body := admin.get("/certification/holders?q=" + url.QueryEscape(h.Number))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, h.HolderName) || strings.Count(body, "/certificates/") != 1 {
		t.Fatalf("holders search: %d %.400s", resp.StatusCode, body)
	}
	audits := r.auditCount()
	resp, body = admin.post("/certification/holders", "/certification/issue", url.Values{"program": {"street-anti-fraud"}, "phone": {"13800000000"}, "reason": {"纸质考试通过"}})
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "没有使用这个手机号的网格员") || r.auditCount() != audits {
		t.Fatalf("an unknown phone: %d %.400s", resp.StatusCode, body)
	}
	w := mustUser(t, r.rig, "worker-0002")
	resp, body = admin.post("/certification/holders", "/certification/issue", url.Values{"program": {"street-anti-fraud"}, "phone": {w.Phone}, "reason": {" "}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请填写原因") {
		t.Fatalf("no reason: %d %.400s", resp.StatusCode, body)
	}
	resp, body = admin.post("/certification/holders", "/certification/issue", url.Values{"program": {"street-anti-fraud"}, "phone": {w.Phone}, "reason": {"纸质考试通过"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("issue: %d %.400s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	if err := r.svc.Revoke(ctx(t), mustUser(t, r.rig, "user-street-admin"), h.ID, "误发"); err != nil {
		t.Fatal(err)
	}
	_, body = admin.get("/certificates/" + h.ID)
	if !strings.Contains(body, `id="reinstate"`) {
		t.Fatal("a revoked certificate's page offers no reinstatement")
	}
	resp, body = admin.post("/certificates/"+h.ID, "/certificates/"+h.ID+"/reinstate", url.Values{"reason": {"核实无误"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reinstate: %d %.400s", resp.StatusCode, body)
	}
	_, body = admin.get("/certificates/" + h.ID)
	if !strings.Contains(body, "已恢复") || !strings.Contains(body, "核实无误") {
		t.Fatalf("the audit log lacks the reinstatement: %.1200s", body)
	}
	if _, body = admin.get(loc); !strings.Contains(body, "纸质考试通过") {
		t.Fatal("the issued certificate's audit log lacks the reason")
	}
}
