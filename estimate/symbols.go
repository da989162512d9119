package estimate

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// Names of the variables of resolved expressions (see resolver). They
// start with a NUL byte, so they never clash with model or PEtab ids.
const (
	varState = "\x00y" // + state index
	varParam = "\x00x" // + parameter-table index (linear value)
	varConst = "\x00c" // + model id: a model constant's value
	varAmt   = "\x00a" // + species id: a non-state species' amount
	varPH    = "\x00p" // + placeholder index
	varObs   = "\x00o" // the observable's own value (noise formulas)
)

// resolver rewrites PEtab formulas into expressions over the state vector,
// the parameter table, model constants, placeholders and time, following
// the model's semantics (a species id denotes its concentration unless it
// has only substance units; assignment-rule variables and reaction ids are
// replaced by their formulas).
type resolver struct {
	mi      *modelInfo
	stateOf map[string]int // state index of each state variable id
	paramOf map[string]int // parameter-table index of each PEtab parameter id
	memo    map[string]*expr.Node
	active  map[string]bool
	consts  map[string]bool // constant ids used (varConst), and amounts (varAmt)
	amts    map[string]bool
}

func newResolver(mi *modelInfo, stateNames []string, params []Param) *resolver {
	r := &resolver{mi: mi, stateOf: map[string]int{}, paramOf: map[string]int{}, memo: map[string]*expr.Node{},
		active: map[string]bool{}, consts: map[string]bool{}, amts: map[string]bool{}}
	for i, id := range stateNames {
		r.stateOf[id] = i
	}
	for i, p := range params {
		r.paramOf[p.ID] = i
	}
	return r
}

// unknownID is returned for an identifier that is neither a model entity,
// a parameter-table id nor a local name.
type unknownID struct{ id string }

func (e *unknownID) Error() string {
	return fmt.Sprintf("unknown id %q (not a model entity, not in the parameter table)", e.id)
}

// resolve rewrites n; local binds placeholder (and observable) names.
func (r *resolver) resolve(n *expr.Node, local map[string]*expr.Node) (*expr.Node, error) {
	if n == nil {
		return nil, nil
	}
	switch n.Op {
	case expr.OpVar:
		if b, ok := local[n.Name]; ok {
			return b, nil
		}
		return r.id(n.Name)
	case expr.OpCall:
		if n.Name == "rateOf" || n.Name == "delay" {
			return nil, fmt.Errorf("unsupported: %s in a PEtab formula", n.Name)
		}
		if f := r.mi.funcs[n.Name]; f != nil {
			return r.resolve(model.InlineFunctions(n, r.mi.funcs, 0), local)
		}
	}
	if len(n.Args) == 0 {
		return n, nil
	}
	c := *n
	c.Args = make([]*expr.Node, len(n.Args))
	for i, a := range n.Args {
		var err error
		if c.Args[i], err = r.resolve(a, local); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

func (r *resolver) id(id string) (*expr.Node, error) {
	if e, ok := r.memo[id]; ok {
		return e, nil
	}
	if r.active[id] {
		return nil, fmt.Errorf("%s depends on itself", id)
	}
	r.active[id] = true
	defer delete(r.active, id)
	e, err := r.entity(id)
	if err != nil {
		return nil, err
	}
	r.memo[id] = e
	return e, nil
}

func (r *resolver) entity(id string) (*expr.Node, error) {
	mi := r.mi
	if rule := mi.assigned[id]; rule != nil {
		return r.resolve(model.InlineFunctions(rule.Math, mi.funcs, 0), nil)
	}
	if sp := mi.species[id]; sp != nil {
		var amt *expr.Node
		if i, ok := r.stateOf[id]; ok {
			amt = expr.Var(varState + strconv.Itoa(i))
		} else if r.varies(sp.Compartment) && !sp.HasOnlySubstanceUnits {
			r.amts[id] = true
			amt = expr.Var(varAmt + id)
		} else {
			r.consts[id] = true
			return expr.Var(varConst + id), nil
		}
		if sp.HasOnlySubstanceUnits {
			return amt, nil
		}
		v, err := r.id(sp.Compartment)
		if err != nil {
			return nil, err
		}
		return expr.New(expr.OpDiv, amt, v), nil
	}
	if rc := mi.reactions[id]; rc != nil {
		if rc.Rate == nil {
			return nil, fmt.Errorf("reaction %s has no kinetic law", id)
		}
		bind := map[string]*expr.Node{}
		for _, lp := range rc.Local {
			bind[lp.ID] = expr.Num(lp.Value)
		}
		return r.resolve(model.Substitute(model.InlineFunctions(rc.Rate, mi.funcs, 0), bind), nil)
	}
	if mi.kind(id) != "" {
		if i, ok := r.stateOf[id]; ok {
			return expr.Var(varState + strconv.Itoa(i)), nil
		}
		r.consts[id] = true
		return expr.Var(varConst + id), nil
	}
	if j, ok := r.paramOf[id]; ok {
		return expr.Var(varParam + strconv.Itoa(j)), nil
	}
	return nil, &unknownID{id}
}

// varies reports whether a compartment's size can change (a state or an
// assignment-rule variable).
func (r *resolver) varies(comp string) bool {
	_, st := r.stateOf[comp]
	return st || r.mi.assigned[comp] != nil
}

// constIDs lists the model constants (and non-state species amounts, as
// "\x00a"+id) that resolved expressions read.
func (r *resolver) constIDs() []string {
	var out []string
	for id := range r.consts {
		out = append(out, varConst+id)
	}
	for id := range r.amts {
		out = append(out, varAmt+id)
	}
	sort.Strings(out)
	return out
}
