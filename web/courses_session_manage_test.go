package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSessionQRSignInThroughThePages(t *testing.T) {
	r := newRig(t)
	trainer := r.as("13900000003")
	resp, body := trainer.post("/sessions/new", "/sessions/signin", url.Values{"topic": {"入户走访要点"}, "hours": {"1.5"}, "place": {"东湖街道会议室"}, "trainer": {"郑文静"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("open sign-in: %d %.300s", resp.StatusCode, body)
	}
	page := resp.Header.Get("Location")
	_, body = trainer.get(page)
	if !strings.Contains(body, `id="signin-qr"`) {
		t.Fatalf("the session page shows no QR: %.400s", body)
	}
	resp, png := trainer.get(page + "/qr.png")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("qr: %d", resp.StatusCode)
	}
	link, err := url.Parse(decodeQR(t, []byte(png)))
	if err != nil || !strings.HasPrefix(link.Path, "/checkin/") {
		t.Fatalf("the code holds %v (%v)", link, err)
	}
	worker := r.as("13900000004")
	resp, body = worker.get(link.RequestURI())
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="checkin"`) {
		t.Fatalf("checkin page: %d %.300s", resp.StatusCode, body)
	}
	resp, body = worker.post(link.RequestURI(), link.Path, url.Values{"k": {"forged"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "签到码无效") {
		t.Fatalf("a forged key: %d %.300s", resp.StatusCode, body)
	}
	resp, body = worker.post(link.RequestURI(), link.Path, url.Values{"k": {link.Query().Get("k")}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="signed-in"`) || !strings.Contains(body, "入户走访要点") {
		t.Fatalf("sign in: %d %.300s", resp.StatusCode, body)
	}
	_, body = trainer.get(page)
	if !strings.Contains(body, "张晓婷") || !strings.Contains(body, "签到") {
		t.Fatalf("the attendee is not listed with the time: %.600s", body)
	}
	t.Run("EditAndDeleteLeaveATrail", func(t *testing.T) {
		id := strings.TrimPrefix(page, "/sessions/")
		resp, body := trainer.post(page, page, url.Values{"topic": {"入户走访要点"}, "date": {r.clock.Now().Format("2006-01-02")}, "hours": {"2"}, "place": {"翠苑社区"}, "trainer": {"郑文静"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d %.300s", resp.StatusCode, body)
		}
		_, body = trainer.get(page)
		if !strings.Contains(body, "学时: 1.5 → 2") {
			t.Fatalf("the trail lacks the edit: %.1500s", body)
		}
		resp, body = trainer.post(page, page+"/delete", url.Values{"reason": {""}})
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("a delete without a reason: %d", resp.StatusCode)
		}
		resp, _ = trainer.post(page, page+"/delete", url.Values{"reason": {"重复登记"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if resp, _ := trainer.get("/sessions/" + id); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the deleted session answers %d", resp.StatusCode)
		}
	})
}
