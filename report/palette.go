package report

import (
	"fmt"
	"math"
)

// okabeIto is the Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008),
// ordered so that the colours that read best as thin lines on white come
// first.
var okabeIto = [...]string{"#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#000000", "#F0E442"}

// tolMuted is Paul Tol's colour-blind-safe "muted" qualitative scheme,
// used after the Okabe–Ito colours are exhausted.
var tolMuted = [...]string{"#332288", "#117733", "#44AA99", "#88CCEE", "#DDCC77", "#CC6677", "#AA4499", "#882255", "#999933"}

// dashes distinguishes lines once all colours have been used.
var dashes = [...]string{"", "7 3", "2 2", "8 3 2 3"}

const nColours = len(okabeIto) + len(tolMuted)

// colour returns the i-th qualitative colour.
func colour(i int) string {
	i %= nColours
	if i < len(okabeIto) {
		return okabeIto[i]
	}
	return tolMuted[i-len(okabeIto)]
}

// dash returns the dash pattern of the i-th series ("" for solid).
func dash(i int) string {
	return dashes[(i/nColours)%len(dashes)]
}

// tolBuRd is Paul Tol's diverging blue–white–red scheme (ColorBrewer RdBu).
var tolBuRd = [...][3]float64{
	{0x21, 0x66, 0xAC}, {0x43, 0x93, 0xC3}, {0x92, 0xC5, 0xDE}, {0xD1, 0xE5, 0xF0},
	{0xF7, 0xF7, 0xF7},
	{0xFD, 0xDB, 0xC7}, {0xF4, 0xA5, 0x82}, {0xD6, 0x60, 0x4D}, {0xB2, 0x18, 0x2B},
}

// tolYlOrBr is Paul Tol's sequential yellow–orange–brown scheme.
var tolYlOrBr = [...][3]float64{
	{0xFF, 0xFF, 0xE5}, {0xFF, 0xF7, 0xBC}, {0xFE, 0xE3, 0x91}, {0xFE, 0xC4, 0x4F},
	{0xFB, 0x9A, 0x29}, {0xEC, 0x70, 0x14}, {0xCC, 0x4C, 0x02}, {0x99, 0x34, 0x04}, {0x66, 0x25, 0x06},
}

// ramp interpolates linearly between equally spaced colour stops; t is
// clamped to [0, 1].
func ramp(stops [][3]float64, t float64) [3]float64 {
	if math.IsNaN(t) {
		t = 0.5
	}
	t = math.Max(0, math.Min(1, t))
	f := t * float64(len(stops)-1)
	i := int(math.Floor(f))
	if i >= len(stops)-1 {
		return stops[len(stops)-1]
	}
	u := f - float64(i)
	var c [3]float64
	for k := range c {
		c[k] = stops[i][k]*(1-u) + stops[i+1][k]*u
	}
	return c
}

func hex(c [3]float64) string {
	return fmt.Sprintf("#%02X%02X%02X", uint8(math.Round(c[0])), uint8(math.Round(c[1])), uint8(math.Round(c[2])))
}

// luminance is the relative luminance (WCAG) of an sRGB colour.
func luminance(c [3]float64) float64 {
	var l [3]float64
	for k := range c {
		v := c[k] / 255
		if v <= 0.03928 {
			l[k] = v / 12.92
		} else {
			l[k] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}
