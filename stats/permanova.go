package stats

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/holobiont/holobiont/distmat"
)

// Permanova runs a one-factor PERMANOVA (Anderson 2001) on the distance
// matrix d with the grouping g: pseudo-F = [SS_A/(a-1)] / [SS_W/(N-a)], with
// the sums of squares computed from squared distances exactly as
// scikit-bio's permanova and vegan's adonis2 compute them. R2 = SS_A/SS_T.
// Group labels are permuted (within opt.Strata when given).
func Permanova(ctx context.Context, d *distmat.Matrix, g *Grouping, opt PermOptions) (*Result, error) {
	n := d.N()
	d, err := checkMatrix(d)
	if err != nil {
		return nil, err
	}
	if len(g.Labels) != n {
		return nil, fmt.Errorf("stats: permanova: %d group labels for %d objects", len(g.Labels), n)
	}
	if err := opt.validate(n); err != nil {
		return nil, err
	}
	a := len(g.Names)
	if n-a <= 0 {
		return nil, fmt.Errorf("stats: permanova: %d objects in %d groups leave no residual degrees of freedom", n, a)
	}
	d2 := make([]float64, n*n, padCap(n))
	var rows []float64
	if opt.Permutations > 0 {
		rows = make([]float64, n)
	}
	squareRows(d2, rows, d.Data, n, opt.Workers)
	total, sW := totalWithin(d2, n, g)
	sT := total / float64(n)
	f := pseudoF(sT, sW, n, a)
	res := &Result{Method: "PERMANOVA", StatName: "pseudo-F", Statistic: f, N: n, Groups: a,
		Permutations: opt.Permutations, R2: (sT - sW) / sT, PValue: math.NaN()}
	if opt.Permutations == 0 {
		return res, nil
	}
	k := kernelFrom(d2, n, g, rows, total)
	perm, err := runPerms(ctx, permJob{n: n, opt: &opt, newWork: func() blockWorker {
		s := k.scratch()
		return func(perms [][]int, dst []float64) {
			k.block(s, perms, dst, func(w []float64) float64 {
				var sw float64
				for c, v := range w {
					sw += v / float64(g.Sizes[c])
				}
				return pseudoF(sT, sw, n, a)
			})
		}
	}})
	if err != nil {
		return nil, err
	}
	res.PValue = pGreater(f, perm)
	return res, nil
}

func pseudoF(sT, sW float64, n, a int) float64 {
	return ((sT - sW) / float64(a-1)) / (sW / float64(n-a))
}

// withinSS returns Σ_g (1/n_g) Σ_{i<j in g} d2_ij directly.
func withinSS(d2 []float64, n int, labels, sizes []int) float64 {
	w := make([]float64, len(sizes))
	for i := 0; i < n; i++ {
		row := d2[i*n : i*n+n]
		gi := labels[i]
		for j := i + 1; j < n; j++ {
			if labels[j] == gi {
				w[gi] += row[j]
			}
		}
	}
	var s float64
	for c, v := range w {
		s += v / float64(sizes[c])
	}
	return s
}

// squareRows sets d2 to the elementwise squares of data (n×n) and, when
// rows is not nil, rows[i] to the sum of row i of d2 (summed in index
// order). Rows are split between up to workers goroutines (0 =
// GOMAXPROCS); every row sum is still one sequential sum, so the result
// does not depend on the split.
func squareRows(d2, rows, data []float64, n, workers int) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n/64))
	do := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			src := data[i*n : i*n+n]
			dst := d2[i*n : i*n+n]
			var s float64
			for j, v := range src {
				v *= v
				dst[j] = v
				s += v
			}
			if rows != nil {
				rows[i] = s
			}
		}
	}
	if workers == 1 {
		do(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do(w*n/workers, (w+1)*n/workers)
		}()
	}
	wg.Wait()
}

// totalWithin returns Σ_{i<j} d2_ij and Σ_g (1/n_g) Σ_{i<j in g} d2_ij, each
// summed in the row-major order of the direct double loop (withinSS), so
// they are bit-identical to it; the within sums walk each group's member
// list instead of testing every label.
func totalWithin(d2 []float64, n int, g *Grouping) (total, sW float64) {
	labels := g.Labels[:n]
	members := make([][]int32, len(g.Sizes))
	for c, sz := range g.Sizes {
		members[c] = make([]int32, 0, sz)
	}
	for i, c := range labels {
		members[c] = append(members[c], int32(i))
	}
	next := make([]int, len(g.Sizes)) // position of i within its group
	w := make([]float64, len(g.Sizes))
	for i, c := range labels {
		row := d2[i*n : i*n+n]
		for _, v := range row[i+1:] {
			total += v
		}
		next[c]++
		acc := w[c]
		for _, j := range members[c][next[c]:] {
			acc += row[j]
		}
		w[c] = acc
	}
	for c, v := range w {
		sW += v / float64(g.Sizes[c])
	}
	return total, sW
}

// checkMatrix validates d and returns it, or a symmetrised copy (the mean
// of d_ij and d_ji) when it is symmetric only to 1e-9 relative.
func checkMatrix(d *distmat.Matrix) (*distmat.Matrix, error) {
	n := d.N()
	if n < 2 {
		return nil, fmt.Errorf("stats: distance matrix has %d objects: need at least 2", n)
	}
	if len(d.Data) != n*n {
		return nil, fmt.Errorf("stats: distance matrix data has %d values for %d ids", len(d.Data), n)
	}
	if validSymmetric(d.Data, n) {
		return d, nil
	}
	// Slow path: find the first problem in row-major order, or symmetrise.
	asym := false
	for i := 0; i < n; i++ {
		if d.Data[i*n+i] != 0 {
			return nil, fmt.Errorf("stats: distance matrix diagonal at %q is %g, not 0", d.IDs[i], d.Data[i*n+i])
		}
		for j := i + 1; j < n; j++ {
			v, w := d.Data[i*n+j], d.Data[j*n+i]
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fmt.Errorf("stats: distance between %q and %q is %g", d.IDs[i], d.IDs[j], v)
			}
			if v != w {
				if math.Abs(v-w) > 1e-9*math.Max(math.Abs(v), math.Abs(w)) {
					return nil, fmt.Errorf("stats: distance matrix is not symmetric at %q, %q (%g vs %g)", d.IDs[i], d.IDs[j], v, w)
				}
				asym = true
			}
		}
	}
	if !asym {
		return d, nil
	}
	c := distmat.New(d.IDs)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			c.Set(i, j, (d.Data[i*n+j]+d.Data[j*n+i])/2)
		}
	}
	return c, nil
}

// validSymmetric reports whether the n×n matrix a has a zero diagonal and
// finite non-negative entries with a_ij == a_ji exactly. It compares in
// 64×64 tiles so that the column walk stays in cache.
func validSymmetric(a []float64, n int) bool {
	const bs = 64
	for i := 0; i < n; i++ {
		if a[i*n+i] != 0 {
			return false
		}
	}
	for ib := 0; ib < n; ib += bs {
		ie := min(ib+bs, n)
		for jb := ib; jb < n; jb += bs {
			je := min(jb+bs, n)
			for i := ib; i < ie; i++ {
				j0 := max(jb, i+1)
				if j0 >= je {
					continue
				}
				row := a[i*n+j0 : i*n+je]
				for q, v := range row {
					if v != a[(j0+q)*n+i] || !(v >= 0) || v > math.MaxFloat64 {
						return false
					}
				}
			}
		}
	}
	return true
}

// kernelPad is the length of the fixed-size row view used by the fast
// kernel: with n <= kernelPad objects, object indices fit in uint16 and a
// row viewed as *[kernelPad]float64 is indexed without bounds checks. A
// squared-distance matrix allocated with capacity padCap(n) lets every row
// be viewed in place; otherwise each row is copied into a scratch buffer.
const kernelPad = 1 << 16

// padCap returns the capacity an n×n matrix needs for in-place row views.
func padCap(n int) int {
	if n > kernelPad {
		return n * n
	}
	return n*n + kernelPad - n
}

// permanovaKernel computes the within-group sums of a pair matrix for blocks
// of label permutations. It walks the rows of the squared-distance matrix
// once per block, and for every permutation in the block adds the row's
// entries at the later members of the row's (permuted) group: the matrix
// row stays in cache while all permutations of the block use it. With two
// groups only the smaller group is summed; the larger follows from
// W_L = Total + W_S - Σ_{i in S} r_i (r_i = row sums).
type permanovaKernel struct {
	d2     []float64
	n      int
	labels []int
	sizes  []int
	total  float64
	rows   []float64 // row sums
	skip   int       // group derived from the identity above, or -1
	small  bool      // n <= kernelPad: uint16 indices, fixed-size row views
	padded bool      // small and cap(d2) >= padCap(n): rows viewed in place
}

type permanovaScratch struct {
	// n <= kernelPad (small): members of all permutations of the block,
	// flat (permutation p at p*n), as uint16, and per row i and permutation
	// p the tail of i's group after i: tails[i*np+p].
	mem   []uint16
	tails []permTail
	wflat []float64           // per permutation p: w[p*ng : (p+1)*ng]
	buf   *[kernelPad]float64 // row copy when the matrix is not padded

	// n > kernelPad (large).
	members [][]int32 // per permutation: object indices ordered by group, ascending within a group
	pos     [][]int32 // per permutation: position of object i in members
	lab     [][]int32 // per permutation: permuted label of object i

	start []int32 // start of each group's run in members (same for every permutation)
	w     [][]float64
}

// permTail is the work of one (row, permutation) pair in the small kernel:
// add row[mem[lo:hi]] to wflat[wi].
type permTail struct{ lo, hi, wi uint32 }

func newPermanovaKernel(d2 []float64, n int, g *Grouping) *permanovaKernel {
	rows := make([]float64, n)
	var total float64
	for i := 0; i < n; i++ {
		var s float64
		for _, v := range d2[i*n : i*n+n] {
			s += v
		}
		rows[i] = s
		for _, v := range d2[i*n+i+1 : i*n+n] {
			total += v
		}
	}
	return kernelFrom(d2, n, g, rows, total)
}

// kernelFrom returns the kernel for d2 given its row sums (each summed in
// index order) and total = Σ_{i<j} d2_ij summed in row-major order.
func kernelFrom(d2 []float64, n int, g *Grouping, rows []float64, total float64) *permanovaKernel {
	k := &permanovaKernel{d2: d2, n: n, labels: g.Labels, sizes: g.Sizes, skip: -1, rows: rows, total: total}
	k.small = n <= kernelPad
	k.padded = k.small && cap(d2) >= padCap(n)
	if len(g.Sizes) == 2 {
		k.skip = 0
		if g.Sizes[1] > g.Sizes[0] {
			k.skip = 1
		}
	}
	return k
}

func (k *permanovaKernel) scratch() *permanovaScratch {
	n, ng := k.n, len(k.sizes)
	s := &permanovaScratch{start: make([]int32, ng+1)}
	for c := 0; c < ng; c++ {
		s.start[c+1] = s.start[c] + int32(k.sizes[c])
	}
	if k.small {
		s.mem = make([]uint16, PermBlock*n)
		s.tails = make([]permTail, PermBlock*n)
		s.wflat = make([]float64, PermBlock*ng)
		for p := range PermBlock {
			s.w = append(s.w, s.wflat[p*ng:(p+1)*ng:(p+1)*ng])
		}
		if !k.padded {
			s.buf = new([kernelPad]float64)
		}
		return s
	}
	for range PermBlock {
		s.members = append(s.members, make([]int32, n))
		s.pos = append(s.pos, make([]int32, n))
		s.lab = append(s.lab, make([]int32, n))
		s.w = append(s.w, make([]float64, ng))
	}
	return s
}

// block computes, for each permutation p, the per-group within sums
// W_c = Σ_{i<j in c} d2_ij into s.w[p] and writes combine(s.w[p]) to dst[p].
// The summation order is fixed (see gatherSum), so results are bit-identical
// whatever the block is split into or which worker runs it.
func (k *permanovaKernel) block(s *permanovaScratch, perms [][]int, dst []float64, combine func(w []float64) float64) {
	np := len(perms)
	if k.small {
		k.blockSmall(s, perms)
	} else {
		k.blockLarge(s, perms)
	}
	for p := 0; p < np; p++ {
		w := s.w[p]
		if k.skip >= 0 {
			o := 1 - k.skip
			var rs float64
			lo, hi := s.start[o], s.start[o+1]
			if k.small {
				for _, i := range s.mem[p*k.n+int(lo) : p*k.n+int(hi)] {
					rs += k.rows[i]
				}
			} else {
				for _, i := range s.members[p][lo:hi] {
					rs += k.rows[i]
				}
			}
			w[k.skip] = k.total + w[o] - rs
		}
		dst[p] = combine(w)
	}
}

// blockSmall is block's summation for n <= kernelPad. For each permutation
// a counting sort by permuted label lists the members of every group in
// ascending order and records, per row i, the tail of i's group after i;
// the tails are stored row-major so the row loop reads them sequentially.
// Then every row of the matrix is visited once, and its tails gathered with
// uint16 indices into a fixed-size view of the row (no bounds checks) while
// the row stays in L1.
func (k *permanovaKernel) blockSmall(s *permanovaScratch, perms [][]int) {
	n, ng := k.n, len(k.sizes)
	np := len(perms)
	skip := k.skip
	labels := k.labels[:n]
	tails := s.tails[:n*np]
	var cursor [64]int32
	var cursors []int32
	if ng <= len(cursor) {
		cursors = cursor[:ng]
	} else {
		cursors = make([]int32, ng)
	}
	for p, perm := range perms {
		base := p * n
		mem := s.mem[base : base+n]
		copy(cursors, s.start[:ng])
		perm = perm[:n]
		for i, pi := range perm {
			c := labels[pi]
			q := cursors[c]
			mem[q] = uint16(i)
			cursors[c] = q + 1
			t := permTail{lo: uint32(base) + uint32(q) + 1, hi: uint32(base) + uint32(s.start[c+1]), wi: uint32(p*ng + c)}
			if c == skip {
				t.hi = t.lo // derived afterwards; adding +0 leaves it unchanged
			}
			tails[i*np+p] = t
		}
	}
	w := s.wflat[:np*ng]
	for c := range w {
		w[c] = 0
	}
	mem := s.mem
	for i := 0; i < n; i++ {
		var row *[kernelPad]float64
		if k.padded {
			row = (*[kernelPad]float64)(k.d2[i*n : i*n+kernelPad])
		} else {
			row = s.buf
			copy(row[:n], k.d2[i*n:i*n+n])
		}
		for _, t := range tails[i*np : i*np+np] {
			w[t.wi] += gatherSum16(row, mem[t.lo:t.hi])
		}
	}
}

// blockLarge is block's summation for n > kernelPad.
func (k *permanovaKernel) blockLarge(s *permanovaScratch, perms [][]int) {
	n, ng := k.n, len(k.sizes)
	np := len(perms)
	cursors := make([]int32, ng)
	for p, perm := range perms {
		fill := s.pos[p][:n]
		lab := s.lab[p][:n]
		perm = perm[:n]
		for i, pi := range perm {
			lab[i] = int32(k.labels[pi])
		}
		// Counting sort by label; i ascending keeps runs sorted.
		copy(cursors, s.start[:ng])
		m := s.members[p][:n]
		for i, c := range lab {
			q := cursors[c]
			m[q] = int32(i)
			fill[i] = q
			cursors[c] = q + 1
		}
		w := s.w[p]
		for c := range w {
			w[c] = 0
		}
	}
	skip := int32(k.skip)
	for i := 0; i < n; i++ {
		row := k.d2[i*n : i*n+n]
		for p := 0; p < np; p++ {
			c := s.lab[p][i]
			if c == skip {
				continue
			}
			idx := s.members[p][s.pos[p][i]+1 : s.start[c+1]]
			s.w[p][c] += gatherSum(row, idx)
		}
	}
}

// gatherSum16 returns Σ row[idx[j]] in exactly gatherSum's order; the
// uint16 indices into the fixed-size row need no bounds checks.
func gatherSum16(row *[kernelPad]float64, idx []uint16) float64 {
	var s0, s1, s2, s3 float64
	for len(idx) >= 8 {
		i := idx[:8:8]
		s0 += row[i[0]] + row[i[4]]
		s1 += row[i[1]] + row[i[5]]
		s2 += row[i[2]] + row[i[6]]
		s3 += row[i[3]] + row[i[7]]
		idx = idx[8:]
	}
	for _, j := range idx {
		s0 += row[j]
	}
	return (s0 + s1) + (s2 + s3)
}

// gatherSum returns Σ row[idx[j]]: four accumulators each adding pairs,
// the tail into the first, then (s0+s1)+(s2+s3). p-values at ties depend on
// this order; keep every kernel variant on it.
func gatherSum(row []float64, idx []int32) float64 {
	var s0, s1, s2, s3 float64
	for len(idx) >= 8 {
		i := idx[:8:8]
		s0 += row[i[0]] + row[i[4]]
		s1 += row[i[1]] + row[i[5]]
		s2 += row[i[2]] + row[i[6]]
		s3 += row[i[3]] + row[i[7]]
		idx = idx[8:]
	}
	for _, j := range idx {
		s0 += row[j]
	}
	return (s0 + s1) + (s2 + s3)
}
