package report

import (
	"fmt"
	"math"
)

// SVG renders the chart.
func (c StackedArea) SVG() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	n := len(c.X)
	cum, top := c.stack()
	f := frame{w: c.Width, h: c.Height, title: c.Title, xlabel: c.XLabel, ylabel: c.YLabel, wins: c.Windows}
	if f.w <= 0 {
		f.w = 760
	}
	if f.h <= 0 {
		f.h = 420
	}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	if n > 0 {
		xmin, xmax = c.X[0], c.X[n-1]
	}
	f.x = linAxis(xmin, xmax, false)
	if c.Normalize {
		f.y = linAxis(0, 1, true)
	} else {
		if top == 0 {
			top = 1
		}
		f.y = linAxis(0, top, true)
	}
	for k := len(c.Series) - 1; k >= 0; k-- {
		f.legend = append(f.legend, legendEntry{name: c.Series[k].Name, colour: colour(k), kind: legendArea})
	}
	f.layout()

	var w svgw
	w.b = make([]byte, 0, 4096+n*len(c.Series)*24)
	w.header(f.w, f.h, c.Title)
	f.drawTitle(&w)
	f.drawGrid(&w)
	w.s(`<g class="areas" stroke="#ffffff" stroke-width="0.4" stroke-linejoin="round">` + "\n")
	if n > 0 && len(c.Series) > 0 {
		c.drawAreas(&w, &f, cum)
	}
	w.s("</g>\n")
	// the bands go over the opaque areas
	f.drawWindows(&w, 0.14)
	if n == 0 || len(c.Series) == 0 {
		f.noData(&w)
	}
	f.drawAxes(&w)
	w.footer()
	return w.b, nil
}

// check refuses non-finite or descending x, series of the wrong length and
// bad windows.
func (c StackedArea) check() error {
	n := len(c.X)
	for i, x := range c.X {
		if !finite(x) {
			return fmt.Errorf("report: stacked area %q: x[%d] = %g is not finite", c.Title, i, x)
		}
		if i > 0 && x < c.X[i-1] {
			return fmt.Errorf("report: stacked area %q: x must be ascending, but x[%d] = %g < x[%d] = %g", c.Title, i, x, i-1, c.X[i-1])
		}
	}
	for i, s := range c.Series {
		if len(s.Y) != n {
			return fmt.Errorf("report: stacked area %q: series %d (%q) has %d values but there are %d x values", c.Title, i, s.Name, len(s.Y), n)
		}
	}
	return checkWindows("stacked area", c.Title, c.Windows)
}

// stack returns the cumulative tops (cum[k][i] is the top of layer k at
// column i; non-finite and negative values count as 0), divided by each
// column's total when the chart is normalised, and the largest total
// (0 when normalised).
func (c StackedArea) stack() (cum [][]float64, top float64) {
	n := len(c.X)
	cum = make([][]float64, len(c.Series))
	total := make([]float64, n)
	for k, s := range c.Series {
		cum[k] = make([]float64, n)
		for i, y := range s.Y {
			if finite(y) && y > 0 {
				total[i] += y
			}
			cum[k][i] = total[i]
		}
	}
	for i := range total {
		if !c.Normalize {
			top = math.Max(top, total[i])
			continue
		}
		if total[i] > 0 {
			for k := range cum {
				cum[k][i] /= total[i]
			}
		}
	}
	return cum, top
}

// drawAreas draws one closed path per layer between its top and the layer
// below, on at most about two columns per pixel.
func (c StackedArea) drawAreas(w *svgw, f *frame, cum [][]float64) {
	n := len(c.X)
	xs := make([]float64, n)
	for i, x := range c.X {
		xs[i] = f.x.px(x)
	}
	py := make([][]float64, len(cum))
	for k := range cum {
		py[k] = make([]float64, n)
		for i, v := range cum[k] {
			py[k][i] = f.y.px(v)
		}
	}
	var idx []int
	if n > 2*int(f.x.p1-f.x.p0) {
		idx = thinColumns(xs, py)
	} else {
		idx = make([]int, n)
		for i := range idx {
			idx[i] = i
		}
	}
	base := f.y.px(0)
	for k := range c.Series {
		w.s(`<path fill="` + colour(k) + `" fill-opacity="0.9" d="M`)
		for j, i := range idx {
			if j > 0 {
				w.s(" ")
			}
			w.pts(xs[i], py[k][i])
		}
		for j := len(idx) - 1; j >= 0; j-- {
			i := idx[j]
			w.s(" ")
			if k == 0 {
				w.pts(xs[i], base)
			} else {
				w.pts(xs[i], py[k-1][i])
			}
		}
		w.s(`Z"><title>`)
		w.esc(c.Series[k].Name)
		w.s("</title></path>\n")
	}
}
