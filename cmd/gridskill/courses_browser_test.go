package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"math/rand"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridskill/seed"
	"gridskill/web/browsertest"
)

// phonePhoto is a photo as a phone takes it: 4000 × 3000 pixels of grain
// over a gradient, a JPEG of about 6 MB.
func phonePhoto(t *testing.T) []byte {
	t.Helper()
	w, h := 4000, 3000
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewSource(1))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Y[y*img.YStride+x] = uint8((x*255/w+y*128/h)/2 + r.Intn(44))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(100+r.Intn(40)), uint8(120+r.Intn(30))
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	if b.Len() < 5<<20 {
		t.Fatalf("the test photo weighs %d bytes; want a phone's 6 MB", b.Len())
	}
	return b.Bytes()
}

// uploadImage posts a picture to the media API and returns its URL.
func uploadImage(t *testing.T, base, token string, pic []byte) string {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", "IMG_20261201_093012.jpg")
	_, _ = fw.Write(pic)
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

// TestBrowserWorkerStudiesModuleOnPhone: a trainer writes a module with a
// 6 MB phone photo, publishes it and assigns it to street unit-s1 (over the
// API); the worker 13900000004 studies it on a phone-sized browser, where the
// lesson with its photo weighs under 150 KB and its phone numbers stay on one
// line, and completes it after each lesson's minimum reading time.
func TestBrowserWorkerStudiesModuleOnPhone(t *testing.T) {
	b := browsertest.New(t)
	_, base, _ := startMain(t, "")
	var login struct{ Token string }
	if apiCall(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"phone": "13900000003", "password": seed.DemoPassword}, &login) != 200 {
		t.Fatal("trainer login")
	}
	tok := login.Token
	img := uploadImage(t, base, tok, phonePhoto(t))
	var mod struct{ ID string }
	if apiCall(t, "POST", base+"/api/v1/modules", tok, map[string]any{"title": "冒充客服退款诈骗", "category": "anti_fraud", "minutes": 2, "summary": "认识\"客服退款\"套路"}, &mod) != 201 {
		t.Fatal("create module")
	}
	for _, l := range []map[string]any{
		{"title": "识别套路", "markdown": "![退款页面](" + img + ")\n\n## 常见说法\n\n骗子自称**快递客服**，说包裹丢了要理赔。\n\n| 求助渠道 | 电话 |\n|---|---|\n| 反诈专线（全国统一，接听后请按提示说明情况） | 96110 |\n| 社区民警（遇到拿不准的情况时先打这个电话） | 13812345678 |\n\n- 让你下载会议软件\n- 让你开启屏幕共享"},
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

	phone := b.Phone(t, 120*time.Second)
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
	step("open the module and start", chromedp.Click(link), chromedp.WaitVisible(`#start`), chromedp.Click(`#start`), chromedp.WaitVisible(`#lesson .prose img`),
		chromedp.Poll[chromedp.Void](`(function(){var i=document.querySelector('#lesson .prose img');return i.complete && i.naturalWidth>0})()`, chromedp.WithPollingTimeout(20*time.Second)))
	loaded, err := chromedp.Run(phone, chromedp.Evaluate[string](`document.querySelector('#lesson .prose img').currentSrc`))
	if err != nil || !strings.HasSuffix(loaded, img+"-480") {
		t.Fatalf("the phone loaded the lesson's photo from %q; want the 480 px copy (%v)", loaded, err)
	}
	weight, err := chromedp.Run(phone, chromedp.Evaluate[int](`(function(){var n=performance.getEntriesByType('navigation')[0].transferSize;performance.getEntriesByType('resource').forEach(function(r){n+=Math.max(r.transferSize,r.encodedBodySize)});return n})()`))
	if err != nil || weight == 0 || weight > 150<<10 {
		t.Fatalf("the lesson with its photo weighs %d bytes on the wire; want under 150 KB (%v)", weight, err)
	}
	t.Logf("the lesson with a 6 MB photo weighs %d KB on the wire", weight>>10)
	wrapped, err := chromedp.Run(phone, chromedp.Evaluate[int](`(function(){var n=0;document.querySelectorAll('#lesson td').forEach(function(td){if(/^[0-9]+$/.test(td.textContent)){var r=document.createRange();r.selectNodeContents(td);if(r.getClientRects().length>1)n++}});return n})()`))
	if err != nil || wrapped != 0 {
		t.Fatalf("%d phone numbers break across lines (%v)", wrapped, err)
	}
	browsertest.Screenshot(t, phone, "courses-lesson")
	early, _ := chromedp.Run(phone, chromedp.Evaluate[bool](`document.getElementById('complete').disabled`))
	if !early {
		t.Fatal("the complete button is enabled before the lesson's minimum reading time")
	}
	width, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > browsertest.PhoneWidth {
		t.Fatalf("lesson page is %d px wide on a %d px phone (%v)", width, browsertest.PhoneWidth, err)
	}
	wait := chromedp.Poll[chromedp.Void](`!document.getElementById('complete').disabled`, chromedp.WithPollingTimeout(25*time.Second))
	step("complete lesson 1", wait, chromedp.Click(`#complete`), chromedp.WaitVisible(`#lesson table`), chromedp.WaitVisible(`#ready-note`))
	scripts, _ := chromedp.Run(phone, chromedp.Evaluate[int](`document.querySelectorAll('#lesson script').length`))
	if scripts != 0 {
		t.Fatal("a script from the lesson text reached the page")
	}
	step("complete lesson 2", wait, chromedp.Click(`#complete`), chromedp.WaitVisible(`#module-done`))
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
