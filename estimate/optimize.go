package estimate

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// LocalOptions configure Minimize.
type LocalOptions struct {
	// MaxIter bounds the trust-region iterations (default 1000).
	MaxIter int
	// GTol: converged when the largest projected gradient component is
	// below GTol (default 1e-6).
	GTol float64
	// FTol: converged when an accepted step lowers the objective by less
	// than FTol (absolute, default 1e-8) twice in a row.
	FTol float64
	// Radius is the initial trust radius on the parameters' scales
	// (default 1: a factor of ten for log10 parameters).
	Radius float64
	// Fixed marks parameters held at their start value (profiles).
	Fixed []bool
	// Hessian selects the curvature model of the trust-region steps
	// (default HessianHybrid).
	Hessian Hessian
	// SwitchAfter: with HessianHybrid, the BFGS matrix replaces the Fisher
	// information after this many consecutive iterations that left the
	// trust radius unchanged (default 20, as Fides's HybridFixed).
	SwitchAfter int
	// Mismatch, if positive: with HessianHybrid, the switch also happens
	// after three consecutive accepted steps s whose gradient change y
	// differs from the Fisher information's prediction F·s by more than
	// this fraction of ‖y‖: the curvature the Fisher information misses.
	// Off by default: on Boehm_JProteomeRes2014 (20 starts) a threshold of
	// 0.3 sent starts to worse local optima, switching far from them.
	Mismatch float64
	// MaxEvals, if positive, bounds the objective evaluations (each with
	// its gradient, as LocalResult.Evals counts them) of the run, as scipy's
	// maxfev/maxfun in pyPESTO (Fides, evaluating one trial point per
	// iteration, bounds them by maxiter): a run that reaches it ends with status
	// "evaluation limit" (not converged) at the best point found. Default
	// 0: no bound.
	MaxEvals int
	// Backoffs bounds the retries of a trial point where the objective
	// failed (an error or a non-finite value: the simulation failed), each
	// halving the step along the same direction (default 8). Such a
	// failure says nothing about the quadratic model's quality, so it is
	// not treated as a rejected step: the trust radius becomes the length
	// of the step that could be evaluated, not a quarter of it.
	Backoffs int
}

// Hessian is the curvature model of Minimize's trust-region steps.
type Hessian int

const (
	// HessianHybrid starts with the Fisher information and switches, for
	// good, to a BFGS matrix (initialised with the Fisher information at
	// the switch and updated at every accepted step) once the Fisher steps
	// stall: SwitchAfter consecutive iterations without a change of the
	// trust radius (as Fides's HybridFixed, Fröhlich and Sorger 2022), the
	// objective-change test met while the projected gradient is still
	// above GTol, or (with Mismatch set) repeated secant mismatches. These
	// are signs of linear convergence where the residuals do not vanish at
	// the optimum and the Fisher information misses their curvature.
	HessianHybrid Hessian = iota
	// HessianFisher always uses the Fisher information (Gauss–Newton,
	// Levenberg–Marquardt for least squares).
	HessianFisher
)

// String returns the name used in outputs and on the command line.
func (h Hessian) String() string {
	switch h {
	case HessianHybrid:
		return "hybrid"
	case HessianFisher:
		return "fisher"
	}
	return fmt.Sprintf("Hessian(%d)", int(h))
}

// ParseHessian maps "hybrid" and "fisher" to their Hessian.
func ParseHessian(s string) (Hessian, error) {
	switch s {
	case "hybrid":
		return HessianHybrid, nil
	case "fisher":
		return HessianFisher, nil
	}
	return 0, fmt.Errorf("estimate: Hessian %q: want hybrid or fisher", s)
}

func (o LocalOptions) withDefaults() LocalOptions {
	if o.MaxIter <= 0 {
		o.MaxIter = 1000
	}
	if o.GTol <= 0 {
		o.GTol = 1e-6
	}
	if o.FTol <= 0 {
		o.FTol = 1e-8
	}
	if o.Radius <= 0 {
		o.Radius = 1
	}
	if o.SwitchAfter <= 0 {
		o.SwitchAfter = 20
	}
	if o.Backoffs <= 0 {
		o.Backoffs = 8
	}
	return o
}

// LocalResult is the outcome of one local optimisation.
type LocalResult struct {
	U     []float64 // final parameters on their scales
	F     float64   // final objective −(llh + log prior)
	LLH   float64
	Iter  int // iterations
	Evals int // objective evaluations (value and gradient counted once each)
	Grads int // of which with gradient
	// Failed counts the trial points where the objective failed (each
	// followed by a back-off along the same direction).
	Failed int
	Status string
	// Switched is true when the hybrid Hessian switched to BFGS.
	Switched bool
	// Converged is true when a gradient or function-change criterion was
	// met (false: iteration limit, trust region collapsed, or failure).
	Converged bool
}

// Objective returns F(u) = −(llh + log prior) at u; with grad also its
// gradient and the Fisher information (Gauss–Newton Hessian). Errors
// (a failed simulation) make F infinite.
func (ev *Evaluator) objective(ctx context.Context, u []float64, grad bool) (f float64, g, h []float64, llh float64, err error) {
	r, err := ev.Evaluate(ctx, u, grad)
	if err != nil {
		return math.Inf(1), nil, nil, math.Inf(-1), err
	}
	f = -(r.LLH + r.LogPrior)
	if math.IsNaN(f) {
		f = math.Inf(1)
	}
	if grad {
		g = make([]float64, len(r.Grad))
		for i, v := range r.Grad {
			g[i] = -v
		}
		h = r.FIM
	}
	return f, g, h, r.LLH, nil
}

// Minimize minimises −(llh + log prior) from u0 within the bounds [lo, hi]
// (parameters on their scales) by a trust-region Newton method whose
// Hessian is the Fisher information matrix (Levenberg–Marquardt for least
// squares) or, with HessianHybrid once the Fisher steps stall, a BFGS
// matrix: the subproblem min gᵀs + ½sᵀHs, ‖Ds‖ ≤ Δ is solved exactly in
// the eigenbasis of H over the free parameters (those not at a bound with
// the gradient pointing out), a parameter the step would push through its
// bound is clamped there and the step recomputed for the others, and the
// ratio of actual to predicted reduction updates Δ.
func (ev *Evaluator) Minimize(ctx context.Context, u0, lo, hi []float64, opt LocalOptions) (LocalResult, error) {
	return MinimizeFunc(ctx, ev.objective, u0, lo, hi, opt)
}

// Objective returns the objective that Minimize minimises, for callers
// that wrap it (to trace or time the evaluations) before MinimizeFunc.
func (ev *Evaluator) Objective() ObjectiveFunc { return ev.objective }

// ObjectiveFunc is an objective for MinimizeFunc: F(u) and, with grad, its
// gradient g and a positive semi-definite Hessian approximation h (n×n,
// row-major; for a least-squares F = ½Σr², the Gauss–Newton JᵀJ). llh is
// reported in LocalResult.LLH. An error or a non-finite F marks u as
// failed (the step is rejected).
type ObjectiveFunc func(ctx context.Context, u []float64, grad bool) (f float64, g, h []float64, llh float64, err error)

// MinimizeFunc is Minimize's trust-region method on any objective: the
// same steps, bounds handling and stopping rules as for a PEtab problem.
func MinimizeFunc(ctx context.Context, obj ObjectiveFunc, u0, lo, hi []float64, opt LocalOptions) (LocalResult, error) {
	tr, err := startTrustRegion(ctx, obj, u0, lo, hi, opt.withDefaults())
	if err != nil {
		return tr.res, err
	}
	for tr.res.Iter = 0; tr.res.Iter < tr.opt.MaxIter; tr.res.Iter++ {
		if err := ctx.Err(); err != nil {
			tr.res.Status = "cancelled"
			return tr.res, err
		}
		done, err := tr.iterate(ctx)
		if err != nil {
			return tr.res, err
		}
		if done {
			break
		}
	}
	if tr.res.Status == "" {
		tr.res.Status = "iteration limit"
	}
	return tr.res, nil
}

// trustRegion is the state of one MinimizeFunc run.
type trustRegion struct {
	obj    ObjectiveFunc
	opt    LocalOptions
	lo, hi []float64
	res    LocalResult
	// the iterate (u is res.U) and the objective there
	u      []float64
	f, llh float64
	g, fim []float64
	h      []float64 // the Hessian of the quadratic model: fim, or bfgs
	bfgs   []float64 // the hybrid's quasi-Newton matrix, once switched
	dsc    []float64 // the variable scaling D
	delta  float64   // the trust radius on ‖D s‖
	// consecutive accepted steps below FTol, iterations that left delta
	// unchanged, and secant mismatches
	small, steady, missed int
	trial, s              []float64 // the trial point and the step to it
	free                  []bool
}

// trialPoint is one evaluation of the objective with its gradient.
type trialPoint struct {
	f, llh float64
	g, h   []float64
	err    error
}

func (pt trialPoint) failed() bool { return failed(pt.f, pt.g, pt.h, pt.err) }

// startTrustRegion evaluates the start point u0 (clipped into the bounds)
// and sets the scaling and the initial radius there; the error is the
// start point's failure.
func startTrustRegion(ctx context.Context, obj ObjectiveFunc, u0, lo, hi []float64, opt LocalOptions) (*trustRegion, error) {
	n := len(u0)
	tr := &trustRegion{obj: obj, opt: opt, lo: lo, hi: hi}
	tr.res.U = clipTo(append([]float64(nil), u0...), lo, hi)
	tr.u = tr.res.U
	pt := tr.eval(ctx, tr.u)
	tr.res.F, tr.res.LLH = pt.f, pt.llh
	if pt.failed() {
		tr.res.Status = "start point failed"
		if pt.err == nil {
			return tr, errors.New("objective or its gradient not finite at the start point")
		}
		return tr, pt.err
	}
	tr.f, tr.g, tr.fim, tr.llh = pt.f, pt.g, pt.h, pt.llh
	tr.h = tr.fim
	tr.dsc = make([]float64, n)
	updateScaling(tr.dsc, tr.h)
	tr.delta = opt.Radius * normD(tr.u, tr.dsc)
	if tr.delta == 0 {
		tr.delta = opt.Radius
	}
	tr.trial = make([]float64, n)
	tr.s = make([]float64, n)
	tr.free = make([]bool, n)
	return tr, nil
}

// eval evaluates the objective and its gradient at u, counting it.
//
// Trial points are evaluated with the gradient: the objective then always
// comes from the same (sensitivity) integration, whose step sequence
// differs from a value-only run's, and an accepted point needs no second
// simulation.
func (tr *trustRegion) eval(ctx context.Context, u []float64) trialPoint {
	f, g, h, llh, err := tr.obj(ctx, u, true)
	tr.res.Evals++
	tr.res.Grads++
	return trialPoint{f: f, llh: llh, g: g, h: h, err: err}
}

// iterate performs one trust-region iteration and reports whether the run
// ended (converged, collapsed or cancelled: res.Status says which).
func (tr *trustRegion) iterate(ctx context.Context) (done bool, err error) {
	if pg := freeSet(tr.free, tr.u, tr.g, tr.lo, tr.hi, tr.opt.Fixed); pg < tr.opt.GTol {
		tr.res.Status, tr.res.Converged = "gradient below tolerance", true
		return true, nil
	}
	if tr.exhausted() {
		tr.res.Status = "evaluation limit"
		return true, nil
	}
	boundedStep(tr.trial, tr.u, tr.g, tr.h, tr.free, tr.lo, tr.hi, tr.delta, tr.dsc)
	for i := range tr.s {
		tr.s[i] = tr.trial[i] - tr.u[i]
	}
	pt, backedOff := tr.evalTrial(ctx)
	if isCancel(pt.err) {
		tr.res.Status = "cancelled"
		return true, pt.err
	}
	if pt.failed() {
		tr.res.Failed++
	}
	pred := predictedDecrease(tr.g, tr.h, tr.s)
	sn := scaledDist(tr.trial, tr.u, tr.dsc)
	rho := -1.0
	if !pt.failed() && pred > 0 {
		rho = (tr.f - pt.f) / pred
	}
	if rho > 1e-4 && tr.accept(pt) {
		return true, nil
	}
	tr.updateRadius(rho, sn, backedOff)
	if tr.opt.Hessian == HessianHybrid && tr.bfgs == nil && (tr.steady >= tr.opt.SwitchAfter || tr.missed >= 3) {
		tr.switchToBFGS()
	}
	if collapsed(tr.delta, tr.u, tr.dsc, tr.opt.Fixed) {
		tr.res.Status = "trust region below 1e-10"
		return true, nil
	}
	return false, nil
}

// evalTrial evaluates the trial point; where the objective fails (the
// simulation failed) it retries halfway along the same direction, at most
// Backoffs times (the box is convex, so the point stays within the
// bounds) while the evaluation budget lasts, and reports whether it did.
func (tr *trustRegion) evalTrial(ctx context.Context) (pt trialPoint, backedOff bool) {
	pt = tr.eval(ctx, tr.trial)
	for k := 0; pt.failed() && k < tr.opt.Backoffs && !tr.exhausted(); k++ {
		if isCancel(pt.err) {
			break
		}
		tr.res.Failed++
		backedOff = true
		for i := range tr.s {
			tr.s[i] *= 0.5
			tr.trial[i] = tr.u[i] + tr.s[i]
		}
		pt = tr.eval(ctx, tr.trial)
	}
	return pt, backedOff
}

// exhausted reports whether the evaluation budget (MaxEvals) is spent.
func (tr *trustRegion) exhausted() bool {
	return tr.opt.MaxEvals > 0 && tr.res.Evals >= tr.opt.MaxEvals
}

// stageOptions returns opt for one stage of a start whose evaluation
// budget opt.MaxEvals is shared by its stages: the evaluations left after
// used, less reserve kept for the stages after this one; ok is false when
// none are left for this stage. Without a budget it returns opt.
func stageOptions(opt LocalOptions, used, reserve int) (LocalOptions, bool) {
	if opt.MaxEvals <= 0 {
		return opt, true
	}
	left := opt.MaxEvals - used - reserve
	if left < 1 {
		return opt, false
	}
	opt.MaxEvals = left
	return opt, true
}

// accept moves the iterate to the trial point pt, updates the BFGS matrix
// or the mismatch count and the scaling, and reports whether the
// objective-change test ended the run.
func (tr *trustRegion) accept(pt trialPoint) bool {
	df := tr.f - pt.f
	if tr.bfgs != nil {
		bfgsUpdate(tr.bfgs, tr.s, tr.g, pt.g)
	} else if tr.opt.Mismatch > 0 && secantMismatch(tr.fim, tr.s, tr.g, pt.g) > tr.opt.Mismatch {
		tr.missed++
	} else {
		tr.missed = 0
	}
	copy(tr.u, tr.trial)
	tr.f, tr.g, tr.fim, tr.llh = pt.f, pt.g, pt.h, pt.llh
	tr.res.F, tr.res.LLH = tr.f, tr.llh
	tr.h = tr.fim
	if tr.bfgs != nil {
		tr.h = tr.bfgs
	}
	updateScaling(tr.dsc, tr.h)
	if df < tr.opt.FTol {
		tr.small++
	} else {
		tr.small = 0
	}
	if tr.small >= 2 && tr.opt.Hessian == HessianHybrid && tr.bfgs == nil && freeSet(tr.free, tr.u, tr.g, tr.lo, tr.hi, tr.opt.Fixed) >= tr.opt.GTol {
		// slow linear convergence, not convergence: the Fisher steps
		// stalled while the gradient is not small
		tr.switchToBFGS()
		tr.small, tr.steady = 0, 0
	}
	if tr.small >= 2 {
		tr.res.Status, tr.res.Converged = "objective change below tolerance", true
		tr.res.Iter++
		return true
	}
	return false
}

// updateRadius sets the trust radius from the ratio rho of actual to
// predicted decrease and the scaled length sn of the step taken.
func (tr *trustRegion) updateRadius(rho, sn float64, backedOff bool) {
	switch {
	case backedOff && rho >= 0.25:
		// the step was cut short by failed simulations, not by the
		// model: the radius is the length that could be evaluated
		tr.delta = sn
		tr.steady = 0
	case rho < 0.25:
		tr.delta = 0.25 * sn
		tr.steady = 0
	case rho > 0.75 && sn > 0.9*tr.delta:
		tr.delta = 2 * tr.delta
		tr.steady = 0
	default:
		tr.steady++
	}
}

// switchToBFGS replaces the Fisher information by a BFGS matrix
// initialised with it, for the rest of the run.
func (tr *trustRegion) switchToBFGS() {
	tr.bfgs = append([]float64(nil), tr.fim...)
	tr.res.Switched = true
	tr.h = tr.bfgs
}

// failed reports whether an objective evaluation failed: an error, or a
// value, gradient or Hessian that is not finite (a point where the
// sensitivities are NaN would end the start at its next step).
func failed(f float64, g, h []float64, err error) bool {
	return err != nil || math.IsInf(f, 0) || math.IsNaN(f) || !allFinite(g) || !allFinite(h)
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return false
		}
	}
	return true
}

func isCancel(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// scalingMemory bounds how far the variable scaling remembers curvature
// that is gone: D_i never falls below sqrt(H_ii) but decays by at most
// this factor per accepted step towards it.
const scalingMemory = 10

// updateScaling sets the variable scaling D (Moré 1978) from the model
// Hessian h at a new iterate: D_i = max(sqrt(H_ii), D_i/scalingMemory),
// floored at 1e-8. Moré's D_i = max over all iterates of sqrt(H_ii) never
// forgets: a start where the objective is 1e19 (a Brannmark_JBC2010
// start) left D_i near 1e10 for good, froze those parameters, and ended
// the start on "trust region below 1e-10" four iterations later.
func updateScaling(dsc, h []float64) {
	n := len(dsc)
	for i := range dsc {
		dsc[i] = math.Max(math.Max(math.Sqrt(math.Max(h[i*n+i], 0)), dsc[i]/scalingMemory), 1e-8)
	}
}

// collapsed reports whether the trust region ‖D s‖ ≤ Δ lets no free
// parameter move by more than 1e-10 of max(1, |u_i|).
func collapsed(delta float64, u, dsc []float64, fixed []bool) bool {
	for i := range u {
		if (fixed == nil || !fixed[i]) && delta/dsc[i] >= 1e-10*math.Max(1, math.Abs(u[i])) {
			return false
		}
	}
	return true
}

// freeSet marks the parameters the step may move (not fixed, and not at a
// bound with the gradient pointing out of the box) and returns the largest
// gradient component among them.
func freeSet(free []bool, u, g, lo, hi []float64, fixed []bool) float64 {
	pg := 0.0
	for i := range u {
		free[i] = fixed == nil || !fixed[i]
		span := 1e-12 * math.Max(1, hi[i]-lo[i])
		if (u[i] <= lo[i]+span && g[i] > 0) || (u[i] >= hi[i]-span && g[i] < 0) {
			free[i] = false
		}
		if free[i] {
			pg = math.Max(pg, math.Abs(g[i]))
		}
	}
	return pg
}

// boundedStep sets trial to u plus the trust-region step on the free
// parameters (free is overwritten); a parameter the step would push through
// its bound is clamped there and the step recomputed for the others from
// the quadratic model's gradient at the clamped point (at most n times).
func boundedStep(trial, u, g, h []float64, free []bool, lo, hi []float64, delta float64, dsc []float64) {
	copy(trial, u)
	for pass := 0; pass < len(u); pass++ {
		p := scaledStep(gAt(g, h, trial, u), h, free, delta-scaledDist(trial, u, dsc), dsc)
		hit := false
		for i := range p {
			if !free[i] {
				continue
			}
			v := trial[i] + p[i]
			switch {
			case v < lo[i]:
				trial[i], free[i], hit = lo[i], false, true
			case v > hi[i]:
				trial[i], free[i], hit = hi[i], false, true
			}
		}
		if !hit {
			for i := range p {
				if free[i] {
					trial[i] += p[i]
				}
			}
			break
		}
	}
	clipTo(trial, lo, hi)
}

// predictedDecrease is −(gᵀs + ½sᵀHs), the quadratic model's decrease.
func predictedDecrease(g, h, s []float64) float64 {
	n := len(s)
	pred := 0.0
	for i := range s {
		hs := 0.0
		for j := range s {
			hs += h[i*n+j] * s[j]
		}
		pred -= g[i]*s[i] + 0.5*s[i]*hs
	}
	return pred
}

// secantMismatch is ‖y − F·s‖/‖y‖ with y = gNew − g: how far the Fisher
// information F is from the curvature along the step s.
func secantMismatch(fim, s, g, gNew []float64) float64 {
	n := len(s)
	var d, yy float64
	for i := 0; i < n; i++ {
		y := gNew[i] - g[i]
		fs := 0.0
		for j := 0; j < n; j++ {
			fs += fim[i*n+j] * s[j]
		}
		d += (y - fs) * (y - fs)
		yy += y * y
	}
	if yy == 0 {
		return 0
	}
	return math.Sqrt(d / yy)
}

// bfgsUpdate applies the BFGS update for the step s and the gradient change
// y = gNew − g to b (row-major): b += yyᵀ/(yᵀs) − (bs)(bs)ᵀ/(sᵀbs), skipped
// when the curvature condition yᵀs > 0 fails (b stays positive
// semi-definite).
func bfgsUpdate(b, s, g, gNew []float64) {
	n := len(s)
	ys, ss, yy := 0.0, 0.0, 0.0
	y := make([]float64, n)
	for i := range y {
		y[i] = gNew[i] - g[i]
		ys += y[i] * s[i]
		ss += s[i] * s[i]
		yy += y[i] * y[i]
	}
	if !(ys > 1e-12*math.Sqrt(ss*yy)) {
		return
	}
	bs := make([]float64, n)
	sbs := 0.0
	for i := 0; i < n; i++ {
		v := 0.0
		for j := 0; j < n; j++ {
			v += b[i*n+j] * s[j]
		}
		bs[i] = v
		sbs += s[i] * v
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := y[i] * y[j] / ys
			if sbs > 0 {
				v -= bs[i] * bs[j] / sbs
			}
			b[i*n+j] += v
		}
	}
}

// gAt is the model gradient g + H(x − u) of the quadratic model at x.
func gAt(g, h, x, u []float64) []float64 {
	n := len(g)
	out := append([]float64(nil), g...)
	for i := 0; i < n; i++ {
		s := 0.0
		for j := 0; j < n; j++ {
			if d := x[j] - u[j]; d != 0 {
				s += h[i*n+j] * d
			}
		}
		out[i] += s
	}
	return out
}

// scaledStep is trustStep in the variables z = D·s.
func scaledStep(g, h []float64, free []bool, delta float64, d []float64) []float64 {
	n := len(g)
	gz := make([]float64, n)
	hz := make([]float64, n*n)
	for i := 0; i < n; i++ {
		gz[i] = g[i] / d[i]
		for j := 0; j < n; j++ {
			hz[i*n+j] = h[i*n+j] / (d[i] * d[j])
		}
	}
	z := trustStep(gz, hz, free, math.Max(delta, 0))
	for i := range z {
		z[i] /= d[i]
	}
	return z
}

func scaledDist(a, b, d []float64) float64 {
	s := 0.0
	for i := range a {
		v := (a[i] - b[i]) * d[i]
		s += v * v
	}
	return math.Sqrt(s)
}

// normD is ‖D·u‖, floored at ‖D‖ (for u near 0).
func normD(u, d []float64) float64 {
	s, t := 0.0, 0.0
	for i := range u {
		s += u[i] * d[i] * u[i] * d[i]
		t += d[i] * d[i]
	}
	return math.Max(math.Sqrt(s), math.Sqrt(t))
}

func dist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}

func clipTo(u, lo, hi []float64) []float64 {
	for i := range u {
		u[i] = math.Min(math.Max(u[i], lo[i]), hi[i])
	}
	return u
}

// trustStep solves min gᵀp + ½pᵀHp subject to ‖p‖ ≤ delta over the free
// components (the others stay 0), for symmetric positive semi-definite H:
// the Newton step when it is inside the region, otherwise the
// Levenberg–Marquardt step (H + λI)p = −g with ‖p‖ = delta.
func trustStep(g, h []float64, free []bool, delta float64) []float64 {
	n := len(g)
	var idx []int
	for i := 0; i < n; i++ {
		if free[i] {
			idx = append(idx, i)
		}
	}
	p := make([]float64, n)
	if len(idx) == 0 {
		return p
	}
	hs, fro := reducedHessian(h, n, idx)
	var es mat.EigenSym
	if !es.Factorize(hs, true) || !eigenSane(es.Values(nil), 2*math.Sqrt(2*fro)) {
		steepestStep(p, g, idx, delta)
		return p
	}
	e := eigenModel{lam: es.Values(nil)}
	es.VectorsTo(&e.q)
	e.gq = eigenGradient(&e.q, g, idx)
	e.floor = eigenFloor(e.lam)
	mu := 0.0
	if e.stepNorm(0) > delta {
		mu = e.shiftFor(delta)
	}
	e.step(p, idx, mu)
	// numerical safety: never exceed the region
	pn := 0.0
	for _, v := range p {
		pn += v * v
	}
	if pn = math.Sqrt(pn); pn > delta*(1+1e-9) {
		for i := range p {
			p[i] *= delta / pn
		}
	}
	return p
}

// reducedHessian is the symmetric part of H over the free components idx
// with its Frobenius norm squared. Entries below 1e-20 of the largest
// change no eigenvalue beyond rounding, and flushing them matters: gonum's
// EigenSym returned eigenvalues of 1e121 for a Fisher matrix whose largest
// entry was 1 and whose smallest were near 1e-250 (Elowitz_Nature2000),
// and the step came out as 1e-120.
func reducedHessian(h []float64, n int, idx []int) (hs *mat.SymDense, fro float64) {
	hmax := 0.0
	for _, i := range idx {
		for _, j := range idx {
			hmax = math.Max(hmax, math.Abs(h[i*n+j]))
		}
	}
	hs = mat.NewSymDense(len(idx), nil)
	for a, i := range idx {
		for b, j := range idx {
			if b >= a {
				v := 0.5 * (h[i*n+j] + h[j*n+i])
				if math.Abs(v) < 1e-20*hmax {
					v = 0
				}
				hs.SetSym(a, b, v)
				fro += v * v
			}
		}
	}
	return hs, fro
}

// steepestStep sets p to the steepest-descent step of length delta over
// the free components idx (the fallback when the eigendecomposition
// fails).
func steepestStep(p, g []float64, idx []int, delta float64) {
	gn := 0.0
	for _, i := range idx {
		gn += g[i] * g[i]
	}
	gn = math.Sqrt(gn)
	for _, i := range idx {
		p[i] = -delta * g[i] / gn
	}
}

// eigenModel is the quadratic model in the eigenbasis q of the reduced
// Hessian: eigenvalues lam, gradient gq, and the floor below which a
// shifted eigenvalue max(λ, 0) + μ is raised (1e-12 of the largest |λ|).
type eigenModel struct {
	lam, gq []float64
	q       mat.Dense
	floor   float64
}

// eigenGradient is qᵀg over the free components idx.
func eigenGradient(q *mat.Dense, g []float64, idx []int) []float64 {
	m := len(idx)
	gq := make([]float64, m)
	for k := 0; k < m; k++ {
		s := 0.0
		for a, i := range idx {
			s += q.At(a, k) * g[i]
		}
		gq[k] = s
	}
	return gq
}

func eigenFloor(lam []float64) float64 {
	lmax := 0.0
	for _, l := range lam {
		lmax = math.Max(lmax, math.Abs(l))
	}
	return 1e-12 * math.Max(lmax, 1e-300)
}

// shifted is the k-th eigenvalue of H + μI (negative eigenvalues taken
// as 0), floored.
func (e *eigenModel) shifted(k int, mu float64) float64 {
	d := math.Max(e.lam[k], 0) + mu
	if d <= e.floor {
		d = e.floor
	}
	return d
}

// stepNorm is ‖(H + μI)⁻¹g‖, which decreases in μ.
func (e *eigenModel) stepNorm(mu float64) float64 {
	s := 0.0
	for k := range e.lam {
		v := e.gq[k] / e.shifted(k, mu)
		s += v * v
	}
	return math.Sqrt(s)
}

// shiftFor finds μ > 0 with stepNorm(μ) = delta by bracketing and
// bisection (relative 1e-12), returning the bracket's upper end.
func (e *eigenModel) shiftFor(delta float64) float64 {
	lo, hi := 0.0, 1.0
	for e.stepNorm(hi) > delta {
		hi *= 4
		if hi > 1e300 {
			break
		}
	}
	for it := 0; it < 100; it++ {
		mid := 0.5 * (lo + hi)
		if e.stepNorm(mid) > delta {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-12*hi {
			break
		}
	}
	return hi
}

// step adds −(H + μI)⁻¹g, mapped back from the eigenbasis to the free
// components idx, to p.
func (e *eigenModel) step(p []float64, idx []int, mu float64) {
	for k := range e.lam {
		c := -e.gq[k] / e.shifted(k, mu)
		for a, i := range idx {
			p[i] += e.q.At(a, k) * c
		}
	}
}

// eigenSane reports whether every eigenvalue is finite and at most bound
// in magnitude (the Frobenius norm bounds the spectral radius).
func eigenSane(lam []float64, bound float64) bool {
	for _, l := range lam {
		if math.IsNaN(l) || math.Abs(l) > bound {
			return false
		}
	}
	return true
}
