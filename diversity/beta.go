package diversity

import (
	"context"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/table"
)

// BetaOptions configures the pairwise distance functions.
type BetaOptions struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS. The result
	// does not depend on it.
	Workers int
	// Rows, when set, receives the distances row by row instead of a
	// returned matrix (the functions then return nil): the upper triangle,
	// WriteRow(i, d) with d[k] the distance of samples i and i+1+k, for
	// each i < n−1, from several goroutines at once and in no particular
	// order. Memory then stays bounded by the table and the workers'
	// accumulators (blockRows × n values each) at any number of samples;
	// distmat.CondensedFile stores the rows on disk and writes the matrix
	// in the usual format.
	Rows distmat.RowWriter
}

// transpose returns the feature-major view of t with values v(x) of the
// positive entries x (v nil: x itself).
func transpose(t *table.Table, v func(x float64) float64) *columns {
	n, m := t.NumSamples(), t.NumFeatures()
	c := &columns{n: n, ptr: make([]int, m+1)}
	for _, f := range t.Indices {
		c.ptr[f+1]++
	}
	for f := 0; f < m; f++ {
		c.ptr[f+1] += c.ptr[f]
	}
	nnz := c.ptr[m]
	c.smp = make([]int32, nnz)
	c.val = make([]float64, nnz)
	pos := make([]int, m)
	copy(pos, c.ptr[:m])
	k := 0
	for i := 0; i < n; i++ {
		idx, vals := t.Sample(i)
		for q, f := range idx {
			x := vals[q]
			if x <= 0 {
				continue
			}
			if v != nil {
				x = v(x)
			}
			c.smp[pos[f]] = int32(i)
			c.val[pos[f]] = x
			pos[f]++
			k++
		}
	}
	// Drop the slots left by explicit zeros.
	if k != nnz {
		w := 0
		start := 0
		for f := 0; f < m; f++ {
			end := pos[f]
			lo := start
			start = c.ptr[f+1]
			c.ptr[f] = w
			for q := lo; q < end; q++ {
				c.smp[w] = c.smp[q]
				c.val[w] = c.val[q]
				w++
			}
		}
		c.ptr[m] = w
		c.smp = c.smp[:w]
		c.val = c.val[:w]
	}
	c.w = make([]float64, m)
	for f := 0; f < m; f++ {
		c.w[f] = 1
	}
	return c
}

// colTotals returns, per sample, the sum of its values over the columns, in
// column order (the order the pair kernels accumulate in, so that two
// identical samples give exactly zero distance).
func colTotals(c *columns) []float64 {
	tot := make([]float64, c.n)
	for col := 0; col+1 < len(c.ptr); col++ {
		for q := c.ptr[col]; q < c.ptr[col+1]; q++ {
			tot[c.smp[q]] += c.val[q]
		}
	}
	return tot
}

func checkCounts(t *table.Table) error {
	if len(t.Indptr) != t.NumSamples()+1 || len(t.Indices) != len(t.Data) {
		return fmt.Errorf("table: inconsistent sparse storage (%d samples, %d row pointers, %d indices, %d values)",
			t.NumSamples(), len(t.Indptr), len(t.Indices), len(t.Data))
	}
	for i := 0; i < t.NumSamples(); i++ {
		idx, vals := t.Sample(i)
		for k, v := range vals {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("table: sample %q, feature %q: count %v is not a finite non-negative number",
					t.SampleIDs[i], t.FeatureIDs[idx[k]], v)
			}
		}
	}
	return nil
}

// BrayCurtis returns the Bray–Curtis dissimilarities Σ|xᵢ−yᵢ| / Σ(xᵢ+yᵢ)
// between all samples of t, on the values as given (scipy braycurtis as
// scikit-bio uses it, vegan vegdist "bray"). It is computed as
// 1 − 2Σmin(xᵢ,yᵢ)/Σ(xᵢ+yᵢ) over the features the two samples share.
func BrayCurtis(ctx context.Context, t *table.Table, opt BetaOptions) (*distmat.Matrix, error) {
	return brayCurtis(ctx, t, opt, false)
}

// Jaccard returns Jaccard distances between all samples of t. With
// quantitative false it is the presence/absence distance 1 − |A∩B|/|A∪B|
// (scikit-bio "jaccard", vegan vegdist(method = "jaccard", binary = TRUE)).
// With quantitative true it is vegan's default vegdist(method = "jaccard"),
// 2B/(1+B) with B the Bray–Curtis dissimilarity.
func Jaccard(ctx context.Context, t *table.Table, quantitative bool, opt BetaOptions) (*distmat.Matrix, error) {
	if quantitative {
		return brayCurtis(ctx, t, opt, true)
	}
	if err := checkCounts(t); err != nil {
		return nil, err
	}
	return presenceMatrix(ctx, transpose(t, nil), t.SampleIDs, opt)
}

func brayCurtis(ctx context.Context, t *table.Table, opt BetaOptions, jaccard bool) (*distmat.Matrix, error) {
	if err := checkCounts(t); err != nil {
		return nil, err
	}
	c := transpose(t, nil)
	tot := colTotals(c)
	return pairDistances(ctx, c, opMin, t.SampleIDs, opt, func(i int, acc []float64) {
		for j := i + 1; j < len(acc); j++ {
			s := tot[i] + tot[j]
			d := 0.0
			if s > 0 {
				d = (s - 2*acc[j]) / s
				if d < 0 {
					d = 0
				}
			}
			if jaccard {
				d = 2 * d / (1 + d)
			}
			acc[j] = d
		}
	})
}

// Aitchison returns the Aitchison distances between all samples of t: the
// Euclidean distance between the centred log-ratio transforms
// clr(x + pseudocount), over all features of the table (vegan
// vegdist(x, "aitchison", pseudocount = c); scikit-bio clr of x + c followed
// by the Euclidean distance, as QIIME 2's beta_passthrough "aitchison" with
// pseudocount 1). pseudocount must be positive. The computation stays
// sparse: with yᵢ = log(1 + xᵢ/c), zero for absent features,
// d² = Σ(y−y')² − m(ȳ−ȳ')² where m is the number of features.
func Aitchison(ctx context.Context, t *table.Table, pseudocount float64, opt BetaOptions) (*distmat.Matrix, error) {
	if !(pseudocount > 0) || math.IsInf(pseudocount, 0) {
		return nil, fmt.Errorf("aitchison: pseudocount %v must be a positive finite number", pseudocount)
	}
	if err := checkCounts(t); err != nil {
		return nil, err
	}
	c := transpose(t, func(x float64) float64 { return math.Log1p(x / pseudocount) })
	n := c.n
	mf := float64(t.NumFeatures())
	ysum := make([]float64, n)
	ysq := make([]float64, n)
	for col := 0; col+1 < len(c.ptr); col++ {
		for q := c.ptr[col]; q < c.ptr[col+1]; q++ {
			y := c.val[q]
			ysum[c.smp[q]] += y
			ysq[c.smp[q]] += y * y
		}
	}
	return pairDistances(ctx, c, opProd, t.SampleIDs, opt, func(i int, acc []float64) {
		for j := i + 1; j < n; j++ {
			dm := (ysum[i] - ysum[j]) / mf
			d2 := ysq[i] + ysq[j] - 2*acc[j] - mf*dm*dm
			d := 0.0
			if d2 > 0 {
				d = math.Sqrt(d2)
			}
			acc[j] = d
		}
	})
}
