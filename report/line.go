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

// SVG renders the chart.
func (c LineChart) SVG() ([]byte, error) {
	xmin, xmax, ymin, ymax, npts, err := lineExtent(c.Title, c.Series, c.LogY)
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
	f.layout()

	var w svgw
	w.b = make([]byte, 0, 4096+npts*16)
	w.header(f.w, f.h, c.Title)
	f.drawBack(&w)
	if npts == 0 {
		f.noData(&w)
	}
	drawLines(&w, &f, c.Series, c.LogY)
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
