package observe

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func rng(s uint64) *rand.Rand { return rand.New(rand.NewPCG(s, 0x9e3779b97f4a7c15)) }

// meanVar returns the sample mean and unbiased variance.
func meanVar(x []float64) (m, v float64) {
	for _, xi := range x {
		m += xi
	}
	m /= float64(len(x))
	for _, xi := range x {
		v += (xi - m) * (xi - m)
	}
	return m, v / float64(len(x)-1)
}

// checkMoments compares sample moments of N draws with analytic ones. The
// mean must be within 5 standard errors (sqrt(var/N)); the variance within
// 5 standard errors of the sample variance, which for a distribution with
// excess kurtosis k is var·sqrt((2+k)/N) — we pass a generous k bound.
func checkMoments(t *testing.T, name string, x []float64, mean, variance, kurtBound float64) {
	t.Helper()
	m, v := meanVar(x)
	n := float64(len(x))
	if se := math.Sqrt(variance / n); math.Abs(m-mean) > 5*se {
		t.Errorf("%s: mean %.5g, want %.5g ± %.3g (5 SE)", name, m, mean, 5*se)
	}
	if se := variance * math.Sqrt((2+kurtBound)/n); math.Abs(v-variance) > 5*se {
		t.Errorf("%s: variance %.5g, want %.5g ± %.3g (5 SE)", name, v, variance, 5*se)
	}
}

func TestDepthMoments(t *testing.T) {
	const n = 40000
	for _, tc := range []struct {
		name      string
		d         Depth
		mean, vr  float64
		kurtBound float64
	}{
		// Lognormal: Var = mean²(exp(σ²)-1); rounding adds 1/12.
		{"lognormal", Depth{Kind: DepthLogNormal, Mean: 20000, Sigma: 0.5}, 20000, 20000 * 20000 * (math.Exp(0.25) - 1), 20},
		// NB: Var = m + m²/r.
		{"negbin", Depth{Kind: DepthNegBinomial, Mean: 5000, Size: 4}, 5000, 5000 + 5000*5000/4.0, 10},
		{"fixed", Depth{Kind: DepthFixed, Mean: 1000}, 1000, 0, 0},
	} {
		if err := tc.d.Validate(); err != nil {
			t.Fatal(err)
		}
		r := rng(1)
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(tc.d.Draw(r))
		}
		if tc.vr == 0 {
			for _, v := range x {
				if v != tc.mean {
					t.Fatalf("%s: got %v want %v", tc.name, v, tc.mean)
				}
			}
			continue
		}
		checkMoments(t, tc.name, x, tc.mean, tc.vr, tc.kurtBound)
	}
}

func TestDepthValidate(t *testing.T) {
	for _, d := range []Depth{
		{Kind: DepthLogNormal, Mean: -1},
		{Kind: DepthLogNormal, Mean: 10, Sigma: -1},
		{Kind: DepthNegBinomial, Mean: 10, Size: 0},
		{Kind: DepthFixed, Mean: 10, Min: -1},
	} {
		if d.Validate() == nil {
			t.Errorf("%+v: no error", d)
		}
	}
}

// TestMultinomialChiSquare: Pearson chi-square of single draws against the
// expected counts follows chi²(k-1); over 400 draws the fraction above the
// 95% quantile must be within 0.05 ± 4·sqrt(0.05·0.95/400) and the mean
// statistic within k-1 ± 4·sqrt(2(k-1)/400).
func TestMultinomialChiSquare(t *testing.T) {
	p := []float64{0.5, 0.2, 0.15, 0.1, 0.04, 0.01}
	k := len(p)
	const n, reps = 5000, 400
	crit := distuv.ChiSquared{K: float64(k - 1)}.Quantile(0.95)
	r := rng(7)
	dst := make([]int, k)
	var over int
	var mean float64
	for rep := 0; rep < reps; rep++ {
		Multinomial(dst, n, p, r)
		var x2 float64
		s := 0
		for i := range p {
			e := n * p[i]
			x2 += (float64(dst[i]) - e) * (float64(dst[i]) - e) / e
			s += dst[i]
		}
		if s != n {
			t.Fatalf("counts sum to %d, want %d", s, n)
		}
		if x2 > crit {
			over++
		}
		mean += x2 / reps
	}
	frac := float64(over) / reps
	if d := math.Abs(frac - 0.05); d > 4*math.Sqrt(0.05*0.95/reps) {
		t.Errorf("fraction of chi² above 95%% quantile = %.3f, want 0.05", frac)
	}
	if d := math.Abs(mean - float64(k-1)); d > 4*math.Sqrt(2*float64(k-1)/reps) {
		t.Errorf("mean chi² = %.3f, want %d", mean, k-1)
	}
}

func TestCountMoments(t *testing.T) {
	p := []float64{0.6, 0.3, 0.09, 0.01}
	const depth, reps = 2000, 20000
	for _, tc := range []struct {
		name string
		c    Counts
		// analytic mean and variance of counts of taxon i
		mv func(i int) (float64, float64)
	}{
		{"multinomial", Counts{Noise: NoiseMultinomial}, func(i int) (float64, float64) {
			return depth * p[i], depth * p[i] * (1 - p[i])
		}},
		{"dirichlet-multinomial", Counts{Noise: NoiseDirichletMultinomial, Precision: 50}, func(i int) (float64, float64) {
			return depth * p[i], depth * p[i] * (1 - p[i]) * (depth + 50) / (1 + 50)
		}},
		{"negative-binomial", Counts{Noise: NoiseNegBinomial, A0: 1e-3, A1: 0.05}, func(i int) (float64, float64) {
			m := depth * p[i]
			return m, m + (1e-3/p[i]+0.05)*m*m
		}},
	} {
		if err := tc.c.Validate(); err != nil {
			t.Fatal(err)
		}
		r := rng(11)
		dst := make([]int, len(p))
		work := make([]float64, len(p))
		x := make([][]float64, len(p))
		for rep := 0; rep < reps; rep++ {
			tc.c.Sample(dst, depth, p, work, r)
			for i := range p {
				x[i] = append(x[i], float64(dst[i]))
			}
		}
		for i := range p {
			m, v := tc.mv(i)
			checkMoments(t, tc.name, x[i], m, v, 12)
		}
	}
}

// TestNegBinomialMeanVariance checks Var = m + m²/r over a range of means.
func TestNegBinomialMeanVariance(t *testing.T) {
	r := rng(3)
	for _, m := range []float64{0.5, 5, 50, 500} {
		for _, size := range []float64{0.5, 2, 20} {
			x := make([]float64, 30000)
			for i := range x {
				x[i] = float64(NegBinomial(m, size, r))
			}
			checkMoments(t, "nb", x, m, m+m*m/size, 6/size+2/m+10)
		}
	}
}

func TestQPCR(t *testing.T) {
	q := QPCR{Replicates: 3, Sigma: 0.3}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	r := rng(5)
	var logs []float64
	dst := make([]float64, 3)
	for i := 0; i < 10000; i++ {
		q.Draw(dst, 1e8, r)
		for _, v := range dst {
			logs = append(logs, math.Log(v))
		}
	}
	// log values are Normal(ln 1e8, 0.3²): kurtosis excess 0.
	checkMoments(t, "qpcr log", logs, math.Log(1e8), 0.09, 0)
	if (QPCR{Replicates: 0}).Validate() == nil || (QPCR{Replicates: 3, Sigma: -1}).Validate() == nil {
		t.Error("invalid qpcr accepted")
	}
}

func TestInstruments(t *testing.T) {
	ins := Instruments()
	r := rng(9)
	pss := ins["pss10"]
	// Perceived stress 0.25 (the population's chronic mean) reads the PSS-10
	// population mean 13 (Cohen & Williamson 1988).
	if got := pss.Expected(0.25); got != 13 {
		t.Errorf("pss10 at perceived stress 0.25: %v want 13", got)
	}
	for _, c := range []struct {
		name string
		max  float64
	}{{"phq9", 27}, {"gad7", 21}, {"pasi", 72}, {"scorad", 103}} {
		if v := ins[c.name].Measure(1000, r); v != c.max {
			t.Errorf("%s not clamped at %v: %v", c.name, c.max, v)
		}
		if v := ins[c.name].Measure(-5, r); v != 0 {
			t.Errorf("%s not clamped at 0: %v", c.name, v)
		}
	}
	for i := 0; i < 2000; i++ {
		v := pss.Measure(r.Float64(), r)
		if v < 0 || v > 40 || v != math.Round(v) {
			t.Fatalf("pss10 reading %v off scale", v)
		}
		a := ins["affect_pleasantness"].Measure(r.Float64()*1.2, r)
		if a < 1 || a > 9 || a != math.Round(a) {
			t.Fatalf("affect reading %v off scale", a)
		}
		e := ins["easi"].Measure(100, r)
		if e != 72 {
			t.Fatalf("easi not clamped: %v", e)
		}
	}
	// Cortisol: multiplicative noise, log readings Normal(ln(300x), 0.15²).
	c := ins["cortisol"]
	var logs []float64
	for i := 0; i < 20000; i++ {
		logs = append(logs, math.Log(c.Measure(1.5, r)))
	}
	checkMoments(t, "cortisol", logs, math.Log(450), 0.0225, 0)
	for _, in := range ins {
		if err := in.Validate(); err != nil {
			t.Error(err)
		}
	}
	if (Instrument{Name: "x", Min: 2, Max: 1}).Validate() == nil {
		t.Error("min > max accepted")
	}
}

func BenchmarkMultinomial(b *testing.B) {
	p := []float64{0.5, 0.2, 0.15, 0.1, 0.04, 0.01}
	dst := make([]int, len(p))
	r := rng(1)
	for b.Loop() {
		Multinomial(dst, 20000, p, r)
	}
}
