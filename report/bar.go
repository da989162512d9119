package report

import (
	"fmt"
	"math"
)

// BarChart draws grouped bars: one group per category, one bar per series
// in each group, with an optional error bar (value ± Err) on each bar, for
// example sensitivity indices with their confidence intervals. Non-finite
// values are not drawn; a non-finite or zero Err draws no error bar.
type BarChart struct {
	Title, YLabel string
	Categories    []string
	Series        []BarSeries

	// Width and Height are the figure size in pixels; zero selects a
	// width growing with the number of bars and a height of 420.
	Width, Height float64
}

// BarSeries is one bar per category. Err, when not nil, holds the
// half-width of each bar's error bar.
type BarSeries struct {
	Name   string
	Values []float64
	Err    []float64
}

var _ Figure = BarChart{}

// SVG renders the chart.
func (c BarChart) SVG() ([]byte, error) {
	nc, ns := len(c.Categories), len(c.Series)
	ymin, ymax, err := c.yRange()
	if err != nil {
		return nil, err
	}
	f := frame{w: c.Width, h: c.Height, title: c.Title, ylabel: c.YLabel, xCategorical: true}
	if ns > 1 {
		for i, s := range c.Series {
			f.legend = append(f.legend, legendEntry{name: s.Name, colour: colour(i), kind: legendArea})
		}
	}
	if f.w <= 0 {
		f.w = math.Max(360, math.Min(1100, 160+float64(nc)*(18*float64(max(ns, 1))+22)+legendWidth(f.legend)))
	}
	if f.h <= 0 {
		f.h = 420
	}
	f.x = axis{lo: 0, hi: math.Max(1, float64(nc))}
	if ymax == ymin {
		ymax = ymin + 1
	}
	f.y = linAxis(ymin, ymax, true)
	f.layout()
	slot, rotate := c.categoryLabels(&f)

	var w svgw
	w.header(f.w, f.h, c.Title)
	f.drawBack(&w)
	f.drawGrid(&w)
	if nc == 0 || ns == 0 {
		f.noData(&w)
	}
	bw := math.Min(40, slot*0.8/float64(max(ns, 1)))
	y0 := f.y.px(math.Max(f.y.lo, math.Min(0, f.y.hi)))
	w.s(`<g class="bars">` + "\n")
	for k, cat := range c.Categories {
		cx := f.x.px(float64(k) + 0.5)
		for i := range c.Series {
			c.drawBar(&w, &f, k, i, cx-bw*float64(ns)/2+bw*float64(i), bw, y0)
		}
		if rotate {
			w.text(cx+4, f.y.p0+14, truncate(cat, tickFont, 160), "end", tickFont, `fill="#333333"`, -45)
		} else {
			w.text(cx, f.y.p0+16, cat, "middle", tickFont, `fill="#333333"`, 0)
		}
	}
	w.s("</g>\n")
	w.line(f.x.p0, y0, f.x.p1, y0, "#555555", 1, "")
	f.drawAxes(&w)
	w.footer()
	return w.b, nil
}

// yRange is the range of the finite values and their error bars, 0
// included; it refuses a series of the wrong length.
func (c BarChart) yRange() (ymin, ymax float64, err error) {
	nc := len(c.Categories)
	for i, s := range c.Series {
		if len(s.Values) != nc || (s.Err != nil && len(s.Err) != nc) {
			return 0, 0, fmt.Errorf("report: bar chart %q: series %d (%q) has %d values and %d errors for %d categories", c.Title, i, s.Name, len(s.Values), len(s.Err), nc)
		}
		for k, v := range s.Values {
			if !finite(v) {
				continue
			}
			lo, hi := v, v
			if e := errAt(s.Err, k); e > 0 {
				lo, hi = v-e, v+e
			}
			ymin, ymax = math.Min(ymin, lo), math.Max(ymax, hi)
		}
	}
	return ymin, ymax, nil
}

// categoryLabels decides whether the category labels must be rotated to
// fit their slots, and if so makes room for them (a wider left margin, a
// taller figure). It returns each category's slot width.
func (c BarChart) categoryLabels(f *frame) (slot float64, rotate bool) {
	slot = (f.x.p1 - f.x.p0) / f.x.hi
	maxw := 0.0
	for _, g := range c.Categories {
		maxw = math.Max(maxw, textWidth(g, tickFont))
	}
	rotate = maxw > slot-4
	extra := 0.0
	if rotate {
		extra = math.Min(maxw, 160)*0.71 + 10
		if need := 0.71*math.Min(maxw, 160) + 10 - slot/2; len(c.Categories) > 0 && need > f.left {
			f.w += need - f.left
			f.left = need
			f.x.p0 = need
			f.x.p1 = f.w - f.right
			slot = (f.x.p1 - f.x.p0) / f.x.hi
		}
	}
	f.h += extra
	f.y.p0 = f.h - f.bottom - extra
	return slot, rotate
}

// drawBar draws series i's bar of category k at x (width bw, from the
// baseline y0), with its error bar and a hover title.
func (c BarChart) drawBar(w *svgw, f *frame, k, i int, x, bw, y0 float64) {
	s := c.Series[i]
	v := s.Values[k]
	if !finite(v) {
		return
	}
	yv := f.y.px(v)
	w.s(`<g><title>`)
	w.esc(fmt.Sprintf("%s, %s: %s", c.Categories[k], s.Name, short(v)))
	e := errAt(s.Err, k)
	if e > 0 {
		w.esc(" ± " + short(e))
	}
	w.s("</title>\n")
	w.rect(x+0.5, math.Min(yv, y0), math.Max(bw-1, 1), math.Max(math.Abs(y0-yv), 0.5), `fill="`+colour(i)+`" fill-opacity="0.8"`)
	if e > 0 {
		xm := x + bw/2
		ylo, yhi := f.y.px(v-e), f.y.px(v+e)
		w.line(xm, ylo, xm, yhi, "#222222", 1.2, "")
		w.line(xm-bw/4, ylo, xm+bw/4, ylo, "#222222", 1.2, "")
		w.line(xm-bw/4, yhi, xm+bw/4, yhi, "#222222", 1.2, "")
	}
	w.s("</g>\n")
}

func errAt(e []float64, k int) float64 {
	if e == nil || !finite(e[k]) {
		return 0
	}
	return math.Abs(e[k])
}
