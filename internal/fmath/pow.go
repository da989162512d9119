package fmath

import "math"

// IsSmallInt reports whether v is an integer exponent that PowI handles:
// non-zero, within ±16.
func IsSmallInt(v float64) bool { return v == math.Trunc(v) && v >= -16 && v <= 16 && v != 0 }

// PowI returns x^n for a small non-zero integer n by repeated squaring. It
// agrees with math.Pow to a few ulp.
func PowI(x float64, n int32) float64 {
	neg := n < 0
	if neg {
		n = -n
	}
	r := 1.0
	for {
		if n&1 != 0 {
			r *= x
		}
		n >>= 1
		if n == 0 {
			break
		}
		x *= x
	}
	if neg {
		return 1 / r
	}
	return r
}

// FastPow is x^e for a run-time exponent. Exponents that are parameters
// (n in (x/K)^n) are usually small integers: repeated squaring is ~10x
// faster than math.Pow and agrees with it to a few ulp; square and fourth
// roots use math.Sqrt.
func FastPow(x, e float64) float64 {
	switch {
	case e == float64(int32(e)) && e >= -16 && e <= 16 && e != 0:
		return PowI(x, int32(e))
	case e == 0.5 && x > 0 && x < math.Inf(1):
		return math.Sqrt(x)
	case e == 0.25 && x > 0 && x < math.Inf(1):
		return math.Sqrt(math.Sqrt(x))
	}
	return math.Pow(x, e)
}

// Hill is hill(x, K, n) = x^n / (K^n + x^n) with both powers by HillPower.
func Hill(x, k, n float64) float64 {
	xn := HillPower(x, n)
	return xn / (HillPower(k, n) + xn)
}

// HillPower is K^n as hill computes it, for a constant coefficient n or one
// known only at run time: by repeated multiplication (PowI) when n is a
// small integer, by math.Pow otherwise. For an integer n math.Pow multiplies
// the mantissas in PowI's order and scales once at the end, so the two
// agree bit for bit unless an intermediate power overflows or is subnormal
// (TestHillPowerMatchesPow); PowI costs about a quarter of math.Pow.
func HillPower(k, n float64) float64 {
	if IsSmallInt(n) {
		return PowI(k, int32(n))
	}
	return math.Pow(k, n)
}

// HillGiven is hill(x, K, n) from kn = K^n (HillPower(K, n)).
func HillGiven(x, kn, n float64) float64 {
	xn := HillPower(x, n)
	return xn / (kn + xn)
}

// HillI is hill(x, K, c) for a small integer constant c: the usual
// coefficients 2 and 4 without PowI's loop (the same products PowI forms).
func HillI(x, k float64, c int32) float64 {
	switch c {
	case 2:
		return HillI2(x, k)
	case 4:
		return HillI4(x, k)
	}
	xn, kn := PowI(x, c), PowI(k, c)
	return xn / (kn + xn)
}

// HillI2 is HillI(x, k, 2).
func HillI2(x, k float64) float64 {
	xn, kn := x*x, k*k
	return xn / (kn + xn)
}

// HillI4 is HillI(x, k, 4).
func HillI4(x, k float64) float64 {
	x2, k2 := x*x, k*k
	xn, kn := x2*x2, k2*k2
	return xn / (kn + xn)
}

// HillIK is HillI with kn = K^c given.
func HillIK(x, kn float64, c int32) float64 {
	switch c {
	case 2:
		return HillIK2(x, kn)
	case 4:
		return HillIK4(x, kn)
	}
	xn := PowI(x, c)
	return xn / (kn + xn)
}

// HillIK2 is HillIK(x, kn, 2).
func HillIK2(x, kn float64) float64 {
	xn := x * x
	return xn / (kn + xn)
}

// HillIK4 is HillIK(x, kn, 4).
func HillIK4(x, kn float64) float64 {
	x2 := x * x
	xn := x2 * x2
	return xn / (kn + xn)
}
