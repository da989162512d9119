package estimate

import (
	"context"
	"errors"
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
	return o
}

// LocalResult is the outcome of one local optimisation.
type LocalResult struct {
	U      []float64 // final parameters on their scales
	F      float64   // final objective −(llh + log prior)
	LLH    float64
	Iter   int // iterations
	Evals  int // objective evaluations (value and gradient counted once each)
	Grads  int // of which with gradient
	Status string
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
// (parameters on their scales) by a trust-region Newton method with the
// Fisher information matrix as Hessian (Levenberg–Marquardt for least
// squares): the subproblem min gᵀs + ½sᵀHs, ‖s‖ ≤ Δ is solved exactly in
// the eigenbasis of H over the free parameters (those not at a bound with
// the gradient pointing out), the step is projected onto the bounds, and
// the ratio of actual to predicted reduction updates Δ.
func (ev *Evaluator) Minimize(ctx context.Context, u0, lo, hi []float64, opt LocalOptions) (LocalResult, error) {
	opt = opt.withDefaults()
	n := len(u0)
	res := LocalResult{U: clipTo(append([]float64(nil), u0...), lo, hi)}
	u := res.U
	f, g, h, llh, err := ev.objective(ctx, u, true)
	res.Evals, res.Grads = 1, 1
	res.F, res.LLH = f, llh
	if err != nil || math.IsInf(f, 0) {
		res.Status = "start point failed"
		if err == nil {
			err = errors.New("objective not finite at the start point")
		}
		return res, err
	}
	dsc := make([]float64, n)
	for i := range dsc {
		dsc[i] = math.Max(math.Sqrt(math.Max(h[i*n+i], 0)), 1e-8)
	}
	delta := opt.Radius * normD(u, dsc)
	if delta == 0 {
		delta = opt.Radius
	}
	small := 0
	trial := make([]float64, n)
	s := make([]float64, n)
	for res.Iter = 0; res.Iter < opt.MaxIter; res.Iter++ {
		if err := ctx.Err(); err != nil {
			res.Status = "cancelled"
			return res, err
		}
		free := make([]bool, n)
		pg := 0.0
		for i := range u {
			free[i] = opt.Fixed == nil || !opt.Fixed[i]
			span := 1e-12 * math.Max(1, hi[i]-lo[i])
			if (u[i] <= lo[i]+span && g[i] > 0) || (u[i] >= hi[i]-span && g[i] < 0) {
				free[i] = false
			}
			if free[i] {
				pg = math.Max(pg, math.Abs(g[i]))
			}
		}
		if pg < opt.GTol {
			res.Status, res.Converged = "gradient below tolerance", true
			break
		}
		// step on the free parameters; a parameter the step would push
		// through its bound is clamped there and the step recomputed for
		// the others (at most n times)
		// scaling (Moré 1978): D_i = max over iterations of sqrt(H_ii);
		// the region is ‖D s‖ ≤ Δ
		for i := range dsc {
			dsc[i] = math.Max(dsc[i], math.Sqrt(math.Max(h[i*n+i], 0)))
		}
		copy(trial, u)
		for pass := 0; pass < n; pass++ {
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
		sn := 0.0
		for i := range s {
			s[i] = trial[i] - u[i]
		}
		pred := 0.0
		for i := range s {
			pred -= g[i] * s[i]
			hs := 0.0
			for j := range s {
				hs += h[i*n+j] * s[j]
			}
			pred -= 0.5 * s[i] * hs
		}
		sn = scaledDist(trial, u, dsc)
		// trial points are evaluated with the gradient: the objective then
		// always comes from the same (sensitivity) integration, whose step
		// sequence differs from a value-only run's, and an accepted point
		// needs no second simulation
		ft, gn, hn, llhn, err := ev.objective(ctx, trial, true)
		res.Evals++
		res.Grads++
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			res.Status = "cancelled"
			return res, err
		}
		rho := -1.0
		if err == nil && !math.IsInf(ft, 0) && pred > 0 {
			rho = (f - ft) / pred
		}
		if rho > 1e-4 {
			df := f - ft
			copy(u, trial)
			f, g, h, llh = ft, gn, hn, llhn
			res.F, res.LLH = f, llh
			if df < opt.FTol {
				small++
			} else {
				small = 0
			}
			if small >= 2 {
				res.Status, res.Converged = "objective change below tolerance", true
				res.Iter++
				break
			}
		}
		switch {
		case rho < 0.25:
			delta = 0.25 * sn
		case rho > 0.75 && sn > 0.9*delta:
			delta = 2 * delta
		}
		if delta < 1e-10*normD(u, dsc) {
			res.Status = "trust region below 1e-10"
			break
		}
	}
	if res.Status == "" {
		res.Status = "iteration limit"
	}
	return res, nil
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
	m := len(idx)
	if m == 0 {
		return p
	}
	hs := mat.NewSymDense(m, nil)
	for a, i := range idx {
		for b, j := range idx {
			if b >= a {
				hs.SetSym(a, b, 0.5*(h[i*n+j]+h[j*n+i]))
			}
		}
	}
	var es mat.EigenSym
	if !es.Factorize(hs, true) {
		// fall back to a steepest-descent step of length delta
		gn := 0.0
		for _, i := range idx {
			gn += g[i] * g[i]
		}
		gn = math.Sqrt(gn)
		for _, i := range idx {
			p[i] = -delta * g[i] / gn
		}
		return p
	}
	lam := es.Values(nil)
	var q mat.Dense
	es.VectorsTo(&q)
	// gradient in the eigenbasis
	gq := make([]float64, m)
	for k := 0; k < m; k++ {
		s := 0.0
		for a, i := range idx {
			s += q.At(a, k) * g[i]
		}
		gq[k] = s
	}
	lmax := 0.0
	for _, l := range lam {
		lmax = math.Max(lmax, math.Abs(l))
	}
	floor := 1e-12 * math.Max(lmax, 1e-300)
	norm := func(mu float64) float64 {
		s := 0.0
		for k, l := range lam {
			d := math.Max(l, 0) + mu
			if d <= floor {
				d = floor
			}
			v := gq[k] / d
			s += v * v
		}
		return math.Sqrt(s)
	}
	mu := 0.0
	if norm(0) > delta {
		// find mu > 0 with norm(mu) = delta (norm decreases in mu)
		lo, hi := 0.0, 1.0
		for norm(hi) > delta {
			hi *= 4
			if hi > 1e300 {
				break
			}
		}
		for it := 0; it < 100; it++ {
			mid := 0.5 * (lo + hi)
			if norm(mid) > delta {
				lo = mid
			} else {
				hi = mid
			}
			if hi-lo <= 1e-12*hi {
				break
			}
		}
		mu = hi
	}
	for k, l := range lam {
		d := math.Max(l, 0) + mu
		if d <= floor {
			d = floor
		}
		c := -gq[k] / d
		for a, i := range idx {
			p[i] += q.At(a, k) * c
		}
	}
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
