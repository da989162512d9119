package stats

import (
	"math"
	"testing"
)

// TestQuantileSorted compares with R 4's
// quantile(c(1, 2, 2.5, 3, 4, 10), q, type = 7).
func TestQuantileSorted(t *testing.T) {
	s := []float64{1, 2, 2.5, 3, 4, 10}
	for _, c := range []struct{ q, want float64 }{
		{0, 1}, {0.025, 1.125}, {0.1, 1.5}, {0.25, 2.125}, {0.5, 2.75}, {0.9, 7}, {0.975, 9.25}, {1, 10},
	} {
		if got := QuantileSorted(s, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("q = %g: %g, R says %g", c.q, got, c.want)
		}
	}
	if got := QuantileSorted([]float64{7}, 0.3); got != 7 {
		t.Errorf("one value: %g, want 7", got)
	}
	if got := QuantileSorted(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("no values: %g, want NaN", got)
	}
}
