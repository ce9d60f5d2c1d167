package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/seed"
	"gridskill/web/browsertest"
)

func signIn(ctx context.Context, base, phone, next string) error {
	return chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?next="+next),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, phone),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
	)
}

// TestBrowserDashboardOnPhoneAndDesktop: a street admin on a phone sees the
// dashboard with its tables as cards and no sideways scrolling, sends a
// reminder from a chasing list, and the worker finds it behind the badge on
// their home page and clears it; a district admin on a desktop sees the
// charts beside ordinary tables.
func TestBrowserDashboardOnPhoneAndDesktop(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")

	admin := b.Phone(t, time.Minute)
	if err := signIn(admin, base, "13900000002", "/"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(admin, chromedp.WaitVisible(`#dash-total`), chromedp.WaitVisible(`#dash-table`)); err != nil {
		t.Fatalf("no dashboard on the street admin's home page: %v", err)
	}
	display, err := chromedp.Run(admin, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#dash-table td')).display`))
	if err != nil || display != "flex" {
		t.Fatalf("at phone width a dashboard cell displays as %q (%v), want a card row", display, err)
	}
	wide, err := chromedp.Run(admin, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil || wide {
		t.Fatalf("the dashboard scrolls sideways on a phone (%v)", err)
	}
	browsertest.Screenshot(t, admin, "dashboard-phone")
	if err := chromedp.Do(admin, chromedp.Navigate(base+"/dashboard/gaps"), chromedp.WaitVisible(`#heatmap`)); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, admin, "heatmap-phone")
	err = chromedp.Do(admin,
		chromedp.Navigate(base+"/dashboard/people?metric=required-missing&unit="+seed.Grid111ID),
		chromedp.WaitVisible(`#remind`),
		chromedp.Click(`#remind`),
		chromedp.WaitVisible(`.flash`),
	)
	if err != nil {
		t.Fatalf("reminding from the chasing list: %v", err)
	}
	flash, _ := chromedp.Run(admin, chromedp.Text(`.flash`))
	if !strings.Contains(flash, "已发送提醒") {
		t.Fatalf("after the reminder the page says %q", flash)
	}
	browsertest.Screenshot(t, admin, "chasing-list-phone")

	worker := b.Phone(t, time.Minute)
	if err := signIn(worker, base, "13900000004", "/"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(worker, chromedp.WaitVisible(`#home-notices .badge`)); err != nil {
		t.Fatalf("no badge on the worker's home page: %v", err)
	}
	browsertest.Screenshot(t, worker, "notices-badge-phone")
	err = chromedp.Do(worker,
		chromedp.Click(`#home-notices`),
		chromedp.WaitVisible(`#notices`),
		chromedp.Click(`#clear-all`),
		chromedp.WaitNotPresent(`#notices`),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#home-notices`),
	)
	if err != nil {
		t.Fatalf("clearing the notices: %v", err)
	}
	if n, _ := chromedp.Run(worker, chromedp.Evaluate[int](`document.querySelectorAll('#home-notices .badge').length`)); n != 0 {
		t.Fatal("the badge stays after clearing every notice")
	}

	desk := b.Screen(t, time.Minute)
	if err := signIn(desk, base, "13900000001", "/dashboard"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(desk, chromedp.WaitVisible(`#dash-units svg`), chromedp.WaitVisible(`#dash-trend svg`)); err != nil {
		t.Fatalf("no charts on the desktop dashboard: %v", err)
	}
	display, err = chromedp.Run(desk, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#dash-table td')).display`))
	if err != nil || display != "table-cell" {
		t.Fatalf("at desktop width a dashboard cell displays as %q (%v)", display, err)
	}
	browsertest.Screenshot(t, desk, "dashboard-desktop")
}
