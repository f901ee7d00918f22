package drive

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	_ "image/gif" // thumbnails of GIF files

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Thumbnails (thumbnailSet): an image file (PNG, JPEG or GIF, as the
// standard library reads them) has one set, id "0", with the small, medium
// and large sizes OneDrive makes (96, 176 and 800 pixels on the longest
// side, never larger than the image); any other file has none. A
// thumbnail's url is pre-authenticated like a download URL, and serves a
// JPEG scaled from the file's current content when it is fetched.

var thumbnailSetType = &odata.Type{
	Name:  "microsoft.graph.thumbnailSet",
	Keep:  []string{"id"},
	Props: []string{"id", "large", "medium", "small"},
	Extra: []string{"source"},
}

// thumbSizes are the sizes of a set, by name: the longest side in pixels.
var thumbSizes = map[string]int{"small": 96, "medium": 176, "large": 800}

// thumbSize is an image of w×h scaled to fit side (never enlarged).
func thumbSize(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, h*side/w)
	}
	return max(1, w*side/h), side
}

func (s *Workload) thumbnailsRoute(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	segs := subPath(t.sub)
	s.mu.Lock()
	d := s.user(u)
	it := d.resolve(t)
	hash, ctx, name, folder := "", "", "", false
	var claims downloadClaims
	itemID := ""
	if it != nil {
		hash, name, folder = it.Hash, it.Name, it.Folder
		claims, itemID = downloadClaims{Drive: d.ID, Version: it.Content, Expires: s.Now().Add(downloadLifetime).Unix()}, it.ID
		ctx = driveContext(r, u, "/items('"+it.ID+"')/thumbnails")
	}
	s.mu.Unlock()
	if it == nil {
		s.Fail(w, r, errNotFound)
		return
	}
	var cfg image.Config
	isImage := false
	if hash != "" && !folder {
		cfg, isImage = s.imageConfig(hash)
	}
	set := map[string]any{"id": "0"}
	for size, side := range thumbSizes {
		tw, th := thumbSize(cfg.Width, cfg.Height, side)
		c := claims
		c.Variant = "thumb:" + size
		set[size] = map[string]any{"width": tw, "height": th,
			"url": s.preauthURL(r, DownloadPrefix, itemID, c, "/"+url.PathEscape(strings.TrimSuffix(name, path.Ext(name))+"-"+size+".jpg"))}
	}
	switch {
	case len(segs) == 0:
		var list []graphkit.Item
		if isImage {
			list = append(list, graphkit.NewItem(set))
		}
		s.WriteListPage(w, r, graphkit.ListPageStyle(r, graphkit.TokenPages, ctx, list, thumbnailSetType, childLimits), nil)
	case !isImage || segs[0] != "0" || len(segs) > 3:
		s.Fail(w, r, graphkit.Err(404, "itemNotFound", "The item has no such thumbnail: list its thumbnails."))
	case len(segs) == 1:
		s.WriteEntity(w, r, http.StatusOK, graphkit.NewItem(set), thumbnailSetType, ctx+"/$entity")
	case set[strings.ToLower(segs[1])] == nil || (len(segs) == 3 && !strings.EqualFold(segs[2], "content")):
		s.Fail(w, r, graphkit.Err(404, "itemNotFound", "A thumbnail set has the sizes small, medium and large."))
	case len(segs) == 2:
		s.WriteJSON(w, r, set[strings.ToLower(segs[1])])
	default:
		s.redirect(w, r, set[strings.ToLower(segs[1])].(map[string]any)["url"].(string))
	}
}

// imageConfig reads the size of the image whose bytes hash names; false
// when they are not an image the standard library reads.
func (s *Workload) imageConfig(hash string) (image.Config, bool) {
	f, err := s.open(hash)
	if err != nil {
		return image.Config{}, false
	}
	if c, ok := f.(io.Closer); ok {
		defer c.Close()
	}
	cfg, _, err := image.DecodeConfig(f)
	return cfg, err == nil && cfg.Width > 0 && cfg.Height > 0
}

// thumbnail is the JPEG of size (a thumbSizes name) scaled from the image
// in src.
func thumbnail(src io.Reader, size string) ([]byte, error) {
	img, _, err := image.Decode(src)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	tw, th := thumbSize(b.Dx(), b.Dy(), thumbSizes[size])
	out := image.NewRGBA(image.Rect(0, 0, tw, th))
	for y := range th {
		y0, y1 := b.Min.Y+y*b.Dy()/th, b.Min.Y+max((y+1)*b.Dy()/th, y*b.Dy()/th+1)
		for x := range tw {
			x0, x1 := b.Min.X+x*b.Dx()/tw, b.Min.X+max((x+1)*b.Dx()/tw, x*b.Dx()/tw+1)
			out.Set(x, y, average(img, x0, y0, x1, y1))
		}
	}
	var buf bytes.Buffer
	err = jpeg.Encode(&buf, out, &jpeg.Options{Quality: 85})
	return buf.Bytes(), err
}

// average is the mean colour of img's pixels in [x0,x1)×[y0,y1).
func average(img image.Image, x0, y0, x1, y1 int) color.Color {
	var r, g, b, a, n uint64
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			cr, cg, cb, ca := img.At(x, y).RGBA()
			r, g, b, a, n = r+uint64(cr), g+uint64(cg), b+uint64(cb), a+uint64(ca), n+1
		}
	}
	return color.RGBA64{uint16(r / n), uint16(g / n), uint16(b / n), uint16(a / n)}
}

// seedPicture is the seeded users' picture: a 320×240 PNG of a landscape
// (sky, sun, hills), drawn the same on every run.
func seedPicture() string {
	const w, h = 320, 240
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(90 + y/4), uint8(150 + y/5), 235, 255} // sky
			if dx, dy := x-240, y-60; dx*dx+dy*dy < 30*30 {
				c = color.RGBA{250, 210, 60, 255} // sun
			}
			if hill := 170 + (x-160)*(x-160)/600; y > hill {
				c = color.RGBA{uint8(40 + x/8), uint8(140 - y/6), 60, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.String()
}
