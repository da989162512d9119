package ode

import "math"

// Tunables of the DOP853 controller (Hairer's dop853.f defaults, with the
// PI memory of our DOPRI5).
const (
	d8Beta    = 0.04 // PI controller memory
	d8FacMin  = 0.333
	d8FacMax  = 6.0
	d8StiffLm = 5.2 // h·|λ| above which a step counts as stability-limited (Hairer: 6.1)
)

// d8Step attempts one DOP853 step of size h from (t, y) with s.f0 = f(t, y).
// On acceptance s.yn holds the new state and s.d8k[11] = f(t+h, yn) (k13).
func (s *Solver) d8Step(t float64, y []float64, h float64, reject bool) (bool, float64) {
	k1 := s.f0
	kk := &s.d8k
	k2, k3, k4, k5, k6, k7, k8 := kk[0], kk[1], kk[2], kk[3], kk[4], kk[5], kk[6]
	k9, k10, k11, k12, k13 := kk[7], kk[8], kk[9], kk[10], kk[11]
	yt := s.tmp
	for i := range y {
		yt[i] = y[i] + h*(d8a2_1*k1[i])
	}
	s.rhs(t+d8c2*h, yt, k2)
	for i := range y {
		yt[i] = y[i] + h*(d8a3_1*k1[i]+d8a3_2*k2[i])
	}
	s.rhs(t+d8c3*h, yt, k3)
	for i := range y {
		yt[i] = y[i] + h*(d8a4_1*k1[i]+d8a4_3*k3[i])
	}
	s.rhs(t+d8c4*h, yt, k4)
	for i := range y {
		yt[i] = y[i] + h*(d8a5_1*k1[i]+d8a5_3*k3[i]+d8a5_4*k4[i])
	}
	s.rhs(t+d8c5*h, yt, k5)
	for i := range y {
		yt[i] = y[i] + h*(d8a6_1*k1[i]+d8a6_4*k4[i]+d8a6_5*k5[i])
	}
	s.rhs(t+d8c6*h, yt, k6)
	for i := range y {
		yt[i] = y[i] + h*(d8a7_1*k1[i]+d8a7_4*k4[i]+d8a7_5*k5[i]+d8a7_6*k6[i])
	}
	s.rhs(t+d8c7*h, yt, k7)
	for i := range y {
		yt[i] = y[i] + h*(d8a8_1*k1[i]+d8a8_4*k4[i]+d8a8_5*k5[i]+d8a8_6*k6[i]+d8a8_7*k7[i])
	}
	s.rhs(t+d8c8*h, yt, k8)
	for i := range y {
		yt[i] = y[i] + h*(d8a9_1*k1[i]+d8a9_4*k4[i]+d8a9_5*k5[i]+d8a9_6*k6[i]+d8a9_7*k7[i]+d8a9_8*k8[i])
	}
	s.rhs(t+d8c9*h, yt, k9)
	for i := range y {
		yt[i] = y[i] + h*(d8a10_1*k1[i]+d8a10_4*k4[i]+d8a10_5*k5[i]+d8a10_6*k6[i]+d8a10_7*k7[i]+d8a10_8*k8[i]+d8a10_9*k9[i])
	}
	s.rhs(t+d8c10*h, yt, k10)
	for i := range y {
		yt[i] = y[i] + h*(d8a11_1*k1[i]+d8a11_4*k4[i]+d8a11_5*k5[i]+d8a11_6*k6[i]+d8a11_7*k7[i]+d8a11_8*k8[i]+d8a11_9*k9[i]+d8a11_10*k10[i])
	}
	s.rhs(t+d8c11*h, yt, k11)
	ys := s.ysti
	for i := range y {
		ys[i] = y[i] + h*(d8a12_1*k1[i]+d8a12_4*k4[i]+d8a12_5*k5[i]+d8a12_6*k6[i]+d8a12_7*k7[i]+d8a12_8*k8[i]+d8a12_9*k9[i]+d8a12_10*k10[i]+d8a12_11*k11[i])
	}
	s.rhs(t+d8c12*h, ys, k12)
	yn := s.yn
	for i := range y {
		yn[i] = y[i] + h*(d8b1*k1[i]+d8b6*k6[i]+d8b7*k7[i]+d8b8*k8[i]+d8b9*k9[i]+d8b10*k10[i]+d8b11*k11[i]+d8b12*k12[i])
	}
	s.rhs(t+h, yn, k13)
	var e5, e3 float64
	for i := range y {
		sk := s.atol[i] + s.rtol*maxAbs(y[i], yn[i]) // s.sc, inlined
		bk := (d8b1*k1[i] + d8b6*k6[i] + d8b7*k7[i] + d8b8*k8[i] + d8b9*k9[i] + d8b10*k10[i] + d8b11*k11[i] + d8b12*k12[i])
		a := (bk - d8bhh1*k1[i] - d8bhh9*k9[i] - d8bhh12*k12[i]) / sk
		b := (d8e5_1*k1[i] + d8e5_6*k6[i] + d8e5_7*k7[i] + d8e5_8*k8[i] + d8e5_9*k9[i] + d8e5_10*k10[i] + d8e5_11*k11[i] + d8e5_12*k12[i]) / sk
		e3 += a * a
		e5 += b * b
	}
	var err float64
	if e5 != 0 || e3 != 0 { // NaN propagates to err
		// Hairer: err = |h|·E5² / sqrt(n·(E5² + 0.01·E3²)), sums of squares.
		err = math.Abs(h) * e5 / math.Sqrt(float64(len(y))*(e5+0.01*e3))
	}
	if math.IsNaN(err) || math.IsInf(err, 0) {
		s.noteNaN(yn, k13)
		return false, 0.25 * h
	}
	if s.anyNN && err <= 1 {
		if e := s.nonNegErr(y); e > 1 {
			err = e
		}
	}
	const expo1 = 1.0/8 - d8Beta*0.2
	accept, hnew := s.control(err, h, reject, expo1, d8Beta, d8FacMin, d8FacMax)
	if !accept {
		return false, hnew
	}
	if s.opt.Method == Auto {
		s.countStiff(s.stiffRatio(h, k13, k12, yn, ys) > d8StiffLm)
	}
	if s.anyNN && s.clipNonNeg() {
		s.rhs(t+h, yn, k13)
	}
	return true, hnew
}

// d8Dense fills s.d8rc for the last accepted DOP853 step (three extra RHS
// evaluations, Hairer's 7th-order continuous extension).
func (s *Solver) d8Dense() {
	h, t := s.dh, s.dt0
	y, yn, k1 := s.yold, s.yn, s.f0
	kk := &s.d8k
	k6, k7, k8 := kk[4], kk[5], kk[6]
	k9, k10, k11, k12, k13 := kk[7], kk[8], kk[9], kk[10], kk[11]
	k14, k15, k16 := kk[12], kk[13], kk[14]
	yt := s.d8yt
	for i := range y {
		yt[i] = y[i] + h*(d8a14_1*k1[i]+d8a14_7*k7[i]+d8a14_8*k8[i]+d8a14_9*k9[i]+d8a14_10*k10[i]+d8a14_11*k11[i]+d8a14_12*k12[i]+d8a14_13*k13[i])
	}
	s.rhs(t+d8c14*h, yt, k14)
	for i := range y {
		yt[i] = y[i] + h*(d8a15_1*k1[i]+d8a15_6*k6[i]+d8a15_7*k7[i]+d8a15_8*k8[i]+d8a15_11*k11[i]+d8a15_12*k12[i]+d8a15_13*k13[i]+d8a15_14*k14[i])
	}
	s.rhs(t+d8c15*h, yt, k15)
	for i := range y {
		yt[i] = y[i] + h*(d8a16_1*k1[i]+d8a16_6*k6[i]+d8a16_7*k7[i]+d8a16_8*k8[i]+d8a16_9*k9[i]+d8a16_13*k13[i]+d8a16_14*k14[i]+d8a16_15*k15[i])
	}
	s.rhs(t+d8c16*h, yt, k16)
	r := &s.d8rc
	for i := range y {
		ydiff := yn[i] - y[i]
		bspl := h*k1[i] - ydiff
		r[0][i] = y[i]
		r[1][i] = ydiff
		r[2][i] = bspl
		r[3][i] = ydiff - h*k13[i] - bspl
		r[4][i] = h * (d8d4_1*k1[i] + d8d4_6*k6[i] + d8d4_7*k7[i] + d8d4_8*k8[i] + d8d4_9*k9[i] + d8d4_10*k10[i] + d8d4_11*k11[i] + d8d4_12*k12[i] + d8d4_13*k13[i] + d8d4_14*k14[i] + d8d4_15*k15[i] + d8d4_16*k16[i])
		r[5][i] = h * (d8d5_1*k1[i] + d8d5_6*k6[i] + d8d5_7*k7[i] + d8d5_8*k8[i] + d8d5_9*k9[i] + d8d5_10*k10[i] + d8d5_11*k11[i] + d8d5_12*k12[i] + d8d5_13*k13[i] + d8d5_14*k14[i] + d8d5_15*k15[i] + d8d5_16*k16[i])
		r[6][i] = h * (d8d6_1*k1[i] + d8d6_6*k6[i] + d8d6_7*k7[i] + d8d6_8*k8[i] + d8d6_9*k9[i] + d8d6_10*k10[i] + d8d6_11*k11[i] + d8d6_12*k12[i] + d8d6_13*k13[i] + d8d6_14*k14[i] + d8d6_15*k15[i] + d8d6_16*k16[i])
		r[7][i] = h * (d8d7_1*k1[i] + d8d7_6*k6[i] + d8d7_7*k7[i] + d8d7_8*k8[i] + d8d7_9*k9[i] + d8d7_10*k10[i] + d8d7_11*k11[i] + d8d7_12*k12[i] + d8d7_13*k13[i] + d8d7_14*k14[i] + d8d7_15*k15[i] + d8d7_16*k16[i])
	}
}
