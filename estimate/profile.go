package estimate

import (
	"context"
	"math"
	"sort"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// ProfileOptions configure ProfileLikelihood.
type ProfileOptions struct {
	// Level is the confidence level of the intervals (default 0.95).
	Level float64
	// MaxSteps bounds the profile points per direction (default 40).
	MaxSteps int
	// Local configures the re-optimisation of the other parameters at
	// each point (default: at most 100 iterations).
	Local LocalOptions
}

// ProfilePoint is one point of a profile: the profiled parameter's value
// (on its scale), the objective minimised over the other parameters, and
// all parameters there.
type ProfilePoint struct {
	Value float64
	F     float64
	U     []float64
}

// Profile is the profile likelihood of one estimated parameter and the
// confidence interval it gives: the values whose profile objective lies
// within Threshold = χ²₁(Level)/2 of the optimum (the likelihood-ratio
// interval). An end that reaches the parameter's bound before the
// threshold is open: Lower or Upper is then the bound.
type Profile struct {
	Index                int // position in Problem.Free
	ID                   string
	Best                 float64 // the optimum's value on the parameter's scale
	Points               []ProfilePoint
	Lower, Upper         float64
	LowerOpen, UpperOpen bool
	Threshold            float64
	// Better is true when a profile point found an objective lower than the
	// optimum by more than 1e-3: the optimum was not global.
	Better bool
}

// ProfileLikelihood computes the profile of estimated parameter k (index
// into Problem.Free) around the optimum (uBest, fBest): it steps the
// parameter away from its optimal value in both directions, re-optimising
// the others from the previous point each time, until the objective has
// risen by the threshold or the bound is reached. The step adapts so that
// the objective rises by about a tenth of the threshold per step. The
// interval's ends are interpolated linearly between the last two points.
func (ev *Evaluator) ProfileLikelihood(ctx context.Context, k int, uBest []float64, fBest float64, opt ProfileOptions) (Profile, error) {
	opt = opt.withDefaults()
	p := ev.p
	n := len(uBest)
	w := profileWalk{ev: ev, k: k, uBest: uBest, fBest: fBest, maxSteps: opt.MaxSteps}
	w.lo, w.hi = p.Spec.Bounds()
	w.thr = distuv.ChiSquared{K: 1}.Quantile(opt.Level) / 2
	pr := Profile{Index: k, ID: p.Spec.Params[p.Free[k]].ID, Best: uBest[k], Threshold: w.thr,
		Points: []ProfilePoint{{Value: uBest[k], F: fBest, U: append([]float64(nil), uBest...)}}}
	fixed := make([]bool, n)
	fixed[k] = true
	w.local = opt.Local
	w.local.Fixed = fixed
	w.span = w.hi[k] - w.lo[k]
	w.step0 = ev.profileStep0(ctx, uBest, k, w.span, w.thr)
	var err error
	if pr.Lower, pr.LowerOpen, err = w.side(ctx, &pr, -1); err != nil {
		return pr, err
	}
	if pr.Upper, pr.UpperOpen, err = w.side(ctx, &pr, 1); err != nil {
		return pr, err
	}
	sort.Slice(pr.Points, func(a, b int) bool { return pr.Points[a].Value < pr.Points[b].Value })
	return pr, nil
}

func (opt ProfileOptions) withDefaults() ProfileOptions {
	if opt.Level <= 0 || opt.Level >= 1 {
		opt.Level = 0.95
	}
	if opt.MaxSteps <= 0 {
		opt.MaxSteps = 40
	}
	if opt.Local.MaxIter <= 0 {
		opt.Local.MaxIter = 100
	}
	return opt
}

// profileStep0 is a profile's first step: a fifth of the Wald half-width
// from the Fisher information at the optimum, within [1e-6, 0.2] of the
// range (2% of the range when the Fisher information is singular).
func (ev *Evaluator) profileStep0(ctx context.Context, uBest []float64, k int, span, thr float64) float64 {
	step0 := 0.02 * span
	if r, err := ev.Evaluate(ctx, uBest, true); err == nil {
		if v := fimVariance(r.FIM, len(uBest), k); v > 0 && !math.IsInf(v, 0) {
			step0 = math.Min(0.2*span, math.Max(1e-6*span, 0.2*math.Sqrt(2*thr*v)))
		}
	}
	return step0
}

// profileWalk is what both directions of one profile share.
type profileWalk struct {
	ev       *Evaluator
	k        int
	uBest    []float64
	fBest    float64
	lo, hi   []float64
	local    LocalOptions // parameter k fixed
	thr      float64      // the threshold above fBest
	span     float64      // the range of parameter k
	step0    float64
	maxSteps int
}

// side walks the profile from the optimum towards the bound in direction
// dir (−1 or 1), appending its points to pr (and setting pr.Better), and
// returns the interval's end on that side: where the objective crosses the
// threshold or, when it does not (open), the farthest point reached.
func (w *profileWalk) side(ctx context.Context, pr *Profile, dir float64) (end float64, open bool, err error) {
	k, thr, span := w.k, w.thr, w.span
	bound := w.lo[k]
	if dir > 0 {
		bound = w.hi[k]
	}
	u := append([]float64(nil), w.uBest...)
	prevX, prevF := w.uBest[k], w.fBest
	prev2X, prev2F := math.NaN(), math.NaN()
	step := w.step0
	last := w.uBest[k]
	for s := 0; s < w.maxSteps; s++ {
		if err := ctx.Err(); err != nil {
			return 0, false, err
		}
		if prevX == bound {
			break
		}
		x := stepTowards(prevX, dir, step, bound)
		u[k] = x
		r, err := w.ev.Minimize(ctx, u, w.lo, w.hi, w.local)
		if err != nil && ctx.Err() != nil {
			return 0, false, ctx.Err()
		}
		act, next := w.judge(r, err, prevF, step)
		step = next
		if act == endSide {
			break
		}
		if act == retryShorter {
			u[k] = prevX
			continue
		}
		copy(u, r.U)
		pr.Points = append(pr.Points, ProfilePoint{Value: x, F: r.F, U: append([]float64(nil), r.U...)})
		last = x
		if r.F < w.fBest-1e-3 {
			pr.Better = true
		}
		if d := r.F - w.fBest; d >= thr {
			return crossing(prev2X, prev2F, prevX, prevF, x, r.F, w.fBest+thr), false, nil
		}
		if x == bound {
			break
		}
		step = nextProfileStep(step, r.F-prevF, thr, span)
		prev2X, prev2F = prevX, prevF
		prevX, prevF = x, r.F
	}
	return last, true, nil
}

// stepTowards is x + dir·step, but not beyond bound.
func stepTowards(x, dir, step, bound float64) float64 {
	x += dir * step
	if (dir < 0 && x < bound) || (dir > 0 && x > bound) {
		return bound
	}
	return x
}

// profileAction is what a profile side does with a re-optimised point.
type profileAction int

const (
	keepPoint    profileAction = iota
	retryShorter               // retry from the previous point with a shorter step
	endSide                    // the failed step cannot be shortened further
)

// judge decides on the re-optimisation r (err: it failed) one step beyond
// the previous point (objective prevF) and returns the step to go on with:
// a failure halves it, a large step that overshot the threshold by more
// than half of it is quartered, down to 1e-6 of the range.
func (w *profileWalk) judge(r LocalResult, err error, prevF, step float64) (profileAction, float64) {
	if err != nil {
		if step < 1e-6*w.span {
			return endSide, step
		}
		return retryShorter, step / 2
	}
	if d := r.F - w.fBest; d >= w.thr && r.F-prevF > 0.5*w.thr && step > 1e-6*w.span {
		// overshot by a large step: come closer first
		return retryShorter, step / 4
	}
	return keepPoint, step
}

// nextProfileStep adapts the step after an objective rise inc so that the
// objective rises by about a tenth of the threshold per step: by a factor
// in [0.5, 2] (2 where it did not rise), at most a fifth of the range.
func nextProfileStep(step, inc, thr, span float64) float64 {
	factor := 2.0
	if inc > 1e-12 {
		factor = math.Min(2, math.Max(0.5, 0.1*thr/inc))
	}
	return math.Min(step*factor, 0.2*span)
}

// crossing returns where the profile reaches level between x1 (below) and
// x2 (above): the root of the parabola through the three points when x0
// is known and the root lies in [x1, x2], else linear interpolation.
func crossing(x0, f0, x1, f1, x2, f2, level float64) float64 {
	lin := x1 + (level-f1)/(f2-f1)*(x2-x1)
	if math.IsNaN(x0) {
		return lin
	}
	// Newton form: f = f0 + a(x − x0) + b(x − x0)(x − x1)
	a := (f1 - f0) / (x1 - x0)
	b := ((f2-f1)/(x2-x1) - a) / (x2 - x0)
	// b·x² + (a − b(x0 + x1))·x + (f0 − a·x0 + b·x0·x1 − level) = 0
	qa, qb, qc := b, a-b*(x0+x1), f0-a*x0+b*x0*x1-level
	if qa == 0 {
		return lin
	}
	disc := qb*qb - 4*qa*qc
	if disc < 0 {
		return lin
	}
	sq := math.Sqrt(disc)
	lo, hi := math.Min(x1, x2), math.Max(x1, x2)
	for _, r := range []float64{(-qb + sq) / (2 * qa), (-qb - sq) / (2 * qa)} {
		if r >= lo && r <= hi {
			return r
		}
	}
	return lin
}

// fimVariance is (F⁻¹)_kk for the n×n Fisher information F, or 0 when F
// is singular.
func fimVariance(fim []float64, n, k int) float64 {
	if len(fim) != n*n {
		return 0
	}
	a := append([]float64(nil), fim...)
	piv := make([]int, n)
	if rc, ok := luDecompose(a, piv, n); !ok || rc < 1e-14 {
		return 0
	}
	// solve F x = e_k
	x := make([]float64, n)
	x[k] = 1
	for i := 0; i < n; i++ {
		if p := piv[i]; p != i {
			x[i], x[p] = x[p], x[i]
		}
	}
	for i := 1; i < n; i++ {
		for j := 0; j < i; j++ {
			x[i] -= a[i*n+j] * x[j]
		}
	}
	for i := n - 1; i >= 0; i-- {
		for j := i + 1; j < n; j++ {
			x[i] -= a[i*n+j] * x[j]
		}
		x[i] /= a[i*n+i]
	}
	return x[k]
}

// ProfilesOptions configure Profiles.
type ProfilesOptions struct {
	Workers int // parallel workers (default GOMAXPROCS)
	Profile ProfileOptions
	// Progress, if set, is called after each profile completes (from the
	// worker goroutines, serialised).
	Progress func(Profile)
}

// Profiles computes the profile likelihood of every estimated parameter
// around the optimum (uBest, fBest), the parameters spread over the
// workers; each profile is deterministic on its own, so the result does
// not depend on the number of workers.
func (p *Problem) Profiles(ctx context.Context, uBest []float64, fBest float64, opt ProfilesOptions) ([]Profile, error) {
	evs, err := p.newEvaluators(opt.Workers)
	if err != nil {
		return nil, err
	}
	out := make([]Profile, len(p.Free))
	errs := make([]error, len(p.Free))
	var mu sync.Mutex
	err = forEach(ctx, evs, len(p.Free), func(ev *Evaluator, k int) {
		out[k], errs[k] = ev.ProfileLikelihood(ctx, k, uBest, fBest, opt.Profile)
		if opt.Progress != nil {
			mu.Lock()
			defer mu.Unlock()
			opt.Progress(out[k])
		}
	})
	if err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
