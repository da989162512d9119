package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// refGatherSum is the summation order the permutation kernel must keep
// (four accumulators, pairs added first): p-values at ties depend on it.
func refGatherSum(row []float64, idx []int) float64 {
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

// refWithin returns the per-group within sums of one labelling in the
// kernel's order: rows ascending, each row's later group members gathered
// with refGatherSum; with two groups the larger one follows from the
// identity W_L = Total + W_S - Σ_{i in S} r_i.
func refWithin(d2 []float64, n int, lab, sizes []int) []float64 {
	ng := len(sizes)
	members := make([][]int, ng)
	for i := 0; i < n; i++ {
		members[lab[i]] = append(members[lab[i]], i)
	}
	skip := -1
	if ng == 2 {
		skip = 0
		if sizes[1] > sizes[0] {
			skip = 1
		}
	}
	w := make([]float64, ng)
	pos := make([]int, ng)
	for i := 0; i < n; i++ {
		c := lab[i]
		pos[c]++
		if c == skip {
			continue
		}
		w[c] += refGatherSum(d2[i*n:i*n+n], members[c][pos[c]:])
	}
	if skip >= 0 {
		var total float64
		for i := 0; i < n; i++ {
			for _, v := range d2[i*n+i+1 : i*n+n] {
				total += v
			}
		}
		o := 1 - skip
		var rs float64
		for _, i := range members[o] {
			var s float64
			for _, v := range d2[i*n : i*n+n] {
				s += v
			}
			rs += s
		}
		w[skip] = total + w[o] - rs
	}
	return w
}

// TestPermanovaKernelBitIdentical checks the optimised block kernel against
// the plain reference bit for bit (not to a tolerance), for padded and
// unpadded matrices and the large-n path, blocks of several sizes and 1-5 groups of unequal
// sizes, including groups of one.
func TestPermanovaKernelBitIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ n, ng, np int }{
		{2, 1, 3}, {3, 2, 5}, {17, 2, 64}, {40, 3, 7}, {101, 4, 64}, {64, 5, 33}, {230, 2, 20},
	} {
		for mode, padded := range []bool{false, true, false} {
			n := tc.n
			var d2 []float64
			if padded {
				d2 = make([]float64, n*n, n*n+kernelPad)
			} else {
				d2 = make([]float64, n*n)
			}
			for i := 0; i < n; i++ {
				for j := i + 1; j < n; j++ {
					v := r.ExpFloat64() * math.Exp(10*r.Float64()-5)
					d2[i*n+j], d2[j*n+i] = v, v
				}
			}
			vals := make([]int, n)
			for i := range vals {
				vals[i] = r.IntN(tc.ng)
			}
			for c := 0; c < tc.ng && c < n; c++ {
				vals[c] = c // every group non-empty
			}
			sizes := make([]int, tc.ng)
			for _, c := range vals {
				sizes[c]++
			}
			g := &Grouping{Labels: vals, Sizes: sizes, Names: make([]string, tc.ng)}
			k := newPermanovaKernel(d2, n, g)
			if mode == 2 {
				k.small = false // the int32 path used for n > kernelPad
			}
			s := k.scratch()
			perms := make([][]int, tc.np)
			for p := range perms {
				perms[p] = r.Perm(n)
			}
			got := make([][]float64, tc.np)
			dst := make([]float64, tc.np)
			p := 0
			k.block(s, perms, dst, func(w []float64) float64 {
				got[p] = append([]float64(nil), w...)
				p++
				return 0
			})
			for p, perm := range perms {
				lab := make([]int, n)
				for i := range lab {
					lab[i] = vals[perm[i]]
				}
				want := refWithin(d2, n, lab, sizes)
				for c := range want {
					if math.Float64bits(got[p][c]) != math.Float64bits(want[c]) {
						t.Errorf("n=%d groups=%d mode %d perm %d group %d: kernel %v, reference %v",
							n, tc.ng, mode, p, c, got[p][c], want[c])
					}
				}
			}
		}
	}
}

// TestTotalWithinBitIdentical checks the fused set-up sums (squareRows,
// totalWithin) against the direct double loops bit for bit.
func TestTotalWithinBitIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct{ n, ng, workers int }{{2, 1, 1}, {9, 2, 2}, {130, 3, 2}, {300, 5, 3}} {
		n := tc.n
		data := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				v := r.Float64() * math.Exp(8*r.Float64()-4)
				data[i*n+j], data[j*n+i] = v, v
			}
		}
		vals := make([]int, n)
		for i := range vals {
			vals[i] = r.IntN(tc.ng)
		}
		for c := 0; c < tc.ng && c < n; c++ {
			vals[c] = c
		}
		sizes := make([]int, tc.ng)
		for _, c := range vals {
			sizes[c]++
		}
		g := &Grouping{Labels: vals, Sizes: sizes, Names: make([]string, tc.ng)}
		d2 := make([]float64, n*n)
		rows := make([]float64, n)
		squareRows(d2, rows, data, n, tc.workers)
		total, sW := totalWithin(d2, n, g)
		ref := newPermanovaKernel(d2, n, g)
		for i, v := range data {
			if d2[i] != v*v {
				t.Fatalf("n=%d: d2[%d] = %v, want %v", n, i, d2[i], v*v)
			}
		}
		for i := range rows {
			if math.Float64bits(rows[i]) != math.Float64bits(ref.rows[i]) {
				t.Errorf("n=%d: row sum %d = %v, want %v", n, i, rows[i], ref.rows[i])
			}
		}
		if math.Float64bits(total) != math.Float64bits(ref.total) {
			t.Errorf("n=%d: total %v, want %v", n, total, ref.total)
		}
		if want := withinSS(d2, n, vals, sizes); math.Float64bits(sW) != math.Float64bits(want) {
			t.Errorf("n=%d: within %v, want %v", n, sW, want)
		}
	}
}

func TestValidSymmetric(t *testing.T) {
	const n = 150 // more than two tiles
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a[i*n+j], a[j*n+i] = float64(i+j), float64(i+j)
		}
	}
	if !validSymmetric(a, n) {
		t.Fatal("valid matrix rejected")
	}
	for _, tc := range []struct {
		i, j int
		v    float64
	}{
		{0, 0, 1}, {149, 149, 1e-300}, {3, 140, 1}, {140, 3, 1}, {70, 71, math.NaN()}, {64, 63, math.NaN()},
		{10, 100, math.Inf(1)}, {100, 10, -1}, {148, 149, 0},
	} {
		b := append([]float64(nil), a...)
		b[tc.i*n+tc.j] = tc.v
		if tc.i != tc.j && (tc.v < 0 || math.IsInf(tc.v, 0)) {
			b[tc.j*n+tc.i] = tc.v // symmetric but invalid
		}
		if validSymmetric(b, n) {
			t.Errorf("a[%d,%d] = %v accepted", tc.i, tc.j, tc.v)
		}
	}
}

// BenchmarkPermanovaBlock times one block of PermBlock label permutations
// of the kernel alone (n = 2,000, 4 groups, padded matrix): a 999-permutation
// test runs 16 such blocks. It must not allocate.
func BenchmarkPermanovaBlock(b *testing.B) {
	d, g := benchMatrix(2000, 4)
	n := d.N()
	d2 := make([]float64, n*n, padCap(n))
	rows := make([]float64, n)
	squareRows(d2, rows, d.Data, n, 1)
	total, _ := totalWithin(d2, n, g)
	k := kernelFrom(d2, n, g, rows, total)
	s := k.scratch()
	r := rand.New(rand.NewPCG(1, 1))
	perms := make([][]int, PermBlock)
	for p := range perms {
		perms[p] = r.Perm(n)
	}
	dst := make([]float64, PermBlock)
	sum := func(w []float64) float64 { return w[0] + w[1] + w[2] + w[3] }
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		k.block(s, perms, dst, sum)
	}
}
