package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gridskill"
	"gridskill/quiz"
	"gridskill/seed"
)

func TestExamManagementThroughThePages(t *testing.T) {
	r := newRig(t)
	trainer, _ := r.people.User(ctx(t), seed.TrainerID)
	now := r.clock.Now()
	e, err := r.quiz.CreateExam(ctx(t), trainer, quiz.Exam{Title: "楼道安全测验", UnitIDs: []string{seed.Street1ID}, OpensAt: now, ClosesAt: now.Add(2 * time.Hour),
		Duration: 30 * time.Minute, PassMark: 60, MaxAttempts: 1, Rules: []quiz.Rule{{Tag: "反诈", Count: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	b := r.browser()
	b.signIn("13900000003", seed.DemoPassword)
	page := "/quiz/exams/" + e.ID
	zone := gridskill.ChinaZone()

	t.Run("EditBeforeTheFirstAttempt", func(t *testing.T) {
		resp, body := b.get(page + "/edit")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `value="楼道安全测验"`) {
			t.Fatalf("edit form %d: %.300s", resp.StatusCode, body)
		}
		form := url.Values{"title": {"楼道安全测验（修订）"}, "unit": {seed.Street1ID}, "opensAt": {now.In(zone).Format(formTime)},
			"closesAt": {now.Add(2 * time.Hour).In(zone).Format(formTime)}, "minutes": {"20"}, "passMark": {"60"}, "maxAttempts": {"1"},
			"counts": {"highest"}, "review": {"after_submit"}, "tag0": {"反诈"}, "count0": {"4"}}
		resp, body = b.post(page+"/edit", page, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %.300s", resp.StatusCode, body)
		}
		got, _ := r.quiz.Exam(ctx(t), trainer, e.ID)
		if got.Title != "楼道安全测验（修订）" || got.Size() != 4 || got.Duration != 20*time.Minute {
			t.Fatalf("after the edit: %q, %d questions, %v", got.Title, got.Size(), got.Duration)
		}
	})
	t.Run("SamplePaper", func(t *testing.T) {
		resp, body := b.get(page + "/sample?draw=3")
		if resp.StatusCode != http.StatusOK || strings.Count(body, "<li class=\"card\">") != 4 || !strings.Contains(body, "答案") {
			t.Fatalf("sample %d: %.400s", resp.StatusCode, body)
		}
	})
	worker, _ := r.people.User(ctx(t), seed.WorkerID)
	p, _, err := r.quiz.Start(ctx(t), worker, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("NoEditOnceStarted", func(t *testing.T) {
		_, body := b.get(page)
		if strings.Contains(body, `id="edit-link"`) {
			t.Fatal("the edit link is offered after an attempt started")
		}
		resp, _ := b.post(page+"/edit", page, url.Values{"title": {"再改"}})
		if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusConflict {
			t.Fatalf("an edit after the start: %d", resp.StatusCode)
		}
	})
	t.Run("ExtendRefusesAMalformedTimeAndChangesNothing", func(t *testing.T) {
		resp, body := b.post(page, page+"/extend", url.Values{"closesAt": {"明天"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请填写") {
			t.Fatalf("a malformed close: %d %.300s", resp.StatusCode, body)
		}
		if got, _ := r.quiz.Exam(ctx(t), trainer, e.ID); !got.ClosesAt.Equal(e.ClosesAt) {
			t.Fatalf("close moved to %v by a refused form", got.ClosesAt)
		}
	})
	t.Run("Extend", func(t *testing.T) {
		later := now.Add(5 * time.Hour).In(zone).Format(formTime)
		resp, body := b.post(page, page+"/extend", url.Values{"closesAt": {later}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("extend: %d %.300s", resp.StatusCode, body)
		}
		if got, _ := r.quiz.Exam(ctx(t), trainer, e.ID); !got.ClosesAt.Equal(now.Add(5 * time.Hour)) {
			t.Fatalf("closes %v after the extension", got.ClosesAt)
		}
	})
	t.Run("CloseNowSubmitsTheOpenAttempt", func(t *testing.T) {
		r.clock.Advance(3 * time.Minute)
		resp, body := b.post(page, page+"/close", url.Values{})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("close: %d %.300s", resp.StatusCode, body)
		}
		rs := r.quiz.Results(worker, e.ID)
		if len(rs) != 1 || rs[0].ID != p.AttemptID || rs[0].Reason != "deadline" {
			t.Fatalf("results after closing: %+v", rs)
		}
	})
	t.Run("MakeUp", func(t *testing.T) {
		form := url.Values{"opensAt": {now.Add(24 * time.Hour).In(zone).Format(formTime)}, "closesAt": {now.Add(48 * time.Hour).In(zone).Format(formTime)}}
		resp, body := b.post(page, page+"/makeup", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("make-up: %d %.300s", resp.StatusCode, body)
		}
		_, body = b.get(resp.Header.Get("Location"))
		if !strings.Contains(body, "（补考）") || !strings.Contains(body, "补考，原考试") {
			t.Fatalf("the make-up exam's page: %.500s", body)
		}
	})
}

func TestExamManagementThroughTheAPI(t *testing.T) {
	r := newRig(t)
	trainer, _ := r.people.User(ctx(t), seed.TrainerID)
	now := r.clock.Now()
	e, err := r.quiz.CreateExam(ctx(t), trainer, quiz.Exam{Title: "接口测验", UnitIDs: []string{seed.Street1ID}, OpensAt: now, ClosesAt: now.Add(2 * time.Hour),
		Duration: 30 * time.Minute, PassMark: 60, MaxAttempts: 1, Rules: []quiz.Rule{{Tag: "反诈", Count: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	tok := r.token("13900000003")
	base := "/api/v1/exams/" + e.ID
	if status, _, body := r.apiJSON("POST", base+"/extend", tok, map[string]any{"closesAt": "later"}); status != http.StatusBadRequest {
		t.Fatalf("a close that is no time: %d %s", status, body)
	}
	if status, got, body := r.apiJSON("GET", base+"/sample?draw=2", tok, nil); status != http.StatusOK || len(got["questions"].([]any)) != 3 {
		t.Fatalf("sample: %d %s", status, body)
	}
	if status, _, body := r.apiJSON("POST", base+"/extend", tok, map[string]any{"closesAt": now.Add(6 * time.Hour)}); status != http.StatusOK {
		t.Fatalf("extend: %d %s", status, body)
	}
	worker, _ := r.people.User(ctx(t), seed.WorkerID)
	if _, _, err := r.quiz.Start(ctx(t), worker, e.ID); err != nil {
		t.Fatal(err)
	}
	status, got, body := r.apiJSON("POST", base+"/close", tok, nil)
	if status != http.StatusOK || got["submitted"] != float64(1) {
		t.Fatalf("close: %d %s", status, body)
	}
	status, got, body = r.apiJSON("POST", base+"/makeup", tok, map[string]any{"opensAt": now.Add(24 * time.Hour), "closesAt": now.Add(48 * time.Hour)})
	if status != http.StatusCreated || got["makeUpOf"] != e.ID || len(got["userIds"].([]any)) < 2 {
		t.Fatalf("make-up: %d %.300s", status, body)
	}
	if status, _, body := r.apiJSON("PUT", base, tok, map[string]any{"title": "再改", "unitIds": []string{seed.Street1ID}}); status != http.StatusConflict {
		t.Fatalf("an edit after attempts: %d %s", status, body)
	}
	if status, _, body := r.apiJSON("POST", base+"/close", r.token("13900000004"), nil); status != http.StatusForbidden {
		t.Fatalf("a worker's close: %d %s", status, body)
	}
}
