package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gridskill/contest"
	"gridskill/seed"
)

// contestRig is the test rig with the contest service wired in.
func contestRig(t *testing.T) *rig {
	t.Helper()
	r := newRig(t)
	cs := contest.NewService(r.db, r.people, r.srv.quiz, r.clock, nil)
	if err := cs.Load(ctx(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cs.Close)
	r.srv.contest = cs
	return r
}

// call sends an API request and decodes the JSON answer into out (if not nil),
// failing the test unless the status is want.
func (r *rig) call(method, path, token string, body any, want int, out any) string {
	r.t.Helper()
	resp, text := r.do(jsonReq(method, path, token, body))
	if resp.StatusCode != want {
		r.t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, text, want)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(text), out); err != nil {
			r.t.Fatalf("%s %s: %v in %s", method, path, err, text)
		}
	}
	return text
}

// liveContest makes a contest of grid 1-1-1's workers with one round of kind
// and two questions, and returns its id and the round's id.
func liveContest(t *testing.T, r *rig, admin string, kind contest.Kind) (string, string) {
	t.Helper()
	return liveContestWith(t, r, admin, roundRequest{Title: "必答题", Kind: kind, ReadSec: 5, Stakes: []int{100, 200}, AnswerSec: 10, Penalty: 50})
}

// liveContestWith makes a contest of grid 1-1-1's workers with one round as
// given and two questions (1000 points, 20 s, B is right).
func liveContestWith(t *testing.T, r *rig, admin string, round roundRequest) (string, string) {
	t.Helper()
	var ct contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "东湖街道技能大比武", Streak: true}, 201, &ct)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/participants", admin, participantsRequest{Units: []string{seed.Grid111ID}}, 200, &ct)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds", admin, round, 201, &ct)
	rid := ct.Rounds[0].ID
	for i := range 2 {
		q := questionRequest{Stem: fmt.Sprintf("第%d题：发现电信诈骗线索应当？", i+1), Type: "single", Points: 1000, LimitSec: 20,
			Options: []contest.Option{{Key: "A", Text: "不管"}, {Key: "B", Text: "报告"}, {Key: "C", Text: "转发"}}, Correct: []string{"B"}}
		r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds/"+rid+"/questions", admin, q, 201, &ct)
	}
	return ct.ID, rid
}

func TestLiveSpeedRoundRefusesBadInput(t *testing.T) {
	r := contestRig(t)
	admin, worker, trainer := r.token("13900000002"), r.token("13900000004"), r.token("13900000003")
	id, rid := liveContest(t, r, admin, contest.Speed)
	host := func(action string, want int) {
		t.Helper()
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: action, Round: rid}, want, nil)
	}
	answer := func(item int, keys ...string) (*http.Response, string) {
		return r.do(jsonReq("POST", "/api/v1/live/"+id+"/answer", worker, map[string]any{"item": item, "answer": keys}))
	}
	expect := func(name string, resp *http.Response, body string, want int) {
		t.Helper()
		if resp.StatusCode != want {
			t.Errorf("%s: %d %s, want %d", name, resp.StatusCode, body, want)
		}
	}

	resp, body := answer(0, "B")
	expect("AnswerBeforeAnyRound", resp, body, 409)
	host("start", 200)
	r.call("POST", "/api/v1/live/"+id+"/host", worker, hostRequest{Action: "next"}, 403, nil)
	host("next", 200)
	host("show", 200)

	resp, body = answer(1, "B")
	expect("AnswerToQuestionNotOpen", resp, body, 409)
	resp, body = answer(0, "Z")
	expect("AnswerNotAnOption", resp, body, 400)
	resp, body = r.do(jsonReq("POST", "/api/v1/live/"+id+"/answer", trainer, map[string]any{"item": 0, "answer": []string{"B"}}))
	expect("AnswerFromNonParticipant", resp, body, 403)
	resp, body = r.do(jsonReq("POST", "/api/v1/live/"+id+"/join", trainer, nil))
	expect("NonParticipantJoins", resp, body, 403)
	resp, body = r.do(jsonReq("POST", "/api/v1/live/"+id+"/buzz", worker, map[string]any{"item": 0}))
	expect("BuzzOutsideBuzzerRound", resp, body, 409)
	resp, body = r.do(jsonReq("POST", "/api/v1/live/"+id+"/score", worker, map[string]any{"item": 0, "score": 90}))
	expect("ScoreFromNonJudge", resp, body, 403)

	r.clock.Advance(2 * time.Second)
	resp, first := answer(0, "B")
	expect("FirstAnswer", resp, first, 200)
	retried := func(name string) {
		t.Helper()
		resp, body := answer(0, "B")
		if expect(name, resp, body, 200); body != first {
			t.Errorf("%s: %s, want the first reply %s", name, body, first)
		}
	}
	retried("RetriedAnswerIsTheSame")
	resp, body = answer(0, "A")
	expect("SecondDifferentAnswer", resp, body, 409)

	host("close", 200)
	retried("RetriedAnswerAfterTheClose")
	host("next", 200)
	host("show", 200)
	retried("RetriedAnswerOnTheNextQuestion")
	r.clock.Advance(21 * time.Second) // the question closes at its deadline
	resp, body = answer(1, "B")
	expect("AnswerAfterDeadline", resp, body, 409)
	host("close", 409) // closed already, by its timer
	host("finish", 200)

	var st standingsJSON
	r.call("GET", "/api/v1/contests/"+id+"/standings", worker, nil, 200, &st)
	if len(st.Overall) == 0 || st.Overall[0].ID != seed.WorkerID || st.Overall[0].Points != 950 { // 1000 × (1 − 2 s / (2 × 20 s))
		t.Fatalf("standings after one right answer at 2 s of 20: %+v", st.Overall)
	}
	var awards awardsResponse
	r.call("POST", "/api/v1/contests/"+id+"/awards", admin, awardsRequest{First: 1, Second: 1}, 200, &awards)
	got, err := r.srv.contest.Awards(ctx(t), seed.WorkerID)
	if err != nil || len(got) != 1 || got[0].Level != 1 || got[0].ContestID != id {
		t.Fatalf("worker's awards: %+v, %v", got, err)
	}
}

// workerTokens signs in the first n workers of grid 1-1-1 (the demo worker first).
func workerTokens(t *testing.T, r *rig, admin string, n int) []string {
	t.Helper()
	var users usersResponse
	r.call("GET", "/api/v1/users?role=worker&unit="+seed.Grid111ID+"&limit=50", admin, nil, 200, &users)
	tokens := []string{r.token("13900000004")}
	for _, u := range users.Users {
		if len(tokens) == n {
			break
		}
		if u.Phone != "13900000004" {
			tokens = append(tokens, r.token(u.Phone))
		}
	}
	return tokens
}

// buzzerRound starts a buzzer round (10 s to answer, −50 for a wrong answer)
// with pass-on as given, and returns the contest, three workers' tokens and
// the host action and phone call helpers.
func buzzerRound(t *testing.T, r *rig, passOn bool) (id string, w []string, host func(string, int), phone func(int, string, map[string]any, int)) {
	t.Helper()
	admin := r.token("13900000002")
	id, rid := liveContestWith(t, r, admin, roundRequest{Title: "抢答题", Kind: contest.Buzzer, ReadSec: 5, AnswerSec: 10, Penalty: 50, PassOn: passOn})
	w = workerTokens(t, r, admin, 3)
	host = func(action string, want int) {
		t.Helper()
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: action, Round: rid}, want, nil)
	}
	phone = func(i int, path string, body map[string]any, want int) {
		t.Helper()
		r.call("POST", "/api/v1/live/"+id+"/"+path, w[i], body, want, nil)
	}
	host("start", 200)
	return id, w, host, phone
}

// buzzerPoints returns the points of the first two workers after the round.
func buzzerPoints(t *testing.T, r *rig, id string, w []string) (first, second float64) {
	t.Helper()
	var res standingsJSON
	r.call("GET", "/api/v1/contests/"+id+"/standings", r.token("13900000002"), nil, 200, &res)
	ids := map[int]string{0: seed.WorkerID}
	var me meResponse
	r.call("GET", "/api/v1/me", w[1], nil, 200, &me)
	ids[1] = me.ID
	for _, row := range res.Overall {
		switch row.ID {
		case ids[0]:
			first = row.Points
		case ids[1]:
			second = row.Points
		}
	}
	return first, second
}

func TestLiveBuzzerRoundPassesOnAfterAWrongAnswer(t *testing.T) {
	r := contestRig(t)
	id, w, host, phone := buzzerRound(t, r, true)
	host("next", 200)
	phone(0, "buzz", map[string]any{"item": 0}, 409) // still reading
	host("show", 200)
	phone(0, "answer", map[string]any{"item": 0, "answer": []string{"B"}}, 409) // no buzz yet
	phone(0, "buzz", map[string]any{"item": 0}, 200)
	r.clock.Advance(10 * time.Millisecond)
	phone(1, "buzz", map[string]any{"item": 0}, 200)
	phone(0, "buzz", map[string]any{"item": 0}, 200)                            // a retry keeps its place
	phone(1, "answer", map[string]any{"item": 0, "answer": []string{"B"}}, 409) // not their turn yet
	phone(0, "answer", map[string]any{"item": 0, "answer": []string{"A"}}, 200) // wrong: passes to the second buzzer
	if _, phase, _ := r.srv.contest.LiveRound(id); phase != "answering" {
		t.Fatalf("after a wrong answer with pass-on the question is %q, want answering by the next buzzer", phase)
	}
	phone(2, "answer", map[string]any{"item": 0, "answer": []string{"B"}}, 409) // never buzzed
	phone(1, "answer", map[string]any{"item": 0, "answer": []string{"B"}}, 200) // right: the question closes
	if _, phase, _ := r.srv.contest.LiveRound(id); phase != "results" {
		t.Fatalf("after the right answer the question is %q, want results", phase)
	}
	host("finish", 200)
	if first, second := buzzerPoints(t, r, id, w); first != -50 || second != 1000 {
		t.Fatalf("the wrong first buzzer has %v (want −50), the second who answered right %v (want 1000)", first, second)
	}
}

func TestLiveBuzzerRoundWithoutPassOnClosesAfterAWrongAnswer(t *testing.T) {
	r := contestRig(t)
	id, w, host, phone := buzzerRound(t, r, false)
	host("next", 200)
	host("show", 200)
	phone(0, "buzz", map[string]any{"item": 0}, 200)
	r.clock.Advance(10 * time.Millisecond)
	phone(1, "buzz", map[string]any{"item": 0}, 200)
	phone(0, "answer", map[string]any{"item": 0, "answer": []string{"A"}}, 200) // wrong
	phone(2, "stake", map[string]any{"item": 0, "stake": 100}, 409)             // not a wager round
	if _, phase, _ := r.srv.contest.LiveRound(id); phase != "results" {
		t.Fatalf("after a wrong answer without pass-on the question is %q, want results", phase)
	}
	phone(1, "answer", map[string]any{"item": 0, "answer": []string{"B"}}, 409) // too late: it closed
	host("next", 200)
	host("show", 200)
	phone(1, "buzz", map[string]any{"item": 1}, 200)
	phone(1, "answer", map[string]any{"item": 1, "answer": []string{"B"}}, 200)
	host("finish", 200)
	if first, second := buzzerPoints(t, r, id, w); first != -50 || second != 1000 {
		t.Fatalf("buzzer standings: first %v (want −50), second %v (want 1000 from question 2)", first, second)
	}
}

func TestLiveWagerAndJudgeRounds(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	id, rid := liveContest(t, r, admin, contest.Wager)
	w := workerTokens(t, r, admin, 2)
	live := "/api/v1/live/" + id
	host := func(action, round string, want int) {
		t.Helper()
		r.call("POST", live+"/host", admin, hostRequest{Action: action, Round: round}, want, nil)
	}
	host("start", rid, 200)
	host("next", rid, 200)
	r.call("POST", live+"/stake", w[0], map[string]any{"item": 0, "stake": 150}, 400, nil)
	r.call("POST", live+"/stake", w[0], map[string]any{"item": 0, "stake": 200}, 200, nil)
	r.call("POST", live+"/stake", w[0], map[string]any{"item": 0, "stake": 100}, 409, nil)
	r.call("POST", live+"/stake", w[1], map[string]any{"item": 0, "stake": 100}, 200, nil)
	host("show", rid, 200) // the stem alone first
	host("show", rid, 200) // then the options
	r.call("POST", live+"/stake", w[1], map[string]any{"item": 0, "stake": 200}, 409, nil)
	r.call("POST", live+"/answer", w[0], map[string]any{"item": 0, "answer": []string{"B"}}, 200, nil)
	r.call("POST", live+"/answer", w[1], map[string]any{"item": 0, "answer": []string{"C"}}, 200, nil)
	host("close", rid, 200)
	host("finish", rid, 200)

	var ct contestJSON
	r.call("POST", "/api/v1/contests/"+id+"/rounds", admin, roundRequest{Title: "情景处置", Kind: contest.Judge}, 201, &ct)
	judgeRound := ct.Rounds[1].ID
	r.call("POST", "/api/v1/contests/"+id+"/rounds/"+judgeRound+"/tasks", admin, taskRequest{Title: "邻里噪音纠纷调解", PerformerID: seed.WorkerID}, 201, nil)
	host("start", judgeRound, 400) // no judges yet
	var others usersResponse
	r.call("GET", "/api/v1/users?role=worker&unit="+seed.Grid112ID, admin, nil, 200, &others)
	third := others.Users[0].Phone
	r.call("POST", "/api/v1/contests/"+id+"/rounds/"+judgeRound+"/judges", admin, judgesRequest{Phones: []string{third, others.Users[1].Phone, "13900000002"}}, 200, nil)
	host("start", judgeRound, 200)
	host("next", judgeRound, 200)
	r.call("POST", live+"/score", w[1], map[string]any{"item": 0, "score": 90}, 403, nil)
	for phone, score := range map[string]float64{third: 80, others.Users[1].Phone: 95, "13900000002": 70} {
		r.call("POST", live+"/score", r.token(phone), map[string]any{"item": 0, "score": score}, 200, nil)
	}
	r.call("POST", live+"/score", r.token(third), map[string]any{"item": 0, "score": 10}, 409, nil)
	r.call("POST", live+"/score", admin, map[string]any{"item": 0, "score": 101}, 400, nil)
	host("close", judgeRound, 200)
	host("finish", judgeRound, 200)

	var res standingsJSON
	r.call("GET", "/api/v1/contests/"+id+"/standings", admin, nil, 200, &res)
	got := map[string]float64{}
	for _, rd := range res.Rounds {
		for _, row := range rd.People {
			got[rd.Round+":"+row.ID] = row.Points
		}
	}
	if got[rid+":"+seed.WorkerID] != 200 || got[judgeRound+":"+seed.WorkerID] != 80 {
		t.Fatalf("wager +200 and trimmed judge mean 80 for the demo worker; got %v", got)
	}
	if res.Overall[0].ID != seed.WorkerID || res.Overall[0].Points != 280 || res.Overall[len(res.Overall)-1].Points != -100 {
		t.Fatalf("overall: %+v", res.Overall)
	}
}

func TestOnlineRoundTopAdvanceToTheLiveFinal(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	var ct contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "东湖街道初赛与决赛"}, 201, &ct)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/participants", admin, participantsRequest{Units: []string{seed.Grid111ID}}, 200, nil)
	now := r.clock.Now()
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds", admin, roundRequest{Title: "线上初赛", Kind: contest.Online, Count: 3,
		OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(24 * time.Hour), DurationSec: 1800}, 201, &ct)
	online := ct.Rounds[0]
	if online.ExamID == "" {
		t.Fatalf("online round without an exam: %+v", online)
	}
	w := workerTokens(t, r, admin, 3)
	// The three sit the paper; the quickest ranks first at equal scores.
	for i, tok := range w {
		var att struct {
			ID string `json:"id"`
		}
		r.call("POST", "/api/v1/exams/"+online.ExamID+"/attempts", tok, nil, 201, &att)
		r.clock.Advance(time.Duration(i+1) * time.Minute)
		r.call("POST", "/api/v1/attempts/"+att.ID+"/submit", tok, nil, 200, nil)
	}
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds/"+online.ID+"/close", admin, nil, 200, nil)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds/"+online.ID+"/close", admin, nil, 409, nil)

	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds", admin, roundRequest{Title: "决赛必答题", Kind: contest.Speed}, 201, &ct)
	final := ct.Rounds[1].ID
	q := questionRequest{Stem: "网格员的四项基本职责不包括？", Type: "single", Points: 1000, LimitSec: 20,
		Options: []contest.Option{{Key: "A", Text: "信息采集"}, {Key: "B", Text: "行政执法"}}, Correct: []string{"B"}}
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds/"+final+"/questions", admin, q, 201, nil)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/rounds/"+final+"/advance", admin, advanceRequest{From: online.ID, Top: 1}, 200, &ct)
	if got := ct.Rounds[1].Entrants; len(got) != 1 || got[0] != seed.WorkerID {
		t.Fatalf("entrants of the final: %v, want the quickest of the online round (%s)", got, seed.WorkerID)
	}
	r.call("POST", "/api/v1/live/"+ct.ID+"/host", admin, hostRequest{Action: "start", Round: final}, 200, nil)
	r.call("POST", "/api/v1/live/"+ct.ID+"/host", admin, hostRequest{Action: "next", Round: final}, 200, nil)
	r.call("POST", "/api/v1/live/"+ct.ID+"/answer", w[1], map[string]any{"item": 0, "answer": []string{"B"}}, 403, nil)
	r.call("POST", "/api/v1/live/"+ct.ID+"/answer", w[0], map[string]any{"item": 0, "answer": []string{"B"}}, 200, nil)
}

func TestContestPagesRender(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	id, rid := liveContest(t, r, admin, contest.Speed)
	r.call("POST", "/api/v1/contests/"+id+"/rounds", admin, roundRequest{Title: "评委打分", Kind: contest.Judge}, 201, nil)
	var ct contestJSON
	r.call("GET", "/api/v1/contests/"+id, admin, nil, 200, &ct)
	r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: "start", Round: rid}, 200, nil)

	staff := r.browser()
	staff.signIn("13900000002", seed.DemoPassword)
	for _, path := range []string{"/", "/contests", "/contests/" + id, "/contests/" + id + "/results", "/live/" + id + "/host", "/live/" + id + "/qr.png"} {
		if resp, body := staff.get(path); resp.StatusCode != 200 {
			t.Errorf("admin GET %s: %d %.300s", path, resp.StatusCode, body)
		}
	}
	// The big screen's address moves its key into a cookie and redirects.
	if resp, _ := staff.get(ct.ScreenURL); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/live/"+id+"/screen" {
		t.Errorf("admin GET %s: %d to %q, want a redirect to the address without the key", ct.ScreenURL, resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := staff.get("/live/" + id + "/screen"); resp.StatusCode != 200 {
		t.Errorf("admin GET the big screen with its cookie: %d %.300s", resp.StatusCode, body)
	}
	worker := r.browser()
	worker.signIn("13900000004", seed.DemoPassword)
	if resp, body := worker.get("/"); resp.StatusCode != 200 || !strings.Contains(body, "/live/"+id) {
		t.Errorf("worker home does not list the contest: %d", resp.StatusCode)
	}
	if resp, _ := worker.get("/live/join?pin=" + ct.PIN); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/live/"+id {
		t.Errorf("join with the PIN: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/live/" + id, "/contests/" + id + "/results", "/live/join"} {
		if resp, body := worker.get(path); resp.StatusCode != 200 {
			t.Errorf("worker GET %s: %d %.300s", path, resp.StatusCode, body)
		}
	}
	if resp, _ := worker.get("/live/" + id + "/host"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("worker opens the host screen: %d, want 403", resp.StatusCode)
	}
	if resp, _ := worker.get("/contests/" + id + "/results.xlsx"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("worker exports results: %d, want 403", resp.StatusCode)
	}
	trainer := r.browser()
	trainer.signIn("13900000003", seed.DemoPassword)
	if resp, _ := trainer.get("/live/join?pin=" + ct.PIN); resp.StatusCode != http.StatusForbidden {
		t.Errorf("non-participant joins: %d, want 403", resp.StatusCode)
	}
	if resp, _ := r.do(httptest.NewRequest("GET", "/live/"+id+"/screen?k=wrong", nil)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("big screen with a wrong key: %d, want 404", resp.StatusCode)
	}
}

func TestCustomTeamsReplaceCommunities(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	id, _ := liveContest(t, r, admin, contest.Speed)
	var users usersResponse
	r.call("GET", "/api/v1/users?role=worker&unit="+seed.Grid111ID, admin, nil, 200, &users)
	var ct contestJSON
	body := map[string]any{"teams": []map[string]any{{"name": "红队", "phones": []string{"13900000004", users.Users[1].Phone}}, {"name": "蓝队", "phones": []string{users.Users[2].Phone}}}}
	r.call("POST", "/api/v1/contests/"+id+"/teams", admin, body, 200, &ct)
	if len(ct.Teams) != 2 || ct.Teams[0].Name != "红队" {
		t.Fatalf("teams: %+v", ct.Teams)
	}
	for _, p := range ct.Participants {
		if p.ID == seed.WorkerID && p.TeamID != ct.Teams[0].ID {
			t.Fatalf("the demo worker is in team %q, want %q", p.TeamID, ct.Teams[0].ID)
		}
	}
	bad := map[string]any{"teams": []map[string]any{{"name": "红队", "phones": []string{"13900000003"}}}}
	r.call("POST", "/api/v1/contests/"+id+"/teams", admin, bad, 400, nil)
}

func TestParticipantListImport(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	var ct contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "名单导入测试"}, 201, &ct)
	staff := r.browser()
	staff.signIn("13900000002", seed.DemoPassword)
	page := "/contests/" + ct.ID
	resp, body := staff.upload(page, page+"/participants/import", "list.csv", []byte("手机号,队伍\n13900000004,红队\n13800000000,红队\n"), nil)
	if resp.StatusCode != 400 || !strings.Contains(body, "problems") {
		t.Fatalf("a list with an unknown phone: %d, want 400 with the rows' problems", resp.StatusCode)
	}
	resp, _ = staff.upload(page, page+"/participants/import", "list.csv", []byte("手机号,队伍\n13900000004,红队\n"), nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good list: %d", resp.StatusCode)
	}
	r.call("GET", "/api/v1/contests/"+ct.ID, admin, nil, 200, &ct)
	if len(ct.Participants) != 1 || ct.Participants[0].ID != seed.WorkerID || len(ct.Teams) != 1 || ct.Teams[0].Name != "红队" {
		t.Fatalf("after the import: %+v %+v", ct.Participants, ct.Teams)
	}
}
