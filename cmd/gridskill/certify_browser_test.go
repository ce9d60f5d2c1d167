package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"gridskill/certify"
	"gridskill/scoring"
	"gridskill/seed"
	"gridskill/web/browsertest"
)

// passedRecords says every worker completed the module and passed the exam.
type passedRecords struct{ at time.Time }

func (p passedRecords) Record(context.Context, string) (scoring.Record, error) {
	return scoring.Record{
		Modules: map[string]scoring.ModuleDone{"m-browser": {Version: 1, At: p.at}},
		Exams:   map[string]scoring.ExamBest{"e-browser": {Score: 95, Passed: true, At: p.at}},
	}, nil
}

// TestBrowserCertificateQROpensVerifyPage issues a certificate in the running
// program, opens it as its holder on a phone, reads the QR code off the
// screen and follows it to the public verify page.
func TestBrowserCertificateQROpensVerifyPage(t *testing.T) {
	b := browsertest.New(t)
	m, base, _ := startMain(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Records and modules come from fakes here: this test is about the page
	// and the QR code, not about how the requirements are met.
	m.certify.Records = passedRecords{at: m.Clock.Now()}
	err := m.certify.SeedProgram(ctx, certify.Program{ID: "browser", Name: "反诈宣传员", IssuerID: seed.DistrictID, ValidityMonths: 24,
		Requirements: scoring.Requirements{
			Modules: []scoring.ModuleReq{{ModuleID: "m-browser", MinVersion: 1}},
			Exams:   []scoring.ExamReq{{ExamID: "e-browser", MinScore: 80}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.certify.RecordChanged(ctx, seed.WorkerID); err != nil {
		t.Fatal(err)
	}

	phone := b.Phone(t, time.Minute)
	err = chromedp.Do(phone,
		chromedp.Navigate(base+"/login?next=/transcript"),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13900000004"),
		chromedp.SendKeys(`#password`, seed.DemoPassword),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`#certificates a`),
		chromedp.Click(`#certificates a`),
		chromedp.WaitVisible(`#cert-qr`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(phone, chromedp.Poll[bool](`document.getElementById('cert-qr').complete && document.getElementById('cert-qr').naturalWidth > 0`)); err != nil {
		t.Fatalf("the QR image does not load: %v", err)
	}
	number, err := chromedp.Run(phone, chromedp.Text(`#cert-number`))
	if err != nil || !strings.HasPrefix(number, "GS-") {
		t.Fatalf("certificate number %q (%v)", number, err)
	}
	browsertest.Screenshot(t, phone, "certificate")
	width, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > browsertest.PhoneWidth {
		t.Fatalf("the certificate is %d px wide on a %d px phone (%v)", width, browsertest.PhoneWidth, err)
	}

	pdf, err := chromedp.Run(phone, chromedp.Action[[]byte](printPDF))
	if err != nil {
		t.Fatal(err)
	}
	// One A4 landscape page: 842 × 595 points.
	if boxes := mediaBoxes.FindAllStringSubmatch(string(pdf), -1); len(boxes) != 1 || !strings.HasPrefix(boxes[0][1], "841.9") || !strings.HasPrefix(boxes[0][2], "59") {
		t.Fatalf("the certificate prints on pages %v, want one A4 landscape page", boxes)
	}
	if dir := os.Getenv("GRIDSKILL_ARTIFACTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "certificate.pdf"), pdf, 0o644)
	}

	shot, err := chromedp.Run(phone, chromedp.ScreenshotScale(`#cert-qr`, 2))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code on the screen does not decode: %v", err)
	}
	link := res.GetText()
	if !strings.HasPrefix(link, base+"/verify/") {
		t.Fatalf("the QR code links to %q, want %s/verify/...", link, base)
	}

	// Anyone can follow it: a second phone, not signed in.
	stranger := b.Phone(t, time.Minute)
	if err := chromedp.Do(stranger, chromedp.Navigate(link), chromedp.WaitVisible(`#verdict`)); err != nil {
		t.Fatal(err)
	}
	verdict, err := chromedp.Run(stranger, chromedp.Text(`#verdict`))
	if err != nil || !strings.Contains(verdict, "证书真实有效") {
		t.Fatalf("the verify page says %q (%v)", verdict, err)
	}
	state, err := chromedp.Run(stranger, chromedp.AttributeValue(`#verify-result`, "data-state"))
	if err != nil || state.Value != "valid" {
		t.Fatalf("verify state %+v (%v)", state, err)
	}
	page, err := chromedp.Run(stranger, chromedp.Text(`main`))
	if err != nil || !strings.Contains(page, number) || !strings.Contains(page, "张*婷") || strings.Contains(page, "张晓婷") {
		t.Fatalf("the verify page shows %q (%v)", page, err)
	}
	browsertest.Screenshot(t, stranger, "verify")
}

var mediaBoxes = regexp.MustCompile(`/MediaBox\s*\[0 0 ([0-9.]+) ([0-9.]+)\]`)

// printPDF prints the page as the browser's print dialog would, honouring
// the page's CSS page size.
func printPDF(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	yes := true
	res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
	return res.Data, err
}
