package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// BoxStats are the statistics of a Tukey box plot, as R's boxplot.stats
// with coef = 1.5: the hinges are fivenum's, the whiskers end at the most
// extreme data within 1.5 IQR of the hinges and the rest are outliers.
type BoxStats struct {
	// LowerWhisker, LowerHinge, Median, UpperHinge, UpperWhisker are R's
	// boxplot.stats()$stats.
	LowerWhisker, LowerHinge, Median, UpperHinge, UpperWhisker float64
	// Out holds the outliers in the order they occur in the data.
	Out []float64
	// N is the number of finite values.
	N int
	// NotchLo and NotchHi are Median ∓ 1.58 IQR / √N (boxplot.stats()$conf).
	NotchLo, NotchHi float64
}

// FiveNum returns Tukey's five-number summary (minimum, lower hinge,
// median, upper hinge, maximum) of the finite values in x, as R's fivenum.
// All five are NaN when x has no finite value.
func FiveNum(x []float64) [5]float64 {
	s := make([]float64, 0, len(x))
	for _, v := range x {
		if finite(v) {
			s = append(s, v)
		}
	}
	slices.Sort(s)
	return fiveNumSorted(s)
}

func fiveNumSorted(s []float64) [5]float64 {
	n := len(s)
	if n == 0 {
		nan := math.NaN()
		return [5]float64{nan, nan, nan, nan, nan}
	}
	n4 := math.Floor(float64(n+3)/2) / 2
	d := [5]float64{1, n4, float64(n+1) / 2, float64(n+1) - n4, float64(n)}
	var r [5]float64
	for i, di := range d {
		// halves first: the same value as R's 0.5*(a+b) without overflow
		r[i] = 0.5*s[int(math.Floor(di))-1] + 0.5*s[int(math.Ceil(di))-1]
	}
	return r
}

// Box computes the box-plot statistics of the finite values in x.
func Box(x []float64) BoxStats {
	s := make([]float64, 0, len(x))
	for _, v := range x {
		if finite(v) {
			s = append(s, v)
		}
	}
	slices.Sort(s)
	fn := fiveNumSorted(s)
	b := BoxStats{
		LowerWhisker: fn[0], LowerHinge: fn[1], Median: fn[2], UpperHinge: fn[3], UpperWhisker: fn[4],
		N: len(s),
	}
	if b.N == 0 {
		b.NotchLo, b.NotchHi = math.NaN(), math.NaN()
		return b
	}
	iqr := fn[3] - fn[1]
	lo, hi := fn[1]-1.5*iqr, fn[3]+1.5*iqr
	b.LowerWhisker, b.UpperWhisker = math.Inf(1), math.Inf(-1)
	for _, v := range x {
		if !finite(v) {
			continue
		}
		if v < lo || v > hi {
			b.Out = append(b.Out, v)
			continue
		}
		b.LowerWhisker = math.Min(b.LowerWhisker, v)
		b.UpperWhisker = math.Max(b.UpperWhisker, v)
	}
	half := 1.58 * iqr / math.Sqrt(float64(b.N))
	b.NotchLo, b.NotchHi = fn[2]-half, fn[2]+half
	return b
}

// SVG renders the chart.
func (c BoxPlot) SVG() ([]byte, error) {
	if len(c.Groups) != len(c.Values) {
		return nil, fmt.Errorf("report: box plot %q: %d group names but %d value groups", c.Title, len(c.Groups), len(c.Values))
	}
	ng := len(c.Groups)
	stats := make([]BoxStats, ng)
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for i, v := range c.Values {
		stats[i] = Box(v)
		for _, x := range v {
			if finite(x) {
				ymin, ymax = math.Min(ymin, x), math.Max(ymax, x)
			}
		}
	}
	f := frame{w: c.Width, h: c.Height, title: c.Title, ylabel: c.YLabel, xCategorical: true}
	if f.w <= 0 {
		f.w = math.Max(360, math.Min(960, 160+float64(ng)*90))
	}
	if f.h <= 0 {
		f.h = 420
	}
	f.x = axis{lo: 0, hi: math.Max(1, float64(ng))}
	f.y = linAxis(ymin, ymax, true)
	f.layout()
	slot := (f.x.p1 - f.x.p0) / f.x.hi
	// group labels: rotate when they do not fit their slot
	maxw := 0.0
	for _, g := range c.Groups {
		maxw = math.Max(maxw, textWidth(g, tickFont))
	}
	rotate := maxw > slot-6
	if rotate && ng > 0 {
		// the first rotated label hangs to the left of its group
		if need := 0.71*math.Min(textWidth(c.Groups[0], tickFont), 160) + 10 - slot/2; need > f.left {
			f.w += need - f.left
			f.left = need
			f.x.p0 = need
			f.x.p1 = f.w - f.right
		}
	}
	extra := 16.0 // n = ... line
	if rotate {
		extra += math.Min(maxw, 160)*0.71 + 10
	}
	f.h += extra
	f.y.p0 = f.h - f.bottom - extra

	var w svgw
	w.header(f.w, f.h, c.Title)
	f.drawBack(&w)
	if ng == 0 || !finite(ymin) {
		f.noData(&w)
	}
	w.s(`<g class="boxes">` + "\n")
	bw := math.Min(60, slot*0.6)
	for i, b := range stats {
		cx := f.x.px(float64(i) + 0.5)
		col := colour(paletteIndex(c.Palette, c.Groups[i], i))
		w.s(`<g><title>`)
		w.esc(c.Groups[i])
		if b.N > 0 {
			w.esc(fmt.Sprintf(": n=%d, median %s, IQR [%s, %s]", b.N, short(b.Median), short(b.LowerHinge), short(b.UpperHinge)))
		}
		w.s("</title>\n")
		if b.N > 0 {
			y1, y3 := f.y.px(b.LowerHinge), f.y.px(b.UpperHinge)
			yl, yu := f.y.px(b.LowerWhisker), f.y.px(b.UpperWhisker)
			w.line(cx, y1, cx, yl, "#333333", 1, "")
			w.line(cx, y3, cx, yu, "#333333", 1, "")
			w.line(cx-bw/4, yl, cx+bw/4, yl, "#333333", 1, "")
			w.line(cx-bw/4, yu, cx+bw/4, yu, "#333333", 1, "")
			w.rect(cx-bw/2, y3, bw, math.Max(y1-y3, 0.5), `fill="`+col+`" fill-opacity="0.35" stroke="`+col+`" stroke-width="1.2"`)
			ym := f.y.px(b.Median)
			w.line(cx-bw/2, ym, cx+bw/2, ym, "#222222", 2.2, "")
			for _, o := range b.Out {
				w.s(`<circle r="2.8" fill="none" stroke="` + col + `" stroke-width="1.1"`)
				w.attr("cx", cx)
				w.attr("cy", f.y.px(o))
				w.s("/>\n")
			}
		}
		w.s("</g>\n")
		// labels
		if rotate {
			w.text(cx, f.y.p0+14, "n="+strconv.Itoa(b.N), "middle", 10, `fill="#666666"`, 0)
			w.text(cx+4, f.y.p0+28, truncate(c.Groups[i], tickFont, 160), "end", tickFont, `fill="#333333"`, -45)
		} else {
			w.text(cx, f.y.p0+16, c.Groups[i], "middle", tickFont, `fill="#333333"`, 0)
			w.text(cx, f.y.p0+30, "n="+strconv.Itoa(b.N), "middle", 10, `fill="#666666"`, 0)
		}
	}
	w.s("</g>\n")
	f.drawAxes(&w)
	w.footer()
	return w.b, nil
}

// short formats a value with 4 significant digits.
func short(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// paletteIndex is the colour index of group g: its position in palette, or
// len(palette)+fallback when absent (fallback when there is no palette).
func paletteIndex(palette []string, g string, fallback int) int {
	for k, p := range palette {
		if p == g {
			return k
		}
	}
	return len(palette) + fallback
}
