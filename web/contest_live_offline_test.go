package web

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"gridskill/contest"
	"gridskill/seed"
	"gridskill/web/browsertest"
)

// serve runs the rig's app on a local port for a browser and returns its address.
func (r *rig) serve() string {
	r.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		r.t.Fatal(err)
	}
	go func() { _ = r.srv.App.Listener(ln) }()
	r.t.Cleanup(func() { _ = r.srv.App.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// emulateOffline cuts or restores a phone's network (Network.emulateNetworkConditions;
// deprecated, and what this Chromium accepts).
func emulateOffline(offline bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		params := map[string]any{"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
		return t.Call(ctx, "Network.emulateNetworkConditions", params, nil)
	})
}

// blockAnswers makes the phone's answer posts fail as a dead network would,
// while pages and the event stream still load.
func blockAnswers(block bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var patterns []*network.BlockPattern
		if block {
			patterns = []*network.BlockPattern{{URLPattern: "*://*:*/api/v1/live/*/answer", Block: true}}
		}
		_, err := cdp.Call(ctx, t, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: patterns})
		return err
	})
}

// TestBrowserLiveAnswerSentOfflineIsQueuedAndRetried: on a 360 px phone, an
// answer tapped with no network says it is kept and will be sent again, is
// sent when the network is back and then shows as received, counted once; an
// answer that waits offline while its question closes is refused by the
// server and the phone says it was too late. An answer that cannot go out
// is kept through a reload. Never the browser's own error.
func TestBrowserLiveAnswerSentOfflineIsQueuedAndRetried(t *testing.T) {
	b := browsertest.New(t)
	r := contestRig(t)
	r.clock.Set(time.Now()) // the browser judges cookie expiry by its own clock; the round's clock stays still
	base := r.serve()
	admin := r.token("13900000002")
	id, rid := liveContestWith(t, r, admin, roundRequest{Title: "必答题", Kind: contest.Speed})
	host := func(action string) {
		t.Helper()
		r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: action, Round: rid}, 200, nil)
	}
	stored := func() []contest.AnswerRecord {
		t.Helper()
		var out answersResponse
		r.call("GET", "/api/v1/contests/"+id+"/rounds/"+rid+"/answers", admin, nil, 200, &out)
		return out.Answers
	}
	phone := b.Phone(t, 2*time.Minute)
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(phone, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			browsertest.Screenshot(t, phone, "live-offline-failed")
			text, _ := chromedp.Run(phone, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage: %.600s\nlog: %.3000s", name, err, text, r.log.String())
		}
	}
	note := func() string {
		t.Helper()
		text, err := chromedp.Run(phone, chromedp.Text(`#p-send`))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(text, "Failed to fetch") || strings.Contains(text, "fetch") {
			t.Fatalf("the phone shows the browser's error: %q", text)
		}
		return text
	}

	step("sign in and open the round",
		chromedp.Navigate(base+"/login?next=/live/"+id),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000004"),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#p-main .live-phase`))
	host("start")
	host("next")
	step("offline, answer question 1",
		chromedp.WaitVisible(`#live[data-phase=open][data-item="0"] button.opt[data-key=B]:not([disabled])`),
		emulateOffline(true),
		chromedp.Click(`button.opt[data-key=B]`),
		chromedp.WaitVisible(`#p-send[data-state=queued]`))
	if text := note(); !strings.Contains(text, "网络恢复后自动重发") {
		t.Errorf("queued answer: the phone says %q", text)
	}
	if disabled, _ := chromedp.Run(phone, chromedp.Evaluate[bool](`document.querySelector('button.opt[data-key=A]').disabled`)); !disabled {
		t.Error("another option can be tapped while the answer waits to be sent")
	}
	browsertest.Screenshot(t, phone, "live-offline-queued")
	if got := stored(); len(got) != 0 {
		t.Fatalf("stored while the phone is offline: %+v", got)
	}

	step("back online: the answer goes out",
		emulateOffline(false),
		chromedp.WaitVisible(`#p-send[data-state=received]`),
		chromedp.WaitVisible(`button.opt.chosen[data-key=B]`))
	if text := note(); !strings.Contains(text, "答案已收到") {
		t.Errorf("received answer: the phone says %q", text)
	}
	browsertest.Screenshot(t, phone, "live-offline-received")
	if got := stored(); len(got) != 1 || got[0].Item != 0 || strings.Join(got[0].Answer, "") != "B" {
		t.Fatalf("stored after the retry: %+v, want the one answer B to question 1", got)
	}

	host("close")
	host("next")
	step("an answer that cannot go out is kept through a reload",
		chromedp.WaitVisible(`#live[data-phase=open][data-item="1"] button.opt[data-key=C]:not([disabled])`),
		blockAnswers(true),
		chromedp.Click(`button.opt[data-key=C]`),
		chromedp.WaitVisible(`#p-send[data-state=queued]`),
		chromedp.Reload(),
		chromedp.WaitVisible(`#p-send[data-state=queued]`),
		chromedp.WaitVisible(`button.opt.picked[data-key=C]`))
	step("and sent once it can",
		blockAnswers(false),
		chromedp.WaitVisible(`#p-send[data-state=received]`),
		chromedp.WaitVisible(`button.opt.chosen[data-key=C]`))
	if got := stored(); len(got) != 2 {
		t.Fatalf("stored after the reload and retry: %+v, want two answers", got)
	}

	// A second round of the same kind, for the late answer.
	var ct contestJSON
	r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: "close", Round: rid}, 200, nil)
	r.call("POST", "/api/v1/live/"+id+"/host", admin, hostRequest{Action: "finish", Round: rid}, 200, nil)
	r.call("POST", "/api/v1/contests/"+id+"/rounds", admin, roundRequest{Title: "加赛", Kind: contest.Speed}, 201, &ct)
	rid = ct.Rounds[1].ID
	q := questionRequest{Stem: "发现电信诈骗线索应当？", Type: "single", Points: 1000, LimitSec: 20,
		Options: []contest.Option{{Key: "A", Text: "不管"}, {Key: "B", Text: "报告"}}, Correct: []string{"B"}}
	r.call("POST", "/api/v1/contests/"+id+"/rounds/"+rid+"/questions", admin, q, 201, nil)
	host("start")
	host("next")
	step("offline, answer the extra question",
		chromedp.WaitVisible(`#live[data-phase=open][data-item="0"] button.opt[data-key=B]:not([disabled])`),
		emulateOffline(true),
		chromedp.Click(`button.opt[data-key=B]`),
		chromedp.WaitVisible(`#p-send[data-state=queued]`))
	host("close") // while the phone is still offline
	step("back online after the close: too late",
		emulateOffline(false),
		chromedp.WaitVisible(`#p-send[data-state=late]`),
		chromedp.WaitVisible(`#live[data-phase=results][data-item="0"]`))
	if text := note(); !strings.Contains(text, "太迟了") {
		t.Errorf("late answer: the phone says %q", text)
	}
	browsertest.Screenshot(t, phone, "live-offline-too-late")
	if got := stored(); len(got) != 0 {
		t.Fatalf("stored after the late answer: %+v, want nothing", got)
	}
	queued, err := chromedp.Run(phone, chromedp.Evaluate[string](`localStorage.getItem('gridskill.live.' + document.getElementById('live').dataset.contest)`))
	if err != nil || queued != "[]" {
		t.Errorf("the phone still keeps %q (%v), want nothing once the server answered", queued, err)
	}
	width, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > browsertest.PhoneWidth {
		t.Errorf("the phone page is %d px wide on a %d px phone (%v)", width, browsertest.PhoneWidth, err)
	}
}
