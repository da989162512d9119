package report

import "math"

// thinM4 reduces a polyline given as pixel pairs (x0, y0, x1, y1, ...) with
// non-decreasing x for display: within each pixel column it keeps the
// first, the lowest, the highest and the last point, in their original
// order (the M4 rule of Jugel et al. 2014). The rasterised line is the same
// as that of the full polyline. The result is appended to dst. When x is
// not non-decreasing pts is copied unchanged.
func thinM4(dst, pts []float64) []float64 {
	n := len(pts) / 2
	for k := 1; k < n; k++ {
		if pts[2*k] < pts[2*k-2] {
			return append(dst, pts...)
		}
	}
	for i := 0; i < n; {
		c := math.Floor(pts[2*i])
		imin, imax, j := i, i, i
		for j+1 < n && math.Floor(pts[2*(j+1)]) == c {
			j++
			if pts[2*j+1] < pts[2*imin+1] {
				imin = j
			}
			if pts[2*j+1] > pts[2*imax+1] {
				imax = j
			}
		}
		a, b := imin, imax
		if a > b {
			a, b = b, a
		}
		last := -1
		for _, k := range [4]int{i, a, b, j} {
			if k != last {
				dst = append(dst, pts[2*k], pts[2*k+1])
				last = k
			}
		}
		i = j + 1
	}
	return dst
}

// thinColumns returns the indices of the columns of a stacked chart to
// draw. xs are pixel positions (non-decreasing) and layers the cumulative
// pixel heights of each layer; within each pixel column it keeps the first
// and last index and the extreme indices of every layer.
func thinColumns(xs []float64, layers [][]float64) []int {
	n := len(xs)
	keep := make([]bool, n)
	for i := 0; i < n; {
		c := math.Floor(xs[i])
		j := i
		for j+1 < n && math.Floor(xs[j+1]) == c {
			j++
		}
		keep[i], keep[j] = true, true
		for _, l := range layers {
			imin, imax := i, i
			for k := i + 1; k <= j; k++ {
				if l[k] < l[imin] {
					imin = k
				}
				if l[k] > l[imax] {
					imax = k
				}
			}
			keep[imin], keep[imax] = true, true
		}
		i = j + 1
	}
	var idx []int
	for i, k := range keep {
		if k {
			idx = append(idx, i)
		}
	}
	return idx
}
