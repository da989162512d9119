package fmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMinMaxMatchMath compares Min and Max, which the tape and generated kernels use for min
// and max, with math.Min and math.Max bit for bit on all pairs of special
// values (±0, ±Inf, NaNs with different payloads, ±MaxFloat64, subnormals)
// and on random pairs.
func TestMinMaxMatchMath(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 2.5, -2.5, math.Inf(1), math.Inf(-1), math.NaN(),
		math.Float64frombits(0x7ff8000000000123), math.Float64frombits(0xfff0000000000001),
		math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1e-310}
	rng := rand.New(rand.NewPCG(5, 5))
	for i := 0; i < 2000; i++ {
		vals = append(vals, math.Float64frombits(rng.Uint64()))
	}
	for _, x := range vals[:40] {
		for _, y := range vals {
			for _, p := range [][2]float64{{x, y}, {y, x}} {
				if got, want := Max(p[0], p[1]), math.Max(p[0], p[1]); math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("fmax(%v, %v) = %v (%#x), math.Max %v (%#x)", p[0], p[1], got, math.Float64bits(got), want, math.Float64bits(want))
				}
				if got, want := Min(p[0], p[1]), math.Min(p[0], p[1]); math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("fmin(%v, %v) = %v (%#x), math.Min %v (%#x)", p[0], p[1], got, math.Float64bits(got), want, math.Float64bits(want))
				}
			}
		}
	}
}
