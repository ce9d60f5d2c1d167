package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/contest"
	"gridskill/seed"
	"gridskill/web/browsertest"
)

// TestBrowserWholeContest plays a whole 技能大比武 as a street would: an
// online preliminary, then on stage a speed round, a buzzer round with
// pass-on, a wager round and a judge task scored by a guest judge who joined
// by code, with the presenter view, the projected screen and three phones
// at 360×640; then the top entrants go on to the street final. Bad input on
// the way: a false start, a stake outside the set, the performer scoring
// their own task, and editing a round already played.
func TestBrowserWholeContest(t *testing.T) {
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
			browsertest.Screenshot(t, ctx, "whole-failed")
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage: %.600s", name, err, text)
		}
	}
	text := func(ctx context.Context, sel string) string {
		t.Helper()
		s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+"`"+sel+"`"+`)||{}).innerText||''`))
		return s
	}
	signIn := func(ctx context.Context, phone string) {
		t.Helper()
		step(ctx, phone+" signs in", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`#phone`),
			chromedp.SendKeys(`#phone`, phone), chromedp.SendKeys(`#password`, seed.DemoPassword),
			chromedp.Click(`button[type=submit]`), chromedp.WaitNotPresent(`#password`))
	}

	// The contest: grid 1-1-1's workers, five rounds.
	var ct contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "东湖街道网格员技能大比武", Streak: true}, 201, &ct)
	id := ct.ID
	r.call("POST", "/api/v1/contests/"+id+"/participants", admin, participantsRequest{Units: []string{seed.Grid111ID}}, 200, &ct)
	now := r.clock.Now()
	addRound := func(req roundRequest) string {
		t.Helper()
		r.call("POST", "/api/v1/contests/"+id+"/rounds", admin, req, 201, &ct)
		return ct.Rounds[len(ct.Rounds)-1].ID
	}
	question := func(rid, stem string) {
		t.Helper()
		r.call("POST", "/api/v1/contests/"+id+"/rounds/"+rid+"/questions", admin, questionRequest{Stem: stem, Type: "single", Points: 1000, LimitSec: 30,
			Options: []contest.Option{{Key: "A", Text: "事后再说"}, {Key: "B", Text: "立即劝阻并报告"}, {Key: "C", Text: "与我无关"}}, Correct: []string{"B"}}, 201, nil)
	}
	prelim := addRound(roundRequest{Title: "线上初赛", Kind: contest.Online, Count: 3, OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(24 * time.Hour), DurationSec: 1800})
	speed := addRound(roundRequest{Title: "必答题", Kind: contest.Speed})
	question(speed, "发现群众正在向陌生账户转账，网格员应当？")
	buzzer := addRound(roundRequest{Title: "抢答题", Kind: contest.Buzzer, ReadSec: 5, AnswerSec: 10, PassOn: true})
	question(buzzer, "接到“冒充公检法”电话的居民求助，应当？")
	wager := addRound(roundRequest{Title: "风险题", Kind: contest.Wager, Stakes: []int{100, 200, 300}})
	question(wager, "发现非法集资宣传单，应当？")
	judge := addRound(roundRequest{Title: "情景模拟", Kind: contest.Judge})
	r.call("POST", "/api/v1/contests/"+id+"/rounds/"+judge+"/tasks", admin, taskRequest{Title: "邻里噪音纠纷调解", PerformerID: seed.WorkerID}, 201, &ct)
	var others usersResponse
	r.call("GET", "/api/v1/users?role=worker&unit="+seed.Grid112ID, admin, nil, 200, &others)
	r.call("POST", "/api/v1/contests/"+id+"/rounds/"+judge+"/judges", admin, judgesRequest{Phones: []string{others.Users[0].Phone, others.Users[1].Phone}}, 200, nil)
	onlineExam := ct.Rounds[0].ExamID

	var mates usersResponse
	r.call("GET", "/api/v1/users?role=worker&unit="+seed.Grid111ID+"&limit=50", admin, nil, 200, &mates)
	numbers := []string{"13900000004"}
	for _, u := range mates.Users {
		if len(numbers) < 3 && u.Phone != "13900000004" {
			numbers = append(numbers, u.Phone)
		}
	}
	tokens := make([]string, len(numbers))
	for i, n := range numbers {
		tokens[i] = r.token(n)
	}

	// The preliminary, sat online as an exam; the quickest ranks first.
	for i, tok := range tokens {
		var att struct {
			ID string `json:"id"`
		}
		r.call("POST", "/api/v1/exams/"+onlineExam+"/attempts", tok, nil, 201, &att)
		r.clock.Advance(time.Duration(i+1) * time.Minute)
		r.call("POST", "/api/v1/attempts/"+att.ID+"/submit", tok, nil, 200, nil)
	}
	r.call("POST", "/api/v1/contests/"+id+"/rounds/"+prelim+"/close", admin, nil, 200, nil)

	// The organizer's desktop invites a guest judge from outside the street.
	desk := b.Screen(t, 5*time.Minute)
	signIn(desk, "13900000002")
	step(desk, "the organizer invites a guest judge", chromedp.Navigate(base+"/contests/"+id), chromedp.WaitVisible(`#guest-`+judge),
		chromedp.SetValue(`#guest-`+judge, "王教授"), chromedp.Submit(`#guest-`+judge), chromedp.WaitVisible(`#guest-code`))
	code := text(desk, "#guest-code")
	browsertest.Screenshot(t, desk, "whole-guest-invited")

	// The presenter view, the projected screen and three phones.
	presenter := b.Screen(t, 5*time.Minute)
	step(presenter, "a 1366×768 presenter view", chromedp.EmulateViewport(1366, 768))
	signIn(presenter, "13900000002")
	step(presenter, "the presenter view opens", chromedp.Navigate(base+"/live/"+id+"/host"), chromedp.WaitVisible(`#host-controls`))
	screen := b.Screen(t, 5*time.Minute)
	step(screen, "the projected screen opens", chromedp.EmulateViewport(1366, 768), chromedp.Navigate(base+ct.ScreenURL), chromedp.WaitVisible(`#stage`))
	phones := make([]context.Context, len(numbers))
	for i, n := range numbers {
		phones[i] = b.Phone(t, 5*time.Minute)
		step(phones[i], fmt.Sprintf("phone %d at 360×640", i+1), chromedp.EmulateViewport(360, 640),
			chromedp.Navigate(base+"/live/join?pin="+ct.PIN), chromedp.WaitVisible(`#phone`),
			chromedp.SendKeys(`#phone`, n), chromedp.SendKeys(`#password`, seed.DemoPassword),
			chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`#p-main .live-phase`))
	}
	press := func(act, round string, phase string) {
		t.Helper()
		if round != "" {
			step(presenter, "choose the round", chromedp.SetValue(`#h-round`, round))
		}
		step(presenter, "press "+act, chromedp.Click(`button[data-act=`+act+`]`), chromedp.WaitVisible(`#stage[data-phase=`+phase+`]`))
	}
	played := func(round string) {
		t.Helper()
		r.call("PUT", "/api/v1/contests/"+id+"/rounds/"+round, admin, roundRequest{Title: "赛后改名", AnswerSec: 10}, 409, nil)
	}
	if _, err := chromedp.Run(presenter, chromedp.Evaluate[bool](`window.confirm = function () { return true; }, true`)); err != nil {
		t.Fatal(err)
	}

	// Speed.
	press("start", speed, "lobby")
	press("next", "", "open")
	for i, p := range phones {
		step(p, fmt.Sprintf("phone %d answers", i+1), chromedp.WaitVisible(`button.opt[data-key=B]:not([disabled])`),
			chromedp.Click(`button.opt[data-key=B]`), chromedp.WaitVisible(`button.opt.chosen[data-key=B]`))
	}
	browsertest.Screenshot(t, phones[0], "whole-speed-phone")
	press("close", "", "results")
	step(screen, "the screen's leaderboard", chromedp.WaitVisible(`#stage[data-phase=results] #s-top`))
	browsertest.Screenshot(t, screen, "whole-speed-screen")
	press("finish", "", "podium")
	played(speed)

	// Buzzer with pass-on: a false start, one wrong buzz, the button comes back.
	press("start", buzzer, "lobby")
	press("next", "", "reading")
	r.call("POST", "/api/v1/live/"+id+"/buzz", tokens[2], J{"item": 0}, 409, nil) // a false start, ignored
	press("show", "", "open")
	step(phones[0], "phone 1 buzzes", chromedp.WaitVisible(`#p-buzz:not([disabled])`), chromedp.Click(`#p-buzz`))
	r.clock.Advance(1100 * time.Millisecond) // the buzz window
	step(phones[0], "phone 1 answers wrong", chromedp.WaitVisible(`#live[data-phase=answering] button.opt[data-key=A]:not([aria-disabled=true])`),
		chromedp.Click(`button.opt[data-key=A]`))
	browsertest.Screenshot(t, presenter, "whole-buzzer-presenter")
	step(phones[1], "the buzz button comes back", chromedp.WaitVisible(`#live[data-phase=open] #p-buzz:not([disabled])`))
	browsertest.Screenshot(t, phones[1], "whole-buzzer-back")
	step(phones[1], "phone 2 buzzes", chromedp.Click(`#p-buzz`))
	r.clock.Advance(1100 * time.Millisecond)
	step(phones[1], "phone 2 answers right", chromedp.WaitVisible(`#live[data-phase=answering] button.opt[data-key=B]:not([aria-disabled=true])`),
		chromedp.Click(`button.opt[data-key=B]`), chromedp.WaitVisible(`#live[data-phase=results] .live-verdict.right`))
	step(presenter, "the buzz order with times", chromedp.WaitVisible(`#stage[data-phase=results]`))
	browsertest.Screenshot(t, screen, "whole-buzzer-screen")
	press("finish", "", "podium")
	played(buzzer)

	// Wager: a stake outside the set is refused; stakes are revealed with the answer.
	press("start", wager, "lobby")
	press("next", "", "staking")
	r.call("POST", "/api/v1/live/"+id+"/stake", tokens[2], J{"item": 0, "stake": 250}, 400, nil)
	for i, p := range phones {
		v := []string{"300", "100", "200"}[i]
		step(p, fmt.Sprintf("phone %d stakes %s", i+1, v), chromedp.WaitVisible(`button.opt[data-stake="`+v+`"]`),
			chromedp.Click(`button.opt[data-stake="`+v+`"]`), chromedp.WaitVisible(`button.opt.chosen[data-stake="`+v+`"]`))
	}
	browsertest.Screenshot(t, phones[0], "whole-wager-stake")
	browsertest.Screenshot(t, presenter, "whole-wager-presenter")
	press("show", "", "open")
	for i, p := range phones {
		key := []string{"B", "A", "B"}[i]
		step(p, fmt.Sprintf("phone %d answers the wager", i+1), chromedp.WaitVisible(`button.opt[data-key=`+key+`]:not([disabled])`),
			chromedp.Click(`button.opt[data-key=`+key+`]`), chromedp.WaitVisible(`button.opt.chosen[data-key=`+key+`]`))
	}
	press("close", "", "results")
	browsertest.Screenshot(t, screen, "whole-wager-screen")
	press("finish", "", "podium")
	played(wager)

	// The judge task: two judges of the area and the guest, who joins by code.
	guest := b.Phone(t, 5*time.Minute)
	step(guest, "the guest judge's phone", chromedp.EmulateViewport(360, 640), chromedp.Navigate(base+"/judge"), chromedp.WaitVisible(`#code`),
		chromedp.SendKeys(`#code`, code), chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`#p-main .live-phase`))
	press("start", judge, "lobby")
	press("next", "", "judging")
	step(guest, "the guest's score form", chromedp.WaitVisible(`#p-score`))
	browsertest.Screenshot(t, guest, "whole-guest-judge")
	r.call("POST", "/api/v1/live/"+id+"/score", tokens[0], J{"item": 0, "score": 100}, 403, nil) // the performer
	step(guest, "the guest scores", chromedp.SendKeys(`#p-score`, "95"), chromedp.Click(`form.live-judge button[type=submit]`), chromedp.WaitNotPresent(`#p-score`))
	r.call("POST", "/api/v1/live/"+id+"/score", r.token(others.Users[0].Phone), J{"item": 0, "score": 80}, 200, nil)
	r.call("POST", "/api/v1/live/"+id+"/score", r.token(others.Users[1].Phone), J{"item": 0, "score": 88}, 200, nil)
	press("close", "", "results")
	step(presenter, "the panel on the presenter view", chromedp.WaitVisible(`#s-panel`))
	if p := text(presenter, "#s-panel"); !strings.Contains(p, "王教授: 95") {
		t.Errorf("the presenter's panel: %q", p)
	}
	step(screen, "the panel on the projected screen", chromedp.WaitVisible(`#s-panel`))
	browsertest.Screenshot(t, screen, "whole-judge-screen")
	step(guest, "the panel on the guest's phone", chromedp.WaitVisible(`#p-panel`))
	browsertest.Screenshot(t, presenter, "whole-judge-presenter")
	browsertest.Screenshot(t, guest, "whole-judge-guest")
	press("finish", "", "podium")
	step(screen, "the contest's podium", chromedp.WaitVisible(`#stage[data-phase=podium]`))
	browsertest.Screenshot(t, screen, "whole-podium")
	played(judge)
	r.call("DELETE", "/api/v1/contests/"+id, admin, nil, 409, nil)

	// The street final takes the top two.
	var final contestJSON
	r.call("POST", "/api/v1/contests", admin, contestCreateRequest{Title: "东湖街道决赛"}, 201, &final)
	step(desk, "the final takes the top two", chromedp.Navigate(base+"/contests/"+final.ID),
		chromedp.Click(`#advance-from summary`), chromedp.SetValue(`#from-contest`, id), chromedp.SetValue(`#from-top`, "2"),
		chromedp.Submit(`#from-top`), chromedp.WaitVisible(`#chain`))
	if chain := text(desk, "#chain"); !strings.Contains(chain, "东湖街道网格员技能大比武") {
		t.Errorf("the final does not say where its entrants came from: %q", chain)
	}
	r.call("GET", "/api/v1/contests/"+final.ID, admin, nil, 200, &final)
	if len(final.Participants) != 2 {
		t.Errorf("the final has %d participants, want the top two", len(final.Participants))
	}
	browsertest.Screenshot(t, desk, "whole-final")
}
