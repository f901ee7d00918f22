package directory

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // a photo may be uploaded as PNG
	"sync"
)

// PhotoSizes are the square sizes Graph keeps of a profile photo, smallest
// first; a photo has those not larger than its original.
var PhotoSizes = []int{48, 64, 96, 120, 240, 360, 432, 504, 648}

// seedPhotoSize is the side of the seeded photos.
const seedPhotoSize = 648

var seedPhotos = sync.OnceValue(func() [][]byte {
	out := make([][]byte, len(seedUsers))
	for i := range out {
		out[i] = drawPhoto(i)
	}
	return out
})

// SeedPhoto returns the seeded photo of the i-th seeded user: a JPEG, the
// same bytes on every run.
func SeedPhoto(i int) []byte { return seedPhotos()[i%len(seedUsers)] }

// drawPhoto draws a portrait-like placeholder: a tinted background and a
// head and shoulders in a lighter tone.
func drawPhoto(i int) []byte {
	const n = seedPhotoSize
	tints := []color.RGBA{{0x2b, 0x57, 0x9a, 255}, {0x10, 0x7c, 0x10, 255}, {0xa4, 0x26, 0x2c, 255}, {0x5c, 0x2d, 0x91, 255}, {0xca, 0x50, 0x10, 255}}
	bg := tints[i%len(tints)]
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			c := bg
			dx, dy := x-n/2, y-n*2/5
			sx, sy := x-n/2, y-n
			if dx*dx+dy*dy < (n/6)*(n/6) || sx*sx*2/3+sy*sy < (n/3)*(n/3) {
				c = color.RGBA{0xf3, 0xe5, 0xd8, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		panic(err) // an in-memory encode does not fail
	}
	return b.Bytes()
}

// ScalePhoto returns photo scaled to a size×size JPEG (a box filter over
// the original), or an error when photo is not an image.
func ScalePhoto(photo []byte, size int) ([]byte, error) {
	src, _, err := image.Decode(bytes.NewReader(photo))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		y0, y1 := b.Min.Y+y*b.Dy()/size, b.Min.Y+(y+1)*b.Dy()/size
		for x := range size {
			x0, x1 := b.Min.X+x*b.Dx()/size, b.Min.X+(x+1)*b.Dx()/size
			var r, g, bl, k uint32
			for yy := y0; yy < max(y1, y0+1); yy++ {
				for xx := x0; xx < max(x1, x0+1); xx++ {
					cr, cg, cb, _ := src.At(xx, yy).RGBA()
					r, g, bl, k = r+cr, g+cg, bl+cb, k+1
				}
			}
			dst.SetRGBA(x, y, color.RGBA{uint8(r / k >> 8), uint8(g / k >> 8), uint8(bl / k >> 8), 255})
		}
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// PhotoSize returns the side of photo's image (its smaller side), or 0 when
// it is not an image.
func PhotoSize(photo []byte) int {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(photo))
	if err != nil {
		return 0
	}
	return min(cfg.Width, cfg.Height)
}
