package expr

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Precedence levels used by String, loosest first.
const (
	precOr = 1 + iota
	precAnd
	precCmp
	precAdd
	precMul
	precUnary
	precPow
	precPrimary
)

// callForm names the call spelling of operator nodes whose arity has no infix
// form (for example an OpAdd with one argument, as MathML allows). Parse
// reads these names back to the operator.
var callForm = map[Op]string{
	OpAdd: "plus", OpSub: "minus", OpMul: "times", OpDiv: "divide", OpPow: "power",
	OpLt: "lt", OpLe: "leq", OpGt: "gt", OpGe: "geq", OpEq: "eq", OpNe: "neq",
	OpAnd: "and", OpOr: "or", OpXor: "xor", OpNot: "not", OpNeg: "neg",
}

// callOps is the inverse of callForm, used by the parser. "and", "or" and
// "not" are keywords handled by the parser itself.
var callOps = map[string]Op{
	"plus": OpAdd, "minus": OpSub, "times": OpMul, "divide": OpDiv,
	"lt": OpLt, "leq": OpLe, "gt": OpGt, "geq": OpGe, "eq": OpEq, "neq": OpNe,
	"xor": OpXor, "neg": OpNeg,
}

var infixText = map[Op]string{
	OpAdd: " + ", OpSub: " - ", OpMul: "*", OpDiv: "/", OpPow: "^",
	OpLt: " < ", OpLe: " <= ", OpGt: " > ", OpGe: " >= ", OpEq: " == ", OpNe: " != ",
	OpAnd: " && ", OpOr: " || ",
}

// infixPrec returns the precedence of n as String writes it.
func infixPrec(n *Node) int {
	k := len(n.Args)
	switch n.Op {
	case OpOr:
		if k >= 2 {
			return precOr
		}
	case OpAnd:
		if k >= 2 {
			return precAnd
		}
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
		if k == 2 {
			return precCmp
		}
	case OpAdd:
		if k >= 2 {
			return precAdd
		}
	case OpSub:
		if k == 2 {
			return precAdd
		}
	case OpMul:
		if k >= 2 {
			return precMul
		}
	case OpDiv:
		if k == 2 {
			return precMul
		}
	case OpNeg, OpNot:
		if k == 1 {
			return precUnary
		}
	case OpPow:
		if k == 2 {
			return precPow
		}
	case OpNum:
		if n.Value < 0 || math.IsInf(n.Value, -1) || n.Value == 0 && math.Signbit(n.Value) {
			return precUnary
		}
	}
	return precPrimary
}

// String returns infix text for n that Parse reads back to a tree Equal to n
// (for trees whose identifiers are valid infix identifiers, parsed in the same
// Scope). Time is written "time".
func String(n *Node) string {
	var b strings.Builder
	writeNode(&b, n)
	return b.String()
}

func writeChild(b *strings.Builder, c *Node, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	writeNode(b, c)
	if paren {
		b.WriteByte(')')
	}
}

func writeNode(b *strings.Builder, n *Node) {
	if n == nil {
		b.WriteString("nan")
		return
	}
	p := infixPrec(n)
	switch n.Op {
	case OpNum:
		switch v := n.Value; {
		case math.IsNaN(v):
			b.WriteString("nan")
		case math.IsInf(v, 1):
			b.WriteString("inf")
		case math.IsInf(v, -1):
			b.WriteString("-inf")
		default:
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		return
	case OpVar:
		b.WriteString(n.Name)
		return
	case OpTime:
		b.WriteString("time")
		return
	case OpCall:
		writeCall(b, n.Name, n.Args)
		return
	case OpPiecewise:
		writeCall(b, "piecewise", n.Args)
		return
	}
	if p == precPrimary {
		name, ok := callForm[n.Op]
		if !ok {
			name = "invalid"
		}
		writeCall(b, name, n.Args)
		return
	}
	switch n.Op {
	case OpNeg, OpNot:
		if n.Op == OpNeg {
			b.WriteByte('-')
		} else {
			b.WriteByte('!')
		}
		c := n.Args[0]
		writeChild(b, c, infixPrec(c) < precUnary || n.Op == OpNeg && c.Op == OpNum)
	case OpPow:
		writeChild(b, n.Args[0], infixPrec(n.Args[0]) <= precPow)
		b.WriteByte('^')
		writeChild(b, n.Args[1], infixPrec(n.Args[1]) < precUnary)
	case OpOr, OpAnd, OpAdd, OpMul:
		for i, c := range n.Args {
			cp := infixPrec(c)
			if i > 0 {
				b.WriteString(infixText[n.Op])
				writeChild(b, c, cp <= p)
			} else {
				writeChild(b, c, cp < p || cp == p && c.Op == n.Op)
			}
		}
	default: // binary left-associative: Sub, Div, relational
		writeChild(b, n.Args[0], infixPrec(n.Args[0]) < p)
		b.WriteString(infixText[n.Op])
		writeChild(b, n.Args[1], infixPrec(n.Args[1]) <= p)
	}
}

func writeCall(b *strings.Builder, name string, args []*Node) {
	b.WriteString(name)
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		writeNode(b, a)
	}
	b.WriteByte(')')
}

// Equal reports whether a and b are the same tree, ignoring source
// positions. NaN literals are equal to each other.
func Equal(a, b *Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Op != b.Op || a.Name != b.Name || len(a.Args) != len(b.Args) {
		return false
	}
	if a.Op == OpNum && a.Value != b.Value && !(math.IsNaN(a.Value) && math.IsNaN(b.Value)) {
		return false
	}
	for i := range a.Args {
		if !Equal(a.Args[i], b.Args[i]) {
			return false
		}
	}
	return true
}

// Vars returns the free identifiers of n (OpVar names), sorted and unique.
// Time (OpTime) and function names are not included.
func Vars(n *Node) []string { return namesOf(n, OpVar) }

// Calls returns the names of the functions n calls (builtins and user
// functions), sorted and unique.
func Calls(n *Node) []string { return namesOf(n, OpCall) }

// namesOf returns the Names of the nodes of n with operator op, sorted and
// unique.
func namesOf(n *Node, op Op) []string {
	set := map[string]bool{}
	Walk(n, func(m *Node) {
		if m.Op == op {
			set[m.Name] = true
		}
	})
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// UsesTime reports whether n refers to simulation time (OpTime).
func UsesTime(n *Node) bool {
	found := false
	Walk(n, func(m *Node) {
		if m.Op == OpTime {
			found = true
		}
	})
	return found
}
