package courses_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"strings"
	"testing"

	"gridskill"
	"gridskill/courses"
	"gridskill/seed"
	"gridskill/store/storetest"
)

// unsafe reports what in sanitized HTML could run script.
func unsafe(html string) string {
	low := strings.ToLower(html)
	for _, url := range []string{"javascript:", "vbscript:", "data:"} {
		if inAttr(html, url) {
			return url
		}
	}
	for _, bad := range []string{"<script", "<svg", "<iframe", "<object", "<embed", "<style", "<form", "<base", "<meta", "<link", "srcdoc"} {
		if strings.Contains(low, bad) {
			return bad
		}
	}
	// An event handler is an attribute named on...: look for one inside a tag.
	for _, tag := range strings.Split(low, "<")[1:] {
		tag, _, _ = strings.Cut(tag, ">")
		for _, f := range strings.Fields(tag)[1:] {
			if strings.HasPrefix(f, "on") {
				return f
			}
		}
	}
	return ""
}

func TestRenderRemovesHostileMarkdown(t *testing.T) {
	tests := []struct{ name, md, keep string }{
		{"ScriptTag", "hello <script>alert(1)</script>", "hello"},
		{"ScriptBlock", "<script>\nalert(1)\n</script>\n\ntext", "text"},
		{"EventHandler", `<img src="/media/` + strings.Repeat("a", 64) + `" onerror="alert(1)">`, ""},
		{"JavascriptLink", "[click](javascript:alert(1))", "click"},
		{"JavascriptLinkEncoded", "[click](jav&#x09;ascript:alert(1))", "click"},
		{"DataURLImage", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", ""},
		{"DataURLLink", "[x](data:text/html,<script>alert(1)</script>)", "x"},
		{"InlineSVG", `<svg onload="alert(1)"><script>alert(1)</script></svg>`, ""},
		{"ExternalImage", "![x](https://evil.example/track.png)", ""},
		{"IframeAndStyle", "ok <iframe src=\"https://evil.example\"></iframe><style>body{display:none}</style>", "ok"},
		{"AutolinkJavascript", "<javascript:alert(1)>", ""},
		{"HTMLEntityTrick", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := courses.Render(tc.md)
			if bad := unsafe(out); bad != "" {
				t.Fatalf("%q survives in %s", bad, out)
			}
			if tc.keep != "" && !strings.Contains(out, tc.keep) {
				t.Fatalf("lost %q: %s", tc.keep, out)
			}
		})
	}
	t.Run("KeepsTablesAndOwnImages", func(t *testing.T) {
		src := "/media/" + strings.Repeat("0", 64)
		out := courses.Render("| a | b |\n|---|---|\n| 1 | 2 |\n\n![图](" + src + ")\n\n[链接](https://example.org)")
		for _, want := range []string{"<table>", "<td>1</td>", `src="` + src + `"`, `href="https://example.org"`, `rel="nofollow`} {
			if !strings.Contains(out, want) {
				t.Errorf("missing %s in %s", want, out)
			}
		}
	})
}

func FuzzSanitizedOutputHasNoScript(f *testing.F) {
	for _, s := range []string{"<script>alert(1)</script>", "[a](javascript:x)", `<img src=x onerror=alert(1)>`, "<svg/onload=alert(1)>",
		"<<script>script>", "<scr<script>ipt>", "![a](data:text/html,x)", "<a href=\"jAvAsCrIpT:x\">y</a>", "`<script>`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		out := courses.Render(md)
		if bad := unsafe(out); bad != "" {
			t.Fatalf("%q survives in %s (from %q)", bad, out, md)
		}
	})
}

// inAttr reports whether s appears inside a tag (an attribute value).
func inAttr(html, s string) bool {
	for _, tag := range strings.Split(strings.ToLower(html), "<")[1:] {
		tag, _, _ = strings.Cut(tag, ">")
		if strings.Contains(tag, s) {
			return true
		}
	}
	return false
}

func pngOf(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

func TestUploadImage(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	trainer := f.user(seed.TrainerID)
	// A PNG header claiming 100000 × 100000 pixels: refused before decoding.
	huge := pngOf(8, 8)
	copy(huge[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	binary.BigEndian.PutUint32(huge[29:33], crc32.ChecksumIEEE(huge[12:29]))
	tests := []struct {
		name  string
		actor string
		data  []byte
		want  string
	}{
		{"SVGIsRefused", seed.TrainerID, []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>`), gridskill.EINVALID},
		{"HTMLIsRefused", seed.TrainerID, []byte("<html><script>alert(1)</script></html>"), gridskill.EINVALID},
		{"TruncatedPNGIsRefused", seed.TrainerID, pngOf(40, 40)[:60], gridskill.EINVALID},
		{"HugeDimensionsAreRefused", seed.TrainerID, huge, gridskill.ETOOLARGE},
		{"HeavyFileIsRefused", seed.TrainerID, append(pngOf(4, 4), make([]byte, courses.MaxImageBytes)...), gridskill.ETOOLARGE},
		{"WorkerIsForbidden", seed.WorkerID, pngOf(4, 4), gridskill.EFORBIDDEN},
		{"RealPNGIsStored", seed.TrainerID, pngOf(40, 20), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			im, err := f.cs.UploadImage(ctx, f.user(tc.actor), tc.data)
			if code(err) != tc.want {
				t.Fatalf("got %v; want %q", err, tc.want)
			}
			if tc.want != "" {
				return
			}
			got, err := f.cs.Image(ctx, im.ID)
			if err != nil || got.Width != 40 || got.Height != 20 || got.ContentType != "image/png" {
				t.Fatalf("stored %+v %v", got, err)
			}
		})
	}
	t.Run("AppendedPayloadIsDropped", func(t *testing.T) {
		data := append(pngOf(10, 10), []byte("<script>alert(1)</script>")...)
		im, err := f.cs.UploadImage(ctx, trainer, data)
		if err != nil || bytes.Contains(im.Data, []byte("script")) {
			t.Fatalf("%v; stored bytes keep the payload: %v", err, bytes.Contains(im.Data, []byte("script")))
		}
	})
	t.Run("EachFormatIsReencoded", func(t *testing.T) {
		// gradient.webp is a 150 × 100 lossy WebP from golang.org/x/image's test data.
		webp, err := os.ReadFile("testdata/gradient.webp")
		if err != nil {
			t.Fatal(err)
		}
		src := image.NewPaletted(image.Rect(0, 0, 30, 10), color.Palette{color.White, color.Black})
		var jpg, gf bytes.Buffer
		if err := jpeg.Encode(&jpg, src, nil); err != nil {
			t.Fatal(err)
		}
		if err := gif.Encode(&gf, src, nil); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, want string
			data       []byte
			w, h       int
		}{
			{"WebPAsJPEG", "image/jpeg", webp, 150, 100},
			{"JPEGAsJPEG", "image/jpeg", jpg.Bytes(), 30, 10},
			{"GIFAsPNG", "image/png", gf.Bytes(), 30, 10},
		} {
			im, err := f.cs.UploadImage(ctx, trainer, tc.data)
			if err != nil || im.ContentType != tc.want || im.Width != tc.w || im.Height != tc.h {
				t.Fatalf("%s: stored %s %d × %d, %v", tc.name, im.ContentType, im.Width, im.Height, err)
			}
		}
	})
	t.Run("FormatRegisteredElsewhereIsRefused", func(t *testing.T) {
		// Any package in the binary may register a decoder with image; an
		// upload is still one of the four formats or refused.
		image.RegisterFormat("fake", "FAKE", func(io.Reader) (image.Image, error) {
			return image.NewRGBA(image.Rect(0, 0, 4, 4)), nil
		}, func(io.Reader) (image.Config, error) {
			return image.Config{ColorModel: color.RGBAModel, Width: 4, Height: 4}, nil
		})
		if _, err := f.cs.UploadImage(ctx, trainer, []byte("FAKE image")); code(err) != gridskill.EINVALID {
			t.Fatalf("a registered format outside the four: %v", err)
		}
	})
	if _, err := f.cs.Image(ctx, "../../etc/passwd"); code(err) != gridskill.EINVALID {
		t.Fatalf("forged image id: %v", err)
	}
}
