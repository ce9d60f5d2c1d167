package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"gridskill/seed"
	"gridskill/web/browsertest"
)

// setOffline cuts or restores the phone's network, as a tunnel or a lift does.
func setOffline(offline bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		// Network.emulateNetworkConditions is deprecated but what this Chromium accepts.
		params := map[string]any{"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
		return t.Call(ctx, "Network.emulateNetworkConditions", params, nil)
	})
}

func TestBrowserExamSurvivesLostNetwork(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	phone := b.Phone(t, 90*time.Second)
	var choice []string // ids of the paper's choice questions, answered by a tap
	q := func(n int) string { return `#q-` + choice[n-1] }
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(phone, actions...); err != nil {
			browsertest.Screenshot(t, phone, "exam-failed")
			html, _ := chromedp.Run(phone, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage: %.600s", name, err, html)
		}
	}
	step("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000004"),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#home-exams`))
	step("start the exam",
		chromedp.Navigate(base+"/exams"),
		chromedp.Click(`#open-exams a.button`),
		chromedp.WaitVisible(`#exam-rules`),
		chromedp.Click(`#start`),
		chromedp.WaitVisible(`#paper fieldset.q input`))
	ids, err := chromedp.Run(phone, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#paper fieldset.q')).filter(f => f.dataset.type == 'single' || f.dataset.type == 'truefalse').map(f => f.dataset.q)`))
	if err != nil || len(ids) < 3 {
		t.Fatalf("choice questions on the paper: %v (%v)", ids, err)
	}
	choice = ids
	step("answer online",
		chromedp.Click(q(1)+` input`),
		chromedp.WaitVisible(q(1)+` .qstatus.saved`))
	step("answer offline",
		setOffline(true),
		chromedp.Click(q(2)+` input`),
		chromedp.Click(q(3)+` input`),
		chromedp.WaitVisible(q(3)+` .qstatus.unsent`),
		chromedp.WaitVisible(`#net.offline`))
	queued, err := chromedp.Run(phone, chromedp.Evaluate[string](`(function(){for(var i=0;i<localStorage.length;i++){var k=localStorage.key(i);if(k.indexOf('gs-exam-')==0)return localStorage.getItem(k)}return ''})()`))
	if err != nil || !strings.Contains(queued, `"s":`) {
		t.Fatalf("unsent answers are not kept in the browser: %q (%v)", queued, err)
	}
	browsertest.Screenshot(t, phone, "exam-offline")
	step("back online",
		setOffline(false),
		chromedp.WaitVisible(q(2)+` .qstatus.saved`),
		chromedp.WaitVisible(q(3)+` .qstatus.saved`))
	step("submit",
		chromedp.Click(`#submit`),
		chromedp.WaitVisible(`#confirm-yes`),
		chromedp.Click(`#confirm-yes`),
		chromedp.WaitVisible(`#score`))
	verdict, err := chromedp.Run(phone, chromedp.Text(`#result`))
	if err != nil || !strings.Contains(verdict, "/") {
		t.Fatalf("result page says %q (%v)", verdict, err)
	}
	browsertest.Screenshot(t, phone, "exam-result")
	width, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > browsertest.PhoneWidth {
		t.Fatalf("result page is %d px wide on a %d px phone (%v)", width, browsertest.PhoneWidth, err)
	}
}
