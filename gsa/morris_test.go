package gsa

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMorrisSaltelli2008 analyses the design and outputs of Exercise 4 of
// Saltelli et al. (2008), Global Sensitivity Analysis: The Primer, p. 138
// (six trajectories, two parameters, four levels), whose published
// solution SALib's test suite also uses: μ* = (1.62, 0.35),
// σ = (1.79, 0.41), μ ≈ (0.66, 0.21), to the two decimals printed.
func TestMorrisSaltelli2008(t *testing.T) {
	x := []float64{
		0, 1. / 3, 0, 1, 2. / 3, 1,
		0, 1. / 3, 2. / 3, 1. / 3, 2. / 3, 1,
		2. / 3, 0, 2. / 3, 2. / 3, 0, 2. / 3,
		1. / 3, 1, 1, 1, 1, 1. / 3,
		1. / 3, 1, 1. / 3, 1. / 3, 1, 1. / 3,
		1. / 3, 2. / 3, 1. / 3, 0, 1, 0,
	}
	y := []float64{0.97, 0.71, 2.39, 0.97, 2.30, 2.39, 1.87, 2.40, 0.87, 2.15, 1.71, 1.54, 2.15, 2.17, 1.54, 2.20, 1.87, 1.0}
	res, err := MorrisIndices(x, y, 2, MorrisOptions{Levels: 4, Resamples: 1000}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want []float64, tol float64) {
		for i := range want {
			if math.Abs(got[i]-want[i]) > tol {
				t.Errorf("%s[%d] = %.4f, want %.2f", name, i, got[i], want[i])
			}
		}
	}
	check("mu*", res.MuStar, []float64{1.62, 0.35}, 0.005)
	check("sigma", res.Sigma, []float64{1.79, 0.41}, 0.005)
	check("mu", res.Mu, []float64{0.66, 0.21}, 0.02) // the book averages effects rounded to 2 decimals
	if res.N[0] != 6 || res.N[1] != 6 {
		t.Errorf("N = %v, want 6 effects each", res.N)
	}
	if !(res.MuStarConf[0] > 0.3 && res.MuStarConf[0] < 1.2) {
		t.Errorf("mu* interval half-width %v implausible (bootstrap sd of 6 effects about 0.3)", res.MuStarConf[0])
	}
}

// TestMorrisEffectsSaltelli2008 checks the 15 elementary effects of
// trajectory t_1 of Exercise 5 (Saltelli et al. 2008, Tables 3.10 and 3.12,
// pp. 141–145; inputs are normal quantiles ±0.39, ±1.64, Δ = 2/3).
func TestMorrisEffectsSaltelli2008(t *testing.T) {
	rows := [][]float64{
		{1.64, -1.64, -1.64, 0.39, -0.39, 0.39, -1.64, -1.64, -0.39, -0.39, 1.64, 1.64, -0.39, 0.39, 1.64},
		{1.64, -1.64, -1.64, 0.39, -0.39, -1.64, -1.64, -1.64, -0.39, -0.39, 1.64, 1.64, -0.39, 0.39, 1.64},
		{1.64, -1.64, -1.64, 0.39, -0.39, -1.64, -1.64, -1.64, 1.64, -0.39, 1.64, 1.64, -0.39, 0.39, 1.64},
		{1.64, -1.64, -1.64, 0.39, -0.39, -1.64, -1.64, 0.39, 1.64, -0.39, 1.64, 1.64, -0.39, 0.39, 1.64},
		{1.64, -1.64, -1.64, -1.64, -0.39, -1.64, -1.64, 0.39, 1.64, -0.39, 1.64, 1.64, -0.39, 0.39, 1.64},
		{1.64, -1.64, -1.64, -1.64, -0.39, -1.64, -1.64, 0.39, 1.64, -0.39, 1.64, -0.39, -0.39, 0.39, 1.64},
		{1.64, -1.64, -1.64, -1.64, -0.39, -1.64, -1.64, 0.39, 1.64, -0.39, 1.64, -0.39, -0.39, -1.64, 1.64},
		{1.64, 0.39, -1.64, -1.64, -0.39, -1.64, -1.64, 0.39, 1.64, -0.39, 1.64, -0.39, -0.39, -1.64, 1.64},
		{1.64, 0.39, -1.64, -1.64, -0.39, -1.64, -1.64, 0.39, 1.64, -0.39, 1.64, -0.39, -0.39, -1.64, -0.39},
		{1.64, 0.39, -1.64, -1.64, -0.39, -1.64, -1.64, 0.39, 1.64, 1.64, 1.64, -0.39, -0.39, -1.64, -0.39},
		{1.64, 0.39, -1.64, -1.64, 1.64, -1.64, -1.64, 0.39, 1.64, 1.64, 1.64, -0.39, -0.39, -1.64, -0.39},
		{1.64, 0.39, -1.64, -1.64, 1.64, -1.64, -1.64, 0.39, 1.64, 1.64, -0.39, -0.39, -0.39, -1.64, -0.39},
		{1.64, 0.39, -1.64, -1.64, 1.64, -1.64, 0.39, 0.39, 1.64, 1.64, -0.39, -0.39, -0.39, -1.64, -0.39},
		{1.64, 0.39, 0.39, -1.64, 1.64, -1.64, 0.39, 0.39, 1.64, 1.64, -0.39, -0.39, -0.39, -1.64, -0.39},
		{-0.39, 0.39, 0.39, -1.64, 1.64, -1.64, 0.39, 0.39, 1.64, 1.64, -0.39, -0.39, -0.39, -1.64, -0.39},
		{-0.39, 0.39, 0.39, -1.64, 1.64, -1.64, 0.39, 0.39, 1.64, 1.64, -0.39, -0.39, 1.64, -1.64, -0.39},
	}
	y := []float64{24.9, 22.72, 21.04, 16.01, 10.4, 10.04, 8.6, 13.39, 4.69, 8.02, 9.98, 3.75, 1.33, 2.59, 6.37, 9.99}
	var x []float64
	for _, r := range rows {
		x = append(x, r...)
	}
	// One trajectory: duplicate it so that the design has the two
	// trajectories MorrisIndices needs for σ; μ is then the effect itself.
	x2 := append(append([]float64{}, x...), x...)
	y2 := append(append([]float64{}, y...), y...)
	res, err := MorrisIndices(x2, y2, 15, MorrisOptions{Levels: 4, Resamples: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-5.67, 7.18, 1.89, 8.42, 2.93, 3.28, -3.62, -7.55, -2.51, 5.00, 9.34, 0.54, 5.43, 2.15, 13.05}
	for i, w := range want {
		if math.Abs(res.Mu[i]-w) > 0.015 { // the book rounds inputs and effects to 2 decimals
			t.Errorf("EE_%d = %.3f, want %.2f", i+1, res.Mu[i], w)
		}
	}
}

// TestMorrisLinear: for y = Σ c_i x_i on ranges [lo_i, hi_i], every
// elementary effect on the unit scale is c_i (hi_i − lo_i): μ = μ* = that
// (sign kept in μ), σ = 0.
func TestMorrisLinear(t *testing.T) {
	c := []float64{3, -2, 0.5, 0}
	lo := []float64{0, 1, -5, 0}
	hi := []float64{1, 3, 5, 10}
	const r, d, p = 20, 4, 4
	x := make([]float64, r*(d+1)*d)
	if err := MorrisDesign(x, r, d, p, rand.New(rand.NewPCG(9, 9))); err != nil {
		t.Fatal(err)
	}
	y := make([]float64, r*(d+1))
	for k := range y {
		for i := 0; i < d; i++ {
			u := x[k*d+i]
			if u < -1e-12 || u > 1+1e-12 {
				t.Fatalf("design value %v outside [0, 1]", u)
			}
			y[k] += c[i] * (lo[i] + u*(hi[i]-lo[i]))
		}
	}
	res, err := MorrisIndices(x, y, d, MorrisOptions{Levels: p}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < d; i++ {
		want := c[i] * (hi[i] - lo[i])
		if math.Abs(res.Mu[i]-want) > 1e-9 || math.Abs(res.MuStar[i]-math.Abs(want)) > 1e-9 || res.Sigma[i] > 1e-9 || res.MuStarConf[i] > 1e-9 {
			t.Errorf("x%d: mu %v mu* %v sigma %v conf %v, want mu %v, sigma 0", i+1, res.Mu[i], res.MuStar[i], res.Sigma[i], res.MuStarConf[i], want)
		}
	}
}

// TestMorrisIshigamiSALib repeats SALib's regression test of Morris on the
// Ishigami function (tests/test_regression.py, test_regression_morris_vanilla,
// SALib commit 1c37548: 10,000 trajectories, 4 levels, a = 7, b = 0.1 on
// [−π, π]³, unscaled effects): μ* = (7.682808, 7.875, 6.256295). The
// sampler is the same (Morris's B* with starts {0, 1/3} and Δ = 2/3) but
// its random streams are NumPy's, so only μ*₂ is reproducible exactly:
// every x₂ step on that grid moves sin² x₂ between 0 and 3/4, an effect of
// 7·(3/4)/(2/3) = 7.875 whatever the design (checked to 1e-9). μ*₁ and μ*₃
// are Monte-Carlo estimates from different draws: ours must lie within
// 4√2 standard errors (0.35) of SALib's (two independent estimates), and
// within 4 standard errors (0.25) of their exact expectations, (√3/2)(1 + π⁴(1 + 1/81)/20)
// ·3/2 = 7.7041 and 0.1·(√3/2)·π⁴(80/81)·(3/2)/2 = 6.2488 (x₃ and sin x₁
// at a step are uniform over the grid's four values).
func TestMorrisIshigamiSALib(t *testing.T) {
	const r, d, p = 10000, 3, 4
	x := make([]float64, r*(d+1)*d)
	if err := MorrisDesign(x, r, d, p, rand.New(rand.NewPCG(12345, 0))); err != nil {
		t.Fatal(err)
	}
	y := make([]float64, r*(d+1))
	v := make([]float64, d)
	for k := range y {
		for i := range v {
			v[i] = -math.Pi + 2*math.Pi*x[k*d+i]
		}
		y[k] = ishigami(v, 7, 0.1)
	}
	res, err := MorrisIndices(x, y, d, MorrisOptions{Levels: p, Resamples: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	salib := []float64{7.682808, 7.875, 6.256295}
	pi4 := math.Pow(math.Pi, 4)
	exact := []float64{math.Sqrt(3) / 2 * (1 + pi4*(1+1.0/81)/20) * 1.5, 7.875, 0.1 * math.Sqrt(3) / 2 * pi4 * 80 / 81 * 1.5 / 2}
	if math.Abs(res.MuStar[1]-salib[1]) > 1e-9 {
		t.Errorf("mu*2 = %.10f, want SALib's 7.875 exactly", res.MuStar[1])
	}
	// |EE₁| and |EE₃| each take two values with probability 1/2, 1.5·(√3/2)
	// ·0.1·π⁴(80/81) = 12.4976 apart (x₃⁴ ∈ {π⁴/81, π⁴}; sin x₁ ∈ {0, ±√3/2}):
	// their SD is half that.
	se := 1.5 * math.Sqrt(3) / 2 * 0.1 * pi4 * 80 / 81 / 2 / math.Sqrt(r)
	for _, i := range []int{0, 2} {
		t.Logf("mu*%d = %.6f (SE %.4f); SALib %.6f; exact %.4f", i+1, res.MuStar[i], se, salib[i], exact[i])
		if dd := math.Abs(res.MuStar[i] - salib[i]); dd > 4*math.Sqrt2*se {
			t.Errorf("mu*%d = %.6f differs from SALib's %.6f by %.4f (> 4√2 SE = %.4f)", i+1, res.MuStar[i], salib[i], dd, 4*math.Sqrt2*se)
		}
		if dd := math.Abs(res.MuStar[i] - exact[i]); dd > 4*se {
			t.Errorf("mu*%d = %.6f differs from its exact expectation %.4f by %.4f (> 4 SE = %.4f)", i+1, res.MuStar[i], exact[i], dd, 4*se)
		}
	}
}

// TestMorrisDesignGrid: every design value is a grid level and each step
// changes one parameter by exactly Δ; every parameter moves once per
// trajectory.
func TestMorrisDesignGrid(t *testing.T) {
	const r, d, p = 50, 6, 6
	x := make([]float64, r*(d+1)*d)
	if err := MorrisDesign(x, r, d, p, rand.New(rand.NewPCG(4, 4))); err != nil {
		t.Fatal(err)
	}
	delta := MorrisDelta(p)
	for tr := 0; tr < r; tr++ {
		moved := make([]bool, d)
		for k := 0; k < d; k++ {
			a := x[(tr*(d+1)+k)*d : (tr*(d+1)+k+1)*d]
			b := x[(tr*(d+1)+k+1)*d : (tr*(d+1)+k+2)*d]
			i, _, err := changed(a, b)
			if err != nil {
				t.Fatal(err)
			}
			if moved[i] || math.Abs(math.Abs(b[i]-a[i])-delta) > 1e-12 {
				t.Fatalf("trajectory %d step %d: parameter %d moves %v (Δ %v)", tr, k, i, b[i]-a[i], delta)
			}
			moved[i] = true
		}
	}
	for _, v := range x {
		lev := v * (p - 1)
		if math.Abs(lev-math.Round(lev)) > 1e-9 || v < 0 || v > 1 {
			t.Fatalf("value %v is not a level of the %d-level grid", v, p)
		}
	}
}
