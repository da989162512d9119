package ode

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLUSolveBitExact: luSolve (dot products unrolled four times) gives
// the bits of the plain substitution loops it replaced, for n = 1..40 on
// random well- and ill-conditioned systems.
func TestLUSolveBitExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 40; n++ {
		for trial := 0; trial < 20; trial++ {
			a := make([]float64, n*n)
			for i := range a {
				a[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3))
			}
			for i := 0; i < n; i++ {
				a[i*n+i] += float64(n)
			}
			piv := make([]int, n)
			if !luFactor(a, piv, n) {
				continue
			}
			b := make([]float64, n)
			for i := range b {
				b[i] = rng.NormFloat64()
			}
			want := append([]float64(nil), b...)
			luSolvePlain(a, piv, n, want)
			luSolve(a, piv, n, b)
			for i := range b {
				if math.Float64bits(b[i]) != math.Float64bits(want[i]) {
					t.Fatalf("n=%d trial %d: x[%d] = %v, plain loops %v", n, trial, i, b[i], want[i])
				}
			}
		}
	}
}

// luSolvePlain is luSolve with plain loops (the reference).
func luSolvePlain(a []float64, piv []int, n int, b []float64) {
	for k := 0; k < n; k++ {
		if p := piv[k]; p != k {
			b[k], b[p] = b[p], b[k]
		}
	}
	for i := 1; i < n; i++ {
		var s float64
		for j := 0; j < i; j++ {
			s += a[i*n+j] * b[j]
		}
		b[i] -= s
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for j := i + 1; j < n; j++ {
			s -= a[i*n+j] * b[j]
		}
		b[i] = s / a[i*n+i]
	}
}
