package report

import (
	"fmt"
	"math"
)

func checkWindows(kind, title string, wins []Window) error {
	for i, win := range wins {
		if math.IsNaN(win.Start) || math.IsNaN(win.End) || win.End < win.Start {
			return fmt.Errorf("report: %s %q: window %d (%q): invalid interval [%g, %g]", kind, title, i, win.Label, win.Start, win.End)
		}
	}
	return nil
}

// maxAbs bounds the values the charts draw: larger magnitudes (and NaN and
// ±Inf) count as missing, so that axis arithmetic cannot overflow.
const maxAbs = 1e300

func finite(v float64) bool { return v >= -maxAbs && v <= maxAbs }

// lineExtent validates the series and returns the range of the points to
// draw.
func lineExtent(title string, series []Series, logY bool) (xmin, xmax, ymin, ymax float64, npts int, err error) {
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return 0, 0, 0, 0, 0, fmt.Errorf("report: line chart %q: series %d (%q) has %d x values but %d y values", title, i, s.Name, len(s.X), len(s.Y))
		}
	}
	xmin, xmax = math.Inf(1), math.Inf(-1)
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for k, x := range s.X {
			y := s.Y[k]
			if !pointOK(x, y, logY) {
				continue
			}
			npts++
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
	}
	return xmin, xmax, ymin, ymax, npts, nil
}

func pointOK(x, y float64, logY bool) bool {
	return finite(x) && finite(y) && (!logY || y > 0)
}

func lineLegend(series []Series) []legendEntry {
	var es []legendEntry
	if len(series) > 1 || len(series) == 1 && series[0].Name != "" {
		for i, s := range series {
			es = append(es, legendEntry{name: s.Name, colour: colour(i), kind: legendLine, dash: dash(i)})
		}
	}
	return es
}

// yAxisFor builds a y axis with about n tick intervals.
func yAxisFor(ymin, ymax float64, logY bool, n int) axis {
	if logY {
		return logAxis(ymin, ymax)
	}
	return linAxisN(ymin, ymax, true, n)
}

// bandSeries returns each band's edges as two series, for extents.
func bandSeries(title string, bands []Band) ([]Series, error) {
	var out []Series
	for i, b := range bands {
		if len(b.Lo) != len(b.X) || len(b.Hi) != len(b.X) {
			return nil, fmt.Errorf("report: line chart %q: band %d (%q) has %d x, %d lo and %d hi values", title, i, b.Name, len(b.X), len(b.Lo), len(b.Hi))
		}
		out = append(out, Series{X: b.X, Y: b.Lo}, Series{X: b.X, Y: b.Hi})
	}
	return out, nil
}

// SVG renders the chart.
func (c LineChart) SVG() ([]byte, error) {
	edges, err := bandSeries(c.Title, c.Bands)
	if err != nil {
		return nil, err
	}
	all := append(append(append([]Series(nil), c.Series...), c.Points...), edges...)
	xmin, xmax, ymin, ymax, npts, err := lineExtent(c.Title, all, c.LogY)
	if err != nil {
		return nil, err
	}
	if err := checkWindows("line chart", c.Title, c.Windows); err != nil {
		return nil, err
	}
	if npts == 0 && len(c.Windows) > 0 {
		xmin, xmax = windowRange(c.Windows)
	}
	f := frame{w: c.Width, h: c.Height, title: c.Title, xlabel: c.XLabel, ylabel: c.YLabel, wins: c.Windows}
	if f.w <= 0 {
		f.w = 760
	}
	if f.h <= 0 {
		f.h = 420
	}
	f.x = linAxis(xmin, xmax, false)
	f.y = yAxisFor(ymin, ymax, c.LogY, 5)
	f.legend = lineLegend(c.Series)
	if len(c.Bands)+len(c.Points) > 0 && len(f.legend) == 0 && len(c.Series) == 1 {
		f.legend = []legendEntry{{name: c.Series[0].Name, colour: colour(0), kind: legendLine, dash: dash(0)}}
	}
	for _, b := range c.Bands {
		f.legend = append(f.legend, legendEntry{name: b.Name, colour: colour(b.Series), kind: legendArea})
	}
	for i, p := range c.Points {
		f.legend = append(f.legend, legendEntry{name: p.Name, colour: colour(len(c.Series) + i), kind: legendMarker, shape: i})
	}
	f.layout()

	var w svgw
	w.b = make([]byte, 0, 4096+npts*16)
	w.header(f.w, f.h, c.Title)
	f.drawBack(&w)
	if npts == 0 {
		f.noData(&w)
	}
	drawBands(&w, &f, c.Bands, c.LogY)
	drawLines(&w, &f, c.Series, c.LogY)
	drawPoints(&w, &f, c.Points, len(c.Series), c.LogY)
	f.drawAxes(&w)
	w.footer()
	return w.b, nil
}

func windowRange(wins []Window) (lo, hi float64) {
	lo, hi = wins[0].Start, wins[0].End
	for _, win := range wins {
		lo, hi = math.Min(lo, win.Start), math.Max(hi, win.End)
	}
	return lo, hi
}

// drawLines draws the series as thinned polylines; isolated points become
// dots.
func drawLines(w *svgw, f *frame, series []Series, logY bool) {
	w.s(`<g class="series" fill="none" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round">` + "\n")
	var run, thin, singles []float64
	for i, s := range series {
		col := colour(i)
		w.s(`<path stroke="` + col + `"`)
		if d := dash(i); d != "" {
			w.s(` stroke-dasharray="` + d + `"`)
		}
		w.s(` d="`)
		singles = singles[:0]
		flush := func() {
			if len(run) == 2 {
				singles = append(singles, run...)
			} else if len(run) > 2 {
				pts := run
				if len(run)/2 > 2*int(f.x.p1-f.x.p0) {
					thin = thinM4(thin[:0], run)
					pts = thin
				}
				w.s("M")
				w.pts(pts...)
			}
			run = run[:0]
		}
		for k, x := range s.X {
			y := s.Y[k]
			if !pointOK(x, y, logY) {
				flush()
				continue
			}
			run = append(run, f.x.px(x), f.y.px(y))
		}
		flush()
		w.s(`"><title>`)
		w.esc(s.Name)
		w.s("</title></path>\n")
		for k := 0; k < len(singles); k += 2 {
			w.s(`<circle r="1.8" stroke="none" fill="` + col + `"`)
			w.attr("cx", singles[k])
			w.attr("cy", singles[k+1])
			w.s("/>\n")
		}
	}
	w.s("</g>\n")
}

// drawBands fills each band's polygons (one per unbroken run of points).
func drawBands(w *svgw, f *frame, bands []Band, logY bool) {
	if len(bands) == 0 {
		return
	}
	w.s(`<g class="bands" stroke="none" fill-opacity="0.22">` + "\n")
	for _, b := range bands {
		var lo, hi []float64
		flush := func() {
			if len(hi) >= 4 {
				w.s(`<path fill="` + colour(b.Series) + `" d="M`)
				w.pts(hi...)
				for k := len(lo) - 2; k >= 0; k -= 2 {
					w.s("L")
					w.pts(lo[k], lo[k+1])
				}
				w.s(`Z"><title>`)
				w.esc(b.Name)
				w.s("</title></path>\n")
			}
			lo, hi = lo[:0], hi[:0]
		}
		for k, x := range b.X {
			if !pointOK(x, b.Lo[k], logY) || !pointOK(x, b.Hi[k], logY) {
				flush()
				continue
			}
			px := f.x.px(x)
			lo = append(lo, px, f.y.px(b.Lo[k]))
			hi = append(hi, px, f.y.px(b.Hi[k]))
		}
		flush()
	}
	w.s("</g>\n")
}

// drawPoints draws marker-only series in the colours after the lines'.
func drawPoints(w *svgw, f *frame, pts []Series, offset int, logY bool) {
	if len(pts) == 0 {
		return
	}
	w.s(`<g class="points">` + "\n")
	for i, s := range pts {
		for k, x := range s.X {
			if k < len(s.Y) && pointOK(x, s.Y[k], logY) {
				w.marker(f.x.px(x), f.y.px(s.Y[k]), 3, i, colour(offset+i), s.Name)
			}
		}
	}
	w.s("</g>\n")
}
