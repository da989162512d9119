package report

import (
	"fmt"
	"math"
)

// Panels stacks line charts that share one x axis (time) and one set of
// shaded windows, each panel with its own y axis, unit and legend: the
// usual figure for host states on different scales. Of each chart only
// Title (written above its panel), YLabel, Series and LogY are used.
type Panels struct {
	Title, XLabel string
	Charts        []LineChart
	Windows       []Window

	// Width is the figure width in pixels and PanelHeight the height of
	// each panel's plot area; zero selects 760 and 130.
	Width, PanelHeight float64
}

var _ Figure = Panels{}

// SVG renders the figure.
func (c Panels) SVG() ([]byte, error) {
	if err := checkWindows("panels", c.Title, c.Windows); err != nil {
		return nil, err
	}
	n := len(c.Charts)
	ph := c.PanelHeight
	if ph <= 0 {
		ph = 130
	}
	nticks := int(math.Max(2, math.Min(5, math.Round(ph/40))))
	xmin, xmax := math.Inf(1), math.Inf(-1)
	frames := make([]frame, n)
	npts := make([]int, n)
	total := 0
	for i, ch := range c.Charts {
		x0, x1, y0, y1, np, err := lineExtent(ch.Title, ch.Series, ch.LogY)
		if err != nil {
			return nil, fmt.Errorf("report: panels %q: panel %d: %w", c.Title, i+1, err)
		}
		xmin, xmax = math.Min(xmin, x0), math.Max(xmax, x1)
		npts[i] = np
		total += np
		frames[i] = frame{ylabel: ch.YLabel, y: yAxisFor(y0, y1, ch.LogY, nticks), legend: lineLegend(ch.Series)}
	}
	if total == 0 && len(c.Windows) > 0 {
		xmin, xmax = windowRange(c.Windows)
	}
	xa := linAxis(xmin, xmax, false)
	width := c.Width
	if width <= 0 {
		width = 760
	}
	// common margins so that the plot areas line up
	left, right := 0.0, 16.0
	for i := range frames {
		l := 12 + frames[i].y.maxLabelWidth(tickFont) + 8
		if frames[i].ylabel != "" {
			l += 20
		}
		left = math.Max(left, l)
		if lw := legendWidth(frames[i].legend); lw > 0 {
			right = math.Max(right, 16+lw+8)
		}
	}
	if width-left-right < 60 {
		width = left + right + 60
	}
	xa.p0, xa.p1 = left, width-right

	top := 12.0
	if c.Title != "" {
		top += 24
	}
	// window labels above the first panel
	head := frame{x: xa, wins: c.Windows}
	nrows := head.placeWindows()
	top += float64(nrows) * winRow
	if nrows > 0 {
		top += 2
	}
	const titleRow = 18.0
	y := top
	for i := range frames {
		f := &frames[i]
		f.w, f.x, f.wins = width, xa, c.Windows
		f.left, f.right = left, right
		if i == 0 {
			f.winBase = y
		}
		if c.Charts[i].Title != "" {
			y += titleRow
		}
		h := math.Max(ph, legendHeight(f.legend))
		f.top = y
		f.y.p1, f.y.p0 = y, y+h
		f.bottom = 0
		f.winRows = make([]int, len(c.Windows))
		for k := range f.winRows {
			f.winRows[k] = -1
		}
		if i == 0 {
			f.winRows = head.winRows
		}
		f.hideXLabels = i < n-1
		y += h + 12
	}
	height := y + 18
	if c.XLabel != "" {
		height += 20
	}
	if n == 0 {
		height = top + 60
	}

	var w svgw
	w.b = make([]byte, 0, 4096+total*16)
	w.header(width, height, c.Title)
	if c.Title != "" {
		w.text(width/2, 12+titleFont, c.Title, "middle", titleFont, `font-weight="bold"`, 0)
	}
	if n == 0 {
		w.text(width/2, top+30, "no data", "middle", 13, `fill="#888888"`, 0)
	}
	for i := range frames {
		f := &frames[i]
		w.s(`<g class="panel">` + "\n")
		if t := c.Charts[i].Title; t != "" {
			w.text(left, f.top-5, truncate(t, labelFont, width-left), "start", labelFont, `font-weight="bold"`, 0)
		}
		f.drawWindows(&w, 0.07)
		f.drawGrid(&w)
		if npts[i] == 0 {
			f.noData(&w)
		}
		drawLines(&w, f, c.Charts[i].Series, c.Charts[i].LogY)
		f.drawAxes(&w)
		w.s("</g>\n")
	}
	if c.XLabel != "" && n > 0 {
		w.text((xa.p0+xa.p1)/2, height-12, c.XLabel, "middle", labelFont, "", 0)
	}
	w.footer()
	return w.b, nil
}
