package expr

import (
	"fmt"
	"math"
)

// Diff returns the symbolic derivative of n with respect to the identifier
// name, simplified. User functions in funcs are inlined first. Relational
// and logical operators have derivative 0; piecewise differentiates
// branch-wise (the conditions are kept); abs, pos, min and max differentiate
// as the branch they select; floor, ceil and quotient have derivative 0
// (almost everywhere). shannon and simpson differentiate to 0 where all
// abundances are 0, and a zero abundance contributes 0 to the derivative
// of shannon (its one-sided derivative is infinite); 0^v(x) has derivative 0.
// factorial, delay and rateOf have no derivative here:
// Diff returns an error naming them.
func Diff(n *Node, name string, funcs map[string]*Func) (*Node, error) {
	m, err := Inline(n, funcs)
	if err != nil {
		return nil, err
	}
	// Simplifying first folds constant sub-trees (so acos(x^0) has
	// derivative 0, not 0 times an infinite factor).
	d, err := diff(Simplify(m), name)
	if err != nil {
		return nil, err
	}
	return Simplify(d), nil
}

// Inline returns n with every call of a function in funcs replaced by its
// body, arguments substituted.
func Inline(n *Node, funcs map[string]*Func) (*Node, error) {
	return inline(n, funcs, 0)
}

func inline(n *Node, funcs map[string]*Func, depth int) (*Node, error) {
	if n == nil {
		return nil, fmt.Errorf("nil expression")
	}
	if len(n.Args) == 0 && n.Op != OpCall {
		return n, nil
	}
	args := make([]*Node, len(n.Args))
	for i, a := range n.Args {
		b, err := inline(a, funcs, depth)
		if err != nil {
			return nil, err
		}
		args[i] = b
	}
	if n.Op == OpCall {
		if f, ok := funcs[n.Name]; ok {
			if len(f.Args) != len(args) {
				return nil, locErr(n, "function %s takes %d argument%s, got %d", n.Name, len(f.Args), plural(len(f.Args)), len(args))
			}
			if depth >= maxCallDepth {
				return nil, locErr(n, "function %s: calls nested more than %d deep (recursive definition?)", n.Name, maxCallDepth)
			}
			bind := make(map[string]*Node, len(args))
			for i, a := range f.Args {
				bind[a] = args[i]
			}
			body, err := inline(Substitute(f.Body, bind), funcs, depth+1)
			if err != nil {
				return nil, fmt.Errorf("in function %s: %w", n.Name, err)
			}
			return body, nil
		}
	}
	return &Node{Op: n.Op, Value: n.Value, Name: n.Name, Args: args, Pos: n.Pos}, nil
}

// Substitute returns n with each identifier that is a key of bind replaced
// by the bound tree (shared, not copied). n is not modified.
func Substitute(n *Node, bind map[string]*Node) *Node {
	if n == nil {
		return nil
	}
	if n.Op == OpVar {
		if r, ok := bind[n.Name]; ok {
			return r
		}
		return n
	}
	if len(n.Args) == 0 {
		return n
	}
	args := make([]*Node, len(n.Args))
	for i, a := range n.Args {
		args[i] = Substitute(a, bind)
	}
	return &Node{Op: n.Op, Value: n.Value, Name: n.Name, Args: args, Pos: n.Pos}
}

// dependsOn reports whether n mentions the identifier name.
func dependsOn(n *Node, name string) bool {
	if n.Op == OpVar {
		return n.Name == name
	}
	for _, a := range n.Args {
		if dependsOn(a, name) {
			return true
		}
	}
	return false
}

func mul(a ...*Node) *Node         { return New(OpMul, a...) }
func add(a ...*Node) *Node         { return New(OpAdd, a...) }
func sub(a, b *Node) *Node         { return New(OpSub, a, b) }
func div(a, b *Node) *Node         { return New(OpDiv, a, b) }
func pow(a, b *Node) *Node         { return New(OpPow, a, b) }
func neg(a *Node) *Node            { return New(OpNeg, a) }
func call(f string, a *Node) *Node { return Call(f, a) }
func sq(a *Node) *Node             { return pow(a, Num(2)) }

func diff(n *Node, x string) (*Node, error) {
	if !dependsOn(n, x) {
		return Num(0), nil
	}
	switch n.Op {
	case OpVar:
		return Num(1), nil
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe, OpAnd, OpOr, OpXor, OpNot:
		return Num(0), nil
	}
	if err := checkArity(n); err != nil {
		return nil, err
	}
	d := make([]*Node, len(n.Args))
	if n.Op != OpCall && n.Op != OpPow {
		for i, a := range n.Args {
			if n.Op == OpPiecewise && i%2 == 1 {
				d[i] = a // condition kept as is
				continue
			}
			v, err := diff(a, x)
			if err != nil {
				return nil, err
			}
			d[i] = v
		}
	}
	a := n.Args
	switch n.Op {
	case OpNeg:
		return neg(d[0]), nil
	case OpAdd:
		return add(d...), nil
	case OpSub:
		if len(a) == 1 {
			return neg(d[0]), nil
		}
		return sub(d[0], d[1]), nil
	case OpMul:
		terms := make([]*Node, 0, len(a))
		for i := range a {
			f := make([]*Node, 0, len(a))
			f = append(f, d[i])
			for j := range a {
				if j != i {
					f = append(f, a[j])
				}
			}
			terms = append(terms, mul(f...))
		}
		return add(terms...), nil
	case OpDiv:
		// (u/v)' = u'/v - u v'/v^2
		return sub(div(d[0], a[1]), div(mul(a[0], d[1]), sq(a[1]))), nil
	case OpPow:
		return diffPow(a[0], a[1], x)
	case OpPiecewise:
		return New(OpPiecewise, d...), nil
	case OpCall:
		return diffCall(n, x)
	}
	return nil, locErr(n, "cannot differentiate node (op %d)", n.Op)
}

func diffPow(u, v *Node, x string) (*Node, error) {
	du, err := diff(u, x)
	if err != nil {
		return nil, err
	}
	dv, err := diff(v, x)
	if err != nil {
		return nil, err
	}
	// A factor whose derivative is 0 (even where it mentions x, as in
	// piecewise constants) drops out, avoiding 0·ln(u) = NaN for u <= 0.
	if !dependsOn(v, x) || isNum(Simplify(dv), 0) {
		// v u^(v-1) u'
		return mul(v, pow(u, sub(v, Num(1))), du), nil
	}
	if !dependsOn(u, x) || isNum(Simplify(du), 0) {
		d := mul(pow(u, v), call("ln", u), dv)
		if u.Op == OpNum && u.Value > 0 {
			return d, nil
		}
		// 0^v(x) is constant where defined: derivative 0, not 0·ln 0 = NaN.
		return New(OpPiecewise, Num(0), New(OpEq, u, Num(0)), d), nil
	}
	// u^v (v' ln u + v u'/u)
	return mul(pow(u, v), add(mul(dv, call("ln", u)), div(mul(v, du), u))), nil
}

// unaryDeriv gives f'(u) for the unary builtins.
var unaryDeriv = map[string]func(u *Node) *Node{
	"exp":   func(u *Node) *Node { return call("exp", u) },
	"ln":    func(u *Node) *Node { return div(Num(1), u) },
	"log10": func(u *Node) *Node { return div(Num(1), mul(u, Num(math.Ln10))) },
	"sqrt":  func(u *Node) *Node { return div(Num(0.5), call("sqrt", u)) },
	"abs": func(u *Node) *Node {
		return New(OpPiecewise, Num(1), New(OpGt, u, Num(0)), Num(-1), New(OpLt, u, Num(0)), Num(0))
	},
	"floor": func(u *Node) *Node { return Num(0) },
	"ceil":  func(u *Node) *Node { return Num(0) },
	"sin":   func(u *Node) *Node { return call("cos", u) },
	"cos":   func(u *Node) *Node { return neg(call("sin", u)) },
	"tan":   func(u *Node) *Node { return sq(call("sec", u)) },
	"sec":   func(u *Node) *Node { return mul(call("sec", u), call("tan", u)) },
	"csc":   func(u *Node) *Node { return neg(mul(call("csc", u), call("cot", u))) },
	"cot":   func(u *Node) *Node { return neg(sq(call("csc", u))) },
	"asin":  func(u *Node) *Node { return div(Num(1), call("sqrt", sub(Num(1), sq(u)))) },
	"acos":  func(u *Node) *Node { return div(Num(-1), call("sqrt", sub(Num(1), sq(u)))) },
	"atan":  func(u *Node) *Node { return div(Num(1), add(Num(1), sq(u))) },
	"sinh":  func(u *Node) *Node { return call("cosh", u) },
	"cosh":  func(u *Node) *Node { return call("sinh", u) },
	"tanh":  func(u *Node) *Node { return sq(call("sech", u)) },
	"asinh": func(u *Node) *Node { return div(Num(1), call("sqrt", add(sq(u), Num(1)))) },
	"acosh": func(u *Node) *Node {
		return div(Num(1), mul(call("sqrt", sub(u, Num(1))), call("sqrt", add(u, Num(1)))))
	},
	"atanh":  func(u *Node) *Node { return div(Num(1), sub(Num(1), sq(u))) },
	"sech":   func(u *Node) *Node { return neg(mul(call("sech", u), call("tanh", u))) },
	"csch":   func(u *Node) *Node { return neg(mul(call("csch", u), call("coth", u))) },
	"coth":   func(u *Node) *Node { return neg(sq(call("csch", u))) },
	"arcsec": func(u *Node) *Node { return div(Num(1), mul(call("abs", u), call("sqrt", sub(sq(u), Num(1))))) },
	"arccsc": func(u *Node) *Node { return div(Num(-1), mul(call("abs", u), call("sqrt", sub(sq(u), Num(1))))) },
	"arccot": func(u *Node) *Node { return div(Num(-1), add(Num(1), sq(u))) },
	"arcsech": func(u *Node) *Node {
		return div(Num(-1), mul(u, call("sqrt", sub(Num(1), sq(u)))))
	},
	"arccsch": func(u *Node) *Node {
		return div(Num(-1), mul(call("abs", u), call("sqrt", add(Num(1), sq(u)))))
	},
	"arccoth": func(u *Node) *Node { return div(Num(1), sub(Num(1), sq(u))) },
	"pos":     func(u *Node) *Node { return New(OpPiecewise, Num(1), New(OpGt, u, Num(0)), Num(0)) },
}

func diffCall(n *Node, x string) (*Node, error) {
	a := n.Args
	bi, ok := builtins[n.Name]
	if !ok {
		return nil, locErr(n, "unknown function %q", n.Name)
	}
	if len(a) < bi.min || bi.max >= 0 && len(a) > bi.max {
		return nil, locErr(n, "function %s: wrong number of arguments (%d)", n.Name, len(a))
	}
	if f, ok := unaryDeriv[n.Name]; ok {
		du, err := diff(a[0], x)
		if err != nil {
			return nil, err
		}
		return mul(f(a[0]), du), nil
	}
	switch n.Name {
	case "log":
		return diff(div(call("ln", a[1]), call("ln", a[0])), x)
	case "root":
		return diff(pow(a[1], div(Num(1), a[0])), x)
	case "hill":
		xn := pow(a[0], a[2])
		return diff(div(xn, add(pow(a[1], a[2]), xn)), x)
	case hillPowerName:
		return diff(pow(a[0], a[1]), x)
	case hillGivenName:
		xn := pow(a[0], a[2])
		return diff(div(xn, add(a[1], xn)), x)
	case "quotient":
		return Num(0), nil
	case "rem":
		da, err := diff(a[0], x)
		if err != nil {
			return nil, err
		}
		db, err := diff(a[1], x)
		if err != nil {
			return nil, err
		}
		return sub(da, mul(db, Call("quotient", a[0], a[1]))), nil
	case "min", "max":
		rel := OpLe
		if n.Name == "max" {
			rel = OpGe
		}
		acc := a[0]
		dacc, err := diff(a[0], x)
		if err != nil {
			return nil, err
		}
		for _, b := range a[1:] {
			db, err := diff(b, x)
			if err != nil {
				return nil, err
			}
			dacc = New(OpPiecewise, dacc, New(rel, acc, b), db)
			acc = Call(n.Name, acc, b)
		}
		return dacc, nil
	case "shannon", "simpson":
		// With S = Σx_i and p_k = x_k/S:
		// ∂H/∂x_k = -(ln p_k + H)/S,  ∂D/∂x_k = -2 (p_k - (1 - D))/S.
		s := add(a...)
		var terms []*Node
		for _, xk := range a {
			dk, err := diff(xk, x)
			if err != nil {
				return nil, err
			}
			if isNum(dk, 0) {
				continue
			}
			var g *Node
			if n.Name == "shannon" {
				g = neg(div(add(call("ln", div(xk, s)), n), s))
			} else {
				g = div(mul(Num(-2), sub(div(xk, s), sub(Num(1), n))), s)
			}
			// A zero abundance contributes 0 (its one-sided derivative is
			// infinite), keeping Jacobians finite at extinct taxa.
			terms = append(terms, New(OpPiecewise, Num(0), New(OpEq, xk, Num(0)), mul(g, dk)))
		}
		// All abundances 0: the index is 0 there; derivative 0.
		return New(OpPiecewise, Num(0), New(OpEq, s, Num(0)), add(terms...)), nil
	}
	return nil, locErr(n, "no derivative for %s", n.Name)
}
