package ode

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// TestLUSolve: luSolve (column-oriented substitutions, two columns per
// pass) equals the same substitutions one column at a time bit for bit,
// agrees with the plain row-by-row substitution loops to 1e-12 relative (in the largest
// component), for n = 1..60 on random diagonally weighted systems whose
// entries span seven orders of magnitude, and its residual ‖Ax − b‖∞ is
// below 1e-12·(‖A‖∞‖x‖∞ + ‖b‖∞).
func TestLUSolve(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 60; n++ {
		for trial := 0; trial < 20; trial++ {
			a := make([]float64, n*n)
			for i := range a {
				a[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3))
			}
			for i := 0; i < n; i++ {
				a[i*n+i] += float64(n)
			}
			orig := append([]float64(nil), a...)
			piv := make([]int, n)
			if !luFactor(a, piv, n) {
				continue
			}
			b := make([]float64, n)
			for i := range b {
				b[i] = rng.NormFloat64()
			}
			want := append([]float64(nil), b...)
			luSolvePlain(a, piv, n, want)
			rhs := append([]float64(nil), b...)
			cols := append([]float64(nil), b...)
			luSolveColumns(a, piv, n, cols)
			luSolve(a, piv, n, b)
			for i := range b {
				if math.Float64bits(b[i]) != math.Float64bits(cols[i]) {
					t.Fatalf("n=%d trial %d: x[%d] = %v, one column at a time %v", n, trial, i, b[i], cols[i])
				}
			}
			var xmax, dmax, amax, bmax, rmax float64
			for i := range b {
				xmax = math.Max(xmax, math.Abs(want[i]))
				dmax = math.Max(dmax, math.Abs(b[i]-want[i]))
				bmax = math.Max(bmax, math.Abs(rhs[i]))
				var row, r float64
				for j := 0; j < n; j++ {
					row += math.Abs(orig[i*n+j])
					r += orig[i*n+j] * b[j]
				}
				amax = math.Max(amax, row)
				rmax = math.Max(rmax, math.Abs(r-rhs[i]))
			}
			if dmax > 1e-12*xmax {
				t.Fatalf("n=%d trial %d: max |x − x_plain| = %.3g, max |x| %.3g", n, trial, dmax, xmax)
			}
			if rmax > 1e-12*(amax*xmax+bmax) {
				t.Fatalf("n=%d trial %d: residual %.3g, ‖A‖ %.3g ‖x‖ %.3g ‖b‖ %.3g", n, trial, rmax, amax, xmax, bmax)
			}
		}
	}
}

// luSolveColumns is luSolve one column at a time (luSolve before it took
// two columns per pass): the same operations in the same order.
func luSolveColumns(a []float64, piv []int, n int, b []float64) {
	for k := 0; k < n; k++ {
		if p := piv[k]; p != k {
			b[k], b[p] = b[p], b[k]
		}
	}
	for k := 0; k < n-1; k++ {
		axpyCol(b[k+1:], a[(k+1)*n+k:], n, -b[k])
	}
	for k := n - 1; k >= 0; k-- {
		b[k] /= a[k*n+k]
		axpyCol(b[:k], a[k:], n, -b[k])
	}
}

// TestMatVecAndFiniteCheck: matVec (four rows at a time) equals plain
// row-by-row dot products bit for bit for n = 1..60, and firstNonFinite
// finds the first NaN or ±Inf wherever it is put (or none).
func TestMatVecAndFiniteCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 1; n <= 60; n++ {
		a := rodasKernelsMatrix(n)
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		w, want := make([]float64, n), make([]float64, n)
		matVec(w, a, v)
		matVecRows(want, a, v)
		for i := range w {
			if math.Float64bits(w[i]) != math.Float64bits(want[i]) {
				t.Fatalf("n=%d row %d: %v, one row at a time %v", n, i, w[i], want[i])
			}
		}
		if i := firstNonFinite(a); i != -1 {
			t.Fatalf("n=%d: firstNonFinite = %d on finite entries", n, i)
		}
		for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			k := rng.IntN(len(a))
			keep := a[k]
			a[k] = bad
			if i := firstNonFinite(a); i != k || firstNonFiniteBranches(a) != k {
				t.Fatalf("n=%d: %v at %d, firstNonFinite = %d", n, bad, k, i)
			}
			a[k] = keep
		}
	}
}

// matVecRows is matVec one row at a time (the reference).
func matVecRows(w, a, v []float64) {
	n := len(v)
	for i := 0; i < n; i++ {
		var r float64
		for j, x := range a[i*n : (i+1)*n] {
			r += x * v[j]
		}
		w[i] = r
	}
}

// firstNonFiniteBranches is firstNonFinite with a test per entry (the
// reference).
func firstNonFiniteBranches(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

// luSolvePlain is luSolve with plain loops (the reference).
func luSolvePlain(a []float64, piv []int, n int, b []float64) {
	for k := 0; k < n; k++ {
		if p := piv[k]; p != k {
			b[k], b[p] = b[p], b[k]
		}
	}
	for i := 1; i < n; i++ {
		var s float64
		for j := 0; j < i; j++ {
			s += a[i*n+j] * b[j]
		}
		b[i] -= s
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for j := i + 1; j < n; j++ {
			s -= a[i*n+j] * b[j]
		}
		b[i] = s / a[i*n+i]
	}
}

// rodasKernelsMatrix returns a dense n×n matrix like W = I/(hγ) − J of the
// default model (n = 50, J structurally 93 % full): random entries over
// seven orders of magnitude with a weighted diagonal.
func rodasKernelsMatrix(n int) []float64 {
	rng := rand.New(rand.NewPCG(5, 6))
	a := make([]float64, n*n)
	for i := range a {
		a[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3))
	}
	for i := 0; i < n; i++ {
		a[i*n+i] += float64(n)
	}
	return a
}

// BenchmarkRodasKernels times the dense linear algebra of one Rodas4 step
// at the default model's dimension (n = 50): the factorisation, one
// solve (a step makes six), the spectral-radius estimate (Auto, after
// every Jacobian; three matVecs) and the non-finite check of the Jacobian,
// each beside the form it replaced (".../columns": one column per pass;
// "matVec/rows": one row at a time; ".../branches": a test per entry),
// which gives the same bits, and the sparse path (sparseLU) on the default
// model's pattern (defaultPattern) with random values: the factorisation,
// one solve, and the analysis of an unchanged pattern (the scan every
// Jacobian costs). It reports process CPU nanoseconds per op
// beside the wall time (the machine is shared).
func BenchmarkRodasKernels(b *testing.B) {
	const n = 50
	a := rodasKernelsMatrix(n)
	lu := make([]float64, n*n)
	piv := make([]int, n)
	x := make([]float64, n)
	s, _ := NewSolver(n, Options{Method: Auto})
	copy(s.jac, a)
	// the default model's pattern at day 199 (361 nonzeros) with random
	// values: −10…−40 on the diagonal, 1e-3…10 off it
	rng := rand.New(rand.NewPCG(13, 14))
	spJac := make([]float64, n*n)
	for i, row := range defaultPattern {
		for j, c := range row {
			switch {
			case i == j:
				spJac[i*n+j] = -10 * (1 + math.Abs(rng.NormFloat64()))
			case c == 'x':
				spJac[i*n+j] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(5)-3))
			}
		}
	}
	var sp sparseLU
	if !sp.analyse(spJac, n) || !sp.factor(spJac, 3) {
		b.Fatal("the sparse test Jacobian does not take the sparse path")
	}
	for _, k := range []struct {
		name string
		f    func()
	}{
		{"luFactor", func() { copy(lu, a); luFactor(lu, piv, n) }},
		{"luSolve", func() {
			for i := range x {
				x[i] = 1
			}
			luSolve(lu, piv, n, x)
		}},
		{"luFactor/columns", func() { copy(lu, a); luFactorColumns(lu, piv, n) }},
		{"luSolve/columns", func() {
			for i := range x {
				x[i] = 1
			}
			luSolveColumns(lu, piv, n, x)
		}},
		{"spectralRadius", func() { s.spectralRadius() }},
		{"matVec", func() { matVec(x, a, s.pv[:n]) }},
		{"matVec/rows", func() { matVecRows(x, a, s.pv[:n]) }},
		{"firstNonFinite", func() {
			if firstNonFinite(a) >= 0 {
				b.Fatal("non-finite")
			}
		}},
		{"firstNonFinite/branches", func() {
			if firstNonFiniteBranches(a) >= 0 {
				b.Fatal("non-finite")
			}
		}},
		{"sparseFactor", func() { sp.factor(spJac, 3) }},
		{"sparseSolve", func() {
			for i := range x {
				x[i] = 1
			}
			sp.solve(x)
		}},
		{"sparseAnalyse", func() { sp.analyse(spJac, n) }},
	} {
		copy(lu, a)
		luFactor(lu, piv, n)
		b.Run(k.name, func(b *testing.B) {
			cpu0 := testutil.CPUSeconds()
			for b.Loop() {
				k.f()
			}
			b.ReportMetric((testutil.CPUSeconds()-cpu0)*1e9/float64(b.N), "cpu-ns/op")
		})
	}
}

// luFactorColumns is luFactor one column at a time (luFactor before it
// took two columns per pass): the reference for TestLUFactorPairs.
func luFactorColumns(a []float64, piv []int, n int) bool {
	for k := 0; k < n; k++ {
		p := k
		m := math.Abs(a[k*n+k])
		for i := k + 1; i < n; i++ {
			if v := math.Abs(a[i*n+k]); v > m {
				m, p = v, i
			}
		}
		piv[k] = p
		if m == 0 || math.IsNaN(m) {
			return false
		}
		if p != k {
			rk, rp := a[k*n:(k+1)*n], a[p*n:(p+1)*n]
			for j := range rk {
				rk[j], rp[j] = rp[j], rk[j]
			}
		}
		inv := 1 / a[k*n+k]
		rk := a[k*n+k+1 : (k+1)*n]
		for i := k + 1; i < n; i++ {
			l := a[i*n+k] * inv
			a[i*n+k] = l
			if l == 0 {
				continue
			}
			ri := a[i*n+k+1 : (i+1)*n][:len(rk)]
			for j, v := range rk {
				ri[j] -= l * v
			}
		}
	}
	return true
}

// TestLUFactorPairs: luFactor (two columns per pass) gives the same
// factors, pivots and verdict as the one-column elimination, bit for bit,
// for n = 1..60 on dense matrices, on matrices with many zeros (so that
// zero multipliers skip updates, including −0 entries) and on singular
// ones (a zero column, a repeated row).
func TestLUFactorPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := 1; n <= 60; n++ {
		for trial := 0; trial < 12; trial++ {
			a := rodasKernelsMatrix(n)
			for i := range a {
				switch {
				case trial%3 == 1 && rng.IntN(3) > 0:
					a[i] = 0
				case trial%3 == 2 && rng.IntN(4) == 0:
					a[i] = math.Copysign(0, -1)
				}
			}
			if trial == 10 && n > 1 { // a zero column
				for i := 0; i < n; i++ {
					a[i*n+n/2] = 0
				}
			}
			if trial == 11 && n > 1 { // row 1 = row 0
				copy(a[n:2*n], a[:n])
			}
			want := append([]float64(nil), a...)
			pw := make([]int, n)
			okw := luFactorColumns(want, pw, n)
			pg := make([]int, n)
			okg := luFactor(a, pg, n)
			if okg != okw {
				t.Fatalf("n=%d trial %d: luFactor %v, one column at a time %v", n, trial, okg, okw)
			}
			if !okw {
				continue
			}
			for i := range a {
				if math.Float64bits(a[i]) != math.Float64bits(want[i]) {
					t.Fatalf("n=%d trial %d: entry %d = %v, one column at a time %v", n, trial, i, a[i], want[i])
				}
			}
			for k := range pg {
				if pg[k] != pw[k] {
					t.Fatalf("n=%d trial %d: pivot %d = %d, one column at a time %d", n, trial, k, pg[k], pw[k])
				}
			}
		}
	}
}

// sparseTestJacobian returns a random n×n Jacobian with about density·n²
// nonzero off-diagonal entries over five orders of magnitude (1e-3 to
// 10), negative diagonal entries of 10–40 (one in eight exactly zero) and
// a dense row and column, as a coupling hub gives.
func sparseTestJacobian(rng *rand.Rand, n int, density float64) []float64 {
	j := make([]float64, n*n)
	for i := range j {
		if rng.Float64() < density {
			j[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(5)-3))
		}
	}
	hub := rng.IntN(n)
	for k := 0; k < n; k++ {
		j[hub*n+k] = rng.NormFloat64()
		j[k*n+hub] = rng.NormFloat64()
	}
	for i := 0; i < n; i++ {
		j[i*n+i] = -10 * (1 + math.Abs(rng.NormFloat64()))
		if rng.IntN(8) == 0 {
			j[i*n+i] = 0
		}
	}
	return j
}

// TestSparseLU: on random sparse Jacobians (n = 5..130, one and three
// words of pattern) the sparse factors solve W·x = b for W = fac·I − J to
// within 1e-12 of the dense partial-pivoting solution (relative to
// ‖x‖∞), and the solution does not depend on what the sparseLU factorised
// before (the same bits from a fresh one and from one that analysed
// another pattern first); a pattern too dense for the sparse path is
// declined; a W whose diagonal pivot would need a row interchange (a
// zero pivot, or growth beyond luGrowth) is declined by factor.
func TestSparseLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	used := 0
	for _, n := range []int{5, 20, 50, 64, 65, 130} {
		for trial := 0; trial < 10; trial++ {
			jac := sparseTestJacobian(rng, n, 0.05)
			fac := math.Pow(10, rng.Float64()*4-2)
			var fresh, warm sparseLU
			warm.analyse(sparseTestJacobian(rng, n, 0.1), n)
			if fresh.analyse(jac, n) != warm.analyse(jac, n) {
				t.Fatalf("n=%d: analyse depends on the previous pattern", n)
			}
			if !fresh.use || !fresh.factor(jac, fac) {
				continue
			}
			used++
			if !warm.factor(jac, fac) {
				t.Fatalf("n=%d trial %d: the warm analysis declines what the fresh one takes", n, trial)
			}
			b := make([]float64, n)
			for i := range b {
				b[i] = rng.NormFloat64()
			}
			x, xw, xd := append([]float64(nil), b...), append([]float64(nil), b...), append([]float64(nil), b...)
			fresh.solve(x)
			warm.solve(xw)
			lu := make([]float64, n*n)
			for i, v := range jac {
				lu[i] = -v
			}
			for i := 0; i < n; i++ {
				lu[i*n+i] += fac
			}
			piv := make([]int, n)
			if !luFactor(lu, piv, n) {
				t.Fatalf("n=%d trial %d: dense W singular", n, trial)
			}
			luSolve(lu, piv, n, xd)
			var xmax, dmax float64
			for i := range x {
				if math.Float64bits(x[i]) != math.Float64bits(xw[i]) {
					t.Fatalf("n=%d trial %d: x[%d] %v after another pattern, %v fresh", n, trial, i, xw[i], x[i])
				}
				xmax = math.Max(xmax, math.Abs(xd[i]))
				dmax = math.Max(dmax, math.Abs(x[i]-xd[i]))
			}
			if dmax > 1e-12*xmax {
				t.Fatalf("n=%d trial %d: max |x_sparse − x_dense| = %.3g, ‖x‖ %.3g", n, trial, dmax, xmax)
			}
		}
	}
	if used < 30 {
		t.Fatalf("the sparse path took only %d of 60 systems", used)
	}
	// dense: declined
	var f sparseLU
	if f.analyse(rodasKernelsMatrix(50), 50) {
		t.Error("a full 50×50 pattern took the sparse path")
	}
	// a W that needs a row interchange: components 0 and 1 coupled by
	// ±1 with W_00 = 1e-12 (J_00 = fac − 1e-12) and W_11 = 1; the other
	// 38 components decoupled
	n, fac := 40, 2.0
	jac := make([]float64, n*n)
	for i := 0; i < n; i++ {
		jac[i*n+i] = -1
	}
	jac[0], jac[1], jac[n] = fac-1e-12, 1, 1
	if !f.analyse(jac, n) {
		t.Fatal("the 40×40 pattern with 42 nonzeros was declined")
	}
	if f.factor(jac, fac) {
		t.Error("factor took a pivot of 1e-12 under entries of 1 (growth 1e12)")
	}
	jac[0] = fac
	if f.factor(jac, fac) {
		t.Error("factor took a zero pivot")
	}
}

// defaultPattern is the nonzero pattern of the default model's Jacobian
// at day 199 of the 365-day default run (a Rodas4 step; x: nonzero), for
// BenchmarkRodasKernels.
var defaultPattern = [...]string{
	"xxxx.xx...........................................",
	"xxxx.xx...........................................",
	"..xx.xx...........................................",
	"xxxxxxx.x.x.x.xx...x....x.xxxxxxxxxxxxxxxxxxxxxxxx",
	"....xx.............x....xx........................",
	"..x..x..x.x.x.xxx.xx....x.........................",
	"..x..xx.x.x.x.xxx.xx....x.........................",
	"xxxx.xxx...........x....x..xx.....................",
	"..................................................",
	"xxxx.xx..x.........x....x........xx...............",
	"..................................................",
	"xxxx.xx....x.......x....x..............xx.........",
	"..................................................",
	"xxxx.xx......x.....x....x....................xx...",
	"..................................................",
	"..................................................",
	"...x............x.........x.......................",
	".................x................................",
	"...x.xx..........xx...............................",
	".....x.............xxxxxxx........................",
	"...................xxxxxx.........................",
	".....x.............xxxxxxx........................",
	"xxxx.xx............xxxxxx.........................",
	"...................xxxxxx.........................",
	"........................x.........................",
	".........................x........................",
	"..........................xxxxxx..................",
	".....xx...................xxxxxx..................",
	"xxxx.xxxx.................xxxxxx..................",
	".....xx...................xxxxxx..................",
	"..........................xxxxxx..................",
	"..........................xxxxxx..................",
	"................................xxxxxx............",
	"................................xxxxxx............",
	"xxxx.xx..xx.....................xxxxxx............",
	"................................xxxxxx............",
	"................................xxxxxx............",
	"................................xxxxxx............",
	"......................................xxxxxx......",
	".....xx...............................xxxxxx......",
	"xxxx.xx....xx.........................xxxxxx......",
	".....xx...............................xxxxxx......",
	"......................................xxxxxx......",
	"......................................xxxxxx......",
	"............................................xxxxxx",
	"............................................xxxxxx",
	"xxxx.xx......xx.............................xxxxxx",
	"............................................xxxxxx",
	"............................................xxxxxx",
	"............................................xxxxxx",
}
