package targets

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/holobiont/holobiont/estimate"
)

// Model evaluates every target of a File at the estimated parameters'
// values p (linear scale), writing the model values into dst (NaN for
// targets evaluated elsewhere). *Worker is one; a Model is used by one
// goroutine.
type Model interface {
	Eval(ctx context.Context, p, dst []float64) error
}

// Options configure Calibrate.
type Options struct {
	// Local configures the trust-region method (estimate.MinimizeFunc).
	Local estimate.LocalOptions
	// Step is the forward-difference step on the log10 scale (default
	// 1e-3).
	Step float64
	// Progress, if set, is called after each objective evaluation with
	// its value.
	Progress func(evals int, f float64)
}

// Result is a calibration's outcome.
type Result struct {
	Params []string
	// Prior and Best are the parameters' prior medians and fitted values
	// (linear scale); Lo and Hi their 95% intervals from the Laplace
	// approximation (clipped to the bounds), SDLog10 the standard deviation
	// on the log10 scale.
	Prior, Best, Lo, Hi, SDLog10 []float64
	// Cov is the Laplace covariance of the log10 parameters (row-major).
	Cov []float64
	// AtPrior and AtBest are every target's model value at the prior and
	// at the fit (NaN: not simulated).
	AtPrior, AtBest []float64
	// Jac is d(standardised residual)/d(log10 parameter) of each fit
	// target (rows, Fit order) at the fit, row-major; Fit lists the fit
	// targets' indices.
	Jac []float64
	Fit []int
	// F is the objective at the fit (½ the sum of squared standardised
	// residuals of fit targets and priors), FPrior at the prior.
	F, FPrior float64
	estimate.LocalResult
}

// problem holds one calibration's objective.
type problem struct {
	f      *File
	models []Model
	fit    []int
	lo, hi []float64 // log10 bounds
	u0     []float64 // log10 prior
	sd     []float64 // log10 prior SD
	step   float64
	jac    []float64 // the last Jacobian
	evals  int
	mu     sync.Mutex
	prog   func(int, float64)
}

func newProblem(f *File, models []Model, step float64) *problem {
	n := len(f.Parameters)
	pr := &problem{f: f, models: models, fit: f.Roles(RoleFit), step: step,
		lo: make([]float64, n), hi: make([]float64, n), u0: make([]float64, n), sd: make([]float64, n)}
	for k, p := range f.Parameters {
		pr.lo[k], pr.hi[k] = math.Log10(p.Lower), math.Log10(p.Upper)
		pr.u0[k], pr.sd[k] = math.Log10(p.Prior), math.Log10(p.Factor)
	}
	return pr
}

func linear(u []float64) []float64 {
	p := make([]float64, len(u))
	for k, v := range u {
		p[k] = math.Pow(10, v)
	}
	return p
}

// residuals writes the standardised residuals at u (fit targets, then
// priors) using model m; vals receives every target's value.
func (pr *problem) residuals(ctx context.Context, m Model, u, vals, r []float64) error {
	if err := m.Eval(ctx, linear(u), vals); err != nil {
		return err
	}
	for j, i := range pr.fit {
		t := &pr.f.Targets[i]
		r[j] = (vals[i] - t.Centre()) / t.Sigma()
		if math.IsNaN(r[j]) || math.IsInf(r[j], 0) {
			return fmt.Errorf("target %s: model value %g", t.ID, vals[i])
		}
	}
	for k := range u {
		r[len(pr.fit)+k] = (u[k] - pr.u0[k]) / pr.sd[k]
	}
	return nil
}

func half2(r []float64) float64 {
	s := 0.0
	for _, v := range r {
		s += v * v
	}
	return s / 2
}

// objective is the estimate.ObjectiveFunc: ½|r|², Jᵀr and JᵀJ with the
// Jacobian by forward differences, its columns spread over the models.
func (pr *problem) objective(ctx context.Context, u []float64, grad bool) (float64, []float64, []float64, float64, error) {
	n, m := len(u), len(pr.fit)+len(u)
	nt := len(pr.f.Targets)
	r := make([]float64, m)
	if err := pr.residuals(ctx, pr.models[0], u, make([]float64, nt), r); err != nil {
		if ctx.Err() != nil {
			return math.Inf(1), nil, nil, 0, ctx.Err()
		}
		return math.Inf(1), nil, nil, 0, nil
	}
	f := half2(r)
	pr.report(f)
	if !grad {
		return f, nil, nil, -f, nil
	}
	jac := make([]float64, m*n) // row-major m × n
	errs := make([]error, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := range pr.models {
		wg.Add(1)
		go func(md Model) {
			defer wg.Done()
			rk, vals, uk := make([]float64, m), make([]float64, nt), make([]float64, n)
			for k := range next {
				copy(uk, u)
				h := pr.step
				if uk[k]+h > pr.hi[k] {
					h = -h
				}
				uk[k] += h
				if errs[k] = pr.residuals(ctx, md, uk, vals, rk); errs[k] != nil {
					continue
				}
				for j := range rk {
					jac[j*n+k] = (rk[j] - r[j]) / h
				}
			}
		}(pr.models[w])
	}
	for k := 0; k < n; k++ {
		next <- k
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		if ctx.Err() != nil {
			return math.Inf(1), nil, nil, 0, ctx.Err()
		}
		return math.Inf(1), nil, nil, 0, nil
	}
	pr.jac = jac
	g, h := make([]float64, n), make([]float64, n*n)
	for j := 0; j < m; j++ {
		row := jac[j*n : (j+1)*n]
		for a := 0; a < n; a++ {
			g[a] += row[a] * r[j]
			for b := 0; b < n; b++ {
				h[a*n+b] += row[a] * row[b]
			}
		}
	}
	return f, g, h, -f, nil
}

func (pr *problem) report(f float64) {
	pr.mu.Lock()
	pr.evals++
	e := pr.evals
	pr.mu.Unlock()
	if pr.prog != nil {
		pr.prog(e, f)
	}
}

// Calibrate fits f's estimated parameters to its fit targets from their
// prior medians (see the package documentation), using models (one per
// goroutine; at least one) for the Jacobian's columns in parallel. The
// result does not depend on the number of models.
func Calibrate(ctx context.Context, f *File, models []Model, opt Options) (*Result, error) {
	if len(models) == 0 {
		return nil, errors.New("targets: Calibrate needs at least one model")
	}
	if opt.Step == 0 {
		opt.Step = 1e-3
	}
	pr := newProblem(f, models, opt.Step)
	pr.prog = opt.Progress
	n := len(pr.u0)
	res := &Result{Prior: f.Prior(), AtPrior: make([]float64, len(f.Targets)), AtBest: make([]float64, len(f.Targets))}
	for _, p := range f.Parameters {
		res.Params = append(res.Params, p.ID)
	}
	r0 := make([]float64, len(pr.fit)+n)
	if err := pr.residuals(ctx, models[0], pr.u0, res.AtPrior, r0); err != nil {
		return nil, fmt.Errorf("at the prior: %w", err)
	}
	res.FPrior = half2(r0)
	lr, err := estimate.MinimizeFunc(ctx, pr.objective, pr.u0, pr.lo, pr.hi, opt.Local)
	res.LocalResult = lr
	if err != nil {
		return res, err
	}
	rb := make([]float64, len(r0))
	if err := pr.residuals(ctx, models[0], lr.U, res.AtBest, rb); err != nil {
		return nil, fmt.Errorf("at the fit: %w", err)
	}
	res.F = half2(rb)
	res.Best = linear(lr.U)
	_, _, h, _, err := pr.objective(ctx, lr.U, true)
	if err != nil || h == nil {
		return nil, fmt.Errorf("Jacobian at the fit: %v", err)
	}
	res.Fit, res.Jac = pr.fit, pr.jac[:len(pr.fit)*n]
	res.Cov, err = invert(h, n)
	if err != nil {
		return nil, err
	}
	res.Lo, res.Hi, res.SDLog10 = make([]float64, n), make([]float64, n), make([]float64, n)
	for k := 0; k < n; k++ {
		s := math.Sqrt(res.Cov[k*n+k])
		res.SDLog10[k] = s
		res.Lo[k] = math.Pow(10, math.Max(lr.U[k]-1.959963984540054*s, pr.lo[k]))
		res.Hi[k] = math.Pow(10, math.Min(lr.U[k]+1.959963984540054*s, pr.hi[k]))
	}
	return res, nil
}

func invert(h []float64, n int) ([]float64, error) {
	var inv mat.Dense
	if err := inv.Inverse(mat.NewDense(n, n, append([]float64(nil), h...))); err != nil {
		return nil, fmt.Errorf("targets: the Gauss-Newton Hessian at the fit is singular: %w", err)
	}
	return append([]float64(nil), inv.RawMatrix().Data...), nil
}

// EnsembleOptions configure Ensemble.
type EnsembleOptions struct {
	// N is the number of accepted parameter sets.
	N int
	// Seed: draw i comes from its own stream (Seed, i), so the ensemble
	// does not depend on the number of models.
	Seed uint64
	// MaxDraws bounds the draws (default 20·N).
	MaxDraws int
	// Progress, if set, is called after each draw.
	Progress func(draws, accepted int)
}

// Member is an accepted parameter set of an ensemble.
type Member struct {
	Draw   int       `json:"draw"`      // draw number (its random stream)
	P      []float64 `json:"p"`         // parameters, linear scale
	F      float64   `json:"objective"` // objective (½ Σ r², fit targets and priors)
	Values []float64 `json:"-"`         // every target's model value (NaN: not simulated)
}

// Ensemble draws parameter sets from the Laplace approximation of res
// (log10 parameters ~ N(fit, Cov), redrawn outside the bounds) and accepts
// those whose objective is within the 95% likelihood-ratio region of the
// fit, F ≤ F_fit + χ²_{n,0.95}/2 (n estimated parameters): parameter sets
// consistent with the targets. It returns the first opt.N accepted in draw
// order (fewer when opt.MaxDraws draws do not yield them) and the number
// of draws made.
func Ensemble(ctx context.Context, f *File, models []Model, res *Result, opt EnsembleOptions) ([]Member, int, error) {
	n := len(res.Params)
	if opt.N < 1 {
		return nil, 0, fmt.Errorf("targets: ensemble size %d: want at least 1", opt.N)
	}
	if opt.MaxDraws <= 0 {
		opt.MaxDraws = 20 * opt.N
	}
	var chol mat.Cholesky
	if !chol.Factorize(mat.NewSymDense(n, append([]float64(nil), res.Cov...))) {
		return nil, 0, errors.New("targets: the calibration covariance is not positive definite")
	}
	var l mat.TriDense
	chol.LTo(&l)
	pr := newProblem(f, models, 0)
	u := make([]float64, n)
	for k, p := range res.Best {
		u[k] = math.Log10(p)
	}
	limit := res.F + distuv.ChiSquared{K: float64(n)}.Quantile(0.95)/2
	var out []Member
	draws := 0
	// batches of one draw per model, in draw order
	for draws < opt.MaxDraws && len(out) < opt.N {
		batch := min(len(models), opt.MaxDraws-draws)
		got := make([]*Member, batch)
		errs := make([]error, batch)
		var wg sync.WaitGroup
		for b := 0; b < batch; b++ {
			wg.Add(1)
			go func(b int) {
				defer wg.Done()
				i := draws + b
				x := drawLaplace(u, &l, pr.lo, pr.hi, rand.New(rand.NewPCG(opt.Seed, uint64(i))))
				vals, r := make([]float64, len(f.Targets)), make([]float64, len(pr.fit)+n)
				if err := pr.residuals(ctx, models[b], x, vals, r); err != nil {
					errs[b] = ctx.Err()
					return
				}
				if fv := half2(r); fv <= limit {
					got[b] = &Member{Draw: i, P: linear(x), F: fv, Values: vals}
				}
			}(b)
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return out, draws, err
		}
		for _, m := range got {
			if m != nil && len(out) < opt.N {
				out = append(out, *m)
			}
		}
		draws += batch
		if len(out) == opt.N {
			draws = out[opt.N-1].Draw + 1 // the same count whatever the batch size
		}
		if opt.Progress != nil {
			opt.Progress(draws, len(out))
		}
	}
	return out, draws, nil
}

// drawLaplace returns u + L z within [lo, hi] (redrawn up to 100 times,
// then clipped).
func drawLaplace(u []float64, l *mat.TriDense, lo, hi []float64, rng *rand.Rand) []float64 {
	n := len(u)
	x := make([]float64, n)
	z := make([]float64, n)
	for try := 0; try < 100; try++ {
		for k := range z {
			z[k] = rng.NormFloat64()
		}
		ok := true
		for a := 0; a < n; a++ {
			x[a] = u[a]
			for b := 0; b <= a; b++ {
				x[a] += l.At(a, b) * z[b]
			}
			ok = ok && x[a] >= lo[a] && x[a] <= hi[a]
		}
		if ok {
			return x
		}
	}
	for a := range x {
		x[a] = math.Min(math.Max(x[a], lo[a]), hi[a])
	}
	return x
}
