package cohort

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/ode"
)

// This file exports the pieces of a cohort spec that other studies
// (sensitivity analyses, virtual populations) reuse: the distribution
// language, quantity names, model references and solver settings.

// Validate checks a numeric distribution (one a parameter may have) and
// resolves it; call it once before Quantile, CDF or PDF.
func (d *Dist) Validate() error { return d.check(true) }

// Support returns the smallest and largest values a draw can take (after
// truncation).
func (d *Dist) Support() (lo, hi float64) { return support(d) }

// CDF returns P(X <= x) of a continuous distribution (normal, lognormal,
// gamma, truncated-normal, uniform, loguniform), truncation included. It returns
// an error for categorical and fixed distributions.
func (d *Dist) CDF(x float64) (float64, error) {
	switch d.Dist {
	case "uniform":
		return math.Min(math.Max((x-d.lo)/(d.hi-d.lo), 0), 1), nil
	case "loguniform":
		if x <= d.lo {
			return 0, nil
		}
		return math.Min((math.Log(x)-math.Log(d.lo))/(math.Log(d.hi)-math.Log(d.lo)), 1), nil
	case "normal", "truncated-normal", "lognormal", "gamma":
		if x < d.lo {
			return 0, nil
		}
		if x >= d.hi {
			return 1, nil
		}
		a, b := d.cdf(d.lo), d.cdf(d.hi)
		if d.sd == 0 {
			if x >= d.center() {
				return 1, nil
			}
			return 0, nil
		}
		return (d.cdf(x) - a) / (b - a), nil
	}
	return 0, fmt.Errorf("%s distribution has no density", d.Dist)
}

// PDF returns the density at x of a continuous distribution with sd > 0
// (see CDF), truncation included.
func (d *Dist) PDF(x float64) (float64, error) {
	if x < d.lo || x > d.hi {
		return 0, nil
	}
	switch d.Dist {
	case "uniform":
		return 1 / (d.hi - d.lo), nil
	case "loguniform":
		return 1 / (x * (math.Log(d.hi) - math.Log(d.lo))), nil
	case "normal", "truncated-normal", "lognormal", "gamma":
		if d.sd == 0 {
			return 0, fmt.Errorf("%s distribution with zero spread has no density", d.Dist)
		}
		mass := d.cdf(d.hi) - d.cdf(d.lo)
		if d.Dist == "gamma" {
			return d.gamma().Prob(x) / mass, nil
		}
		if d.Dist == "lognormal" {
			if x <= 0 {
				return 0, nil
			}
			return distuv.UnitNormal.Prob((math.Log(x)-d.mu)/d.sd) / (d.sd * x) / mass, nil
		}
		return distuv.UnitNormal.Prob((x-d.mu)/d.sd) / d.sd / mass, nil
	}
	return 0, fmt.Errorf("%s distribution has no density", d.Dist)
}

func (d *Dist) center() float64 {
	if d.Dist == "lognormal" {
		return math.Exp(d.mu)
	}
	return d.mu
}

// Spread reports whether draws can differ (false for fixed values,
// zero-width ranges and zero standard deviations).
func (d *Dist) Spread() bool {
	switch d.Dist {
	case "fixed":
		return false
	case "categorical":
		return len(d.Values) > 1
	case "uniform", "loguniform":
		return d.hi > d.lo
	}
	return d.sd > 0 && d.hi > d.lo
}

// ReadRef reads a model or scenario named in a spec: "shipped:NAME" is a
// shipped file; other names are paths relative to the spec file's
// directory. It returns the name to report and the bytes.
func ReadRef(specFile, ref string) (string, []byte, error) { return readRef(specFile, ref) }

// ODEOptions returns the solver settings as ode options.
func (sv Solver) ODEOptions() (ode.Options, error) { return sv.odeOptions() }

// Settings returns the solver settings with defaults filled in, as a
// manifest records them.
func (sv Solver) Settings() SolverSettings { return sv.settings() }

// Quantities returns a resolver of quantity texts — a variable of sys,
// rel(SITE.MEMBER) (relative abundance at a site) or shannon(SITE) — for
// model m compiled with variable names names (system.VariableNames). The
// quantities evaluate rows of values in that order.
func Quantities(m *model.Model, names []string) func(text string) (Quantity, error) {
	p := &Plan{varIndex: map[string]int{}}
	for i, n := range names {
		p.varIndex[n] = i
	}
	p.Sites = communitySites(m, p.varIndex)
	return p.quantity
}
