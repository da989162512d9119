package modelfile

import (
	"math"
	"strconv"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// HoistPrefix starts the ids of the parameters that hoistConstants creates.
// They are implementation detail: `model describe` leaves them out.
const HoistPrefix = "_const."

// impure calls never move out of the per-step expressions.
var impure = map[string]bool{"delay": true, "rateOf": true}

// hoistConstants moves every subexpression that depends only on constant
// parameters (and numbers) out of the expressions evaluated at each
// right-hand-side evaluation (rules, rates, community growth, inflow and
// shedding): each becomes a constant parameter computed by an initial
// assignment, so the simulator evaluates it once per run from the current
// parameter values (SetParameter before a run still takes effect), not at
// every step. Identical subexpressions share one parameter. Within n-ary
// sums and products the constant operands are gathered into one hoisted
// term (this reassociates them: results may differ in the last ulp).
func hoistConstants(m *model.Model) {
	h := &hoister{m: m, isConst: map[string]bool{}, byText: map[string]string{}}
	for _, p := range m.Parameters {
		if p.Constant {
			h.isConst[p.ID] = true
		}
	}
	for _, r := range m.Rules {
		r.Math = h.expr(r.Math)
	}
	for _, c := range m.Communities {
		for i := range c.Growth {
			c.Growth[i] = h.expr(c.Growth[i])
		}
		for i := range c.Inflow {
			c.Inflow[i] = h.expr(c.Inflow[i])
		}
		c.Shedding = h.expr(c.Shedding)
	}
}

type hoister struct {
	m       *model.Model
	isConst map[string]bool
	byText  map[string]string
}

// constant reports whether n depends on constant parameters and numbers only.
func (h *hoister) constant(n *expr.Node) bool {
	switch n.Op {
	case expr.OpNum:
		return true
	case expr.OpVar:
		return h.isConst[n.Name]
	case expr.OpTime:
		return false
	case expr.OpCall:
		if impure[n.Name] {
			return false
		}
	}
	for _, a := range n.Args {
		if !h.constant(a) {
			return false
		}
	}
	return true
}

// param returns a variable naming the hoisted constant n.
func (h *hoister) param(n *expr.Node) *expr.Node {
	text := expr.String(n)
	id, ok := h.byText[text]
	if !ok {
		id = HoistPrefix + strconv.Itoa(len(h.byText)+1)
		h.byText[text] = id
		h.m.Parameters = append(h.m.Parameters, &model.Parameter{ID: id, Name: text, Unit: "", Constant: true,
			Min: math.NaN(), Max: math.NaN(), Prov: model.Provenance{Note: "hoisted constant subexpression " + text}})
		h.m.InitialAssignments = append(h.m.InitialAssignments, &model.InitialAssignment{Target: id, Math: n})
		h.isConst[id] = true
	}
	return &expr.Node{Op: expr.OpVar, Name: id, Pos: n.Pos}
}

func (h *hoister) expr(n *expr.Node) *expr.Node {
	if n == nil || n.Op == expr.OpNum || n.Op == expr.OpVar || n.Op == expr.OpTime {
		return n
	}
	if h.constant(n) {
		// a negated constant stays a negation of a hoisted value: no gain
		// in hoisting -x apart from x
		return h.param(n)
	}
	if n.Op == expr.OpPiecewise || (n.Op == expr.OpCall && impure[n.Name]) {
		// keep the structure; hoist inside value and condition operands
		out := *n
		out.Args = make([]*expr.Node, len(n.Args))
		for i, a := range n.Args {
			out.Args[i] = h.expr(a)
		}
		return &out
	}
	out := *n
	out.Args = nil
	var consts []*expr.Node
	nary := n.Op == expr.OpAdd || n.Op == expr.OpMul
	for _, a := range n.Args {
		if nary && h.constant(a) {
			consts = append(consts, a)
			continue
		}
		out.Args = append(out.Args, h.expr(a))
	}
	switch {
	case len(consts) == 0:
	case len(consts) == 1:
		// a lone constant operand: hoist it unless it is a leaf already
		out.Args = append([]*expr.Node{h.expr(consts[0])}, out.Args...)
	default:
		out.Args = append([]*expr.Node{h.param(&expr.Node{Op: n.Op, Args: consts, Pos: n.Pos})}, out.Args...)
	}
	return &out
}
