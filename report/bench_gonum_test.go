package report

import (
	"image/color"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

func drawCanvas(c *vgsvg.Canvas) draw.Canvas { return draw.New(c) }

func plotColour(i int) color.Color {
	var r, g, b uint8
	s := colour(i)
	for k, p := range []*uint8{&r, &g, &b} {
		var v uint8
		for _, ch := range s[1+2*k : 3+2*k] {
			v *= 16
			switch {
			case ch >= '0' && ch <= '9':
				v += uint8(ch - '0')
			default:
				v += uint8(ch-'A') + 10
			}
		}
		*p = v
	}
	return color.RGBA{r, g, b, 255}
}
