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
