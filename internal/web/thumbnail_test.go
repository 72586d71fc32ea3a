package web

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/audit"
)

// flatPNG is a w×h image of one colour (small once compressed).
func flatPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 200, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestThumbnailFitsAndRefusesBombs(t *testing.T) {
	out, err := thumbnail(pngOf(t, 1000, 500), 240)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(out))
	if err != nil || cfg.Width != 240 || cfg.Height != 120 {
		t.Fatalf("thumbnail %dx%d %v, want 240x120", cfg.Width, cfg.Height, err)
	}
	small, err := thumbnail(pngOf(t, 30, 50), 240)
	if cfg, _ := png.DecodeConfig(bytes.NewReader(small)); err != nil || cfg.Width != 30 || cfg.Height != 50 {
		t.Fatalf("a small image changed size: %dx%d %v", cfg.Width, cfg.Height, err)
	}
	// A PNG header claiming 100,000 × 100,000 pixels is refused before any
	// pixel is allocated.
	bomb := pngOf(t, 1, 1)
	copy(bomb[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0}) // IHDR width, height
	binary.BigEndian.PutUint32(bomb[29:33], crc32.ChecksumIEEE(bomb[12:29]))
	if _, err := thumbnail(bomb, 240); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("bomb: %v", err)
	}
	if _, err := thumbnail([]byte("<svg onload=alert(1)>"), 240); err == nil {
		t.Fatal("an SVG/text file got a thumbnail")
	}
	if !previewable("image/PNG; charset=x") || previewable("image/svg+xml") || previewable("text/html") {
		t.Fatal("previewable types")
	}
}

// TestImageAttachmentThumbnail: an image attached to a ticket is previewed
// on the agent's ticket page by a PNG thumbnail served to those who may
// download it; another customer gets 404, a text file has no thumbnail.
func TestImageAttachmentThumbnail(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		up := func(name, ct string, body []byte) string {
			r := e.do(nil, "POST", "/api/v2/uploads.json?filename="+name, bytes.NewReader(body), append(basic("agent@example.com", pw), "Content-Type", ct)...)
			var m map[string]any
			if r.code != 201 || json.Unmarshal([]byte(r.body), &m) != nil {
				t.Fatalf("upload: %d %s", r.code, r.body)
			}
			return m["upload"].(map[string]any)["token"].(string)
		}
		img, txt := up("screen.png", "image/png", flatPNG(t, 400, 300)), up("notes.txt", "text/plain", []byte("plain"))
		cust := e.users["end-user"]
		r, m := e.api("agent", "POST", "/api/v2/tickets", fmt.Sprintf(`{"ticket":{"subject":"Screens","requester_id":%d,"comment":{"body":"See","uploads":[%q,%q]}}}`, cust.ID, img, txt))
		if r.code != 201 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		id := idOf(m, "ticket")
		_, m = e.api("agent", "GET", fmt.Sprintf("/api/v2/tickets/%d/comments", id), "")
		var imgID, txtID int64
		for _, a := range m["comments"].([]any)[0].(map[string]any)["attachments"].([]any) {
			at := a.(map[string]any)
			if at["file_name"] == "screen.png" {
				imgID = int64(at["id"].(float64))
			} else {
				txtID = int64(at["id"].(float64))
			}
		}
		page := e.do(nil, "GET", fmt.Sprintf("/agent/tickets/%d", id), nil, basic("agent@example.com", pw)...)
		if !strings.Contains(page.body, fmt.Sprintf(`src="/thumbnails/%d"`, imgID)) || strings.Contains(page.body, fmt.Sprintf(`src="/thumbnails/%d"`, txtID)) {
			t.Fatal("the ticket page does not preview the image (or previews the text file)")
		}
		th := e.do(nil, "GET", fmt.Sprintf("/thumbnails/%d", imgID), nil, basic("end-user@example.com", pw)...)
		cfg, err := png.DecodeConfig(strings.NewReader(th.body))
		if th.code != 200 || th.hdr.Get("Content-Type") != "image/png" || th.hdr.Get("X-Content-Type-Options") != "nosniff" || err != nil || cfg.Width != 240 || cfg.Height != 180 {
			t.Fatalf("thumbnail: %d %v %dx%d %v", th.code, th.hdr, cfg.Width, cfg.Height, err)
		}
		if r := e.do(nil, "GET", fmt.Sprintf("/thumbnails/%d", txtID), nil, basic("agent@example.com", pw)...); r.code != 404 {
			t.Fatalf("text file thumbnail: %d", r.code)
		}
		r, m = e.api("agent", "POST", "/api/v2/users", `{"user":{"name":"Other","email":"other@example.com"}}`)
		if r.code != 201 {
			t.Fatal(r.body)
		}
		if err := e.auth.SetPassword(t.Context(), audit.System(), idOf(m, "user"), pw); err != nil {
			t.Fatal(err)
		}
		if r := e.do(nil, "GET", fmt.Sprintf("/thumbnails/%d", imgID), nil, basic("other@example.com", pw)...); r.code != 404 {
			t.Fatalf("another customer's thumbnail: %d", r.code)
		}
	})
}
