package stats

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/holobiont/holobiont/distmat"
)

// PairResult is one pairwise PERMANOVA: the two groups, their samples,
// pseudo-F, R², the permutation p-value and its Benjamini–Hochberg q over
// all pairs.
type PairResult struct {
	Group1, Group2 string
	N              int
	F, R2, P, Q    float64
}

// PairwisePermanova runs PERMANOVA on the sub-matrix of every pair of
// groups (levels sorted; QIIME 2's beta-group-significance --p-pairwise)
// and adjusts the p-values of all pairs by Benjamini–Hochberg. Pair k uses
// its own permutation stream keyed by two draws from opt.Src and k, so the
// result does not depend on opt.Workers. opt.Strata, when set, is applied
// within each pair.
func PairwisePermanova(ctx context.Context, d *distmat.Matrix, labels []string, opt PermOptions) ([]PairResult, error) {
	if len(labels) != d.N() {
		return nil, fmt.Errorf("stats: pairwise permanova: %d labels for %d objects", len(labels), d.N())
	}
	set := map[string]bool{}
	for _, l := range labels {
		set[l] = true
	}
	var levels []string
	for l := range set {
		levels = append(levels, l)
	}
	sort.Strings(levels)
	if len(levels) < 2 {
		return nil, fmt.Errorf("stats: pairwise permanova: one group only")
	}
	var k1, k2 uint64
	if opt.Permutations > 0 {
		if opt.Src == nil {
			return nil, fmt.Errorf("stats: pairwise permanova: Src is required for permutations")
		}
		r := rand.New(opt.Src)
		k1, k2 = r.Uint64(), r.Uint64()
	}
	var out []PairResult
	var ps []float64
	pair := 0
	for a := 0; a < len(levels); a++ {
		for b := a + 1; b < len(levels); b++ {
			var rows []int
			var sub []string
			for i, l := range labels {
				if l == levels[a] || l == levels[b] {
					rows = append(rows, i)
					sub = append(sub, l)
				}
			}
			m := distmat.New(nil)
			for _, i := range rows {
				m.IDs = append(m.IDs, d.IDs[i])
			}
			m.Data = make([]float64, len(rows)*len(rows))
			for x, i := range rows {
				for y, j := range rows {
					m.Data[x*len(rows)+y] = d.At(i, j)
				}
			}
			g, err := NewGrouping(sub)
			if err != nil {
				return nil, err
			}
			po := PermOptions{Permutations: opt.Permutations, Workers: opt.Workers}
			if opt.Permutations > 0 {
				po.Src = rand.NewPCG(k1^uint64(pair), k2)
			}
			if opt.Strata != nil {
				po.Strata = make([]int, len(rows))
				for x, i := range rows {
					po.Strata[x] = opt.Strata[i]
				}
			}
			r, err := Permanova(ctx, m, g, po)
			if err != nil {
				return nil, fmt.Errorf("pair %s vs %s: %w", levels[a], levels[b], err)
			}
			out = append(out, PairResult{Group1: levels[a], Group2: levels[b], N: len(rows), F: r.Statistic, R2: r.R2, P: r.PValue})
			ps = append(ps, r.PValue)
			pair++
		}
	}
	q := AdjustBH(nil, ps)
	for k := range out {
		out[k].Q = q[k]
	}
	return out, nil
}
