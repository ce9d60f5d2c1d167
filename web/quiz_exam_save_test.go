package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gridskill/seed"
)

// Two phones signed in as one worker answer the same question of one attempt
// through the API. Whatever each is told must be true of what the server holds.
func TestTwoClientsOnOneAttemptAreToldOnlyTheTruth(t *testing.T) {
	r := newRig(t)
	phoneA, phoneB := r.token("13900000004"), r.token("13900000004")
	exams := r.quiz.OpenExams(ctx(t), quizUser(t, r, seed.WorkerID))
	code, att, raw := r.apiJSON("POST", "/api/v1/exams/"+exams[0].ID+"/attempts", phoneA, nil)
	if code != 201 {
		t.Fatalf("start on phone A: %d %s", code, raw)
	}
	id := att["id"].(string)
	if code, again, _ := r.apiJSON("POST", "/api/v1/exams/"+exams[0].ID+"/attempts", phoneB, nil); code != 200 || again["id"] != id {
		t.Fatalf("resume on phone B: %d %v; want the open attempt", code, again["id"])
	}
	var q map[string]any
	for _, x := range att["questions"].([]any) {
		if x := x.(map[string]any); x["type"] == "single" {
			q = x
			break
		}
	}
	if q == nil {
		t.Fatal("no single-choice question on the paper")
	}
	path := fmt.Sprintf("/api/v1/attempts/%s/answers/%s", id, q["id"])
	held := func(t *testing.T) (string, float64) {
		t.Helper()
		_, now, _ := r.apiJSON("GET", "/api/v1/attempts/"+id, phoneA, nil)
		return fmt.Sprint(now["answers"].(map[string]any)[q["id"].(string)]), now["seqs"].(map[string]any)[q["id"].(string)].(float64)
	}
	// check holds the server to its word: saved means held, not saved
	// carries the held answer.
	check := func(t *testing.T, who, sent string, resp map[string]any) {
		t.Helper()
		answer, seq := held(t)
		switch {
		case resp["saved"] == true && (answer != sent || resp["seq"] != seq):
			t.Fatalf("%s was told %q is saved at seq %v; the server holds %q at %v", who, sent, resp["seq"], answer, seq)
		case resp["saved"] == false && (fmt.Sprint(resp["answer"]) != answer || resp["seq"] != seq):
			t.Fatalf("%s was told the server holds %v at %v; it holds %q at %v", who, resp["answer"], resp["seq"], answer, seq)
		case resp["saved"] != true && resp["saved"] != false:
			t.Fatalf("%s got %v", who, resp)
		}
	}
	t.Run("ClientsThatNameNoDevice", func(t *testing.T) {
		// Both resumed with nothing saved, so both pick seq 1.
		_, ra, _ := r.apiJSON("PUT", path, phoneA, map[string]any{"answer": "A", "seq": 1})
		check(t, "phone A", "A", ra)
		_, rb, _ := r.apiJSON("PUT", path, phoneB, map[string]any{"answer": "B", "seq": 1})
		check(t, "phone B", "B", rb)
	})
	t.Run("DevicesOrderedByArrival", func(t *testing.T) {
		_, base := held(t)
		_, ra, _ := r.apiJSON("PUT", path, phoneA, map[string]any{"answer": "C", "seq": 1, "device": "pa", "base": base})
		check(t, "phone A", "C", ra)
		_, rb, _ := r.apiJSON("PUT", path, phoneB, map[string]any{"answer": "D", "seq": 1, "device": "pb", "base": ra["seq"]})
		check(t, "phone B", "D", rb)
		if rb["saved"] != true {
			t.Fatalf("phone B's newer answer: %v; want saved", rb)
		}
		// Phone A, offline since before B's answer, sends what it had queued.
		_, late, _ := r.apiJSON("PUT", path, phoneA, map[string]any{"answer": "A", "seq": 2, "device": "pa", "base": ra["seq"]})
		check(t, "phone A", "A", late)
		if late["saved"] != false || late["answer"] != "D" {
			t.Fatalf("phone A's stale answer: %v; want not saved, with D", late)
		}
	})
	t.Run("DocumentedContractKeepsWorking", func(t *testing.T) {
		code, resp, raw := r.apiJSON("PUT", path, phoneA, map[string]any{"answer": "B", "seq": 9})
		if code != 200 || resp["saved"] != true || resp["seq"] == nil {
			t.Fatalf("%d %s; want 200 {saved: true, seq}", code, raw)
		}
		if _, ok := resp["answer"]; ok {
			t.Fatalf("a stored save repeats the answer: %s", raw)
		}
		check(t, "phone A", "B", resp)
	})
	t.Run("RejectsBadDeviceAndBase", func(t *testing.T) {
		for _, body := range []string{`{"answer":"A","seq":10,"device":"../x"}`, `{"answer":"A","seq":10,"base":-1}`, `{"answer":"A","seq":10,"device":7}`} {
			resp, out := r.do(jsonReq("PUT", path, phoneA, body))
			var e struct{ Error struct{ Code string } }
			_ = json.Unmarshal([]byte(out), &e)
			if resp.StatusCode != 400 || e.Error.Code != "invalid" {
				t.Errorf("%s: %d %s; want 400", body, resp.StatusCode, out)
			}
		}
		if answer, _ := held(t); answer != "B" {
			t.Fatalf("a refused save changed the held answer to %q", answer)
		}
	})
}

// Only the Start button of the rules page (a POST) starts an attempt: the
// pages a browser gets, again or by Back, never do.
func TestOnlyTheStartButtonStartsAnAttempt(t *testing.T) {
	r := newRig(t)
	w := quizUser(t, r, seed.WorkerID)
	e := r.quiz.OpenExams(ctx(t), w)[0]
	page := r.browser()
	page.signIn("13900000004", seed.DemoPassword)
	attempts := func() int {
		t.Helper()
		n := len(r.quiz.Results(w, e.ID))
		if _, ok := r.quiz.OpenAttempt(w, e.ID); ok {
			n++
		}
		return n
	}
	resp, body := page.get("/exams/" + e.ID + "/sit")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/exams/"+e.ID || attempts() != 0 {
		t.Fatalf("sitting page without an attempt: %d %s, %d attempts; want 303 to the rules page and none", resp.StatusCode, resp.Header.Get("Location"), attempts())
	}
	resp, body = page.get("/exams/" + e.ID)
	for _, want := range []string{`id="rule-size"`, `id="rule-left"`, `id="rule-switch"`, `action="/exams/` + e.ID + `/start"`} {
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Fatalf("rules page %d lacks %s", resp.StatusCode, want)
		}
	}
	if attempts() != 0 {
		t.Fatal("the rules page started an attempt")
	}
	resp, _ = page.post("/exams/"+e.ID, "/exams/"+e.ID+"/start", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/exams/"+e.ID+"/sit" || attempts() != 1 {
		t.Fatalf("start: %d %s, %d attempts; want 303 to the sitting and one attempt", resp.StatusCode, resp.Header.Get("Location"), attempts())
	}
	id, _ := r.quiz.OpenAttempt(w, e.ID)
	if _, body = page.get("/exams/" + e.ID + "/sit"); !strings.Contains(body, `data-attempt="`+id+`"`) {
		t.Fatal("the sitting page does not name the open attempt")
	}
	if _, err := r.quiz.Submit(ctx(t), w, id); err != nil {
		t.Fatal(err)
	}
	token := r.token("13900000004")
	for _, path := range []string{"/exams/" + e.ID + "/sit", "/exams/" + e.ID, "/attempts/" + id, "/exams"} {
		page.get(path)
	}
	if code, out, _ := r.apiJSON("GET", "/api/v1/attempts/"+id, token, nil); code != 200 || out["state"] != "finished" {
		t.Fatalf("read of the finished attempt: %d %v", code, out["state"])
	}
	if n := attempts(); n != 1 {
		t.Fatalf("%d attempts after reading pages again; want the 1 submitted", n)
	}
}

func TestReadAfterTheDeadlineIsNotOpen(t *testing.T) {
	r := newRig(t)
	token := r.token("13900000004")
	e := r.quiz.OpenExams(ctx(t), quizUser(t, r, seed.WorkerID))[0]
	_, att, _ := r.apiJSON("POST", "/api/v1/exams/"+e.ID+"/attempts", token, nil)
	id := att["id"].(string)
	if _, out, _ := r.apiJSON("GET", "/api/v1/attempts/"+id, token, nil); out["state"] != "open" {
		t.Fatalf("state %v during the attempt; want open", out["state"])
	}
	r.clock.Advance(e.Duration + time.Second)
	code, out, raw := r.apiJSON("GET", "/api/v1/attempts/"+id, token, nil)
	if code != 200 || out["state"] != "finishing" {
		t.Fatalf("read after the deadline, before the server submitted it: %d %s; want state finishing", code, raw)
	}
}

func TestServiceWorkerCoversExamPagesAndCachesNobodysData(t *testing.T) {
	r := newRig(t)
	resp, body := r.do(httptest.NewRequest("GET", "/sw.js", nil))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(body, "/exams/offline") {
		t.Fatalf("/sw.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	page := r.browser()
	page.signIn("13900000004", seed.DemoPassword)
	resp, body = page.get("/exams/offline")
	if resp.StatusCode != 200 || !strings.Contains(body, `id="offline"`) {
		t.Fatalf("offline page: %d", resp.StatusCode)
	}
	for _, private := range []string{"张晓婷", `name="_csrf"`, "/logout"} {
		if strings.Contains(body, private) {
			t.Fatalf("the offline page, cached for whoever uses the phone, holds %q", private)
		}
	}
}
