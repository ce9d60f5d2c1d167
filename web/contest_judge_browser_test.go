package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/contest"
	"gridskill/seed"
	"gridskill/web/browsertest"
)

// TestBrowserJudgeOnAPhoneAndAdvancement runs a judge task: the organizer
// sets a weighted score sheet on a desktop, a judge scores on a 360×640
// phone, the performer is refused, and the closed task shows each judge's
// score; then a second contest takes the top entrant of the first from the
// editor, and both contests' pages show who advanced from where.
func TestBrowserJudgeOnAPhoneAndAdvancement(t *testing.T) {
	b := browsertest.New(t)
	r := contestRig(t)
	r.clock.Set(time.Now())
	base := r.serve()
	admin := r.token("13900000002")
	step := func(ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(c, actions...); err != nil {
			browsertest.Screenshot(t, ctx, "judge-failed")
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage: %.600s", name, err, text)
		}
	}
	signIn := func(ctx context.Context, phone string) {
		t.Helper()
		step(ctx, phone+" signs in", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`#phone`),
			chromedp.SendKeys(`#phone`, phone), chromedp.SendKeys(`#password`, seed.DemoPassword),
			chromedp.Click(`button[type=submit]`), chromedp.WaitNotPresent(`#password`))
	}

	id, speed := liveContest(t, r, admin, contest.Speed)
	host := func(action, round string) {
		t.Helper()
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: action, Round: round}, 200, nil)
	}
	var ct contestJSON
	r.call("POST", "/api/v1/contests/"+id+"/rounds", admin, roundRequest{Title: "情景处置", Kind: contest.Judge}, 201, &ct)
	judgeRound := ct.Rounds[1].ID
	r.call("POST", "/api/v1/contests/"+id+"/rounds/"+judgeRound+"/tasks", admin, taskRequest{Title: "邻里噪音纠纷调解", PerformerID: seed.WorkerID}, 201, nil)
	var others usersResponse
	r.call("GET", "/api/v1/users?role=worker&unit="+seed.Grid112ID, admin, nil, 200, &others)
	judgePhone, second := others.Users[0].Phone, others.Users[1].Phone
	r.call("POST", "/api/v1/contests/"+id+"/rounds/"+judgeRound+"/judges", admin, judgesRequest{Phones: []string{judgePhone, second, "13900000004"}}, 200, nil)

	// The organizer's desktop: the score sheet through the editor.
	desk := b.Screen(t, 3*time.Minute)
	signIn(desk, "13900000002")
	step(desk, "the editor sets the score sheet", chromedp.Navigate(base+"/contests/"+id), chromedp.WaitVisible(`#round-`+judgeRound),
		chromedp.SetValue(`#criteria-`+judgeRound, "程序规范 30, 沟通技巧 40, 处置效果 30"),
		chromedp.Submit(`#criteria-`+judgeRound), chromedp.WaitVisible(`#audit`))
	page, _ := chromedp.Run(desk, chromedp.Evaluate[string](`document.body.innerText`))
	if !strings.Contains(page, "程序规范 30") || !strings.Contains(page, "回避打分") || !strings.Contains(page, "设置了评分表") {
		t.Errorf("the editor does not show the sheet, the excluded performer and the audit entry: %.800s", page)
	}
	browsertest.Screenshot(t, desk, "judge-editor")
	step(desk, "the organizer invites a guest judge", chromedp.SetValue(`#guest-`+judgeRound, "王教授"),
		chromedp.Submit(`#guest-`+judgeRound), chromedp.WaitVisible(`#guest-code`))
	code, _ := chromedp.Run(desk, chromedp.Evaluate[string](`document.getElementById('guest-code').textContent`))
	browsertest.Screenshot(t, desk, "judge-guest-invited")

	// The speed round first, so the overall has a ranking, then the task.
	host("start", speed)
	host("next", speed)
	host("show", speed)
	r.call("POST", "/api/v1/live/"+id+"/answer", r.token("13900000004"), J{"item": 0, "answer": []string{"B"}}, 200, nil)
	host("close", speed)
	host("finish", speed)
	host("start", judgeRound)
	host("next", judgeRound)

	phone := b.Phone(t, 3*time.Minute)
	step(phone, "a 360×640 phone", chromedp.EmulateViewport(360, 640))
	signIn(phone, judgePhone)
	step(phone, "the judge opens the round", chromedp.Navigate(base+"/live/"+id), chromedp.WaitVisible(`#p-mark-2`))
	sheet, _ := chromedp.Run(phone, chromedp.Evaluate[string](`document.querySelector('form.live-judge').innerText`))
	if !strings.Contains(sheet, "程序规范") || !strings.Contains(sheet, "满分 40") {
		t.Errorf("the judge's form does not name each criterion and its full mark: %q", sheet)
	}
	browsertest.Screenshot(t, phone, "judge-phone-sheet")
	step(phone, "the judge scores each criterion", chromedp.SendKeys(`#p-mark-0`, "25"), chromedp.SendKeys(`#p-mark-1`, "33"),
		chromedp.SendKeys(`#p-mark-2`, "27"), chromedp.Click(`form.live-judge button[type=submit]`), chromedp.WaitNotPresent(`#p-mark-0`))
	browsertest.Screenshot(t, phone, "judge-phone-scored")
	r.call("POST", "/api/v1/live/"+id+"/score", r.token("13900000004"), J{"item": 0, "score": 100}, 403, nil) // the performer
	r.call("POST", "/api/v1/live/"+id+"/score", r.token(second), J{"item": 0, "marks": []float64{28, 35, 27}}, 200, nil)

	// The guest judge joins by the code on another phone, without a password.
	guest := b.Phone(t, 3*time.Minute)
	step(guest, "a 360×640 phone", chromedp.EmulateViewport(360, 640))
	step(guest, "the guest types the code", chromedp.Navigate(base+"/judge"), chromedp.WaitVisible(`#code`),
		chromedp.SendKeys(`#code`, code), chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`#p-mark-2`))
	browsertest.Screenshot(t, guest, "judge-guest-sheet")
	step(guest, "the guest scores", chromedp.SendKeys(`#p-mark-0`, "30"), chromedp.SendKeys(`#p-mark-1`, "40"),
		chromedp.SendKeys(`#p-mark-2`, "30"), chromedp.Click(`form.live-judge button[type=submit]`), chromedp.WaitNotPresent(`#p-mark-0`))
	host("close", judgeRound)
	step(phone, "the panel shows", chromedp.WaitVisible(`#live[data-phase=results]`), chromedp.WaitVisible(`#p-panel`))
	breakdown, _ := chromedp.Run(phone, chromedp.Evaluate[string](`document.getElementById('p-panel').innerText`))
	if !strings.Contains(breakdown, "王教授: 100 (作为最高分去掉)") || !strings.Contains(breakdown, ": 85 (作为最低分去掉)") || !strings.Contains(breakdown, "去掉一个最高分") {
		t.Errorf("the phone's panel breakdown: %q", breakdown)
	}
	browsertest.Screenshot(t, phone, "judge-phone-results")
	step(guest, "the guest's panel shows", chromedp.WaitVisible(`#p-panel`))
	browsertest.Screenshot(t, guest, "judge-guest-results")
	step(guest, "the guest cannot open the editor", chromedp.Navigate(base+"/contests/"+id), chromedp.WaitReady(`body`))
	if text, _ := chromedp.Run(guest, chromedp.Evaluate[string](`document.body.innerText`)); strings.Contains(text, "情景处置") || !strings.Contains(text, "特邀评委") {
		t.Errorf("a guest judge opened the editor: %.300s", text)
	}
	host("finish", judgeRound)

	// The street final takes the top entrant of this contest.
	var final contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "东湖街道决赛"}, 201, &final)
	step(desk, "the final's editor takes the top entrant", chromedp.Navigate(base+"/contests/"+final.ID),
		chromedp.Click(`#advance-from summary`), chromedp.SetValue(`#from-contest`, id), chromedp.SetValue(`#from-top`, "1"),
		chromedp.Submit(`#from-top`), chromedp.WaitVisible(`#chain`))
	page, _ = chromedp.Run(desk, chromedp.Evaluate[string](`document.getElementById('chain').innerText`))
	if !strings.Contains(page, "张晓婷") || !strings.Contains(page, "东湖街道技能大比武") {
		t.Errorf("the final does not say who advanced from where: %q", page)
	}
	browsertest.Screenshot(t, desk, "judge-advanced")
	step(desk, "the first contest's results say where its entrants went", chromedp.Navigate(base+"/contests/"+id+"/results"), chromedp.WaitVisible(`#chain`))
	page, _ = chromedp.Run(desk, chromedp.Evaluate[string](`document.getElementById('chain').innerText`))
	if !strings.Contains(page, "东湖街道决赛") {
		t.Errorf("the first contest does not name the final: %q", page)
	}
	page, _ = chromedp.Run(desk, chromedp.Evaluate[string](`document.body.innerText`))
	if !strings.Contains(page, "程序规范 25 · 沟通技巧 33 · 处置效果 27") || !strings.Contains(page, "王教授: 100") {
		t.Errorf("the results do not show each judge's marks per criterion: %.1200s", page)
	}
	browsertest.Screenshot(t, desk, "judge-feeds")
}
