package expr

import (
	"math"
	"sort"
)

// builtin describes one canonical builtin function.
type builtin struct {
	min, max int // arity bounds; max < 0 means unbounded
	f1       func(float64) float64
	f2       func(a, b float64) float64
}

// builtins is the table of canonical builtin names. It is never modified.
var builtins = map[string]builtin{
	"exp":       {min: 1, max: 1, f1: math.Exp},
	"ln":        {min: 1, max: 1, f1: math.Log},
	"log10":     {min: 1, max: 1, f1: math.Log10},
	"log":       {min: 2, max: 2, f2: logBase},
	"sqrt":      {min: 1, max: 1, f1: math.Sqrt},
	"root":      {min: 2, max: 2, f2: rootN},
	"abs":       {min: 1, max: 1, f1: math.Abs},
	"floor":     {min: 1, max: 1, f1: math.Floor},
	"ceil":      {min: 1, max: 1, f1: math.Ceil},
	"sin":       {min: 1, max: 1, f1: math.Sin},
	"cos":       {min: 1, max: 1, f1: math.Cos},
	"tan":       {min: 1, max: 1, f1: math.Tan},
	"sec":       {min: 1, max: 1, f1: sec},
	"csc":       {min: 1, max: 1, f1: csc},
	"cot":       {min: 1, max: 1, f1: cot},
	"asin":      {min: 1, max: 1, f1: math.Asin},
	"acos":      {min: 1, max: 1, f1: math.Acos},
	"atan":      {min: 1, max: 1, f1: math.Atan},
	"sinh":      {min: 1, max: 1, f1: math.Sinh},
	"cosh":      {min: 1, max: 1, f1: math.Cosh},
	"tanh":      {min: 1, max: 1, f1: math.Tanh},
	"asinh":     {min: 1, max: 1, f1: math.Asinh},
	"acosh":     {min: 1, max: 1, f1: math.Acosh},
	"atanh":     {min: 1, max: 1, f1: math.Atanh},
	"sech":      {min: 1, max: 1, f1: sech},
	"csch":      {min: 1, max: 1, f1: csch},
	"coth":      {min: 1, max: 1, f1: coth},
	"arcsec":    {min: 1, max: 1, f1: arcsec},
	"arccsc":    {min: 1, max: 1, f1: arccsc},
	"arccot":    {min: 1, max: 1, f1: arccot},
	"arcsech":   {min: 1, max: 1, f1: arcsech},
	"arccsch":   {min: 1, max: 1, f1: arccsch},
	"arccoth":   {min: 1, max: 1, f1: arccoth},
	"min":       {min: 1, max: -1, f2: math.Min},
	"max":       {min: 1, max: -1, f2: math.Max},
	"pos":       {min: 1, max: 1, f1: posPart},
	"hill":      {min: 3, max: 3},
	"factorial": {min: 1, max: 1, f1: factorial},
	"shannon":   {min: 1, max: -1},
	"simpson":   {min: 1, max: -1},
	"rem":       {min: 2, max: 2, f2: math.Mod},
	"quotient":  {min: 2, max: 2, f2: quotient},
	"delay":     {min: 2, max: 2},
	"rateOf":    {min: 1, max: 1},

	// internal: the parts of hill (see HillPower, HillGiven); not listed
	// by Builtins, and no front end produces these names
	hillPowerName: {min: 2, max: 2},
	hillGivenName: {min: 3, max: 3},
}

// aliases maps accepted infix/MathML spellings to canonical names.
var aliases = map[string]string{
	"arcsin":  "asin",
	"arccos":  "acos",
	"arctan":  "atan",
	"arcsinh": "asinh",
	"arccosh": "acosh",
	"arctanh": "atanh",
	"ceiling": "ceil",
}

// Builtins returns the canonical builtin function names, sorted.
func Builtins() []string {
	names := make([]string, 0, len(builtins))
	for k := range builtins {
		if k == hillPowerName || k == hillGivenName {
			continue
		}
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// IsBuiltin reports whether name is a canonical builtin function and returns
// its arity bounds (max < 0: any number of arguments from min).
func IsBuiltin(name string) (min, max int, ok bool) {
	b, ok := builtins[name]
	return b.min, b.max, ok
}

func logBase(b, x float64) float64 { return math.Log(x) / math.Log(b) }

func rootN(n, x float64) float64 {
	switch n {
	case 2:
		return math.Sqrt(x)
	case 3:
		return math.Cbrt(x)
	}
	return math.Pow(x, 1/n)
}

func sec(x float64) float64     { return 1 / math.Cos(x) }
func csc(x float64) float64     { return 1 / math.Sin(x) }
func cot(x float64) float64     { return 1 / math.Tan(x) }
func sech(x float64) float64    { return 1 / math.Cosh(x) }
func csch(x float64) float64    { return 1 / math.Sinh(x) }
func coth(x float64) float64    { return 1 / math.Tanh(x) }
func arcsec(x float64) float64  { return math.Acos(1 / x) }
func arccsc(x float64) float64  { return math.Asin(1 / x) }
func arcsech(x float64) float64 { return math.Acosh(1 / x) }
func arccsch(x float64) float64 { return math.Asinh(1 / x) }
func arccoth(x float64) float64 { return math.Atanh(1 / x) }

// arccot is atan(1/x), range (-π/2, π/2], the convention of the SBML test
// suite (case 00957: arccot(-0.1) = -1.4711).
func arccot(x float64) float64 { return math.Atan(1 / x) }

func posPart(x float64) float64 {
	if x > 0 {
		return x
	}
	if math.IsNaN(x) {
		return x
	}
	return 0
}

// fmax is math.Max bit for bit (+Inf before NaN, +0 over −0, math.NaN()
// for a NaN operand), but inlinable: on amd64 math.Max is an assembly
// call (TestMinMaxMatchMath).
func fmax(x, y float64) float64 {
	if x > y {
		return x
	}
	if y > x {
		return y
	}
	return fmaxTie(x, y)
}

// fmaxTie is fmax for equal or unordered operands (kept out of line so
// that fmax inlines).
//
//go:noinline
func fmaxTie(x, y float64) float64 {
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

// fmin is math.Min bit for bit (−Inf before NaN, −0 under +0,
// math.NaN() for a NaN operand), but inlinable.
func fmin(x, y float64) float64 {
	if x < y {
		return x
	}
	if y < x {
		return y
	}
	return fminTie(x, y)
}

// fminTie is fmin for equal or unordered operands (out of line).
//
//go:noinline
func fminTie(x, y float64) float64 {
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

func quotient(a, b float64) float64 { return math.Trunc(a / b) }

func factorial(x float64) float64 {
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

func hill(x, k, n float64) float64 {
	xn := math.Pow(x, n)
	return xn / (math.Pow(k, n) + xn)
}

func truth(v float64) float64 {
	if v != 0 {
		return 1
	}
	return 0
}

// shannon returns the natural-log Shannon entropy of the relative abundances
// of x, or 0 when all are 0.
func shannon(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	if s == 0 {
		return 0
	}
	var h float64
	for _, v := range x {
		if v != 0 {
			p := v / s
			h -= p * math.Log(p)
		}
	}
	return h
}

// simpson returns the Gini–Simpson index 1 - Σp² of the relative abundances
// of x, or 0 when all are 0.
func simpson(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	if s == 0 {
		return 0
	}
	var d float64
	for _, v := range x {
		p := v / s
		d += p * p
	}
	return 1 - d
}
