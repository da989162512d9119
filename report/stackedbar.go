package report

import (
	"fmt"
	"math"
)

// StackedBar draws one stacked bar per category: series k contributes
// Series[k].Y[i] to bar i (X is not used). With Normalize every bar is
// divided by its total (relative abundance). Negative and non-finite values
// are drawn as zero. The legend lists the series top to bottom in stacking
// order.
type StackedBar struct {
	Title, YLabel string
	Categories    []string
	Series        []Series
	Normalize     bool

	// Width and Height are the figure size in pixels; zero selects a width
	// growing with the number of bars and a height of 440.
	Width, Height float64
}

var _ Figure = StackedBar{}

// SVG renders the chart.
func (c StackedBar) SVG() ([]byte, error) {
	nc := len(c.Categories)
	for _, s := range c.Series {
		if len(s.Y) != nc {
			return nil, fmt.Errorf("report: stacked bar %q: series %q has %d values for %d categories", c.Title, s.Name, len(s.Y), nc)
		}
	}
	val := func(k, i int) float64 {
		v := c.Series[k].Y[i]
		if !finite(v) || v < 0 {
			return 0
		}
		return v
	}
	tot := make([]float64, nc)
	for i := range tot {
		for k := range c.Series {
			tot[i] += val(k, i)
		}
	}
	ymax := 1.0
	if !c.Normalize {
		ymax = 0
		for _, t := range tot {
			ymax = math.Max(ymax, t)
		}
	}
	f := frame{w: c.Width, h: c.Height, title: c.Title, ylabel: c.YLabel, xCategorical: true}
	if f.w <= 0 {
		f.w = math.Max(420, math.Min(1100, 220+float64(nc)*22))
	}
	if f.h <= 0 {
		f.h = 440
	}
	f.x = axis{lo: 0, hi: math.Max(1, float64(nc))}
	f.y = linAxis(0, ymax, false)
	for k := len(c.Series) - 1; k >= 0; k-- {
		f.legend = append(f.legend, legendEntry{name: c.Series[k].Name, colour: colour(k), kind: legendMarker, shape: 1})
	}
	f.layout()
	slot := (f.x.p1 - f.x.p0) / f.x.hi
	maxw := 0.0
	for _, g := range c.Categories {
		maxw = math.Max(maxw, math.Min(textWidth(g, tickFont), 140))
	}
	rotate := maxw > slot-4
	extra := 18.0
	if rotate {
		extra = maxw*0.71 + 14
	}
	f.h += extra
	f.y.p0 = f.h - f.bottom - extra
	var w svgw
	w.header(f.w, f.h, c.Title)
	f.drawBack(&w)
	if nc == 0 {
		f.noData(&w)
	}
	bw := math.Max(1, slot*0.8)
	w.s(`<g class="bars">` + "\n")
	for i := 0; i < nc; i++ {
		cx := f.x.px(float64(i) + 0.5)
		base := 0.0
		for k := range c.Series {
			v := val(k, i)
			if c.Normalize && tot[i] > 0 {
				v /= tot[i]
			}
			if v <= 0 {
				continue
			}
			y0, y1 := f.y.px(base), f.y.px(base+v)
			w.s("<g><title>")
			w.esc(fmt.Sprintf("%s: %s %s", c.Categories[i], c.Series[k].Name, short(v)))
			w.s("</title>")
			w.rect(cx-bw/2, y1, bw, math.Max(y0-y1, 0.3), `fill="`+colour(k)+`"`)
			w.s("</g>\n")
			base += v
		}
		if rotate {
			w.text(cx+3, f.y.p0+10, truncate(c.Categories[i], tickFont, 140), "end", tickFont, `fill="#333333"`, -45)
		} else {
			w.text(cx, f.y.p0+16, c.Categories[i], "middle", tickFont, `fill="#333333"`, 0)
		}
	}
	w.s("</g>\n")
	f.drawAxes(&w)
	w.footer()
	return w.b, nil
}
