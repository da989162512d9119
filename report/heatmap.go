package report

import (
	"fmt"
	"math"
)

// SVG renders the chart.
func (c Heatmap) SVG() ([]byte, error) {
	nr, nc := len(c.Rows), len(c.Cols)
	if len(c.Values) != nr {
		return nil, fmt.Errorf("report: heatmap %q: %d row names but %d value rows", c.Title, nr, len(c.Values))
	}
	for i, r := range c.Values {
		if len(r) != nc {
			return nil, fmt.Errorf("report: heatmap %q: row %d (%q) has %d values for %d columns", c.Title, i, c.Rows[i], len(r), nc)
		}
	}
	if c.Annot != nil {
		if len(c.Annot) != nr {
			return nil, fmt.Errorf("report: heatmap %q: %d annotation rows for %d rows", c.Title, len(c.Annot), nr)
		}
		for i, r := range c.Annot {
			if len(r) != nc {
				return nil, fmt.Errorf("report: heatmap %q: annotation row %d (%q) has %d cells for %d columns", c.Title, i, c.Rows[i], len(r), nc)
			}
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
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
	stops := tolYlOrBr[:]
	if c.Diverging {
		stops = tolBuRd[:]
	}
	colourOf := func(v float64) [3]float64 { return ramp(stops, math.Max(0, math.Min(1, (v-lo)/(hi-lo)))) }

	// layout
	maxW := c.Width
	if maxW <= 0 {
		maxW = 900
	}
	const cellFont = 10.0
	rowW := 0.0
	for _, r := range c.Rows {
		rowW = math.Max(rowW, math.Min(textWidth(r, tickFont), 220))
	}
	colW := 0.0
	for _, s := range c.Cols {
		colW = math.Max(colW, math.Min(textWidth(s, tickFont), 180))
	}
	annW := 0.0
	for _, r := range c.Annot {
		for _, a := range r {
			annW = math.Max(annW, textWidth(a, cellFont))
		}
	}
	left := 12 + rowW + 8
	barW := 110.0 // colour bar with its tick labels
	avail := maxW - left - barW - 16
	cw := math.Max(annW+8, 40)
	if nc > 0 {
		cw = math.Min(math.Max(cw, 24), math.Max(avail/float64(nc), 8))
		cw = math.Min(cw, 90)
	}
	ch := math.Max(math.Min(cw, 28), 16)
	if nr > 30 {
		ch = math.Max(10, math.Min(ch, 600/float64(nr)))
	}
	rotate := colW > cw-4
	top := 12.0
	if c.Title != "" {
		top += 26
	}
	gridW, gridH := cw*float64(nc), ch*float64(nr)
	bottom := 12 + 16.0
	if rotate {
		bottom = 12 + colW*0.71 + 12
	}
	width := left + gridW + 16 + barW
	if c.Title != "" {
		width = math.Max(width, textWidth(c.Title, titleFont)+24)
	}
	height := top + math.Max(gridH, 120) + bottom

	var w svgw
	w.b = make([]byte, 0, 4096+nr*nc*160)
	w.header(width, height, c.Title)
	if c.Title != "" {
		w.text(width/2, 12+titleFont, c.Title, "middle", titleFont, `font-weight="bold"`, 0)
	}
	if nr == 0 || nc == 0 {
		w.text(left+60, top+60, "no data", "middle", 13, `fill="#888888"`, 0)
	}
	w.s(`<g class="cells">` + "\n")
	for i, r := range c.Values {
		for j, v := range r {
			x, y := left+float64(j)*cw, top+float64(i)*ch
			if !finite(v) {
				w.rect(x, y, cw, ch, `fill="none" stroke="#eeeeee" stroke-width="0.5"`)
				continue
			}
			col := colourOf(v)
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
				fs := math.Min(cellFont, ch*0.7)
				w.text(x+cw/2, y+ch/2+fs*0.36, truncate(c.Annot[i][j], fs, cw-2), "middle", fs, `fill="`+fill+`"`, 0)
			}
		}
	}
	w.s("</g>\n")
	w.s(`<g class="labels" fill="#333333">` + "\n")
	for i, r := range c.Rows {
		w.text(left-6, top+float64(i)*ch+ch/2+4, truncate(r, tickFont, 220), "end", tickFont, "", 0)
	}
	for j, s := range c.Cols {
		x := left + float64(j)*cw + cw/2
		if rotate {
			w.text(x+3, top+gridH+10, truncate(s, tickFont, 180), "end", tickFont, "", -45)
		} else {
			w.text(x, top+gridH+16, s, "middle", tickFont, "", 0)
		}
	}
	w.s("</g>\n")
	// colour bar
	if nr > 0 && nc > 0 {
		bx, by := left+gridW+20, top
		bh := math.Max(math.Min(gridH, 240), 100)
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
		if c.ScaleLabel != "" {
			w.text(bx-4, by+bh/2, truncate(c.ScaleLabel, tickFont, bh), "middle", tickFont, `fill="#333333"`, -90)
		}
		w.s("</g>\n")
	}
	w.footer()
	return w.b, nil
}
