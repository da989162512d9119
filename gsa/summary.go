package gsa

import "math"

// window returns the index range [i0, i1) of the ascending times t that lie
// in [from, to].
func window(t []float64, from, to float64) (int, int) {
	i0 := 0
	for i0 < len(t) && t[i0] < from {
		i0++
	}
	i1 := i0
	for i1 < len(t) && t[i1] <= to {
		i1++
	}
	return i0, i1
}

// Max returns the largest value of y (sampled at ascending times t) over
// [from, to] and the first time it is reached; NaN values are skipped.
// Both are NaN when the window holds no finite value.
func Max(t, y []float64, from, to float64) (v, at float64) {
	return extreme(t, y, from, to, 1)
}

// Min is Max for the smallest value.
func Min(t, y []float64, from, to float64) (v, at float64) {
	return extreme(t, y, from, to, -1)
}

func extreme(t, y []float64, from, to, sign float64) (float64, float64) {
	i0, i1 := window(t, from, to)
	v, at := math.NaN(), math.NaN()
	for i := i0; i < i1; i++ {
		if math.IsNaN(y[i]) {
			continue
		}
		if math.IsNaN(v) || sign*(y[i]-v) > 0 {
			v, at = y[i], t[i]
		}
	}
	return v, at
}

// Mean returns the mean of the samples of y in [from, to] (NaN if any is
// NaN or none lies there).
func Mean(t, y []float64, from, to float64) float64 {
	i0, i1 := window(t, from, to)
	if i1 == i0 {
		return math.NaN()
	}
	var s float64
	for _, v := range y[i0:i1] {
		s += v
	}
	return s / float64(i1-i0)
}

// AUC returns the area under y over [from, to] by the trapezoidal rule on
// the sample times that lie in the window (NaN if a value there is NaN or
// fewer than two samples lie there).
func AUC(t, y []float64, from, to float64) float64 {
	i0, i1 := window(t, from, to)
	if i1-i0 < 2 {
		return math.NaN()
	}
	var s float64
	for i := i0 + 1; i < i1; i++ {
		s += (t[i] - t[i-1]) * (y[i] + y[i-1]) / 2
	}
	return s
}

// Recovery returns how long after from the quantity y returns to baseline
// for good: the first sample time τ in [from, to] from which every sample
// up to to lies within tol of baseline (|y − baseline| <= tol), minus
// from. If y is not back by to, the result is censored at to − from and
// recovered is false. A NaN sample counts as not recovered.
func Recovery(t, y []float64, from, to, baseline, tol float64) (dur float64, recovered bool) {
	i0, i1 := window(t, from, to)
	if i1 == i0 {
		return math.NaN(), false
	}
	first := -1
	for i := i1 - 1; i >= i0; i-- {
		if !(math.Abs(y[i]-baseline) <= tol) {
			break
		}
		first = i
	}
	if first < 0 {
		return to - from, false
	}
	return t[first] - from, true
}
