package system

import (
	"fmt"
	"math"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// rewrite inlines model functions and replaces rateOf(x) by its slot
// variable and delay(x, d) by a delay slot (x at the current time in the
// initial-value tape, where t − d ≤ t0).
func (c *compiler) rewrite(n *expr.Node) *expr.Node {
	n = model.InlineFunctions(n, c.mfunc, 0)
	return c.rewriteInlined(n)
}

// rewriteFor is rewrite with owner named in the errors it records.
func (c *compiler) rewriteFor(owner string, n *expr.Node) *expr.Node {
	c.owner = owner
	return c.rewrite(n)
}

func (c *compiler) rewriteInlined(n *expr.Node) *expr.Node {
	return expr.Map(n, func(x *expr.Node) *expr.Node {
		if x.Op == expr.OpCall && x.Name == "rateOf" && len(x.Args) == 1 && x.Args[0].Op == expr.OpVar {
			if sp := c.species[x.Args[0].Name]; sp != nil && c.assigned[sp.ID] == nil && c.varyingAssignedSize(sp) {
				e, err := c.rateOfConcentration(sp)
				if err != nil {
					if c.rwErr == nil {
						c.rwErr = err
					}
					return expr.Num(math.NaN())
				}
				return e
			}
			if c.assigned[x.Args[0].Name] != nil {
				e, err := c.rateOfAssigned(x.Args[0].Name, 0)
				if err != nil {
					if c.rwErr == nil {
						c.rwErr = err
					}
					return expr.Num(math.NaN())
				}
				return e
			}
			return expr.Var(rateOfPrefix + x.Args[0].Name)
		}
		if x.Op == expr.OpCall && x.Name == "rateOf" && len(x.Args) == 1 && x.Args[0].Op == expr.OpNum {
			return expr.Num(0) // a (substituted local) constant
		}
		if x.Op == expr.OpCall && x.Name == "rateOf" {
			// e.g. a function definition's argument bound to an expression
			if c.rwErr == nil {
				c.rwErr = &Unsupported{Construct: "rateOf of an expression", ID: c.owner}
			}
			return expr.Num(math.NaN())
		}
		if x.Op == expr.OpCall && x.Name == "delay" {
			if _, user := c.funcs["delay"]; !user {
				return c.delay(x)
			}
		}
		return nil
	})
}

// varyingAssignedSize reports whether species sp denotes a concentration
// in a compartment whose size an assignment rule sets and that rule is not
// provably constant.
func (c *compiler) varyingAssignedSize(sp *model.Species) bool {
	return !sp.HasOnlySubstanceUnits && c.assigned[sp.Compartment] != nil && !c.constantRule(sp.Compartment, 0)
}

// rateOfConcentration returns d[S]/dt = (dA/dt − [S]·dV/dt)/V for a species
// in a compartment sized by an assignment rule (dV/dt by rateOfAssigned;
// dA/dt from its slot for a state species, 0 for a fixed amount).
func (c *compiler) rateOfConcentration(sp *model.Species) (*expr.Node, error) {
	dV, err := c.rateOfAssigned(sp.Compartment, 0)
	if err != nil {
		return nil, err
	}
	dA := expr.Num(0)
	if _, st := c.isState[sp.ID]; st {
		dA = expr.Var(amtRatePrefix + sp.ID)
	}
	return expr.New(expr.OpDiv, expr.New(expr.OpSub, dA, expr.New(expr.OpMul, expr.Var(sp.ID), dV)), expr.Var(sp.Compartment)), nil
}

// rateOfAssigned returns the time derivative of assignment-rule variable
// id by the chain rule: Σ_v ∂f/∂v · rateOf(v) + ∂f/∂t over the symbols v its
// rule f reads, where rateOf(v) is v's rateOf slot (states, species in a
// changing compartment; 0 for constants) or, for another assignment-rule
// variable, its own chain-rule expression. A rule expr.Diff cannot
// differentiate (delay, rateOf, factorial) is refused.
func (c *compiler) rateOfAssigned(id string, depth int) (*expr.Node, error) {
	r := c.assigned[id]
	if depth > 100 {
		return nil, &Unsupported{Construct: "rateOf through more than 100 nested assignment rules", ID: id, Src: r.Src}
	}
	const tn = "\x00time"
	n := model.InlineFunctions(r.Math, c.mfunc, 0)
	n = expr.Map(n, func(x *expr.Node) *expr.Node {
		if x.Op == expr.OpTime {
			return expr.Var(tn)
		}
		return nil
	})
	var sum *expr.Node
	for _, v := range expr.Vars(n) {
		d, err := expr.Diff(n, v, c.funcs)
		if err != nil {
			return nil, &Unsupported{Construct: "rateOf of an assignment-rule variable whose rule cannot be differentiated (" + err.Error() + ")", ID: id, Src: r.Src}
		}
		d = expr.Simplify(d)
		if d.Op == expr.OpNum && d.Value == 0 {
			continue
		}
		var rv *expr.Node
		switch {
		case v == tn:
			rv = expr.Num(1)
		case c.assigned[v] != nil:
			if rv, err = c.rateOfAssigned(v, depth+1); err != nil {
				return nil, err
			}
		default:
			rv = expr.Var(rateOfPrefix + v)
		}
		term := expr.New(expr.OpMul, d, rv)
		if sum == nil {
			sum = term
		} else {
			sum = expr.New(expr.OpAdd, sum, term)
		}
	}
	if sum == nil {
		return expr.Num(0), nil
	}
	return expr.Map(sum, func(x *expr.Node) *expr.Node {
		if x.Op == expr.OpVar && x.Name == tn {
			return &expr.Node{Op: expr.OpTime}
		}
		return nil
	}), nil
}

// initUsesTime reports whether id's initial assignment uses time.
func (c *compiler) initUsesTime(id string) bool {
	for _, ia := range c.m.InitialAssignments {
		if ia.Target == id && expr.UsesTime(model.InlineFunctions(ia.Math, c.mfunc, 0)) {
			return true
		}
	}
	return false
}

// delay rewrites delay(v, d).
func (c *compiler) delay(x *expr.Node) *expr.Node {
	fail := func(what string) *expr.Node {
		if c.rwErr == nil {
			c.rwErr = &Unsupported{Construct: what, ID: c.owner}
		}
		return expr.Num(math.NaN())
	}
	if len(x.Args) != 2 {
		return fail("delay with " + fmt.Sprint(len(x.Args)) + " arguments")
	}
	v := x.Args[0]
	d := c.rewriteInlined(x.Args[1])
	if c.inInit || v.Op == expr.OpNum {
		return c.rewriteInlined(v)
	}
	st := -2 // a general expression, evaluated on the past state
	var ve *expr.Node
	if v.Op == expr.OpVar {
		if s, ok := c.isState[v.Name]; ok {
			st = s
		} else if c.assigned[v.Name] == nil {
			if !c.initUsesTime(v.Name) {
				return v // constant: its past value is its value
			}
			st = -1 // constant after t0, but defined by a function of time before
		}
	}
	if st == -2 {
		ve = c.rewriteInlined(v)
		if hasCall(ve, "delay") {
			return fail("nested delay")
		}
	}
	key := expr.String(v) + "|" + expr.String(d)
	if i, ok := c.delayIdx[key]; ok {
		return expr.Var(delayPrefix + fmt.Sprint(i))
	}
	i := len(c.delays)
	c.delayIdx[key] = i
	dt := delayTerm{slot: c.newSlot(delayPrefix + fmt.Sprint(i)), dslot: c.newSlot(""), state: st, scale: -1, src: -1}
	if v.Op == expr.OpVar {
		dt.src = c.s.slot[v.Name]
	}
	if st == -2 {
		dt.src = c.newSlot("")
		c.delayE = append(c.delayE, ve)
		c.delayEi = append(c.delayEi, i)
	}
	if sp := c.species[v.Name]; sp != nil && !sp.HasOnlySubstanceUnits {
		dt.scale = c.s.slot[sp.Compartment]
	}
	c.delays = append(c.delays, dt)
	c.delayD = append(c.delayD, d)
	return expr.Var(delayPrefix + fmt.Sprint(i))
}

// localize substitutes a reaction's local parameters (by value) into its
// kinetic law.
func (c *compiler) localize(r *model.Reaction) *expr.Node {
	if len(r.Local) == 0 {
		return c.rewriteFor(r.ID, r.Rate)
	}
	bind := map[string]*expr.Node{}
	for _, p := range r.Local {
		bind[p.ID] = expr.Num(p.Value)
	}
	// locals shadow globals, also inside delay() lags
	c.owner = r.ID
	return c.rewriteInlined(model.Substitute(model.InlineFunctions(r.Rate, c.mfunc, 0), bind))
}

// valueFromAmount is the expression of a species' value in terms of its
// amount slot.
func (c *compiler) valueFromAmount(sp *model.Species) *expr.Node {
	a := expr.Var(amtPrefix + sp.ID)
	if sp.HasOnlySubstanceUnits {
		return a
	}
	return expr.New(expr.OpDiv, a, expr.Var(sp.Compartment))
}
