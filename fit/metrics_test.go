package fit

import (
	"math"
	"testing"
)

// TestMetrics checks RMSE and LogRMSE on hand-computed values.
func TestMetrics(t *testing.T) {
	obs := [][]float64{{0.5, 0.5}, {0.6, 0.4}, {1, 0}}
	pred := [][]float64{{0.9, 0.1}, {0.5, 0.5}, {0.8, 0.2}}
	// Rows after the first: differences 0.1, 0.1, 0.2, 0.2.
	if got, want := RMSE(obs, pred), math.Sqrt((0.01+0.01+0.04+0.04)/4); math.Abs(got-want) > 1e-15 {
		t.Errorf("RMSE %g, want %g", got, want)
	}
	lg := LogRMSE(obs, pred, 1e-10, 1e-8)
	d0 := []float64{math.Log10(0.5+1e-8) - math.Log10(0.6+1e-8), math.Log10(0.8+1e-8) - math.Log10(1+1e-8)}
	w0 := math.Sqrt((d0[0]*d0[0] + d0[1]*d0[1]) / 2)
	w1 := math.Abs(math.Log10(0.5+1e-8) - math.Log10(0.4+1e-8)) // the 0 at row 3 is below the bound
	if math.Abs(lg[0]-w0) > 1e-15 || math.Abs(lg[1]-w1) > 1e-15 {
		t.Errorf("LogRMSE %v, want [%g %g]", lg, w0, w1)
	}
	if m := Median([]float64{3, math.NaN(), 1, math.Inf(1), 2}); m != 2.5 {
		t.Errorf("median %g, want 2.5 (NaN dropped, +Inf kept)", m)
	}
}

// TestElasticNetKKT checks the elastic net's optimality conditions on the
// peer design: for every coefficient, |C_j − (Gβ)_j − l2_j β_j| ≤ l1_j with
// equality and the sign of β_j when β_j ≠ 0.
func TestElasticNetKKT(t *testing.T) {
	lay, gram, cross := peerDesign(t)
	s := newSolver(lay)
	pen := Penalty{Growth: 0.3, Interaction: 2, Perturbation: 0.1, L1Ratio: 0.6}
	if err := s.elasticNet(gram, cross, pen, 1e-13, 100000); err != nil {
		t.Fatal(err)
	}
	l1, l2 := make([]float64, lay.p), make([]float64, lay.p)
	pen.columnPenalties(lay, l1, l2)
	zeros := 0
	for i := 0; i < lay.m; i++ {
		for j := 0; j < lay.p; j++ {
			g := cross[j*lay.m+i]
			for k := 0; k < lay.p; k++ {
				g -= gram[j*lay.p+k] * s.beta[k*lay.m+i]
			}
			b := s.beta[j*lay.m+i]
			g -= l2[j] * b
			if b == 0 {
				zeros++
				if math.Abs(g) > l1[j]*(1+1e-9)+1e-9 {
					t.Errorf("response %d column %d: zero with |gradient| %g > %g", i, j, math.Abs(g), l1[j])
				}
			} else if math.Abs(g-math.Copysign(l1[j], b)) > 1e-7*(1+l1[j]) {
				t.Errorf("response %d column %d: gradient %g, want %g", i, j, g, math.Copysign(l1[j], b))
			}
		}
	}
	if zeros == 0 {
		t.Error("no coefficient was set to zero: the test does not exercise the L1 part")
	}
}
