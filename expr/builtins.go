package expr

import (
	"math"
	"sort"

	"github.com/holobiont/holobiont/internal/fmath"
)

// builtin describes one canonical builtin function.
type builtin struct {
	min, max int // arity bounds; max < 0 means unbounded
	f1       func(float64) float64
	f2       func(a, b float64) float64
}

// builtins is the table of canonical builtin names. It is never modified.
var builtins = map[string]builtin{
	"exp":       {min: 1, max: 1, f1: fmath.Exp},
	"ln":        {min: 1, max: 1, f1: fmath.Log},
	"log10":     {min: 1, max: 1, f1: math.Log10},
	"log":       {min: 2, max: 2, f2: fmath.LogBase},
	"sqrt":      {min: 1, max: 1, f1: math.Sqrt},
	"root":      {min: 2, max: 2, f2: fmath.Root},
	"abs":       {min: 1, max: 1, f1: math.Abs},
	"floor":     {min: 1, max: 1, f1: math.Floor},
	"ceil":      {min: 1, max: 1, f1: math.Ceil},
	"sin":       {min: 1, max: 1, f1: math.Sin},
	"cos":       {min: 1, max: 1, f1: math.Cos},
	"tan":       {min: 1, max: 1, f1: math.Tan},
	"sec":       {min: 1, max: 1, f1: fmath.Sec},
	"csc":       {min: 1, max: 1, f1: fmath.Csc},
	"cot":       {min: 1, max: 1, f1: fmath.Cot},
	"asin":      {min: 1, max: 1, f1: math.Asin},
	"acos":      {min: 1, max: 1, f1: math.Acos},
	"atan":      {min: 1, max: 1, f1: math.Atan},
	"sinh":      {min: 1, max: 1, f1: math.Sinh},
	"cosh":      {min: 1, max: 1, f1: math.Cosh},
	"tanh":      {min: 1, max: 1, f1: math.Tanh},
	"asinh":     {min: 1, max: 1, f1: math.Asinh},
	"acosh":     {min: 1, max: 1, f1: math.Acosh},
	"atanh":     {min: 1, max: 1, f1: math.Atanh},
	"sech":      {min: 1, max: 1, f1: fmath.Sech},
	"csch":      {min: 1, max: 1, f1: fmath.Csch},
	"coth":      {min: 1, max: 1, f1: fmath.Coth},
	"arcsec":    {min: 1, max: 1, f1: fmath.Arcsec},
	"arccsc":    {min: 1, max: 1, f1: fmath.Arccsc},
	"arccot":    {min: 1, max: 1, f1: fmath.Arccot},
	"arcsech":   {min: 1, max: 1, f1: fmath.Arcsech},
	"arccsch":   {min: 1, max: 1, f1: fmath.Arccsch},
	"arccoth":   {min: 1, max: 1, f1: fmath.Arccoth},
	"min":       {min: 1, max: -1, f2: math.Min},
	"max":       {min: 1, max: -1, f2: math.Max},
	"pos":       {min: 1, max: 1, f1: fmath.Pos},
	"hill":      {min: 3, max: 3},
	"factorial": {min: 1, max: 1, f1: fmath.Factorial},
	"shannon":   {min: 1, max: -1},
	"simpson":   {min: 1, max: -1},
	"rem":       {min: 2, max: 2, f2: math.Mod},
	"quotient":  {min: 2, max: 2, f2: fmath.Quotient},
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
