package stats

import (
	"fmt"
	"math"
	"sort"
)

// KSTest is the result of a one-sample Kolmogorov–Smirnov test.
type KSTest struct {
	D float64 // sup |F_n(x) − F(x)|
	// P is the asymptotic p-value P(K > √n D) of the Kolmogorov
	// distribution (scipy.stats.kstest(..., method='asymp')); n is the
	// sample size, or the effective sample size (Σw)²/Σw² of a weighted
	// sample.
	P float64
	N float64 // sample size used for P
}

// KolmogorovSF returns P(K > x) for the Kolmogorov distribution
// (the limit of √n D_n): 2 Σ_{j≥1} (−1)^{j−1} exp(−2 j² x²), with the
// theta-function form 1 − √(2π)/x Σ exp(−(2j−1)² π²/(8x²)) for small x.
func KolmogorovSF(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return math.NaN()
	case x <= 0:
		return 1
	case x < 1:
		var s float64
		for j := 1; j <= 8; j++ {
			k := float64(2*j - 1)
			s += math.Exp(-k * k * math.Pi * math.Pi / (8 * x * x))
		}
		return 1 - math.Sqrt(2*math.Pi)/x*s
	}
	var s float64
	for j := 1; j <= 100; j++ {
		term := math.Exp(-2 * float64(j*j) * x * x)
		if j%2 == 1 {
			s += term
		} else {
			s -= term
		}
		if term < 1e-18 {
			break
		}
	}
	return math.Max(0, math.Min(1, 2*s))
}

// KSOneSample tests the sample x (with weights w, or nil for equal
// weights) against the continuous distribution function cdf. Non-finite
// values of x are an error; zero weights drop a value.
func KSOneSample(x, w []float64, cdf func(float64) float64) (KSTest, error) {
	if len(x) == 0 {
		return KSTest{}, fmt.Errorf("stats: KS test of an empty sample")
	}
	if w != nil && len(w) != len(x) {
		return KSTest{}, fmt.Errorf("stats: %d weights for %d values", len(w), len(x))
	}
	idx := make([]int, 0, len(x))
	var sw, sw2 float64
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return KSTest{}, fmt.Errorf("stats: KS test: value %d is %v", i, v)
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
			if !(wi >= 0) || math.IsInf(wi, 0) {
				return KSTest{}, fmt.Errorf("stats: KS test: weight %d is %v", i, wi)
			}
		}
		if wi > 0 {
			idx = append(idx, i)
			sw += wi
			sw2 += wi * wi
		}
	}
	if sw == 0 {
		return KSTest{}, fmt.Errorf("stats: KS test: all weights are zero")
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	var d, cum float64
	for k := 0; k < len(idx); {
		// ties move the empirical CDF in one step
		v := x[idx[k]]
		before := cum
		for k < len(idx) && x[idx[k]] == v {
			wi := 1.0
			if w != nil {
				wi = w[idx[k]]
			}
			cum += wi
			k++
		}
		f := cdf(v)
		d = math.Max(d, math.Max(cum/sw-f, f-before/sw))
	}
	n := sw * sw / sw2
	return KSTest{D: d, P: KolmogorovSF(math.Sqrt(n) * d), N: n}, nil
}
