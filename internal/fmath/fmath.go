// Package fmath holds the numeric primitives of holobiont's expression
// language that the tape interpreter (package expr) and the Go kernels
// generated from tapes (package system/kernels) both call, so that the two
// compute the same bits: one copy of each function.
//
// Several are bit-for-bit replacements of math functions that are assembly
// calls on amd64 (Max, Min) or slower general routines (PowI, FastPow), made
// inlinable; each says what it agrees with and how closely.
package fmath

import "math"

// Sign is 1 for x > 0, −1 for x < 0 and 0 for 0 and NaN.
func Sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// LogBase is log_b(x) = ln x / ln b.
func LogBase(b, x float64) float64 { return math.Log(x) / math.Log(b) }

// Root is the n-th root of x (root(n, x) of MathML): math.Sqrt for n = 2,
// math.Cbrt for 3, math.Pow(x, 1/n) otherwise.
func Root(n, x float64) float64 {
	switch n {
	case 2:
		return math.Sqrt(x)
	case 3:
		return math.Cbrt(x)
	}
	return math.Pow(x, 1/n)
}

// Sec and the other reciprocal trigonometric and hyperbolic functions and
// their inverses, as MathML defines them.
func Sec(x float64) float64     { return 1 / math.Cos(x) }
func Csc(x float64) float64     { return 1 / math.Sin(x) }
func Cot(x float64) float64     { return 1 / math.Tan(x) }
func Sech(x float64) float64    { return 1 / math.Cosh(x) }
func Csch(x float64) float64    { return 1 / math.Sinh(x) }
func Coth(x float64) float64    { return 1 / math.Tanh(x) }
func Arcsec(x float64) float64  { return math.Acos(1 / x) }
func Arccsc(x float64) float64  { return math.Asin(1 / x) }
func Arcsech(x float64) float64 { return math.Acosh(1 / x) }
func Arccsch(x float64) float64 { return math.Asinh(1 / x) }
func Arccoth(x float64) float64 { return math.Atanh(1 / x) }

// Arccot is atan(1/x), range (-π/2, π/2], the convention of the SBML test
// suite (case 00957: arccot(-0.1) = -1.4711).
func Arccot(x float64) float64 { return math.Atan(1 / x) }

// Pos is max(x, 0) (NaN stays NaN).
func Pos(x float64) float64 {
	if x > 0 {
		return x
	}
	if math.IsNaN(x) {
		return x
	}
	return 0
}

// Max is math.Max bit for bit (+Inf before NaN, +0 over −0, math.NaN()
// for a NaN operand), but inlinable: on amd64 math.Max is an assembly
// call.
func Max(x, y float64) float64 {
	if x > y {
		return x
	}
	if y > x {
		return y
	}
	return maxTie(x, y)
}

// maxTie is Max for equal or unordered operands (kept out of line so that
// Max inlines).
//
//go:noinline
func maxTie(x, y float64) float64 {
	if x == y {
		if x == 0 {
			return math.Float64frombits(math.Float64bits(x) & math.Float64bits(y))
		}
		return x
	}
	if x > math.MaxFloat64 || y > math.MaxFloat64 {
		return math.Inf(1)
	}
	return math.NaN()
}

// Min is math.Min bit for bit (−Inf before NaN, −0 under +0, math.NaN()
// for a NaN operand), but inlinable.
func Min(x, y float64) float64 {
	if x < y {
		return x
	}
	if y < x {
		return y
	}
	return minTie(x, y)
}

// minTie is Min for equal or unordered operands (out of line).
//
//go:noinline
func minTie(x, y float64) float64 {
	if x == y {
		if x == 0 {
			return math.Float64frombits(math.Float64bits(x) | math.Float64bits(y))
		}
		return x
	}
	if x < -math.MaxFloat64 || y < -math.MaxFloat64 {
		return math.Inf(-1)
	}
	return math.NaN()
}

// Quotient is trunc(a/b).
func Quotient(a, b float64) float64 { return math.Trunc(a / b) }

// Factorial is Γ(x+1), by repeated multiplication for integers up to 170;
// NaN for negative x.
func Factorial(x float64) float64 {
	if x < 0 || math.IsNaN(x) {
		return math.NaN()
	}
	if x == math.Trunc(x) && x <= 170 {
		r := 1.0
		for i := 2.0; i <= x; i++ {
			r *= i
		}
		return r
	}
	return math.Gamma(x + 1)
}

// Truth is 1 for a non-zero (or NaN) v, else 0.
func Truth(v float64) float64 {
	if v != 0 {
		return 1
	}
	return 0
}

// B2F is 1 for true, 0 for false.
func B2F(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

// Sel is a when c is non-zero (true), else b: the select of a piecewise
// expression.
func Sel(c, a, b float64) float64 {
	if c != 0 {
		return a
	}
	return b
}

// And, Or and Xor are the logical operators on truth values (non-zero is
// true), yielding 1 or 0.
func And(a, b float64) float64 { return B2F(a != 0 && b != 0) }
func Or(a, b float64) float64  { return B2F(a != 0 || b != 0) }
func Xor(a, b float64) float64 { return B2F((a != 0) != (b != 0)) }

// AllFinite reports whether no entry of v is NaN or ±Inf. x·0 is ±0 for
// finite x and NaN otherwise, so four running sums of x·0 stay ±0 unless
// an entry is non-finite; the four sums do not wait on each other, where a
// loop testing each entry with a branch runs at a fraction of the speed
// (a Jacobian of 2,500 entries is checked at every Rodas4 step).
func AllFinite(v []float64) bool {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		w := v[i : i+4 : i+4]
		s0 += w[0] * 0
		s1 += w[1] * 0
		s2 += w[2] * 0
		s3 += w[3] * 0
	}
	for ; i < len(v); i++ {
		s0 += v[i] * 0
	}
	return s0+s1+s2+s3 == 0
}

// AllFiniteAt reports whether v[k] is finite for every k in idx: AllFinite
// for scattered entries (the partial derivatives of a Jacobian, read from
// an environment), without a branch per entry.
func AllFiniteAt(v []float64, idx []int) bool {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(idx); i += 4 {
		w := idx[i : i+4 : i+4]
		s0 += v[w[0]] * 0
		s1 += v[w[1]] * 0
		s2 += v[w[2]] * 0
		s3 += v[w[3]] * 0
	}
	for ; i < len(idx); i++ {
		s0 += v[idx[i]] * 0
	}
	return s0+s1+s2+s3 == 0
}
