package courses

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"image"
	_ "image/gif" // registers GIF with image.Decode
	"image/jpeg"
	"image/png"
	"strings"
	"time"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers WebP with image.Decode

	"gridskill"
)

// Image limits: what an upload may weigh and measure. A phone's photo (up to
// 10 MB, 8,000 px on its long side) is accepted and shrunk.
const (
	MaxImageBytes  = 10 << 20
	MaxImageSide   = 8192
	MaxImagePixels = 50_000_000
)

// ImageWidths are the sizes a stored image is served in: the largest is the
// image itself, at most ImageWidths' last on its long side; the smaller are
// made at upload for phones (srcset), when the image is larger than they are.
var ImageWidths = []int{480, 960, 1280}

// Image is a stored, re-encoded image, addressed by the SHA-256 of its bytes.
type Image struct {
	ID          string
	ContentType string
	Data        []byte
	Width       int
	Height      int
	UploadedBy  string
	UploadedAt  time.Time
	// Sizes are the smaller copies made for phones, by width; not stored with the image.
	Sizes map[int][]byte
}

// URL is where the image is served.
func (im Image) URL() string { return "/media/" + im.ID }

// ValidMediaID reports whether s has the shape of an image id.
func ValidMediaID(s string) bool { return mediaPattern.MatchString(s) }

// SaveImage checks, shrinks and stores an image uploaded by the account
// uploadedBy, for any feature that keeps pictures (lesson images, covers,
// checklist evidence photos): a PNG, JPEG, GIF or WebP of at most
// MaxImageBytes, turned the right way up by its EXIF orientation, shrunk to at
// most 1280 px on its long side and re-encoded (JPEG for photos, PNG for
// drawings), which drops its metadata, with copies 480 and 960 px wide for
// phones. It does not check who may upload: the caller does. The same picture
// saved twice is stored once. The image is served at its URL, to anyone who
// has the link, and the copies at URL+"-480" and URL+"-960".
// Errors: invalid, too_large, internal.
func (s *Service) SaveImage(ctx context.Context, uploadedBy string, data []byte) (Image, error) {
	im, err := processImage(data)
	if err != nil {
		return Image{}, err
	}
	im.UploadedBy, im.UploadedAt = uploadedBy, s.clock.Now()
	// The copies first: the image's own id names them, so a crash in between
	// leaves copies nobody links to yet, and the retry finds them stored.
	for w, b := range im.Sizes {
		d := mediaDoc{ID: im.ID + "-" + itoa(w), ContentType: im.ContentType, Data: b, UploadedBy: uploadedBy, UploadedAt: im.UploadedAt}
		if err := s.repo.insertMedia(ctx, d); err != nil {
			return Image{}, err
		}
	}
	err = s.repo.insertMedia(ctx, mediaDoc{ID: im.ID, ContentType: im.ContentType, Data: im.Data, Width: im.Width, Height: im.Height, UploadedBy: im.UploadedBy, UploadedAt: im.UploadedAt})
	return im, err
}

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
	if format == "jpeg" {
		img = orient(img, exifOrientation(data))
	}
	img = shrink(img, ImageWidths[len(ImageWidths)-1])
	im, err := reencode(img, photo)
	if err != nil {
		return Image{}, err
	}
	im.Sizes = map[int][]byte{}
	for _, w := range ImageWidths[:len(ImageWidths)-1] {
		if im.Width <= w {
			break
		}
		small, err := encode(scaleTo(img, w, im.Height*w/im.Width), photo)
		if err != nil {
			return Image{}, err
		}
		im.Sizes[w] = small
	}
	return im, nil
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

// shrink scales img down so that its long side is at most side; a smaller
// image is returned as it is.
func shrink(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if max(w, h) <= side {
		return img
	}
	if w >= h {
		return scaleTo(img, side, max(1, h*side/w))
	}
	return scaleTo(img, max(1, w*side/h), side)
}

// scaleTo resamples img to w × h with Catmull-Rom, sharp enough for text in
// a photographed leaflet.
func scaleTo(img image.Image, w, h int) image.Image {
	dst := image.NewRGBA(image.Rect(0, 0, max(1, w), max(1, h)))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Over, nil)
	return dst
}

// reencode writes img as PNG, or as JPEG on white for a photo.
func reencode(img image.Image, photo bool) (Image, error) {
	data, err := encode(img, photo)
	if err != nil {
		return Image{}, err
	}
	ct := "image/png"
	if photo {
		ct = "image/jpeg"
	}
	sum := sha256.Sum256(data)
	b := img.Bounds()
	return Image{ID: hex.EncodeToString(sum[:]), ContentType: ct, Data: data, Width: b.Dx(), Height: b.Dy()}, nil
}

func encode(img image.Image, photo bool) ([]byte, error) {
	var out bytes.Buffer
	var err error
	if photo {
		rgba := image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), image.White, image.Point{}, draw.Src)
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Over)
		err = jpeg.Encode(&out, rgba, &jpeg.Options{Quality: 80})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
	}
	if err != nil {
		return nil, gridskill.Internal(err)
	}
	return out.Bytes(), nil
}

// mediaVariant splits a served id into the image's id and a width, 0 for
// the image itself; ok is false for anything else.
func mediaVariant(id string) (base string, width int, ok bool) {
	base, w, cut := strings.Cut(id, "-")
	if !ValidMediaID(base) {
		return "", 0, false
	}
	if !cut {
		return base, 0, true
	}
	for _, v := range ImageWidths[:len(ImageWidths)-1] {
		if w == itoa(v) {
			return base, v, true
		}
	}
	return "", 0, false
}

// exifOrientation reads the orientation tag (1 to 8) of a JPEG's EXIF
// block, 1 when there is none or it cannot be read.
func exifOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker, size := data[i+1], int(binary.BigEndian.Uint16(data[i+2:]))
		if marker == 0xDA || size < 2 || i+2+size > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+size]
		if marker == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + size
	}
	return 1
}

func tiffOrientation(t []byte) int {
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:8]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[off:]))
	for k := 0; k < n; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// orient turns img the right way up for an EXIF orientation.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	swap := o >= 5
	dw, dh := w, h
	if swap {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			dst.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}
