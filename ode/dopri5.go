package ode

import (
	"math"

	"github.com/holobiont/holobiont/internal/fmath"
)

// Dormand–Prince 5(4) coefficients (Hairer, Nørsett & Wanner, Table 5.2).
const (
	dpC2 = 1.0 / 5
	dpC3 = 3.0 / 10
	dpC4 = 4.0 / 5
	dpC5 = 8.0 / 9

	dpA21 = 1.0 / 5
	dpA31 = 3.0 / 40
	dpA32 = 9.0 / 40
	dpA41 = 44.0 / 45
	dpA42 = -56.0 / 15
	dpA43 = 32.0 / 9
	dpA51 = 19372.0 / 6561
	dpA52 = -25360.0 / 2187
	dpA53 = 64448.0 / 6561
	dpA54 = -212.0 / 729
	dpA61 = 9017.0 / 3168
	dpA62 = -355.0 / 33
	dpA63 = 46732.0 / 5247
	dpA64 = 49.0 / 176
	dpA65 = -5103.0 / 18656
	dpA71 = 35.0 / 384
	dpA73 = 500.0 / 1113
	dpA74 = 125.0 / 192
	dpA75 = -2187.0 / 6784
	dpA76 = 11.0 / 84

	dpE1 = 71.0 / 57600
	dpE3 = -71.0 / 16695
	dpE4 = 71.0 / 1920
	dpE5 = -17253.0 / 339200
	dpE6 = 22.0 / 525
	dpE7 = -1.0 / 40

	// Dense output (Hairer's DOPRI5, 4th-order continuous extension).
	dpD1 = -12715105075.0 / 11282082432
	dpD3 = 87487479700.0 / 32700410799
	dpD4 = -10690763975.0 / 1880347072
	dpD5 = 701980252875.0 / 199316789632
	dpD6 = -1453857185.0 / 822651844
	dpD7 = 69997945.0 / 29380423
)

// dopriStep attempts one DOPRI5 step of size h from (t, y) with s.f0 = f(t, y).
// On acceptance s.yn holds the new state and s.k[5] = f(t+h, yn).
func (s *Solver) dopriStep(t float64, y []float64, h float64, reject bool) (bool, float64) {
	// Every work vector resliced to len(y): the loops then run without
	// bounds checks.
	n := len(y)
	k1 := s.f0[:n]
	k2, k3, k4, k5, k6, k7 := s.k[0][:n], s.k[1][:n], s.k[2][:n], s.k[3][:n], s.k[4][:n], s.k[5][:n]
	yt := s.tmp[:n]
	atol := s.atol[:n]
	for i := range y {
		yt[i] = y[i] + h*dpA21*k1[i]
	}
	s.rhs(t+dpC2*h, yt, k2)
	for i := range y {
		yt[i] = y[i] + h*(dpA31*k1[i]+dpA32*k2[i])
	}
	s.rhs(t+dpC3*h, yt, k3)
	for i := range y {
		yt[i] = y[i] + h*(dpA41*k1[i]+dpA42*k2[i]+dpA43*k3[i])
	}
	s.rhs(t+dpC4*h, yt, k4)
	for i := range y {
		yt[i] = y[i] + h*(dpA51*k1[i]+dpA52*k2[i]+dpA53*k3[i]+dpA54*k4[i])
	}
	s.rhs(t+dpC5*h, yt, k5)
	ys := s.ysti[:n]
	for i := range y {
		ys[i] = y[i] + h*(dpA61*k1[i]+dpA62*k2[i]+dpA63*k3[i]+dpA64*k4[i]+dpA65*k5[i])
	}
	s.rhs(t+h, ys, k6)
	yn := s.yn[:n]
	for i := range y {
		yn[i] = y[i] + h*(dpA71*k1[i]+dpA73*k3[i]+dpA74*k4[i]+dpA75*k5[i]+dpA76*k6[i])
	}
	s.rhs(t+h, yn, k7)
	var sum float64
	r2 := s.err2[:n]
	for i := range y {
		e := h * (dpE1*k1[i] + dpE3*k3[i] + dpE4*k4[i] + dpE5*k5[i] + dpE6*k6[i] + dpE7*k7[i])
		r := e / (atol[i] + s.rtol*maxAbs(y[i], yn[i])) // s.sc, inlined
		r2[i] = r * r
		sum += r2[i]
	}
	err := math.Sqrt(sum / float64(len(y)))
	if math.IsNaN(err) || math.IsInf(err, 0) {
		s.noteNaN(yn, k7)
		return false, 0.25 * h
	}
	if s.anyNN && err <= 1 {
		if e := s.nonNegErr(y); e > 1 {
			err = e
		}
	}
	const expo1 = 0.2 - dpBeta*0.75
	accept, hnew := s.control(err, h, reject, expo1, dpBeta, dpFacMin, dpFacMax)
	if !accept {
		return false, hnew
	}
	if s.opt.Method == Auto {
		s.countStiff(s.dopriStiff(h, y, k7, k6, yn, ys))
	}
	if s.anyNN && s.clipNonNeg() {
		s.rhs(t+h, yn, k7)
	}
	return true, hnew
}

// logErrMin is ln(1e-4), the floor of the remembered error of the PI controller.
const logErrMin = -9.210340371976184

// dopriDense fills s.rc for the last accepted DOPRI5 step.
func (s *Solver) dopriDense() {
	h := s.dh
	y := s.yold
	n := len(y)
	yn, k1 := s.yn[:n], s.f0[:n]
	k3, k4, k5, k6, k7 := s.k[1][:n], s.k[2][:n], s.k[3][:n], s.k[4][:n], s.k[5][:n]
	r0, r1, r2, r3, r4 := s.rc[0][:n], s.rc[1][:n], s.rc[2][:n], s.rc[3][:n], s.rc[4][:n]
	for i := range y {
		ydiff := yn[i] - y[i]
		bspl := h*k1[i] - ydiff
		r0[i] = y[i]
		r1[i] = ydiff
		r2[i] = bspl
		r3[i] = ydiff - h*k7[i] - bspl
		r4[i] = h * (dpD1*k1[i] + dpD3*k3[i] + dpD4*k4[i] + dpD5*k5[i] + dpD6*k6[i] + dpD7*k7[i])
	}
}

// clipNonNeg sets negative non-negative components of s.yn to zero and
// reports whether any was changed.
func (s *Solver) clipNonNeg() bool {
	changed := false
	for i, b := range s.nonneg {
		if b && s.yn[i] < 0 {
			s.yn[i] = 0
			changed = true
		}
	}
	return changed
}

// noteNaN records the first non-finite component among the candidates.
func (s *Solver) noteNaN(vs ...[]float64) {
	for _, v := range vs {
		if i := firstNonFinite(v); i >= 0 {
			s.nanIdx = i
			s.hitNaN = true
			return
		}
	}
	s.nanIdx = 0
	s.hitNaN = true
}

// control is the PI step-size controller shared by the explicit methods
// (Hairer's DOPRI5/DOP853 form): for an accepted step (err ≤ 1) it returns
// the next step h/fac with fac = err^expo1 / errold^beta clamped to
// [1/facMax, 1/facMin] and remembers err; for a rejected step it returns the
// shrunken retry step. errold is kept as a logarithm in s.fold.
func (s *Solver) control(err, h float64, reject bool, expo1, beta, facMin, facMax float64) (accept bool, hnew float64) {
	lerr := fmath.Log(fmath.Max(err, 1e-300))
	if err > 1 {
		fac11 := fmath.Exp(expo1 * lerr)
		return false, h / fmath.Min(1/facMin, fac11/safety)
	}
	fac := fmath.Exp(expo1*lerr - beta*s.fold)
	fac = fmath.Max(1/facMax, fmath.Min(1/facMin, fac/safety))
	hnew = h / fac
	s.fold = fmath.Max(lerr, logErrMin)
	if reject {
		hnew = fmath.Min(hnew, h)
	}
	return true, hnew
}

// stiffRatio is Hairer's stiffness estimate for the explicit methods:
// h·‖kLast − kPrev‖/‖yn − ys‖ estimates h·|λ| of the dominant eigenvalue
// from the last two stages evaluated at the same time (0 when yn = ys).
func (s *Solver) stiffRatio(h float64, kLast, kPrev, yn, ys []float64) float64 {
	var stnum, stden float64
	for i := range yn {
		a := kLast[i] - kPrev[i]
		b := yn[i] - ys[i]
		stnum += a * a
		stden += b * b
	}
	if stden <= 0 {
		return 0
	}
	return h * math.Sqrt(stnum/stden)
}

// dopriStiff runs Auto's two stiffness tests after an accepted DOPRI5 step
// (see stiffWeighted) in one pass over the components where it can: with
// Hairer's unweighted estimate it sums the squared scaled errors of the
// components that are clearly below the stability limit
// (h·|Δk_i| ≤ (1 − 1e-9)·lim·|Δy_i|; the weights cancel from this test, and
// the margin covers the rounding of the weighted products). Those are a
// subset of the components whose errors stiffWeighted sums, so when their
// sum already exceeds stiffWeighted's bound, that test cannot hold and its
// pass (a division per component) is skipped. On a non-stiff problem the
// bound (10⁻¹⁰·n) is exceeded on every step; the decision is the same as
// running both tests.
func (s *Solver) dopriStiff(h float64, y, kLast, kPrev, yn, ys []float64) bool {
	n := len(yn)
	kLast, kPrev, ys, r2 := kLast[:n], kPrev[:n], ys[:n], s.err2[:n]
	const limGate = stiffLimit * (1 - 1e-9)
	var stnum, stden, rest float64
	for i := range yn {
		a := kLast[i] - kPrev[i]
		b := yn[i] - ys[i]
		stnum += a * a
		stden += b * b
		if h*math.Abs(a) <= limGate*math.Abs(b) {
			rest += r2[i]
		}
	}
	if stden > 0 && h*math.Sqrt(stnum/stden) > stiffLimit {
		return true
	}
	if rest > stiffPayErr2*float64(n) {
		return false
	}
	return s.stiffWeighted(h, y, kLast, kPrev, yn, ys)
}

// countStiff counts a stiff step (s.stN); six non-stiff steps in a row
// reset the count.
func (s *Solver) countStiff(stiff bool) {
	if stiff {
		s.nonN = 0
		s.stN++
		return
	}
	s.nonN++
	if s.nonN == 6 {
		s.stN = 0
	}
}

// stiffWeighted is the second stiffness test of Auto after a DOPRI5 step
// from y to yn (stage-6 state ys, stages k6, k7, the squared scaled
// errors in s.err2): Hairer's estimate with each component scaled by its
// error weight 1/(atol_i + rtol·max(|y_i|, |yn_i|)), so that a stiff mode
// in a component far smaller than the others is seen; it counts only when
// the components that are not themselves at the stability limit
// (h·|Δk_i| ≤ lim·|Δy_i|) have so small an error that the step could be
// stiffPay times longer for them (error norm ≤ stiffPay⁻⁵), i.e. when a
// Rodas4 step is likely to pay.
func (s *Solver) stiffWeighted(h float64, y, kLast, kPrev, yn, ys []float64) bool {
	n := len(yn)
	y, kLast, kPrev, ys = y[:n], kLast[:n], kPrev[:n], ys[:n]
	atol, r2 := s.atol[:n], s.err2[:n]
	var num, den, rest float64
	for i := range yn {
		w := 1 / (atol[i] + s.rtol*maxAbs(y[i], yn[i]))
		a := (kLast[i] - kPrev[i]) * w
		b := (yn[i] - ys[i]) * w
		num += a * a
		den += b * b
		if h*math.Abs(a) <= stiffLimit*math.Abs(b) {
			rest += r2[i]
		}
	}
	return den > 0 && h*math.Sqrt(num/den) > stiffLimit && rest <= stiffPayErr2*float64(n)
}
