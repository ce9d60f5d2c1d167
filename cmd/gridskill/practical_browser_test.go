package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/seed"
	"gridskill/web/browsertest"
)

// photoFile writes a small camera-like PNG for a file input.
func photoFile(t *testing.T, name string, tint uint8) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for x := 0; x < 320; x++ {
		for y := 0; y < 240; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), tint, 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tap clicks the element as a finger would, wherever a full-page screenshot
// left the viewport.
func tap(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector('` + sel + `').click()`)
}

// TestBrowserChecklistWithPhotosReturnedResubmittedAndCounted: the street
// admin assigns a two-item checklist to the worker 13900000004 with
// themself as mentor (over the API). On a 360×740 phone the worker records
// an item with photos and a note (typed while offline: the draft is sent
// when the phone is back online) and a count, and submits. The admin, on
// another phone, returns the photo item with a comment and accepts the
// other; the worker adds a photo and resubmits; the admin accepts; the
// worker's learning record shows the checklist's hours.
func TestBrowserChecklistWithPhotosReturnedResubmittedAndCounted(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	var login struct{ Token string }
	if apiCall(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": seed.DemoLogins()[1].Phone, "password": seed.DemoPassword}, &login) != 200 {
		t.Fatal("admin login")
	}
	tok := login.Token
	var cl struct{ ID string }
	if apiCall(t, "POST", base+"/api/v1/checklists", tok, map[string]any{"title": "入户走访练习", "hours": 2.5, "items": []map[string]any{
		{"heading": "民情侦探", "description": "走访1户独居老人，拍照并记录情况", "evidence": []string{"photo", "note"}, "times": 1},
		{"heading": "宣传先锋", "description": "向沿街商铺发放反诈宣传单", "evidence": []string{"count"}, "times": 3},
	}}, &cl) != 201 {
		t.Fatal("create checklist")
	}
	var assigned struct{ Tasks []struct{ ID string } }
	due := time.Now().AddDate(0, 0, 14).Format("2006-01-02")
	if apiCall(t, "POST", base+"/api/v1/checklists/"+cl.ID+"/tasks", tok, map[string]any{"phones": []string{seed.DemoLogins()[3].Phone}, "mentor": seed.DemoLogins()[1].Phone, "due": due}, &assigned) != 201 || len(assigned.Tasks) != 1 {
		t.Fatal("assign")
	}
	task := base + "/tasks/" + assigned.Tasks[0].ID

	worker, mentor := b.Phone(t, 4*time.Minute), b.Phone(t, 4*time.Minute)
	step := func(phone context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(phone, actions...); err != nil {
			browsertest.Screenshot(t, phone, "practical-failed")
			text, _ := chromedp.Run(phone, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage: %.800s", name, err, text)
		}
	}
	signIn := func(phone context.Context, number string) {
		t.Helper()
		step(phone, "sign in "+number, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`#phone`),
			chromedp.SendKeys(`#phone`, number), chromedp.SendKeys(`#password`, seed.DemoPassword),
			chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`#home-practical`))
	}
	signIn(worker, seed.DemoLogins()[3].Phone)
	signIn(mentor, seed.DemoLogins()[1].Phone)

	step(worker, "open the task from my list", chromedp.Navigate(base+"/tasks"), chromedp.WaitVisible(`#doing a`), chromedp.Click(`#doing a`), chromedp.WaitVisible(`#i1 textarea`))
	step(worker, "first photo", chromedp.SetUploadFiles(`#file-i1`, []string{photoFile(t, "老人家中.png", 40)}), tap(`#i1 form.photo button`), chromedp.WaitVisible(`#i1 .photos img`))
	step(worker, "second photo", chromedp.SetUploadFiles(`#file-i1`, []string{photoFile(t, "门口.png", 200)}), tap(`#i1 form.photo button`), chromedp.WaitVisible(`#i1 .photos img:nth-child(2)`))
	// The note is typed with the network gone: it waits on the phone and is sent once back online.
	step(worker, "type offline", setOffline(true), chromedp.SendKeys(`#note-i1`, "王大爷独居，身体尚好，提醒他防范保健品推销"), chromedp.Sleep(1500*time.Millisecond))
	draft, _ := chromedp.Run(worker, chromedp.Evaluate[string](`localStorage.getItem('gs-task:`+assigned.Tasks[0].ID+`:i1') || ''`))
	if !strings.Contains(draft, "王大爷独居") {
		t.Fatalf("no draft kept on the phone while offline: %q", draft)
	}
	step(worker, "back online", setOffline(false), chromedp.WaitVisible(`#i1 .qstatus.saved`))
	step(worker, "count", chromedp.SendKeys(`#count-i2`, "3"), chromedp.WaitVisible(`#i2 .qstatus.saved`))
	browsertest.Screenshot(t, worker, "practical-recorded")
	var held struct {
		Entries map[string]struct {
			Note   string
			Count  int
			Photos []string
		}
	}
	var wlogin struct{ Token string }
	apiCall(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": seed.DemoLogins()[3].Phone, "password": seed.DemoPassword}, &wlogin)
	apiCall(t, "GET", base+"/api/v1/tasks/"+assigned.Tasks[0].ID, wlogin.Token, nil, &held)
	if e := held.Entries["i1"]; !strings.Contains(e.Note, "王大爷独居") || len(e.Photos) != 2 || held.Entries["i2"].Count != 3 {
		t.Fatalf("the server holds %+v", held.Entries)
	}
	step(worker, "submit", tap(`#submit button`), chromedp.WaitNotPresent(`#submit`))

	step(mentor, "open the submitted task", chromedp.Navigate(task), chromedp.WaitVisible(`#i1 form.review-item`))
	browsertest.Screenshot(t, mentor, "practical-mentor-review")
	step(mentor, "return the photo item", chromedp.SendKeys(`#comment-i1`, "请补拍一张老人家中燃气灶的照片"), tap(`#i1 button[value=return]`), chromedp.WaitNotPresent(`#i1 form.review-item`))
	step(mentor, "accept the count", tap(`#i2 button[value=accept]`), chromedp.WaitNotPresent(`#i2 form.review-item`))

	step(worker, "see the return", chromedp.Navigate(task), chromedp.WaitVisible(`#i1 .note`))
	browsertest.Screenshot(t, worker, "practical-returned")
	step(worker, "add the photo asked for", chromedp.SetUploadFiles(`#file-i1`, []string{photoFile(t, "燃气灶.png", 120)}), tap(`#i1 form.photo button`), chromedp.WaitVisible(`#i1 .photos img:nth-child(3)`))
	step(worker, "resubmit", tap(`#submit button`), chromedp.WaitNotPresent(`#submit`))

	step(mentor, "accept the resubmission", chromedp.Navigate(task), chromedp.WaitVisible(`#i1 form.review-item`), tap(`#i1 button[value=accept]`), chromedp.WaitNotPresent(`#i1 form.review-item`))
	state, _ := chromedp.Run(mentor, chromedp.Text(`#task-state`))
	if !strings.Contains(state, "已通过") {
		t.Fatalf("the task after the last acceptance: %q", state)
	}

	step(worker, "my learning record", chromedp.Navigate(base+"/learn/record"), chromedp.WaitVisible(`#offline-hours`))
	hours, _ := chromedp.Run(worker, chromedp.Text(`#offline-hours`))
	total, _ := chromedp.Run(worker, chromedp.Text(`#total-hours`))
	browsertest.Screenshot(t, worker, "practical-hours-on-record")
	if !strings.Contains(hours, "2.5") || !strings.Contains(total, "2.5") {
		t.Fatalf("the record shows offline %q, total %q; want the checklist's 2.5 hours", hours, total)
	}
	width, err := chromedp.Run(worker, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > browsertest.PhoneWidth {
		t.Fatalf("page is %d px wide on a %d px phone (%v)", width, browsertest.PhoneWidth, err)
	}
}
