package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridskill/people"
	"gridskill/seed"
)

// TestShadowingDayPagesAndACadreSeesOnlyItsProgramme: the street admin sets
// up a day and pairs a cadre with the demo worker; the cadre's account opens
// its day, its checklist and its reflection form and nothing else; the host
// signs off; the organizer's summary prints and exports with the reflection.
func TestShadowingDayPagesAndACadreSeesOnlyItsProgramme(t *testing.T) {
	r := newRig(t)
	cadre := people.User{ID: "user-cadre-t", Phone: "13966661111", Name: "葛雨婷", Role: people.Cadre, UnitID: seed.Street1ID, UnitPath: []string{seed.DistrictID, seed.Street1ID}, Active: true}
	if err := r.people.Seed(ctx(t), nil, []people.User{cadre}, seed.DemoPassword); err != nil {
		t.Fatal(err)
	}
	admin, host, guest := r.browser(), r.browser(), r.browser()
	admin.signIn(seed.DemoLogins()[1].Phone, seed.DemoPassword)
	host.signIn(seed.DemoLogins()[3].Phone, seed.DemoPassword)
	guest.signIn(cadre.Phone, seed.DemoPassword)

	resp, _ := admin.post("/shadowing", "/shadowing", url.Values{"title": {"今天我当网格员"}, "date": {"2026-11-28"}, "checklist": {seed.EightTasksID}, "prompt": {"这一天您最大的收获是什么？"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	day := resp.Header.Get("Location")
	resp, body := admin.post(day, day+"/pairings", url.Values{"participant": {seed.DemoLogins()[3].Phone}, "host": {seed.DemoLogins()[3].Phone}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "跟岗干部") {
		t.Fatalf("a worker as participant: %d %s", resp.StatusCode, problemOf(body))
	}
	if resp, _ = admin.post(day, day+"/pairings", url.Values{"participant": {cadre.Phone}, "host": {seed.DemoLogins()[3].Phone}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("pair: %d", resp.StatusCode)
	}

	resp, _ = guest.get("/")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/shadowing" {
		t.Fatalf("the cadre's home: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/learn", "/exams", "/roster", "/transcript", "/contests", "/api/v1/modules", "/practice"} {
		if resp, _ := guest.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the cadre opens %s: %d", path, resp.StatusCode)
		}
	}
	_, body = guest.get(day)
	if !strings.Contains(body, `id="my-day"`) || !strings.Contains(body, "这一天您最大的收获是什么？") {
		t.Fatalf("the cadre's day page lacks their day")
	}
	task := regexpFind(body, `href="(/tasks/pt-[0-9a-f]+)"`)
	if resp, _ := guest.get(task); resp.StatusCode != 200 {
		t.Fatalf("the cadre's checklist: %d", resp.StatusCode)
	}
	if resp, _ := guest.post(day, day+"/reflection", url.Values{"reflection": {"才知道网格员每天要走两万步。"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reflection: %d", resp.StatusCode)
	}
	if resp, _ := guest.post(day, day+"/pairings/"+cadre.ID+"/signoff", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the cadre signing off their own day: %d", resp.StatusCode)
	}
	if resp, _ := host.post(day, day+"/pairings/"+cadre.ID+"/signoff", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the host's sign-off: %d", resp.StatusCode)
	}

	_, body = admin.get(day + "/summary")
	if !strings.Contains(body, "才知道网格员每天要走两万步。") || !strings.Contains(body, "print.css") || !strings.Contains(body, "张晓婷") {
		t.Fatalf("the printable summary lacks the pairing or the reflection")
	}
	resp, body = admin.get(day + "/summary.xlsx")
	if text := readable(body); resp.StatusCode != 200 || !strings.Contains(text, "葛雨婷\t张晓婷\t0\t0\t8\t2026-11-24") || !strings.Contains(text, "两万步") {
		t.Fatalf("the summary export: %d %q", resp.StatusCode, text)
	}
	if resp, _ := guest.get(day + "/summary"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the cadre reading the summary: %d", resp.StatusCode)
	}
}
