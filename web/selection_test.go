package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridskill/seed"
)

// TestSelectionPagesRankExplainApproveAndShowOnTranscript: the district
// admin sets up a selection weighted on the appraisal alone; the street admin
// appraises the demo worker; the district admin nominates and approves; the
// worker's transcript shows the honour and the printable list names them.
func TestSelectionPagesRankExplainApproveAndShowOnTranscript(t *testing.T) {
	r := newCertRig(t)
	district, street, worker := r.browser(), r.browser(), r.browser()
	district.signIn(seed.DemoLogins()[0].Phone, seed.DemoPassword)
	street.signIn(seed.DemoLogins()[1].Phone, seed.DemoPassword)
	worker.signIn(seed.DemoLogins()[3].Phone, seed.DemoPassword)
	resp, body := district.post("/selection", "/selection", url.Values{"title": {"2026年度优秀网格员评选"}, "year": {"2026"}, "w_appraisal": {"-5"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "每项权重须是 0 到 100 的数字") {
		t.Fatalf("a negative weight: %d %s", resp.StatusCode, problemOf(body))
	}
	resp, _ = district.post("/selection", "/selection", url.Values{"title": {"2026年度优秀网格员评选"}, "year": {"2026"}, "w_appraisal": {"100"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	page := resp.Header.Get("Location")
	if resp, _ := street.post(page, page+"/appraisals", url.Values{"worker": {seed.WorkerID}, "score": {"96"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("appraise: %d", resp.StatusCode)
	}
	_, body = street.get(page)
	if !strings.Contains(body, "1. 张晓婷 — 96") || !strings.Contains(body, "评议") {
		t.Fatalf("the ranking does not lead with the appraised worker")
	}
	if resp, _ := street.post(page, page+"/nominations", url.Values{"holder": {seed.WorkerID}, "on": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a street admin nominating in the district's selection: %d", resp.StatusCode)
	}
	for _, h := range []string{seed.WorkerID, seed.Grid111ID} {
		if resp, _ := district.post(page, page+"/nominations", url.Values{"holder": {h}, "on": {"1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("nominate %s: %d", h, resp.StatusCode)
		}
	}
	if resp, _ := district.post(page, page+"/approve", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	_, body = district.get(page + "/honours")
	if !strings.Contains(body, "张晓婷") || !strings.Contains(body, "第一网格") {
		t.Fatalf("the honours list lacks the worker or the grid")
	}
	_, body = worker.get("/transcript")
	if !strings.Contains(body, `id="honours"`) || !strings.Contains(body, "2026 · 优秀网格员") {
		t.Fatalf("the transcript lacks the honour")
	}
	if resp, _ := worker.get(page); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a worker reading the selection: %d", resp.StatusCode)
	}
}
