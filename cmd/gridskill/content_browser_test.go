package main

import (
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/seed"
	"gridskill/web/browsertest"
)

// TestBrowserShippedLessonsFitAPhone: the demo worker opens every shipped
// lesson on a 360 px phone; none is wider than the screen (no table or long
// line scrolls sideways). The checklists and the new lessons are kept as
// screenshots.
func TestBrowserShippedLessonsFitAPhone(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	dir, _ := fs.Sub(seed.Content, "content/modules")
	mods, err := seed.ReadModules(dir)
	if err != nil {
		t.Fatal(err)
	}
	phone := b.Phone(t, 120*time.Second)
	if err := chromedp.Do(phone,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000004"),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#my-learning`)); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	shots := map[string]bool{"06-checklist": true, "06-12345-work-orders": true, "05-domestic-violence": true, "06-rental-and-shop-safety": true, "05-legal-basis": true}
	for _, m := range mods {
		for _, l := range m.Lessons {
			url := base + "/learn/m-" + m.Input.Slug + "/l-" + l.Slug
			if err := chromedp.Do(phone, chromedp.Navigate(url), chromedp.WaitVisible(`#lesson .prose h2`)); err != nil {
				t.Fatalf("%s: %v", url, err)
			}
			width, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err != nil || width > browsertest.PhoneWidth {
				t.Errorf("%s/%s is %d px wide on a %d px phone (%v)", m.Input.Slug, l.Slug, width, browsertest.PhoneWidth, err)
			}
			if shots[l.Slug] || strings.HasSuffix(l.Slug, "-checklist") {
				browsertest.Screenshot(t, phone, path.Join("content-"+m.Input.Slug+"-"+l.Slug))
			}
		}
	}
}
