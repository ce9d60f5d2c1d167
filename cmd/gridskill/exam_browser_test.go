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
		if _, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
		}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	})
}

func TestBrowserExamSurvivesLostNetwork(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	phone := b.Phone(t, 90*time.Second)
	q := func(n int) string { return `#paper fieldset.q:nth-of-type(` + string(rune('0'+n)) + `)` }
	err := chromedp.Do(phone,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000004"),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`main h1`),
		chromedp.Navigate(base+"/exams"),
		chromedp.Click(`#open-exams a.button`),
		chromedp.WaitVisible(q(1)+` input`),
		chromedp.Click(q(1)+` input`),
		chromedp.WaitVisible(q(1)+` .qstatus.saved`),
		setOffline(true),
		chromedp.Click(q(2)+` input`),
		chromedp.Click(q(3)+` input`),
		chromedp.WaitVisible(q(3)+` .qstatus.unsent`),
		chromedp.WaitVisible(`#net.offline`),
	)
	if err != nil {
		t.Fatal(err)
	}
	queued, err := chromedp.Run(phone, chromedp.Evaluate[string](`(function(){for(var i=0;i<localStorage.length;i++){var k=localStorage.key(i);if(k.indexOf('gs-exam-')==0)return localStorage.getItem(k)}return ''})()`))
	if err != nil || !strings.Contains(queued, `"s":`) {
		t.Fatalf("unsent answers are not kept in the browser: %q (%v)", queued, err)
	}
	browsertest.Screenshot(t, phone, "exam-offline")
	err = chromedp.Do(phone,
		setOffline(false),
		chromedp.WaitVisible(q(2)+` .qstatus.saved`),
		chromedp.WaitVisible(q(3)+` .qstatus.saved`),
		chromedp.Click(`#submit`),
		chromedp.Click(`#submit`),
		chromedp.WaitVisible(`#score`),
	)
	if err != nil {
		t.Fatal(err)
	}
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
