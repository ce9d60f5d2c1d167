package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/contest"
	"gridskill/seed"
	"gridskill/web/browsertest"
)

// rect is an element's box in the viewport, as the browser lays it out.
type rect struct {
	Sel                      string
	Top, Bottom, Left, Right float64
	Shown                    bool
}

// boxes measures every element matching each selector.
func boxes(ctx context.Context, sels ...string) ([]rect, error) {
	js := fmt.Sprintf(`(function(sels){var out=[];sels.forEach(function(s){document.querySelectorAll(s).forEach(function(e){
		var r=e.getBoundingClientRect(),st=getComputedStyle(e);
		out.push({Sel:s,Top:r.top,Bottom:r.bottom,Left:r.left,Right:r.right,Shown:st.display!=='none'&&st.visibility!=='hidden'&&r.width>0&&r.height>0});});});
		return JSON.stringify(out);})(%s)`, jsonText(sels))
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		return nil, err
	}
	var out []rect
	return out, json.Unmarshal([]byte(s), &out)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// inView fails unless every selector matches at least one shown element
// and every match lies inside a w×h viewport.
func inView(t *testing.T, ctx context.Context, what string, w, h float64, sels ...string) {
	t.Helper()
	got, err := boxes(ctx, sels...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, s := range sels {
		found := false
		for _, r := range got {
			if r.Sel != s {
				continue
			}
			found = true
			if !r.Shown || r.Top < 0 || r.Left < 0 || r.Bottom > h+0.5 || r.Right > w+0.5 {
				t.Errorf("%s: %s at %+v, outside the %v×%v viewport or hidden", what, s, r, w, h)
			}
		}
		if !found {
			t.Errorf("%s: no %s on the page", what, s)
		}
	}
}

// TestBrowserLivePhoneIsAGameScreen plays a speed, a buzzer and a wager
// question on a 360×640 phone and measures the page: during a question no
// site header shows, and the countdown, every answer tile, the buzz button,
// the stake choices, "received" and the verdict all lie inside the
// viewport without scrolling. The projected screen's leaderboard and
// podium fit 1366×768.
func TestBrowserLivePhoneIsAGameScreen(t *testing.T) {
	b := browsertest.New(t)
	r := contestRig(t)
	r.clock.Set(time.Now())
	base := r.serve()
	admin := r.token("13900000002")
	phone := b.Phone(t, 3*time.Minute)
	const w, h = 360, 640
	step := func(ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(c, actions...); err != nil {
			browsertest.Screenshot(t, ctx, "live-game-failed")
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage: %.600s", name, err, text)
		}
	}
	step(phone, "a 360×640 phone signs in", chromedp.EmulateViewport(w, h),
		chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000004"), chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`), chromedp.WaitNotPresent(`#password`))
	hostOf := func(id, rid string) func(string) {
		return func(action string) {
			t.Helper()
			r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: action, Round: rid}, 200, nil)
		}
	}
	noHeader := func(what string) {
		t.Helper()
		got, err := boxes(phone, "header.top", "footer")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range got {
			if r.Shown {
				t.Errorf("%s: %s shows during the question", what, r.Sel)
			}
		}
	}

	// Speed: the tiles, the countdown, then received and the verdict.
	id, rid := liveContestWith(t, r, admin, roundRequest{Title: "必答题", Kind: contest.Speed})
	host := hostOf(id, rid)
	host("start")
	step(phone, "open the round", chromedp.Navigate(base+"/live/"+id), chromedp.WaitVisible(`#p-main .live-phase`))
	host("next")
	step(phone, "the question opens", chromedp.WaitVisible(`#live[data-phase=open] button.opt[data-key=C]`))
	noHeader("open")
	inView(t, phone, "open", w, h, "#p-clock", "button.opt", "button.opt .shape", ".live-stem")
	browsertest.Screenshot(t, phone, "live-game-open")
	step(phone, "answer B", chromedp.Click(`button.opt[data-key=B]`), chromedp.WaitVisible(`#p-send[data-state=received]`),
		chromedp.WaitVisible(`button.opt.chosen[data-key=B] .mark`))
	inView(t, phone, "received", w, h, "#p-send", "button.opt.chosen")
	browsertest.Screenshot(t, phone, "live-game-received")
	host("close")
	step(phone, "the verdict", chromedp.WaitVisible(`#live[data-phase=results] .live-verdict`))
	noHeader("results")
	inView(t, phone, "results", w, h, ".live-verdict", "button.opt.right", "#p-result")
	browsertest.Screenshot(t, phone, "live-game-verdict")

	// The projected screen's leaderboard at 1366×768.
	var ct contestJSON
	r.call("GET", "/api/v1/contests/"+id, admin, nil, 200, &ct)
	screen := b.Screen(t, 2*time.Minute)
	step(screen, "the big screen shows the leaderboard", chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(base+ct.ScreenURL), chromedp.WaitVisible(`#stage[data-phase=results] #s-top`))
	inView(t, screen, "leaderboard", 1366, 768, "#s-top", "#s-top tr", ".stage-options")
	browsertest.Screenshot(t, screen, "live-screen-leaderboard")
	host("next")
	host("close")
	host("finish")
	step(screen, "the podium", chromedp.WaitVisible(`#stage[data-phase=podium] #s-podium .p1`), chromedp.Sleep(4500*time.Millisecond))
	inView(t, screen, "podium", 1366, 768, "#s-podium .p1", "#s-podium .p3", "#s-top")
	browsertest.Screenshot(t, screen, "live-screen-podium")
	if hosty, _ := chromedp.Run(screen, chromedp.Evaluate[int](`document.querySelectorAll('#host-controls, button[data-act]').length`)); hosty != 0 {
		t.Errorf("the projected screen shows %d host controls", hosty)
	}

	// The presenter view: each control says what it does now; one that
	// cannot act says why when pressed.
	presenter := b.Screen(t, time.Minute)
	step(presenter, "the host signs in", chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000002"), chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`), chromedp.WaitNotPresent(`#password`),
		chromedp.Navigate(base+"/live/"+id+"/host"), chromedp.WaitVisible(`#stage[data-phase=podium] button.primary[data-act=start]`),
		chromedp.Click(`button[data-act=close]`), chromedp.WaitVisible(`#h-msg`))
	if text, _ := chromedp.Run(presenter, chromedp.Text(`#h-msg`)); !strings.Contains(text, "没有正在作答的题目") {
		t.Errorf("pressing close on the podium says %q, want why it cannot", text)
	}
	if text, _ := chromedp.Run(presenter, chromedp.Text(`button[data-act=start]`)); text != "开始本轮" {
		t.Errorf("the start button says %q", text)
	}
	browsertest.Screenshot(t, presenter, "live-host-presenter")

	// Buzzer: the buzz button is in reach above the tiles.
	id, rid = liveContestWith(t, r, admin, roundRequest{Title: "抢答题", Kind: contest.Buzzer, AnswerSec: 10, PassOn: true})
	host = hostOf(id, rid)
	host("start")
	step(phone, "open the buzzer round", chromedp.Navigate(base+"/live/"+id), chromedp.WaitVisible(`#p-main .live-phase`))
	host("next")
	step(phone, "the buzzer opens", chromedp.WaitVisible(`#live[data-phase=open] #p-buzz`))
	noHeader("buzzer")
	inView(t, phone, "buzzer", w, h, "#p-buzz", "button.opt", "#p-clock")
	browsertest.Screenshot(t, phone, "live-game-buzzer")
	step(phone, "a tile tapped before buzzing says why", chromedp.Click(`button.opt[data-key=A]`), chromedp.WaitVisible(`#p-send[data-state=refused]`))
	if text, _ := chromedp.Run(phone, chromedp.Text(`#p-send`)); !strings.Contains(text, "请先抢答") {
		t.Errorf("a tile tapped before buzzing says %q, want why it cannot answer", text)
	}
	step(phone, "buzz and answer", chromedp.Click(`#p-buzz`), chromedp.WaitVisible(`#live[data-phase=answering] button.opt[data-key=B]:not([aria-disabled=true])`),
		chromedp.Click(`button.opt[data-key=B]`), chromedp.WaitVisible(`#live[data-phase=results] .live-verdict.right`))
	inView(t, phone, "buzzer verdict", w, h, ".live-verdict")

	// Wager: the stake choices fill the screen.
	id, rid = liveContestWith(t, r, admin, roundRequest{Title: "风险题", Kind: contest.Wager, Stakes: []int{100, 200, 300}})
	host = hostOf(id, rid)
	host("start")
	step(phone, "open the wager round", chromedp.Navigate(base+"/live/"+id), chromedp.WaitVisible(`#p-main .live-phase`))
	host("next")
	step(phone, "staking", chromedp.WaitVisible(`#live[data-phase=staking] button.opt[data-stake="300"]`))
	noHeader("staking")
	inView(t, phone, "staking", w, h, "button.opt.stake", "#p-clock")
	step(phone, "stake 300", chromedp.Click(`button.opt[data-stake="300"]`), chromedp.WaitVisible(`button.opt.chosen[data-stake="300"]`))
	browsertest.Screenshot(t, phone, "live-game-stake")
	height, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.scrollingElement.scrollHeight`))
	if err != nil || height > h {
		t.Errorf("the staking page scrolls: %d px tall on a %d px phone (%v)", height, h, err)
	}
}
