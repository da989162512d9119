package ode

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDopriStiffMatchesBothTests checks that dopriStiff, the one-pass form
// of Auto's DOPRI5 stiffness tests that skips the weighted pass when it
// cannot hold, decides exactly as the two tests run in full
// (stiffRatio > stiffLimit || stiffWeighted) on random steps built to reach
// every branch: a few components at or near the stability limit (some within
// 1e-12 of it, where only rounding separates the unweighted and weighted
// comparisons) and the rest with scaled errors from 1e-8 to 1.
func TestDopriStiffMatchesBothTests(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 8))
	var hits [2][2]int // [unweighted true][final decision]
	for c := 0; c < 200000; c++ {
		n := 1 + rng.IntN(12)
		s, err := NewSolver(n, Options{Method: Auto, RTol: 1e-6, ATol: 1e-9})
		if err != nil {
			t.Fatal(err)
		}
		h := math.Exp(rng.Float64()*6 - 3)
		y, yn, ys, k6, k7 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		errScale := math.Pow(10, -8*rng.Float64())
		for i := range n {
			y[i] = math.Pow(10, -9*rng.Float64()) * float64(1+rng.IntN(3))
			yn[i] = y[i] * (1 + 0.01*rng.NormFloat64())
			ys[i] = yn[i] + 1e-6*y[i]*rng.NormFloat64()
			ratio := rng.Float64() * 2 // h|Δk|/|Δy| well below the limit
			switch rng.IntN(4) {
			case 0:
				ratio = stiffLimit * (1 + 1e-12*rng.NormFloat64()) // at the limit, to rounding
			case 1:
				ratio = stiffLimit * (0.5 + rng.Float64()) // around it
			}
			k6[i] = rng.NormFloat64()
			k7[i] = k6[i] + math.Copysign(ratio*math.Abs(yn[i]-ys[i])/h, rng.NormFloat64())
			r := errScale * rng.Float64()
			s.err2[i] = r * r
		}
		want := s.stiffRatio(h, k7, k6, yn, ys) > stiffLimit || s.stiffWeighted(h, y, k7, k6, yn, ys)
		got := s.dopriStiff(h, y, k7, k6, yn, ys)
		if got != want {
			t.Fatalf("case %d (n=%d): dopriStiff = %v, the two tests give %v", c, n, got, want)
		}
		u := 0
		if s.stiffRatio(h, k7, k6, yn, ys) > stiffLimit {
			u = 1
		}
		hits[u][b2i(got)]++
	}
	if hits[0][0] == 0 || hits[0][1] == 0 || hits[1][1] == 0 {
		t.Errorf("cases do not reach every branch: %v", hits)
	}
	t.Logf("decisions [unweighted][final]: %v", hits)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fdJacobian is a system whose Jacobian method reports that it is not
// analytic, as package system's models do when they fall back to finite
// differences (its values are irrelevant to the cost rule).
type fdJacobian struct{ analyticVdP }

func (fdJacobian) AnalyticJacobian() bool { return false }

// TestRodasCostRule checks the cost ratio Auto's switch back uses (see the
// package comment): 27/6 RHS evaluations with an analytic Jacobian (the
// measured cost of a Rodas4 step on the default model), (6 + 2n)/6 when
// the Jacobian is a finite difference, in the solver or in the system.
func TestRodasCostRule(t *testing.T) {
	s, err := NewSolver(2, Options{Method: Auto, RTol: 1e-6, ATol: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		sys  System
		want float64
	}{
		{"analytic", analyticVdP{vanDerPol{mu: 1}}, 27.0 / 6},
		{"no Jacobian", vanDerPol{mu: 1}, 10.0 / 6},
		{"finite differences in the system", fdJacobian{analyticVdP{vanDerPol{mu: 1}}}, 10.0 / 6},
	} {
		y := []float64{2, 0}
		if _, err := s.Integrate(t.Context(), tc.sys, 0, y, 1, nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		if s.costRatio != tc.want {
			t.Errorf("%s: cost ratio %g, want %g", tc.name, s.costRatio, tc.want)
		}
	}
}

// analyticVdP is van der Pol with its analytic Jacobian, without an
// AnalyticJacobian method.
type analyticVdP struct{ vanDerPol }

func (f analyticVdP) Jacobian(t float64, y, j []float64) {
	j[0], j[1] = 0, 1
	j[2], j[3] = -2*f.mu*y[0]*y[1]-1, f.mu*(1-y[0]*y[0])
}
