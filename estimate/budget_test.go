package estimate_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/holobiont/holobiont/estimate"
)

// rosenbrock is F = ½((10(u1 − u0²))² + (1 − u0)²): the trust-region
// method needs a few dozen evaluations from (−1.2, 1).
func rosenbrock(evals *[][]float64) estimate.ObjectiveFunc {
	return leastSquares(func(u []float64) ([]float64, [][]float64) {
		return []float64{10 * (u[1] - u[0]*u[0]), 1 - u[0]}, [][]float64{{-20 * u[0], 10}, {-1, 0}}
	}, nil, evals)
}

// TestMaxEvals: a budget below what the run needs ends it after exactly
// MaxEvals evaluations, the unbounded run's first ones, with status
// "evaluation limit", not converged; a budget of what it needs, or more,
// changes nothing.
func TestMaxEvals(t *testing.T) {
	ctx := context.Background()
	u0, lo, hi := []float64{-1.2, 1}, []float64{-5, -5}, []float64{5, 5}
	var all [][]float64
	free, err := estimate.MinimizeFunc(ctx, rosenbrock(&all), u0, lo, hi, estimate.LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("no budget: %s after %d iterations, %d evaluations, u = %v", free.Status, free.Iter, free.Evals, free.U)
	if !free.Converged || free.Evals < 10 || free.Evals != len(all) {
		t.Fatalf("no budget: %+v after %d evaluations: want a converged run of at least 10", free, len(all))
	}
	for _, n := range []int{1, 2, 7, free.Evals / 2} {
		var seen [][]float64
		r, err := estimate.MinimizeFunc(ctx, rosenbrock(&seen), u0, lo, hi, estimate.LocalOptions{MaxEvals: n})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != "evaluation limit" || r.Converged || r.Evals != n || len(seen) != n {
			t.Errorf("MaxEvals %d: %s (converged %v) after %d evaluations (objective called %d times)", n, r.Status, r.Converged, r.Evals, len(seen))
		}
		if !reflect.DeepEqual(seen, all[:n]) {
			t.Errorf("MaxEvals %d: trial points %v, want the first %d of the unbounded run's", n, seen, n)
		}
	}
	for _, n := range []int{free.Evals, free.Evals + 1, 1 << 30} {
		r, err := estimate.MinimizeFunc(ctx, rosenbrock(nil), u0, lo, hi, estimate.LocalOptions{MaxEvals: n})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r, free) {
			t.Errorf("MaxEvals %d: %+v, want the unbounded run's %+v", n, r, free)
		}
	}
}

// TestMaxEvalsPerStart: on the oscillator, plain and with horizon
// continuation and multiple shooting, the stages of a start share its
// budget, the final fit on the full problem always runs (its objective is
// the start's), and a start that did not converge within the budget says
// it hit it; the starts are the same on 1 and 2 workers. A budget no start
// reaches gives the unbounded results exactly.
func TestMaxEvalsPerStart(t *testing.T) {
	_, p := oscillatorProblem(t, 1e-8)
	ctx := context.Background()
	hs, err := p.HorizonStages(3)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := p.NewShooting(estimate.ShootingOptions{Segments: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opt  estimate.MultiStartOptions
	}{
		{"plain", estimate.MultiStartOptions{}},
		{"horizon stages", estimate.MultiStartOptions{Horizons: hs}},
		{"shooting", estimate.MultiStartOptions{Shooting: sh}},
	} {
		run := func(maxEvals, workers int) []estimate.StartResult {
			o := c.opt
			o.Starts, o.Seed, o.Workers, o.Local.MaxEvals = 4, 1, workers, maxEvals
			rs, err := p.MultiStart(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			for i := range rs {
				rs[i].Seconds = 0
			}
			return rs
		}
		free := run(0, 2)
		most := 0
		for _, r := range free {
			most = max(most, r.Evals)
		}
		if !reflect.DeepEqual(run(most, 2), free) {
			t.Errorf("%s: MaxEvals %d (the most any start used) changed the results", c.name, most)
		}
		const n = 5
		one, two := run(n, 1), run(n, 2)
		if !reflect.DeepEqual(one, two) {
			t.Errorf("%s: MaxEvals %d: the starts differ between 1 and 2 workers", c.name, n)
		}
		hit := 0
		for _, r := range two {
			t.Logf("%s, MaxEvals %d: start %d %s after %d evaluations, llh %.6g, %d stages", c.name, n, r.Index, r.Status, r.Evals, r.LLH, len(r.Stages))
			if r.Status == "evaluation limit" {
				hit++
			}
			if r.Evals > n || r.Err != "" || (r.Status != "evaluation limit") != r.Converged {
				t.Errorf("%s: start %d: %s (converged %v) after %d evaluations (error %q): want convergence or the evaluation limit within %d", c.name, r.Index, r.Status, r.Converged, r.Evals, r.Err, n)
			}
			if len(r.Stages) > 0 && (r.Stages[len(r.Stages)-1].Horizon != free[0].Stages[len(free[0].Stages)-1].Horizon || r.Stages[len(r.Stages)-1].F != r.F) {
				t.Errorf("%s: start %d: the last stage %+v is not the final fit (objective %g)", c.name, r.Index, r.Stages[len(r.Stages)-1], r.F)
			}
		}
		if hit < 3 {
			t.Errorf("%s: %d of 4 starts hit the evaluation limit of %d: want at least 3", c.name, hit, n)
		}
	}
}
