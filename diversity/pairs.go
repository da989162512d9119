package diversity

import (
	"context"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/holobiont/holobiont/distmat"
)

// columns is a column-major (feature- or branch-major) view of n samples:
// column c holds the samples smp[ptr[c]:ptr[c+1]] (ascending) with values
// val[...] and a column weight w[c].
type columns struct {
	n   int
	ptr []int
	smp []int32
	val []float64
	w   []float64
	// comp[c] reports that column c was replaced by its complement (the
	// samples NOT in it); see complementDense.
	comp []bool
}

// complementDense replaces every column holding more than half of the
// samples by the list of samples it does not hold, for presence-only
// (opCount) kernels: with Q the complement of S,
// [i∈S][j∈S] = 1 − [i∈Q] − [j∈Q] + [i∈Q][j∈Q], so the pair sums over S×S
// follow from a per-sample term and the pair sums over Q×Q, which are
// cheaper. Values are dropped.
func complementDense(c *columns) {
	ncol := len(c.ptr) - 1
	c.comp = make([]bool, ncol)
	ptr := make([]int, ncol+1)
	var smp []int32
	in := make([]bool, c.n)
	for k := 0; k < ncol; k++ {
		lo, hi := c.ptr[k], c.ptr[k+1]
		if 2*(hi-lo) > c.n {
			c.comp[k] = true
			for _, s := range c.smp[lo:hi] {
				in[s] = true
			}
			for s := 0; s < c.n; s++ {
				if !in[s] {
					smp = append(smp, int32(s))
				}
				in[s] = false
			}
		} else {
			smp = append(smp, c.smp[lo:hi]...)
		}
		ptr[k+1] = len(smp)
	}
	c.ptr, c.smp, c.val = ptr, smp, nil
}

// presenceSums returns, for a complemented presence view (complementDense),
// the per-sample totals t (Σ w over the columns whose list holds the sample,
// in column order, matching the kernel's accumulation order), q (Σ w over
// the complemented columns whose list holds the sample) and the constant C
// (Σ w over the complemented columns). For samples i, j with kernel sum acc:
// unique = t_i + t_j − 2acc and shared = C − q_i − q_j + acc.
func presenceSums(c *columns) (t, q []float64, C float64) {
	t = make([]float64, c.n)
	q = make([]float64, c.n)
	for k := 0; k+1 < len(c.ptr); k++ {
		w := c.w[k]
		if c.comp[k] {
			C += w
		}
		for _, s := range c.smp[c.ptr[k]:c.ptr[k+1]] {
			t[s] += w
			if c.comp[k] {
				q[s] += w
			}
		}
	}
	return t, q, C
}

// presenceDistance turns the presence sums into (unique, union) lengths.
func presenceDistance(t, q []float64, C float64, i, j int, acc float64) float64 {
	uniq := t[i] + t[j] - 2*acc
	if uniq < 0 {
		uniq = 0
	}
	union := uniq + (C - q[i] - q[j] + acc)
	if union <= 0 {
		return 0
	}
	return uniq / union
}

// presenceMatrix returns the presence/absence distances (presenceDistance)
// between all samples of c, named ids (into opt.Rows when set, see
// BetaOptions); c is complemented in place (complementDense) and its values
// are dropped.
func presenceMatrix(ctx context.Context, c *columns, ids []string, opt BetaOptions) (*distmat.Matrix, error) {
	complementDense(c)
	tt, q, C := presenceSums(c)
	return pairDistances(ctx, c, opCount, ids, opt, func(i int, acc []float64) {
		for j := i + 1; j < len(acc); j++ {
			acc[j] = presenceDistance(tt, q, C, i, j, acc[j])
		}
	})
}

// pairDistances runs pairKernel with op and turns each row's sums into
// distances with dist (in place: acc[j] becomes the distance of i and j,
// j > i); the rows go to opt.Rows when set (the result is then nil), else
// into a matrix labelled ids.
func pairDistances(ctx context.Context, c *columns, op pairOp, ids []string, opt BetaOptions, dist func(i int, acc []float64)) (*distmat.Matrix, error) {
	n := c.n
	var m *distmat.Matrix
	out := opt.Rows
	if out == nil {
		m = distmat.New(ids)
		out = upperRows{m}
	}
	err := pairKernel(ctx, c, op, opt.Workers, func(i int, acc []float64) error {
		dist(i, acc)
		return out.WriteRow(i, acc[i+1:n])
	})
	if err != nil {
		return nil, err
	}
	if m != nil {
		mirror(m)
	}
	return m, nil
}

// upperRows writes rows into the upper triangle of a dense matrix.
type upperRows struct{ m *distmat.Matrix }

func (u upperRows) WriteRow(i int, d []float64) error {
	n := u.m.N()
	copy(u.m.Data[i*n+i+1:i*n+n], d)
	return nil
}

// mirror copies the upper triangle of m onto the lower one, in tiles (a
// column-wise copy would touch a cache line per value).
func mirror(m *distmat.Matrix) {
	const tile = 64
	n := m.N()
	d := m.Data
	for i0 := 0; i0 < n; i0 += tile {
		for j0 := i0; j0 < n; j0 += tile {
			for i := i0; i < min(i0+tile, n); i++ {
				for j := max(j0, i+1); j < min(j0+tile, n); j++ {
					d[j*n+i] = d[i*n+j]
				}
			}
		}
	}
}

type pairOp int

const (
	opMin   pairOp = iota // acc += min(v_i, v_j)
	opProd                // acc += v_i * v_j
	opCount               // acc += w_c
)

// defaultWorkers returns w, or GOMAXPROCS when w <= 0.
func defaultWorkers(w int) int {
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return w
}

// blockRows is the number of rows of a pairKernel block: fixed, so that
// the per-block scan of the columns stays a small part of the work at any n
// (it grew with n² when the block size was 2^16/n); the accumulator is
// blockRows × n values per worker (10 MB at n = 20,000).
const blockRows = 64

// pairKernel accumulates, for every pair i < j, the sum over the columns
// holding both samples of op(v_i, v_j). Rows are processed in blocks; block
// rows are handed to workers dynamically, and each accumulator belongs to
// exactly one block, which sums its columns in column order: the result does
// not depend on the number of workers. finish is called once per row i with
// acc[j] (j > i) holding the sums, from the worker's goroutine (several run
// at once, for different rows); it may overwrite acc[i+1:]. Its error stops
// the kernel.
func pairKernel(ctx context.Context, cols *columns, op pairOp, workers int, finish func(i int, acc []float64) error) error {
	n := cols.n
	if n < 2 {
		return nil
	}
	workers = defaultWorkers(workers)
	rows := min(blockRows, n)
	nblocks := (n + rows - 1) / rows
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	ncol := len(cols.ptr) - 1
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func(wk int) {
			defer wg.Done()
			acc := make([]float64, rows*n)
			for {
				b := int(next.Add(1) - 1)
				if b >= nblocks {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[wk] = err
					return
				}
				r0 := b * rows
				r1 := min(r0+rows, n)
				for c := 0; c < ncol; c++ {
					lo, hi := cols.ptr[c], cols.ptr[c+1]
					if lo == hi {
						continue
					}
					smp := cols.smp[lo:hi]
					if int(smp[len(smp)-1]) < r0 || int(smp[0]) >= r1 {
						continue
					}
					var val []float64
					if op != opCount {
						val = cols.val[lo:hi]
					}
					p := sort.Search(len(smp), func(k int) bool { return int(smp[k]) >= r0 })
					switch op {
					case opMin:
						for ; p < len(smp) && int(smp[p]) < r1; p++ {
							row := acc[(int(smp[p])-r0)*n : (int(smp[p])-r0+1)*n]
							addMin(row, smp[p+1:], val[p+1:], val[p])
						}
					case opProd:
						for ; p < len(smp) && int(smp[p]) < r1; p++ {
							row := acc[(int(smp[p])-r0)*n : (int(smp[p])-r0+1)*n]
							a := val[p]
							js := smp[p+1:]
							vs := val[p+1 : p+1+len(js)]
							for q, j := range js {
								row[j] += a * vs[q]
							}
						}
					case opCount:
						wc := cols.w[c]
						for ; p < len(smp) && int(smp[p]) < r1; p++ {
							addConst(acc[(int(smp[p])-r0)*n:(int(smp[p])-r0+1)*n], smp[p+1:], wc)
						}
					}
				}
				for i := r0; i < r1; i++ {
					row := acc[(i-r0)*n : (i-r0+1)*n]
					if err := finish(i, row); err != nil {
						errs[wk] = err
						next.Store(int64(nblocks)) // the others stop after their block
						return
					}
					clear(row)
				}
			}
		}(wk)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// addConst adds w to row[j] for every j in js.
func addConst(row []float64, js []int32, w float64) {
	for len(js) >= 4 {
		j0, j1, j2, j3 := js[0], js[1], js[2], js[3]
		row[j0] += w
		row[j1] += w
		row[j2] += w
		row[j3] += w
		js = js[4:]
	}
	for _, j := range js {
		row[j] += w
	}
}

// addMin adds min(a, vs[q]) to row[js[q]] for every q.
func addMin(row []float64, js []int32, vs []float64, a float64) {
	vs = vs[:len(js)]
	for len(js) >= 4 {
		row[js[0]] += min(a, vs[0])
		row[js[1]] += min(a, vs[1])
		row[js[2]] += min(a, vs[2])
		row[js[3]] += min(a, vs[3])
		js, vs = js[4:], vs[4:]
	}
	for q, j := range js {
		row[j] += min(a, vs[q])
	}
}
