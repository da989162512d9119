package system

import (
	"sort"
	"strings"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// solveAlgebraic returns m with each algebraic rule 0 = f replaced by an
// assignment rule x = −f(x=0)/(∂f/∂x) for the one variable x the rule
// determines. The rule's variable is matched among the model's
// non-constant symbols that nothing else determines (no assignment or rate
// rule, not changed by reactions, not an event target); f must be linear in
// it (∂f/∂x free of x). Other algebraic rules are refused as unsupported.
// m itself is not modified.
func solveAlgebraic(m *model.Model) (*model.Model, error) {
	var alg []*model.Rule
	for _, r := range m.Rules {
		if r.Kind == model.AlgebraicRule {
			alg = append(alg, r)
		}
	}
	if len(alg) == 0 {
		return m, nil
	}
	maths, varOf, err := matchAlgebraic(m, alg)
	if err != nil {
		return nil, err
	}
	out := *m
	out.Rules = nil
	k := 0
	for _, r := range m.Rules {
		if r.Kind != model.AlgebraicRule {
			out.Rules = append(out.Rules, r)
			continue
		}
		sol, err := solveLinear(maths[k], varOf[k], r)
		if err != nil {
			return nil, err
		}
		k++
		out.Rules = append(out.Rules, sol)
	}
	// an algebraic variable's initial assignment is superseded by the rule
	var ias []*model.InitialAssignment
	solved := map[string]bool{}
	for _, v := range varOf {
		solved[v] = true
	}
	for _, ia := range m.InitialAssignments {
		if !solved[ia.Target] {
			ias = append(ias, ia)
		}
	}
	out.InitialAssignments = ias
	return &out, nil
}

// freeVariables returns the model's non-constant symbols that nothing
// but an algebraic rule determines (no other rule, reaction, event or
// community).
func freeVariables(m *model.Model) map[string]bool {
	determined := map[string]bool{}
	for _, r := range m.Rules {
		if r.Kind != model.AlgebraicRule {
			determined[r.Variable] = true
		}
	}
	for _, r := range m.Reactions {
		for _, refs := range [][]model.SpeciesRef{r.Reactants, r.Products} {
			for _, sr := range refs {
				determined[sr.Species] = true
			}
		}
	}
	for _, e := range m.Events {
		for _, a := range e.Assignments {
			determined[a.Variable] = true
		}
	}
	for _, c := range m.Communities {
		for _, id := range c.Members {
			determined[id] = true
		}
	}
	free := map[string]bool{}
	for _, s := range m.Species {
		if !s.Constant && !determined[s.ID] {
			free[s.ID] = true
		}
	}
	for _, p := range m.Parameters {
		if !p.Constant && !determined[p.ID] {
			free[p.ID] = true
		}
	}
	for _, c := range m.Compartments {
		if !c.Constant && !determined[c.ID] {
			free[c.ID] = true
		}
	}
	for _, r := range m.Reactions {
		for _, refs := range [][]model.SpeciesRef{r.Reactants, r.Products} {
			for _, sr := range refs {
				if sr.ID != "" && !sr.Constant && !determined[sr.ID] {
					free[sr.ID] = true
				}
			}
		}
	}
	return free
}

// matchAlgebraic matches each algebraic rule (functions inlined: maths)
// with a distinct free variable it reads (varOf), by augmenting paths.
func matchAlgebraic(m *model.Model, alg []*model.Rule) (maths []*expr.Node, varOf []string, err error) {
	free := freeVariables(m)
	mfuncs := map[string]*model.Function{}
	for _, f := range m.Functions {
		mfuncs[f.ID] = f
	}
	// candidate variables per rule
	cands := make([][]string, len(alg))
	maths = make([]*expr.Node, len(alg))
	for i, r := range alg {
		if r.Math == nil {
			return nil, nil, &Unsupported{Construct: "algebraic rule without math", ID: "algebraic rule", Src: r.Src}
		}
		maths[i] = model.InlineFunctions(r.Math, mfuncs, 0)
		for _, v := range expr.Vars(maths[i]) {
			if free[v] {
				cands[i] = append(cands[i], v)
			}
		}
		sort.Strings(cands[i])
	}
	// bipartite matching (augmenting paths)
	match := map[string]int{}
	var try func(i int, seen map[string]bool) bool
	try = func(i int, seen map[string]bool) bool {
		for _, v := range cands[i] {
			if seen[v] {
				continue
			}
			seen[v] = true
			if j, ok := match[v]; !ok || try(j, seen) {
				match[v] = i
				return true
			}
		}
		return false
	}
	varOf = make([]string, len(alg))
	for i := range alg {
		if !try(i, map[string]bool{}) {
			return nil, nil, &Unsupported{Construct: "algebraic rule that determines no free variable (differential-algebraic system)", ID: "algebraic rule", Src: alg[i].Src}
		}
	}
	for v, i := range match {
		varOf[i] = v
	}
	return maths, varOf, nil
}

// solveLinear turns algebraic rule r, 0 = f with f linear in x, into the
// assignment rule x = −f(x=0)/(∂f/∂x).
func solveLinear(f *expr.Node, x string, r *model.Rule) (*model.Rule, error) {
	if hasCall(f, "delay") {
		return nil, &Unsupported{Construct: "algebraic rule using delay", ID: x, Src: r.Src}
	}
	// rateOf(v) is an independent quantity here: hide it from Diff
	f = expr.Map(f, func(n *expr.Node) *expr.Node {
		if n.Op == expr.OpCall && n.Name == "rateOf" && len(n.Args) == 1 && n.Args[0].Op == expr.OpVar {
			if n.Args[0].Name == x {
				return nil
			}
			return expr.Var(rateOfPrefix + n.Args[0].Name)
		}
		return nil
	})
	if hasCall(f, "rateOf") {
		return nil, &Unsupported{Construct: "algebraic rule using rateOf of its own variable", ID: x, Src: r.Src}
	}
	a, err := expr.Diff(f, x, nil)
	if err != nil {
		return nil, &Unsupported{Construct: "algebraic rule that cannot be differentiated (" + err.Error() + ")", ID: x, Src: r.Src}
	}
	a = expr.Simplify(a)
	for _, v := range expr.Vars(a) {
		if v == x {
			return nil, &Unsupported{Construct: "algebraic rule non-linear in its variable", ID: x, Src: r.Src}
		}
	}
	f0 := expr.Simplify(expr.Substitute(f, map[string]*expr.Node{x: expr.Num(0)}))
	sol := expr.Simplify(expr.New(expr.OpDiv, expr.New(expr.OpNeg, f0), a))
	sol = expr.Map(sol, func(n *expr.Node) *expr.Node {
		if n.Op == expr.OpVar && strings.HasPrefix(n.Name, rateOfPrefix) {
			return expr.Call("rateOf", expr.Var(strings.TrimPrefix(n.Name, rateOfPrefix)))
		}
		return nil
	})
	return &model.Rule{Kind: model.AssignmentRule, Variable: x, Math: sol, Unit: r.Unit, Prov: r.Prov, Src: r.Src}, nil
}

func hasCall(n *expr.Node, name string) bool {
	found := false
	expr.Walk(n, func(x *expr.Node) {
		if x.Op == expr.OpCall && x.Name == name {
			found = true
		}
	})
	return found
}
