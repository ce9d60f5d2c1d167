package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/simplifiedchinese"

	"gridskill/seed"
	"gridskill/web/browsertest"
)

// TestBrowserTrainerImportsGBKBankOnPhone: a trainer uploads, from a phone,
// a question bank saved as CSV by Chinese Excel (GBK, a title row above the
// header, a 备注 column); it is read, the extra column is named as ignored,
// and uploading it again offers skip/update for the duplicate stems without
// choosing the file a second time.
func TestBrowserTrainerImportsGBKBankOnPhone(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	csv := "东湖街道反诈题库,,,,,\n题型,题干,答案,解析,标签,备注\n" +
		"判断,接到自称公检法的电话要求转账到安全账户，应当先挂断再核实。,对,公检法不会要求转账。,反诈,王老师\n" +
		"判断,为了退款可以按对方要求开启屏幕共享。,错,屏幕共享会泄露验证码。,反诈,\n"
	data, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "题库.csv")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	phone := b.Phone(t, 90*time.Second)
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(phone, actions...); err != nil {
			browsertest.Screenshot(t, phone, "import-failed")
			text, _ := chromedp.Run(phone, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage: %.600s", name, err, text)
		}
	}
	upload := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/quiz/import"),
		chromedp.WaitVisible(`#file`),
		chromedp.SetUploadFiles(`#file`, []string{file}),
		chromedp.Click(`form[enctype] button[type=submit]`),
	}
	step("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000003"),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`nav a[href="/quiz"]`))
	step("import the GBK file", append(upload, chromedp.WaitVisible(`#ignored-columns`))...)
	notice, _ := chromedp.Run(phone, chromedp.Text(`#ignored-columns`))
	done, _ := chromedp.Run(phone, chromedp.Text(`.card.flash`))
	if !strings.Contains(notice, "备注") || !strings.Contains(done, "2") {
		t.Fatalf("after the import: notice %q, result %q", notice, done)
	}
	browsertest.Screenshot(t, phone, "import-gbk-done")
	step("upload it again", append(upload, chromedp.WaitVisible(`#dup-skip`))...)
	browsertest.Screenshot(t, phone, "import-gbk-duplicates")
	step("skip the duplicates without choosing the file again", chromedp.Click(`#dup-skip`), chromedp.WaitVisible(`.card.flash`))
	skipped, _ := chromedp.Run(phone, chromedp.Text(`.card.flash`))
	if !strings.Contains(skipped, "2") {
		t.Fatalf("after skipping: %q", skipped)
	}
	width, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > browsertest.PhoneWidth {
		t.Fatalf("the import page is %d px wide on a %d px phone (%v)", width, browsertest.PhoneWidth, err)
	}
}
