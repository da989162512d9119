package report

import (
	"fmt"
	"math"
)

// SVG renders the chart.
func (c Heatmap) SVG() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	lo, hi := c.scale()
	stops := tolYlOrBr[:]
	if c.Diverging {
		stops = tolBuRd[:]
	}
	l := c.layout()
	nr, nc := len(c.Rows), len(c.Cols)
	var w svgw
	w.b = make([]byte, 0, 4096+nr*nc*160)
	w.header(l.width, l.height, c.Title)
	if c.Title != "" {
		w.text(l.width/2, 12+titleFont, c.Title, "middle", titleFont, `font-weight="bold"`, 0)
	}
	if nr == 0 || nc == 0 {
		w.text(l.left+60, l.top+60, "no data", "middle", 13, `fill="#888888"`, 0)
	}
	c.drawCells(&w, l, stops, lo, hi)
	c.drawLabels(&w, l)
	if nr > 0 && nc > 0 {
		drawColourBar(&w, l.left+l.gridW+20, l.top, math.Max(math.Min(l.gridH, 240), 100), stops, lo, hi, c.ScaleLabel)
	}
	w.footer()
	return w.b, nil
}

// check refuses values or annotations that do not match the row and column
// names.
func (c Heatmap) check() error {
	nr, nc := len(c.Rows), len(c.Cols)
	if len(c.Values) != nr {
		return fmt.Errorf("report: heatmap %q: %d row names but %d value rows", c.Title, nr, len(c.Values))
	}
	for i, r := range c.Values {
		if len(r) != nc {
			return fmt.Errorf("report: heatmap %q: row %d (%q) has %d values for %d columns", c.Title, i, c.Rows[i], len(r), nc)
		}
	}
	if c.Annot == nil {
		return nil
	}
	if len(c.Annot) != nr {
		return fmt.Errorf("report: heatmap %q: %d annotation rows for %d rows", c.Title, len(c.Annot), nr)
	}
	for i, r := range c.Annot {
		if len(r) != nc {
			return fmt.Errorf("report: heatmap %q: annotation row %d (%q) has %d cells for %d columns", c.Title, i, c.Rows[i], len(r), nc)
		}
	}
	return nil
}

// scale returns the ends of the colour scale: the fixed scale when set, else
// the finite values' range; symmetric about zero when diverging.
func (c Heatmap) scale() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range c.Values {
		for _, v := range r {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if !finite(lo) {
		lo, hi = 0, 1
	}
	if c.Diverging {
		m := math.Max(math.Abs(lo), math.Abs(hi))
		if m == 0 {
			m = 1
		}
		lo, hi = -m, m
	} else if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	if c.ScaleMax > 0 || c.ScaleMin != 0 {
		lo, hi = c.ScaleMin, c.ScaleMax
		if c.Diverging {
			m := math.Max(math.Abs(lo), math.Abs(hi))
			lo, hi = -m, m
		}
	}
	return lo, hi
}

// heatmapLayout places a heat map's grid, labels and colour bar.
type heatmapLayout struct {
	left, top     float64 // the grid's top left corner
	cw, ch        float64 // cell width and height
	gridW, gridH  float64
	colW          float64 // widest column label
	rotate        bool    // column labels at -45°
	width, height float64
}

// heatmapCellFont is the font size of cell annotations.
const heatmapCellFont = 10.0

func (c Heatmap) layout() heatmapLayout {
	nr, nc := len(c.Rows), len(c.Cols)
	maxW := c.Width
	if maxW <= 0 {
		maxW = 900
	}
	rowW := 0.0
	for _, r := range c.Rows {
		rowW = math.Max(rowW, math.Min(textWidth(r, tickFont), 220))
	}
	var l heatmapLayout
	for _, s := range c.Cols {
		l.colW = math.Max(l.colW, math.Min(textWidth(s, tickFont), 180))
	}
	annW := 0.0
	for _, r := range c.Annot {
		for _, a := range r {
			annW = math.Max(annW, textWidth(a, heatmapCellFont))
		}
	}
	l.left = 12 + rowW + 8
	barW := 110.0 // colour bar with its tick labels
	avail := maxW - l.left - barW - 16
	l.cw = math.Max(annW+8, 40)
	if nc > 0 {
		l.cw = math.Min(math.Max(l.cw, 24), math.Max(avail/float64(nc), 8))
		l.cw = math.Min(l.cw, 90)
	}
	l.ch = math.Max(math.Min(l.cw, 28), 16)
	if nr > 30 {
		l.ch = math.Max(10, math.Min(l.ch, 600/float64(nr)))
	}
	l.rotate = l.colW > l.cw-4
	l.top = 12.0
	if c.Title != "" {
		l.top += 26
	}
	l.gridW, l.gridH = l.cw*float64(nc), l.ch*float64(nr)
	bottom := 12 + 16.0
	if l.rotate {
		bottom = 12 + l.colW*0.71 + 12
	}
	l.width = l.left + l.gridW + 16 + barW
	if c.Title != "" {
		l.width = math.Max(l.width, textWidth(c.Title, titleFont)+24)
	}
	l.height = l.top + math.Max(l.gridH, 120) + bottom
	return l
}

// heatColour is v's colour on the ramp stops scaled from lo to hi.
func heatColour(stops [][3]float64, v, lo, hi float64) [3]float64 {
	return ramp(stops, math.Max(0, math.Min(1, (v-lo)/(hi-lo))))
}

// drawCells draws a rectangle per cell with its value (and annotation) as
// a tooltip and the annotation as text; a cell that is not finite is drawn
// empty.
func (c Heatmap) drawCells(w *svgw, l heatmapLayout, stops [][3]float64, lo, hi float64) {
	cw, ch := l.cw, l.ch
	w.s(`<g class="cells">` + "\n")
	for i, r := range c.Values {
		for j, v := range r {
			x, y := l.left+float64(j)*cw, l.top+float64(i)*ch
			if !finite(v) {
				w.rect(x, y, cw, ch, `fill="none" stroke="#eeeeee" stroke-width="0.5"`)
				continue
			}
			col := heatColour(stops, v, lo, hi)
			w.s("<rect")
			w.attr("x", x)
			w.attr("y", y)
			w.attr("width", cw)
			w.attr("height", ch)
			w.s(` fill="` + hex(col) + `" stroke="#ffffff" stroke-width="0.5"><title>`)
			w.esc(c.Rows[i] + " × " + c.Cols[j] + ": " + short(v))
			if c.Annot != nil && c.Annot[i][j] != "" {
				w.esc(" (" + c.Annot[i][j] + ")")
			}
			w.s("</title></rect>\n")
			if c.Annot != nil && c.Annot[i][j] != "" && ch >= 10 {
				fill := "#000000"
				if luminance(col) < 0.35 {
					fill = "#ffffff"
				}
				fs := math.Min(heatmapCellFont, ch*0.7)
				w.text(x+cw/2, y+ch/2+fs*0.36, truncate(c.Annot[i][j], fs, cw-2), "middle", fs, `fill="`+fill+`"`, 0)
			}
		}
	}
	w.s("</g>\n")
}

// drawLabels draws the row names left of the grid and the column names
// below it.
func (c Heatmap) drawLabels(w *svgw, l heatmapLayout) {
	w.s(`<g class="labels" fill="#333333">` + "\n")
	for i, r := range c.Rows {
		w.text(l.left-6, l.top+float64(i)*l.ch+l.ch/2+4, truncate(r, tickFont, 220), "end", tickFont, "", 0)
	}
	for j, s := range c.Cols {
		x := l.left + float64(j)*l.cw + l.cw/2
		if l.rotate {
			w.text(x+3, l.top+l.gridH+10, truncate(s, tickFont, 180), "end", tickFont, "", -45)
		} else {
			w.text(x, l.top+l.gridH+16, s, "middle", tickFont, "", 0)
		}
	}
	w.s("</g>\n")
}

// drawColourBar draws the colour scale from lo to hi as a bar bh high with
// its top left corner at (bx, by), with ticks and the label beside it.
func drawColourBar(w *svgw, bx, by, bh float64, stops [][3]float64, lo, hi float64, label string) {
	const steps = 48
	w.s(`<g class="colourbar">` + "\n")
	for k := range steps {
		t0 := float64(k) / steps
		y := by + bh*(1-t0-1.0/steps)
		w.rect(bx, y, 14, bh/steps+0.3, `fill="`+hex(ramp(stops, t0+0.5/steps))+`"`)
	}
	w.rect(bx, by, 14, bh, `fill="none" stroke="#444444" stroke-width="0.6"`)
	ticks := PrettyTicks(lo, hi, 4)
	step := 0.0
	if len(ticks) > 1 {
		step = ticks[1] - ticks[0]
	}
	kept := ticks[:0]
	for _, t := range ticks {
		if t >= lo-1e-9*(hi-lo) && t <= hi+1e-9*(hi-lo) {
			kept = append(kept, t)
		}
	}
	labels := formatTicks(kept, step)
	for k, t := range kept {
		y := by + bh*(1-(t-lo)/(hi-lo))
		w.line(bx+14, y, bx+18, y, "#444444", 0.8, "")
		w.tickLabel(bx+21, y+4, labels[k], "start")
	}
	if label != "" {
		w.text(bx-4, by+bh/2, truncate(label, tickFont, bh), "middle", tickFont, `fill="#333333"`, -90)
	}
	w.s("</g>\n")
}
