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
