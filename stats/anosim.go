package stats

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/holobiont/holobiont/distmat"
)

// Anosim runs ANOSIM (Clarke 1993): R = (r̄_B - r̄_W)/(M/2), where r̄_B and
// r̄_W are the mean ranks of the between- and within-group distances among
// the M = n(n-1)/2 distances, ranked with ties averaged, as scikit-bio and
// vegan compute it. Group labels are permuted.
func Anosim(ctx context.Context, d *distmat.Matrix, g *Grouping, opt PermOptions) (*Result, error) {
	n := d.N()
	d, err := checkMatrix(d)
	if err != nil {
		return nil, err
	}
	if len(g.Labels) != n {
		return nil, fmt.Errorf("stats: anosim: %d group labels for %d objects", len(g.Labels), n)
	}
	if err := opt.validate(n); err != nil {
		return nil, err
	}
	m := n * (n - 1) / 2
	cond := make([]float64, 0, m)
	for i := 0; i < n; i++ {
		cond = append(cond, d.Data[i*n+i+1:i*n+n]...)
	}
	ranks := make([]float64, m)
	Rank(ranks, cond)
	rk := make([]float64, n*n)
	q := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			rk[i*n+j] = ranks[q]
			rk[j*n+i] = ranks[q]
			q++
		}
	}
	var nw int
	for _, s := range g.Sizes {
		nw += s * (s - 1) / 2
	}
	if nw == 0 || nw == m {
		return nil, fmt.Errorf("stats: anosim needs both within- and between-group pairs")
	}
	totalRank := float64(m) * float64(m+1) / 2
	stat := func(w []float64) float64 {
		var sw float64
		for _, v := range w {
			sw += v
		}
		rw := sw / float64(nw)
		rb := (totalRank - sw) / float64(m-nw)
		return (rb - rw) / (float64(m) / 2)
	}
	w := make([]float64, len(g.Sizes))
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if g.Labels[i] == g.Labels[j] {
				w[g.Labels[i]] += rk[i*n+j]
			}
		}
	}
	r := stat(w)
	res := &Result{Method: "ANOSIM", StatName: "R", Statistic: r, N: n, Groups: len(g.Names),
		Permutations: opt.Permutations, PValue: math.NaN(), R2: math.NaN()}
	if opt.Permutations == 0 {
		return res, nil
	}
	k := newPermanovaKernel(rk, n, g)
	perm, err := runPerms(ctx, permJob{n: n, opt: &opt, newWork: func() blockWorker {
		s := k.scratch()
		return func(perms [][]int, dst []float64) { k.block(s, perms, dst, stat) }
	}})
	if err != nil {
		return nil, err
	}
	res.PValue = pGreater(r, perm)
	return res, nil
}

// Rank writes the ranks (1-based, ties averaged, as R's rank and scipy's
// rankdata) of x into dst. NaNs are not allowed.
func Rank(dst, x []float64) {
	if len(dst) != len(x) {
		panic("stats: Rank: length mismatch")
	}
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	for a := 0; a < len(idx); {
		b := a + 1
		for b < len(idx) && x[idx[b]] == x[idx[a]] {
			b++
		}
		r := float64(a+b+1) / 2 // mean of ranks a+1..b
		for k := a; k < b; k++ {
			dst[idx[k]] = r
		}
		a = b
	}
}

// hasTies reports whether x has repeated values.
func hasTies(x []float64) bool {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			return true
		}
	}
	return false
}
