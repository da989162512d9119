package estimate

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/holobiont/holobiont/internal/fmath"
)

// priorTerm evaluates a prior at the linear value x of parameter p (with
// estimation-scale value u): the log density and its first and second
// derivatives with respect to u. Priors over the linear value (PEtab's
// uniform, normal, laplace, log-normal, ...) are densities of x; v1's
// parameterScale* priors are densities of u. With Truncate (PEtab v2) the
// density is divided by its mass between the bounds.
func priorTerm(p *Param, x, u float64) (lp, d1, d2 float64, err error) {
	pr := p.Prior
	v := x
	lo, hi := p.Lower, p.Upper
	if pr.OnScale {
		v = u
		lo, hi = p.Scale.To(p.Lower), p.Scale.To(p.Upper)
	}
	lp, g, h, err := logDensity(pr.Kind, pr.Params, v)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("parameter %s: %w", p.ID, err)
	}
	if pr.Truncate {
		mass, err := priorMass(pr.Kind, pr.Params, lo, hi)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("parameter %s: %w", p.ID, err)
		}
		if mass <= 0 {
			return 0, 0, 0, fmt.Errorf("parameter %s: prior %s has no mass within the bounds [%v, %v]", p.ID, pr.Kind, p.Lower, p.Upper)
		}
		lp -= math.Log(mass)
	}
	if pr.OnScale {
		return lp, g, h, nil
	}
	// chain rule to the estimation scale: x = x(u)
	dx := p.Scale.deriv(x)
	var d2x float64
	switch p.Scale {
	case Log:
		d2x = x
	case Log10:
		d2x = x * math.Ln10 * math.Ln10
	}
	return lp, g * dx, h*dx*dx + g*d2x, nil
}

// logDensity returns log π(v) and its first two derivatives for the PEtab
// prior kinds.
func logDensity(kind string, a []float64, v float64) (lp, d1, d2 float64, err error) {
	switch kind {
	case "uniform":
		if v < a[0] || v > a[1] {
			return math.Inf(-1), 0, 0, nil
		}
		return -math.Log(a[1] - a[0]), 0, 0, nil
	case "normal":
		mu, s := a[0], a[1]
		z := (v - mu) / s
		return -0.5*math.Log(2*math.Pi*s*s) - 0.5*z*z, -z / s, -1 / (s * s), nil
	case "laplace":
		mu, b := a[0], a[1]
		sg := fmath.Sign(v - mu)
		return -math.Log(2*b) - math.Abs(v-mu)/b, -sg / b, 0, nil
	case "log-normal":
		if v <= 0 {
			return math.Inf(-1), 0, 0, nil
		}
		mu, s := a[0], a[1]
		l := math.Log(v)
		z := (l - mu) / s
		lp = -0.5*math.Log(2*math.Pi*s*s) - l - 0.5*z*z
		d1 = (-1 - z/s) / v
		d2 = (1 + z/s - 1/(s*s)) / (v * v)
		return lp, d1, d2, nil
	case "log-laplace":
		if v <= 0 {
			return math.Inf(-1), 0, 0, nil
		}
		mu, b := a[0], a[1]
		l := math.Log(v)
		sg := fmath.Sign(l - mu)
		lp = -math.Log(2*b) - l - math.Abs(l-mu)/b
		d1 = (-1 - sg/b) / v
		d2 = (1 + sg/b) / (v * v)
		return lp, d1, d2, nil
	case "log-uniform":
		if v < a[0] || v > a[1] {
			return math.Inf(-1), 0, 0, nil
		}
		return -math.Log(v) - math.Log(math.Log(a[1])-math.Log(a[0])), -1 / v, 1 / (v * v), nil
	case "cauchy":
		mu, s := a[0], a[1]
		z := (v - mu) / s
		lp = -math.Log(math.Pi*s) - math.Log1p(z*z)
		d1 = -2 * z / (s * (1 + z*z))
		d2 = -2 * (1 - z*z) / (s * s * (1 + z*z) * (1 + z*z))
		return lp, d1, d2, nil
	case "chisquare":
		if v <= 0 {
			return math.Inf(-1), 0, 0, nil
		}
		k := a[0]
		lg, _ := math.Lgamma(k / 2)
		lp = (k/2-1)*math.Log(v) - v/2 - k/2*math.Ln2 - lg
		return lp, (k/2-1)/v - 0.5, -(k/2 - 1) / (v * v), nil
	case "exponential":
		if v < 0 {
			return math.Inf(-1), 0, 0, nil
		}
		th := a[0]
		return -math.Log(th) - v/th, -1 / th, 0, nil
	case "gamma":
		if v <= 0 {
			return math.Inf(-1), 0, 0, nil
		}
		al, th := a[0], a[1]
		lg, _ := math.Lgamma(al)
		lp = (al-1)*math.Log(v) - v/th - lg - al*math.Log(th)
		return lp, (al-1)/v - 1/th, -(al - 1) / (v * v), nil
	case "rayleigh":
		if v < 0 {
			return math.Inf(-1), 0, 0, nil
		}
		s := a[0]
		lp = math.Log(v) - 2*math.Log(s) - v*v/(2*s*s)
		return lp, 1/v - v/(s*s), -1/(v*v) - 1/(s*s), nil
	}
	return 0, 0, 0, fmt.Errorf("unknown prior %q", kind)
}

// priorMass is CDF(hi) − CDF(lo) of the prior.
func priorMass(kind string, a []float64, lo, hi float64) (float64, error) {
	cdf, err := priorCDF(kind, a)
	if err != nil {
		return 0, err
	}
	return cdf(hi) - cdf(lo), nil
}

func priorCDF(kind string, a []float64) (func(float64) float64, error) {
	clamp := func(f func(float64) float64, lo float64) func(float64) float64 {
		return func(x float64) float64 {
			if x <= lo {
				return 0
			}
			if math.IsInf(x, 1) {
				return 1
			}
			return f(x)
		}
	}
	switch kind {
	case "uniform":
		d := distuv.Uniform{Min: a[0], Max: a[1]}
		return func(x float64) float64 { return math.Max(0, math.Min(1, d.CDF(x))) }, nil
	case "normal":
		return distuv.Normal{Mu: a[0], Sigma: a[1]}.CDF, nil
	case "laplace":
		return distuv.Laplace{Mu: a[0], Scale: a[1]}.CDF, nil
	case "log-normal":
		d := distuv.LogNormal{Mu: a[0], Sigma: a[1]}
		return clamp(d.CDF, 0), nil
	case "log-laplace":
		d := distuv.Laplace{Mu: a[0], Scale: a[1]}
		return clamp(func(x float64) float64 { return d.CDF(math.Log(x)) }, 0), nil
	case "log-uniform":
		la, lb := math.Log(a[0]), math.Log(a[1])
		return func(x float64) float64 {
			switch {
			case x <= a[0]:
				return 0
			case x >= a[1]:
				return 1
			}
			return (math.Log(x) - la) / (lb - la)
		}, nil
	case "cauchy":
		return func(x float64) float64 { return 0.5 + math.Atan((x-a[0])/a[1])/math.Pi }, nil
	case "chisquare":
		d := distuv.ChiSquared{K: a[0]}
		return clamp(d.CDF, 0), nil
	case "exponential":
		return clamp(func(x float64) float64 { return 1 - math.Exp(-x/a[0]) }, 0), nil
	case "gamma":
		d := distuv.Gamma{Alpha: a[0], Beta: 1 / a[1]}
		return clamp(d.CDF, 0), nil
	case "rayleigh":
		return clamp(func(x float64) float64 { return 1 - math.Exp(-x*x/(2*a[0]*a[0])) }, 0), nil
	}
	return nil, fmt.Errorf("unknown prior %q", kind)
}
