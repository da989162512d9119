package report

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// benchSeries returns 50 random-walk series of 2,000 points each.
func benchSeries() []Series {
	rng := rand.New(rand.NewPCG(5, 6))
	ss := make([]Series, 50)
	for i := range ss {
		x, y := make([]float64, 2000), make([]float64, 2000)
		v := 0.0
		for k := range x {
			v += rng.NormFloat64()
			x[k], y[k] = float64(k)*0.1, v+float64(i)
		}
		ss[i] = Series{Name: "taxon " + string(rune('A'+i%26)) + string(rune('a'+i/26)), X: x, Y: y}
	}
	return ss
}

// benchFigure renders fig to SVG b.N times and reports the SVG's size.
func benchFigure(b *testing.B, fig Figure) {
	b.ReportAllocs()
	var n int
	for b.Loop() {
		out, err := fig.SVG()
		if err != nil {
			b.Fatal(err)
		}
		n = len(out)
	}
	b.ReportMetric(float64(n), "bytes/svg")
}

// BenchmarkLineChart50x2000 renders a 50-series × 2,000-point line chart
// with intervention windows to SVG.
func BenchmarkLineChart50x2000(b *testing.B) {
	c := LineChart{Title: "50 series", XLabel: "time (days)", YLabel: "value", Series: benchSeries(),
		Windows: []Window{{Start: 20, End: 34, Label: "stress"}, {Start: 60, End: 67, Label: "antibiotic"}}}
	benchFigure(b, c)
}

// BenchmarkGonumPlot50x2000 renders the same chart with gonum/plot's SVG
// back end, as the peer for benchmarks/report.md.
func BenchmarkGonumPlot50x2000(b *testing.B) {
	ss := benchSeries()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		p := plot.New()
		p.Title.Text = "50 series"
		p.X.Label.Text = "time (days)"
		p.Y.Label.Text = "value"
		p.Add(plotter.NewGrid())
		for i, s := range ss {
			xy := make(plotter.XYs, len(s.X))
			for k := range s.X {
				xy[k].X, xy[k].Y = s.X[k], s.Y[k]
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				b.Fatal(err)
			}
			l.Color = plotColour(i)
			p.Add(l)
			p.Legend.Add(s.Name, l)
		}
		c := vgsvg.New(760*vg.Inch/96, 420*vg.Inch/96)
		p.Draw(drawCanvas(c))
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
		n = buf.Len()
	}
	b.ReportMetric(float64(n), "bytes/svg")
}

// BenchmarkBoxStats computes box-plot statistics of 10,000 values.
func BenchmarkBoxStats(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float64, 10000)
	for i := range x {
		x[i] = math.Exp(rng.NormFloat64())
	}
	b.ReportAllocs()
	for b.Loop() {
		Box(x)
	}
}

// BenchmarkHeatmap40x30 renders a 40 × 30 diverging heat map with an
// annotation in every cell (an association report's largest figure).
func BenchmarkHeatmap40x30(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	const nr, nc = 40, 30
	c := Heatmap{Title: "Spearman ρ", Diverging: true, ScaleLabel: "ρ"}
	for i := range nr {
		c.Rows = append(c.Rows, "genus "+string(rune('A'+i%26))+string(rune('a'+i/26)))
		row, ann := make([]float64, nc), make([]string, nc)
		for j := range nc {
			row[j] = 2*rng.Float64() - 1
			if row[j] > 0.5 {
				ann[j] = "*"
			}
		}
		c.Values, c.Annot = append(c.Values, row), append(c.Annot, ann)
	}
	for j := range nc {
		c.Cols = append(c.Cols, "host variable "+string(rune('a'+j%26)))
	}
	benchFigure(b, c)
}
