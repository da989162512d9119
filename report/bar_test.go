package report

import (
	"bytes"
	"encoding/xml"
	"math"
	"strings"
	"testing"
)

func TestBarChart(t *testing.T) {
	c := BarChart{Title: "Sobol indices", YLabel: "index", Categories: []string{"k_a", "k_b", "a rather long parameter name"},
		Series: []BarSeries{{Name: "S1", Values: []float64{0.3, -0.01, math.NaN()}, Err: []float64{0.02, 0.01, 0}},
			{Name: "ST", Values: []float64{0.5, 0.4, 0.2}}}}
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := c.SVG()
	if !bytes.Equal(b, b2) {
		t.Error("two renderings differ")
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v", err)
			}
			break
		}
	}
	// 5 finite bars, one error bar (3 lines) on each of the two with Err > 0.
	if n := strings.Count(string(b), "<rect"); n < 5 {
		t.Errorf("%d rects, want at least 5 bars", n)
	}
	for _, want := range []string{"k_a, S1: 0.3 ± 0.02", "S1", "ST"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	c.Series[0].Values = c.Series[0].Values[:2]
	if _, err := c.SVG(); err == nil {
		t.Error("a series shorter than the categories was accepted")
	}
}
