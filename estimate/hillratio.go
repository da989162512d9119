package estimate

import (
	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// robustHillRatios returns m with every Hill-type quotient in its reaction
// rates and rules rewritten as
//
//	(c · a^n) / (a^n + b^n)  →  c / (1 + (b/a)^n)
//
// where a is a constant (a number or a parameter that no rule changes: a
// Hill constant), in either order of the sum and with or without c. Both
// forms are equal wherever
// a ≠ 0 and the powers are defined, but the first one is 0/0 = NaN once a^n
// and b^n both underflow (a, b < 1 with a large n) and ∞/∞ once both
// overflow, and so is its derivative; the second one stays finite while b/a
// is moderate. Elowitz_Nature2000's repressor terms KM^n·(…)/(KM^n + X^n)
// with KM and the proteins near 1e-5 and n_Hill up to 1000 (its parameter
// bounds) made the right-hand side NaN at t = 0, so the BDF Newton
// iteration failed there for every step size and the start or trial point
// was lost. The activation form X^n/(K^n + X^n), whose numerator holds the
// state's power, is left alone: 1/(1 + (K/X)^n) would have an infinite
// derivative at X = 0 where the original's is 0 (n > 1). m itself is not
// modified; unchanged parts are shared.
func robustHillRatios(mi *modelInfo) *model.Model {
	m := mi.m
	out := *m
	isConst := func(n *expr.Node, local []*model.Parameter) bool {
		if n.Op == expr.OpNum {
			return true
		}
		if n.Op != expr.OpVar {
			return false
		}
		for _, p := range local {
			if p.ID == n.Name {
				return true
			}
		}
		_, isPar := mi.params[n.Name]
		return isPar && !mi.changes(n.Name) && mi.assigned[n.Name] == nil
	}
	out.Reactions = append([]*model.Reaction(nil), m.Reactions...)
	for i, r := range m.Reactions {
		if e := rewriteHillRatios(r.Rate, func(n *expr.Node) bool { return isConst(n, r.Local) }); e != r.Rate {
			c := *r
			c.Rate = e
			out.Reactions[i] = &c
		}
	}
	out.Rules = append([]*model.Rule(nil), m.Rules...)
	for i, r := range m.Rules {
		if e := rewriteHillRatios(r.Math, func(n *expr.Node) bool { return isConst(n, nil) }); e != r.Math {
			c := *r
			c.Math = e
			out.Rules[i] = &c
		}
	}
	return &out
}

// rewriteHillRatios rewrites the Hill-type quotients of e whose constant
// base a satisfies isConst (see robustHillRatios); e is returned itself
// when it has none.
func rewriteHillRatios(e *expr.Node, isConst func(*expr.Node) bool) *expr.Node {
	return expr.Map(e, func(n *expr.Node) *expr.Node {
		if n.Op != expr.OpDiv || len(n.Args) != 2 {
			return nil
		}
		den := n.Args[1]
		if den.Op != expr.OpAdd || len(den.Args) != 2 {
			return nil
		}
		p, q := den.Args[0], den.Args[1]
		if p.Op != expr.OpPow || q.Op != expr.OpPow || !expr.Equal(p.Args[1], q.Args[1]) {
			return nil
		}
		num := rewriteHillRatios(n.Args[0], isConst)
		for _, ab := range [2][2]*expr.Node{{p, q}, {q, p}} {
			a, b := ab[0], ab[1]
			if !isConst(a.Args[0]) {
				continue
			}
			rest, ok := withoutFactor(num, a)
			if !ok {
				continue
			}
			ratio := expr.New(expr.OpPow, expr.New(expr.OpDiv, b.Args[0], a.Args[0]), a.Args[1])
			r := expr.New(expr.OpDiv, rest, expr.New(expr.OpAdd, expr.Num(1), ratio))
			r.Pos = n.Pos
			return r
		}
		return nil
	})
}

// withoutFactor returns e divided by its factor f: 1 when e is f, the
// other factors when e is a product with f among them.
func withoutFactor(e, f *expr.Node) (*expr.Node, bool) {
	if expr.Equal(e, f) {
		return expr.Num(1), true
	}
	if e.Op != expr.OpMul {
		return nil, false
	}
	for i, a := range e.Args {
		if !expr.Equal(a, f) {
			continue
		}
		rest := append(append([]*expr.Node(nil), e.Args[:i]...), e.Args[i+1:]...)
		if len(rest) == 1 {
			return rest[0], true
		}
		return expr.New(expr.OpMul, rest...), true
	}
	return nil, false
}
