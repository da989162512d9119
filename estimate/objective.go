package estimate

import (
	"context"
	"errors"
	"math"

	"github.com/holobiont/holobiont/internal/fmath"
)

// Result is one evaluation of the objective.
type Result struct {
	// LLH is the log-likelihood of the measurements; LogPrior the sum of
	// the log prior densities of the estimated parameters (0 without
	// priors). The objective minimised by Calibrate is −(LLH + LogPrior).
	LLH, LogPrior float64
	// Chi2 is Σ r² over the measurements, with r the residual below.
	Chi2 float64
	// Per measurement: the simulated observable, the noise parameter σ and
	// the residual r = (T(m) − T(y))/σ on the observable's
	// transformation T.
	Sim, Sigma, Residual []float64
	// Grad is d(LLH + LogPrior)/du over the estimated parameters (on their
	// scales), when requested.
	Grad []float64
	// FIM is the Fisher information matrix of the likelihood (plus the
	// curvature of log-concave priors), row-major, when requested: the
	// Gauss–Newton approximation of −∇²(LLH + LogPrior).
	FIM []float64
	// PriorTerms holds each parameter's log prior (Spec.Params order; 0
	// for parameters without a prior).
	PriorTerms []float64
}

// ErrNoGradient is returned by Evaluate when a gradient is requested and
// finite differences are not allowed for a problem without analytic
// sensitivities.
var ErrNoGradient = errors.New("estimate: no analytic gradient for this problem")

// Evaluate simulates at u (Free order, on the parameters' scales) and
// returns the log-likelihood, χ², residuals and, with grad, the gradient
// and Fisher information (forward sensitivities when the problem allows,
// central finite differences of the simulations otherwise).
func (ev *Evaluator) Evaluate(ctx context.Context, u []float64, grad bool) (*Result, error) {
	p := ev.p
	analytic := grad && p.CanGradient()
	if err := ev.simulate(ctx, u, analytic); err != nil {
		return nil, err
	}
	nm, nf := len(p.Spec.Measurements), len(p.Free)
	res := &Result{Sim: append([]float64(nil), ev.sim...), Sigma: append([]float64(nil), ev.sigma...), Residual: make([]float64, nm)}
	if grad && !analytic {
		if err := ev.fdSens(ctx, u, res); err != nil {
			return nil, err
		}
	}
	if grad {
		res.Grad = make([]float64, nf)
		res.FIM = make([]float64, nf*nf)
	}
	dty := make([]float64, nf)
	for mi := range p.Spec.Measurements {
		m := &p.Spec.Measurements[mi]
		if m.Time > ev.horizon {
			res.Sim[mi], res.Sigma[mi] = math.NaN(), math.NaN()
			continue
		}
		o := &p.Spec.Observables[m.Obs]
		y, sg := res.Sim[mi], res.Sigma[mi]
		ty, tm, dt := transform(o.Transform, y), transform(o.Transform, m.Value), transformDeriv(o.Transform, y)
		r := (tm - ty) / sg
		res.Residual[mi] = r
		res.Chi2 += r * r
		nll := math.Log(sg) + jacobianTerm(o.Transform, m.Value)
		if o.Dist == Laplace {
			nll += math.Log(2) + math.Abs(r)
		} else {
			nll += 0.5*math.Log(2*math.Pi) + 0.5*r*r
		}
		if math.IsNaN(nll) || sg <= 0 {
			nll = math.Inf(1)
		}
		res.LLH -= nll
		if !grad {
			continue
		}
		ds := ev.dsim[mi*nf : mi*nf+nf]
		dsg := ev.dsigma[mi*nf : mi*nf+nf]
		for k := range dty {
			dty[k] = dt * ds[k]
		}
		// d nll/du = dσ/σ + ψ(r)·dr, dr = −dty/σ − r·dσ/σ
		psi := r
		if o.Dist == Laplace {
			psi = fmath.Sign(r)
		}
		fs := 2.0 // Fisher information of log σ: 2 (normal), 1 (Laplace)
		if o.Dist == Laplace {
			fs = 1
		}
		for k := 0; k < nf; k++ {
			dr := -dty[k]/sg - r*dsg[k]/sg
			res.Grad[k] -= dsg[k]/sg + psi*dr
		}
		inv := 1 / (sg * sg)
		for a := 0; a < nf; a++ {
			if dty[a] == 0 && dsg[a] == 0 {
				continue
			}
			row := res.FIM[a*nf : a*nf+nf]
			for b := 0; b < nf; b++ {
				row[b] += inv * (dty[a]*dty[b] + fs*dsg[a]*dsg[b])
			}
		}
	}
	if err := ev.addPriors(u, res); err != nil {
		return nil, err
	}
	return res, nil
}

func transform(s Scale, v float64) float64 {
	switch s {
	case Log:
		return math.Log(v)
	case Log10:
		return math.Log10(v)
	}
	return v
}

func transformDeriv(s Scale, v float64) float64 {
	switch s {
	case Log:
		return 1 / v
	case Log10:
		return 1 / (v * math.Ln10)
	}
	return 1
}

// jacobianTerm is the log of the measurement-space Jacobian of a
// transformed noise model: log m (log), log(m ln 10) (log10).
func jacobianTerm(s Scale, m float64) float64 {
	switch s {
	case Log:
		return math.Log(m)
	case Log10:
		return math.Log(m * math.Ln10)
	}
	return 0
}

// addPriors adds the log priors of the estimated parameters (PEtab v2: a
// uniform prior over the bounds for those without one, when any
// parameter has a prior).
func (ev *Evaluator) addPriors(u []float64, res *Result) error {
	p := ev.p
	any := false
	for _, pr := range p.Spec.Params {
		if pr.Estimate && pr.Prior != nil {
			any = true
		}
	}
	if !any {
		return nil
	}
	res.PriorTerms = make([]float64, len(p.Spec.Params))
	nf := len(p.Free)
	for k, j := range p.Free {
		pr := &p.Spec.Params[j]
		x := pr.Scale.From(u[k])
		var lp, d1, d2 float64
		if pr.Prior == nil {
			if p.Spec.Version < 2 {
				continue
			}
			lp = -math.Log(pr.Upper - pr.Lower)
			if x < pr.Lower || x > pr.Upper {
				lp = math.Inf(-1)
			}
		} else {
			var err error
			if lp, d1, d2, err = priorTerm(pr, x, u[k]); err != nil {
				return err
			}
		}
		res.PriorTerms[j] = lp
		res.LogPrior += lp
		if res.Grad != nil {
			res.Grad[k] += d1
			if d2 < 0 {
				res.FIM[k*nf+k] -= d2
			}
		}
	}
	return nil
}

// fdSens fills the measurement derivatives by central differences of the
// simulations (problems without analytic sensitivities).
func (ev *Evaluator) fdSens(ctx context.Context, u []float64, res *Result) error {
	p := ev.p
	nm, nf := len(p.Spec.Measurements), len(p.Free)
	ev.dsim = make([]float64, nm*nf)
	ev.dsigma = make([]float64, nm*nf)
	up := append([]float64(nil), u...)
	for k := range u {
		h := 1e-5 * math.Max(1, math.Abs(u[k]))
		up[k] = u[k] + h
		if err := ev.simulate(ctx, up, false); err != nil {
			return err
		}
		sp, gp := append([]float64(nil), ev.sim...), append([]float64(nil), ev.sigma...)
		up[k] = u[k] - h
		if err := ev.simulate(ctx, up, false); err != nil {
			return err
		}
		up[k] = u[k]
		for mi := 0; mi < nm; mi++ {
			ev.dsim[mi*nf+k] = (sp[mi] - ev.sim[mi]) / (2 * h)
			ev.dsigma[mi*nf+k] = (gp[mi] - ev.sigma[mi]) / (2 * h)
		}
	}
	// restore the simulations at u
	copy(ev.sim, res.Sim)
	copy(ev.sigma, res.Sigma)
	return nil
}
