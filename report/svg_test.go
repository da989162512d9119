package report

import (
	"bytes"
	"encoding/xml"
	"flag"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden SVG snapshot in testdata")

// wellFormed parses b completely with encoding/xml.
func wellFormed(t testing.TB, what string, b []byte) {
	t.Helper()
	checkXML(t, what, b, nil)
}

// checkXML parses b completely with encoding/xml and calls attr (when not
// nil) with every attribute of every element.
func checkXML(t testing.TB, what string, b []byte, attr func(xml.Attr)) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	depth, elems := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed XML: %v\n%s", what, err, snippet(b, d.InputOffset()))
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			elems++
			if attr != nil {
				for _, a := range tok.(xml.StartElement).Attr {
					attr(a)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || elems == 0 {
		t.Fatalf("%s: unbalanced or empty document (depth %d, %d elements)", what, depth, elems)
	}
}

func snippet(b []byte, off int64) string {
	lo, hi := max(0, int(off)-200), min(len(b), int(off)+200)
	return string(b[lo:hi])
}

// allFigures returns every figure of the sample page.
func allFigures() []Figure {
	var fs []Figure
	for _, s := range samplePage().Sections {
		fs = append(fs, s.Figures...)
	}
	return fs
}

func TestSVGWellFormed(t *testing.T) {
	nasty := `a<b & c>"d" 'e' ]]> <!-- x --> ` + "\x00\x01\x1f\uFFFE\xff\xfe tab\tnl\n end"
	figs := allFigures()
	figs = append(figs,
		LineChart{Title: nasty, XLabel: nasty, YLabel: nasty, Series: []Series{{Name: nasty, X: []float64{0, 1, 2}, Y: []float64{1, math.NaN(), 3}}},
			Windows: []Window{{Start: 0.5, End: 1.5, Label: nasty}}},
		StackedArea{Title: nasty, X: []float64{0, 1}, Series: []Series{{Name: nasty, Y: []float64{1, 2}}}, Windows: []Window{{Start: 0, End: 1, Label: nasty}}},
		BoxPlot{Title: nasty, YLabel: nasty, Groups: []string{nasty, ""}, Values: [][]float64{{1, 2, 3}, nil}},
		Scatter{Title: nasty, X: []float64{1, 2}, Y: []float64{3, 4}, Groups: []string{nasty, "b"}, Labels: []string{nasty, ""}},
		Heatmap{Title: nasty, Rows: []string{nasty}, Cols: []string{nasty, "x"}, Values: [][]float64{{1, math.NaN()}}, Annot: [][]string{{nasty, ""}}},
		Panels{Title: nasty, XLabel: nasty, Windows: []Window{{Start: 0, End: 1, Label: nasty}},
			Charts: []LineChart{{Title: nasty, YLabel: nasty, Series: []Series{{Name: nasty, X: []float64{0, 1}, Y: []float64{1, 2}}}}, {}}},
		// empty figures render a placeholder
		LineChart{}, StackedArea{}, BoxPlot{}, Scatter{}, Heatmap{}, Panels{},
		LineChart{LogY: true, Series: []Series{{Name: "neg", X: []float64{0, 1}, Y: []float64{-1, 0}}}},
		Heatmap{Rows: []string{"a"}, Cols: []string{"b"}, Values: [][]float64{{math.NaN()}}, Diverging: true},
	)
	for i, f := range figs {
		b, err := f.SVG()
		if err != nil {
			t.Fatalf("figure %d (%T): %v", i, f, err)
		}
		wellFormed(t, "figure", b)
		if !bytes.HasPrefix(b, []byte("<svg ")) {
			t.Errorf("figure %d does not start with <svg", i)
		}
		if bytes.Contains(b, []byte("NaN")) || bytes.Contains(b, []byte("Inf")) {
			t.Errorf("figure %d (%T) writes a non-finite number", i, f)
		}
	}
}

// TestHTMLWellFormed checks that the page is well-formed XML (so every tag
// is closed and every text escaped), self-contained and script-free.
func TestHTMLWellFormed(t *testing.T) {
	var buf bytes.Buffer
	p := samplePage()
	p.Title = "<script>alert(1)</script> & co"
	p.Meta = append(p.Meta, [2]string{"<k>", "v & w"})
	p.Sections[0].Tables = append(p.Sections[0].Tables, Table{Header: []string{"<h>"}, Rows: [][]string{{"a & b"}, {"-1.5e3"}}})
	if err := p.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	wellFormed(t, "page", b)
	s := string(b)
	for _, bad := range []string{"<script", "src=", "href=\"http", "url(", "@import", "@font-face"} {
		if strings.Contains(s, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if n := strings.Count(s, "<svg "); n != 8 {
		t.Errorf("page has %d inline SVG figures, want 8", n)
	}
	if strings.Count(s, "http://") != strings.Count(s, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Error("page refers to a URL other than the SVG namespace")
	}
	if !strings.Contains(s, `<td class="num">−1.5e3</td>`) && !strings.Contains(s, `<td class="num">-1.5e3</td>`) {
		t.Error("numeric table cell not right-aligned")
	}
	if !strings.Contains(s, "Content-Security-Policy") {
		t.Error("no Content-Security-Policy")
	}
}

func TestHTMLFigureError(t *testing.T) {
	p := &Page{Sections: []Section{{Heading: "bad", Figures: []Figure{LineChart{Series: []Series{{Name: "s", X: []float64{1}}}}}}}}
	var buf bytes.Buffer
	err := p.WriteHTML(&buf)
	if err == nil || !strings.Contains(err.Error(), `"bad"`) || !strings.Contains(err.Error(), `"s"`) {
		t.Fatalf("error = %v, want one naming the section and the series", err)
	}
	if buf.Len() != 0 {
		t.Fatal("a failing page wrote output")
	}
}

func TestInvalidInput(t *testing.T) {
	for i, f := range []Figure{
		LineChart{Series: []Series{{X: []float64{1, 2}, Y: []float64{1}}}},
		LineChart{Windows: []Window{{Start: 2, End: 1}}},
		LineChart{Windows: []Window{{Start: math.NaN(), End: 1}}},
		StackedArea{X: []float64{0, 1}, Series: []Series{{Y: []float64{1}}}},
		StackedArea{X: []float64{1, 0}},
		StackedArea{X: []float64{0, math.Inf(1)}},
		BoxPlot{Groups: []string{"a"}},
		Scatter{X: []float64{1}, Y: nil},
		Scatter{X: []float64{1}, Y: []float64{1}, Groups: []string{"a", "b"}},
		Scatter{X: []float64{1}, Y: []float64{1}, Labels: []string{}},
		Panels{Charts: []LineChart{{Series: []Series{{X: []float64{1}}}}}},
		Panels{Windows: []Window{{Start: 1, End: 0}}},
		Heatmap{Rows: []string{"a"}, Cols: []string{"b"}, Values: [][]float64{{1, 2}}},
		Heatmap{Rows: []string{"a"}, Cols: []string{"b"}, Values: nil},
		Heatmap{Rows: []string{"a"}, Cols: []string{"b"}, Values: [][]float64{{1}}, Annot: [][]string{{}}},
	} {
		if _, err := f.SVG(); err == nil {
			t.Errorf("case %d (%T): no error for invalid input", i, f)
		}
	}
}

// TestDeterministic renders the sample page repeatedly (rebuilding the
// input each time) and requires identical bytes.
func TestDeterministic(t *testing.T) {
	var first []byte
	for range 3 {
		var buf bytes.Buffer
		if err := samplePage().WriteHTML(&buf); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = buf.Bytes()
		} else if !bytes.Equal(first, buf.Bytes()) {
			t.Fatal("same input gave different bytes")
		}
	}
}

// smallChart is the chart of the golden snapshot.
func smallChart() LineChart {
	return LineChart{
		Title: "Decay & growth", XLabel: "time (days)", YLabel: "level",
		Series: []Series{
			{Name: "decay", X: []float64{0, 1, 2, 3, 4, 5}, Y: []float64{1, 0.61, 0.37, 0.22, 0.14, 0.08}},
			{Name: "growth", X: []float64{0, 1, 2, 3, 4, 5}, Y: []float64{0.1, 0.2, 0.4, 0.62, 0.8, 0.9}},
		},
		Windows: []Window{{Start: 1, End: 2.5, Label: "dose"}},
		Width:   400, Height: 260,
	}
}

// TestGoldenSVG compares a small chart with the reviewed snapshot in
// testdata/small_line.svg (regenerate with go test -run TestGoldenSVG
// -update after checking the new rendering by eye).
func TestGoldenSVG(t *testing.T) {
	b, err := smallChart().SVG()
	if err != nil {
		t.Fatal(err)
	}
	const path = "testdata/small_line.svg"
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("SVG differs from %s; got:\n%s", path, b)
	}
}

// TestThinM4 checks that thinning keeps, in every pixel column, the first,
// last, lowest and highest point, and reduces the point count.
func TestThinM4(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 20000
	pts := make([]float64, 0, 2*n)
	y := 0.0
	for i := range n {
		y += rng.NormFloat64()
		pts = append(pts, 500*float64(i)/n, y)
	}
	out := thinM4(nil, pts)
	if len(out)/2 > 4*500 || len(out)/2 < 2*500 {
		t.Fatalf("thinned to %d points", len(out)/2)
	}
	type agg struct{ first, last, lo, hi float64 }
	summarise := func(p []float64) map[int]agg {
		m := make(map[int]agg)
		for k := 0; k < len(p); k += 2 {
			c := int(math.Floor(p[k]))
			a, ok := m[c]
			if !ok {
				a = agg{p[k+1], p[k+1], p[k+1], p[k+1]}
			}
			a.last = p[k+1]
			a.lo, a.hi = math.Min(a.lo, p[k+1]), math.Max(a.hi, p[k+1])
			m[c] = a
		}
		return m
	}
	full, thin := summarise(pts), summarise(out)
	if len(full) != len(thin) {
		t.Fatalf("%d columns before, %d after", len(full), len(thin))
	}
	for c, a := range full {
		if thin[c] != a {
			t.Fatalf("column %d: %+v before, %+v after", c, a, thin[c])
		}
	}
	// order kept
	for k := 2; k < len(out); k += 2 {
		if out[k] < out[k-2] {
			t.Fatal("thinning reordered points")
		}
	}
	// non-monotone x is left alone
	back := []float64{0, 0, 2, 1, 1, 2}
	if got := thinM4(nil, back); len(got) != len(back) {
		t.Fatal("non-monotone polyline was thinned")
	}
}

// TestLongSeriesThinned checks that a long series is drawn with far fewer
// points than it has, and a short one with all of them.
func TestLongSeriesThinned(t *testing.T) {
	mk := func(n int) []byte {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i] = float64(i), math.Sin(float64(i)/50)
		}
		b, err := LineChart{Series: []Series{{Name: "s", X: x, Y: y}}}.SVG()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if a, b := len(mk(100000)), len(mk(100)); a > 40*b {
		t.Errorf("100,000-point chart is %d bytes, 100-point chart %d", a, b)
	}
}

// TestAppendNum checks the fast fixed-point formatter against strconv.
func TestAppendNum(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	vals := []float64{0, -0.0, 0.004, -0.004, 0.005, 0.29, 1, -1, 12.3, 100.01, 1e13, -7.77, 1e17, math.NaN(), math.Inf(-1)}
	for range 10000 {
		vals = append(vals, (rng.Float64()-0.5)*math.Pow(10, float64(rng.IntN(10))))
	}
	for _, v := range vals {
		got := string(appendNum(nil, v))
		want := "0"
		if finite(v) || math.Abs(v) < math.Inf(1) {
			r := math.Round(v*100) / 100
			if r != 0 {
				want = strconv.FormatFloat(r, 'f', -1, 64)
			}
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			want = "0"
		}
		if got != want {
			t.Errorf("appendNum(%v) = %q, want %q", v, got, want)
		}
	}
}

// TestLineBandsPoints checks that a band is drawn as a filled path in the
// colour of its series, observations as one marker per finite point, and
// that both appear in the legend.
func TestLineBandsPoints(t *testing.T) {
	c := LineChart{Title: "forecast", XLabel: "day", YLabel: "relative abundance",
		Series: []Series{{Name: "forecast", X: []float64{0, 1, 2, 3}, Y: []float64{0.1, 0.2, 0.3, 0.25}}},
		Bands:  []Band{{Name: "95% band", X: []float64{0, 1, 2, 3}, Lo: []float64{0.05, 0.1, 0.2, 0.2}, Hi: []float64{0.15, 0.3, 0.4, 0.3}}},
		Points: []Series{{Name: "observed", X: []float64{0, 2, 3}, Y: []float64{0.1, 0.35, math.NaN()}}}}
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, `<g class="bands"`) || !strings.Contains(s, `<path fill="`+colour(0)+`" d="M`) {
		t.Error("no band path in the series colour")
	}
	pts := s[strings.Index(s, `<g class="points">`):]
	pts = pts[:strings.Index(pts, "</g>")]
	if n := strings.Count(pts, "<circle"); n != 2 {
		t.Errorf("%d observation markers, want 2 (the NaN point is skipped)", n)
	}
	for _, name := range []string{"forecast", "95% band", "observed"} {
		if !strings.Contains(s, ">"+name+"<") {
			t.Errorf("legend lacks %q", name)
		}
	}
	if _, err := (LineChart{Bands: []Band{{X: []float64{0, 1}, Lo: []float64{0}, Hi: []float64{1, 2}}}}).SVG(); err == nil {
		t.Error("a band with mismatched lengths should be an error")
	}
}

// TestDownloads checks that a page with Downloads carries SVG and PNG data
// URIs per figure, the PNG decodes at twice the SVG size, and the page
// stays script-free.
func TestDownloads(t *testing.T) {
	fig := Scatter{Title: "t", X: []float64{1, 2, 3}, Y: []float64{3, 1, 2}, Groups: []string{"a", "b", "a"}, Width: 300, Height: 200}
	p := &Page{Title: "d", Sections: []Section{{Heading: "s", Figures: []Figure{fig}}}, Downloads: true}
	var buf bytes.Buffer
	if err := p.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, want := range []string{`download="figure-1-1.svg" href="data:image/svg+xml;base64,`, `download="figure-1-1.png" href="data:image/png;base64,`} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(s, "<script") {
		t.Error("page has a script")
	}
	b, err := PNG(fig, 2)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if sz := img.Bounds().Size(); sz.X != 600 || sz.Y != 400 {
		t.Errorf("png size %v, want 600×400", sz)
	}
	// The white background and a coloured (non-grey) point are there.
	coloured := false
	for y := 0; y < 400 && !coloured; y++ {
		for x := 0; x < 600; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r != g || g != b {
				coloured = true
				break
			}
		}
	}
	if !coloured {
		t.Error("png has no coloured pixel")
	}
}

// TestDownloadsConcurrent renders several figures' PNGs at once (the page
// renders them in parallel); run with -race.
func TestDownloadsConcurrent(t *testing.T) {
	var figs []Figure
	for k := 0; k < 6; k++ {
		figs = append(figs, BoxPlot{Title: "box", YLabel: "y", Groups: []string{"a", "b"}, Values: [][]float64{{1, 2, 3}, {2, 3, 4}}})
	}
	p := &Page{Title: "c", Sections: []Section{{Heading: "s", Figures: figs}}, Downloads: true}
	var buf bytes.Buffer
	if err := p.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "data:image/png;base64,"); n != 6 {
		t.Errorf("%d PNG links, want 6", n)
	}
}
