package main

import (
	"math"
	"testing"

	"github.com/holobiont/holobiont/sim"
)

// TestLogComposition checks the log-scale composition chart's values:
// member / community total, NaN below 1e-9 and where the community is empty.
func TestLogComposition(t *testing.T) {
	tr := &sim.Trajectory{
		Names:  []string{"gut.a", "gut.b", "host.x"},
		Times:  []float64{0, 1, 2},
		Values: [][]float64{{3, 1, 9}, {1, 1e-12, 9}, {0, 0, 9}},
	}
	lc, ok := logComposition(tr, "gut", []string{"gut.a", "gut.b"}, "day", nil)
	if !ok || !lc.LogY || len(lc.Series) != 2 || lc.Series[0].Name != "a" || lc.Series[1].Name != "b" {
		t.Fatalf("chart = %+v, ok %v", lc, ok)
	}
	want := [][]float64{{0.75, 1 / (1 + 1e-12), math.NaN()}, {0.25, math.NaN(), math.NaN()}}
	for k, s := range lc.Series {
		for i, w := range want[k] {
			got := s.Y[i]
			if math.IsNaN(w) != math.IsNaN(got) || !math.IsNaN(w) && math.Abs(got-w) > 1e-15 {
				t.Errorf("series %s at %d: got %v, want %v", s.Name, i, got, w)
			}
		}
	}
	if _, ok := logComposition(tr, "skin", []string{"skin.z"}, "day", nil); ok {
		t.Error("a community with no columns must give no chart")
	}
}
