package report

import (
	"bytes"
	"encoding/xml"
	"math"
	"strings"
	"testing"
)

// maxFuzzText bounds the fuzzed strings FuzzFigures draws: longer text takes
// no new path (labels are truncated to at most 220 px, about 40 characters)
// but makes every execution slower.
const maxFuzzText = 256

// fuzzFigures returns one figure of every chart type drawn from the fuzzed
// text and numbers.
func fuzzFigures(title, name, lbl string, a, b, c, d float64) []Figure {
	xs := []float64{0, 1, 2, 3}
	ys := []float64{a, b, c, d}
	return []Figure{
		LineChart{Title: title, XLabel: name, YLabel: lbl, Series: []Series{{Name: name, X: xs, Y: ys}, {Name: lbl, X: ys, Y: xs}},
			Windows: []Window{{Start: math.Min(a, b), End: math.Max(a, b), Label: lbl}}},
		LineChart{Title: title, Series: []Series{{Name: name, X: xs, Y: ys}}, LogY: true},
		StackedArea{Title: title, X: xs, Series: []Series{{Name: name, Y: ys}, {Name: lbl, Y: []float64{d, c, b, a}}}, Normalize: a > 0},
		BoxPlot{Title: title, YLabel: lbl, Groups: []string{name, lbl}, Values: [][]float64{ys, {a, a, b}}},
		Scatter{Title: title, X: ys, Y: []float64{d, c, b, a}, Groups: []string{name, lbl, name, title}, Labels: []string{lbl, name, "", title}},
		Panels{Title: title, XLabel: lbl, Windows: []Window{{Start: math.Min(c, d), End: math.Max(c, d), Label: name}},
			Charts: []LineChart{{Title: name, Series: []Series{{Name: lbl, X: xs, Y: ys}}}, {Title: lbl, LogY: true, Series: []Series{{Name: name, X: ys, Y: xs}}}}},
		Heatmap{Title: title, Rows: []string{name, lbl}, Cols: []string{title, "c"}, Values: [][]float64{{a, b}, {c, d}},
			Annot: [][]string{{name, ""}, {lbl, title}}, Diverging: a < b},
		BarChart{Title: title, YLabel: lbl, Categories: []string{name, lbl}, Series: []BarSeries{{Name: title, Values: []float64{a, b}, Err: []float64{c, d}}, {Name: name, Values: []float64{d, c}}}},
		StackedBar{Title: title, YLabel: lbl, Categories: []string{name, lbl, title}, Series: []Series{{Name: name, Y: []float64{a, b, c}}, {Name: lbl, Y: []float64{d, c, b}}}, Normalize: c > d},
		Forest{Title: title, XLabel: lbl, Labels: []string{name, lbl}, Est: []float64{a, b}, Low: []float64{math.Min(a, c), b}, High: []float64{math.Max(a, d), d},
			Highlight: []bool{a < b, true}, HighlightLegend: [2]string{name, lbl}},
	}
}

// FuzzFigures renders a chart of the type the fuzzer picks with fuzzed text
// and numbers: no panic, no error for well-shaped input, and always
// well-formed XML with finite coordinates in every attribute. One chart per execution (the
// fuzzer's coverage reaches every type): the XML check dominates the cost,
// and checking all ten charts each time made the harness ten times slower.
func FuzzFigures(f *testing.F) {
	f.Add(uint8(0), "title", "series", "window", 0.0, 1.0, 2.0, 0.5)
	f.Add(uint8(5), "<&>\"'", "\x00\xff", "]]>", math.NaN(), math.Inf(1), -1e308, 1e-308)
	f.Add(uint8(0), "", "", "", 0.0, 0.0, 0.0, 0.0)
	f.Add(uint8(1), "ü∑€😀", "a\nb", "\t", -5.0, 5.0, 1e12, -1e-12)
	for k := range len(fuzzFigures("", "", "", 0, 0, 0, 0)) {
		f.Add(uint8(k), "title", "ü∑€😀", "<&>", -1.0, 2.0, math.NaN(), 1e300)
	}
	f.Fuzz(func(t *testing.T, kind uint8, title, name, lbl string, a, b, c, d float64) {
		if len(title) > maxFuzzText || len(name) > maxFuzzText || len(lbl) > maxFuzzText {
			return
		}
		figs := fuzzFigures(title, name, lbl, a, b, c, d)
		i := int(kind) % len(figs)
		out, err := figs[i].SVG()
		if err != nil {
			if i == 0 && (math.IsNaN(a) || math.IsNaN(b)) || i == 5 && (math.IsNaN(c) || math.IsNaN(d)) {
				return // a NaN window is invalid input
			}
			t.Fatalf("figure %d: %v", i, err)
		}
		// Every number the renderer writes is an attribute (coordinates,
		// sizes); text may say NaN, as a fuzzed title or a tooltip may.
		checkXML(t, "figure", out, func(a xml.Attr) {
			if strings.Contains(a.Value, "NaN") || strings.Contains(a.Value, "Inf") {
				t.Fatalf("figure %d writes a non-finite number: %s=%q", i, a.Name.Local, a.Value)
			}
		})
	})
}

// FuzzPage writes pages with fuzzed text: always well-formed, never a
// script or an external reference.
func FuzzPage(f *testing.F) {
	f.Add("title", "sub", "key", "value", "heading", "text\n\npara", "cell")
	f.Add("</style><script>", "<!--", "&amp;", "\xff", "]]>", "\x00", "<a href='http://x'>")
	f.Fuzz(func(t *testing.T, title, sub, k, v, h, text, cell string) {
		p := &Page{Title: title, Subtitle: sub, Meta: [][2]string{{k, v}},
			Sections: []Section{{Heading: h, Text: text, Tables: []Table{{Header: []string{h, cell}, Rows: [][]string{{cell, text}}}},
				Figures: []Figure{BoxPlot{Title: title, Groups: []string{cell}, Values: [][]float64{{1, 2, 3}}}}}, {Heading: text}}}
		var buf bytes.Buffer
		if err := p.WriteHTML(&buf); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, "page", buf.Bytes())
		if bytes.Contains(buf.Bytes(), []byte("<script")) || bytes.Contains(buf.Bytes(), []byte("<a href='")) {
			t.Fatal("unescaped markup")
		}
	})
}
