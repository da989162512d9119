package ode

import (
	"math"
	"math/bits"
)

// sparseLU factorises W = I/(hγ) − J on the nonzero pattern of the
// Jacobian J: the pattern of the values (exact zeros, such as the
// couplings of a pos() term below its threshold or of an absent taxon,
// are left out), symmetrically permuted by a minimum-degree ordering, and
// eliminated with diagonal pivots, the factors admitted by a growth test
// (see factor; otherwise Rodas4 factorises the dense W with partial
// pivoting for that step). The ordering and the structure of the factors (fill-in included)
// are a function of the pattern alone and are recomputed only when the
// pattern changes, so the factors are a function of the matrix's values
// whatever was factorised before.
type sparseLU struct {
	n, words int
	pat      []uint64 // pattern of the analysed J (n rows of words), all zero before the first analysis
	use      bool     // the pattern is sparse enough for this path (see analyse)

	perm []int // perm[k]: the component eliminated k-th
	// structure in elimination order: L's column k holds rows
	// lRows[lStart[k]:lStart[k+1]] (> k), U's row k columns
	// uCols[uStart[k]:uStart[k+1]] (> k)
	lStart, lRows, uStart, uCols []int
	// loading W: v[dst[e]] = −J[src[e]] for the nonzeros of J (row i of
	// W at e < rowEnd[i]), v = 0 at the fill-in positions zero[...]
	dst, src, zero, rowEnd []int
	v, x                   []float64 // the factors (n×n, permuted, only the structure used), a permuted right-hand side
	us                     []float64 // growthOK: the row sums of |U|
	lVal, uVal             []float64 // the factors' entries in the order of lRows and uCols (for solve)
	dInv                   []float64 // 1/u_kk

	// scratch of the analysis, kept so that a new pattern allocates nothing
	adj       []uint64
	done      []bool
	sym, orig []bool
}

// luGrowth bounds ‖|L|·|U|‖∞ / ‖W‖∞ for the factors of sparseLU (see
// factor).
const luGrowth = 1e3

// analyse records the nonzero pattern of the row-major n×n matrix jac
// and, when it differs from the last one analysed, orders and
// structures it again. It reports whether the sparse path is to be used:
// when the elimination needs at most a quarter of the dense
// elimination's n³/3 multiply-adds.
func (f *sparseLU) analyse(jac []float64, n int) bool {
	words := (n + 63) / 64
	if f.n != n {
		// all zero: no pattern matches it (the diagonal is always in)
		*f = sparseLU{n: n, words: words, pat: make([]uint64, n*words), v: make([]float64, n*n), x: make([]float64, n), us: make([]float64, n), dInv: make([]float64, n),
			adj: make([]uint64, n*words), done: make([]bool, n), sym: make([]bool, n*n), orig: make([]bool, n*n),
			perm: make([]int, 0, n), lStart: make([]int, 0, n+1), uStart: make([]int, 0, n+1)}
	}
	changed := false
	for i := 0; i < n; i++ {
		row := jac[i*n : (i+1)*n]
		for w := 0; w < words; w++ {
			m := nonzeroMask(row[w*64 : min(n, (w+1)*64)])
			if i/64 == w {
				m |= 1 << uint(i%64)
			}
			if f.pat[i*words+w] != m {
				f.pat[i*words+w] = m
				changed = true
			}
		}
	}
	if changed {
		f.order()
		f.use = f.structure()*4 <= n*n*n/3
	}
	return f.use
}

// nonzeroMask returns the bit mask of the nonzero (or NaN) entries of x
// (len(x) ≤ 64), without a branch per entry: |x|'s bits a are nonzero
// exactly then, and (a | −a) >> 63 is 1 for a ≠ 0. Four masks, so that
// the ORs do not wait on each other.
func nonzeroMask(x []float64) uint64 {
	nz := func(v float64) uint64 {
		a := math.Float64bits(v) &^ (1 << 63)
		return (a | -a) >> 63
	}
	var m0, m1, m2, m3 uint64
	j := 0
	for ; j+4 <= len(x); j += 4 {
		w := x[j : j+4 : j+4]
		m0 |= nz(w[0]) << uint(j)
		m1 |= nz(w[1]) << uint(j+1)
		m2 |= nz(w[2]) << uint(j+2)
		m3 |= nz(w[3]) << uint(j+3)
	}
	for ; j < len(x); j++ {
		m0 |= nz(x[j]) << uint(j)
	}
	return m0 | m1 | m2 | m3
}

// order sets f.perm to a minimum-degree ordering of the symmetrised
// pattern: repeatedly the component with the fewest neighbours among
// those not yet eliminated (the lowest index on ties), whose neighbours
// then become a clique (the fill-in its elimination causes).
func (f *sparseLU) order() {
	n, words := f.n, f.words
	adj, done := f.adj, f.done
	clear(adj)
	clear(done)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j && (f.has(i, j) || f.has(j, i)) {
				adj[i*words+j/64] |= 1 << uint(j%64)
			}
		}
	}
	f.perm = f.perm[:0]
	for len(f.perm) < n {
		best, bd := -1, n+1
		for i := 0; i < n; i++ {
			if d := popcount(adj[i*words : (i+1)*words]); !done[i] && d < bd {
				best, bd = i, d
			}
		}
		f.perm = append(f.perm, best)
		done[best] = true
		nb := adj[best*words : (best+1)*words]
		for x := 0; x < n; x++ {
			if nb[x/64]&(1<<uint(x%64)) == 0 {
				continue
			}
			ax := adj[x*words : (x+1)*words]
			for w := range ax {
				ax[w] |= nb[w]
			}
			ax[x/64] &^= 1 << uint(x%64)
			ax[best/64] &^= 1 << uint(best%64)
		}
		clear(nb)
	}
}

func (f *sparseLU) has(i, j int) bool { return f.pat[i*f.words+j/64]&(1<<uint(j%64)) != 0 }

func popcount(w []uint64) int {
	c := 0
	for _, x := range w {
		c += bits.OnesCount64(x)
	}
	return c
}

// structure computes the factors' structure in the order f.perm by
// symbolic elimination without pivoting, and the loading lists. It
// returns the number of multiply-adds of the elimination.
func (f *sparseLU) structure() int {
	n := f.n
	a, orig := f.sym, f.orig
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a[i*n+j] = f.has(f.perm[i], f.perm[j])
		}
	}
	copy(orig, a)
	ops := 0
	f.lStart, f.lRows, f.uStart, f.uCols = f.lStart[:0], f.lRows[:0], f.uStart[:0], f.uCols[:0]
	for k := 0; k < n; k++ {
		f.lStart, f.uStart = append(f.lStart, len(f.lRows)), append(f.uStart, len(f.uCols))
		for j := k + 1; j < n; j++ {
			if a[k*n+j] {
				f.uCols = append(f.uCols, j)
			}
		}
		for i := k + 1; i < n; i++ {
			if !a[i*n+k] {
				continue
			}
			f.lRows = append(f.lRows, i)
			for _, j := range f.uCols[f.uStart[k]:] {
				a[i*n+j] = true
				ops++
			}
		}
	}
	f.lStart, f.uStart = append(f.lStart, len(f.lRows)), append(f.uStart, len(f.uCols))
	f.dst, f.src, f.zero, f.rowEnd = f.dst[:0], f.src[:0], f.zero[:0], f.rowEnd[:0]
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			switch {
			case orig[i*n+j]:
				f.dst, f.src = append(f.dst, i*n+j), append(f.src, f.perm[i]*n+f.perm[j])
			case a[i*n+j]:
				f.zero = append(f.zero, i*n+j)
			}
		}
		f.rowEnd = append(f.rowEnd, len(f.dst))
	}
	return ops
}

// factor loads W = fac·I − J and eliminates it with diagonal pivots. It
// reports false, and the caller factorises the dense W with partial
// pivoting instead, when a pivot is zero or the factors are not finite, or
// when ‖|L|·|U|‖∞ > luGrowth·‖W‖∞: the backward error of the solves is
// bounded by a small multiple of n·ε·‖|L|·|U|‖∞ (Higham, Accuracy and
// Stability of Numerical Algorithms, 2nd ed., Thms. 9.3–9.4), so the test
// admits the factors only when that bound is within luGrowth of the
// ‖W‖∞ scale of partial pivoting's usual bound. (A threshold test on each
// pivot against its column, as threshold partial pivoting does, rejects
// the default model's W at every step: a probiotic column has entries of
// 2e4 below a pivot of 1–7, while the pivot's row is small, so the factors
// are harmless.)
func (f *sparseLU) factor(jac []float64, fac float64) bool {
	n, v := f.n, f.v
	for e, d := range f.dst {
		v[d] = -jac[f.src[e]]
	}
	for _, d := range f.zero {
		v[d] = 0
	}
	var wnorm float64
	for i, e0 := 0, 0; i < n; i++ {
		v[i*n+i] += fac
		var r float64
		for _, d := range f.dst[e0:f.rowEnd[i]] {
			r += math.Abs(v[d])
		}
		e0 = f.rowEnd[i]
		wnorm = math.Max(wnorm, r)
	}
	for k := 0; k < n; k++ {
		p := v[k*n+k]
		if p == 0 {
			return false
		}
		inv := 1 / p
		ucols := f.uCols[f.uStart[k]:f.uStart[k+1]]
		rk := v[k*n : (k+1)*n]
		for _, i := range f.lRows[f.lStart[k]:f.lStart[k+1]] {
			l := v[i*n+k] * inv
			v[i*n+k] = l
			ri := v[i*n : (i+1)*n]
			for _, j := range ucols {
				ri[j] -= l * rk[j]
			}
		}
	}
	if !f.growthOK(wnorm) {
		return false
	}
	f.gather()
	return true
}

// gather copies the factors' entries into lVal, uVal and dInv, in the
// order solve reads them.
func (f *sparseLU) gather() {
	n, v := f.n, f.v
	f.lVal, f.uVal = f.lVal[:0], f.uVal[:0]
	for k := 0; k < n; k++ {
		for _, i := range f.lRows[f.lStart[k]:f.lStart[k+1]] {
			f.lVal = append(f.lVal, v[i*n+k])
		}
		for _, j := range f.uCols[f.uStart[k]:f.uStart[k+1]] {
			f.uVal = append(f.uVal, v[k*n+j])
		}
		f.dInv[k] = 1 / v[k*n+k]
	}
}

// growthOK reports whether ‖|L|·|U|‖∞ ≤ luGrowth·wnorm (false when it is
// not finite): row i of |L|·|U| sums to s_i + Σ_k |l_ik|·s_k with s_k the
// sum of |U|'s row k.
func (f *sparseLU) growthOK(wnorm float64) bool {
	n, v, us, t := f.n, f.v, f.us[:f.n], f.x[:f.n]
	for k := 0; k < n; k++ {
		rk := v[k*n : (k+1)*n]
		s := math.Abs(rk[k])
		for _, j := range f.uCols[f.uStart[k]:f.uStart[k+1]] {
			s += math.Abs(rk[j])
		}
		us[k], t[k] = s, s
	}
	for k := 0; k < n; k++ {
		for _, i := range f.lRows[f.lStart[k]:f.lStart[k+1]] {
			t[i] += math.Abs(v[i*n+k]) * us[k]
		}
	}
	var m float64
	for _, x := range t {
		m = math.Max(m, x)
	}
	return m <= luGrowth*wnorm
}

// solve solves W·x = b in place with the factors of factor.
func (f *sparseLU) solve(b []float64) {
	n, x := f.n, f.x[:f.n]
	for k, p := range f.perm[:n] {
		x[k] = b[p]
	}
	lRows, lVal := f.lRows, f.lVal[:len(f.lRows)]
	for k := 0; k < n; k++ {
		xk := x[k]
		for e := f.lStart[k]; e < f.lStart[k+1]; e++ {
			x[lRows[e]] -= lVal[e] * xk
		}
	}
	uCols, uVal := f.uCols, f.uVal[:len(f.uCols)]
	for k := n - 1; k >= 0; k-- {
		s := x[k]
		for e := f.uStart[k]; e < f.uStart[k+1]; e++ {
			s -= uVal[e] * x[uCols[e]]
		}
		x[k] = s * f.dInv[k]
	}
	for k, p := range f.perm[:n] {
		b[p] = x[k]
	}
}
