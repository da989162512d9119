package stats

import (
	"context"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/distmat"
)

// CorMethod selects a correlation coefficient.
type CorMethod int

const (
	Pearson CorMethod = iota
	Spearman
)

func (m CorMethod) String() string {
	switch m {
	case Pearson:
		return "pearson"
	case Spearman:
		return "spearman"
	}
	return fmt.Sprintf("CorMethod(%d)", int(m))
}

// Alternative is the alternative hypothesis of a test.
type Alternative int

const (
	TwoSided Alternative = iota
	Greater
	Less
)

func (a Alternative) String() string {
	switch a {
	case TwoSided:
		return "two-sided"
	case Greater:
		return "greater"
	case Less:
		return "less"
	}
	return fmt.Sprintf("Alternative(%d)", int(a))
}

// Mantel runs the Mantel test between two distance matrices over the same
// ids in the same order: the statistic is the Pearson or Spearman
// correlation of their upper triangles; the rows and columns of x are
// permuted together, as scikit-bio's mantel does. The p-value follows alt
// as scikit-bio: two-sided counts |r_perm| >= |r|, greater r_perm >= r,
// less r_perm <= r (vegan's mantel is one-sided "greater").
// opt.Strata permutes x within blocks.
func Mantel(ctx context.Context, x, y *distmat.Matrix, method CorMethod, alt Alternative, opt PermOptions) (*Result, error) {
	n := x.N()
	x, err := checkMatrix(x)
	if err != nil {
		return nil, err
	}
	y, err = checkMatrix(y)
	if err != nil {
		return nil, err
	}
	if y.N() != n {
		return nil, fmt.Errorf("stats: mantel: matrices have %d and %d objects", n, y.N())
	}
	for i := range x.IDs {
		if x.IDs[i] != y.IDs[i] {
			return nil, fmt.Errorf("stats: mantel: id %d differs between the matrices (%q vs %q)", i, x.IDs[i], y.IDs[i])
		}
	}
	if n < 3 {
		return nil, fmt.Errorf("stats: mantel needs at least 3 objects, got %d", n)
	}
	if err := opt.validate(n); err != nil {
		return nil, err
	}
	m := n * (n - 1) / 2
	xc := make([]float64, 0, m)
	yc := make([]float64, 0, m)
	for i := 0; i < n; i++ {
		xc = append(xc, x.Data[i*n+i+1:i*n+n]...)
		yc = append(yc, y.Data[i*n+i+1:i*n+n]...)
	}
	if method == Spearman {
		rx := make([]float64, m)
		ry := make([]float64, m)
		Rank(rx, xc)
		Rank(ry, yc)
		xc, yc = rx, ry
	}
	if !standardize(xc) || !standardize(yc) {
		return nil, fmt.Errorf("stats: mantel: a distance matrix is constant, the correlation is undefined")
	}
	var r float64
	for q := range xc {
		r += xc[q] * yc[q]
	}
	r = clamp1(r)
	name := "Mantel"
	res := &Result{Method: name, StatName: "r", Statistic: r, N: n, Permutations: opt.Permutations,
		PValue: math.NaN(), R2: math.NaN()}
	if opt.Permutations == 0 {
		return res, nil
	}
	xs := make([]float64, n*n)
	ys := make([]float64, n*n)
	q := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			xs[i*n+j], xs[j*n+i] = xc[q], xc[q]
			ys[i*n+j] = yc[q]
			q++
		}
	}
	perm, err := runPerms(ctx, permJob{n: n, opt: &opt, newWork: func() blockWorker {
		return func(perms [][]int, dst []float64) {
			for k, p := range perms {
				var s float64
				for i := 0; i < n; i++ {
					xrow := xs[p[i]*n : p[i]*n+n]
					yrow := ys[i*n : i*n+n]
					var s0, s1 float64
					j := i + 1
					for ; j+2 <= n; j += 2 {
						s0 += xrow[p[j]] * yrow[j]
						s1 += xrow[p[j+1]] * yrow[j+1]
					}
					if j < n {
						s0 += xrow[p[j]] * yrow[j]
					}
					s += s0 + s1
				}
				dst[k] = s
			}
		}
	}})
	if err != nil {
		return nil, err
	}
	switch alt {
	case Greater:
		res.PValue = pGreater(r, perm)
	case Less:
		res.PValue = pLess(r, perm)
	default:
		res.PValue = pTwoSided(r, perm)
	}
	return res, nil
}

// standardize centres x and scales it to unit Euclidean norm; false when x
// is constant.
func standardize(x []float64) bool {
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	var ss float64
	for i, v := range x {
		x[i] = v - mean
		ss += x[i] * x[i]
	}
	if ss == 0 {
		return false
	}
	s := 1 / math.Sqrt(ss)
	for i := range x {
		x[i] *= s
	}
	return true
}

func clamp1(r float64) float64 {
	return math.Max(-1, math.Min(1, r))
}
