package expr

import (
	"math"
	"math/rand/v2"
)

// unaryNames and others list the builtins the random generator uses.
var (
	genUnary = []string{"exp", "ln", "log10", "sqrt", "abs", "floor", "ceil", "sin", "cos", "tan",
		"sec", "csc", "cot", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
		"atanh", "sech", "csch", "coth", "arcsec", "arccsc", "arccot", "arcsech", "arccsch",
		"arccoth", "pos", "factorial"}
	genBinary = []string{"log", "root", "rem", "quotient", "min", "max"}
	genNary   = []string{"min", "max", "shannon", "simpson"}
)

// randExpr returns a random expression over vars.
func randExpr(rng *rand.Rand, depth int, vars []string) *Node {
	if depth <= 0 || rng.IntN(5) == 0 {
		switch rng.IntN(4) {
		case 0:
			return Num(math.Round(rng.Float64()*80-40) / 8)
		case 1:
			return &Node{Op: OpTime}
		default:
			return Var(vars[rng.IntN(len(vars))])
		}
	}
	sub := func() *Node { return randExpr(rng, depth-1, vars) }
	subs := func(k int) []*Node {
		a := make([]*Node, k)
		for i := range a {
			a[i] = sub()
		}
		return a
	}
	switch rng.IntN(14) {
	case 0:
		return New(OpAdd, subs(2+rng.IntN(2))...)
	case 1:
		return New(OpSub, subs(2)...)
	case 2:
		return New(OpMul, subs(2+rng.IntN(2))...)
	case 3:
		return New(OpDiv, subs(2)...)
	case 4:
		return New(OpPow, sub(), Num(float64(rng.IntN(5)-1)))
	case 5:
		return New(OpPow, sub(), sub())
	case 6:
		return New(OpNeg, sub())
	case 7:
		return New(Op(int(OpLt)+rng.IntN(6)), subs(2)...)
	case 8:
		return New([]Op{OpAnd, OpOr, OpXor}[rng.IntN(3)], subs(2+rng.IntN(2))...)
	case 9:
		return New(OpNot, sub())
	case 10:
		return New(OpPiecewise, subs(2+rng.IntN(4))...)
	case 11:
		return Call(genUnary[rng.IntN(len(genUnary))], sub())
	case 12:
		return Call(genBinary[rng.IntN(len(genBinary))], subs(2)...)
	default:
		if rng.IntN(2) == 0 {
			return Call("hill", subs(3)...)
		}
		return Call(genNary[rng.IntN(len(genNary))], subs(1+rng.IntN(3))...)
	}
}

// sameFloat reports whether a and b agree within rel (NaNs agree, infinities
// must match exactly).
func sameFloat(a, b, rel float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= rel*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed+1)) }
