package stats

import (
	"context"
	"fmt"
	"math"

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
	d2 := make([]float64, n*n)
	for i, v := range d.Data {
		d2[i] = v * v
	}
	var total float64
	for i := 0; i < n; i++ {
		row := d2[i*n : i*n+n]
		for j := i + 1; j < n; j++ {
			total += row[j]
		}
	}
	sT := total / float64(n)
	sW := withinSS(d2, n, g.Labels, g.Sizes)
	f := pseudoF(sT, sW, n, a)
	res := &Result{Method: "PERMANOVA", StatName: "pseudo-F", Statistic: f, N: n, Groups: a,
		Permutations: opt.Permutations, R2: (sT - sW) / sT, PValue: math.NaN()}
	if opt.Permutations == 0 {
		return res, nil
	}
	k := newPermanovaKernel(d2, n, g)
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
}

type permanovaScratch struct {
	members [][]int32 // per permutation: object indices ordered by group, ascending within a group
	start   [][]int32 // per permutation: start of each group's run in members
	pos     [][]int32 // per permutation: position of object i in members
	lab     [][]int32 // per permutation: permuted label of object i
	w       [][]float64
}

func newPermanovaKernel(d2 []float64, n int, g *Grouping) *permanovaKernel {
	k := &permanovaKernel{d2: d2, n: n, labels: g.Labels, sizes: g.Sizes, skip: -1, rows: make([]float64, n)}
	for i := 0; i < n; i++ {
		var s float64
		for _, v := range d2[i*n : i*n+n] {
			s += v
		}
		k.rows[i] = s
		for _, v := range d2[i*n+i+1 : i*n+n] {
			k.total += v
		}
	}
	if len(g.Sizes) == 2 {
		k.skip = 0
		if g.Sizes[1] > g.Sizes[0] {
			k.skip = 1
		}
	}
	return k
}

func (k *permanovaKernel) scratch() *permanovaScratch {
	s := &permanovaScratch{}
	for range PermBlock {
		s.members = append(s.members, make([]int32, k.n))
		s.start = append(s.start, make([]int32, len(k.sizes)+1))
		s.pos = append(s.pos, make([]int32, k.n))
		s.lab = append(s.lab, make([]int32, k.n))
		s.w = append(s.w, make([]float64, len(k.sizes)))
	}
	return s
}

// block computes, for each permutation p, the per-group within sums
// W_c = Σ_{i<j in c} d2_ij into s.w[p] and writes combine(s.w[p]) to dst[p].
func (k *permanovaKernel) block(s *permanovaScratch, perms [][]int, dst []float64, combine func(w []float64) float64) {
	n, ng := k.n, len(k.sizes)
	np := len(perms)
	for p, perm := range perms {
		st := s.start[p]
		st[0] = 0
		for c := 0; c < ng; c++ {
			st[c+1] = st[c] + int32(k.sizes[c])
		}
		fill := s.pos[p]
		lab := s.lab[p]
		for i := 0; i < n; i++ {
			lab[i] = int32(k.labels[perm[i]])
		}
		// Counting sort by label; i ascending keeps runs sorted.
		var cursor [64]int32
		var cursors []int32
		if ng <= len(cursor) {
			cursors = cursor[:ng]
		} else {
			cursors = make([]int32, ng)
		}
		copy(cursors, st[:ng])
		m := s.members[p]
		for i := 0; i < n; i++ {
			c := lab[i]
			m[cursors[c]] = int32(i)
			fill[i] = cursors[c]
			cursors[c]++
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
			end := s.start[p][c+1]
			idx := s.members[p][s.pos[p][i]+1 : end]
			s.w[p][c] += gatherSum(row, idx)
		}
	}
	for p := 0; p < np; p++ {
		w := s.w[p]
		if k.skip >= 0 {
			o := 1 - k.skip
			var rs float64
			m := s.members[p][s.start[p][o]:s.start[p][o+1]]
			for _, i := range m {
				rs += k.rows[i]
			}
			w[k.skip] = k.total + w[o] - rs
		}
		dst[p] = combine(w)
	}
}

// gatherSum returns Σ row[idx[j]].
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
