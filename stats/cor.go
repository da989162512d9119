package stats

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// CorTest is the result of a correlation test.
type CorTest struct {
	Method      CorMethod
	Alternative Alternative
	N           int
	Estimate    float64 // r or rho
	Statistic   float64 // t for Pearson, S for Spearman (R's names)
	PValue      float64
	// Exact reports whether the Spearman p-value comes from the exact null
	// distribution (R: n < 1290 without ties; enumeration for n <= 9, the
	// AS 89 Edgeworth series above).
	Exact bool
	// CILow, CIHigh: confidence interval from Fisher's z = atanh(r) with
	// standard error 1/sqrt(n−3) (R's cor.test for Pearson; used here for
	// Spearman's rho as well, where R reports none). NaN when n < 4.
	CILow, CIHigh float64
}

// ErrConstant is returned when a correlation involves a constant vector.
var ErrConstant = errors.New("stats: correlation undefined: a variable is constant")

// CorrelationTest tests the association between x and y as R's cor.test
// does. Pearson: t = r sqrt(n−2)/sqrt(1−r²) on n−2 df. Spearman: rho is
// Pearson's r of the ranks (ties averaged), S = (n³−n)(1−rho)/6, and the
// p-value is exact (enumeration for n <= 9, AS 89 Edgeworth series for
// 10 <= n < 1290) when there are no ties, otherwise from t on n−2 df.
// conf is the confidence level of the interval (0.95 when 0).
func CorrelationTest(x, y []float64, method CorMethod, alt Alternative, conf float64) (*CorTest, error) {
	n := len(x)
	if len(y) != n {
		return nil, fmt.Errorf("stats: correlation: %d and %d values", n, len(y))
	}
	if n < 3 {
		return nil, fmt.Errorf("stats: correlation needs at least 3 pairs, got %d", n)
	}
	if conf == 0 {
		conf = 0.95
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) || math.IsInf(x[i], 0) || math.IsInf(y[i], 0) {
			return nil, fmt.Errorf("stats: correlation: non-finite value at position %d", i)
		}
	}
	res := &CorTest{Method: method, Alternative: alt, N: n, CILow: math.NaN(), CIHigh: math.NaN()}
	df := float64(n - 2)
	switch method {
	case Pearson:
		r, err := pearson(x, y)
		if err != nil {
			return nil, err
		}
		res.Estimate = r
		t := math.Sqrt(df) * r / math.Sqrt(1-r*r)
		res.Statistic = t
		res.PValue = tPValue(t, df, alt)
	case Spearman:
		rx := make([]float64, n)
		ry := make([]float64, n)
		Rank(rx, x)
		Rank(ry, y)
		r, err := pearson(rx, ry)
		if err != nil {
			return nil, err
		}
		res.Estimate = r
		nf := float64(n)
		q := (nf*nf*nf - nf) * (1 - r) / 6
		res.Statistic = q
		ties := hasTies(x) || hasTies(y)
		if n < 1290 && !ties {
			res.Exact = true
			pspear := func(q float64, lower bool) float64 {
				lt := 0.0
				if lower {
					lt = 1
				}
				return prho(n, math.Round(q)+2*lt, lower)
			}
			switch alt {
			case TwoSided:
				var p float64
				if q > (nf*nf*nf-nf)/6 {
					p = pspear(q, false)
				} else {
					p = pspear(q, true)
				}
				res.PValue = math.Min(2*p, 1)
			case Greater:
				res.PValue = pspear(q, true)
			case Less:
				res.PValue = pspear(q, false)
			}
		} else {
			t := r / math.Sqrt((1-r*r)/df)
			res.PValue = tPValue(t, df, alt)
		}
	default:
		return nil, fmt.Errorf("stats: unknown correlation method %d", method)
	}
	if n > 3 {
		z := math.Atanh(res.Estimate)
		se := 1 / math.Sqrt(float64(n-3))
		switch alt {
		case TwoSided:
			c := distuv.UnitNormal.Quantile((1+conf)/2) * se
			res.CILow, res.CIHigh = math.Tanh(z-c), math.Tanh(z+c)
		case Greater:
			res.CILow, res.CIHigh = math.Tanh(z-distuv.UnitNormal.Quantile(conf)*se), 1
		case Less:
			res.CILow, res.CIHigh = -1, math.Tanh(z+distuv.UnitNormal.Quantile(conf)*se)
		}
	}
	return res, nil
}

func pearson(x, y []float64) (float64, error) {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN(), ErrConstant
	}
	r := sxy / math.Sqrt(sxx*syy)
	if math.IsNaN(r) || math.IsInf(sxx, 0) || math.IsInf(syy, 0) {
		return math.NaN(), errors.New("stats: correlation: values too large (sums of squares overflow)")
	}
	return clamp1(r), nil
}

// tPValue returns the p-value of t on df degrees of freedom.
func tPValue(t, df float64, alt Alternative) float64 {
	switch alt {
	case Greater:
		return tUpper(t, df)
	case Less:
		return tUpper(-t, df)
	}
	return math.Min(1, 2*tUpper(math.Abs(t), df))
}

// tUpper returns P(T > t) for Student's t with df degrees of freedom,
// accurate in the far tail.
func tUpper(t, df float64) float64 {
	if math.IsInf(t, 1) {
		return 0
	}
	if math.IsInf(t, -1) {
		return 1
	}
	x := df / (df + t*t)
	tail := 0.5 * mathext.RegIncBeta(df/2, 0.5, x)
	if t > 0 {
		return tail
	}
	return 1 - tail
}

// prho is R's prho (AS 89 as modified in R's stats/src/prho.c): for
// lower=false, P(S >= is); for lower=true, P(S < is), where S is the
// Spearman statistic sum of squared rank differences.
func prho(n int, is float64, lower bool) float64 {
	pv := 1.0
	if lower {
		pv = 0
	}
	if n <= 1 || is <= 0 {
		return pv
	}
	nf := float64(n)
	n3 := nf * (nf*nf - 1) / 3
	if is > n3 {
		return 1 - pv
	}
	const nSmall = 9
	if n <= nSmall {
		// Exact: enumerate all n! permutations.
		l := make([]int, n)
		nfac := 1
		for i := 1; i <= n; i++ {
			nfac *= i
			l[i-1] = i
		}
		ifr := 0
		if is == n3 {
			ifr = 1
		} else {
			for m := 0; m < nfac; m++ {
				ise := 0
				for i := 0; i < n; i++ {
					d := i + 1 - l[i]
					ise += d * d
				}
				if is <= float64(ise) {
					ifr++
				}
				n1 := n
				for {
					mt := l[0]
					for i := 1; i < n1; i++ {
						l[i-1] = l[i]
					}
					n1--
					l[n1] = mt
					if !(mt == n1+1 && n1 > 1) {
						break
					}
				}
			}
		}
		if lower {
			return float64(nfac-ifr) / float64(nfac)
		}
		return float64(ifr) / float64(nfac)
	}
	const (
		c1  = .2274
		c2  = .2531
		c3  = .1745
		c4  = .0758
		c5  = .1033
		c6  = .3932
		c7  = .0879
		c8  = .0151
		c9  = .0072
		c10 = .0831
		c11 = .0131
		c12 = 4.6e-4
	)
	y := nf
	b := 1 / y
	x := (6*(is-1)*b/(y*y-1) - 1) * math.Sqrt(y-1)
	y = x * x
	u := x * b * (c1 + b*(c2+c3*b) + y*(-c4+b*(c5+c6*b)-y*b*(c7+c8*b-y*(c9-c10*b+y*b*(c11-c12*y)))))
	y = u / math.Exp(y/2)
	var p float64
	if lower {
		p = -y + normCDF(x)
	} else {
		p = y + normCDF(-x)
	}
	return math.Max(0, math.Min(1, p))
}

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
