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
	l, err := c.frames()
	if err != nil {
		return nil, err
	}
	l.margins(c.Width)
	c.stack(&l)

	n := len(l.frames)
	var w svgw
	w.b = make([]byte, 0, 4096+l.total*16)
	w.header(l.width, l.height, c.Title)
	if c.Title != "" {
		w.text(l.width/2, 12+titleFont, c.Title, "middle", titleFont, `font-weight="bold"`, 0)
	}
	if n == 0 {
		w.text(l.width/2, l.top+30, "no data", "middle", 13, `fill="#888888"`, 0)
	}
	for i := range l.frames {
		f := &l.frames[i]
		w.s(`<g class="panel">` + "\n")
		if t := c.Charts[i].Title; t != "" {
			w.text(l.left, f.top-5, truncate(t, labelFont, l.width-l.left), "start", labelFont, `font-weight="bold"`, 0)
		}
		f.drawWindows(&w, 0.07)
		f.drawGrid(&w)
		if l.npts[i] == 0 {
			f.noData(&w)
		}
		drawLines(&w, f, c.Charts[i].Series, c.Charts[i].LogY)
		f.drawAxes(&w)
		w.s("</g>\n")
	}
	if c.XLabel != "" && n > 0 {
		w.text((l.xa.p0+l.xa.p1)/2, l.height-12, c.XLabel, "middle", labelFont, "", 0)
	}
	w.footer()
	return w.b, nil
}

// panelLayout is the geometry the panels share.
type panelLayout struct {
	frames             []frame
	npts               []int // points per panel
	total              int
	xa                 axis // the common x axis
	width, left, right float64
	top, height, ph    float64
}

// frames measures every panel's data: the common x range, each panel's y
// axis and legend.
func (c Panels) frames() (panelLayout, error) {
	n := len(c.Charts)
	l := panelLayout{frames: make([]frame, n), npts: make([]int, n), ph: c.PanelHeight}
	if l.ph <= 0 {
		l.ph = 130
	}
	nticks := int(math.Max(2, math.Min(5, math.Round(l.ph/40))))
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i, ch := range c.Charts {
		x0, x1, y0, y1, np, err := lineExtent(ch.Title, ch.Series, ch.LogY)
		if err != nil {
			return l, fmt.Errorf("report: panels %q: panel %d: %w", c.Title, i+1, err)
		}
		xmin, xmax = math.Min(xmin, x0), math.Max(xmax, x1)
		l.npts[i] = np
		l.total += np
		l.frames[i] = frame{ylabel: ch.YLabel, y: yAxisFor(y0, y1, ch.LogY, nticks), legend: lineLegend(ch.Series)}
	}
	if l.total == 0 && len(c.Windows) > 0 {
		xmin, xmax = windowRange(c.Windows)
	}
	l.xa = linAxis(xmin, xmax, false)
	return l, nil
}

// margins sets common left and right margins, so that the plot areas line
// up, and the figure width (at least 60 pixels of plot).
func (l *panelLayout) margins(width float64) {
	if width <= 0 {
		width = 760
	}
	l.left, l.right = 0, 16
	for i := range l.frames {
		lm := 12 + l.frames[i].y.maxLabelWidth(tickFont) + 8
		if l.frames[i].ylabel != "" {
			lm += 20
		}
		l.left = math.Max(l.left, lm)
		if lw := legendWidth(l.frames[i].legend); lw > 0 {
			l.right = math.Max(l.right, 16+lw+8)
		}
	}
	if width-l.left-l.right < 60 {
		width = l.left + l.right + 60
	}
	l.width = width
	l.xa.p0, l.xa.p1 = l.left, width-l.right
}

// stack places the window labels above the first panel and the panels one
// below the other, and sets the figure height.
func (c Panels) stack(l *panelLayout) {
	l.top = 12
	if c.Title != "" {
		l.top += 24
	}
	head := frame{x: l.xa, wins: c.Windows}
	nrows := head.placeWindows()
	l.top += float64(nrows) * winRow
	if nrows > 0 {
		l.top += 2
	}
	const titleRow = 18.0
	n := len(l.frames)
	y := l.top
	for i := range l.frames {
		f := &l.frames[i]
		f.w, f.x, f.wins = l.width, l.xa, c.Windows
		f.left, f.right = l.left, l.right
		if i == 0 {
			f.winBase = y
		}
		if c.Charts[i].Title != "" {
			y += titleRow
		}
		h := math.Max(l.ph, legendHeight(f.legend))
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
	l.height = y + 18
	if c.XLabel != "" {
		l.height += 20
	}
	if n == 0 {
		l.height = l.top + 60
	}
}
