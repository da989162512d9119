package stats

import "math"

// QuantileSorted returns the q-quantile (0 <= q <= 1) of the sorted values
// s by linear interpolation between order statistics: R's type 7, numpy's
// default. It is NaN when s is empty.
func QuantileSorted(s []float64, q float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	h := float64(len(s)-1) * q
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	if lo < 0 {
		return s[0]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}
