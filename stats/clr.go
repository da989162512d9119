package stats

import (
	"fmt"
	"math"
)

// CLR writes the centred log-ratio transform of the composition x into dst:
// log(x_i + pseudocount) − mean_j log(x_j + pseudocount) (scikit-bio's clr,
// vegan's decostand(method = "clr", pseudocount = )). Every x_i +
// pseudocount must be positive.
func CLR(dst, x []float64, pseudocount float64) error {
	if len(dst) != len(x) {
		return fmt.Errorf("stats: clr: dst has %d values for %d", len(dst), len(x))
	}
	var mean float64
	for i, v := range x {
		w := v + pseudocount
		if !(w > 0) || math.IsInf(w, 0) {
			return fmt.Errorf("stats: clr: component %d is %g after the pseudocount %g: need positive values (use a pseudocount or rclr)", i, v, pseudocount)
		}
		dst[i] = math.Log(w)
		mean += dst[i]
	}
	mean /= float64(len(x))
	for i := range dst {
		dst[i] -= mean
	}
	return nil
}

// RCLR writes the robust CLR of x into dst: log(x_i) minus the mean log
// over the non-zero components; zeros stay missing (NaN here; vegan's
// decostand(method = "rclr") writes them as 0, scikit-bio's rclr as NaN).
// Negative or non-finite components are an error.
func RCLR(dst, x []float64) error {
	if len(dst) != len(x) {
		return fmt.Errorf("stats: rclr: dst has %d values for %d", len(dst), len(x))
	}
	var mean float64
	k := 0
	for i, v := range x {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("stats: rclr: component %d is %g", i, v)
		}
		if v > 0 {
			mean += math.Log(v)
			k++
		}
	}
	if k > 0 {
		mean /= float64(k)
	}
	for i, v := range x {
		if v > 0 {
			dst[i] = math.Log(v) - mean
		} else {
			dst[i] = math.NaN()
		}
	}
	return nil
}
