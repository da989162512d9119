package report

import (
	"fmt"
	"math"
)

// SVG renders the chart.
func (c Scatter) SVG() ([]byte, error) {
	n := len(c.X)
	if len(c.Y) != n {
		return nil, fmt.Errorf("report: scatter %q: %d x values but %d y values", c.Title, n, len(c.Y))
	}
	if c.Groups != nil && len(c.Groups) != n {
		return nil, fmt.Errorf("report: scatter %q: %d group keys for %d points", c.Title, len(c.Groups), n)
	}
	if c.Labels != nil && len(c.Labels) != n {
		return nil, fmt.Errorf("report: scatter %q: %d labels for %d points", c.Title, len(c.Labels), n)
	}
	names, gi := c.groups()
	xmin, xmax := math.Inf(1), math.Inf(-1)
	ymin, ymax := math.Inf(1), math.Inf(-1)
	npts := 0
	for i := range n {
		if !finite(c.X[i]) || !finite(c.Y[i]) {
			continue
		}
		npts++
		xmin, xmax = math.Min(xmin, c.X[i]), math.Max(xmax, c.X[i])
		ymin, ymax = math.Min(ymin, c.Y[i]), math.Max(ymax, c.Y[i])
	}
	f := frame{w: c.Width, h: c.Height, title: c.Title, xlabel: c.XLabel, ylabel: c.YLabel}
	if f.w <= 0 {
		f.w = 640
	}
	if f.h <= 0 {
		f.h = 480
	}
	f.x = linAxis(xmin, xmax, true)
	f.y = linAxis(ymin, ymax, true)
	for k, g := range names {
		if c.Groups != nil && !presentIn(c.Groups, g) {
			continue // a palette group with no points here
		}
		f.legend = append(f.legend, legendEntry{name: g, colour: colour(k), kind: legendMarker, shape: k})
	}
	f.layout()
	if c.Equal && npts > 0 {
		f.equalAspect()
	}

	var w svgw
	w.b = make([]byte, 0, 4096+npts*120)
	w.header(f.w, f.h, c.Title)
	f.drawBack(&w)
	if npts == 0 {
		f.noData(&w)
	}
	c.drawPoints(&w, &f, gi)
	if c.Labels != nil && npts <= 40 && !c.HoverOnly {
		c.drawLabels(&w, &f)
	}
	f.drawAxes(&w)
	w.footer()
	return w.b, nil
}

// groups returns the group names in order (the palette's first, then the
// others in order of first appearance) and each point's group index.
func (c Scatter) groups() (names []string, gi []int) {
	gi = make([]int, len(c.X))
	if c.Groups == nil {
		return nil, gi
	}
	index := make(map[string]int)
	for _, g := range c.Palette {
		if _, ok := index[g]; !ok {
			index[g] = len(names)
			names = append(names, g)
		}
	}
	for i, g := range c.Groups {
		k, ok := index[g]
		if !ok {
			k = len(names)
			index[g] = k
			names = append(names, g)
		}
		gi[i] = k
	}
	return names, gi
}

// drawPoints draws a marker per finite point, with its label and group as
// the hover text.
func (c Scatter) drawPoints(w *svgw, f *frame, gi []int) {
	w.s(`<g class="points" fill-opacity="0.85">` + "\n")
	for i := range c.X {
		if !finite(c.X[i]) || !finite(c.Y[i]) {
			continue
		}
		tip := ""
		if c.Labels != nil {
			tip = c.Labels[i]
		}
		if c.Groups != nil {
			if tip != "" {
				tip += " "
			}
			tip += "(" + c.Groups[i] + ")"
		}
		w.marker(f.x.px(c.X[i]), f.y.px(c.Y[i]), 4, gi[i], colour(gi[i]), tip)
	}
	w.s("</g>\n")
}

// drawLabels writes each labelled point's label beside it, on the side
// toward the plot's centre.
func (c Scatter) drawLabels(w *svgw, f *frame) {
	w.s(`<g class="labels" font-size="9.5" fill="#333333">` + "\n")
	for i := range c.X {
		if !finite(c.X[i]) || !finite(c.Y[i]) || c.Labels[i] == "" {
			continue
		}
		x, y := f.x.px(c.X[i]), f.y.px(c.Y[i])
		anchor, dx := "start", 6.0
		if x > (f.left+f.x.p1)/2 {
			anchor, dx = "end", -6
		}
		w.text(x+dx, y-4, truncate(c.Labels[i], 9.5, 140), anchor, 12, "", 0)
	}
	w.s("</g>\n")
}

// equalAspect gives both axes the same data units per pixel: it shrinks
// the plot along the axis with the finer scale (and the figure with it), or,
// when that would leave less than 120 pixels, widens that axis's domain.
func (f *frame) equalAspect() {
	x, y := &f.x, &f.y
	wx, wy := x.p1-x.p0, y.p0-y.p1
	ux, uy := (x.hi-x.lo)/wx, (y.hi-y.lo)/wy
	switch {
	case uy < ux:
		if need := (y.hi - y.lo) / ux; need >= 120 {
			d := wy - need
			f.h -= d
			y.p0 -= d
			if need < 240 {
				retick(y, need)
			}
			return
		}
		widen(y, ux, wy)
	case ux < uy:
		if need := (x.hi - x.lo) / uy; need >= 120 {
			d := wx - need
			f.w -= d
			x.p1 -= d
			if need < 240 {
				retick(x, need)
			}
			return
		}
		widen(x, uy, wx)
	}
}

// widen sets the domain of a around its centre to u data units per pixel
// over its w pixels and recomputes its ticks.
func widen(a *axis, u, w float64) {
	mid, half := (a.lo+a.hi)/2, u*w/2
	a.lo, a.hi = mid-half, mid+half
	retick(a, w)
}

// retick chooses ticks inside the domain of a for an extent of w pixels.
func retick(a *axis, w float64) {
	ticks := PrettyTicks(a.lo, a.hi, int(math.Max(2, math.Min(5, math.Round(w/60)))))
	step := 0.0
	if len(ticks) > 1 {
		step = ticks[1] - ticks[0]
	}
	kept := ticks[:0]
	for _, t := range ticks {
		if t >= a.lo-1e-9*(a.hi-a.lo) && t <= a.hi+1e-9*(a.hi-a.lo) {
			kept = append(kept, t)
		}
	}
	a.ticks, a.labels = kept, formatTicks(kept, step)
}

func presentIn(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
