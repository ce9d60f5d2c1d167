package web

import (
	"net/http"
	"strings"
	"testing"

	"gridskill/contest"
	"gridskill/seed"
)

func TestContestEditingThroughTheAPI(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	id, rid := liveContest(t, r, admin, contest.Speed)
	base := "/api/v1/contests/" + id
	var ct contestJSON
	r.call("PUT", base, admin, contestCreateRequest{Title: "东湖街道决赛", Description: "改后说明", TeamMethod: "mean"}, 200, &ct)
	if ct.Title != "东湖街道决赛" || ct.Description != "改后说明" {
		t.Errorf("contest after PUT: %q %q", ct.Title, ct.Description)
	}
	r.call("PUT", base+"/rounds/"+rid, admin, roundRequest{Title: "必答题（改）", ReadSec: 3, AnswerSec: 15}, 200, &ct)
	if ct.Rounds[0].Title != "必答题（改）" || ct.Rounds[0].ReadSec != 3 || ct.Rounds[0].Kind != contest.Speed || len(ct.Rounds[0].Questions) != 2 {
		t.Errorf("round after PUT: %+v", ct.Rounds[0])
	}
	q1, q2 := ct.Rounds[0].Questions[0].ID, ct.Rounds[0].Questions[1].ID
	r.call("PUT", base+"/rounds/"+rid+"/questions/"+q1, admin, questionRequest{Stem: "改后的题：遇到可疑转账应当？", Type: "single", Points: 500, LimitSec: 15,
		Options: []contest.Option{{Key: "A", Text: "劝阻并报告"}, {Key: "B", Text: "不管"}}, Correct: []string{"A"}}, 200, &ct)
	if q := ct.Rounds[0].Questions[0]; q.Stem != "改后的题：遇到可疑转账应当？" || q.Points != 500 || q.ID != q1 {
		t.Errorf("question after PUT: %+v", q)
	}
	r.call("POST", base+"/rounds/"+rid+"/questions/"+q2+"/move", admin, J{"by": -1}, 200, &ct)
	if ct.Rounds[0].Questions[0].ID != q2 {
		t.Errorf("order after the move: %s first, want %s", ct.Rounds[0].Questions[0].ID, q2)
	}

	t.Run("RefusesBadInputAndChangesNothing", func(t *testing.T) {
		for _, c := range []struct {
			method, path string
			body         any
			want         int
		}{
			{"PUT", base, contestCreateRequest{Title: ""}, 400},
			{"PUT", base + "/rounds/" + rid, roundRequest{Title: ""}, 400},
			{"PUT", base + "/rounds/" + rid + "/questions/" + q1, questionRequest{Stem: "题", Type: "single", Points: 100, LimitSec: 20, Correct: []string{"Z"}}, 400},
			{"POST", base + "/rounds/" + rid + "/questions/" + q1 + "/move", J{}, 400},
			{"POST", base + "/rounds/" + rid + "/questions/" + q1 + "/move", `{"by": "up"}`, 400},
			{"DELETE", base + "/rounds/" + rid + "/questions/q99", nil, 404},
			{"DELETE", base + "/rounds/r99", nil, 404},
			{"PUT", base + "/rounds/" + rid + "/tasks/t1", taskRequest{Title: "任务", PerformerID: seed.WorkerID}, 404}, // a speed round has no tasks
		} {
			if resp, body := r.do(jsonReq(c.method, c.path, admin, c.body)); resp.StatusCode != c.want {
				t.Errorf("%s %s: %d %s, want %d", c.method, c.path, resp.StatusCode, body, c.want)
			}
		}
		r.call("GET", base, admin, nil, 200, &ct)
		if ct.Title != "东湖街道决赛" || ct.Rounds[0].Title != "必答题（改）" || ct.Rounds[0].Questions[0].ID != q2 || len(ct.Rounds[0].Questions) != 2 {
			t.Errorf("a refused edit changed the contest: %+v", ct.Rounds[0])
		}
	})

	t.Run("RefusesAnotherStreetsAdmin", func(t *testing.T) {
		west := r.token("13900000005")
		for _, c := range []struct{ method, path string }{{"PUT", base}, {"DELETE", base}, {"PUT", base + "/rounds/" + rid}, {"DELETE", base + "/rounds/" + rid + "/questions/" + q1}} {
			resp, body := r.do(jsonReq(c.method, c.path, west, J{"title": "西岭改的"}))
			if resp.StatusCode != http.StatusForbidden || strings.Contains(body, "东湖街道决赛") {
				t.Errorf("another street's admin %s %s: %d %s", c.method, c.path, resp.StatusCode, body)
			}
		}
	})

	// Tasks of a judge round, then deleting what is not played.
	r.call("POST", base+"/rounds", admin, roundRequest{Title: "情景模拟", Kind: contest.Judge}, 201, &ct)
	jr := ct.Rounds[1].ID
	r.call("POST", base+"/rounds/"+jr+"/tasks", admin, taskRequest{Title: "入户走访", PerformerID: seed.WorkerID}, 201, &ct)
	task := ct.Rounds[1].Tasks[0].ID
	r.call("PUT", base+"/rounds/"+jr+"/tasks/"+task, admin, taskRequest{Title: "矛盾调解", PerformerID: seed.WorkerID, Team: true}, 200, &ct)
	if tk := ct.Rounds[1].Tasks[0]; tk.Title != "矛盾调解" || !tk.Team {
		t.Errorf("task after PUT: %+v", tk)
	}
	r.call("PUT", base+"/rounds/"+jr+"/tasks/"+task, admin, taskRequest{Title: "矛盾调解", PerformerID: "user-nobody"}, 400, nil)
	r.call("DELETE", base+"/rounds/"+jr+"/tasks/"+task, admin, nil, 200, &ct)
	if len(ct.Rounds[1].Tasks) != 0 {
		t.Errorf("tasks after DELETE: %+v", ct.Rounds[1].Tasks)
	}
	r.call("DELETE", base+"/rounds/"+jr, admin, nil, 200, &ct)
	if len(ct.Rounds) != 1 {
		t.Errorf("rounds after DELETE: %d", len(ct.Rounds))
	}

	// Played: the round and the contest are no longer edited.
	for _, a := range []string{"start", "next", "show", "close", "finish"} {
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: a, Round: rid}, 200, nil)
	}
	r.call("PUT", base+"/rounds/"+rid, admin, roundRequest{Title: "赛后改名", AnswerSec: 10}, 409, nil)
	r.call("PUT", base+"/rounds/"+rid+"/questions/"+q1, admin, questionRequest{Stem: "赛后改题", Type: "single", Points: 100, LimitSec: 20,
		Options: []contest.Option{{Key: "A", Text: "甲"}, {Key: "B", Text: "乙"}}, Correct: []string{"A"}}, 409, nil)
	r.call("DELETE", base+"/rounds/"+rid+"/questions/"+q1, admin, nil, 409, nil)
	r.call("POST", base+"/rounds/"+rid+"/questions/"+q1+"/move", admin, J{"by": 1}, 409, nil)
	r.call("DELETE", base+"/rounds/"+rid, admin, nil, 409, nil)
	r.call("DELETE", base, admin, nil, 409, nil)
	r.call("PUT", base, admin, contestCreateRequest{Title: "东湖街道决赛", TeamMethod: "best_n", TeamN: 3}, 409, nil) // the team method, after a round
	r.call("PUT", base, admin, contestCreateRequest{Title: "东湖街道总决赛", TeamMethod: "mean"}, 200, nil)            // the title still changes

	// An unplayed contest is deleted.
	other, _ := liveContest(t, r, admin, contest.Speed)
	r.call("DELETE", "/api/v1/contests/"+other, admin, nil, 204, nil)
	r.call("GET", "/api/v1/contests/"+other, admin, nil, 404, nil)
}
