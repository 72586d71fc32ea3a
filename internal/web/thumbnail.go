package web

// Image attachments are previewed by a thumbnail, made when asked for
// (GET /thumbnails/{id}) from the stored file and served as a PNG of at
// most 240×240 pixels. The image is checked before it is decoded: only
// PNG, JPEG and GIF (the first frame), at most 25 megapixels (a small
// file claiming huge dimensions is refused, not allocated), and each
// thumbnail pixel averages at most 16 samples; the original
// is still only ever served as a download.

import (
	"bytes"
	"image"
	"image/color"
	_ "image/gif" // decoders for image.Decode
	_ "image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/frontline/frontline/internal/errs"
)

const (
	thumbMax       = 240
	thumbMaxPixels = 25_000_000
)

// previewable reports whether an attachment's type gets a thumbnail.
func previewable(contentType string) bool {
	switch strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0])) {
	case "image/png", "image/jpeg", "image/gif":
		return true
	}
	return false
}

// thumbnail decodes the image read from r and returns a PNG that fits in
// size×size, keeping the proportions (a smaller image keeps its size).
func thumbnail(data []byte, size int) ([]byte, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, errs.Invalid("file", "is not a PNG, JPEG or GIF image")
	}
	if format != "png" && format != "jpeg" && format != "gif" {
		return nil, errs.Invalid("file", "is not a PNG, JPEG or GIF image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > thumbMaxPixels {
		return nil, errs.Invalid("file", "is too large an image to preview")
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, errs.Invalid("file", "is a damaged image")
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	tw, th := w, h
	if w > size || h > size {
		if w >= h {
			tw, th = size, (h*size+w/2)/w
		} else {
			tw, th = (w*size+h/2)/h, size
		}
		tw, th = max(tw, 1), max(th, 1)
	}
	dst := image.NewNRGBA(image.Rect(0, 0, tw, th))
	// Box filter: each target pixel is the mean of the source pixels it
	// covers (cheap, no aliasing on the downscale a thumbnail is).
	for y := 0; y < th; y++ {
		y0, y1 := b.Min.Y+y*h/th, b.Min.Y+(y+1)*h/th
		if y1 == y0 {
			y1++
		}
		for x := 0; x < tw; x++ {
			x0, x1 := b.Min.X+x*w/tw, b.Min.X+(x+1)*w/tw
			if x1 == x0 {
				x1++
			}
			var r, g, bl, a, n uint64
			// At most 4×4 samples a box: a thumbnail of a 12-megapixel photo
			// reads about a million pixels, not twelve.
			stepY, stepX := max((y1-y0)/4, 1), max((x1-x0)/4, 1)
			for sy := y0; sy < y1; sy += stepY {
				for sx := x0; sx < x1; sx += stepX {
					c := color.NRGBA64Model.Convert(src.At(sx, sy)).(color.NRGBA64)
					r, g, bl, a = r+uint64(c.R), g+uint64(c.G), bl+uint64(c.B), a+uint64(c.A)
					n++
				}
			}
			dst.SetNRGBA(x, y, color.NRGBA{R: uint8(r / n >> 8), G: uint8(g / n >> 8), B: uint8(bl / n >> 8), A: uint8(a / n >> 8)})
		}
	}
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// attachmentThumbnail serves an image attachment's thumbnail to whoever
// may download the attachment.
func (s *Server) attachmentThumbnail(w http.ResponseWriter, r *http.Request) error {
	a, err := s.visibleAttachment(r)
	if err != nil {
		return err
	}
	if !previewable(a.ContentType) {
		return errs.NotFound("thumbnail")
	}
	_, rc, err := s.Tickets.OpenAttachment(r.Context(), a.ID)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(rc, a.Size+1))
	rc.Close()
	if err != nil {
		return err
	}
	png, err := thumbnail(data, thumbMax)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	_, err = w.Write(png)
	return err
}
