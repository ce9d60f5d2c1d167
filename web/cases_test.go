package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridskill/seed"
)

// TestCasePagesMaskSubmitPublishAndGuide: the worker submits a case naming a
// resident with a phone and an ID number; nothing of them reaches the page,
// the curator, the library or the guide's export; another street's worker
// finds nothing.
func TestCasePagesMaskSubmitPublishAndGuide(t *testing.T) {
	r := newRig(t)
	worker, trainer, west := r.browser(), r.browser(), r.browser()
	worker.signIn(seed.DemoLogins()[3].Phone, seed.DemoPassword)
	trainer.signIn("13900000007", seed.DemoPassword)
	west.signIn("13900000005", seed.DemoPassword)
	leaks := []string{"王建华", "13912345678", "33010219800101123X"}

	resp, body := worker.post("/cases/new", "/cases", url.Values{"title": {"楼道堆物"}, "happened": {"居民王建华（13912345678）"}, "handling": {"上门劝导"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请选择 1 到 6 个类别") || !strings.Contains(body, "13912345678") {
		t.Fatalf("no tag: %d %s", resp.StatusCode, problemOf(body))
	}
	resp, _ = worker.post("/cases/new", "/cases", url.Values{"title": {"楼道堆物引发纠纷"}, "tag": {"dispute", "hazard"}, "names": {"王建华"},
		"happened": {"王建华在楼道堆放纸箱，邻居投诉。电话13912345678，身份证33010219800101123X。"}, "handling": {"网格员上门劝导王建华清理。"}, "outcome": {"当天清理完毕。"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	page := resp.Header.Get("Location")
	id := lastPath(page)
	for _, b := range []*browser{worker, trainer} {
		_, body := b.get(page)
		for _, leak := range leaks {
			if strings.Contains(body, leak) {
				t.Fatalf("the case page holds %q", leak)
			}
		}
		if !strings.Contains(body, "王某在楼道堆放纸箱") {
			t.Fatalf("the masked text is not shown")
		}
	}
	if resp, _ := west.get(page); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another street's admin reads the case: %d", resp.StatusCode)
	}
	resp, body = trainer.post(page, page+"/publish", url.Values{"title": {"楼道堆物引发纠纷"}, "tag": {"dispute"}, "happened": {"王某在楼道堆放纸箱，邻居投诉。"},
		"handling": {"网格员上门劝导，回访电话 139-8765-4321。"}, "outcome": {"当天清理完毕。"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", resp.StatusCode, problemOf(body))
	}
	_, body = worker.get("/cases?tag=dispute&q=" + url.QueryEscape("纸箱"))
	if !strings.Contains(body, "楼道堆物引发纠纷") {
		t.Fatalf("the library search misses the case")
	}
	if resp, _ := worker.get("/cases?tag=gossip"); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("an unknown tag: %d", resp.StatusCode)
	}
	resp, _ = trainer.post("/cases", "/guides", url.Values{"title": {"楼道管理工作指南"}, "intro": {"问题清单转化为工作指南"}, "case": {id}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("guide: %d", resp.StatusCode)
	}
	guide := resp.Header.Get("Location")
	_, body = worker.get(guide)
	if !strings.Contains(body, "楼道管理工作指南") || !strings.Contains(body, "目录") || strings.Contains(body, "8765") {
		t.Fatalf("the guide page")
	}
	resp, body = trainer.get(guide + "/export.xlsx")
	if text := readable(body); resp.StatusCode != 200 || !strings.Contains(text, "楼道堆物引发纠纷\t矛盾纠纷") || strings.Contains(text, "4321") {
		t.Fatalf("the guide export: %d %q", resp.StatusCode, text)
	}
	if resp, _ := west.get(guide); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another street's admin reads the guide: %d", resp.StatusCode)
	}
	resp, _ = trainer.post(page, page+"/question", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/quiz/questions/q-") {
		t.Fatalf("to question: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
