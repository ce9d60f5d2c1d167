package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gridskill/contest"
)

// The projected screen used to carry its key in the page (the event
// stream's URL, the QR code's) and in the address bar. Now the key moves
// into a cookie and the address loses it; the page has no host controls,
// and its events carry neither the key nor the answer before the close.
func TestLiveScreenCarriesNoKeyNorAnswersEarly(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	id, rid := liveContestWith(t, r, admin, roundRequest{Title: "必答题", Kind: contest.Speed, ReadSec: 5})
	var ct contestJSON
	r.call("GET", "/api/v1/contests/"+id, admin, nil, 200, &ct)
	key := ct.ScreenURL[strings.Index(ct.ScreenURL, "k=")+2:]

	resp, _ := r.do(httptest.NewRequest("GET", ct.ScreenURL, nil))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/live/"+id+"/screen" {
		t.Fatalf("opening the screen by its key: %d to %q, want a redirect to the address without it", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == screenCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.Path != "/live/"+id {
		t.Fatalf("screen cookie %+v, want an HttpOnly cookie of the contest's live paths", cookie)
	}
	page := httptest.NewRequest("GET", "/live/"+id+"/screen", nil)
	page.AddCookie(&http.Cookie{Name: screenCookie, Value: cookie.Value})
	resp, html := r.do(page)
	if resp.StatusCode != 200 {
		t.Fatalf("the screen with its cookie: %d", resp.StatusCode)
	}
	for _, secret := range []string{key, "host-controls", "data-act=", "h-screen"} {
		if strings.Contains(html, secret) {
			t.Errorf("the projected screen's page holds %q", secret)
		}
	}
	t.Run("RefusesAForgedCookie", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/live/"+id+"/screen", nil)
		req.AddCookie(&http.Cookie{Name: screenCookie, Value: "forged-key"})
		if resp, _ := r.do(req); resp.StatusCode < 400 {
			t.Fatalf("a forged screen cookie: %d, want a refusal", resp.StatusCode)
		}
	})

	sub, err := r.srv.contest.WatchScreen(ctx(t), id, key)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	frame := func() string { return string(sub.Frame(r.clock.Now())) }
	host := func(action string) {
		t.Helper()
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: action, Round: rid}, 200, nil)
	}
	r.call("POST", "/api/v1/live/"+id+"/join", r.token("13900000004"), nil, 200, nil)
	if f := frame(); !strings.Contains(f, `"board":{"joined":["`) {
		t.Errorf("the lobby's board does not name who joined: %.400s", f)
	}
	host("start")
	host("next") // reading
	reading := frame()
	host("show") // open
	worker := r.token("13900000004")
	r.call("POST", "/api/v1/live/"+id+"/answer", worker, map[string]any{"item": 0, "answer": []string{"B"}}, 200, nil)
	open := frame()
	for name, f := range map[string]string{"reading": reading, "open": open} {
		if strings.Contains(f, key) || strings.Contains(f, `"correct"`) || strings.Contains(f, `"top"`) {
			t.Errorf("the screen's %s event carries the key, the answer or scores: %.400s", name, f)
		}
	}
	if strings.Contains(reading, `"options"`) {
		t.Errorf("the screen's reading event carries the options: %.400s", reading)
	}
	host("close")
	if closed := frame(); !strings.Contains(closed, `"correct":["B"]`) || !strings.Contains(closed, `"board"`) {
		t.Errorf("the screen's results event: %.400s, want the answer and the board", closed)
	}
}

// A worker's phone page stays light: the page, its script and its styles
// as sent (compressed) come under 30 KB; the screens' styles are apart.
func TestLivePhonePageIsLight(t *testing.T) {
	r := contestRig(t)
	admin, worker := r.token("13900000002"), r.token("13900000004")
	id, _ := liveContestWith(t, r, admin, roundRequest{Title: "必答题", Kind: contest.Speed})
	total := 0
	for _, path := range []string{"/live/" + id, "/static/live.js", "/static/app.css"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+worker)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, body := r.do(req)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		total += len(body)
	}
	t.Logf("phone page: %d bytes as sent", total)
	if total > 30_000 {
		t.Errorf("the phone page weighs %d bytes as sent, over 30 KB", total)
	}
}
