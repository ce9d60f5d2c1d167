package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gridskill/seed"
)

// apiCall sends a JSON request to a running server and decodes the answer.
func apiCall(t *testing.T, method, url, token string, body, out any) int {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

type killOption struct {
	Key string `json:"key"`
}

// someAnswer is a well-formed answer to a question of type typ.
func someAnswer(typ string, options []killOption) any {
	switch typ {
	case "blank":
		return []string{"答案"}
	case "multiple":
		return []string{options[0].Key}
	}
	return options[0].Key
}

type killAttempt struct {
	ID        string    `json:"id"`
	Deadline  time.Time `json:"deadline"`
	Questions []struct {
		ID      string       `json:"id"`
		Type    string       `json:"type"`
		Options []killOption `json:"options"`
	} `json:"questions"`
	Seqs map[string]int64 `json:"seqs"`
}

func TestSIGKILLMidExamKeepsEveryAcknowledgedAnswer(t *testing.T) {
	srv := newRealServer(t)
	base, start := srv.base, srv.start
	cmd := start()
	login, examURL, att := startDemoAttempt(t, base)
	acked := map[string]int64{}
	for i, q := range att.Questions[:12] {
		answer := someAnswer(q.Type, q.Options)
		var saved struct {
			Saved bool  `json:"saved"`
			Seq   int64 `json:"seq"`
		}
		url := fmt.Sprintf("%s/api/v1/attempts/%s/answers/%s", base, att.ID, q.ID)
		if code := apiCall(t, "PUT", url, login.Token, map[string]any{"answer": answer, "seq": i + 1}, &saved); code == 200 && saved.Saved {
			acked[q.ID] = saved.Seq
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	start()
	apiCall(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": "13900000004", "password": seed.DemoPassword}, &login)
	var again killAttempt
	if code := apiCall(t, "POST", examURL, login.Token, nil, &again); code != 200 {
		t.Fatalf("start after the kill: %d; want 200 with the open attempt", code)
	}
	if again.ID != att.ID || !again.Deadline.Equal(att.Deadline) {
		t.Fatalf("after the kill: attempt %s deadline %v; want %s %v", again.ID, again.Deadline, att.ID, att.Deadline)
	}
	if len(acked) != 12 {
		t.Fatalf("only %d of 12 saves acknowledged before the kill", len(acked))
	}
	for q, seq := range acked {
		if again.Seqs[q] != seq {
			t.Errorf("question %s: acknowledged seq %d, after the kill %d", q, seq, again.Seqs[q])
		}
	}
	q := again.Questions[12]
	answer := someAnswer(q.Type, q.Options)
	if code := apiCall(t, "PUT", fmt.Sprintf("%s/api/v1/attempts/%s/answers/%s", base, att.ID, q.ID), login.Token, map[string]any{"answer": answer, "seq": 99}, nil); code != 200 {
		t.Fatalf("saving after the restart: %d; want the attempt to resume", code)
	}
}

// TestSIGKILLRightAfterSubmitFinishesTheAttemptOnce kills the real binary as
// soon as a submit is answered: the finished attempt is stored, while the
// wrong-answer book, certification and the removal of the open attempt come
// after, off the submit's path. The restarted server must take the attempt
// as finished with the same result and every acknowledged answer, replay
// what follows the finish, and never reopen or regrade it.
func TestSIGKILLRightAfterSubmitFinishesTheAttemptOnce(t *testing.T) {
	srv := newRealServer(t)
	base := srv.base
	cmd := srv.start()
	login, examURL, att := startDemoAttempt(t, base)
	acked := map[string]int64{}
	for i, q := range att.Questions[:6] {
		var saved struct {
			Saved bool  `json:"saved"`
			Seq   int64 `json:"seq"`
		}
		url := fmt.Sprintf("%s/api/v1/attempts/%s/answers/%s", base, att.ID, q.ID)
		if code := apiCall(t, "PUT", url, login.Token, map[string]any{"answer": someAnswer(q.Type, q.Options), "seq": i + 1}, &saved); code == 200 && saved.Saved {
			acked[q.ID] = saved.Seq
		}
	}
	var result struct {
		Score float64 `json:"score"`
	}
	if code := apiCall(t, "POST", base+"/api/v1/attempts/"+att.ID+"/submit", login.Token, nil, &result); code != 200 {
		t.Fatalf("submit: %d", code)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	srv.start()
	apiCall(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": "13900000004", "password": seed.DemoPassword}, &login)
	var fin struct {
		State string           `json:"state"`
		Score float64          `json:"score"`
		Seqs  map[string]int64 `json:"seqs"`
	}
	if code := apiCall(t, "GET", base+"/api/v1/attempts/"+att.ID, login.Token, nil, &fin); code != 200 || fin.State != "finished" || fin.Score != result.Score {
		t.Fatalf("after the kill: %d %s score %v; want finished with %v", code, fin.State, fin.Score, result.Score)
	}
	if len(acked) != 6 {
		t.Fatalf("only %d of 6 saves acknowledged before the kill", len(acked))
	}
	for q, seq := range acked {
		if fin.Seqs[q] != seq {
			t.Errorf("question %s: acknowledged seq %d, on the finished attempt %d", q, seq, fin.Seqs[q])
		}
	}
	var again killAttempt
	if code := apiCall(t, "POST", base+"/api/v1/attempts/"+att.ID+"/submit", login.Token, nil, &result); code != 200 || result.Score != fin.Score {
		t.Fatalf("submitting again after the kill: %d score %v; want the same result", code, result.Score)
	}
	if code := apiCall(t, "POST", examURL, login.Token, nil, &again); code != 201 || again.ID == att.ID {
		t.Fatalf("start after the kill: %d %s; want a new attempt, the finished one not reopened", code, again.ID)
	}
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(srv.logs.String(), "replaying what follows a finish"); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the restarted server did not replay what follows the finish: the kill missed the window it tests, or the replay is gone")
		}
	}
}

// startDemoAttempt signs the demo worker in and starts their first open exam;
// it returns the token (in login.Token), the exam's attempts URL and the attempt.
func startDemoAttempt(t *testing.T, base string) (login struct{ Token string }, examURL string, att killAttempt) {
	t.Helper()
	apiCall(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": "13900000004", "password": seed.DemoPassword}, &login)
	var exams struct {
		Exams []struct{ ID string } `json:"exams"`
	}
	if apiCall(t, "GET", base+"/api/v1/exams", login.Token, nil, &exams); len(exams.Exams) == 0 {
		t.Fatal("no open exam for the demo worker")
	}
	examURL = base + "/api/v1/exams/" + exams.Exams[0].ID + "/attempts"
	if code := apiCall(t, "POST", examURL, login.Token, nil, &att); code != 201 {
		t.Fatalf("start: %d", code)
	}
	return login, examURL, att
}
