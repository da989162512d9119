package estimate_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/holobiont/holobiont/estimate"
)

// leastSquares is an ObjectiveFunc for F = ½Σr² with the Gauss–Newton
// Hessian JᵀJ; fail, if set, marks points where the "simulation" fails.
func leastSquares(r func(u []float64) ([]float64, [][]float64), fail func(u []float64) bool, evals *[][]float64) estimate.ObjectiveFunc {
	return func(_ context.Context, u []float64, grad bool) (float64, []float64, []float64, float64, error) {
		if evals != nil {
			*evals = append(*evals, append([]float64(nil), u...))
		}
		if fail != nil && fail(u) {
			return math.Inf(1), nil, nil, math.Inf(-1), errors.New("simulation failed")
		}
		res, jac := r(u)
		n := len(u)
		f := 0.0
		g := make([]float64, n)
		h := make([]float64, n*n)
		for k, rk := range res {
			f += 0.5 * rk * rk
			for i := 0; i < n; i++ {
				g[i] += rk * jac[k][i]
				for j := 0; j < n; j++ {
					h[i*n+j] += jac[k][i] * jac[k][j]
				}
			}
		}
		return f, g, h, -f, nil
	}
}

// TestBackoffFromFailedSimulation: r(u) = (1+u)² − 16 from u = 0, where
// the Gauss–Newton step goes to u = 7.5 but the objective fails beyond
// u = 5. The failed trial point is retried halfway along the same step
// (u = 3.75), where the model predicts the decrease well, so the first
// iteration is accepted there and the radius stays at that step's length;
// a failure treated as a rejected step would instead cut the radius to a
// quarter and spend an iteration on it.
func TestBackoffFromFailedSimulation(t *testing.T) {
	var evals [][]float64
	obj := leastSquares(func(u []float64) ([]float64, [][]float64) {
		return []float64{(1+u[0])*(1+u[0]) - 16}, [][]float64{{2 * (1 + u[0])}}
	}, func(u []float64) bool { return u[0] > 5 }, &evals)
	r, err := estimate.MinimizeFunc(context.Background(), obj, []float64{0}, []float64{-0.5}, []float64{100}, estimate.LocalOptions{Radius: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s after %d iterations, %d evaluations (%d failed): u = %.10g; trial points %v", r.Status, r.Iter, r.Evals, r.Failed, r.U[0], evals)
	if len(evals) < 3 || evals[1][0] != 7.5 || evals[2][0] != 3.75 {
		t.Fatalf("trial points %v: want 7.5 (failed), then 3.75 along the same step", evals)
	}
	if r.Failed != 1 || !r.Converged || math.Abs(r.U[0]-3) > 1e-6 {
		t.Errorf("%s at u = %v with %d failed trial points: want convergence to 3 after one failure", r.Status, r.U, r.Failed)
	}
}

// TestNaNGradientIsFailure: as TestBackoffFromFailedSimulation, but
// beyond u = 5 the objective is finite and only its gradient and Hessian
// are NaN (sensitivities that overflow, as on Elowitz_Nature2000). Such a
// point must be treated as a failed one: accepted, it made the next step
// NaN and ended the start.
func TestNaNGradientIsFailure(t *testing.T) {
	ls := leastSquares(func(u []float64) ([]float64, [][]float64) {
		return []float64{(1+u[0])*(1+u[0]) - 16}, [][]float64{{2 * (1 + u[0])}}
	}, nil, nil)
	obj := func(ctx context.Context, u []float64, grad bool) (float64, []float64, []float64, float64, error) {
		f, g, h, llh, err := ls(ctx, u, grad)
		if u[0] > 5 {
			g[0], h[0] = math.NaN(), math.NaN()
		}
		return f, g, h, llh, err
	}
	r, err := estimate.MinimizeFunc(context.Background(), obj, []float64{0}, []float64{-0.5}, []float64{100}, estimate.LocalOptions{Radius: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s after %d iterations, %d evaluations (%d failed): u = %.10g", r.Status, r.Iter, r.Evals, r.Failed, r.U[0])
	if r.Failed != 1 || !r.Converged || math.Abs(r.U[0]-3) > 1e-6 {
		t.Errorf("%s at u = %v with %d failed trial points: want convergence to 3 after one failure", r.Status, r.U, r.Failed)
	}
	// and at the start point
	if _, err := estimate.MinimizeFunc(context.Background(), obj, []float64{6}, []float64{-0.5}, []float64{100}, estimate.LocalOptions{}); err == nil {
		t.Error("start point with a NaN gradient: no error")
	}
}

// TestScalingForgetsStartCurvature: r = (exp(u₀) − e, 10·atan(u₁ − 5)),
// minimum at (1, 5), from starts where exp(u₀) is 5e8–7e10, like a
// random start whose simulation explodes (a Brannmark_JBC2010 start began
// at F = 1e19). With Moré's variable scaling (the largest sqrt(H_ii) seen
// so far) the start's curvature in u₀ stayed in the scaling for good:
// these starts ended on "trust region below 1e-10" or the iteration limit
// at F = 1.3–139. The scaling now decays towards the current curvature.
func TestScalingForgetsStartCurvature(t *testing.T) {
	obj := leastSquares(func(u []float64) ([]float64, [][]float64) {
		d := u[1] - 5
		return []float64{math.Exp(u[0]) - math.E, 10 * math.Atan(d)}, [][]float64{{math.Exp(u[0]), 0}, {0, 10 / (1 + d*d)}}
	}, nil, nil)
	for _, u0 := range [][]float64{{20, -3}, {20, 9}, {23, 0}, {25, 15}} {
		r, err := estimate.MinimizeFunc(context.Background(), obj, u0, []float64{-30, -30}, []float64{30, 30}, estimate.LocalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("start %v: %s after %d iterations, F = %.3g at %.8g", u0, r.Status, r.Iter, r.F, r.U)
		if !r.Converged || math.Abs(r.U[0]-1) > 1e-6 || math.Abs(r.U[1]-5) > 1e-6 {
			t.Errorf("start %v: %s at %v (F = %.3g), want (1, 5)", u0, r.Status, r.U, r.F)
		}
	}
}
