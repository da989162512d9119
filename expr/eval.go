package expr

import (
	"fmt"
	"math"

	"github.com/holobiont/holobiont/internal/fmath"
)

// TimeKey is the name Eval passes to its lookup function to obtain the value
// of simulation time (OpTime). It is not a valid identifier, so it cannot
// clash with a model variable.
const TimeKey = "<time>"

// Func is a user function definition lambda(Args...) Body. Body may refer to
// its arguments and, in YAML models, to model variables; it is inlined at
// compile time.
type Func struct {
	Args []string
	Body *Node
}

// maxCallDepth bounds nested user-function expansion (recursion is an
// error).
const maxCallDepth = 64

// Eval evaluates n by walking the tree. It is the slow reference evaluator:
// lookup gives the values of identifiers (and of time under TimeKey), funcs
// the user function definitions (may be nil). The semantics are those of the
// package documentation.
func Eval(n *Node, lookup func(name string) (float64, bool), funcs map[string]*Func) (float64, error) {
	e := evaluator{lookup: lookup, funcs: funcs}
	return e.eval(n, nil)
}

type evaluator struct {
	lookup func(string) (float64, bool)
	funcs  map[string]*Func
	depth  int
}

// frame binds the arguments of one user-function call.
type frame struct {
	names []string
	vals  []float64
}

func locErr(n *Node, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if n != nil && n.Pos.Line > 0 {
		return fmt.Errorf("%d:%d: %s", n.Pos.Line, n.Pos.Col, msg)
	}
	return fmt.Errorf("%s", msg)
}

func (e *evaluator) eval(n *Node, fr *frame) (float64, error) {
	if n == nil {
		return 0, fmt.Errorf("nil expression")
	}
	switch n.Op {
	case OpNum:
		return n.Value, nil
	case OpVar:
		if fr != nil {
			for i, a := range fr.names {
				if a == n.Name {
					return fr.vals[i], nil
				}
			}
		}
		if e.lookup != nil {
			if v, ok := e.lookup(n.Name); ok {
				return v, nil
			}
		}
		return 0, locErr(n, "unknown identifier %q", n.Name)
	case OpTime:
		if e.lookup != nil {
			if v, ok := e.lookup(TimeKey); ok {
				return v, nil
			}
		}
		return 0, locErr(n, "time is not available here")
	}
	if err := checkArity(n); err != nil {
		return 0, err
	}
	args := make([]float64, len(n.Args))
	// Piecewise and logic evaluate every argument too: the semantics are
	// short-circuit free, so Eval and Tape agree on errors.
	for i, a := range n.Args {
		v, err := e.eval(a, fr)
		if err != nil {
			return 0, err
		}
		args[i] = v
	}
	switch n.Op {
	case OpCall:
		if f, ok := e.funcs[n.Name]; ok {
			if len(f.Args) != len(args) {
				return 0, locErr(n, "function %s takes %d argument%s, got %d", n.Name, len(f.Args), plural(len(f.Args)), len(args))
			}
			if e.depth >= maxCallDepth {
				return 0, locErr(n, "function %s: calls nested more than %d deep (recursive definition?)", n.Name, maxCallDepth)
			}
			e.depth++
			v, err := e.eval(f.Body, &frame{names: f.Args, vals: args})
			e.depth--
			if err != nil {
				return 0, fmt.Errorf("in function %s: %w", n.Name, err)
			}
			return v, nil
		}
		return callBuiltin(n, args)
	}
	return applyOp(n.Op, args), nil
}

// CheckArity reports an error when the node n (not its children) has an
// argument count its operator does not accept, or is not a valid node kind.
// Builtin calls are checked against their arity; calls of other names are
// not (they are user functions).
func CheckArity(n *Node) error {
	if err := checkArity(n); err != nil {
		return err
	}
	if n.Op == OpCall {
		if b, ok := builtins[n.Name]; ok && (len(n.Args) < b.min || b.max >= 0 && len(n.Args) > b.max) {
			return locErr(n, "function %s: wrong number of arguments (%d)", n.Name, len(n.Args))
		}
	}
	return nil
}

// Validate checks every node of n with CheckArity and that no node is nil.
func Validate(n *Node) error {
	if n == nil {
		return fmt.Errorf("nil expression")
	}
	if n.Op == OpNum || n.Op == OpVar || n.Op == OpTime {
		return nil
	}
	if err := CheckArity(n); err != nil {
		return err
	}
	for _, a := range n.Args {
		if err := Validate(a); err != nil {
			return err
		}
	}
	return nil
}

// checkArity validates the argument count of operator nodes.
func checkArity(n *Node) error {
	k := len(n.Args)
	bad := false
	switch n.Op {
	case OpNeg, OpNot:
		bad = k != 1
	case OpSub:
		bad = k != 1 && k != 2
	case OpDiv, OpPow:
		bad = k != 2
	case OpCall, OpPiecewise, OpAdd, OpMul, OpAnd, OpOr, OpXor,
		OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
	default:
		return locErr(n, "invalid expression node (op %d)", n.Op)
	}
	if bad {
		return locErr(n, "operator %s has %d argument%s", callForm[n.Op], k, plural(k))
	}
	return nil
}

// applyOp applies a non-call operator to evaluated arguments (arity checked).
func applyOp(op Op, a []float64) float64 {
	switch op {
	case OpNeg:
		return -a[0]
	case OpAdd:
		if len(a) == 0 {
			return 0
		}
		s := a[0] // not 0 + a[0], which loses the sign of -0
		for _, v := range a[1:] {
			s += v
		}
		return s
	case OpSub:
		if len(a) == 1 {
			return -a[0]
		}
		return a[0] - a[1]
	case OpMul:
		if len(a) == 0 {
			return 1
		}
		p := a[0]
		for _, v := range a[1:] {
			p *= v
		}
		return p
	case OpDiv:
		return a[0] / a[1]
	case OpPow:
		return math.Pow(a[0], a[1])
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
		for i := 0; i+1 < len(a); i++ {
			if relation(op, a[i], a[i+1]) == 0 {
				return 0
			}
		}
		return 1
	case OpAnd:
		for _, v := range a {
			if v == 0 {
				return 0
			}
		}
		return 1
	case OpOr:
		for _, v := range a {
			if v != 0 {
				return 1
			}
		}
		return 0
	case OpXor:
		r := 0.0
		for _, v := range a {
			if v != 0 {
				r = 1 - r
			}
		}
		return r
	case OpNot:
		if a[0] == 0 {
			return 1
		}
		return 0
	case OpPiecewise:
		k := len(a)
		for i := 0; i+1 < k; i += 2 {
			if a[i+1] != 0 {
				return a[i]
			}
		}
		if k%2 == 1 {
			return a[k-1]
		}
		return math.NaN()
	}
	return math.NaN()
}

func relation(op Op, x, y float64) float64 {
	var r bool
	switch op {
	case OpLt:
		r = x < y
	case OpLe:
		r = x <= y
	case OpGt:
		r = x > y
	case OpGe:
		r = x >= y
	case OpEq:
		r = x == y
	case OpNe:
		r = x != y
	}
	if r {
		return 1
	}
	return 0
}

// callBuiltin applies a builtin function to evaluated arguments.
func callBuiltin(n *Node, a []float64) (float64, error) {
	b, ok := builtins[n.Name]
	if !ok {
		return 0, locErr(n, "unknown function %q", n.Name)
	}
	if len(a) < b.min || b.max >= 0 && len(a) > b.max {
		return 0, locErr(n, "function %s: wrong number of arguments (%d)", n.Name, len(a))
	}
	switch n.Name {
	case "delay", "rateOf":
		return 0, locErr(n, "unsupported: %s", n.Name)
	case "min", "max":
		r := a[0]
		for _, v := range a[1:] {
			r = b.f2(r, v)
		}
		return r, nil
	case "hill":
		return fmath.Hill(a[0], a[1], a[2]), nil
	case hillPowerName:
		return fmath.HillPower(a[0], a[1]), nil
	case hillGivenName:
		return fmath.HillGiven(a[0], a[1], a[2]), nil
	case "shannon":
		return fmath.Shannon(a), nil
	case "simpson":
		return fmath.Simpson(a), nil
	}
	if b.f1 != nil {
		return b.f1(a[0]), nil
	}
	return b.f2(a[0], a[1]), nil
}
