package web

import (
	"encoding/json"
	"fmt"
	"testing"

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
