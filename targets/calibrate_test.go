package targets

import (
	"context"
	"math"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// linearModel: target i's value is Σ_k A[i][k] log10 p_k + C[i] (a model
// whose least-squares calibration has a closed form).
type linearModel struct {
	A [][]float64
	C []float64
}

func (m linearModel) Eval(_ context.Context, p, dst []float64) error {
	for i := range dst {
		dst[i] = math.NaN()
		if i >= len(m.A) {
			continue
		}
		dst[i] = m.C[i]
		for k, v := range p {
			dst[i] += m.A[i][k] * math.Log10(v)
		}
	}
	return nil
}

func fptr(v float64) *float64 { return &v }

// linearFile: 3 fit targets, 1 held out, 1 listed; 2 parameters.
func linearFile() (*File, linearModel) {
	f := &File{Name: "linear.targets.yaml", Model: "none",
		Parameters: []Param{{ID: "a", Lower: 1e-3, Upper: 1e3, Prior: 1, Factor: 10}, {ID: "b", Lower: 1e-3, Upper: 1e3, Prior: 2, Factor: 3}},
		Targets: []Target{
			{ID: "t1", Role: RoleFit, Value: fptr(1), Interval: []float64{0, 2}, Scenario: "x"},
			{ID: "t2", Role: RoleFit, Value: fptr(-1), Interval: []float64{-1.5, -0.5}, Scenario: "x"},
			{ID: "t3", Role: RoleFit, Interval: []float64{2, 4}, Scenario: "x"},
			{ID: "v", Role: RoleValidation, Interval: []float64{0, 1}, Scenario: "x"},
			{ID: "cohort", Role: RoleValidation, Interval: []float64{0, 1}, EvaluatedBy: "a test"},
		}}
	m := linearModel{A: [][]float64{{1, 0.5}, {-0.3, 1}, {0.2, 0.2}, {1, 1}}, C: []float64{0.1, 0, 2.5, 0}}
	return f, m
}

// TestCalibrateLinear: on a model linear in the log10 parameters the fit
// is the weighted least-squares solution with the priors as extra rows,
// (AᵀWA + P)⁻¹(AᵀW(y − c) + P u0), and the Laplace covariance is
// (AᵀWA + P)⁻¹: Calibrate must reproduce both (forward differences are
// exact up to rounding on a linear model).
func TestCalibrateLinear(t *testing.T) {
	f, m := linearFile()
	res, err := Calibrate(context.Background(), f, []Model{m}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// closed form
	n := 2
	h := mat.NewDense(n, n, nil)
	rhs := mat.NewVecDense(n, nil)
	for _, i := range []int{0, 1, 2} {
		tg := &f.Targets[i]
		w := 1 / (tg.Sigma() * tg.Sigma())
		for a := 0; a < n; a++ {
			rhs.SetVec(a, rhs.AtVec(a)+w*m.A[i][a]*(tg.Centre()-m.C[i]))
			for b := 0; b < n; b++ {
				h.Set(a, b, h.At(a, b)+w*m.A[i][a]*m.A[i][b])
			}
		}
	}
	for k, p := range f.Parameters {
		w := 1 / math.Pow(math.Log10(p.Factor), 2)
		h.Set(k, k, h.At(k, k)+w)
		rhs.SetVec(k, rhs.AtVec(k)+w*math.Log10(p.Prior))
	}
	var u mat.VecDense
	if err := u.SolveVec(h, rhs); err != nil {
		t.Fatal(err)
	}
	var cov mat.Dense
	if err := cov.Inverse(h); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < n; k++ {
		if got := math.Log10(res.Best[k]); math.Abs(got-u.AtVec(k)) > 1e-6 {
			t.Errorf("%s: log10 fit %.9f, closed form %.9f", res.Params[k], got, u.AtVec(k))
		}
		for j := 0; j < n; j++ {
			if math.Abs(res.Cov[k*n+j]-cov.At(k, j)) > 1e-6*math.Abs(cov.At(k, k)) {
				t.Errorf("covariance (%d,%d) %.9g, closed form %.9g", k, j, res.Cov[k*n+j], cov.At(k, j))
			}
		}
		if !(res.Lo[k] < res.Best[k] && res.Best[k] < res.Hi[k]) {
			t.Errorf("%s: interval [%g, %g] does not hold the fit %g", res.Params[k], res.Lo[k], res.Hi[k], res.Best[k])
		}
	}
	if !math.IsNaN(res.AtBest[4]) || math.IsNaN(res.AtBest[3]) {
		t.Errorf("a cohort target must be NaN and a simulated held-out target evaluated: %v", res.AtBest)
	}
	if !(res.F < res.FPrior) || !res.Converged {
		t.Errorf("objective %g from %g (%s)", res.F, res.FPrior, res.Status)
	}
}

// TestCalibrateWorkers: the fit and the ensemble are the same with one or
// three models (the Jacobian's columns and the draws are independent of
// who computes them), the ensemble members lie in the 95% likelihood-ratio
// region, and a bad size is an error.
func TestCalibrateWorkers(t *testing.T) {
	f, m := linearFile()
	ctx := context.Background()
	r1, err := Calibrate(ctx, f, []Model{m}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r3, err := Calibrate(ctx, f, []Model{m, m, m}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r1.Best, r3.Best) || !reflect.DeepEqual(r1.Cov, r3.Cov) {
		t.Fatalf("1 and 3 workers differ: %v %v", r1.Best, r3.Best)
	}
	e1, d1, err := Ensemble(ctx, f, []Model{m}, r1, EnsembleOptions{N: 25, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	e3, d3, err := Ensemble(ctx, f, []Model{m, m, m}, r3, EnsembleOptions{N: 25, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if d1 != d3 || len(e1) != 25 || len(e3) != 25 {
		t.Fatalf("draws %d vs %d, members %d vs %d", d1, d3, len(e1), len(e3))
	}
	for i := range e1 {
		if e1[i].Draw != e3[i].Draw || !reflect.DeepEqual(e1[i].P, e3[i].P) {
			t.Fatalf("member %d differs: %+v vs %+v", i, e1[i], e3[i])
		}
		if e1[i].F > r1.F+5.9915/2+1e-9 { // chi2(2, 0.95) = 5.9915
			t.Errorf("member %d objective %g beyond the 95%% region of %g", i, e1[i].F, r1.F)
		}
	}
	if _, _, err := Ensemble(ctx, f, []Model{m}, r1, EnsembleOptions{N: 0}); err == nil {
		t.Error("N = 0 accepted")
	}
}
