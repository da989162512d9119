package system

import (
	"fmt"

	"github.com/holobiont/holobiont/expr"
)

// hoistPrefix starts the ids of the slots that hold hoisted static
// sub-expressions; the NUL byte keeps them apart from every model id.
const hoistPrefix = "\x00static."

// hoister moves the static parts of the dynamic assignments (see
// System.split) into the static tape, which runs only when parameters,
// inputs or the initial state change, instead of on every RHS and output
// evaluation:
//
//   - a sub-expression that reads neither time nor a dynamic slot (and is
//     more than a single identifier or a constant, which the compiler folds)
//     is assigned to a new slot by the static tape and replaced by that
//     slot;
//   - hill(x, K, n) with static K and n becomes expr.HillGiven(x, kn, n) with
//     kn = expr.HillPower(K, n) hoisted: the power of the Hill constant,
//     usually a parameter raised to a parameter, is computed once.
//
// Both compute bit for bit what the original expressions compute: the same
// operations on the same values (the compiler rounds every intermediate
// result to float64, and piecewise evaluates all its branches anyway).
type hoister struct {
	c    *compiler
	dyn  map[int]bool
	sb   *builder
	memo map[*expr.Node]*expr.Node // original sub-expression -> its slot
	err  error
	off  bool // hoist nothing (compileOptions.noHoist)
}

func (h *hoister) static(n *expr.Node) bool { return !h.c.isDynamic(n, h.dyn) }

// rewrite returns n with its static parts hoisted. It shares unchanged
// sub-trees with n and never modifies n.
func (h *hoister) rewrite(n *expr.Node) *expr.Node {
	if n == nil || h.err != nil || h.off {
		return n
	}
	switch n.Op {
	case expr.OpNum, expr.OpVar, expr.OpTime:
		return n
	}
	if h.static(n) {
		if len(expr.Vars(n)) == 0 {
			return n // constant: folded by the compiler
		}
		return h.slot(n, n)
	}
	if n.Op == expr.OpCall && n.Name == "hill" && len(n.Args) == 3 && h.c.funcs["hill"] == nil &&
		h.static(n.Args[1]) && h.static(n.Args[2]) {
		k := h.rewrite(n.Args[1])
		nn := h.rewrite(n.Args[2])
		pw := expr.HillPower(k, nn)
		return expr.HillGiven(h.rewrite(n.Args[0]), h.slot(n, pw), nn)
	}
	var args []*expr.Node
	for i, a := range n.Args {
		r := h.rewrite(a)
		if r != a && args == nil {
			args = append(make([]*expr.Node, 0, len(n.Args)), n.Args[:i]...)
		}
		if args != nil {
			args = append(args, r)
		}
	}
	if args == nil {
		return n
	}
	m := *n
	m.Args = args
	return &m
}

// slot returns an identifier for a new slot that the static tape assigns
// e (static) to, the same one for every call with the same key.
func (h *hoister) slot(key, e *expr.Node) *expr.Node {
	if v, ok := h.memo[key]; ok {
		return v
	}
	name := fmt.Sprintf("%s%d", hoistPrefix, len(h.memo))
	sl := h.c.newSlot(name)
	if err := h.sb.Assign(sl, e); err != nil {
		h.err = fmt.Errorf("hoisting a static sub-expression: %w", err)
		return key
	}
	v := expr.Var(name)
	h.memo[key] = v
	return v
}
