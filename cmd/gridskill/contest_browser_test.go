package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/seed"
	"gridskill/web/browsertest"
)

// TestBrowserLiveSpeedRoundWithHostAndThreePhones runs a short live speed
// round in headless Chromium: the host screen drives it, three phones in
// separate browser contexts join with the PIN (signing in on the way) and
// answer, and the host's leaderboard and a phone's result are kept as
// screenshots. A captain round follows: the team's captain answers, a
// member's phone says so and shows the team's result.
func TestBrowserLiveSpeedRoundWithHostAndThreePhones(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	login := func(phone string) string {
		t.Helper()
		var out struct{ Token string }
		if code := apiCall(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": phone, "password": seed.DemoPassword}, &out); code != 200 {
			t.Fatalf("login %s: %d", phone, code)
		}
		return out.Token
	}
	admin := login("13900000002")
	var ct struct {
		ID     string `json:"id"`
		PIN    string `json:"pin"`
		Rounds []struct {
			ID string `json:"id"`
		} `json:"rounds"`
	}
	apiCall(t, "POST", base+"/api/v1/contests", admin, map[string]any{"title": "东湖街道网格员技能大比武", "streak": true}, &ct)
	apiCall(t, "POST", base+"/api/v1/contests/"+ct.ID+"/participants", admin, map[string]any{"units": []string{seed.Community11ID}}, nil)
	apiCall(t, "POST", base+"/api/v1/contests/"+ct.ID+"/rounds", admin, map[string]any{"title": "必答题", "kind": "speed"}, &ct)
	round := ct.Rounds[0].ID
	stems := []string{"发现群众正在向陌生账户转账，网格员应当？", "非法集资的特征不包括？"}
	for _, stem := range stems {
		q := map[string]any{"stem": stem, "type": "single", "points": 1000, "limitSec": 30, "correct": []string{"B"},
			"options": []map[string]string{{"key": "A", "text": "事后再说"}, {"key": "B", "text": "立即劝阻并报告"}, {"key": "C", "text": "与我无关"}}}
		if code := apiCall(t, "POST", base+"/api/v1/contests/"+ct.ID+"/rounds/"+round+"/questions", admin, q, nil); code != 201 {
			t.Fatalf("add question: %d", code)
		}
	}
	var captainRound struct {
		Rounds []struct {
			ID string `json:"id"`
		} `json:"rounds"`
	}
	apiCall(t, "POST", base+"/api/v1/contests/"+ct.ID+"/rounds", admin, map[string]any{"title": "队长必答", "kind": "speed", "captains": true}, &captainRound)
	round2 := captainRound.Rounds[1].ID
	q := map[string]any{"stem": "网格内发现独居老人多日未出门，应当？", "type": "single", "points": 1000, "limitSec": 30, "correct": []string{"A"},
		"options": []map[string]string{{"key": "A", "text": "上门查看并联系家属"}, {"key": "B", "text": "等待居民反映"}}}
	apiCall(t, "POST", base+"/api/v1/contests/"+ct.ID+"/rounds/"+round2+"/questions", admin, q, nil)
	if code := apiCall(t, "POST", base+"/api/v1/contests/"+ct.ID+"/captains", admin, map[string]any{"captains": map[string]string{seed.Community11ID: seed.WorkerID}}, nil); code != 200 {
		t.Fatalf("name the captain: %d", code)
	}
	var users struct {
		Users []struct {
			Phone string `json:"phone"`
		} `json:"users"`
	}
	apiCall(t, "GET", base+"/api/v1/users?role=worker&unit="+seed.Grid112ID, admin, nil, &users)
	if len(users.Users) < 2 {
		t.Fatalf("grid 1-1-2 has %d workers", len(users.Users))
	}
	phoneNumbers := []string{"13900000004", users.Users[0].Phone, users.Users[1].Phone}

	do := func(ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		step, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(step, actions...); err != nil {
			browsertest.Screenshot(t, ctx, "live-failed-"+strings.ReplaceAll(name, " ", "-"))
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage: %.600s", name, err, text)
		}
	}
	host := b.Screen(t, 3*time.Minute)
	do(host, "host signs in",
		chromedp.Navigate(base+"/login?next=/live/"+ct.ID+"/host"),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000002"),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#host-controls`),
		chromedp.WaitVisible(`#s-join img`))

	phones := make([]context.Context, len(phoneNumbers))
	for i, number := range phoneNumbers {
		phones[i] = b.Phone(t, 3*time.Minute)
		do(phones[i], fmt.Sprintf("phone %d joins with the PIN", i+1),
			chromedp.Navigate(base+"/live/join?pin="+ct.PIN),
			chromedp.WaitVisible(`#phone`),
			chromedp.SendKeys(`#phone`, number),
			chromedp.SendKeys(`#password`, seed.DemoPassword),
			chromedp.Click(`button[type=submit]`),
			chromedp.WaitVisible(`#p-main .live-phase`))
	}
	joined, err := chromedp.Run(host, chromedp.Text(`#s-joined`))
	if err != nil {
		t.Fatal(err)
	}
	for tries := 0; joined != "3" && tries < 50; tries++ {
		time.Sleep(100 * time.Millisecond)
		joined, _ = chromedp.Run(host, chromedp.Text(`#s-joined`))
	}
	if joined != "3" {
		t.Fatalf("host screen shows %q joined, want 3", joined)
	}

	do(host, "start the round", chromedp.Click(`button[data-act=start]`), chromedp.WaitVisible(`#stage[data-phase=lobby]`))
	for qi, stem := range stems {
		do(host, "open the question", chromedp.Click(`button[data-act=next]`),
			chromedp.WaitVisible(fmt.Sprintf(`#stage[data-phase=open][data-item="%d"] .stage-options`, qi)))
		for i, p := range phones {
			key := "B"
			if i == 2 && qi == 0 {
				key = "A" // one phone gets the first question wrong
			}
			do(p, fmt.Sprintf("phone %d answers question %d", i+1, qi+1),
				chromedp.WaitVisible(`button.opt[data-key=`+key+`]:not([disabled])`),
				chromedp.Click(`button.opt[data-key=`+key+`]`),
				chromedp.WaitVisible(`button.opt.chosen[data-key=`+key+`]`))
		}
		shown, _ := chromedp.Run(phones[0], chromedp.Text(`.live-stem`))
		if shown != stem {
			t.Errorf("phone shows %q, want %q", shown, stem)
		}
		do(host, "close the question", chromedp.Click(`button[data-act=close]`),
			chromedp.WaitVisible(fmt.Sprintf(`#stage[data-phase=results][data-item="%d"] #s-top`, qi)))
		for i, p := range phones {
			verdict := `#p-result .live-verdict.right`
			if i == 2 && qi == 0 {
				verdict = `#p-result .live-verdict.wrong`
			}
			do(p, fmt.Sprintf("phone %d sees its result", i+1), chromedp.WaitVisible(verdict))
		}
	}
	board, err := chromedp.Run(host, chromedp.Text(`#s-top`))
	if err != nil || !strings.Contains(board, "张晓婷") {
		t.Fatalf("host leaderboard: %q (%v)", board, err)
	}
	browsertest.Screenshot(t, host, "live-host-leaderboard")
	browsertest.Screenshot(t, phones[0], "live-phone-result")

	// A reload comes back to the same state, the answer shown as given.
	do(phones[0], "reload", chromedp.Reload(), chromedp.WaitVisible(`#p-result`), chromedp.WaitVisible(`button.opt.chosen[data-key=B]`))

	// "结束本轮" asks first; the test answers the question as the host would.
	if _, err := chromedp.Run(host, chromedp.Evaluate[bool](`window.confirm = function (m) { window.asked = m; return true; }, true`)); err != nil {
		t.Fatal(err)
	}
	do(host, "finish", chromedp.Click(`button[data-act=finish]`), chromedp.WaitVisible(`#stage[data-phase=podium] #s-top`))
	asked, err := chromedp.Run(host, chromedp.Evaluate[string](`window.asked || ''`))
	if err != nil || !strings.Contains(asked, "结束本轮") {
		t.Fatalf("ending the round asked %q, want a confirmation", asked)
	}
	browsertest.Screenshot(t, host, "live-host-podium")
	width, err := chromedp.Run(phones[0], chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > browsertest.PhoneWidth {
		t.Fatalf("phone page is %d px wide on a %d px phone (%v)", width, browsertest.PhoneWidth, err)
	}

	// The captain round: the demo worker answers for the whole team.
	do(host, "start the captain round", chromedp.SetValue(`#h-round`, round2), chromedp.Click(`button[data-act=start]`),
		chromedp.WaitVisible(`#stage[data-phase=lobby]`), chromedp.Click(`button[data-act=next]`),
		chromedp.WaitVisible(`#stage[data-phase=open][data-item="0"] .stage-options`))
	do(phones[1], "a member's phone names the captain", chromedp.WaitVisible(`#p-captain`), chromedp.WaitVisible(`button.opt[data-key=A][disabled]`))
	if note, _ := chromedp.Run(phones[1], chromedp.Text(`#p-captain`)); !strings.Contains(note, "张晓婷") {
		t.Errorf("member's phone says %q, want the captain 张晓婷", note)
	}
	do(phones[0], "the captain answers", chromedp.Click(`button.opt[data-key=A]:not([disabled])`), chromedp.WaitVisible(`button.opt.chosen[data-key=A]`))
	do(host, "close the captain question", chromedp.Click(`button[data-act=close]`), chromedp.WaitVisible(`#stage[data-phase=results] #s-top`))
	board, err = chromedp.Run(host, chromedp.Text(`#s-top`))
	if err != nil || !strings.Contains(board, "翠苑社区") || !strings.Contains(board, "张晓婷") {
		t.Fatalf("captain round leaderboard: %q (%v), want the team and its captain", board, err)
	}
	do(phones[1], "a member sees the team's result", chromedp.WaitVisible(`#p-result`))
	if res, _ := chromedp.Run(phones[1], chromedp.Text(`#p-result`)); !strings.Contains(res, "1000") {
		t.Errorf("member's phone shows %q, want the team's 1000 points", res)
	}
	browsertest.Screenshot(t, phones[1], "live-phone-captain-round")
}
