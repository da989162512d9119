package report

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func render(t *testing.T, f Figure) string {
	t.Helper()
	b, err := f.SVG()
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, "figure", b)
	return string(b)
}

// TestHeatmapColours checks the diverging scale is centred on zero with
// Tol's BuRd end points, NaN cells are blank and annotations on dark cells
// are white.
func TestHeatmapColours(t *testing.T) {
	s := render(t, Heatmap{Rows: []string{"r"}, Cols: []string{"a", "b", "c", "d"},
		Values: [][]float64{{-2, 0, 1.5, math.NaN()}}, Annot: [][]string{{"lo", "mid", "", "gap"}}, Diverging: true})
	for _, want := range []string{`fill="#2166AC"`, `fill="#F7F7F7"`} {
		if !strings.Contains(s, want) {
			t.Errorf("diverging heatmap lacks %s", want)
		}
	}
	if strings.Contains(s, `fill="#B2182B"`) {
		t.Error("1.5 drawn with the colour of the maximum |value| 2")
	}
	if n := strings.Count(s, `<rect`) - 1 - 48 - 1; n != 4 { // background, colour bar steps, bar frame
		t.Errorf("%d cell rects, want 4", n)
	}
	if strings.Contains(s, "gap") {
		t.Error("annotation written in a NaN cell")
	}
	if !regexp.MustCompile(`fill="#ffffff">lo</text>`).MatchString(s) || !strings.Contains(s, `fill="#000000">mid</text>`) {
		t.Error("annotation colour does not follow cell luminance")
	}
	// sequential: minimum and maximum take the end colours
	s = render(t, Heatmap{Rows: []string{"r"}, Cols: []string{"a", "b"}, Values: [][]float64{{3, 7}}})
	if !strings.Contains(s, `fill="#FFFFE5"`) || !strings.Contains(s, `fill="#662506"`) {
		t.Error("sequential heatmap does not span YlOrBr")
	}
}

// TestBoxPlotOutliers checks that each outlier is drawn once.
func TestBoxPlotOutliers(t *testing.T) {
	x := []float64{-30, 1.2, 1.9, 2.4, 2.5, 2.8, 3.1, 3.3, 3.9, 4.4, 25, 31}
	s := render(t, BoxPlot{Groups: []string{"g"}, Values: [][]float64{x}})
	if n := strings.Count(s, `<circle r="2.8" fill="none"`); n != 3 {
		t.Errorf("%d outlier circles, want 3", n)
	}
	if !strings.Contains(s, ">n=12</text>") {
		t.Error("group size not shown")
	}
}

var pathRe = regexp.MustCompile(`<path fill="[^"]*" fill-opacity="0.9" d="M([^"Z]*)Z"`)

// TestStackedNormalized checks that normalised layers stack to exactly 1
// in every column, including a column whose first layer is zero.
func TestStackedNormalized(t *testing.T) {
	c := StackedArea{X: []float64{0, 1, 2, 3}, Normalize: true, Width: 500, Height: 300, Series: []Series{
		{Name: "a", Y: []float64{1, 0, 3, math.NaN()}},
		{Name: "b", Y: []float64{1, 2, 1, 4}},
	}}
	s := render(t, c)
	m := pathRe.FindAllStringSubmatch(s, -1)
	if len(m) != 2 {
		t.Fatalf("%d area paths, want 2", len(m))
	}
	top := parseCoords(t, m[1][1])
	// plot top edge: the y of the 1.0 tick's grid line
	f := frame{w: 500, h: 300, x: linAxis(0, 3, false), y: linAxis(0, 1, true), legend: []legendEntry{{name: "b"}, {name: "a"}}}
	f.layout()
	want := math.Round(f.y.px(1)*100) / 100
	for k := 0; k < 4; k++ {
		if top[2*k+1] != want {
			t.Fatalf("column %d top at y=%g, want %g", k, top[2*k+1], want)
		}
	}
	// the first layer: 0.5, 0, 0.75, 0 of the height
	first := parseCoords(t, m[0][1])
	h := f.y.px(0) - f.y.px(1)
	for k, frac := range []float64{0.5, 0, 0.75, 0} {
		if got := f.y.px(0) - first[2*k+1]; math.Abs(got-frac*h) > 0.01 {
			t.Errorf("column %d: layer a height %g px, want %g", k, got, frac*h)
		}
	}
}

func parseCoords(t *testing.T, d string) []float64 {
	t.Helper()
	var out []float64
	for _, f := range strings.Fields(d) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("path coordinate %q: %v", f, err)
		}
		out = append(out, v)
	}
	return out
}

// TestWindowLabels checks overlapping windows get separate label rows and
// windows outside the x range are not drawn.
func TestWindowLabels(t *testing.T) {
	x := []float64{0, 100}
	s := render(t, LineChart{Series: []Series{{Name: "s", X: x, Y: x}}, Windows: []Window{
		{Start: 10, End: 30, Label: "first window"}, {Start: 12, End: 20, Label: "second"}, {Start: 200, End: 300, Label: "beyond"},
	}})
	re := regexp.MustCompile(`<text x="[^"]*" y="([^"]*)" font-size="10.5" fill="#444444">([^<]*)</text>`)
	m := re.FindAllStringSubmatch(s, -1)
	if len(m) != 2 {
		t.Fatalf("%d window labels, want 2: %v", len(m), m)
	}
	if m[0][2] != "first window" || m[1][2] != "second" || m[0][1] == m[1][1] {
		t.Errorf("labels %v: overlapping labels must sit in different rows", m)
	}
	if strings.Contains(s, "beyond") {
		t.Error("window outside the data range drawn")
	}
}

// TestLogYSkipsNonPositive checks that zeros break a log-scale line and
// ticks sit on powers of ten.
func TestLogYSkipsNonPositive(t *testing.T) {
	s := render(t, LineChart{Series: []Series{{Name: "s", X: []float64{0, 1, 2, 3, 4}, Y: []float64{1, 10, 0, 100, 1000}}}, LogY: true})
	d := regexp.MustCompile(` d="([^"]*)"`).FindStringSubmatch(s)[1]
	if strings.Count(d, "M") != 2 {
		t.Errorf("path %q: want two runs around the zero", d)
	}
	for _, want := range []string{">1</text>", ">10</text>", ">100</text>", ">1000</text>"} {
		if !strings.Contains(s, want) {
			t.Errorf("log axis lacks tick label %s", want)
		}
	}
}

// TestThinColumns checks that stacked-area thinning keeps, per pixel
// column, the first and last index and every layer's extremes.
func TestThinColumns(t *testing.T) {
	const n = 5000
	xs := make([]float64, n)
	layers := [][]float64{make([]float64, n), make([]float64, n)}
	for i := range xs {
		xs[i] = 300 * float64(i) / n
		layers[0][i] = 100 + 20*math.Sin(float64(i)/7)
		layers[1][i] = layers[0][i] - 30*math.Abs(math.Cos(float64(i)/13))
	}
	idx := thinColumns(xs, layers)
	if len(idx) >= n/2 || len(idx) < 2*300 {
		t.Fatalf("kept %d of %d columns", len(idx), n)
	}
	kept := make(map[int]bool)
	for k, i := range idx {
		if k > 0 && i <= idx[k-1] {
			t.Fatal("indices not increasing")
		}
		kept[i] = true
	}
	for i := 0; i < n; {
		c := math.Floor(xs[i])
		j := i
		for j+1 < n && math.Floor(xs[j+1]) == c {
			j++
		}
		if !kept[i] || !kept[j] {
			t.Fatalf("column %g: first or last dropped", c)
		}
		for _, l := range layers {
			lo, hi := math.Inf(1), math.Inf(-1)
			for k := i; k <= j; k++ {
				lo, hi = math.Min(lo, l[k]), math.Max(hi, l[k])
			}
			klo, khi := math.Inf(1), math.Inf(-1)
			for k := i; k <= j; k++ {
				if kept[k] {
					klo, khi = math.Min(klo, l[k]), math.Max(khi, l[k])
				}
			}
			if klo != lo || khi != hi {
				t.Fatalf("column %g: layer range [%g, %g] became [%g, %g]", c, lo, hi, klo, khi)
			}
		}
		i = j + 1
	}
	// and a long stacked chart is drawn thinned
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
	}
	s := render(t, StackedArea{X: x, Series: []Series{{Name: "a", Y: layers[0]}, {Name: "b", Y: layers[1]}}})
	if len(s) > 200000 {
		t.Errorf("5,000-column stacked chart is %d bytes", len(s))
	}
}

// TestWindowsOnly checks that a chart without data still shows its
// windows on an axis spanning them.
func TestWindowsOnly(t *testing.T) {
	s := render(t, LineChart{Windows: []Window{{Start: 10, End: 20, Label: "dose"}, {Start: 30, End: 40}}})
	if !strings.Contains(s, ">dose</text>") || !strings.Contains(s, ">no data</text>") {
		t.Error("windows-only chart lacks its window label or the no-data note")
	}
	if !strings.Contains(s, ">40</text>") {
		t.Error("x axis does not span the windows")
	}
}
