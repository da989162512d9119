package report

import (
	"bytes"
	"math"
	"testing"
)

// FuzzFigures renders every chart type with fuzzed text and numbers: no
// panic, no error for well-shaped input, and always well-formed XML with
// finite coordinates.
func FuzzFigures(f *testing.F) {
	f.Add("title", "series", "window", 0.0, 1.0, 2.0, 0.5)
	f.Add("<&>\"'", "\x00\xff", "]]>", math.NaN(), math.Inf(1), -1e308, 1e-308)
	f.Add("", "", "", 0.0, 0.0, 0.0, 0.0)
	f.Add("ü∑€😀", "a\nb", "\t", -5.0, 5.0, 1e12, -1e-12)
	f.Fuzz(func(t *testing.T, title, name, lbl string, a, b, c, d float64) {
		xs := []float64{0, 1, 2, 3}
		ys := []float64{a, b, c, d}
		figs := []Figure{
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
		}
		for i, fig := range figs {
			out, err := fig.SVG()
			if err != nil {
				if i == 0 && (math.IsNaN(a) || math.IsNaN(b)) || i == 5 && (math.IsNaN(c) || math.IsNaN(d)) {
					continue // a NaN window is invalid input
				}
				t.Fatalf("figure %d: %v", i, err)
			}
			wellFormed(t, "figure", out)
			if bytes.Contains(out, []byte("NaN")) || bytes.Contains(out, []byte("Inf")) {
				t.Fatalf("figure %d writes a non-finite number", i)
			}
		}
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
