package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridskill/contest"
	"gridskill/seed"
)

func TestLiveCaptainRound(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	const teamA, teamB = seed.Community11ID, "unit-s1-c2"
	var ct contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "队长抢答赛"}, 201, &ct)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/participants", admin, participantsRequest{Units: []string{seed.Grid111ID, "unit-s1-c2-g1"}}, 200, &ct)
	var users usersResponse
	r.call("GET", "/api/v1/users?role=worker&unit="+seed.Grid111ID, admin, nil, 200, &users)
	var member personJSON // a member of the demo worker's team who is not its captain
	for _, u := range users.Users {
		if u.ID != seed.WorkerID {
			member = u
			break
		}
	}
	var otherTeam string
	for _, p := range ct.Participants {
		if p.TeamID == teamB {
			otherTeam = p.ID
		}
	}
	captains := "/api/v1/contests/" + ct.ID + "/captains"
	r.call("POST", captains, admin, captainsRequest{Captains: map[string]string{teamA: otherTeam}}, 400, nil)
	r.call("POST", captains, admin, captainsRequest{Captains: map[string]string{"unit-s9": seed.WorkerID}}, 400, nil)
	r.call("POST", captains, r.token("13900000004"), captainsRequest{Captains: map[string]string{teamA: seed.WorkerID}}, 403, nil)
	r.call("POST", captains, admin, captainsRequest{Captains: map[string]string{teamA: seed.WorkerID}}, 200, &ct)
	if ct.Teams[0].ID != teamA || ct.Teams[0].CaptainID != seed.WorkerID {
		t.Fatalf("teams after naming the demo worker captain: %+v", ct.Teams)
	}
	var captainB string
	for _, team := range ct.Teams {
		if team.ID == teamB {
			captainB = team.CaptainID
		}
	}
	var captainBPhone string
	r.call("GET", "/api/v1/users?role=worker&unit=unit-s1-c2-g1", admin, nil, 200, &users)
	for _, u := range users.Users {
		if u.ID == captainB {
			captainBPhone = u.Phone
		}
	}

	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds", admin, roundRequest{Title: "队长抢答", Kind: contest.Buzzer, AnswerSec: 10, Penalty: 50, Captains: true}, 201, &ct)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds", admin, roundRequest{Title: "评委", Kind: contest.Judge, Captains: true}, 400, nil)
	rid := ct.Rounds[0].ID
	if !ct.Rounds[0].Captains {
		t.Fatalf("round %+v is not captain play", ct.Rounds[0])
	}
	q := questionRequest{Stem: "网格员发现消防通道被堵，应当？", Type: "single", Points: 1000, LimitSec: 20,
		Options: []contest.Option{{Key: "A", Text: "拍照上报并督促清理"}, {Key: "B", Text: "视而不见"}}, Correct: []string{"A"}}
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds/"+rid+"/questions", admin, q, 201, nil)

	live := "/api/v1/live/" + ct.ID
	host := func(action string) {
		t.Helper()
		r.call("POST", live+"/host", admin, hostRequest{Action: action, Round: rid}, 200, nil)
	}
	host("start")
	host("next") // no reading time: the options show at once
	memberToken, captain := r.token(member.Phone), r.token("13900000004")
	for _, path := range []string{"/buzz", "/answer"} {
		body := r.call("POST", live+path, memberToken, map[string]any{"item": 0, "answer": []string{"A"}}, 403, nil)
		if !strings.Contains(body, "本轮由队长代表全队作答") {
			t.Errorf("a member's %s: %s, want the captain answers", path, body)
		}
	}
	r.call("POST", captains, admin, captainsRequest{Captains: map[string]string{teamA: member.ID}}, 409, nil)

	phone := r.browser()
	phone.signIn(member.Phone, seed.DemoPassword)
	if resp, body := phone.get("/live/" + ct.ID); resp.StatusCode != 200 ||
		!strings.Contains(body, `<p id="p-captain" class="live-note">本轮由队长代表全队作答: 张晓婷</p>`) {
		t.Errorf("a member's phone page during a captain round: %d, want the captain answers\n%.2000s", resp.StatusCode, body)
	}
	own := r.browser()
	own.signIn("13900000004", seed.DemoPassword)
	if _, body := own.get("/live/" + ct.ID); !strings.Contains(body, `id="p-captain" class="live-note" hidden`) {
		t.Errorf("the captain's phone page says someone else answers")
	}
	staff := r.browser()
	staff.signIn("13900000002", seed.DemoPassword)
	page := "/contests/" + ct.ID
	if resp, _ := staff.post(page, page+"/captains", url.Values{"captain-" + teamA: {member.ID}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("captain change on the page while the round runs: %d, want 409", resp.StatusCode)
	}

	r.call("POST", live+"/buzz", r.token(captainBPhone), map[string]any{"item": 0}, 200, nil)
	r.call("POST", live+"/buzz", captain, map[string]any{"item": 0}, 200, nil)
	r.call("POST", live+"/answer", r.token(captainBPhone), map[string]any{"item": 0, "answer": []string{"B"}}, 200, nil) // −50
	r.call("POST", live+"/answer", captain, map[string]any{"item": 0, "answer": []string{"A"}}, 409, nil)                // no pass-on
	host("finish")

	var st standingsJSON
	r.call("GET", "/api/v1/contests/"+ct.ID+"/standings", admin, nil, 200, &st)
	if len(st.Overall) != 0 || len(st.Rounds) != 1 || len(st.Rounds[0].People) != 0 {
		t.Fatalf("a captain round in the individual standings: %+v", st)
	}
	teams := st.Rounds[0].Teams
	if len(teams) != 2 || teams[0].ID != teamA || teams[0].Captain != "张晓婷" || teams[0].Points != 0 || teams[1].Points != -50 {
		t.Fatalf("captain round teams: %+v", teams)
	}
	if len(st.Teams) != 2 || st.Teams[1].ID != teamB || st.Teams[1].Points != -50 {
		t.Fatalf("overall teams: %+v", st.Teams)
	}
	if resp, body := staff.get(page + "/results"); resp.StatusCode != 200 || !strings.Contains(body, "队长 张晓婷") {
		t.Errorf("results page: %d, want the captain on the team row", resp.StatusCode)
	}

	// Between rounds the page changes the captain, and adds a captain round.
	if resp, body := staff.get(page); resp.StatusCode != 200 || !strings.Contains(body, `name="captain-`+teamA+`"`) {
		t.Fatalf("contest page: %d, want a captain select per team\n%.500s", resp.StatusCode, body)
	}
	if resp, _ := staff.post(page, page+"/captains", url.Values{"captain-" + teamA: {member.ID}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("captain change on the page: %d", resp.StatusCode)
	}
	if resp, _ := staff.post(page, page+"/captains", url.Values{"captain-" + teamA: {otherTeam}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a captain from another team on the page: %d, want 400", resp.StatusCode)
	}
	if resp, _ := staff.post(page, page+"/rounds", url.Values{"title": {"队长必答"}, "kind": {"speed"}, "captains": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding a captain round on the page: %d", resp.StatusCode)
	}
	r.call("GET", "/api/v1/contests/"+ct.ID, admin, nil, 200, &ct)
	if ct.Teams[0].CaptainID != member.ID || len(ct.Rounds) != 2 || !ct.Rounds[1].Captains {
		t.Fatalf("after the page's changes: teams %+v, rounds %+v", ct.Teams, ct.Rounds)
	}
}
