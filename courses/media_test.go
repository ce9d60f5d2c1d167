package courses_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"math/rand"
	"strings"
	"testing"

	"gridskill/courses"
	"gridskill/seed"
	"gridskill/store/storetest"
)

// phonePhoto is a photo as a phone takes it: w × h pixels of grain over a
// gradient, a JPEG of several MB, with an EXIF orientation tag when
// orientation > 1 (6: the phone was held upright, the sensor's picture lies on
// its side).
func phonePhoto(t testing.TB, w, h, orientation int) []byte {
	t.Helper()
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
	data := b.Bytes()
	if orientation <= 1 {
		return data
	}
	// APP1: "Exif", a big-endian TIFF header, one IFD with the orientation.
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(orientation), 0, 0, 0, 0, 0, 0}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	return append(append(append([]byte{}, data[:2]...), append(app1, seg...)...), data[2:]...)
}

func TestSaveImageShrinksAPhonePhoto(t *testing.T) {
	f := newFixture(t)
	ctx := storetest.Context(t)
	photo := phonePhoto(t, 4000, 3000, 6)
	if len(photo) < 5<<20 || len(photo) > courses.MaxImageBytes {
		t.Fatalf("the test photo weighs %d bytes; want a phone's 5-10 MB", len(photo))
	}
	// SaveImage does not ask who: a worker's checklist photo goes through it too.
	im, err := f.cs.SaveImage(ctx, seed.WorkerID, photo)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("TurnedUprightAndShrunk", func(t *testing.T) {
		if im.Width != 960 || im.Height != 1280 || im.ContentType != "image/jpeg" {
			t.Fatalf("stored %s %d × %d; want an upright 960 × 1280 JPEG", im.ContentType, im.Width, im.Height)
		}
		if len(im.Data) > 600<<10 {
			t.Fatalf("the shrunk photo weighs %d KB", len(im.Data)>>10)
		}
	})
	t.Run("ServedInPhoneSizes", func(t *testing.T) {
		for _, tc := range []struct {
			id   string
			w, h int
		}{{im.ID + "-480", 480, 640}, {im.ID + "-960", 960, 1280}, {im.ID, 960, 1280}} {
			got, err := f.cs.Image(ctx, tc.id)
			if err != nil {
				t.Fatalf("%s: %v", tc.id, err)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(got.Data))
			if err != nil || cfg.Width != tc.w || cfg.Height != tc.h {
				t.Fatalf("%s is %d × %d (%v); want %d × %d", tc.id, cfg.Width, cfg.Height, err, tc.w, tc.h)
			}
		}
		small, _ := f.cs.Image(ctx, im.ID+"-480")
		if len(small.Data) > 100<<10 {
			t.Fatalf("the phone size weighs %d KB", len(small.Data)>>10)
		}
	})
	t.Run("SmallImageServesItselfForEverySize", func(t *testing.T) {
		png, err := f.cs.SaveImage(ctx, seed.TrainerID, pngOf(300, 120))
		if err != nil || len(png.Sizes) != 0 {
			t.Fatalf("%v; %d copies of a 300 px image", err, len(png.Sizes))
		}
		got, err := f.cs.Image(ctx, png.ID+"-960")
		if err != nil || !bytes.Equal(got.Data, png.Data) {
			t.Fatalf("a size never made: %v", err)
		}
	})
	t.Run("ForgedSizeIsRefused", func(t *testing.T) {
		for _, id := range []string{im.ID + "-100", im.ID + "-", im.ID + "-480-480", "x-480"} {
			if _, err := f.cs.Image(ctx, id); code(err) != "invalid" {
				t.Fatalf("%q: %v", id, err)
			}
		}
	})
	t.Run("LessonImagesAreResponsiveAndLazy", func(t *testing.T) {
		html := courses.Render("![传单](" + im.URL() + ")")
		for _, want := range []string{`srcset="` + im.URL() + `-480 480w, ` + im.URL() + `-960 960w, ` + im.URL() + ` 1280w"`, `loading="lazy"`, `sizes="`} {
			if !strings.Contains(html, want) {
				t.Fatalf("rendered %s; want %s", html, want)
			}
		}
		if again := courses.Sanitize(html); again != html {
			t.Fatalf("sanitizing the rendered lesson again changes it:\n%s\n%s", html, again)
		}
		if got := courses.Sanitize(`<img src="/media/` + strings.Repeat("a", 64) + `" srcset="https://evil.example/x.png 480w">`); strings.Contains(got, "evil") {
			t.Fatalf("a foreign srcset survived: %s", got)
		}
	})
}
