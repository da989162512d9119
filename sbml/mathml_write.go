package sbml

import (
	"math"

	"github.com/holobiont/holobiont/expr"
)

var opElem = map[expr.Op]string{
	expr.OpAdd: "plus", expr.OpSub: "minus", expr.OpMul: "times", expr.OpDiv: "divide", expr.OpPow: "power",
	expr.OpLt: "lt", expr.OpLe: "leq", expr.OpGt: "gt", expr.OpGe: "geq", expr.OpEq: "eq", expr.OpNe: "neq",
	expr.OpAnd: "and", expr.OpOr: "or", expr.OpXor: "xor", expr.OpNot: "not", expr.OpNeg: "minus",
}

var callElem = map[string]string{
	"exp": "exp", "ln": "ln", "abs": "abs", "floor": "floor", "ceil": "ceiling", "factorial": "factorial",
	"sin": "sin", "cos": "cos", "tan": "tan", "sec": "sec", "csc": "csc", "cot": "cot",
	"sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "sech": "sech", "csch": "csch", "coth": "coth",
	"asin": "arcsin", "acos": "arccos", "atan": "arctan", "arcsec": "arcsec", "arccsc": "arccsc", "arccot": "arccot",
	"asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh", "arcsech": "arcsech", "arccsch": "arccsch", "arccoth": "arccoth",
	"min": "min", "max": "max", "rem": "rem", "quotient": "quotient",
}

// mathNode writes n as MathML content markup. bound holds the names that
// are written as they are (function arguments, local parameters) rather
// than mapped to model SIds.
func (x *writer) mathNode(n *expr.Node, bound map[string]bool) {
	if n == nil {
		x.line("<notanumber/>")
		return
	}
	switch n.Op {
	case expr.OpNum:
		switch {
		case math.IsInf(n.Value, 1):
			x.line("<infinity/>")
		case math.IsInf(n.Value, -1):
			x.line("<apply><minus/><infinity/></apply>")
		case math.IsNaN(n.Value):
			x.line("<notanumber/>")
		default:
			x.line("<cn> %s </cn>", num(n.Value))
		}
		return
	case expr.OpVar:
		name := n.Name
		if bound[name] {
			name = SId(name)
		} else {
			name = x.sid(name)
		}
		x.line("<ci> %s </ci>", esc(name))
		return
	case expr.OpTime:
		x.line(`<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> time </csymbol>`)
		return
	case expr.OpPiecewise:
		x.open("<piecewise>")
		k := len(n.Args)
		for i := 0; i+1 < k; i += 2 {
			x.open("<piece>")
			x.mathNode(n.Args[i], bound)
			x.mathNode(n.Args[i+1], bound)
			x.close("</piece>")
		}
		if k%2 == 1 {
			x.open("<otherwise>")
			x.mathNode(n.Args[k-1], bound)
			x.close("</otherwise>")
		}
		x.close("</piecewise>")
		return
	case expr.OpCall:
		x.call(n, bound)
		return
	}
	el, ok := opElem[n.Op]
	if !ok {
		x.line("<notanumber/>")
		return
	}
	x.apply(el, n.Args, bound)
}

func (x *writer) apply(el string, args []*expr.Node, bound map[string]bool) {
	x.open("<apply>")
	x.line("<%s/>", el)
	for _, a := range args {
		x.mathNode(a, bound)
	}
	x.close("</apply>")
}

func (x *writer) call(n *expr.Node, bound map[string]bool) {
	a := n.Args
	isUser := false
	for _, f := range x.m.Functions {
		if f.ID == n.Name {
			isUser = true
		}
	}
	if isUser {
		x.open("<apply>")
		x.line("<ci> %s </ci>", esc(x.sid(n.Name)))
		for _, arg := range a {
			x.mathNode(arg, bound)
		}
		x.close("</apply>")
		return
	}
	switch n.Name {
	case "log10":
		x.apply("log", a, bound)
		return
	case "log":
		if len(a) == 2 {
			x.open("<apply>")
			x.line("<log/>")
			x.open("<logbase>")
			x.mathNode(a[0], bound)
			x.close("</logbase>")
			x.mathNode(a[1], bound)
			x.close("</apply>")
			return
		}
	case "sqrt":
		x.apply("root", a, bound)
		return
	case "root":
		if len(a) == 2 {
			x.open("<apply>")
			x.line("<root/>")
			x.open("<degree>")
			x.mathNode(a[0], bound)
			x.close("</degree>")
			x.mathNode(a[1], bound)
			x.close("</apply>")
			return
		}
	case "pos":
		if len(a) == 1 {
			x.mathNode(expr.Call("max", a[0], expr.Num(0)), bound)
			return
		}
	case "hill":
		if len(a) == 3 {
			xn := expr.New(expr.OpPow, a[0], a[2])
			x.mathNode(expr.New(expr.OpDiv, xn, expr.New(expr.OpAdd, expr.New(expr.OpPow, a[1], a[2]), xn)), bound)
			return
		}
	case "shannon", "simpson":
		x.mathNode(diversityExpr(n.Name, a), bound)
		return
	case "rateOf":
		x.open("<apply>")
		x.line(`<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf"> rateOf </csymbol>`)
		for _, arg := range a {
			x.mathNode(arg, bound)
		}
		x.close("</apply>")
		return
	case "delay":
		x.open("<apply>")
		x.line(`<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay"> delay </csymbol>`)
		for _, arg := range a {
			x.mathNode(arg, bound)
		}
		x.close("</apply>")
		return
	}
	if el, ok := callElem[n.Name]; ok {
		x.apply(el, a, bound)
		return
	}
	// unknown call: keep it as a function application by name
	x.open("<apply>")
	x.line("<ci> %s </ci>", esc(SId(n.Name)))
	for _, arg := range a {
		x.mathNode(arg, bound)
	}
	x.close("</apply>")
}

// diversityExpr expands shannon(x1..xn) (natural-log Shannon entropy of the
// relative abundances, 0 when all are 0) or simpson(x1..xn) (1 − Σp², 0
// when all are 0) into plain arithmetic, with the same conventions as
// package expr (zero abundances contribute nothing).
func diversityExpr(name string, xs []*expr.Node) *expr.Node {
	pos := xs
	var total *expr.Node
	if len(pos) == 1 {
		total = pos[0]
	} else {
		total = expr.New(expr.OpAdd, pos...)
	}
	terms := make([]*expr.Node, len(pos))
	for i, v := range pos {
		p := expr.New(expr.OpDiv, v, total)
		if name == "shannon" {
			terms[i] = expr.New(expr.OpPiecewise, expr.Num(0), expr.New(expr.OpEq, v, expr.Num(0)),
				expr.New(expr.OpNeg, expr.New(expr.OpMul, p, expr.Call("ln", p))))
		} else {
			terms[i] = expr.New(expr.OpPow, p, expr.Num(2))
		}
	}
	var sum *expr.Node
	if len(terms) == 1 {
		sum = terms[0]
	} else {
		sum = expr.New(expr.OpAdd, terms...)
	}
	if name == "simpson" {
		sum = expr.New(expr.OpSub, expr.Num(1), sum)
	}
	return expr.New(expr.OpPiecewise, expr.Num(0), expr.New(expr.OpEq, total, expr.Num(0)), sum)
}
