package estimate

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/system"
)

// BDF integrator with forward sensitivities.
//
// The method is the variable-order (1–5), quasi-constant step size
// backward differentiation formula in the form of Shampine and Reichelt's
// ode15s and SciPy's BDF: the solution history is kept as backward
// differences D, a step changes h by rescaling D, and the corrector
// equation c·f(t_new, y) − ψ − d = 0 (d = y − y_predicted, c = h/α_k) is
// solved by a simplified Newton iteration with the matrix I − cJ, whose
// Jacobian is refreshed only when the iteration fails to converge (or,
// with sensitivities, at every step, since the sensitivities need it).
//
// Forward sensitivities S = ∂y/∂u solve S' = J S + B. Each column is
// advanced by the same BDF formula as the state (staggered direct method,
// as in CVODES): once the state has converged at t_new, the linear
// corrector equation (I − cJ(t_new, y_new)) d_s = c(J s_pred + B) − ψ_s is
// solved exactly with the Jacobian at the new point, so the sensitivities
// are the derivatives of the discrete solution up to the Newton tolerance.
// The local error test and the order selection use the larger of the
// state's and the sensitivities' weighted RMS error norms.
//
// Constant states (model parameters and compartments that PEtab makes
// states, with a zero rate) are not integrated: their Jacobian columns
// give B = J_zq·S_q, the derivative of the right-hand side with respect to
// them.
//
// References: L. F. Shampine, M. W. Reichelt, The MATLAB ODE Suite, SIAM
// J. Sci. Comput. 18 (1997) 1–22; SciPy's scipy.integrate.BDF; M.
// Caracotsios, W. E. Stewart, Sensitivity analysis of initial value
// problems..., Comput. Chem. Eng. 9 (1985) 359–365 (staggered direct).

const (
	bdfMaxOrder     = 5
	bdfNewtonMaxIt  = 4
	bdfMinFactor    = 0.2
	bdfMaxFactor    = 10
	bdfMaxJacFailed = 20
)

var (
	bdfKappa = [bdfMaxOrder + 1]float64{0, -0.1850, -1.0 / 9, -0.0823, -0.0415, 0}
	bdfGamma [bdfMaxOrder + 2]float64
	bdfAlpha [bdfMaxOrder + 1]float64
	bdfErrC  [bdfMaxOrder + 2]float64
)

func init() {
	for k := 1; k <= bdfMaxOrder+1; k++ {
		bdfGamma[k] = bdfGamma[k-1] + 1/float64(k)
	}
	for k := 0; k <= bdfMaxOrder; k++ {
		bdfAlpha[k] = (1 - bdfKappa[k]) * bdfGamma[k]
	}
	for k := 0; k <= bdfMaxOrder+1; k++ {
		kap := 0.0
		if k <= bdfMaxOrder {
			kap = bdfKappa[k]
		}
		bdfErrC[k] = kap*bdfGamma[k] + 1/float64(k+1)
	}
}

type bdfInteg struct {
	sys       *system.System
	opt       Options
	n, nz, nq int
	ns        int // sensitivity columns in use (0: none)
	ncol      int // sensitivity columns allocated
	zi, qi    []int
	t         float64
	// t0 and tau: the method steps in tau, the time since its last
	// (re)start t0 (b.t = t0 + tau, rounded), so that the first steps
	// after a restart at a large t may be shorter than t's resolution
	t0, tau    float64
	y          []float64 // full state
	yw         []float64 // full state scratch for RHS and Jacobian calls
	s          []float64 // full sensitivities n×ncol
	bp         []float64
	ready      bool // history initialised at t
	h          float64
	order      int
	nEqual     int
	d          [][]float64 // (maxOrder+3) × nz
	ds         [][]float64 // (maxOrder+3) × nz·ncol
	jfull      []float64   // n×n
	j          []float64   // nz×nz
	b          []float64   // nz×ncol: J_zq·S_q
	lu         []float64
	piv        []int
	luOK, jOK  bool
	luC        float64
	f, fz, yz  []float64
	ypred, psi []float64
	dd, dy     []float64
	sc         []float64
	spred      []float64
	psiS, dS   []float64
	rhsS       []float64
	ySave      []float64
	sw         []float64 // per sensitivity column: |dx/du|/|x| (see sensNorm)
	newtonTol  float64
	steps      int
	stats      SolverStats
}

// SolverStats counts the BDF's work.
type SolverStats struct {
	Steps, Rejected, RHS, Jac int
}

func newBDFInteg(sys *system.System, p *Problem, opt Options) *bdfInteg {
	n := sys.Dim()
	b := &bdfInteg{sys: sys, opt: opt, n: n, ncol: p.ncol}
	for i := 0; i < n; i++ {
		if p.constState != nil && p.constState[i] {
			b.qi = append(b.qi, i)
		} else {
			b.zi = append(b.zi, i)
		}
	}
	b.nz, b.nq = len(b.zi), len(b.qi)
	nz, nc := b.nz, b.ncol
	b.sw = make([]float64, p.ncol)
	b.y = make([]float64, n)
	b.yw = make([]float64, n)
	b.s = make([]float64, n*nc)
	b.d = make([][]float64, bdfMaxOrder+3)
	b.ds = make([][]float64, bdfMaxOrder+3)
	for k := range b.d {
		b.d[k] = make([]float64, nz)
		b.ds[k] = make([]float64, nz*nc)
	}
	b.jfull = make([]float64, n*n)
	b.j = make([]float64, nz*nz)
	b.b = make([]float64, nz*nc)
	b.lu = make([]float64, nz*nz)
	b.piv = make([]int, nz)
	b.f = make([]float64, n)
	for _, p := range []*[]float64{&b.fz, &b.yz, &b.ypred, &b.psi, &b.dd, &b.dy, &b.sc, &b.ySave} {
		*p = make([]float64, nz)
	}
	for _, p := range []*[]float64{&b.spred, &b.psiS, &b.dS, &b.rhsS} {
		*p = make([]float64, nz*nc)
	}
	rt := opt.RTol
	b.newtonTol = math.Max(10*2.220446049250313e-16/rt, math.Min(0.03, math.Sqrt(rt)))
	return b
}

func (b *bdfInteg) reset(t float64, y, s []float64) {
	b.t = t
	copy(b.y, y)
	copy(b.yw, y)
	if s != nil {
		copy(b.s, s)
	}
	b.ready = false
	b.jOK, b.luOK = false, false
}

func (b *bdfInteg) setBreakpoints(bp []float64) { b.bp = bp }

func (b *bdfInteg) state() (float64, []float64, []float64) {
	if b.ns == 0 {
		return b.t, b.y, nil
	}
	return b.t, b.y, b.s
}

// rhs evaluates the dynamic part of f at (t, z) with the constant states
// of b.y.
func (b *bdfInteg) rhs(t float64, z, fz []float64) {
	b.stats.RHS++
	for k, i := range b.zi {
		b.yw[i] = z[k]
	}
	b.sys.RHS(t, b.yw, b.f)
	for k, i := range b.zi {
		fz[k] = b.f[i]
	}
}

// jac evaluates J_zz at (t, z) into b.j and, with sensitivities,
// B = J_zq·S_q into b.b.
func (b *bdfInteg) jac(t float64, z []float64) {
	b.stats.Jac++
	for k, i := range b.zi {
		b.yw[i] = z[k]
	}
	n, nz, nc := b.n, b.nz, b.ncol
	b.sys.Jacobian(t, b.yw, b.jfull)
	for a, i := range b.zi {
		row := b.jfull[i*n : i*n+n]
		for c, j := range b.zi {
			b.j[a*nz+c] = row[j]
		}
	}
	b.jOK = true
	if b.ns == 0 {
		return
	}
	clear(b.b)
	for a, i := range b.zi {
		row := b.jfull[i*n : i*n+n]
		dst := b.b[a*nc : a*nc+nc]
		for _, q := range b.qi {
			v := row[q]
			if v == 0 {
				continue
			}
			sq := b.s[q*nc : q*nc+nc]
			for c := 0; c < b.ns; c++ {
				dst[c] += v * sq[c]
			}
		}
	}
}

func rmsNorm(x, sc []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := 0.0
	for i, v := range x {
		w := v / sc[i]
		s += w * w
	}
	return math.Sqrt(s / float64(len(x)))
}

// sensNorm is the weighted RMS norm of the sensitivity matrix x (nz×ncol,
// ns columns used) with weights 1/(atol + rtol·max(|ref|, |y|·w_c)): a
// sensitivity is measured against the change of its state that a
// relative change of the parameter would cause (w_c = |dx/du|/|x| of
// column c), so that entries passing through zero are held to the
// state's accuracy rather than to the absolute tolerance alone.
func (b *bdfInteg) sensNorm(x, ref, y []float64) float64 {
	if b.ns == 0 || b.nz == 0 {
		return 0
	}
	nc := b.ncol
	s := 0.0
	for a := 0; a < b.nz; a++ {
		ya := math.Abs(y[a])
		for c := 0; c < b.ns; c++ {
			m := math.Max(math.Abs(ref[a*nc+c]), ya*b.sw[c])
			w := x[a*nc+c] / (b.opt.ATol + b.opt.RTol*m)
			s += w * w
		}
	}
	return math.Sqrt(s / float64(b.nz*b.ns))
}

// initHistory starts the method at b.t: order 1, D[0] = y, D[1] = h·f.
func (b *bdfInteg) initHistory(tEnd float64) {
	nz := b.nz
	b.t0, b.tau = b.t, 0
	for k, i := range b.zi {
		b.yz[k] = b.y[i]
	}
	b.rhs(b.t, b.yz, b.fz)
	// Hairer's initial step (as SciPy's select_initial_step, order 1)
	for k := range b.sc {
		b.sc[k] = b.opt.ATol + b.opt.RTol*math.Abs(b.yz[k])
	}
	d0, d1 := rmsNorm(b.yz, b.sc), rmsNorm(b.fz, b.sc)
	h0 := 1e-6
	if d0 >= 1e-5 && d1 >= 1e-5 {
		h0 = 0.01 * d0 / d1
	}
	span := tEnd - b.t
	if span > 0 {
		h0 = math.Min(h0, span)
	}
	for k := range b.dy {
		b.dy[k] = b.yz[k] + h0*b.fz[k]
	}
	b.rhs(b.t+h0, b.dy, b.dd)
	for k := range b.dd {
		b.dd[k] -= b.fz[k]
	}
	d2 := rmsNorm(b.dd, b.sc) / h0
	var h1 float64
	if d1 <= 1e-15 && d2 <= 1e-15 {
		h1 = math.Max(1e-6, h0*1e-3)
	} else {
		h1 = math.Sqrt(0.01 / math.Max(d1, d2))
	}
	h := math.Min(100*h0, h1)
	if span > 0 {
		h = math.Min(h, span)
	}
	b.h = h
	copy(b.d[0], b.yz)
	for k := range b.fz {
		b.d[1][k] = h * b.fz[k]
	}
	if b.ns > 0 {
		nc := b.ncol
		b.jac(b.t, b.yz)
		// S' = J S + B
		for a := 0; a < nz; a++ {
			for c := 0; c < nc; c++ {
				b.ds[0][a*nc+c] = b.s[b.zi[a]*nc+c]
			}
		}
		b.sensRHS(b.ds[0], b.ds[1])
		for k := range b.ds[1] {
			b.ds[1][k] *= h
		}
	}
	b.order = 1
	b.nEqual = 0
	b.luOK = false
	b.ready = true
}

// sensRHS writes J·s + B into dst (s: nz×ncol).
func (b *bdfInteg) sensRHS(s, dst []float64) {
	nz, nc := b.nz, b.ncol
	copy(dst, b.b)
	for a := 0; a < nz; a++ {
		row := b.j[a*nz : a*nz+nz]
		d := dst[a*nc : a*nc+nc]
		for k, v := range row {
			if v == 0 {
				continue
			}
			sk := s[k*nc : k*nc+nc]
			for c := 0; c < b.ns; c++ {
				d[c] += v * sk[c]
			}
		}
	}
}

// computeR is SciPy's compute_R: the matrix that changes the step size of
// the backward differences by factor.
func computeR(order int, factor float64, r *[bdfMaxOrder + 1][bdfMaxOrder + 1]float64) {
	var m [bdfMaxOrder + 1][bdfMaxOrder + 1]float64
	for j := 0; j <= order; j++ {
		m[0][j] = 1
	}
	for i := 1; i <= order; i++ {
		for j := 1; j <= order; j++ {
			m[i][j] = (float64(i) - 1 - factor*float64(j)) / float64(i)
		}
	}
	// cumulative product down the columns
	for j := 0; j <= order; j++ {
		r[0][j] = m[0][j]
		for i := 1; i <= order; i++ {
			r[i][j] = r[i-1][j] * m[i][j]
		}
	}
}

// changeD rescales the differences of the state (and sensitivities) for a
// step size multiplied by factor.
func (b *bdfInteg) changeD(factor float64) {
	var r, u, ru [bdfMaxOrder + 1][bdfMaxOrder + 1]float64
	k := b.order
	computeR(k, factor, &r)
	computeR(k, 1, &u)
	for i := 0; i <= k; i++ {
		for j := 0; j <= k; j++ {
			s := 0.0
			for l := 0; l <= k; l++ {
				s += r[i][l] * u[l][j]
			}
			ru[i][j] = s
		}
	}
	apply := func(d [][]float64, w int, tmp []float64) {
		// new D[j] = Σ_i RU[i][j]·D[i], one component at a time
		for x := 0; x < w; x++ {
			for j := 0; j <= k; j++ {
				s := 0.0
				for i := 0; i <= k; i++ {
					s += ru[i][j] * d[i][x]
				}
				tmp[j] = s
			}
			for j := 0; j <= k; j++ {
				d[j][x] = tmp[j]
			}
		}
	}
	var tmp [bdfMaxOrder + 1]float64
	apply(b.d, b.nz, tmp[:])
	if b.ns > 0 {
		apply(b.ds, b.nz*b.ncol, tmp[:])
	}
	b.nEqual = 0
}

// luFactor factors I − c·J into b.lu (partial pivoting).
func (b *bdfInteg) luFactor(c float64) error {
	nz := b.nz
	a := b.lu
	for i := 0; i < nz; i++ {
		for j := 0; j < nz; j++ {
			v := -c * b.j[i*nz+j]
			if i == j {
				v += 1
			}
			a[i*nz+j] = v
		}
	}
	if _, ok := luDecompose(a, b.piv, nz); !ok {
		return errors.New("singular Newton matrix")
	}
	b.luOK, b.luC = true, c
	return nil
}

// luDecompose factors the n×n matrix a in place (partial pivoting, row
// permutation in piv) and returns min|u_kk|/max|u_kk|, a rough inverse
// condition number; ok is false for an exactly singular or NaN matrix.
func luDecompose(a []float64, piv []int, n int) (rcond float64, ok bool) {
	umin, umax := math.Inf(1), 0.0
	for k := 0; k < n; k++ {
		p, mx := k, math.Abs(a[k*n+k])
		for i := k + 1; i < n; i++ {
			if v := math.Abs(a[i*n+k]); v > mx {
				p, mx = i, v
			}
		}
		piv[k] = p
		if mx == 0 || math.IsNaN(mx) {
			return 0, false
		}
		umin, umax = math.Min(umin, mx), math.Max(umax, mx)
		if p != k {
			for j := 0; j < n; j++ {
				a[k*n+j], a[p*n+j] = a[p*n+j], a[k*n+j]
			}
		}
		inv := 1 / a[k*n+k]
		for i := k + 1; i < n; i++ {
			l := a[i*n+k] * inv
			a[i*n+k] = l
			if l == 0 {
				continue
			}
			ri, rk := a[i*n:i*n+n], a[k*n:k*n+n]
			for j := k + 1; j < n; j++ {
				ri[j] -= l * rk[j]
			}
		}
	}
	if n == 0 {
		return 1, true
	}
	return umin / umax, true
}

// polish refines a steady state found by integration with Newton's method
// on f(z) = 0 (Jacobian at the start, at most 10 iterations) and sets the
// sensitivities to their exact steady-state values S = −J⁻¹B. It keeps
// the integrated values when J is (numerically) singular, for example for
// models with conserved moieties, or when the iteration does not
// converge.
func (b *bdfInteg) polish() {
	nz, nc := b.nz, b.ncol
	z := make([]float64, nz)
	for k, i := range b.zi {
		z[k] = b.y[i]
	}
	b.jac(b.t, z)
	copy(b.lu, b.j)
	b.luOK = false
	if rc, ok := luDecompose(b.lu, b.piv, nz); !ok || rc < 1e-10 {
		return
	}
	f := make([]float64, nz)
	b.rhs(b.t, z, f)
	f0 := rmsNorm(f, b.steadyScale(z))
	zn := append([]float64(nil), z...)
	converged := false
	for it := 0; it < 10; it++ {
		for k := range f {
			f[k] = -f[k]
		}
		b.luSolve(f, 1, 0)
		big := 0.0
		for k, d := range f {
			zn[k] += d
			big = math.Max(big, math.Abs(d)/(b.opt.ATol+1e-12*math.Abs(zn[k])))
		}
		b.rhs(b.t, zn, f)
		if big < 1 {
			converged = true
			break
		}
	}
	if !converged || !(rmsNorm(f, b.steadyScale(zn)) <= f0) {
		return
	}
	for k, i := range b.zi {
		b.y[i] = zn[k]
		b.yw[i] = zn[k]
	}
	if b.ns == 0 {
		return
	}
	b.jac(b.t, zn)
	copy(b.lu, b.j)
	if rc, ok := luDecompose(b.lu, b.piv, nz); !ok || rc < 1e-10 {
		return
	}
	x := make([]float64, nz*nc)
	for k := range x {
		x[k] = -b.b[k]
	}
	b.luSolveCols(x, nc, b.ns)
	for a, i := range b.zi {
		copy(b.s[i*nc:i*nc+b.ns], x[a*nc:a*nc+b.ns])
	}
}

func (b *bdfInteg) steadyScale(z []float64) []float64 {
	sc := make([]float64, len(z))
	for k, v := range z {
		sc[k] = b.opt.SteadyATol + b.opt.SteadyRTol*math.Abs(v)
	}
	return sc
}

// luSolve solves (I − cJ) x = x in place for a vector with stride st
// (st = 1: a vector of nz; st = ncol: column col of an nz×ncol matrix).
func (b *bdfInteg) luSolve(x []float64, st, col int) {
	nz := b.nz
	a := b.lu
	at := func(i int) *float64 { return &x[i*st+col] }
	for k := 0; k < nz; k++ {
		if p := b.piv[k]; p != k {
			xp, xk := at(p), at(k)
			*xp, *xk = *xk, *xp
		}
	}
	for i := 1; i < nz; i++ {
		s := *at(i)
		row := a[i*nz : i*nz+i]
		for j, l := range row {
			s -= l * *at(j)
		}
		*at(i) = s
	}
	for i := nz - 1; i >= 0; i-- {
		s := *at(i)
		for j := i + 1; j < nz; j++ {
			s -= a[i*nz+j] * *at(j)
		}
		*at(i) = s / a[i*nz+i]
	}
}

// step takes one accepted step towards at most tBound.
func (b *bdfInteg) step(tBound float64) error {
	minStep := 10 * math.Abs(math.Nextafter(b.tau, math.Inf(1))-b.tau)
	if b.h < minStep {
		b.changeD(minStep / b.h)
		b.h = minStep
	}
	jacFails := 0
	for {
		if b.h < minStep {
			return fmt.Errorf("step size %g too small at t=%g", b.h, b.t)
		}
		order := b.order
		tauNew, tNew, tEval := b.stepEnd(tBound)
		b.predict(order)
		c := b.h / bdfAlpha[order]
		converged, nIter := b.correct(tEval, c)
		if !converged {
			jacFails++
			if jacFails > bdfMaxJacFailed {
				return fmt.Errorf("Newton iteration does not converge at t=%g", b.t)
			}
			b.rescale(0.5)
			continue
		}
		safety := 0.9 * float64(2*bdfNewtonMaxIt+1) / float64(2*bdfNewtonMaxIt+nIter)
		errNorm, err := b.errorNorm(order, c, tEval)
		if err != nil {
			return err
		}
		if errNorm > 1 {
			b.stats.Rejected++
			b.rescale(math.Max(bdfMinFactor, safety*math.Pow(errNorm, -1/float64(order+1))))
			continue
		}
		return b.accept(tauNew, tNew, order, errNorm, safety)
	}
}

// rescale multiplies the step size by factor.
func (b *bdfInteg) rescale(factor float64) {
	b.h *= factor
	b.changeD(factor)
	b.luOK = false
}

// stepEnd returns the end of the next step, tauNew = tau + h since the
// restart and tNew = t0 + tauNew, landing on tBound when the step would
// pass it or stop short of it by less than 1e-3·h (stretching by a
// negligible amount rather than leaving a remainder below the time
// resolution), and sets h = tauNew − tau. Where the step ends on tBound
// (a breakpoint or a period's end) or t0 + tauNew rounds to it, the model
// is evaluated just before it, at tEval: its left limit, not the next
// segment's value.
func (b *bdfInteg) stepEnd(tBound float64) (tauNew, tNew, tEval float64) {
	h := b.h
	tauBound := tBound - b.t0
	tauNew = b.tau + h
	onBound := tauNew > tauBound || tauBound-tauNew < 1e-3*h
	if onBound {
		tauNew = tauBound
		b.changeD((tauNew - b.tau) / h)
		b.luOK = false
	}
	b.h = tauNew - b.tau
	tNew = b.t0 + tauNew
	if onBound {
		tNew = tBound
	}
	tEval = tNew
	if tNew >= tBound {
		tEval = math.Nextafter(tBound, math.Inf(-1))
	}
	return tauNew, tNew, tEval
}

// predict sets the predictor y_pred = Σ_{i≤order} D_i, the error weights
// at it and ψ = Σ_{1≤i≤order} γ_i D_i / α_order.
func (b *bdfInteg) predict(order int) {
	for k := 0; k < b.nz; k++ {
		s := 0.0
		for i := 0; i <= order; i++ {
			s += b.d[i][k]
		}
		b.ypred[k] = s
		b.sc[k] = b.opt.ATol + b.opt.RTol*math.Abs(s)
		ps := 0.0
		for i := 1; i <= order; i++ {
			ps += b.d[i][k] * bdfGamma[i]
		}
		b.psi[k] = ps / bdfAlpha[order]
	}
}

// correct solves the state's corrector equation by simplified Newton
// iterations, refreshing the Jacobian once when they fail with an old one.
// It reports whether they converged, and in how many iterations.
func (b *bdfInteg) correct(tEval, c float64) (converged bool, nIter int) {
	currentJac := false
	for !converged {
		if !b.jOK {
			b.jac(tEval, b.ypred)
			currentJac = true
		}
		if !b.luOK || b.luC != c {
			if err := b.luFactor(c); err != nil {
				return false, nIter
			}
		}
		converged, nIter = b.newton(tEval, c)
		if !converged {
			if currentJac {
				return false, nIter
			}
			b.jOK, b.luOK = false, false
		}
	}
	return true, nIter
}

// errorNorm returns the step's local error norm: the state's, or with
// sensitivities the larger of it and theirs (their corrector is solved
// here, with the Jacobian at the new point, when the state's error passes).
// NaN counts as +Inf.
func (b *bdfInteg) errorNorm(order int, c, tEval float64) (float64, error) {
	for k := range b.sc {
		b.sc[k] = b.opt.ATol + b.opt.RTol*math.Abs(b.dy[k])
	}
	for k := range b.dd {
		b.fz[k] = bdfErrC[order] * b.dd[k]
	}
	errNorm := rmsNorm(b.fz, b.sc)
	if b.ns > 0 && errNorm <= 1 {
		// sensitivities at the new point (b.dy holds y_new)
		b.jac(tEval, b.dy)
		if err := b.luFactor(c); err != nil {
			return 0, err
		}
		b.sensCorrector(order, c)
		for k := range b.dS {
			b.rhsS[k] = bdfErrC[order] * b.dS[k]
		}
		if e := b.sensNorm(b.rhsS, b.spred, b.dy); e > errNorm {
			errNorm = e
		}
	}
	if math.IsNaN(errNorm) {
		errNorm = math.Inf(1)
	}
	return errNorm, nil
}

// accept takes the converged step to tNew: the state, the difference
// history (and the sensitivities'), then the order and step size for the
// next step.
func (b *bdfInteg) accept(tauNew, tNew float64, order int, errNorm, safety float64) error {
	b.steps++
	b.stats.Steps++
	if b.steps > b.opt.MaxSteps {
		return fmt.Errorf("more than %d steps", b.opt.MaxSteps)
	}
	b.nEqual++
	b.t, b.tau = tNew, tauNew
	for k, i := range b.zi {
		b.y[i] = b.dy[k]
	}
	updateDifferences(b.d, b.dd, order)
	if b.ns > 0 {
		nc := b.ncol
		updateDifferences(b.ds, b.dS, order)
		for a, i := range b.zi {
			copy(b.s[i*nc:i*nc+b.ns], b.ds[0][a*nc:a*nc+b.ns])
		}
	}
	if b.nEqual < order+1 {
		return nil
	}
	b.selectOrder(order, errNorm, safety)
	return nil
}

// updateDifferences adds the step's correction dd to the backward
// differences d of a formula of the given order.
func updateDifferences(d [][]float64, dd []float64, order int) {
	for x := range dd {
		d[order+2][x] = dd[x] - d[order+1][x]
		d[order+1][x] = dd[x]
	}
	for i := order; i >= 0; i-- {
		for x := range dd {
			d[i][x] += d[i+1][x]
		}
	}
}

// selectOrder picks the order (order−1, order or order+1) whose error
// estimate allows the largest next step, and scales the step size to it.
func (b *bdfInteg) selectOrder(order int, errNorm, safety float64) {
	errM, errP := math.Inf(1), math.Inf(1)
	if order > 1 {
		errM = b.diffNorm(bdfErrC[order-1], order)
	}
	if order < bdfMaxOrder {
		errP = b.diffNorm(bdfErrC[order+1], order+2)
	}
	norms := [3]float64{errM, errNorm, errP}
	best, bi := -1.0, 1
	for i, e := range norms {
		f := math.Pow(e, -1/float64(order+i))
		if e == 0 {
			f = math.Inf(1)
		}
		if f > best {
			best, bi = f, i
		}
	}
	b.order = order + bi - 1
	b.rescale(math.Min(bdfMaxFactor, safety*best))
}

// diffNorm is the error norm of errC·D_i, the larger of the state's and
// (with sensitivities) theirs.
func (b *bdfInteg) diffNorm(errC float64, i int) float64 {
	for k := range b.fz {
		b.fz[k] = errC * b.d[i][k]
	}
	e := rmsNorm(b.fz, b.sc)
	if b.ns > 0 {
		for k := range b.rhsS {
			b.rhsS[k] = errC * b.ds[i][k]
		}
		e = math.Max(e, b.sensNorm(b.rhsS, b.ds[0], b.d[0]))
	}
	return e
}

// newton solves the corrector equation for the state; on success b.dy is
// y_new and b.dd is d = y_new − y_pred.
func (b *bdfInteg) newton(tNew, c float64) (bool, int) {
	copy(b.dy, b.ypred)
	clear(b.dd)
	dyOld := -1.0
	tmp := b.fz
	for k := 0; k < bdfNewtonMaxIt; k++ {
		b.rhs(tNew, b.dy, tmp)
		for x, v := range tmp {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false, k + 1
			}
			tmp[x] = c*v - b.psi[x] - b.dd[x]
		}
		b.luSolve(tmp, 1, 0)
		dyNorm := rmsNorm(tmp, b.sc)
		rate := -1.0
		if dyOld >= 0 {
			rate = dyNorm / dyOld
		}
		if rate >= 0 && (rate >= 1 || math.Pow(rate, float64(bdfNewtonMaxIt-k))/(1-rate)*dyNorm > b.newtonTol) {
			return false, k + 1
		}
		for x, v := range tmp {
			b.dy[x] += v
			b.dd[x] += v
		}
		if dyNorm == 0 || (rate >= 0 && rate/(1-rate)*dyNorm < b.newtonTol) {
			return true, k + 1
		}
		dyOld = dyNorm
	}
	return false, bdfNewtonMaxIt
}

// sensCorrector solves the sensitivities' corrector equations exactly with
// the factored matrix at the new point: b.dS = d_s, b.spred = s_pred.
func (b *bdfInteg) sensCorrector(order int, c float64) {
	nz, nc := b.nz, b.ncol
	for x := range b.spred {
		s, ps := 0.0, 0.0
		for i := 0; i <= order; i++ {
			s += b.ds[i][x]
		}
		for i := 1; i <= order; i++ {
			ps += b.ds[i][x] * bdfGamma[i]
		}
		b.spred[x] = s
		b.psiS[x] = ps / bdfAlpha[order]
	}
	// rhs = c(J s_pred + B) − ψ_s
	b.sensRHS(b.spred, b.dS)
	for x := range b.dS {
		b.dS[x] = c*b.dS[x] - b.psiS[x]
	}
	b.luSolveCols(b.dS, nc, b.ns)
	_ = nz
}

// luSolveCols solves (I − cJ) X = X in place for the first ns columns of
// the nz×nc matrix X, sweeping whole rows (cache-friendly).
func (b *bdfInteg) luSolveCols(x []float64, nc, ns int) {
	nz := b.nz
	a := b.lu
	row := func(i int) []float64 { return x[i*nc : i*nc+ns] }
	for k := 0; k < nz; k++ {
		if p := b.piv[k]; p != k {
			rk, rp := row(k), row(p)
			for c := range rk {
				rk[c], rp[c] = rp[c], rk[c]
			}
		}
	}
	for i := 1; i < nz; i++ {
		ri := row(i)
		for j, l := range a[i*nz : i*nz+i] {
			if l == 0 {
				continue
			}
			rj := row(j)[:len(ri)]
			for c, v := range rj {
				ri[c] -= l * v
			}
		}
	}
	for i := nz - 1; i >= 0; i-- {
		ri := row(i)
		for j := i + 1; j < nz; j++ {
			u := a[i*nz+j]
			if u == 0 {
				continue
			}
			rj := row(j)[:len(ri)]
			for c, v := range rj {
				ri[c] -= u * v
			}
		}
		inv := 1 / a[i*nz+i]
		for c := range ri {
			ri[c] *= inv
		}
	}
}

// dense evaluates the interpolating polynomial of the last step at t into
// the full state y (and sensitivities s when used).
func (b *bdfInteg) dense(t float64, y, s []float64) {
	order := b.order
	var p [bdfMaxOrder + 1]float64
	acc := 1.0
	for j := 0; j < order; j++ {
		shift := b.tau - b.h*float64(j)
		acc *= (t - b.t0 - shift) / (b.h * float64(j+1))
		p[j] = acc
	}
	copy(y, b.y)
	for k, i := range b.zi {
		v := b.d[0][k]
		for j := 0; j < order; j++ {
			v += b.d[j+1][k] * p[j]
		}
		y[i] = v
	}
	if b.ns == 0 || s == nil {
		return
	}
	nc := b.ncol
	copy(s, b.s)
	for a, i := range b.zi {
		for c := 0; c < b.ns; c++ {
			x := a*nc + c
			v := b.ds[0][x]
			for j := 0; j < order; j++ {
				v += b.ds[j+1][x] * p[j]
			}
			s[i*nc+c] = v
		}
	}
}

func (b *bdfInteg) advance(ctx context.Context, tEnd float64, outs []float64, rec func(t float64, y, s []float64) error) error {
	oi := 0
	for oi < len(outs) && outs[oi] <= b.t {
		if err := rec(outs[oi], b.y, b.sOut()); err != nil {
			return err
		}
		oi++
	}
	if b.nz == 0 {
		for ; oi < len(outs); oi++ {
			if err := rec(outs[oi], b.y, b.sOut()); err != nil {
				return err
			}
		}
		b.t = math.Max(b.t, tEnd)
		return nil
	}
	yo := make([]float64, b.n)
	var so []float64
	if b.ns > 0 {
		so = make([]float64, len(b.s))
	}
	b.steps = 0
	for b.t < tEnd {
		if err := ctx.Err(); err != nil {
			return err
		}
		stop := tEnd
		for _, bp := range b.bp {
			if bp > b.t && bp < stop {
				stop = bp
			}
		}
		if !b.ready {
			b.initHistory(stop)
		}
		for b.t < stop {
			tOld := b.t
			if stop-b.t < 100*math.Abs(math.Nextafter(stop, math.Inf(1))-stop) {
				b.t, b.tau = stop, stop-b.t0 // a remainder below the time resolution
				break
			}
			if err := b.step(stop); err != nil {
				return err
			}
			for oi < len(outs) && outs[oi] <= b.t {
				if outs[oi] == b.t {
					if err := rec(outs[oi], b.y, b.sOut()); err != nil {
						return err
					}
				} else {
					b.dense(outs[oi], yo, so)
					if err := rec(outs[oi], yo, so); err != nil {
						return err
					}
				}
				oi++
			}
			_ = tOld
		}
		if stop < tEnd {
			// a breakpoint: restart the method there
			b.ready = false
			b.jOK, b.luOK = false, false
		}
	}
	for ; oi < len(outs); oi++ {
		if err := rec(outs[oi], b.y, b.sOut()); err != nil {
			return err
		}
	}
	return nil
}

func (b *bdfInteg) sOut() []float64 {
	if b.ns == 0 {
		return nil
	}
	return b.s
}

// steady integrates until dx/dt (and, with sensitivities, dS/dt) is small
// in the weighted RMS norm (Options.SteadyRTol, SteadyATol).
func (b *bdfInteg) steady(ctx context.Context) error {
	if b.nz == 0 {
		return nil
	}
	b.steps = 0
	var sd []float64
	if b.ns > 0 {
		sd = make([]float64, b.nz*b.ncol)
	}
	zs := make([]float64, b.nz*b.ncol)
	check := func() bool {
		for k, i := range b.zi {
			b.yz[k] = b.y[i]
		}
		b.rhs(b.t, b.yz, b.fz)
		if steadyNorm(b.fz, b.yz, b.opt.SteadyRTol, b.opt.SteadyATol) >= 1 {
			return false
		}
		if b.ns == 0 {
			return true
		}
		b.jac(b.t, b.yz)
		nc := b.ncol
		for a, i := range b.zi {
			copy(zs[a*nc:a*nc+nc], b.s[i*nc:i*nc+nc])
		}
		b.sensRHS(zs, sd)
		return steadyNorm(sd, zs, b.opt.SteadyRTol, b.opt.SteadyATol) < 1
	}
	if check() {
		b.polish()
		return nil
	}
	if !b.ready {
		b.initHistory(math.Inf(1))
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := b.step(math.Inf(1)); err != nil {
			return err
		}
		if b.t > maxSteadyTime {
			return fmt.Errorf("no steady state reached by t=%g", b.t)
		}
		if check() {
			b.polish()
			b.ready = false // the next period restarts anyway
			return nil
		}
		b.luOK = false
	}
}
