package report_test

import (
	"bytes"
	"fmt"
	"log"
	"math"
	"strings"

	"github.com/holobiont/holobiont/report"
)

func ExamplePrettyTicks() {
	fmt.Println(report.PrettyTicks(0, 180, 5))
	fmt.Println(report.PrettyTicks(-3.7, 12.2, 5))
	// Output:
	// [0 50 100 150 200]
	// [-5 0 5 10 15]
}

func ExampleHeckbertTicks() {
	// the example of Heckbert's Graphics Gems paper
	fmt.Println(report.HeckbertTicks(105, 543, 5))
	// Output:
	// [100 200 300 400 500 600]
}

func ExampleLogTicks() {
	fmt.Println(report.LogTicks(1, 100))
	// Output:
	// [1 2 5 10 20 50 100]
}

func ExampleBox() {
	// as R's boxplot.stats(c(10, 2, 7, 3, 3, 8, 1, 12, 40, 6, 5))
	b := report.Box([]float64{10, 2, 7, 3, 3, 8, 1, 12, 40, 6, 5})
	fmt.Println(b.LowerWhisker, b.LowerHinge, b.Median, b.UpperHinge, b.UpperWhisker)
	fmt.Println("n =", b.N, "outliers:", b.Out)
	// Output:
	// 1 3 6 9 12
	// n = 11 outliers: [40]
}

func ExampleLineChart() {
	t := make([]float64, 181)
	cortisol := make([]float64, len(t))
	for i := range t {
		t[i] = float64(i)
		cortisol[i] = 1
		if t[i] >= 20 && t[i] < 34 {
			cortisol[i] = 2 - math.Exp(-(t[i]-20)/2)
		}
	}
	c := report.LineChart{
		Title:  "Cortisol",
		XLabel: "time (days)", YLabel: "relative to baseline",
		Series:  []report.Series{{Name: "cortisol", X: t, Y: cortisol}},
		Windows: []report.Window{{Start: 20, End: 34, Label: "exam stress"}},
	}
	svg, err := c.SVG()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasPrefix(string(svg), "<svg "), strings.Contains(string(svg), ">exam stress</text>"))
	// Output:
	// true true
}

func ExampleStackedArea() {
	c := report.StackedArea{
		Title: "Gut composition", XLabel: "time (days)", YLabel: "relative abundance",
		X: []float64{0, 1, 2, 3},
		Series: []report.Series{
			{Name: "Bacteroides", Y: []float64{5, 5, 2, 4}},
			{Name: "Bifidobacterium", Y: []float64{1, 2, 1, 2}},
		},
		Normalize: true,
	}
	if _, err := c.SVG(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("ok")
	// Output:
	// ok
}

func ExampleHeatmap() {
	h := report.Heatmap{
		Title: "Spearman ρ, axilla",
		Rows:  []string{"Staphylococcus", "Corynebacterium"},
		Cols:  []string{"stress", "mood"},
		Values: [][]float64{
			{0.42, math.NaN()}, // NaN: not tested, drawn blank
			{-0.31, 0.05},
		},
		Annot:     [][]string{{"*", ""}, {"", ""}},
		Diverging: true,
	}
	svg, err := h.SVG()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Count(string(svg), "<title>Staphylococcus × stress"))
	// Output:
	// 1
}

func ExamplePage_WriteHTML() {
	p := report.Page{
		Title: "holobiont study report",
		Meta:  [][2]string{{"holobiont version", "dev"}, {"table sha256", "9f2c…"}},
		Sections: []report.Section{{
			Heading: "Alpha diversity",
			Text:    "Shannon diversity (natural log) per body site.",
			Figures: []report.Figure{report.BoxPlot{
				Title: "Shannon", YLabel: "nats",
				Groups: []string{"face", "forearm"},
				Values: [][]float64{{1.1, 1.3, 0.9, 1.2}, {2.8, 3.1, 2.5, 3.0}},
			}},
			Tables: []report.Table{{Header: []string{"site", "n"}, Rows: [][]string{{"face", "4"}, {"forearm", "4"}}}},
		}},
	}
	// In a command, write to a file made with internal/safefile so that no
	// half-written report is ever left behind.
	var buf bytes.Buffer
	if err := p.WriteHTML(&buf); err != nil {
		log.Fatal(err)
	}
	html := buf.String()
	fmt.Println(strings.Count(html, "<svg "), strings.Contains(html, "<h2>Alpha diversity</h2>"))
	// Output:
	// 1 true
}

func ExamplePanels() {
	t := []float64{0, 10, 20, 30, 40, 50, 60}
	p := report.Panels{
		Title: "Host states", XLabel: "time (days)",
		Windows: []report.Window{{Start: 20, End: 34, Label: "exam stress"}},
		Charts: []report.LineChart{
			{Title: "Cortisol", YLabel: "nmol/L", Series: []report.Series{{Name: "cortisol", X: t, Y: []float64{12, 12, 20, 22, 13, 12, 12}}}},
			{Title: "Gut permeability", YLabel: "L/M ratio", Series: []report.Series{{Name: "L/M", X: t, Y: []float64{0.03, 0.03, 0.05, 0.05, 0.035, 0.03, 0.03}}}},
		},
	}
	svg, err := p.SVG()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Count(string(svg), `<g class="panel">`))
	// Output:
	// 2
}

func ExampleScatter() {
	// a PCoA ordination coloured by body site, both axes on one scale
	s := report.Scatter{
		Title: "PCoA (Bray–Curtis)", XLabel: "PC1 (31.2%)", YLabel: "PC2 (12.5%)",
		X:      []float64{-0.41, -0.38, 0.22, 0.25, 0.05},
		Y:      []float64{0.02, -0.05, 0.11, 0.09, -0.12},
		Groups: []string{"face", "face", "forearm", "forearm", "axilla"},
		Labels: []string{"S1", "S2", "S3", "S4", "S5"},
		Equal:  true,
	}
	svg, err := s.SVG()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Contains(string(svg), ">forearm</text>"))
	// Output:
	// true
}
