package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := samplePage().WriteFile(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(b), "</html>\n") {
		t.Fatal("report.html incomplete")
	}
	// a failing page leaves nothing behind
	bad := &Page{Sections: []Section{{Figures: []Figure{Scatter{X: []float64{1}}}}}}
	badPath := filepath.Join(dir, "bad.html")
	if err := bad.WriteFile(badPath); err == nil || !strings.Contains(err.Error(), "bad.html") {
		t.Fatalf("error = %v", err)
	}
	if err := WriteSVGFile(filepath.Join(dir, "bad.svg"), Scatter{X: []float64{1}}); err == nil {
		t.Fatal("no error")
	}
	if err := WriteSVGFile(filepath.Join(dir, "ok.svg"), smallChart()); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "ok.svg report.html" {
		t.Fatalf("directory holds %v", names)
	}
}

// TestEqualScale checks that an equal-aspect scatter has the same data
// units per pixel on both axes.
func TestEqualScale(t *testing.T) {
	c := Scatter{X: []float64{-0.6, 0.4}, Y: []float64{-0.1, 0.25}, Equal: true}
	f := frame{w: 640, h: 480}
	f.x = linAxis(-0.6, 0.4, true)
	f.y = linAxis(-0.1, 0.25, true)
	f.layout()
	f.equalAspect()
	ux := (f.x.hi - f.x.lo) / (f.x.p1 - f.x.p0)
	uy := (f.y.hi - f.y.lo) / (f.y.p0 - f.y.p1)
	if d := ux/uy - 1; d > 1e-12 || d < -1e-12 {
		t.Fatalf("units per pixel: x %g, y %g", ux, uy)
	}
	if f.y.lo > -0.1 || f.y.hi < 0.25 || len(f.y.ticks) < 3 || f.h >= 480 || f.y.p0 != f.h-f.bottom {
		t.Fatalf("y axis %+v lost data or ticks, or the figure did not shrink (height %g)", f.y, f.h)
	}
	// a flat cloud that cannot shrink further widens the other axis
	g := frame{w: 640, h: 480}
	g.x = linAxis(-100, 100, true)
	g.y = linAxis(-0.1, 0.1, true)
	g.layout()
	g.equalAspect()
	ux = (g.x.hi - g.x.lo) / (g.x.p1 - g.x.p0)
	uy = (g.y.hi - g.y.lo) / (g.y.p0 - g.y.p1)
	if d := ux/uy - 1; d > 1e-12 || d < -1e-12 {
		t.Fatalf("widened: units per pixel: x %g, y %g", ux, uy)
	}
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, "equal scatter", b)
}
