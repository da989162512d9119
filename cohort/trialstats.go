package cohort

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/holobiont/holobiont/stats"
)

// Estimate is an effect with its 95% (1-alpha) confidence interval and two-sided p.
type Estimate struct {
	Effect, Low, High, P float64
	DF                   float64
	SE                   float64 // standard error of Effect (0: none)
}

// Welch returns the difference in means mean(b) − mean(a) with the Welch
// (unequal variance) t interval and two-sided p.
func Welch(a, b []float64, alpha float64) (Estimate, error) {
	if len(a) < 2 || len(b) < 2 {
		return Estimate{}, fmt.Errorf("welch: need >= 2 values per group, have %d and %d", len(a), len(b))
	}
	ma, va := stat.MeanVariance(a, nil)
	mb, vb := stat.MeanVariance(b, nil)
	na, nb := float64(len(a)), float64(len(b))
	sa, sb := va/na, vb/nb
	se := math.Sqrt(sa + sb)
	d := mb - ma
	if se == 0 {
		return Estimate{Effect: d, Low: d, High: d, P: math.NaN(), DF: math.NaN()}, nil
	}
	df := (sa + sb) * (sa + sb) / (sa*sa/(na-1) + sb*sb/(nb-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	q := t.Quantile(1 - alpha/2)
	p := 2 * t.CDF(-math.Abs(d/se))
	return Estimate{Effect: d, Low: d - q*se, High: d + q*se, P: p, DF: df, SE: se}, nil
}

// ANCOVA fits y = b0 + b1·treated + b2·baseline by least squares
// (stats.FitLM, the project's one OLS) and returns b1 with its t interval
// (n−3 df) and two-sided p.
func ANCOVA(y, treated, baseline []float64, alpha float64) (Estimate, error) {
	n := len(y)
	if n < 4 || len(treated) != n || len(baseline) != n {
		return Estimate{}, fmt.Errorf("ancova: need >= 4 subjects with matching lengths")
	}
	lm, err := stats.FitLM(y, []string{"treated", "baseline"}, [][]float64{treated, baseline}, 1-alpha)
	if err != nil {
		return Estimate{}, fmt.Errorf("ancova: singular design (constant baseline or one arm empty): %w", err)
	}
	b, se, df := lm.Coef[1], lm.SE[1], float64(lm.DF)
	if se == 0 || math.IsNaN(se) {
		return Estimate{Effect: b, Low: b, High: b, P: math.NaN(), DF: df}, nil
	}
	return Estimate{Effect: b, Low: lm.CILow[1], High: lm.CIHigh[1], P: lm.P[1], DF: df, SE: se}, nil
}

// Proportions compares responder rates kb/nb − ka/na: Wald interval and the
// pooled two-proportion z test p.
func Proportions(ka, na, kb, nb int, alpha float64) Estimate {
	pa, pb := float64(ka)/float64(na), float64(kb)/float64(nb)
	d := pb - pa
	z := distuv.UnitNormal.Quantile(1 - alpha/2)
	se := math.Sqrt(pa*(1-pa)/float64(na) + pb*(1-pb)/float64(nb))
	pp := float64(ka+kb) / float64(na+nb)
	sp := math.Sqrt(pp * (1 - pp) * (1/float64(na) + 1/float64(nb)))
	p := math.NaN()
	if sp > 0 {
		p = 2 * distuv.UnitNormal.CDF(-math.Abs(d/sp))
	}
	return Estimate{Effect: d, Low: d - z*se, High: d + z*se, P: p, SE: se}
}

// CohenD returns the standardised mean difference (mean(b) − mean(a)) / pooled sd.
func CohenD(a, b []float64) float64 {
	ma, va := stat.MeanVariance(a, nil)
	mb, vb := stat.MeanVariance(b, nil)
	na, nb := float64(len(a)), float64(len(b))
	sp := math.Sqrt(((na-1)*va + (nb-1)*vb) / (na + nb - 2))
	return (mb - ma) / sp
}
