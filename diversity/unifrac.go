package diversity

import (
	"context"
	"fmt"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/table"
)

// branchColumns returns the branch-major view of t on the tree: one column
// per branch that is present in at least one sample (a branch is present in
// a sample when some feature below it has a positive count), holding the
// samples where it is present and, when weighted, the count below the branch
// divided by the sample total, multiplied by the branch length. Chains of
// branches with the same samples and counts (a node with a single present
// child) are merged into one column whose weight is the summed length.
func branchColumns(p *Phylo, t *table.Table, weighted bool) (*columns, []float64, error) {
	if p.nfeat != t.NumFeatures() {
		return nil, nil, fmt.Errorf("unifrac: tree was prepared for %d features, table has %d", p.nfeat, t.NumFeatures())
	}
	if err := checkCounts(t); err != nil {
		return nil, nil, err
	}
	nn := len(p.parent)
	n := t.NumSamples()
	w := newWalker(p)
	// Pass 1: how many samples each node is present in.
	occ := make([]int, nn)
	totals := make([]float64, n)
	for i := 0; i < n; i++ {
		idx, vals := t.Sample(i)
		w.walk(idx, vals, false)
		for _, nd := range w.touched {
			occ[nd]++
		}
		for _, v := range vals {
			if v > 0 {
				totals[i] += v
			}
		}
	}
	// Effective branch lengths after merging single-present-child chains.
	presentChildren := make([]int32, nn)
	for nd := 0; nd < nn; nd++ {
		if par := p.parent[nd]; par >= 0 && occ[nd] > 0 {
			presentChildren[par]++
		}
	}
	eff := make([]float64, nn)
	copy(eff, p.length)
	onlyChild := make([]int32, nn)
	for i := range onlyChild {
		onlyChild[i] = -1
	}
	for nd := 0; nd < nn; nd++ {
		if par := p.parent[nd]; par >= 0 && occ[nd] > 0 && presentChildren[par] == 1 {
			onlyChild[par] = int32(nd)
		}
	}
	for nd := nn - 1; nd >= 0; nd-- {
		if ch := onlyChild[nd]; ch >= 0 && occ[nd] > 0 {
			eff[ch] += eff[nd]
			eff[nd] = 0
		}
	}
	// Column numbering: present nodes with a positive effective length.
	col := make([]int32, nn)
	ncol := 0
	for nd := 0; nd < nn; nd++ {
		if occ[nd] > 0 && eff[nd] > 0 {
			col[nd] = int32(ncol)
			ncol++
		} else {
			col[nd] = -1
		}
	}
	c := &columns{n: n, ptr: make([]int, ncol+1), w: make([]float64, ncol)}
	for nd := 0; nd < nn; nd++ {
		if k := col[nd]; k >= 0 {
			c.ptr[k+1] = occ[nd]
			c.w[k] = eff[nd]
		}
	}
	for k := 0; k < ncol; k++ {
		c.ptr[k+1] += c.ptr[k]
	}
	c.smp = make([]int32, c.ptr[ncol])
	if weighted {
		c.val = make([]float64, c.ptr[ncol])
	}
	pos := make([]int, ncol)
	copy(pos, c.ptr[:ncol])
	// Pass 2: fill the columns in sample order.
	for i := 0; i < n; i++ {
		idx, vals := t.Sample(i)
		w.walk(idx, vals, weighted)
		for _, nd := range w.touched {
			k := col[nd]
			if k < 0 {
				continue
			}
			c.smp[pos[k]] = int32(i)
			if weighted {
				c.val[pos[k]] = c.w[k] * (w.count[nd] / totals[i])
			}
			pos[k]++
		}
	}
	return c, totals, nil
}

// UnweightedUniFrac returns the unweighted UniFrac distances between all
// samples of t: the length of the branches present in exactly one of two
// samples over the length of the branches present in either (scikit-bio
// unweighted_unifrac; 0 for two empty samples).
func UnweightedUniFrac(ctx context.Context, t *table.Table, p *Phylo, opt BetaOptions) (*distmat.Matrix, error) {
	c, _, err := branchColumns(p, t, false)
	if err != nil {
		return nil, err
	}
	return presenceMatrix(ctx, c, t.SampleIDs, opt)
}

// WeightedUniFrac returns the weighted UniFrac distances between all samples
// of t: Σ_b L_b |p_b − q_b| over branches b, with p_b and q_b the fractions
// of each sample's counts below b (scikit-bio weighted_unifrac). With
// normalized, each distance is divided by Σ_tips d_tip (p_tip + q_tip), d the
// root-to-tip distance, which puts it in [0, 1]. Two empty samples are at
// distance 0.
func WeightedUniFrac(ctx context.Context, t *table.Table, p *Phylo, normalized bool, opt BetaOptions) (*distmat.Matrix, error) {
	c, totals, err := branchColumns(p, t, true)
	if err != nil {
		return nil, err
	}
	n := c.n
	wsum := colTotals(c)
	var denom []float64
	if normalized {
		denom = make([]float64, n)
		for i := 0; i < n; i++ {
			if totals[i] == 0 {
				continue
			}
			idx, vals := t.Sample(i)
			for k, f := range idx {
				if vals[k] > 0 {
					denom[i] += p.tipDist[p.featNode[f]] * (vals[k] / totals[i])
				}
			}
		}
	}
	return pairDistances(ctx, c, opMin, t.SampleIDs, opt, func(i int, acc []float64) {
		for j := i + 1; j < n; j++ {
			u := wsum[i] + wsum[j] - 2*acc[j]
			if u < 0 {
				u = 0
			}
			if normalized {
				if totals[i] == 0 && totals[j] == 0 {
					u = 0
				} else {
					u /= denom[i] + denom[j]
				}
			}
			acc[j] = u
		}
	})
}
