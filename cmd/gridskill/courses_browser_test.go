package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/seed"
	"gridskill/web/browsertest"
)

// uploadImage posts a small PNG to the media API and returns its URL.
func uploadImage(t *testing.T, base, token string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 300, 120))
	for x := 0; x < 300; x++ {
		for y := 0; y < 120; y += 7 {
			img.Set(x, y, color.RGBA{179, 38, 30, 255})
		}
	}
	var pic, body bytes.Buffer
	_ = png.Encode(&pic, img)
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", "scam.png")
	_, _ = fw.Write(pic.Bytes())
	_ = w.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/media", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ URL string }
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusCreated || out.URL == "" {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	return out.URL
}

// TestBrowserWorkerStudiesModuleOnPhone: a trainer writes a module with an
// image, publishes it and assigns it to street unit-s1 (over the API); the
// worker 13900000004 studies it on a phone-sized browser and completes it.
func TestBrowserWorkerStudiesModuleOnPhone(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	var login struct{ Token string }
	if apiCall(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": "13900000003", "password": seed.DemoPassword}, &login) != 200 {
		t.Fatal("trainer login")
	}
	tok := login.Token
	img := uploadImage(t, base, tok)
	var mod struct{ ID string }
	if apiCall(t, "POST", base+"/api/v1/modules", tok, map[string]any{"title": "冒充客服退款诈骗", "category": "anti_fraud", "minutes": 6, "summary": "认识\"客服退款\"套路"}, &mod) != 201 {
		t.Fatal("create module")
	}
	for _, l := range []map[string]any{
		{"title": "识别套路", "markdown": "## 常见说法\n\n骗子自称**快递客服**，说包裹丢了要理赔。\n\n![退款页面](" + img + ")\n\n- 让你下载会议软件\n- 让你开启屏幕共享"},
		{"title": "怎么应对", "markdown": "## 记住三句话\n\n| 做 | 不做 |\n|---|---|\n| 挂断电话 | 共享屏幕 |\n| 打官方客服核实 | 转账验证 |\n\n<script>alert(1)</script>拿不准就打 **96110**。"},
	} {
		if apiCall(t, "POST", base+"/api/v1/modules/"+mod.ID+"/lessons", tok, l, nil) != 201 {
			t.Fatal("add lesson")
		}
	}
	if apiCall(t, "POST", base+"/api/v1/modules/"+mod.ID+"/publish", tok, map[string]any{}, nil) != 200 {
		t.Fatal("publish")
	}
	due := time.Now().AddDate(0, 0, 14).Format("2006-01-02")
	if apiCall(t, "POST", base+"/api/v1/modules/"+mod.ID+"/assignments", tok, map[string]any{"unitId": seed.Street1ID, "required": true, "due": due}, nil) != 200 {
		t.Fatal("assign")
	}

	phone := b.Phone(t, 60*time.Second)
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(phone, actions...); err != nil {
			browsertest.Screenshot(t, phone, "courses-failed")
			text, _ := chromedp.Run(phone, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage: %.600s", name, err, text)
		}
	}
	link := `#my-learning a[href="/learn/` + mod.ID + `"]`
	step("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000004"),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(link))
	browsertest.Screenshot(t, phone, "courses-my-learning")
	step("open the module and start", chromedp.Click(link), chromedp.WaitVisible(`#start`), chromedp.Click(`#start`), chromedp.WaitVisible(`#lesson .prose img`))
	loaded, err := chromedp.Run(phone, chromedp.Evaluate[bool](`(function(){var i=document.querySelector('#lesson .prose img');return i.complete && i.naturalWidth===300})()`))
	if err != nil || !loaded {
		t.Fatalf("the lesson's image did not load (%v)", err)
	}
	browsertest.Screenshot(t, phone, "courses-lesson")
	width, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > browsertest.PhoneWidth {
		t.Fatalf("lesson page is %d px wide on a %d px phone (%v)", width, browsertest.PhoneWidth, err)
	}
	step("complete lesson 1", chromedp.Click(`#complete`), chromedp.WaitVisible(`#lesson table`))
	scripts, _ := chromedp.Run(phone, chromedp.Evaluate[int](`document.querySelectorAll('#lesson script').length`))
	if scripts != 0 {
		t.Fatal("a script from the lesson text reached the page")
	}
	step("complete lesson 2", chromedp.Click(`#complete`), chromedp.WaitVisible(`#module-done`))
	browsertest.Screenshot(t, phone, "courses-module-done")

	var rec struct {
		Completed []struct {
			ModuleID string
			Version  int
		}
	}
	var wl struct{ Token string }
	apiCall(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": "13900000004", "password": seed.DemoPassword}, &wl)
	if apiCall(t, "GET", base+"/api/v1/records/me", wl.Token, nil, &rec) != 200 || len(rec.Completed) != 1 || rec.Completed[0].ModuleID != mod.ID || rec.Completed[0].Version != 1 {
		t.Fatalf("record after studying: %+v", rec)
	}
	var report struct {
		Units []struct {
			ID                 string
			Workers, Completed int
		}
	}
	apiCall(t, "GET", base+"/api/v1/modules/"+mod.ID+"/report", tok, nil, &report)
	for _, u := range report.Units {
		if u.ID == seed.Grid111ID && u.Completed != 1 {
			t.Fatalf("grid report: %+v", u)
		}
	}
	if !strings.HasPrefix(img, "/media/") {
		t.Fatal(img)
	}
}
