package ode

import (
	"math"
	"testing"
)

// TestScaleMatchesMathMax checks that maxAbs, the inlinable maximum in the
// error-norm scale, returns exactly the bits math.Max(|a|, |b|) returns,
// including signed zeros, infinities and NaN.
func TestScaleMatchesMathMax(t *testing.T) {
	negZero := math.Copysign(0, -1)
	vals := []float64{0, negZero, 1, -1, 1e-300, -1e-300, 5e-324, -5e-324, 2.5, -2.5, math.MaxFloat64,
		-math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), -math.NaN(), math.Float64frombits(0x7ff4000000000000),
		math.Float64frombits(0xfff8000000000123)}
	for _, a := range vals {
		for _, b := range vals {
			want := math.Max(math.Abs(a), math.Abs(b))
			got := maxAbs(a, b)
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("maxAbs(%v, %v) = %#x, math.Max gives %#x", a, b, math.Float64bits(got), math.Float64bits(want))
			}
		}
	}
}
