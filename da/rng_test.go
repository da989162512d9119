package da

import (
	"math"
	"testing"
)

// TestXoshiroNorm checks the ziggurat normal against Φ at nine points
// (including the tail beyond the ziggurat's base, 3.44) over 2,000,000
// draws, each within 5 binomial standard errors, and intN(7) for
// uniformity (each face within 5 SE).
func TestXoshiroNorm(t *testing.T) {
	var r xoshiro
	r.seed(11, 12)
	const N = 2000000
	xs := []float64{-3.6, -3, -2, -1, 0, 0.5, 1, 2, 3.6}
	below := make([]int, len(xs))
	var faces [7]int
	for i := 0; i < N; i++ {
		z := r.norm()
		for k, x := range xs {
			if z < x {
				below[k]++
			}
		}
		faces[r.intN(7)]++
	}
	for k, x := range xs {
		p := 0.5 * math.Erfc(-x/math.Sqrt2)
		se := math.Sqrt(p * (1 - p) / N)
		if got := float64(below[k]) / N; math.Abs(got-p) > 5*se {
			t.Errorf("P(Z < %g) = %.6f, want %.6f (SE %.2g)", x, got, p, se)
		}
	}
	for f, c := range faces {
		p := 1.0 / 7
		if got := float64(c) / N; math.Abs(got-p) > 5*math.Sqrt(p*(1-p)/N) {
			t.Errorf("intN(7) = %d with frequency %.5f, want %.5f", f, got, p)
		}
	}
}

// TestXoshiroStreams checks that neighbouring stream keys start apart (no
// shared state words) and that a stream is reproducible.
func TestXoshiroStreams(t *testing.T) {
	var a, b xoshiro
	a.seed(1, 0)
	b.seed(1, 1)
	for _, u := range []uint64{a.s0, a.s1, a.s2, a.s3} {
		for _, v := range []uint64{b.s0, b.s1, b.s2, b.s3} {
			if u == v {
				t.Fatalf("keys 0 and 1 share a state word %x", u)
			}
		}
	}
	x := a.next()
	a.seed(1, 0)
	if a.next() != x {
		t.Error("the same seed and key gave a different first value")
	}
}
