package report

import (
	"math"
	"strconv"
)

// axis maps data values to pixels.
type axis struct {
	lo, hi float64 // data domain
	log    bool
	ticks  []float64
	labels []label
	p0, p1 float64 // pixel positions of lo and hi
}

func (a *axis) px(v float64) float64 {
	if a.log {
		l0, l1 := math.Log10(a.lo), math.Log10(a.hi)
		return a.p0 + (math.Log10(v)-l0)/(l1-l0)*(a.p1-a.p0)
	}
	return a.p0 + (v-a.lo)/(a.hi-a.lo)*(a.p1-a.p0)
}

func (a *axis) maxLabelWidth(size float64) float64 {
	w := 0.0
	for _, l := range a.labels {
		w = math.Max(w, l.width(size))
	}
	return w
}

// linAxis builds a linear axis for data in [min, max]. A loose axis extends
// to the outer pretty ticks; a tight one keeps the data range and the ticks
// inside it.
func linAxis(min, max float64, loose bool) axis {
	return linAxisN(min, max, loose, 5)
}

// linAxisN is linAxis with about n tick intervals.
func linAxisN(min, max float64, loose bool, n int) axis {
	if math.IsInf(min, 0) || math.IsInf(max, 0) || math.IsNaN(min) || math.IsNaN(max) || min > max {
		min, max = 0, 1
	}
	ticks := PrettyTicks(min, max, n)
	step := 0.0
	if len(ticks) > 1 {
		step = ticks[1] - ticks[0]
	}
	a := axis{lo: min, hi: max}
	if loose || min == max {
		a.lo, a.hi = ticks[0], ticks[len(ticks)-1]
		if a.lo == a.hi {
			a.lo, a.hi = a.lo-1, a.hi+1
		}
	} else {
		eps := 1e-9 * (max - min)
		kept := ticks[:0]
		for _, t := range ticks {
			if t >= min-eps && t <= max+eps {
				kept = append(kept, t)
			}
		}
		ticks = kept
	}
	a.ticks = ticks
	a.labels = formatTicks(ticks, step)
	return a
}

// logAxis builds a base-10 logarithmic axis for positive data in
// [min, max]. Ranges of a decade or more extend to whole decades.
func logAxis(min, max float64) axis {
	if !(min > 0) || !(max > 0) || math.IsInf(min, 0) || math.IsInf(max, 0) || min > max {
		min, max = 1, 10
	}
	l0, l1 := math.Log10(min), math.Log10(max)
	if l1-l0 >= 1 {
		l0, l1 = math.Floor(l0+1e-9), math.Ceil(l1-1e-9)
	} else {
		pad := math.Max(0.05*(l1-l0), 0.05)
		l0, l1 = l0-pad, l1+pad
	}
	a := axis{lo: math.Pow(10, l0), hi: math.Pow(10, l1), log: true}
	a.ticks = LogTicks(a.lo, a.hi)
	if len(a.ticks) >= 2 {
		a.labels = formatLogTicks(a.ticks)
		return a
	}
	// less than a decade without a round multiple: linear pretty ticks
	ticks := PrettyTicks(a.lo, a.hi, 4)
	kept := ticks[:0]
	for _, t := range ticks {
		if t >= a.lo && t <= a.hi && t > 0 {
			kept = append(kept, t)
		}
	}
	step := 0.0
	if len(ticks) > 1 {
		step = ticks[1] - ticks[0]
	}
	a.ticks = kept
	a.labels = formatTicks(kept, step)
	return a
}

// legendEntry is one row of a legend.
type legendEntry struct {
	name   string
	colour string
	kind   int // legendLine, legendArea, legendMarker
	dash   string
	shape  int
}

const (
	legendLine = iota
	legendArea
	legendMarker
)

const (
	legendFont   = 11.0
	legendRow    = 16.0
	legendMaxTxt = 190.0
)

func legendWidth(es []legendEntry) float64 {
	if len(es) == 0 {
		return 0
	}
	w := 0.0
	for _, e := range es {
		w = math.Max(w, math.Min(textWidth(e.name, legendFont), legendMaxTxt))
	}
	return w + 34
}

func legendHeight(es []legendEntry) float64 {
	if len(es) == 0 {
		return 0
	}
	return float64(len(es))*legendRow + 8
}

func (w *svgw) legend(x, y float64, es []legendEntry) {
	if len(es) == 0 {
		return
	}
	w.s(`<g class="legend">` + "\n")
	for i, e := range es {
		cy := y + 4 + float64(i)*legendRow + legendRow/2
		switch e.kind {
		case legendLine:
			extra := `stroke-linecap="round"`
			if e.dash != "" {
				extra += ` stroke-dasharray="` + e.dash + `"`
			}
			w.line(x, cy, x+22, cy, e.colour, 2.2, extra)
		case legendArea:
			w.rect(x+3, cy-5, 16, 10, `fill="`+e.colour+`" stroke="#ffffff" stroke-width="0.5"`)
		case legendMarker:
			w.marker(x+11, cy, 4, e.shape, e.colour, "")
		}
		w.text(x+28, cy+4, truncate(e.name, legendFont, legendMaxTxt), "start", legendFont, "", 0)
	}
	w.s("</g>\n")
}

// marker draws a point symbol: 0 circle, 1 square, 2 triangle up,
// 3 diamond, 4 triangle down.
func (w *svgw) marker(x, y, r float64, shape int, fill, inner string) {
	switch shape % 5 {
	case 0:
		w.s("<circle")
		w.attr("cx", x)
		w.attr("cy", y)
		w.attr("r", r)
	case 1:
		s := r * 0.9
		w.s("<rect")
		w.attr("x", x-s)
		w.attr("y", y-s)
		w.attr("width", 2*s)
		w.attr("height", 2*s)
	case 2:
		s := r * 1.25
		w.s(`<path d="M`)
		w.pts(x, y-s, x+s*0.866, y+s*0.5, x-s*0.866, y+s*0.5)
		w.s(`Z"`)
	case 3:
		s := r * 1.25
		w.s(`<path d="M`)
		w.pts(x, y-s, x+s, y, x, y+s, x-s, y)
		w.s(`Z"`)
	case 4:
		s := r * 1.25
		w.s(`<path d="M`)
		w.pts(x, y+s, x+s*0.866, y-s*0.5, x-s*0.866, y-s*0.5)
		w.s(`Z"`)
	}
	w.s(` fill="` + fill + `" stroke="#ffffff" stroke-width="0.6"`)
	if inner == "" {
		w.s("/>\n")
		return
	}
	w.s("><title>")
	w.esc(inner)
	w.s("</title></")
	switch shape % 5 {
	case 0:
		w.s("circle")
	case 1:
		w.s("rect")
	default:
		w.s("path")
	}
	w.s(">\n")
}

// pts writes coordinate pairs separated by spaces.
func (w *svgw) pts(v ...float64) {
	for i, x := range v {
		if i > 0 {
			w.s(" ")
		}
		w.n(x)
	}
}

// frame is the layout of an x–y chart.
type frame struct {
	w, h                     float64
	left, right, top, bottom float64 // plot area edges in pixels
	x, y                     axis
	title, xlabel, ylabel    string
	xCategorical             bool
	hideXLabels              bool    // tick marks without labels (stacked panels)
	winBase                  float64 // y below the window label rows; 0 = top
	winRows                  []int   // label row per window, -1 when not drawn
	wins                     []Window
	legend                   []legendEntry
}

const (
	titleFont = 15.0
	labelFont = 12.0
	tickFont  = 11.0
	winFont   = 10.5
	winRow    = 14.0

	maxWinRows = 3 // rows of window labels above the plot
)

// layout computes margins and pixel ranges. x and y must hold their
// domains, ticks and labels.
func (f *frame) layout() {
	f.left = 12 + f.y.maxLabelWidth(tickFont) + 8
	if f.ylabel != "" {
		f.left += 20
	}
	f.right = 16
	if lw := legendWidth(f.legend); lw > 0 {
		f.right += lw + 8
	}
	f.x.p0, f.x.p1 = f.left, f.w-f.right
	if f.x.p1-f.x.p0 < 60 { // keep a minimal plot area
		f.w = f.left + f.right + 60
		f.x.p1 = f.w - f.right
	}
	// window label rows need the x pixels
	nrows := f.placeWindows()
	f.top = 12
	if f.title != "" {
		f.top += 24
	}
	f.top += float64(nrows) * winRow
	if nrows > 0 {
		f.top += 2
	}
	f.bottom = 12 + 18
	if f.xlabel != "" {
		f.bottom += 20
	}
	if need := f.top + f.bottom + math.Max(legendHeight(f.legend), 80); f.h < need {
		f.h = need
	}
	f.y.p0, f.y.p1 = f.h-f.bottom, f.top
}

// placeWindows assigns each visible window label to the first row where it
// does not overlap an earlier label and returns the number of rows.
func (f *frame) placeWindows() int {
	f.winRows = make([]int, len(f.wins))
	var rowEnd []float64
	for i, win := range f.wins {
		f.winRows[i] = -1
		x0, x1, ok := f.winPixels(win)
		if !ok || win.Label == "" {
			continue
		}
		wd := math.Min(textWidth(win.Label, winFont), f.x.p1-x0)
		if wd < 12 {
			continue
		}
		_ = x1
		r := 0
		for r < len(rowEnd) && rowEnd[r] > x0 {
			r++
		}
		if r == maxWinRows {
			continue // crowded: the band is drawn without a label
		}
		if r == len(rowEnd) {
			rowEnd = append(rowEnd, 0)
		}
		// Reserve 15% more than the DejaVu Sans estimate plus a gap: a
		// browser may render the label in a wider fallback font, and
		// adjacent labels on one row must not touch.
		rowEnd[r] = x0 + 1.15*wd + 8
		f.winRows[i] = r
	}
	return len(rowEnd)
}

// winPixels clips a window to the x domain.
func (f *frame) winPixels(win Window) (x0, x1 float64, ok bool) {
	s, e := math.Max(win.Start, f.x.lo), math.Min(win.End, f.x.hi)
	if !(e >= s) || f.x.log && s <= 0 {
		return 0, 0, false
	}
	return f.x.px(s), f.x.px(e), true
}

// drawBack draws title, window bands and grid lines.
func (f *frame) drawBack(w *svgw) {
	f.drawTitle(w)
	f.drawWindows(w, 0.07)
	f.drawGrid(w)
}

func (f *frame) drawTitle(w *svgw) {
	if f.title != "" {
		w.text(f.w/2, 12+titleFont, f.title, "middle", titleFont, `font-weight="bold"`, 0)
	}
}

// drawWindows draws the shaded intervention windows with their labels.
func (f *frame) drawWindows(w *svgw, opacity float64) {
	if len(f.wins) > 0 {
		w.s(`<g class="windows">` + "\n")
		nrows := 0
		for _, r := range f.winRows {
			nrows = max(nrows, r+1)
		}
		for i, win := range f.wins {
			x0, x1, ok := f.winPixels(win)
			if !ok {
				continue
			}
			if x1-x0 < 1 { // keep short windows visible
				x1 = x0 + 1
			}
			w.rect(x0, f.top, x1-x0, f.y.p0-f.top, `fill="#000000" fill-opacity="`+strconv.FormatFloat(opacity, 'f', -1, 64)+`"`)
			w.line(x1, f.top, x1, f.y.p0, "#888888", 0.6, `stroke-dasharray="3 2"`)
			w.line(x0, f.top, x0, f.y.p0, "#888888", 0.6, `stroke-dasharray="3 2"`)
			if r := f.winRows[i]; r >= 0 {
				base := f.top
				if f.winBase > 0 {
					base = f.winBase
				}
				ly := base - float64(nrows-1-r)*winRow - 4
				w.line(x0, ly+3, x0, f.top, "#888888", 0.6, "")
				lbl := truncate(win.Label, winFont, f.x.p1-x0)
				w.text(x0+2, ly, lbl, "start", winFont, `fill="#444444"`, 0)
			}
		}
		w.s("</g>\n")
	}
}

// drawGrid draws light grid lines at the ticks.
func (f *frame) drawGrid(w *svgw) {
	w.s(`<g class="grid" stroke="#e4e4e4" stroke-width="0.8">` + "\n")
	for _, t := range f.y.ticks {
		y := f.y.px(t)
		w.s("<line")
		w.attr("x1", f.left)
		w.attr("y1", y)
		w.attr("x2", f.x.p1)
		w.attr("y2", y)
		w.s("/>\n")
	}
	if !f.xCategorical {
		for _, t := range f.x.ticks {
			x := f.x.px(t)
			w.s("<line")
			w.attr("x1", x)
			w.attr("y1", f.top)
			w.attr("x2", x)
			w.attr("y2", f.y.p0)
			w.s("/>\n")
		}
	}
	w.s("</g>\n")
}

// drawAxes draws the plot frame, ticks, tick labels, axis labels and legend.
func (f *frame) drawAxes(w *svgw) {
	w.s(`<g class="axes">` + "\n")
	w.rect(f.left, f.top, f.x.p1-f.left, f.y.p0-f.top, `fill="none" stroke="#444444" stroke-width="0.8"`)
	for i, t := range f.y.ticks {
		y := f.y.px(t)
		w.line(f.left-5, y, f.left, y, "#444444", 0.8, "")
		w.tickLabel(f.left-8, y+4, f.y.labels[i], "end")
	}
	if !f.xCategorical {
		for i, t := range f.x.ticks {
			x := f.x.px(t)
			w.line(x, f.y.p0, x, f.y.p0+5, "#444444", 0.8, "")
			if !f.hideXLabels {
				w.tickLabel(x, f.y.p0+18, f.x.labels[i], "middle")
			}
		}
	}
	if f.xlabel != "" {
		w.text((f.left+f.x.p1)/2, f.h-12, f.xlabel, "middle", labelFont, "", 0)
	}
	if f.ylabel != "" {
		w.text(16, (f.top+f.y.p0)/2, f.ylabel, "middle", labelFont, "", -90)
	}
	w.s("</g>\n")
	w.legend(f.x.p1+14, f.top, f.legend)
}

func (w *svgw) tickLabel(x, y float64, l label, anchor string) {
	w.s("<text")
	w.attr("x", x)
	w.attr("y", y)
	w.s(` text-anchor="` + anchor + `" font-size="11" fill="#333333">`)
	w.esc(l.base)
	if l.sup != "" {
		w.s(`<tspan dy="-5" font-size="8.5">`)
		w.esc(l.sup)
		w.s("</tspan>")
	}
	w.s("</text>\n")
}

// noData writes a placeholder message in the plot area.
func (f *frame) noData(w *svgw) {
	w.text((f.left+f.x.p1)/2, (f.top+f.y.p0)/2, "no data", "middle", 13, `fill="#888888"`, 0)
}
