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

// The one Shannon implementation: counts and floats agree, the indexed
// form gathers, an empty sample is reported (not silently 0 or NaN).
func TestEntropy(t *testing.T) {
	h, ok := Entropy([]float64{1, 1, 2, 0})
	want := -(0.25*math.Log(0.25)*2 + 0.5*math.Log(0.5))
	if !ok || math.Abs(h-want) > 1e-15 {
		t.Errorf("Entropy = %v, %v; want %v", h, ok, want)
	}
	if hc, _ := Entropy([]int32{1, 1, 2, 0}); hc != h {
		t.Errorf("counts %v != floats %v", hc, h)
	}
	if _, ok := Entropy([]float64{0, 0}); ok {
		t.Error("empty sample reported ok")
	}
	if Shannon([]float64{0, 0}) != 0 {
		t.Error("model shannon() of an extinct community is not 0")
	}
	r := []float64{9, 1, 9, 1, 2}
	if got := ShannonIdx(r, []int32{1, 3, 4}); got != Shannon([]float64{1, 1, 2}) {
		t.Errorf("ShannonIdx = %v", got)
	}
}

// TestHillPowerMatchesPow checks that HillPower, which hill uses for its
// powers, equals math.Pow bit for bit for small integer exponents wherever
// no intermediate power leaves the normal range (|n·log2 x| < 1000), and
// for non-integer ones (where it calls math.Pow); and that Hill and
// HillGiven agree.
func TestHillPowerMatchesPow(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	for i := 0; i < 1_000_000; i++ {
		n := float64(rng.IntN(33) - 16)
		if i%4 == 0 {
			n += rng.Float64()
		}
		if n == 0 {
			continue
		}
		x := math.Exp2((rng.Float64()*2 - 1) * 999 / math.Max(math.Abs(n), 1))
		if rng.IntN(2) == 0 && n == math.Trunc(n) {
			x = -x
		}
		if got, want := HillPower(x, n), math.Pow(x, n); got != want {
			t.Fatalf("HillPower(%v, %v) = %v, math.Pow %v", x, n, got, want)
		}
		if x > 0 {
			k := math.Exp2(rng.Float64()*8 - 4)
			if h, g := Hill(x, k, n), HillGiven(x, HillPower(k, n), n); h != g {
				t.Fatalf("Hill(%v, %v, %v) = %v, HillGiven %v", x, k, n, h, g)
			}
		}
	}
}
