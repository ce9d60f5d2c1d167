package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridskill/contest"
	"gridskill/seed"
)

func TestContestEditorEditsUntilPlayedAndShowsTheAuditTrail(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	id, rid := liveContest(t, r, admin, contest.Speed)
	staff := r.browser()
	staff.signIn("13900000002", seed.DemoPassword)
	page := "/contests/" + id
	post := func(path string, form url.Values, want int) string {
		t.Helper()
		resp, body := staff.post(page, path, form)
		if resp.StatusCode != want {
			t.Fatalf("POST %s: %d, want %d: %.300s", path, resp.StatusCode, want, body)
		}
		return body
	}
	post(page+"/rounds/"+rid+"/questions/q1/edit", url.Values{"stem": {"改过的赛题：发现诈骗线索应当？"}, "type": {"single"}, "options": {"报告\n不管"},
		"correct": {"A"}, "points": {"500"}, "limitSec": {"15"}}, http.StatusSeeOther)
	post(page+"/rounds/"+rid+"/edit", url.Values{"title": {"改名的必答题"}, "readSec": {"3"}, "weight": {"40"}}, http.StatusSeeOther)
	post(page+"/rounds/"+rid+"/weight", url.Values{"weight": {"四十"}}, http.StatusBadRequest)
	post(page+"/rounds/"+rid+"/questions/q9/delete", url.Values{}, http.StatusNotFound)

	_, body := staff.get(page)
	for _, want := range []string{"改过的赛题", "改名的必答题", "审计记录", "修改了题目", "吴丽华"} {
		if !strings.Contains(body, want) {
			t.Errorf("the editor lacks %q", want)
		}
	}

	// A rehearsal keeps no results; then the round is played and nothing of it can change.
	post(page+"/rounds/"+rid+"/rehearsal", url.Values{"action": {"rehearse"}}, http.StatusSeeOther)
	post(page+"/rounds/"+rid+"/rehearsal", url.Values{"action": {"reset"}}, http.StatusSeeOther)
	for _, a := range []string{"start", "next", "close", "finish"} {
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: a, Round: rid}, 200, nil)
	}
	post(page+"/rounds/"+rid+"/questions/q1/edit", url.Values{"stem": {"赛后改题"}, "type": {"single"}, "options": {"报告\n不管"},
		"correct": {"A"}, "points": {"500"}, "limitSec": {"15"}}, http.StatusConflict)
	post(page+"/rounds/"+rid+"/delete", url.Values{}, http.StatusConflict)
	post(page+"/delete", url.Values{}, http.StatusConflict)
	post(page+"/participants", url.Values{"unit": {seed.Grid111ID}}, http.StatusConflict)
	var ct contestJSON
	r.call("GET", "/api/v1/contests/"+id, admin, nil, 200, &ct)
	if ct.Rounds[0].Questions[0].Stem != "改过的赛题：发现诈骗线索应当？" || ct.Rounds[0].Weight != 40 {
		t.Errorf("after the refused edits: %+v", ct.Rounds[0])
	}
}

func TestResultSheetsAndCertificatesPrint(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	id, rid := liveContest(t, r, admin, contest.Speed)
	worker := r.token("13900000004")
	for _, a := range []string{"start", "next", "show"} {
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: a, Round: rid}, 200, nil)
	}
	r.call("POST", "/api/v1/live/"+id+"/answer", worker, J{"item": 0, "answer": []string{"B"}}, 200, nil)
	for _, a := range []string{"close", "finish"} {
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: a, Round: rid}, 200, nil)
	}
	var awards awardsResponse
	r.call("POST", "/api/v1/contests/"+id+"/awards", admin, awardsRequest{First: 1, TeamFirst: 1}, 200, &awards)
	if len(awards.Awards) != 2 || awards.Awards[0].Name != "张晓婷" || awards.Awards[1].Team == "" || awards.Awards[1].Name != "翠苑社区" {
		t.Fatalf("awards %+v", awards.Awards)
	}
	staff := r.browser()
	staff.signIn("13900000002", seed.DemoPassword)
	_, sheet := staff.get("/contests/" + id + "/print")
	for _, want := range []string{"东湖街道技能大比武", "东湖街道", "总成绩", "必答题", "记分员", "裁判长", "主办单位（盖章）", "张晓婷", "团体一等奖"} {
		if !strings.Contains(sheet, want) {
			t.Errorf("the result sheets lack %q", want)
		}
	}
	_, certs := staff.get("/contests/" + id + "/certificates")
	for _, want := range []string{"荣誉证书", "张晓婷 荣获", "一等奖", "翠苑社区 代表队荣获", "团体一等奖"} {
		if !strings.Contains(certs, want) {
			t.Errorf("the certificates lack %q", want)
		}
	}
	participant := r.browser()
	participant.signIn("13900000004", seed.DemoPassword)
	if resp, _ := participant.get("/contests/" + id + "/print"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a participant prints the result sheets: %d", resp.StatusCode)
	}
}

func TestAPIAdvanceFromAnotherContest(t *testing.T) {
	r := contestRig(t)
	admin := r.token("13900000002")
	id, rid := liveContest(t, r, admin, contest.Speed)
	for _, a := range []string{"start", "next", "show"} {
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: a, Round: rid}, 200, nil)
	}
	r.call("POST", "/api/v1/live/"+id+"/answer", r.token("13900000004"), J{"item": 0, "answer": []string{"B"}}, 200, nil)
	for _, a := range []string{"close", "finish"} {
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: a, Round: rid}, 200, nil)
	}
	var final contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "街道决赛"}, 201, &final)
	r.call("POST", "/api/v1/contests/"+final.ID+"/advance-from", admin, advanceFromRequest{From: id, Top: 2, Per: "grid"}, 400, nil)
	r.call("POST", "/api/v1/contests/"+final.ID+"/advance-from", admin, advanceFromRequest{From: final.ID, Top: 2}, 400, nil)
	r.call("POST", "/api/v1/contests/"+final.ID+"/advance-from", admin, advanceFromRequest{From: id, Top: 2}, 200, &final)
	if len(final.Advanced) != 2 || final.Advanced[0].WorkerID != seed.WorkerID || final.Advanced[0].FromContest != id || len(final.Participants) != 2 {
		t.Fatalf("advanced %+v, participants %+v", final.Advanced, final.Participants)
	}
}
