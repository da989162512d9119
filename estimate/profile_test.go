package estimate_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/petab"
)

// ols fits y = c0 + c1·t by least squares and returns the slope and its
// standard error for a known noise standard deviation sigma.
func ols(t, y []float64, sigma float64) (slope, se float64) {
	n := float64(len(t))
	var mt, my float64
	for i := range t {
		mt += t[i] / n
		my += y[i] / n
	}
	var sxx, sxy float64
	for i := range t {
		sxx += (t[i] - mt) * (t[i] - mt)
		sxy += (t[i] - mt) * (y[i] - my)
	}
	return sxy / sxx, sigma / math.Sqrt(sxx)
}

// TestProfileKnownAnswer fits two problems whose log-likelihood is exactly
// quadratic in the parameters — a line x = a + b·t with Gaussian noise, and
// an exponential decay x = A·exp(−k·t) with log-normal noise — and checks
// the estimate and the 95% profile-likelihood interval of the slope
// parameter against ordinary least squares: b̂ (or k̂) ± 1.959964·σ/√Sxx.
func TestProfileKnownAnswer(t *testing.T) {
	for _, c := range []struct {
		dir, param string
		sigma      float64
		logData    bool
		sign       float64
	}{
		{"linear", "b", 0.5, false, 1},
		{"decay", "k", 0.1, true, -1},
	} {
		t.Run(c.dir, func(t *testing.T) {
			spec, err := petab.Load(filepath.Join("testdata", c.dir, "problem.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := estimate.Compile(spec, estimate.Options{RTol: 1e-10, ATol: 1e-12})
			if err != nil {
				t.Fatal(err)
			}
			var ts, ys []float64
			for _, m := range spec.Measurements {
				y := m.Value
				if c.logData {
					y = math.Log(y)
				}
				ts, ys = append(ts, m.Time), append(ys, y)
			}
			slope, se := ols(ts, ys, c.sigma)
			want := c.sign * slope
			z := 1.959963984540054
			ctx := context.Background()
			rs, err := p.MultiStart(ctx, estimate.MultiStartOptions{Starts: 4, Seed: 3, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			best := rs[0]
			k := -1
			for i, j := range p.Free {
				if spec.Params[j].ID == c.param {
					k = i
				}
			}
			if got := best.U[k]; math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
				t.Errorf("%s = %.8g, least squares %.8g", c.param, got, want)
			}
			ev, err := p.NewEvaluator()
			if err != nil {
				t.Fatal(err)
			}
			pr, err := ev.ProfileLikelihood(ctx, k, best.U, best.F, estimate.ProfileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := want-z*se, want+z*se
			t.Logf("%s: %.8g, 95%% interval [%.8g, %.8g] (least squares [%.8g, %.8g]), %d profile points", c.param, best.U[k], pr.Lower, pr.Upper, lo, hi, len(pr.Points))
			// the interval's ends come from a parabola through the last
			// three profile points: exact for a quadratic profile up to the
			// optimiser's tolerance
			tol := 1e-4 * (hi - lo)
			if pr.LowerOpen || pr.UpperOpen || math.Abs(pr.Lower-lo) > tol || math.Abs(pr.Upper-hi) > tol {
				t.Errorf("interval [%.8g, %.8g] (open %v %v), want [%.8g, %.8g] ± %.2g", pr.Lower, pr.Upper, pr.LowerOpen, pr.UpperOpen, lo, hi, tol)
			}
		})
	}
}
