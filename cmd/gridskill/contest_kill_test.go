package main

import (
	"fmt"
	"sync"
	"testing"

	"gridskill/seed"
)

// TestSIGKILLMidLiveRoundKeepsEveryAcknowledgedAnswer kills the real binary
// while a speed question is open, starts it again on the same folder, and
// checks that every acknowledged answer is stored, a retry is answered as the
// original, and the host can resume the question and finish the round.
func TestSIGKILLMidLiveRoundKeepsEveryAcknowledgedAnswer(t *testing.T) {
	srv := newRealServer(t)
	base, start := srv.base, srv.start
	login := func(phone string) string {
		t.Helper()
		var out struct{ Token string }
		if code := apiCall(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": phone, "password": seed.DemoPassword}, &out); code != 200 {
			t.Fatalf("login %s: %d", phone, code)
		}
		return out.Token
	}
	cmd := start()
	admin := login("13900000002")
	var ct struct {
		ID     string `json:"id"`
		Rounds []struct {
			ID string `json:"id"`
		} `json:"rounds"`
	}
	must := func(code, want int, what string) {
		t.Helper()
		if code != want {
			t.Fatalf("%s: %d, want %d", what, code, want)
		}
	}
	must(apiCall(t, "POST", base+"/api/v1/contests", admin, map[string]any{"title": "断电测试大比武"}, &ct), 201, "create contest")
	must(apiCall(t, "POST", base+"/api/v1/contests/"+ct.ID+"/participants", admin, map[string]any{"units": []string{seed.Grid111ID}}, nil), 200, "participants")
	must(apiCall(t, "POST", base+"/api/v1/contests/"+ct.ID+"/rounds", admin, map[string]any{"title": "必答题", "kind": "speed"}, &ct), 201, "round")
	round := ct.Rounds[0].ID
	for i := range 2 {
		q := map[string]any{"stem": fmt.Sprintf("第%d题", i+1), "type": "single", "points": 1000, "limitSec": 120, "correct": []string{"A"},
			"options": []map[string]string{{"key": "A", "text": "报告"}, {"key": "B", "text": "不管"}}}
		must(apiCall(t, "POST", base+"/api/v1/contests/"+ct.ID+"/rounds/"+round+"/questions", admin, q, nil), 201, "question")
	}
	var users struct {
		Users []struct {
			ID    string `json:"id"`
			Phone string `json:"phone"`
		} `json:"users"`
	}
	apiCall(t, "GET", base+"/api/v1/users?role=worker&unit="+seed.Grid111ID, admin, nil, &users)
	if len(users.Users) < 6 {
		t.Fatalf("grid 1-1-1 has %d workers", len(users.Users))
	}
	tokens := map[string]string{}
	for _, u := range users.Users[:6] {
		tokens[u.ID] = login(u.Phone)
	}
	host := func(action string) int {
		return apiCall(t, "POST", base+"/api/v1/live/"+ct.ID+"/host", admin, map[string]string{"action": action, "round": round}, nil)
	}
	must(host("start"), 200, "start")
	must(host("next"), 200, "next")

	// Five answer at once; the sixth answers after the restart.
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for _, u := range users.Users[:5] {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			code := apiCall(t, "POST", base+"/api/v1/live/"+ct.ID+"/answer", tokens[id], map[string]any{"item": 0, "answer": []string{"A"}}, nil)
			if code == 200 {
				mu.Lock()
				acked[id] = true
				mu.Unlock()
			}
		}(u.ID)
	}
	wg.Wait()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	start()
	if len(acked) != 5 {
		t.Fatalf("only %d of 5 answers acknowledged before the kill", len(acked))
	}
	var stored struct {
		Answers []struct {
			Worker string `json:"worker"`
			Item   int    `json:"item"`
		} `json:"answers"`
	}
	must(apiCall(t, "GET", base+"/api/v1/contests/"+ct.ID+"/rounds/"+round+"/answers", admin, nil, &stored), 200, "answers")
	for _, a := range stored.Answers {
		delete(acked, a.Worker)
	}
	if len(acked) > 0 {
		t.Fatalf("acknowledged answers missing after the kill: %v", acked)
	}
	first := users.Users[0].ID
	must(apiCall(t, "POST", base+"/api/v1/live/"+ct.ID+"/answer", tokens[first], map[string]any{"item": 0, "answer": []string{"B"}}, nil), 409, "changed answer after the restart")
	must(apiCall(t, "POST", base+"/api/v1/live/"+ct.ID+"/answer", tokens[users.Users[5].ID], map[string]any{"item": 0, "answer": []string{"A"}}, nil), 409, "answer while paused")
	must(host("resume"), 200, "resume")
	must(apiCall(t, "POST", base+"/api/v1/live/"+ct.ID+"/answer", tokens[first], map[string]any{"item": 0, "answer": []string{"A"}}, nil), 200, "retried answer after the restart")
	must(apiCall(t, "POST", base+"/api/v1/live/"+ct.ID+"/answer", tokens[users.Users[5].ID], map[string]any{"item": 0, "answer": []string{"A"}}, nil), 200, "answer after resuming")
	must(host("close"), 200, "close")
	must(host("finish"), 200, "finish")
	var st struct {
		Overall []struct {
			ID     string  `json:"id"`
			Points float64 `json:"points"`
		} `json:"overall"`
	}
	must(apiCall(t, "GET", base+"/api/v1/contests/"+ct.ID+"/standings", admin, nil, &st), 200, "standings")
	scored := 0
	for _, r := range st.Overall {
		if r.Points > 0 {
			scored++
		}
	}
	if scored != 6 {
		t.Fatalf("%d participants scored after the restart, want the 6 who answered right: %+v", scored, st.Overall)
	}
}
