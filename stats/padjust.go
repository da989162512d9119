package stats

import (
	"cmp"
	"math"
	"slices"
)

// AdjustBH writes Benjamini–Hochberg adjusted p-values (R's
// p.adjust(p, "BH")) into dst, which may alias p. NaN entries are ignored
// (they stay NaN and do not count towards the number of tests), as R does
// for NA.
func AdjustBH(dst, p []float64) []float64 {
	return adjust(dst, p, true)
}

// AdjustHolm writes Holm adjusted p-values (R's p.adjust(p, "holm")).
func AdjustHolm(dst, p []float64) []float64 {
	return adjust(dst, p, false)
}

func adjust(dst, p []float64, bh bool) []float64 {
	if dst == nil {
		dst = make([]float64, len(p))
	}
	var idx []int
	for i, v := range p {
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	vals := make([]float64, len(idx))
	for k, i := range idx {
		vals[k] = p[i]
	}
	m := float64(len(idx))
	o := make([]int, len(idx))
	for k := range o {
		o[k] = k
	}
	slices.SortStableFunc(o, func(a, b int) int { return cmp.Compare(vals[a], vals[b]) })
	adj := make([]float64, len(idx))
	if bh {
		// cummin over decreasing p of m/i * p_(i)
		cur := math.Inf(1)
		for r := len(o) - 1; r >= 0; r-- {
			v := m / float64(r+1) * vals[o[r]]
			cur = math.Min(cur, v)
			adj[o[r]] = math.Min(1, cur)
		}
	} else {
		cur := math.Inf(-1)
		for r := 0; r < len(o); r++ {
			v := (m - float64(r)) * vals[o[r]]
			cur = math.Max(cur, v)
			adj[o[r]] = math.Min(1, cur)
		}
	}
	for i := range dst {
		dst[i] = math.NaN()
	}
	for k, i := range idx {
		dst[i] = adj[k]
	}
	return dst
}
