package fit

import (
	"math"
	"sort"
)

// MDSINE2's forecast-error bounds (Gibson et al. 2025): samples count when
// the truth exceeds the lower bound; eps is added before the logarithm.
const (
	LogLowerRel, LogEpsRel = 1e-10, 1e-8 // relative abundances
	LogLowerAbs, LogEpsAbs = 1e-5, 1e3   // absolute abundances (MDSINE2's CFU/g scale)
)

// RMSE is the cLV study's forecast error (Joseph et al. 2020): the root
// mean square difference between observed and predicted abundances over
// all taxa and all samples after the first (which the forecast starts
// from). Rows are samples.
func RMSE(obs, pred [][]float64) float64 {
	s, n := 0.0, 0
	for k := 1; k < len(obs); k++ {
		for i, v := range obs[k] {
			d := v - pred[k][i]
			s += d * d
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return math.Sqrt(s / float64(n))
}

// LogRMSE is MDSINE2's forecast error (Gibson et al. 2025), per taxon:
// sqrt(mean((log10(pred+eps) − log10(obs+eps))²)) over the samples after
// the first where obs > lower (NaN for a taxon without such samples).
// MDSINE2 and the forecasting benchmark summarise it by the median over
// all held-out (subject, taxon) pairs.
func LogRMSE(obs, pred [][]float64, lower, eps float64) []float64 {
	if len(obs) == 0 {
		return nil
	}
	out := make([]float64, len(obs[0]))
	for i := range out {
		s, n := 0.0, 0
		for k := 1; k < len(obs); k++ {
			if obs[k][i] > lower {
				d := math.Log10(pred[k][i]+eps) - math.Log10(obs[k][i]+eps)
				s += d * d
				n++
			}
		}
		out[i] = math.NaN()
		if n > 0 {
			out[i] = math.Sqrt(s / float64(n))
		}
	}
	return out
}

// Median returns the median of the values of x that are not NaN (NaN
// when none); +Inf (a diverged forecast) counts as the largest value.
func Median(x []float64) float64 {
	v := make([]float64, 0, len(x))
	for _, a := range x {
		if !math.IsNaN(a) {
			v = append(v, a)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
