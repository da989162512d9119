package estimate

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestTrustStepTinyEntries solves a trust-region subproblem saved from a
// start on Elowitz_Nature2000: a Fisher matrix whose scaled entries range
// from 1 down to 1e-250. gonum's EigenSym returned eigenvalues of 1e121 for
// it and the step came out as 1e-120, so the optimiser stopped on a
// collapsed trust region; flushing the entries below 1e-20 of the largest
// gives the step that lowers the quadratic model.
func TestTrustStepTinyEntries(t *testing.T) {
	b, err := os.ReadFile("testdata/trust_step_elowitz.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		G, H, D []float64
		Delta   float64
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	n := len(v.G)
	free := make([]bool, n)
	for i := range free {
		free[i] = true
	}
	p := scaledStep(v.G, v.H, free, v.Delta, v.D)
	pn := 0.0
	for i := range p {
		pn += p[i] * v.D[i] * p[i] * v.D[i]
	}
	pn = math.Sqrt(pn)
	pred := predictedDecrease(v.G, v.H, p)
	// the gradient's largest component is 30.9 (scaled 1.25): the step
	// must use a fair part of the region and lower the model
	if pred <= 0 || pn < 1e-3*v.Delta || pn > v.Delta*(1+1e-6) {
		t.Errorf("step ‖Dp‖ = %.3g (region %.3g), predicted decrease %.3g", pn, v.Delta, pred)
	}
	t.Logf("‖Dp‖ = %.4g of %.4g, predicted decrease %.4g", pn, v.Delta, pred)
}

// TestRankCandidates: candidates rank by objective, ties by index, and a
// failed one (NaN, +Inf or −Inf) after every finite one.
func TestRankCandidates(t *testing.T) {
	f := []float64{3, math.NaN(), 1, math.Inf(1), 1, math.Inf(-1), -2}
	got := rankCandidates(f)
	want := []int{6, 2, 4, 0, 1, 3, 5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("rank of %v: %v, want %v", f, got, want)
		}
	}
}
