package web

import (
	"encoding/json"
	"fmt"
	"net/http"
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
	var ct contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "东湖街道技能大比武", Streak: true}, 201, &ct)
	r.call("POST", "/api/v1/contests/"+ct.ID+"/participants", admin, participantsRequest{Units: []string{seed.Grid111ID}}, 200, &ct)
	round := roundRequest{Title: "必答题", Kind: kind, ReadSec: 5, Stakes: []int{100, 200}, AnswerSec: 10, Penalty: 50}
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
	resp, body = answer(0, "B")
	expect("FirstAnswer", resp, body, 200)
	resp, body = answer(0, "B")
	expect("RetriedAnswerIsTheSame", resp, body, 200)
	resp, body = answer(0, "A")
	expect("SecondDifferentAnswer", resp, body, 409)

	host("close", 200)
	host("next", 200)
	host("show", 200)
	r.clock.Advance(21 * time.Second)
	resp, body = answer(1, "B")
	expect("AnswerAfterDeadline", resp, body, 409)
	host("close", 200)
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
