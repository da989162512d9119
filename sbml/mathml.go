package sbml

import (
	"math"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/expr"
)

// mathConv converts MathML content markup to the expression AST.
type mathConv struct {
	r  *reader
	id string // enclosing element id, for errors
}

const maxMathDepth = 2000

var mathUnary = map[string]string{
	"exp": "exp", "ln": "ln", "abs": "abs", "floor": "floor", "ceiling": "ceil", "factorial": "factorial",
	"sin": "sin", "cos": "cos", "tan": "tan", "sec": "sec", "csc": "csc", "cot": "cot",
	"sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "sech": "sech", "csch": "csch", "coth": "coth",
	"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsec": "arcsec", "arccsc": "arccsc", "arccot": "arccot",
	"arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh", "arcsech": "arcsech", "arccsch": "arccsch", "arccoth": "arccoth",
}

var mathRel = map[string]expr.Op{"eq": expr.OpEq, "neq": expr.OpNe, "gt": expr.OpGt, "lt": expr.OpLt, "geq": expr.OpGe, "leq": expr.OpLe}

func (c *mathConv) arity(e *elem, op string, n, min, max int) error {
	if n < min || (max >= 0 && n > max) {
		want := strconv.Itoa(min)
		switch {
		case max < 0:
			want = "at least " + want
		case max != min:
			want += " to " + strconv.Itoa(max)
		}
		return c.r.errf(e, c.id, "MathML <%s> has %d arguments, want %s", op, n, want)
	}
	return nil
}

func (c *mathConv) node(e *elem) (*expr.Node, error) {
	return c.conv(e, 0)
}

func (c *mathConv) conv(e *elem, depth int) (*expr.Node, error) {
	if depth > maxMathDepth {
		return nil, c.r.errf(e, c.id, "MathML nested too deeply")
	}
	pos := expr.Pos{Line: e.line}
	switch e.name {
	case "semantics":
		k := firstElem(e)
		if k == nil {
			return nil, c.r.errf(e, c.id, "empty <semantics>")
		}
		return c.conv(k, depth+1)
	case "cn":
		v, err := c.cn(e)
		if err != nil {
			return nil, err
		}
		return &expr.Node{Op: expr.OpNum, Value: v, Pos: pos}, nil
	case "ci":
		name := strings.TrimSpace(e.text.String())
		if name == "" {
			return nil, c.r.errf(e, c.id, "empty <ci>")
		}
		return &expr.Node{Op: expr.OpVar, Name: name, Pos: pos}, nil
	case "csymbol":
		return c.csymbol(e, pos)
	case "true", "false", "pi", "exponentiale", "infinity", "notanumber":
		return &expr.Node{Op: expr.OpNum, Value: mathConstant(e.name), Pos: pos}, nil
	case "piecewise":
		return c.piecewise(e, depth, pos)
	case "apply":
		return c.apply(e, depth)
	case "lambda":
		return nil, c.r.unsupported(e, c.id, "lambda outside a function definition")
	}
	return nil, c.r.unsupported(e, c.id, "MathML element <"+e.name+">")
}

// mathConstant is the value of a MathML constant element.
func mathConstant(name string) float64 {
	switch name {
	case "true":
		return 1
	case "pi":
		return math.Pi
	case "exponentiale":
		return math.E
	case "infinity":
		return math.Inf(1)
	case "notanumber":
		return math.NaN()
	}
	return 0 // false
}

// csymbol converts the time and Avogadro csymbols; the delay and rateOf
// csymbols are functions, and others are unsupported.
func (c *mathConv) csymbol(e *elem, pos expr.Pos) (*expr.Node, error) {
	url, _ := e.attr("definitionURL")
	switch url {
	case "http://www.sbml.org/sbml/symbols/time":
		return &expr.Node{Op: expr.OpTime, Pos: pos}, nil
	case "http://www.sbml.org/sbml/symbols/avogadro":
		return &expr.Node{Op: expr.OpNum, Value: Avogadro, Pos: pos}, nil
	case "http://www.sbml.org/sbml/symbols/delay", "http://www.sbml.org/sbml/symbols/rateOf":
		return nil, c.r.errf(e, c.id, "csymbol %s used as a value (it is a function)", url)
	}
	return nil, c.r.unsupported(e, c.id, "csymbol "+url)
}

// piecewise converts <piecewise>: value, condition pairs then the
// <otherwise> value; an empty one is NaN.
func (c *mathConv) piecewise(e *elem, depth int, pos expr.Pos) (*expr.Node, error) {
	var args []*expr.Node
	var other *expr.Node
	for _, k := range e.kids {
		if k.space != mathNS {
			continue
		}
		switch k.name {
		case "piece":
			var parts []*elem
			for _, p := range k.kids {
				if p.space == mathNS {
					parts = append(parts, p)
				}
			}
			if len(parts) != 2 {
				return nil, c.r.errf(k, c.id, "<piece> has %d children, want 2", len(parts))
			}
			v, err := c.conv(parts[0], depth+1)
			if err != nil {
				return nil, err
			}
			cond, err := c.conv(parts[1], depth+1)
			if err != nil {
				return nil, err
			}
			args = append(args, v, cond)
		case "otherwise":
			p := firstElem(k)
			if p == nil {
				return nil, c.r.errf(k, c.id, "empty <otherwise>")
			}
			if other != nil {
				return nil, c.r.errf(k, c.id, "more than one <otherwise>")
			}
			v, err := c.conv(p, depth+1)
			if err != nil {
				return nil, err
			}
			other = v
		default:
			return nil, c.r.errf(k, c.id, "unexpected <%s> in <piecewise>", k.name)
		}
	}
	if other != nil {
		args = append(args, other)
	}
	if len(args) == 0 {
		return &expr.Node{Op: expr.OpNum, Value: math.NaN(), Pos: pos}, nil
	}
	return &expr.Node{Op: expr.OpPiecewise, Args: args, Pos: pos}, nil
}

func (c *mathConv) cn(e *elem) (float64, error) {
	typ, _ := e.attr("type")
	txt := strings.TrimSpace(e.text.String())
	switch typ {
	case "", "real", "integer", "double":
		if sep := e.childMath("sep"); sep != nil {
			return 0, c.r.errf(e, c.id, "<sep/> in a <cn> of type %q", typ)
		}
		v, err := parseNum(txt)
		if err != nil {
			return 0, c.r.errf(e, c.id, "<cn> %q is not a number", txt)
		}
		return v, nil
	case "e-notation", "rational":
		parts := strings.Fields(txt)
		// the text before and after <sep/> is concatenated by the tree
		// builder; split on whitespace or fall back to the raw pieces
		if len(parts) != 2 {
			return 0, c.r.errf(e, c.id, "<cn type=%q> needs two numbers separated by <sep/>", typ)
		}
		a, err1 := parseNum(parts[0])
		b, err2 := parseNum(parts[1])
		if err1 != nil || err2 != nil {
			return 0, c.r.errf(e, c.id, "<cn type=%q> %q is not a number pair", typ, txt)
		}
		if typ == "rational" {
			return a / b, nil
		}
		return a * math.Pow(10, b), nil
	}
	return 0, c.r.unsupported(e, c.id, "<cn type=\""+typ+"\">")
}

func (e *elem) childMath(name string) *elem {
	for _, k := range e.kids {
		if k.name == name && k.space == mathNS {
			return k
		}
	}
	return nil
}

// apply converts an <apply> element: its operator applied to its converted
// arguments. It is one long function on purpose (about 180 lines): one case
// per MathML operator, each a few lines, read best side by side.
func (c *mathConv) apply(e *elem, depth int) (*expr.Node, error) {
	var kids []*elem
	for _, k := range e.kids {
		if k.space == mathNS {
			kids = append(kids, k)
		}
	}
	if len(kids) == 0 {
		return nil, c.r.errf(e, c.id, "empty <apply>")
	}
	op := kids[0]
	var qualifiers = map[string]*elem{}
	var argEls []*elem
	for _, k := range kids[1:] {
		switch k.name {
		case "degree", "logbase":
			qualifiers[k.name] = k
		case "bvar", "lowlimit", "uplimit", "condition", "domainofapplication":
			return nil, c.r.unsupported(k, c.id, "MathML <"+k.name+">")
		default:
			argEls = append(argEls, k)
		}
	}
	args := make([]*expr.Node, len(argEls))
	for i, a := range argEls {
		n, err := c.conv(a, depth+1)
		if err != nil {
			return nil, err
		}
		args[i] = n
	}
	pos := expr.Pos{Line: op.line}
	mk := func(o expr.Op, a ...*expr.Node) *expr.Node { return &expr.Node{Op: o, Args: a, Pos: pos} }
	call := func(name string, a ...*expr.Node) *expr.Node {
		return &expr.Node{Op: expr.OpCall, Name: name, Args: a, Pos: pos}
	}
	qual := func(name string) (*expr.Node, error) {
		q := qualifiers[name]
		if q == nil {
			return nil, nil
		}
		k := firstElem(q)
		if k == nil {
			return nil, c.r.errf(q, c.id, "empty <%s>", name)
		}
		return c.conv(k, depth+1)
	}
	n := len(args)
	switch op.name {
	case "plus":
		switch n {
		case 0:
			return &expr.Node{Op: expr.OpNum, Value: 0, Pos: pos}, nil
		case 1:
			return args[0], nil
		}
		return mk(expr.OpAdd, args...), nil
	case "times":
		switch n {
		case 0:
			return &expr.Node{Op: expr.OpNum, Value: 1, Pos: pos}, nil
		case 1:
			return args[0], nil
		}
		return mk(expr.OpMul, args...), nil
	case "minus":
		if err := c.arity(op, "minus", n, 1, 2); err != nil {
			return nil, err
		}
		if n == 1 {
			return mk(expr.OpNeg, args[0]), nil
		}
		return mk(expr.OpSub, args...), nil
	case "divide":
		if err := c.arity(op, "divide", n, 2, 2); err != nil {
			return nil, err
		}
		return mk(expr.OpDiv, args...), nil
	case "power":
		if err := c.arity(op, "power", n, 2, 2); err != nil {
			return nil, err
		}
		return mk(expr.OpPow, args...), nil
	case "root":
		if err := c.arity(op, "root", n, 1, 1); err != nil {
			return nil, err
		}
		d, err := qual("degree")
		if err != nil {
			return nil, err
		}
		if d == nil {
			return call("sqrt", args[0]), nil
		}
		return call("root", d, args[0]), nil
	case "log":
		if err := c.arity(op, "log", n, 1, 1); err != nil {
			return nil, err
		}
		b, err := qual("logbase")
		if err != nil {
			return nil, err
		}
		if b == nil {
			return call("log10", args[0]), nil
		}
		return call("log", b, args[0]), nil
	case "quotient", "rem":
		if err := c.arity(op, op.name, n, 2, 2); err != nil {
			return nil, err
		}
		return call(op.name, args...), nil
	case "max", "min":
		if err := c.arity(op, op.name, n, 1, -1); err != nil {
			return nil, err
		}
		if n == 1 {
			return args[0], nil
		}
		return call(op.name, args...), nil
	case "and", "or", "xor":
		o := map[string]expr.Op{"and": expr.OpAnd, "or": expr.OpOr, "xor": expr.OpXor}[op.name]
		if n == 0 {
			v := 0.0
			if op.name == "and" {
				v = 1
			}
			return &expr.Node{Op: expr.OpNum, Value: v, Pos: pos}, nil
		}
		return mk(o, args...), nil
	case "not":
		if err := c.arity(op, "not", n, 1, 1); err != nil {
			return nil, err
		}
		return mk(expr.OpNot, args[0]), nil
	case "implies":
		if err := c.arity(op, "implies", n, 2, 2); err != nil {
			return nil, err
		}
		return mk(expr.OpOr, mk(expr.OpNot, args[0]), args[1]), nil
	case "ci":
		name := strings.TrimSpace(op.text.String())
		return call(name, args...), nil
	case "csymbol":
		url, _ := op.attr("definitionURL")
		switch url {
		case "http://www.sbml.org/sbml/symbols/delay":
			if err := c.arity(op, "csymbol delay", n, 2, 2); err != nil {
				return nil, err
			}
			return call("delay", args...), nil
		case "http://www.sbml.org/sbml/symbols/rateOf":
			if err := c.arity(op, "csymbol rateOf", n, 1, 1); err != nil {
				return nil, err
			}
			return call("rateOf", args...), nil
		}
		return nil, c.r.unsupported(op, c.id, "csymbol "+url)
	}
	if rel, ok := mathRel[op.name]; ok {
		if n < 2 {
			if err := c.arity(op, op.name, n, 2, -1); err != nil {
				return nil, err
			}
		}
		if n == 2 {
			return mk(rel, args...), nil
		}
		var parts []*expr.Node
		for i := 0; i+1 < n; i++ {
			parts = append(parts, mk(rel, args[i], args[i+1]))
		}
		return mk(expr.OpAnd, parts...), nil
	}
	if name, ok := mathUnary[op.name]; ok {
		if err := c.arity(op, op.name, n, 1, 1); err != nil {
			return nil, err
		}
		return call(name, args[0]), nil
	}
	return nil, c.r.unsupported(op, c.id, "MathML operator <"+op.name+">")
}
