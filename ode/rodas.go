package ode

import (
	"math"

	"github.com/holobiont/holobiont/internal/fmath"
)

const sqrtEps = 1.4901161193847656e-08

// RODAS coefficients (Hairer & Wanner, rodas.f, METH=1).
const (
	roGamma = 0.25
	roC2    = 0.386
	roC3    = 0.21
	roC4    = 0.63
	roD1    = 0.25
	roD2    = -0.1043
	roD3    = 0.1035
	roD4    = -0.3620000000000023e-01
	roA21   = 0.1544000000000000e+01
	roA31   = 0.9466785280815826e+00
	roA32   = 0.2557011698983284e+00
	roA41   = 0.3314825187068521e+01
	roA42   = 0.2896124015972201e+01
	roA43   = 0.9986419139977817e+00
	roA51   = 0.1221224509226641e+01
	roA52   = 0.6019134481288629e+01
	roA53   = 0.1253708332932087e+02
	roA54   = -0.6878860361058950e+00
	roC21   = -0.5668800000000000e+01
	roC31   = -0.2430093356833875e+01
	roC32   = -0.2063599157091915e+00
	roC41   = -0.1073529058151375e+00
	roC42   = -0.9594562251023355e+01
	roC43   = -0.2047028614809616e+02
	roC51   = 0.7496443313967647e+01
	roC52   = -0.1024680431464352e+02
	roC53   = -0.3399990352819905e+02
	roC54   = 0.1170890893206160e+02
	roC61   = 0.8083246795921522e+01
	roC62   = -0.7981132988064893e+01
	roC63   = -0.3152159432874371e+02
	roC64   = 0.1631930543123136e+02
	roC65   = -0.6058818238834054e+01
	roD21   = 0.1012623508344586e+02
	roD22   = -0.7487995877610167e+01
	roD23   = -0.3480091861555747e+02
	roD24   = -0.7992771707568823e+01
	roD25   = 0.1025137723295662e+01
	roD31   = -0.6762803392801253e+00
	roD32   = 0.6087714651680015e+01
	roD33   = 0.1643084320892478e+02
	roD34   = 0.2476722511418386e+02
	roD35   = -0.6594389125716872e+01
)

// jacobian evaluates J = ∂f/∂y and ∂f/∂t at (t, y) with s.f0 = f(t, y).
func (s *Solver) jacobian(t float64, y []float64) {
	n := s.n
	s.stats.JacEvals++
	if s.jacSys != nil {
		s.jacSys.Jacobian(t, y, s.jac)
	} else {
		yp := s.yn
		copy(yp, y)
		for j := 0; j < n; j++ {
			yj := yp[j]
			// Increment scaled by the component's tolerance scale, so that
			// tiny components (atol ≪ 1) are perturbed relative to their size.
			d := sqrtEps * math.Max(math.Abs(yj), s.atol[j]+s.rtol*math.Abs(yj))
			yp[j] = yj + d
			d = yp[j] - yj // exactly representable increment
			s.rhs(t, yp, s.fn)
			for i := 0; i < n; i++ {
				s.jac[i*n+j] = (s.fn[i] - s.f0[i]) / d
			}
			yp[j] = yj
		}
	}
	// ∂f/∂t by a forward difference.
	dt := math.Sqrt(epsilon * math.Max(1e-5, math.Abs(t)))
	s.rhs(t+dt, y, s.fn)
	for i := range s.fx {
		s.fx[i] = (s.fn[i] - s.f0[i]) / dt
	}
	if s.opt.Method == Auto {
		s.rho = s.spectralRadius()
	}
	s.decoupledRows()
	s.jacOK = true
}

// decoupledRows records in s.dec the rows of s.jac with no off-diagonal
// entry: components whose rate depends on no other component at (t, y),
// such as a population at exactly zero (x·g(y) has ∂/∂y_j = x·∂g/∂y_j = 0).
// The Rosenbrock system (I/(hγ) − J)·g = b gives such a component
// g_i = b_i/(1/(hγ) − J_ii) exactly, but partial pivoting can swap its row
// with another and leave roundoff (~1e-24 relative) in g_i: an absent,
// undosed taxon would then appear from nothing. solve restores g_i.
func (s *Solver) decoupledRows() {
	n := s.n
	s.dec = s.dec[:0]
	for i := 0; i < n; i++ {
		row := s.jac[i*n : (i+1)*n]
		alone := true
		for j, v := range row {
			if v != 0 && j != i {
				alone = false
				break
			}
		}
		if alone {
			s.dec = append(s.dec, i)
		}
	}
}

// solve solves (I/(hγ) − J)·g = b in place with the factors in s.lu and
// s.piv (fac = 1/(hγ)). The decoupled rows (s.dec) take their exact
// solution b_i/(fac − J_ii).
func (s *Solver) solve(b []float64, fac float64) {
	if s.sparseOn {
		// a decoupled row has only its diagonal in both factors: its
		// solution is already b_i/(fac − J_ii)
		s.slu.solve(b)
		return
	}
	s.decB = s.decB[:0]
	for _, i := range s.dec {
		s.decB = append(s.decB, b[i])
	}
	luSolve(s.lu, s.piv, s.n, b)
	for k, i := range s.dec {
		b[i] = s.decB[k] / (fac - s.jac[i*s.n+i])
	}
}

// spectralRadius estimates the spectral radius of s.jac by powerIters
// steps of the power iteration, warm-started from the previous estimate's
// vector (the first time from a fixed vector with irrational-spaced
// entries, so that it is not orthogonal to a dominant eigenvector by
// symmetry, as the all-ones vector is for J = k[[−1, 1], [1, −1]]): the
// largest ratio ‖J v‖/‖v‖ seen (the ratio oscillates around |λ| for a
// dominant complex pair). It is a far tighter bound than ‖J‖∞ on models
// whose Jacobian has large off-diagonal couplings but small eigenvalues.
func (s *Solver) spectralRadius() float64 {
	n := s.n
	v, w := s.pv[:n], s.pw[:n]
	vn := norm2(v)
	if !(vn > 0) || math.IsInf(vn, 0) {
		startVector(v, 0)
		vn = norm2(v)
	}
	var rho float64
	restarted := false
	for it := 0; it < powerIters; it++ {
		matVec(w, s.jac, v)
		wn := norm2(w)
		if math.IsInf(wn, 0) || math.IsNaN(wn) {
			clear(v)
			return math.Inf(1)
		}
		if wn == 0 {
			// v in the null space: one restart from another vector
			if restarted {
				break
			}
			restarted = true
			startVector(v, 1)
			vn = norm2(v)
			continue
		}
		rho = math.Max(rho, wn/vn)
		for i := range v {
			v[i] = w[i] / wn
		}
		vn = 1
	}
	return rho
}

// matVec sets w = A·v for the row-major n×n matrix a (n = len(v)). Four
// rows at a time: each row's sum is formed in the same order as a plain
// dot product (so the result is bit for bit the same), but the four
// chains of dependent additions overlap.
func matVec(w, a, v []float64) {
	n := len(v)
	w = w[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		a0 := a[i*n : (i+1)*n][:n]
		a1 := a[(i+1)*n : (i+2)*n][:n]
		a2 := a[(i+2)*n : (i+3)*n][:n]
		a3 := a[(i+3)*n : (i+4)*n][:n]
		var r0, r1, r2, r3 float64
		for j, x := range v {
			r0 += a0[j] * x
			r1 += a1[j] * x
			r2 += a2[j] * x
			r3 += a3[j] * x
		}
		w[i], w[i+1], w[i+2], w[i+3] = r0, r1, r2, r3
	}
	for ; i < n; i++ {
		var r float64
		for j, x := range a[i*n : (i+1)*n][:n] {
			r += x * v[j]
		}
		w[i] = r
	}
}

// startVector fills v with a fixed start vector for the power iteration:
// entries 1 + frac((i + k·n)·φ), φ the golden ratio.
func startVector(v []float64, k int) {
	for i := range v {
		x := float64(i+k*len(v)) * 0.6180339887498949
		v[i] = 1 + x - math.Floor(x)
	}
}

func norm2(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// rodasStep attempts one RODAS step of size h from (t, y) with s.f0 = f(t, y).
// On acceptance s.yn holds the new state.
func (s *Solver) rodasStep(t float64, y []float64, h float64, reject bool) (bool, float64) {
	fac, shrink := s.rodasMatrix(t, y, h)
	if shrink != 0 {
		return false, shrink * h
	}
	err := s.rodasStages(t, y, h, fac)
	if math.IsNaN(err) || math.IsInf(err, 0) {
		n := s.n
		s.noteNaN(s.f0, s.fx[:n], s.fn[:n], s.yn[:n])
		return false, 0.25 * h
	}
	if s.anyNN && err <= 1 {
		if e := s.nonNegErr(y); e > 1 {
			err = e
		}
	}
	ok, hnew := s.rodasControl(err, h, reject)
	if ok && s.anyNN {
		s.clipNonNeg()
	}
	return ok, hnew
}

// rodasMatrix evaluates the Jacobian at (t, y) if it is stale and
// factorises I/(h·γ) − J (sparse when that pays), returning the factor
// 1/(h·γ). shrink is 0, or the fraction of h to retry with: 0.25 for a
// non-finite Jacobian, 0.5 for a singular matrix.
func (s *Solver) rodasMatrix(t float64, y []float64, h float64) (fac, shrink float64) {
	n := s.n
	if !s.jacOK {
		s.jacobian(t, y)
		if i := firstNonFinite(s.jac); i >= 0 {
			s.hitNaN, s.nanIdx = true, i/n
			s.jacOK = false
			return 0, 0.25
		}
		s.useSparse = s.slu.analyse(s.jac, n)
	}
	fac = 1 / (h * roGamma)
	s.stats.LUDecomps++
	s.sparseOn = s.useSparse && s.slu.factor(s.jac, fac)
	if !s.sparseOn {
		for i, v := range s.jac {
			s.lu[i] = -v
		}
		for i := 0; i < n; i++ {
			s.lu[i*n+i] += fac
		}
		if !luFactor(s.lu, s.piv, n) {
			return 0, 0.5
		}
	}
	return fac, 0
}

// rodasStages runs the six stages of the step of size h from (t, y) with
// the factorised matrix, leaving the stage vectors in s.g and the new
// state in s.yn, and returns the error estimate (the RMS of g6 scaled by
// the tolerances; NaN or ±Inf when something did not stay finite).
func (s *Solver) rodasStages(t float64, y []float64, h, fac float64) float64 {
	n := s.n
	// work vectors resliced to len(y): the loops run without bounds checks
	y = y[:n]
	g1, g2, g3, g4, g5, g6 := s.g[0][:n], s.g[1][:n], s.g[2][:n], s.g[3][:n], s.g[4][:n], s.g[5][:n]
	yt, fn, fx, f0 := s.tmp[:n], s.fn[:n], s.fx[:n], s.f0[:n]
	atol := s.atol[:n]
	ih := 1 / h
	for i := range y {
		g1[i] = f0[i] + h*roD1*fx[i]
	}
	s.solve(g1, fac)
	for i := range y {
		yt[i] = y[i] + roA21*g1[i]
	}
	s.rhs(t+roC2*h, yt, fn)
	for i := range y {
		g2[i] = fn[i] + h*roD2*fx[i] + ih*roC21*g1[i]
	}
	s.solve(g2, fac)
	for i := range y {
		yt[i] = y[i] + roA31*g1[i] + roA32*g2[i]
	}
	s.rhs(t+roC3*h, yt, fn)
	for i := range y {
		g3[i] = fn[i] + h*roD3*fx[i] + ih*(roC31*g1[i]+roC32*g2[i])
	}
	s.solve(g3, fac)
	for i := range y {
		yt[i] = y[i] + roA41*g1[i] + roA42*g2[i] + roA43*g3[i]
	}
	s.rhs(t+roC4*h, yt, fn)
	for i := range y {
		g4[i] = fn[i] + h*roD4*fx[i] + ih*(roC41*g1[i]+roC42*g2[i]+roC43*g3[i])
	}
	s.solve(g4, fac)
	for i := range y {
		yt[i] = y[i] + roA51*g1[i] + roA52*g2[i] + roA53*g3[i] + roA54*g4[i]
	}
	s.rhs(t+h, yt, fn)
	for i := range y {
		g5[i] = fn[i] + ih*(roC51*g1[i]+roC52*g2[i]+roC53*g3[i]+roC54*g4[i])
	}
	s.solve(g5, fac)
	for i := range y {
		yt[i] += g5[i]
	}
	s.rhs(t+h, yt, fn)
	for i := range y {
		g6[i] = fn[i] + ih*(roC61*g1[i]+roC62*g2[i]+roC63*g3[i]+roC64*g4[i]+roC65*g5[i])
	}
	s.solve(g6, fac)
	yn := s.yn[:n]
	var sum float64
	for i := range y {
		yn[i] = yt[i] + g6[i]
		r := g6[i] / (atol[i] + s.rtol*maxAbs(y[i], yn[i])) // s.sc, inlined
		sum += r * r
	}
	return math.Sqrt(sum / float64(n))
}

// rodasControl accepts a step of size h with error estimate err when
// err ≤ 1 and proposes the next step size: the classic controller, on
// acceptance combined with Gustafsson's predictive one (whose history
// it updates), never growing after a rejection, and a tenth of h after
// a rejected first step.
func (s *Solver) rodasControl(err, h float64, reject bool) (bool, float64) {
	f := fmath.Max(1/rosFacMax, fmath.Min(1/rosFacMin, math.Pow(err, 0.25)/safety))
	hnew := h / f
	if err <= 1 {
		if s.hacc > 0 { // Gustafsson's predictive controller
			fg := (s.hacc / h) * math.Pow(err*err/s.erracc, 0.25) / safety
			fg = fmath.Max(1/rosFacMax, fmath.Min(1/rosFacMin, fg))
			f = fmath.Max(f, fg)
			hnew = h / f
		}
		s.hacc = h
		s.erracc = fmath.Max(1e-2, err)
		if reject {
			hnew = fmath.Min(hnew, h)
		}
		return true, hnew
	}
	if s.naccept == 0 && !reject {
		hnew = 0.1 * h
	}
	return false, hnew
}

// rodasDense fills s.rc[0], s.rc[1] for the last accepted RODAS step.
func (s *Solver) rodasDense() {
	d2 := s.rc[0]
	n := len(d2)
	g1, g2, g3, g4, g5 := s.g[0][:n], s.g[1][:n], s.g[2][:n], s.g[3][:n], s.g[4][:n]
	d3 := s.rc[1][:n]
	for i := range d2 {
		d2[i] = roD21*g1[i] + roD22*g2[i] + roD23*g3[i] + roD24*g4[i] + roD25*g5[i]
		d3[i] = roD31*g1[i] + roD32*g2[i] + roD33*g3[i] + roD34*g4[i] + roD35*g5[i]
	}
}

// luFactor factorises the row-major n×n matrix a in place (PA = LU, unit
// lower L) with partial pivoting. It reports false for a singular matrix.
// It eliminates two columns per pass over the trailing rows (luPair): the
// same operations in the same order as one column at a time
// (luFactorColumns in the tests, bit for bit), with half the loads and
// stores of the trailing submatrix.
func luFactor(a []float64, piv []int, n int) bool {
	k := 0
	for ; k+1 < n; k += 2 {
		if !luPair(a, piv, n, k) {
			return false
		}
	}
	if k < n { // the last column: nothing below it
		piv[k] = k
		if m := math.Abs(a[k*n+k]); m == 0 || math.IsNaN(m) {
			return false
		}
	}
	return true
}

// luPivot finds the pivot of column k (rows k..n−1), records it in piv[k]
// and swaps the rows. It reports false for a zero or NaN pivot.
func luPivot(a []float64, piv []int, n, k int) bool {
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
	return true
}

// luScale replaces column k below the pivot by the multipliers
// l_i = a_ik / a_kk.
func luScale(a []float64, n, k int) {
	inv := 1 / a[k*n+k]
	for i := k + 1; i < n; i++ {
		a[i*n+k] *= inv
	}
}

// luPair eliminates columns k and k+1. Column k+1 is updated by column k
// first (so that its pivot can be chosen and its rows swapped); then each
// trailing row i > k+1 gets a_ij − l_ik·a_kj − l_i,k+1·a_k+1,j for
// j > k+1 in one pass. A zero multiplier skips its update, as the
// one-column elimination does (x − 0·v is not always x: the sign of a
// zero, or v infinite).
func luPair(a []float64, piv []int, n, k int) bool {
	if !luPivot(a, piv, n, k) {
		return false
	}
	luScale(a, n, k)
	akk1 := a[k*n+k+1]
	for i := k + 1; i < n; i++ {
		if l := a[i*n+k]; l != 0 {
			a[i*n+k+1] -= l * akk1
		}
	}
	if !luPivot(a, piv, n, k+1) {
		return false
	}
	rk := a[k*n+k+2 : (k+1)*n]
	rk1 := a[(k+1)*n+k+2 : (k+2)*n][:len(rk)]
	if l := a[(k+1)*n+k]; l != 0 {
		subScaled(rk1, rk, l)
	}
	luScale(a, n, k+1)
	for i := k + 2; i < n; i++ {
		l0, l1 := a[i*n+k], a[i*n+k+1]
		ri := a[i*n+k+2 : (i+1)*n][:len(rk)]
		switch {
		case l0 != 0 && l1 != 0:
			for j, v := range rk {
				ri[j] = ri[j] - l0*v - l1*rk1[j]
			}
		case l0 != 0:
			subScaled(ri, rk, l0)
		case l1 != 0:
			subScaled(ri, rk1, l1)
		}
	}
	return true
}

// subScaled sets x[j] −= l·v[j].
func subScaled(x, v []float64, l float64) {
	v = v[:len(x)]
	for j, w := range v {
		x[j] -= l * w
	}
}

// luSolve solves A x = b in place (b becomes x) using the factors from
// luFactor. Both substitutions run column by column (b_i −= l_ik·x_k for
// all i at once for each k): the updates of one column are independent, so
// they do not wait on each other as the row-by-row dot products do (a
// chain of n dependent additions per row: on the default model, n = 50,
// the six solves of a Rodas4 step took longer than its LU decomposition).
func luSolve(a []float64, piv []int, n int, b []float64) {
	b = b[:n]
	for k := 0; k < n; k++ {
		if p := piv[k]; p != k {
			b[k], b[p] = b[p], b[k]
		}
	}
	// Two columns per pass (axpy2Col): the same operations in the same
	// order as one column at a time, with half the loads and stores of b.
	k := 0
	for ; k+2 < n; k += 2 {
		c0 := -b[k]
		b[k+1] += a[(k+1)*n+k] * c0
		axpy2Col(b[k+2:], a[(k+2)*n+k:], n, c0, -b[k+1])
	}
	if k+1 < n {
		axpyCol(b[k+1:], a[(k+1)*n+k:], n, -b[k])
	}
	k = n - 1
	for ; k >= 1; k -= 2 {
		b[k] /= a[k*n+k]
		c0 := -b[k]
		b[k-1] += a[(k-1)*n+k] * c0
		b[k-1] /= a[(k-1)*n+k-1]
		axpy2ColRev(b[:k-1], a[k-1:], n, c0, -b[k-1])
	}
	if k == 0 {
		b[0] /= a[0]
	}
}

// axpy2Col adds c0·col[i·stride] and then c1·col[i·stride+1] to x[i] for
// every i: two adjacent columns of a row-major matrix, the left one first
// (forward substitution).
func axpy2Col(x, col []float64, stride int, c0, c1 float64) {
	if len(x) == 0 {
		return
	}
	col = col[:(len(x)-1)*stride+2]
	for i := range x {
		x[i] = x[i] + col[i*stride]*c0 + col[i*stride+1]*c1
	}
}

// axpy2ColRev is axpy2Col with the right column first: x[i] gets
// c0·col[i·stride+1] and then c1·col[i·stride] (back substitution).
func axpy2ColRev(x, col []float64, stride int, c0, c1 float64) {
	if len(x) == 0 {
		return
	}
	col = col[:(len(x)-1)*stride+2]
	for i := range x {
		x[i] = x[i] + col[i*stride+1]*c0 + col[i*stride]*c1
	}
}

// axpyCol adds c·col[i·stride] to x[i] for every i: one column of a
// row-major matrix (col starting at the column's first entry used).
func axpyCol(x, col []float64, stride int, c float64) {
	for i := range x {
		x[i] += col[i*stride] * c
	}
}
