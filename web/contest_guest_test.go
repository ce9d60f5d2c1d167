package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gridskill/contest"
	"gridskill/seed"
)

// eastJudgeContest makes a contest of 东湖街道 with a judge round of one
// task, and returns its id, the round's id and the admin's token.
func eastJudgeContest(r *rig) (string, string, string) {
	r.t.Helper()
	admin := r.token("13900000002")
	var ct contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "东湖评委赛"}, 201, &ct)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/participants", admin, participantsRequest{Units: []string{seed.Grid111ID}}, 200, &ct)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds", admin, roundRequest{Title: "情景模拟", Kind: contest.Judge}, 201, &ct)
	rid := ct.Rounds[0].ID
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds/"+rid+"/tasks", admin, taskRequest{Title: "入户走访", PerformerID: seed.WorkerID}, 201, &ct)
	return ct.ID, rid, admin
}

// inviteGuest invites a guest judge by the API and returns the code.
func inviteGuest(r *rig, admin, id, rid, name string) guestInviteJSON {
	r.t.Helper()
	var inv guestInviteJSON
	r.call("POST", "/api/v1/contests/"+id+"/guests", admin, guestInviteRequest{Round: rid, Name: name}, 201, &inv)
	return inv
}

// eastGuestJudge is a guest judge of a contest of 东湖街道, signed in by its
// codes: one by the API, one on the sign-in page.
func (r *rig) eastGuestJudge() viewer {
	r.t.Helper()
	id, rid, admin := eastJudgeContest(r)
	var login loginResponse
	r.call("POST", "/api/v1/auth/judge", "", guestCodeRequest{Code: inviteGuest(r, admin, id, rid, "东湖特邀评委").Code}, 200, &login)
	b := r.browser()
	resp, body := b.post("/judge", "/judge", url.Values{"code": {inviteGuest(r, admin, id, rid, "东湖特邀评委二").Code}, "contest": {id}})
	if resp.StatusCode != http.StatusSeeOther {
		r.t.Fatalf("guest judge sign-in: %d %s", resp.StatusCode, body)
	}
	return viewer{name: "EastGuestJudge", token: login.Token, browser: b, formPage: "/judge"}
}

var guestCodeShown = regexp.MustCompile(`id="guest-code"[^>]*>([A-Z0-9-]+)<`)

func TestGuestJudgeJoinsByCodeAndReachesOnlyItsJudgeScreen(t *testing.T) {
	r := contestRig(t)
	id, rid, admin := eastJudgeContest(r)
	other, _, _ := eastJudgeContest(r)

	// The organizer invites on the contest page: the code and its QR show once.
	org := r.browser()
	org.signIn("13900000002", seed.DemoPassword)
	resp, body := org.post("/contests/"+id, "/contests/"+id+"/guests", url.Values{"round": {rid}, "name": {"王教授"}})
	m := guestCodeShown.FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil || !strings.Contains(body, `src="data:image/png;base64,`) || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("invitation page: %d, code %v, QR %v", resp.StatusCode, m, strings.Contains(body, "data:image/png"))
	}
	code := m[1]
	resp, body = org.post("/contests/"+id, "/contests/"+id+"/guests", url.Values{"round": {rid}, "name": {""}})
	if resp.StatusCode != 400 {
		t.Errorf("an invitation with no name: %d", resp.StatusCode)
	}

	// The link fills the form in without using the code.
	g := r.browser()
	_, body = g.get(contest.GuestCodeURL(id, code))
	if !strings.Contains(body, `value="`+code+`"`) {
		t.Fatal("the link does not fill the code in")
	}
	resp, body = g.post(contest.GuestCodeURL(id, code), "/judge", url.Values{"code": {"ZZZZZ-ZZZZZ"}, "contest": {id}})
	if resp.StatusCode != 401 || !strings.Contains(body, "评委码无效") {
		t.Errorf("a forged code: %d", resp.StatusCode)
	}
	resp, _ = g.post("/judge", "/judge", url.Values{"code": {code}, "contest": {other}})
	if resp.StatusCode != 401 {
		t.Errorf("the code on another contest's link: %d", resp.StatusCode)
	}
	resp, _ = g.post("/judge", "/judge", url.Values{"code": {strings.ToLower(code)}, "contest": {id}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/live/"+id {
		t.Fatalf("guest sign-in: %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = r.do(jsonReq("POST", "/api/v1/auth/judge", "", guestCodeRequest{Code: code}))
	if resp.StatusCode != 401 || !strings.Contains(body, "已被使用") {
		t.Errorf("a used code: %d %s", resp.StatusCode, body)
	}

	// The session opens its judge screen and nothing else.
	for path, want := range map[string]int{"/live/" + id: 200, "/": 303, "/contests/" + id: 403, "/contests/" + id + "/results": 403,
		"/live/" + other: 403, "/live/" + id + "/host": 403, "/contests": 403, "/roster": 403, "/courses": 403, "/account": 403} {
		if resp, _ := g.get(path); resp.StatusCode != want {
			t.Errorf("guest GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	resp, body = g.get("/live/" + id)
	if !strings.Contains(body, "东湖评委赛") || strings.Contains(body, `href="/modules"`) || strings.Contains(body, `href="/account"`) {
		t.Errorf("the judge screen: %d, or its header links to pages the guest cannot open", resp.StatusCode)
	}

	// It scores its panel's task; the other contest refuses it.
	guest := inviteGuest(r, admin, id, rid, "李评委")
	var login loginResponse
	r.call("POST", "/api/v1/auth/judge", "", guestCodeRequest{Code: guest.Code, Contest: id}, 200, &login)
	r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: "start", Round: rid}, 200, nil)
	r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: "next", Round: rid}, 200, nil)
	r.call("POST", "/api/v1/live/"+other+"/score", login.Token, map[string]any{"item": 0, "score": 90}, 403, nil)
	r.call("POST", "/api/v1/live/"+id+"/answer", login.Token, map[string]any{"item": 0, "answer": []string{"A"}}, 403, nil)
	r.call("POST", "/api/v1/contests/"+id+"/guests", login.Token, guestInviteRequest{Round: rid, Name: "自请评委"}, 403, nil)
	r.call("POST", "/api/v1/live/"+id+"/score", login.Token, map[string]any{"item": 0, "score": 90}, 200, nil)

	// Revoked: the session ends at once.
	r.call("POST", "/api/v1/contests/"+id+"/guests/"+guest.Guest.ID+"/revoke", admin, nil, 200, nil)
	resp, _ = r.do(jsonReq("GET", "/api/v1/me", login.Token, nil))
	if resp.StatusCode != 401 {
		t.Errorf("a revoked guest's session: %d", resp.StatusCode)
	}
	r.call("POST", "/api/v1/contests/"+id+"/guests/"+guest.Guest.ID+"/revoke", r.token("13900000005"), nil, 403, nil) // another street's admin

	// The organizer's page lists the guests and where they stand.
	_, body = org.get("/contests/" + id)
	if !strings.Contains(body, "王教授") || !strings.Contains(body, "李评委") {
		t.Error("the contest page does not list its guest judges")
	}

	// An expired code.
	late := inviteGuest(r, admin, other, "r1", "迟到评委")
	r.clock.Advance(contest.GuestCodeTTL + time.Minute)
	resp, body = r.do(jsonReq("POST", "/api/v1/auth/judge", "", guestCodeRequest{Code: late.Code}))
	if resp.StatusCode != 401 || !strings.Contains(body, "已过期") {
		t.Errorf("an expired code: %d %s", resp.StatusCode, body)
	}
}
