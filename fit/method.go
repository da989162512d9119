package fit

import (
	"fmt"
	"math"
	"strings"
)

// Method is an inference method.
type Method string

// The methods. The gLV methods model d log x_i/dt = g_i + Σ_j a_ij x_j +
// Σ_k b_ik u_k; glv-ridge and glv-elasticnet on absolute abundances,
// glv-relative on relative abundances. clv is the compositional
// Lotka–Volterra model of Joseph et al. 2020: in additive log-ratio
// coordinates z_i = log(p_i/p_D), dz_i/dt = g_i + Σ_j a_ij p_j + Σ_k b_ik
// u_k. alr-linear is the linear model in the same coordinates: dz_i/dt =
// g_i + Σ_j a_ij z_j + Σ_k b_ik u_k.
const (
	GLVRidge      Method = "glv-ridge"
	GLVElasticNet Method = "glv-elasticnet"
	GLVRelative   Method = "glv-relative"
	CLV           Method = "clv"
	ALRLinear     Method = "alr-linear"
)

// Methods lists the methods in the order the CLI documents them.
func Methods() []Method { return []Method{GLVRidge, GLVElasticNet, GLVRelative, CLV, ALRLinear} }

// ParseMethod returns the method named s.
func ParseMethod(s string) (Method, error) {
	for _, m := range Methods() {
		if string(m) == s {
			return m, nil
		}
	}
	names := make([]string, 0, 5)
	for _, m := range Methods() {
		names = append(names, string(m))
	}
	return "", fmt.Errorf("unknown method %q (want %s)", s, strings.Join(names, ", "))
}

// Absolute reports whether the method needs absolute abundances.
func (m Method) Absolute() bool { return m == GLVRidge || m == GLVElasticNet }

// ratio reports whether the method works in additive log-ratio coordinates.
func (m Method) ratio() bool { return m == CLV || m == ALRLinear }

// ElasticNet reports whether the method has an L1 penalty.
func (m Method) ElasticNet() bool { return m == GLVElasticNet }

// transform maps abundances to the method's coordinates. It is fixed per
// training set: the pseudo-count, the abundance scale and (for ratio
// methods) the denominator taxon.
type transform struct {
	method Method
	d      int     // number of taxa
	denom  int     // denominator taxon of ratio methods, -1 otherwise
	scale  float64 // absolute abundance unit (x/scale is fitted); 1 for relative methods
	pseudo float64 // pseudo-count added to relative abundances
	// trapezoid averages the regressors over the interval's ends (else
	// the interval's start, forward Euler); each interval's squared
	// residual is weighted by Δt^dtPow.
	trapezoid bool
	dtPow     float64
	en        bool // elastic net (L1 ratio searched)
}

// dims returns the number of modelled coordinates (rows of the parameter
// matrices) and of regressors feeding the interaction block.
func (tr *transform) dims() (rows, regs int) {
	switch tr.method {
	case CLV:
		return tr.d - 1, tr.d
	case ALRLinear:
		return tr.d - 1, tr.d - 1
	}
	return tr.d, tr.d
}

// state writes the method's coordinates of one sample (abundance row x, in
// data units) into z. Zeros are handled as in the cLV study: relative
// abundances get the pseudo-count and are renormalised (gLV methods only
// for samples that contain a zero, keeping the sample's total).
func (tr *transform) state(x []float64, z []float64, tmp []float64) {
	tot := 0.0
	zero := false
	for _, v := range x {
		tot += v
		if v <= 0 {
			zero = true
		}
	}
	p := tmp[:tr.d]
	if tot <= 0 {
		for i := range p {
			p[i] = 1 / float64(tr.d)
		}
		tot = 1
	} else {
		for i, v := range x {
			p[i] = v / tot
		}
	}
	if tr.ratio() || zero {
		s := 0.0
		for i := range p {
			p[i] += tr.pseudo
			s += p[i]
		}
		for i := range p {
			p[i] /= s
		}
	}
	switch tr.method {
	case GLVRidge, GLVElasticNet:
		m := tot / tr.scale
		for i := range p {
			z[i] = math.Log(p[i] * m)
		}
	case GLVRelative:
		for i := range p {
			z[i] = math.Log(p[i])
		}
	default:
		ld := math.Log(p[tr.denom])
		k := 0
		for i := range p {
			if i != tr.denom {
				z[k] = math.Log(p[i]) - ld
				k++
			}
		}
	}
}

func (tr *transform) ratio() bool { return tr.method.ratio() }

// regressors writes the interaction regressors φ(z) into phi: the
// abundances exp(z) for gLV, the relative abundances for cLV, z itself for
// alr-linear.
func (tr *transform) regressors(z, phi []float64) {
	switch tr.method {
	case ALRLinear:
		copy(phi, z)
	case CLV:
		tr.relative(z, phi)
	default:
		for i, v := range z {
			phi[i] = math.Exp(v)
		}
	}
}

// relative writes the relative abundances implied by coordinates z into p
// (len d).
func (tr *transform) relative(z, p []float64) {
	if !tr.ratio() {
		mx := math.Inf(-1)
		for _, v := range z {
			mx = math.Max(mx, v)
		}
		s := 0.0
		for i, v := range z {
			p[i] = math.Exp(v - mx)
			s += p[i]
		}
		for i := range p {
			p[i] /= s
		}
		return
	}
	mx := 0.0 // the denominator's coordinate
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	s := 0.0
	k := 0
	for i := range p {
		if i == tr.denom {
			p[i] = math.Exp(-mx)
		} else {
			p[i] = math.Exp(z[k] - mx)
			k++
		}
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
}

// absolute writes the absolute abundances (data units) implied by z into
// x; only for methods on absolute abundances.
func (tr *transform) absolute(z, x []float64) {
	for i, v := range z {
		x[i] = math.Exp(v) * tr.scale
	}
}
