package modelfile

import (
	"fmt"
	"testing"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// refEval evaluates a model's rate rules with the slow reference evaluator
// (expr.Eval), independently of the engine: values maps states and inputs;
// parameters take their model values unless overridden in values.
type refEval struct {
	m     *model.Model
	vals  map[string]float64
	rules map[string]*expr.Node
	funcs map[string]*expr.Func
}

func newRefEval(m *model.Model) *refEval {
	r := &refEval{m: m, vals: map[string]float64{}, rules: map[string]*expr.Node{}, funcs: map[string]*expr.Func{}}
	for _, p := range m.Parameters {
		if p.ValueSet {
			r.vals[p.ID] = p.Value
		}
	}
	for _, in := range m.Inputs {
		r.vals[in.ID] = in.Default
	}
	for _, s := range m.Species {
		r.vals[s.ID] = s.Initial
	}
	for _, ru := range m.Rules {
		if ru.Kind == model.AssignmentRule {
			r.rules[ru.Variable] = ru.Math
		}
	}
	// Initial assignments of parameters (niche factors, hoisted constants)
	// are evaluated lazily, like rules, so that overridden parameter values
	// propagate as they do at the start of a simulation.
	isSpecies := map[string]bool{}
	for _, s := range m.Species {
		isSpecies[s.ID] = true
	}
	for _, ia := range m.InitialAssignments {
		if !isSpecies[ia.Target] {
			r.rules[ia.Target] = ia.Math
		}
	}
	for _, f := range m.Functions {
		r.funcs[f.ID] = &expr.Func{Args: f.Args, Body: f.Body}
	}
	return r
}

func (r *refEval) lookup(name string) (float64, bool) {
	if n, ok := r.rules[name]; ok {
		v, err := expr.Eval(n, r.lookup, r.funcs)
		if err != nil {
			return 0, false
		}
		return v, true
	}
	v, ok := r.vals[name]
	return v, ok
}

func (r *refEval) eval(n *expr.Node) (float64, error) { return expr.Eval(n, r.lookup, r.funcs) }

// rate returns d state/dt.
func (r *refEval) rate(t testing.TB, state string) float64 {
	t.Helper()
	for _, ru := range r.m.Rules {
		if ru.Kind == model.RateRule && ru.Variable == state {
			v, err := r.eval(ru.Math)
			if err != nil {
				t.Fatalf("rate of %s: %v", state, err)
			}
			return v
		}
	}
	t.Fatalf("no rate rule for %s", state)
	return 0
}

func (r *refEval) String() string { return fmt.Sprint(r.vals) }
