package courses

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/draw"
	_ "image/gif" // registers GIF with image.Decode
	"image/jpeg"
	"image/png"
	"time"

	_ "golang.org/x/image/webp" // registers WebP with image.Decode

	"gridskill"
)

// Image limits: what an upload may weigh and measure.
const (
	MaxImageBytes  = 2 << 20
	MaxImageSide   = 4096
	MaxImagePixels = 12_000_000
)

// Image is a stored, re-encoded image, addressed by the SHA-256 of its bytes.
type Image struct {
	ID          string
	ContentType string
	Data        []byte
	Width       int
	Height      int
	UploadedBy  string
	UploadedAt  time.Time
}

// URL is where the image is served.
func (im Image) URL() string { return "/media/" + im.ID }

// ValidMediaID reports whether s has the shape of an image id.
func ValidMediaID(s string) bool { return mediaPattern.MatchString(s) }

// processImage checks an upload is a real PNG, JPEG, GIF or WebP image of
// reasonable size and re-encodes it (PNG, or JPEG for photos), which drops
// metadata and anything appended or hidden in the file. SVG and every other
// type are refused, a format some other package registers with image
// included. Errors: invalid, too_large.
func processImage(data []byte) (Image, error) {
	if len(data) == 0 {
		return Image{}, gridskill.Errorf(gridskill.EINVALID, "the image file is empty")
	}
	if len(data) > MaxImageBytes {
		return Image{}, gridskill.Errorf(gridskill.ETOOLARGE, "the image is larger than %d MB", MaxImageBytes>>20)
	}
	// Measure before decoding, so a small file claiming a huge picture is refused cheaply.
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	photo, known := uploadFormat(format)
	switch {
	case errors.Is(err, image.ErrFormat) || err == nil && !known:
		return Image{}, gridskill.Errorf(gridskill.EINVALID, "only PNG, JPEG, GIF and WebP images can be uploaded")
	case err != nil:
		return Image{}, gridskill.Errorf(gridskill.EINVALID, "the file is not a readable image")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide || cfg.Width*cfg.Height > MaxImagePixels {
		return Image{}, gridskill.Errorf(gridskill.ETOOLARGE, "the image is larger than %d × %d pixels", MaxImageSide, MaxImageSide)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Image{}, gridskill.Errorf(gridskill.EINVALID, "the file is not a readable image")
	}
	return reencode(img, photo)
}

// uploadFormat reports whether an upload may be of the format that image
// names, and whether it is a photo, re-encoded as JPEG rather than PNG.
func uploadFormat(name string) (photo, ok bool) {
	switch name {
	case "png", "gif":
		return false, true
	case "jpeg", "webp":
		return true, true
	}
	return false, false
}

// reencode writes img as PNG, or as JPEG on white for a photo.
func reencode(img image.Image, photo bool) (Image, error) {
	var out bytes.Buffer
	var err error
	ct := "image/png"
	if photo {
		ct = "image/jpeg"
		rgba := image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), image.White, image.Point{}, draw.Src)
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Over)
		err = jpeg.Encode(&out, rgba, &jpeg.Options{Quality: 85})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
	}
	if err != nil {
		return Image{}, gridskill.Internal(err)
	}
	if out.Len() > 2*MaxImageBytes {
		return Image{}, gridskill.Errorf(gridskill.ETOOLARGE, "the image is larger than %d MB", MaxImageBytes>>20)
	}
	sum := sha256.Sum256(out.Bytes())
	b := img.Bounds()
	return Image{ID: hex.EncodeToString(sum[:]), ContentType: ct, Data: out.Bytes(), Width: b.Dx(), Height: b.Dy()}, nil
}
