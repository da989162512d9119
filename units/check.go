package units

import (
	"fmt"
	"math"

	"github.com/holobiont/holobiont/expr"
)

// Error is a unit inconsistency in an expression: Expr is the infix text of
// the offending sub-expression and Pos its position in the source (zero when
// unknown).
type Error struct {
	Pos  expr.Pos
	Expr string
	Msg  string
}

func (e *Error) Error() string {
	if e.Pos.Line > 0 {
		return fmt.Sprintf("%d:%d: %s: %s", e.Pos.Line, e.Pos.Col, e.Expr, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Expr, e.Msg)
}

func errAt(n *expr.Node, format string, args ...any) error {
	return &Error{Pos: n.Pos, Expr: expr.String(n), Msg: fmt.Sprintf(format, args...)}
}

// Check infers the unit of n. unitOf gives the unit of each identifier (and
// of time under expr.TimeKey; when that is missing, time has the unknown
// unit). An identifier without a unit is an error; return UnknownUnit() from
// unitOf to exempt one. Numeric literals and constant sub-expressions are
// wildcards (see the package documentation). Errors are *Error naming the
// offending sub-expression.
func Check(n *expr.Node, unitOf func(name string) (Unit, bool)) (Unit, error) {
	c := checker{unitOf: unitOf}
	r, err := c.check(n)
	if err != nil {
		return Unit{}, err
	}
	if r.lit {
		return UnknownUnit(), nil
	}
	return r.u, nil
}

// CheckFuncs is Check after inlining the user functions funcs (so that their
// bodies are checked with the units of the actual arguments).
func CheckFuncs(n *expr.Node, unitOf func(name string) (Unit, bool), funcs map[string]*expr.Func) (Unit, error) {
	m, err := expr.Inline(n, funcs)
	if err != nil {
		return Unit{}, err
	}
	return Check(m, unitOf)
}

type checker struct {
	unitOf func(string) (Unit, bool)
}

// result is an inferred unit; lit marks constant sub-expressions (numbers),
// which match any unit in sums and act as dimensionless factors in
// products.
type result struct {
	u   Unit
	lit bool
}

// quotientOf is the unit of a/b; a literal operand counts as dimensionless.
func quotientOf(a, b result) result {
	u := Dimensionless()
	if !a.lit {
		u = a.u
	}
	if !b.lit {
		u = u.Div(b.u)
	}
	return result{u: u}
}

func (c *checker) check(n *expr.Node) (result, error) {
	if n == nil {
		return result{}, fmt.Errorf("units: nil expression")
	}
	switch n.Op {
	case expr.OpNum:
		return result{u: Dimensionless(), lit: true}, nil
	case expr.OpVar:
		u, ok := c.unitOf(n.Name)
		if !ok {
			return result{}, errAt(n, "no unit known for %s", n.Name)
		}
		return result{u: u}, nil
	case expr.OpTime:
		u, ok := c.unitOf(expr.TimeKey)
		if !ok {
			return result{u: UnknownUnit()}, nil
		}
		return result{u: u}, nil
	}
	if err := expr.CheckArity(n); err != nil {
		return result{}, err
	}
	args := make([]result, len(n.Args))
	allLit := true
	for i, a := range n.Args {
		r, err := c.check(a)
		if err != nil {
			return result{}, err
		}
		args[i] = r
		allLit = allLit && r.lit
	}
	if allLit && n.Op != expr.OpCall {
		return result{u: Dimensionless(), lit: true}, nil
	}
	switch n.Op {
	case expr.OpNeg:
		return args[0], nil
	case expr.OpAdd, expr.OpSub:
		u, err := c.same(n, n.Args, args, "add or subtract")
		return u, err
	case expr.OpMul:
		u := Dimensionless()
		for _, a := range args {
			if !a.lit {
				u = u.Mul(a.u)
			}
		}
		return result{u: u}, nil
	case expr.OpDiv:
		if len(args) != 2 {
			return result{}, errAt(n, "division needs 2 operands")
		}
		return quotientOf(args[0], args[1]), nil
	case expr.OpPow:
		return c.pow(n, args)
	case expr.OpLt, expr.OpLe, expr.OpGt, expr.OpGe, expr.OpEq, expr.OpNe:
		if _, err := c.same(n, n.Args, args, "compare"); err != nil {
			return result{}, err
		}
		return result{u: Dimensionless()}, nil
	case expr.OpAnd, expr.OpOr, expr.OpXor, expr.OpNot:
		return result{u: Dimensionless()}, nil
	case expr.OpPiecewise:
		var vals []*expr.Node
		var vres []result
		for i := range n.Args {
			if i%2 == 0 || i == len(n.Args)-1 && len(n.Args)%2 == 1 {
				vals = append(vals, n.Args[i])
				vres = append(vres, args[i])
			}
		}
		if len(vals) == 0 {
			return result{u: Dimensionless(), lit: true}, nil
		}
		return c.same(n, vals, vres, "choose between")
	case expr.OpCall:
		return c.call(n, args, allLit)
	}
	return result{}, errAt(n, "cannot infer the unit of this expression")
}

// same requires the non-literal results to have equal units (dimension and
// scale) and returns that unit.
func (c *checker) same(n *expr.Node, nodes []*expr.Node, rs []result, verb string) (result, error) {
	first := -1
	for i, r := range rs {
		if r.lit || r.u.Unknown {
			continue
		}
		if first < 0 {
			first = i
			continue
		}
		u, v := rs[first].u, r.u
		if !u.SameDim(v) {
			return result{}, errAt(n, "cannot %s %s [%s] and %s [%s]: dimensions differ",
				verb, expr.String(nodes[first]), u.describe(), expr.String(nodes[i]), v.describe())
		}
		if !u.Equal(v) {
			return result{}, errAt(n, "cannot %s %s [%s] and %s [%s]: same dimension but scales differ by a factor %.6g",
				verb, expr.String(nodes[first]), u.describe(), expr.String(nodes[i]), v.describe(), ratio(u, v))
		}
	}
	if first < 0 {
		for _, r := range rs {
			if !r.lit {
				return result{u: UnknownUnit()}, nil
			}
		}
		return result{u: Dimensionless(), lit: true}, nil
	}
	return result{u: rs[first].u}, nil
}

func (c *checker) dimensionless(n, arg *expr.Node, r result, what string) error {
	if r.lit || r.u.Unknown || r.u.Equal(Dimensionless()) {
		return nil
	}
	if r.u.IsDimensionless() {
		return errAt(n, "%s needs a dimensionless argument, but %s has unit %s: dimensionless with scale %.6g, not 1",
			what, expr.String(arg), r.u.describe(), r.u.Magnitude())
	}
	return errAt(n, "%s needs a dimensionless argument, but %s has unit %s", what, expr.String(arg), r.u.describe())
}

// constValue evaluates a constant sub-expression.
func constValue(n *expr.Node) (float64, bool) {
	v, err := expr.Eval(n, func(string) (float64, bool) { return 0, false }, nil)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

func (c *checker) pow(n *expr.Node, args []result) (result, error) {
	if len(args) != 2 {
		return result{}, errAt(n, "power needs 2 operands")
	}
	base, ex := args[0], args[1]
	if err := c.dimensionless(n, n.Args[1], ex, "the exponent"); err != nil {
		return result{}, err
	}
	if base.lit || base.u.Unknown {
		return base, nil
	}
	if ex.lit {
		if v, ok := constValue(n.Args[1]); ok {
			return result{u: base.u.Pow(v)}, nil
		}
	}
	if !base.u.IsDimensionless() {
		return result{}, errAt(n, "raising %s [%s] to a non-constant power needs a dimensionless base",
			expr.String(n.Args[0]), base.u.describe())
	}
	return result{u: base.u.Pow(1)}, nil
}

// dimensionlessFuncs take dimensionless arguments and give a dimensionless
// result.
var dimensionlessFuncs = map[string]bool{
	"exp": true, "ln": true, "log10": true, "log": true, "sin": true, "cos": true, "tan": true,
	"sec": true, "csc": true, "cot": true, "asin": true, "acos": true, "atan": true, "sinh": true,
	"cosh": true, "tanh": true, "asinh": true, "acosh": true, "atanh": true, "sech": true,
	"csch": true, "coth": true, "arcsec": true, "arccsc": true, "arccot": true, "arcsech": true,
	"arccsch": true, "arccoth": true, "factorial": true,
}

func (c *checker) call(n *expr.Node, args []result, allLit bool) (result, error) {
	lit := func() (result, error) { return result{u: Dimensionless(), lit: true}, nil }
	a := n.Args
	min, max, ok := expr.IsBuiltin(n.Name)
	if !ok {
		return result{u: UnknownUnit()}, nil
	}
	if len(a) < min || max >= 0 && len(a) > max {
		return result{}, errAt(n, "%s: wrong number of arguments (%d)", n.Name, len(a))
	}
	if dimensionlessFuncs[n.Name] {
		for i := range a {
			if err := c.dimensionless(n, a[i], args[i], n.Name); err != nil {
				return result{}, err
			}
		}
		if allLit {
			return lit()
		}
		return result{u: Dimensionless()}, nil
	}
	if allLit {
		return lit()
	}
	switch n.Name {
	case "sqrt":
		if args[0].lit {
			return lit()
		}
		return result{u: args[0].u.Pow(0.5)}, nil
	case "root":
		if err := c.dimensionless(n, a[0], args[0], "the degree of root"); err != nil {
			return result{}, err
		}
		if args[1].lit || args[1].u.Unknown {
			return args[1], nil
		}
		if v, ok := constValue(a[0]); ok && v != 0 {
			return result{u: args[1].u.Pow(1 / v)}, nil
		}
		if !args[1].u.IsDimensionless() {
			return result{}, errAt(n, "root of non-constant degree needs a dimensionless argument")
		}
		return result{u: Dimensionless()}, nil
	case "abs", "floor", "ceil", "pos", "delay":
		if n.Name == "delay" && !args[1].lit && !args[1].u.Unknown {
			if t, ok := c.unitOf(expr.TimeKey); ok && !t.Unknown && !t.Equal(args[1].u) {
				return result{}, errAt(n, "the delay %s has unit %s, not the time unit %s",
					expr.String(a[1]), args[1].u.describe(), t.describe())
			}
		}
		return args[0], nil
	case "min", "max", "rem":
		return c.same(n, a, args, "take "+n.Name+" of")
	case "quotient":
		return quotientOf(args[0], args[1]), nil
	case "hill":
		if _, err := c.same(n, a[:2], args[:2], "compare in hill"); err != nil {
			return result{}, err
		}
		if err := c.dimensionless(n, a[2], args[2], "the Hill coefficient"); err != nil {
			return result{}, err
		}
		return result{u: Dimensionless()}, nil
	case "shannon", "simpson":
		if _, err := c.same(n, a, args, n.Name+" of"); err != nil {
			return result{}, err
		}
		return result{u: Dimensionless()}, nil
	case "rateOf":
		t, ok := c.unitOf(expr.TimeKey)
		if !ok || args[0].lit {
			return result{u: UnknownUnit()}, nil
		}
		return result{u: args[0].u.Div(t)}, nil
	}
	return result{u: UnknownUnit()}, nil
}
