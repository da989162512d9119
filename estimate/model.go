package estimate

import (
	"sort"
	"strings"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// initPrefix names the parameters that carry a PEtab condition's value
// for a species or compartment into the model's initialisation (see
// variantModel).
const initPrefix = "__petab_init__"

// modelInfo indexes a model's entities by id.
type modelInfo struct {
	m          *model.Model
	params     map[string]*model.Parameter
	comps      map[string]*model.Compartment
	species    map[string]*model.Species
	reactions  map[string]*model.Reaction
	assigned   map[string]*model.Rule
	rated      map[string]bool
	evTarget   map[string]bool
	reacTarget map[string]bool
	ia         map[string]*model.InitialAssignment
	funcs      map[string]*model.Function
	specRefs   map[string]bool
}

func newModelInfo(m *model.Model) *modelInfo {
	mi := &modelInfo{m: m, params: map[string]*model.Parameter{}, comps: map[string]*model.Compartment{},
		species: map[string]*model.Species{}, reactions: map[string]*model.Reaction{}, assigned: map[string]*model.Rule{},
		rated: map[string]bool{}, evTarget: map[string]bool{}, reacTarget: map[string]bool{},
		ia: map[string]*model.InitialAssignment{}, funcs: map[string]*model.Function{}, specRefs: map[string]bool{}}
	for _, p := range m.Parameters {
		mi.params[p.ID] = p
	}
	for _, c := range m.Compartments {
		mi.comps[c.ID] = c
	}
	for _, s := range m.Species {
		mi.species[s.ID] = s
	}
	for _, r := range m.Reactions {
		mi.reactions[r.ID] = r
		for _, refs := range [][]model.SpeciesRef{r.Reactants, r.Products} {
			for _, sr := range refs {
				mi.reacTarget[sr.Species] = true
				if sr.ID != "" {
					mi.specRefs[sr.ID] = true
				}
			}
		}
	}
	for _, r := range m.Rules {
		switch r.Kind {
		case model.AssignmentRule:
			mi.assigned[r.Variable] = r
		case model.RateRule:
			mi.rated[r.Variable] = true
		}
	}
	for _, e := range m.Events {
		for _, a := range e.Assignments {
			mi.evTarget[a.Variable] = true
		}
	}
	for _, a := range m.InitialAssignments {
		mi.ia[a.Target] = a
	}
	for _, f := range m.Functions {
		mi.funcs[f.ID] = f
	}
	return mi
}

// kind names the kind of model entity id is ("" when none).
func (mi *modelInfo) kind(id string) string {
	switch {
	case mi.species[id] != nil:
		return "species"
	case mi.comps[id] != nil:
		return "compartment"
	case mi.params[id] != nil:
		return "parameter"
	case mi.reactions[id] != nil:
		return "reaction"
	case mi.specRefs[id]:
		return "species reference"
	}
	return ""
}

// changes reports whether id is a state variable of the compiled system
// (package system's rule: species changed by reactions, rules or events;
// other entities changed by rate rules or events).
func (mi *modelInfo) changes(id string) bool {
	if mi.assigned[id] != nil {
		return false
	}
	if sp := mi.species[id]; sp != nil {
		return (mi.reacTarget[id] && !sp.BoundaryCondition) || mi.rated[id] || mi.evTarget[id]
	}
	return mi.rated[id] || mi.evTarget[id]
}

// iaDeps lists the ids an entity's initial value reads (its initial
// assignment, with function definitions inlined).
func (mi *modelInfo) iaDeps(id string) []string {
	a := mi.ia[id]
	if a == nil {
		return nil
	}
	return expr.Vars(model.InlineFunctions(a.Math, mi.funcs, 0))
}

// dynamicModel returns a copy of m in which every entity of dyn that is not
// already a state variable becomes one with a zero rate rule: parameters
// and compartments (made non-constant) and species. Their values can then
// be set between periods and their sensitivities are carried by the state
// Jacobian (∂f/∂p appears as the Jacobian's columns for these states).
func dynamicModel(mi *modelInfo, dyn map[string]bool) *model.Model {
	m := *mi.m
	ids := make([]string, 0, len(dyn))
	for id := range dyn {
		if !mi.changes(id) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		return &m
	}
	need := map[string]bool{}
	for _, id := range ids {
		need[id] = true
	}
	m.Parameters = append([]*model.Parameter(nil), mi.m.Parameters...)
	for i, p := range m.Parameters {
		if need[p.ID] {
			c := *p
			c.Constant = false
			m.Parameters[i] = &c
		}
	}
	m.Compartments = append([]*model.Compartment(nil), mi.m.Compartments...)
	for i, p := range m.Compartments {
		if need[p.ID] {
			c := *p
			c.Constant = false
			m.Compartments[i] = &c
		}
	}
	m.Species = append([]*model.Species(nil), mi.m.Species...)
	for i, p := range m.Species {
		if need[p.ID] {
			c := *p
			c.Constant = false
			m.Species[i] = &c
		}
	}
	m.Rules = append([]*model.Rule(nil), mi.m.Rules...)
	for _, id := range ids {
		m.Rules = append(m.Rules, &model.Rule{Kind: model.RateRule, Variable: id, Math: expr.Num(0)})
	}
	return &m
}

// variantModel returns a copy of m for experiments whose first period sets
// the targets in first: their initial assignments are removed; a species
// or compartment target X gets the parameter __petab_init__X and the
// initial assignment X = __petab_init__X, so that its value takes part in
// the model's initialisation (PEtab's pre-initialisation); parameters are
// set directly.
func variantModel(m *model.Model, first []string, mi *modelInfo) *model.Model {
	if len(first) == 0 {
		return m
	}
	v := *m
	drop := map[string]bool{}
	for _, id := range first {
		drop[id] = true
	}
	v.InitialAssignments = nil
	for _, a := range m.InitialAssignments {
		if !drop[a.Target] {
			v.InitialAssignments = append(v.InitialAssignments, a)
		}
	}
	v.Parameters = append([]*model.Parameter(nil), m.Parameters...)
	for _, id := range first {
		if k := mi.kind(id); k == "species" || k == "compartment" {
			pid := initPrefix + id
			v.Parameters = append(v.Parameters, &model.Parameter{ID: pid, Value: 0, ValueSet: true, Constant: true})
			v.InitialAssignments = append(v.InitialAssignments, &model.InitialAssignment{Target: id, Math: expr.Var(pid)})
		}
	}
	return &v
}

// variantKey identifies the set of first-period targets.
func variantKey(first []string) string {
	s := append([]string(nil), first...)
	sort.Strings(s)
	return strings.Join(s, "\x00")
}

// timeRelations returns a − b for every relation a op b in the model's
// assignment rules, kinetic laws and rate rules whose difference depends
// on time: candidates for discontinuities at times that can be computed
// before integrating (for example piecewise(0, time < t_dose, dose)).
func timeRelations(mi *modelInfo) []*expr.Node {
	var out []*expr.Node
	seen := map[string]bool{}
	var walk func(n *expr.Node)
	walk = func(n *expr.Node) {
		if n == nil {
			return
		}
		switch n.Op {
		case expr.OpLt, expr.OpLe, expr.OpGt, expr.OpGe:
			if len(n.Args) == 2 {
				g := expr.New(expr.OpSub, n.Args[0], n.Args[1])
				if expr.UsesTime(g) {
					if k := expr.String(g); !seen[k] {
						seen[k] = true
						out = append(out, g)
					}
				}
			}
		}
		for _, a := range n.Args {
			walk(a)
		}
	}
	m := mi.m
	for _, r := range m.Rules {
		walk(model.InlineFunctions(r.Math, mi.funcs, 0))
	}
	for _, r := range m.Reactions {
		if r.Rate != nil {
			walk(model.InlineFunctions(r.Rate, mi.funcs, 0))
		}
	}
	return out
}
