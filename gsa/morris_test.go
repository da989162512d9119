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
