package fmath

import (
	"math"
	"math/big"
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

// TestExpTable recomputes Exp's table, 2^(i/128) as seven square roots of
// 2^i in 300-bit arithmetic, correctly rounded to float64.
func TestExpTable(t *testing.T) {
	for i := range expTable {
		v := new(big.Float).SetPrec(300).SetMantExp(big.NewFloat(1), i)
		for range 7 {
			v.Sqrt(v)
		}
		want, _ := v.Float64()
		if got := math.Float64frombits(expTable[i]); got != want {
			t.Errorf("expTable[%d] = %v, want %v", i, got, want)
		}
	}
}

// bigExp is e^x to 200 bits: 2^k·e^r with r = x - k·ln2 by its Taylor
// series.
func bigExp(x float64) *big.Float {
	const prec = 200
	ln2, _ := new(big.Float).SetPrec(prec).SetString("0.6931471805599453094172321214581765680755001343602552541206800094933936219696947156058633269964186875")
	k := math.Round(x / math.Ln2)
	r := new(big.Float).SetPrec(prec).SetFloat64(x)
	r.Sub(r, new(big.Float).SetPrec(prec).Mul(ln2, big.NewFloat(k)))
	sum := new(big.Float).SetPrec(prec).SetFloat64(1)
	term := new(big.Float).SetPrec(prec).SetFloat64(1)
	for i := int64(1); i < 40; i++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(i))
		sum.Add(sum, term)
	}
	return sum.SetMantExp(sum, int(k))
}

// ulps is |v - exact| in units of the last place of exact rounded.
func ulps(v float64, exact *big.Float) float64 {
	f, _ := exact.Float64()
	d := new(big.Float).SetPrec(200).SetFloat64(v)
	d.Sub(d, exact)
	df, _ := d.Float64()
	return math.Abs(df) / (math.Nextafter(f, math.Inf(1)) - f)
}

// TestExpAccuracy compares Exp and math.Exp with e^x to 200 bits on
// arguments over the whole range Exp computes itself (|x| < 708) and near 0,
// and checks that the special cases are math.Exp's. Measured: Exp at most
// 1.29 ulp, math.Exp 1.64 ulp (amd64); the bound is 1.5 ulp.
func TestExpAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	var worst, worstStd float64
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for i := range n {
		x := (rng.Float64()*2 - 1) * 708
		if i%2 == 0 {
			x = rng.NormFloat64() * 3
		}
		exact := bigExp(x)
		e := ulps(Exp(x), exact)
		if e > 1.5 {
			t.Errorf("Exp(%v) = %v: %.2f ulp from %s", x, Exp(x), e, exact.Text('g', 20))
		}
		worst, worstStd = max(worst, e), max(worstStd, ulps(math.Exp(x), exact))
	}
	t.Logf("largest error on %d arguments: Exp %.3f ulp, math.Exp %.3f ulp", n, worst, worstStd)
	for _, x := range []float64{0, math.Copysign(0, -1), 1e-300, -1e-300, 1, -1, 707.99, -707.99, 708, -708,
		709.78, 709.79, -745.1, -745.2, -800, 800, math.Inf(1), math.Inf(-1), math.NaN()} {
		got, want := Exp(x), math.Exp(x)
		if math.IsNaN(want) != math.IsNaN(got) || !math.IsNaN(want) && math.Abs(got-want) > 2*math.Abs(want)*0x1p-52 {
			t.Errorf("Exp(%v) = %v, math.Exp %v", x, got, want)
		}
	}
}

// TestAllFinite: AllFinite and AllFiniteAt agree with a test of every
// entry, for lengths 0..40 with a NaN, +Inf or −Inf put at every position
// (and none), among entries that include ±0, subnormals and ±MaxFloat64.
func TestAllFinite(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 5e-324, -1.5, 2, math.MaxFloat64, -math.MaxFloat64, 1e-300}
	for n := 0; n <= 40; n++ {
		v := make([]float64, n)
		idx := make([]int, n)
		for i := range v {
			v[i] = vals[(i*5)%len(vals)]
			idx[i] = n - 1 - i
		}
		if !AllFinite(v) || !AllFiniteAt(v, idx) {
			t.Fatalf("n=%d: finite entries reported non-finite", n)
		}
		for k := 0; k < n; k++ {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				keep := v[k]
				v[k] = bad
				if AllFinite(v) || AllFiniteAt(v, idx) {
					t.Fatalf("n=%d: %v at %d not seen", n, bad, k)
				}
				if !AllFiniteAt(v, idx[:0]) {
					t.Fatalf("n=%d: no index: want true", n)
				}
				v[k] = keep
			}
		}
	}
}

func TestSign(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{
		{2.5, 1}, {math.SmallestNonzeroFloat64, 1}, {math.Inf(1), 1},
		{-1e-300, -1}, {math.Inf(-1), -1},
		{0, 0}, {math.Copysign(0, -1), 0}, {math.NaN(), 0},
	} {
		if got := Sign(c.x); got != c.want {
			t.Errorf("Sign(%v) = %v, want %v", c.x, got, c.want)
		}
	}
}
