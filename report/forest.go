package report

import (
	"fmt"
	"math"
)

// Forest draws one horizontal interval per row (Low to High, a point at
// Est), rows top to bottom, with a dashed line at zero: a per-taxon effect
// plot. Highlight, when not nil, draws the marked rows filled in the first
// palette colour and the others in grey. Non-finite intervals draw the
// point only.
type Forest struct {
	Title, XLabel   string
	Labels          []string
	Est, Low, High  []float64
	Highlight       []bool
	HighlightLegend [2]string // legend names for highlighted and other rows

	// Width is the figure width in pixels; zero selects 720. The height
	// grows with the rows.
	Width float64
}

var _ Figure = Forest{}

// SVG renders the chart.
func (c Forest) SVG() ([]byte, error) {
	n := len(c.Labels)
	if len(c.Est) != n || len(c.Low) != n || len(c.High) != n {
		return nil, fmt.Errorf("report: forest %q: %d labels, %d estimates, %d low, %d high", c.Title, n, len(c.Est), len(c.Low), len(c.High))
	}
	if c.Highlight != nil && len(c.Highlight) != n {
		return nil, fmt.Errorf("report: forest %q: %d highlight flags for %d rows", c.Title, len(c.Highlight), n)
	}
	xmin, xmax := 0.0, 0.0
	for i := 0; i < n; i++ {
		for _, v := range []float64{c.Est[i], c.Low[i], c.High[i]} {
			if finite(v) {
				xmin, xmax = math.Min(xmin, v), math.Max(xmax, v)
			}
		}
	}
	lw := 0.0
	for _, l := range c.Labels {
		lw = math.Max(lw, math.Min(textWidth(l, tickFont), 220))
	}
	f := frame{w: c.Width, h: 0, title: c.Title, xlabel: c.XLabel}
	if f.w <= 0 {
		f.w = 720
	}
	f.x = linAxis(xmin, xmax, true)
	f.y = axis{lo: 0, hi: math.Max(1, float64(n))}
	if c.Highlight != nil {
		f.legend = []legendEntry{{name: c.HighlightLegend[0], colour: colour(0), kind: legendMarker, shape: 0},
			{name: c.HighlightLegend[1], colour: "#999999", kind: legendMarker, shape: 0}}
	}
	f.h = 80 + 18*float64(n)
	f.layout()
	f.left = 12 + lw + 8
	f.x.p0 = f.left
	f.y.p0, f.y.p1 = f.h-f.bottom, f.top
	var w svgw
	w.header(f.w, f.h, c.Title)
	f.drawBack(&w)
	if n == 0 {
		f.noData(&w)
	}
	zx := f.x.px(0)
	w.line(zx, f.y.p1, zx, f.y.p0, "#888888", 1, `stroke-dasharray="4 3"`)
	slot := (f.y.p0 - f.y.p1) / f.y.hi
	w.s(`<g class="rows">` + "\n")
	for i := 0; i < n; i++ {
		y := f.y.p1 + slot*(float64(i)+0.5)
		col := colour(0)
		if c.Highlight != nil && !c.Highlight[i] {
			col = "#999999"
		}
		w.s("<g><title>")
		w.esc(fmt.Sprintf("%s: %s [%s, %s]", c.Labels[i], short(c.Est[i]), short(c.Low[i]), short(c.High[i])))
		w.s("</title>\n")
		if finite(c.Low[i]) && finite(c.High[i]) {
			w.line(f.x.px(c.Low[i]), y, f.x.px(c.High[i]), y, col, 1.6, "")
		}
		if finite(c.Est[i]) {
			w.marker(f.x.px(c.Est[i]), y, 3.5, 0, col, "")
		}
		w.s("</g>\n")
		w.text(f.left-6, y+4, truncate(c.Labels[i], tickFont, 220), "end", tickFont, `fill="#333333"`, 0)
	}
	w.s("</g>\n")
	f.drawAxes(&w)
	w.footer()
	return w.b, nil
}
