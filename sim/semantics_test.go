package sim

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/system"
)

func varParam(id string, v float64) *model.Parameter {
	p := param(id, v)
	p.Constant = false
	return p
}

// growingCompartment: V' = 1 from V(0) = 1; S is a fixed amount 2 in V (no
// reaction changes it); X has amount 3 + t (produced at rate 1 by J).
func growingCompartment(t testing.TB) *model.Model {
	return &model.Model{
		Compartments: []*model.Compartment{{ID: "V", Size: 1, SizeSet: true}},
		Species: []*model.Species{
			{ID: "S", Compartment: "V", Initial: 2, InitialSet: true},
			{ID: "X", Compartment: "V", Initial: 3, InitialSet: true},
		},
		Parameters: []*model.Parameter{varParam("rS", 0), varParam("rX", 0), varParam("rV", 0)},
		Reactions:  []*model.Reaction{{ID: "J", Products: []model.SpeciesRef{{Species: "X", Stoichiometry: 1}}, Rate: mustParse(t, "1")}},
		Rules: []*model.Rule{
			{Kind: model.RateRule, Variable: "V", Math: mustParse(t, "1")},
			{Kind: model.AssignmentRule, Variable: "rS", Math: mustParse(t, "rateOf(S)")},
			{Kind: model.AssignmentRule, Variable: "rX", Math: mustParse(t, "rateOf(X)")},
			{Kind: model.AssignmentRule, Variable: "rV", Math: mustParse(t, "rateOf(V)")},
		},
	}
}

// TestRateOfChangingCompartment: rateOf of a species concentration whose
// compartment grows: d[S]/dt = −2/(1+t)² for the fixed amount S, and
// d[X]/dt = (1·(1+t) − (3+t))/(1+t)² = −2/(1+t)² for X; rateOf(V) = 1.
func TestRateOfChangingCompartment(t *testing.T) {
	s := compile(t, growingCompartment(t))
	tr, err := Run(context.Background(), s, nil, Options{Start: 0, End: 4, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	rS, rX, rV := col(tr, "rS"), col(tr, "rX"), col(tr, "rV")
	for k, tt := range tr.Times {
		want := -2 / ((1 + tt) * (1 + tt))
		if math.Abs(rS[k]-want) > 1e-8 || math.Abs(rX[k]-want) > 1e-8 || math.Abs(rV[k]-1) > 1e-12 {
			t.Errorf("t=%g: rateOf S, X, V = %g, %g, %g, want %g, %g, 1", tt, rS[k], rX[k], rV[k], want, want)
		}
	}
}

// TestRateOfRefused: rateOf that the engine cannot compute exactly is
// refused as unsupported, naming the construct and the id.
func TestRateOfRefused(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(m *model.Model)
		want string
	}{
		"reaction rate": {func(m *model.Model) {
			m.Rules[3] = &model.Rule{Kind: model.AssignmentRule, Variable: "rV", Math: mustParse(t, "rateOf(J)")}
		}, "unsupported: rateOf of a reaction rate at J"},
		"assignment-rule variable defined by rateOf": {func(m *model.Model) {
			m.Rules[3] = &model.Rule{Kind: model.AssignmentRule, Variable: "rV", Math: mustParse(t, "rateOf(rS)")}
		}, "unsupported: rateOf of an assignment-rule variable whose rule cannot be differentiated"},
		"rateOf of an expression through a function argument": {func(m *model.Model) {
			m.Functions = []*model.Function{{ID: "f", Args: []string{"a"}, Body: mustParse(t, "rateOf(a)")}}
			m.Rules[3] = &model.Rule{Kind: model.AssignmentRule, Variable: "rV", Math: mustParse(t, "f(2*V)")}
		}, "unsupported: rateOf of an expression at rV"},
	} {
		m := growingCompartment(t)
		tc.edit(m)
		_, err := system.Compile(m)
		var u *system.Unsupported
		if !errors.As(err, &u) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
}

// fastModel: A ⇌ B fast (mass action kf·A − kr·B, kf = kr = k), A produced
// at rate 1 by a slow reaction. Under rapid equilibrium A = B = (2 + t)/2.
func fastModel(t testing.TB, k float64) *model.Model {
	return &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 1, SizeSet: true, Constant: true}},
		Species: []*model.Species{
			{ID: "A", Compartment: "c", Initial: 2, InitialSet: true, HasOnlySubstanceUnits: true},
			{ID: "B", Compartment: "c", Initial: 0, InitialSet: true, HasOnlySubstanceUnits: true},
		},
		Parameters: []*model.Parameter{param("k", k)},
		Reactions: []*model.Reaction{
			{ID: "in", Products: []model.SpeciesRef{{Species: "A", Stoichiometry: 1}}, Rate: mustParse(t, "1")},
			{ID: "eq", Fast: true, Reactants: []model.SpeciesRef{{Species: "A", Stoichiometry: 1}},
				Products: []model.SpeciesRef{{Species: "B", Stoichiometry: 1}}, Rate: mustParse(t, "k*A - k*B")},
		},
	}
}

// TestFastReactions: with ordinary fast rate constants the penalty
// approximation reproduces the rapid equilibrium; with rate constants so
// small that the penalty (gain 1e8 × 1e-7) cannot hold the equilibrium the
// run fails as unsupported instead of returning a wrong trajectory.
func TestFastReactions(t *testing.T) {
	opt := Options{Start: 0, End: 10, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}}
	tr, err := Run(context.Background(), compile(t, fastModel(t, 1)), nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	a, b := col(tr, "A"), col(tr, "B")
	for k, tt := range tr.Times {
		if want := (2 + tt) / 2; math.Abs(a[k]-want) > 1e-6 || math.Abs(b[k]-want) > 1e-6 {
			t.Errorf("t=%g: A, B = %g, %g, want %g", tt, a[k], b[k], want)
		}
	}
	_, err = Run(context.Background(), compile(t, fastModel(t, 1e-7)), nil, opt)
	var u *system.Unsupported
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "fast reactions") {
		t.Fatalf("k = 1e-7: got %v, want an unsupported error about fast reactions", err)
	}
	t.Log(err)
}

// TestConstantCompartmentRule: a compartment size set by an assignment rule
// that is provably constant (V = 2·h, h a constant parameter) keeps rateOf
// and concentration rate rules exact: [S]' = 1 gives [S] = 1 + t, rateOf
// of the fixed amount X (no reaction here) is 0.
func TestConstantCompartmentRule(t *testing.T) {
	m := growingCompartment(t)
	m.Parameters = append(m.Parameters, param("h", 1.5))
	m.Reactions = nil
	m.Species[0].Initial, m.Species[0].InitialIsConcentration = 1, true
	m.Rules = []*model.Rule{
		{Kind: model.AssignmentRule, Variable: "V", Math: mustParse(t, "2*h")},
		{Kind: model.RateRule, Variable: "S", Math: mustParse(t, "1")},
		{Kind: model.AssignmentRule, Variable: "rX", Math: mustParse(t, "rateOf(X)")},
	}
	tr, err := Run(context.Background(), compile(t, m), nil, Options{Start: 0, End: 3, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	sv, rx := col(tr, "S"), col(tr, "rX")
	for k, tt := range tr.Times {
		if math.Abs(sv[k]-(1+tt)) > 1e-8 || rx[k] != 0 {
			t.Errorf("t=%g: S = %g (want %g), rateOf(X) = %g (want 0)", tt, sv[k], 1+tt, rx[k])
		}
	}
}

// TestRateOfAssignmentRule: rateOf of assignment-rule variables by the chain
// rule. With w = X·V + t² = (3 + t) + t² (X's amount is 3 + t) and z = w²:
// rateOf(w) = 1 + 2t and rateOf(z) = 2w(1 + 2t); q = k·t (k constant)
// gives rateOf(q) = k.
func TestRateOfAssignmentRule(t *testing.T) {
	m := growingCompartment(t)
	m.Parameters = append(m.Parameters, varParam("w", 0), varParam("z", 0), varParam("q", 0), param("k", 0.25),
		varParam("rw", 0), varParam("rz", 0), varParam("rq", 0))
	m.Rules = append(m.Rules,
		&model.Rule{Kind: model.AssignmentRule, Variable: "w", Math: mustParse(t, "X*V + time^2")},
		&model.Rule{Kind: model.AssignmentRule, Variable: "z", Math: mustParse(t, "w*w")},
		&model.Rule{Kind: model.AssignmentRule, Variable: "q", Math: mustParse(t, "k*time")},
		&model.Rule{Kind: model.AssignmentRule, Variable: "rw", Math: mustParse(t, "rateOf(w)")},
		&model.Rule{Kind: model.AssignmentRule, Variable: "rz", Math: mustParse(t, "rateOf(z)")},
		&model.Rule{Kind: model.AssignmentRule, Variable: "rq", Math: mustParse(t, "rateOf(q)")},
	)
	tr, err := Run(context.Background(), compile(t, m), nil, Options{Start: 0, End: 3, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	rw, rz, rq := col(tr, "rw"), col(tr, "rz"), col(tr, "rq")
	for k, tt := range tr.Times {
		w := 3 + tt + tt*tt
		if math.Abs(rw[k]-(1+2*tt)) > 1e-8 || math.Abs(rz[k]-2*w*(1+2*tt)) > 1e-7 || math.Abs(rq[k]-0.25) > 1e-15 {
			t.Errorf("t=%g: rateOf w, z, q = %g, %g, %g, want %g, %g, 0.25", tt, rw[k], rz[k], rq[k], 1+2*tt, 2*w*(1+2*tt))
		}
	}
}

// TestRateOfChain: rate rules fed by rateOf of other rate-rule variables
// (a chain of depth 3 in reverse declaration order): z' = cos t,
// y' = 2·rateOf(z), x' = rateOf(y) + rateOf(z), so x = 3 sin t, y = 2 sin t,
// z = sin t, whatever values the rateOf slots held from the previous
// evaluation. A derivative that reads its own
// rateOf is an implicit equation and is refused.
func TestRateOfChain(t *testing.T) {
	m := &model.Model{
		Parameters: []*model.Parameter{varParam("x", 0), varParam("y", 0), varParam("z", 0)},
		Rules: []*model.Rule{
			{Kind: model.RateRule, Variable: "x", Math: mustParse(t, "rateOf(y) + rateOf(z)")},
			{Kind: model.RateRule, Variable: "y", Math: mustParse(t, "2*rateOf(z)")},
			{Kind: model.RateRule, Variable: "z", Math: mustParse(t, "cos(time)")},
		},
	}
	tr, err := Run(context.Background(), compile(t, m), nil, Options{Start: 0, End: 5, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	x, y, z := col(tr, "x"), col(tr, "y"), col(tr, "z")
	for k, tt := range tr.Times {
		sn := math.Sin(tt)
		if math.Abs(x[k]-3*sn) > 1e-8 || math.Abs(y[k]-2*sn) > 1e-8 || math.Abs(z[k]-sn) > 1e-8 {
			t.Errorf("t=%g: x, y, z = %g, %g, %g, want %g, %g, %g", tt, x[k], y[k], z[k], 3*sn, 2*sn, sn)
		}
	}
	m.Rules[2].Math = mustParse(t, "1 - rateOf(x)")
	_, err = system.Compile(m)
	var u *system.Unsupported
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "rateOf in a cycle") {
		t.Errorf("cyclic rateOf: got %v, want unsupported", err)
	}
}

// TestAssignedCompartmentRates: a compartment sized by an assignment rule
// (V = 1 + t, directly or through a state z with z' = 1): rateOf of a
// fixed amount S = 2 is −2/(1+t)², of X (amount 3 + t) also −2/(1+t)²; a
// rate rule d[R]/dt = 1 on a concentration gives [R] = 1 + t with the
// amount following V·[R] (the dV/dt term from the chain rule).
func TestAssignedCompartmentRates(t *testing.T) {
	for _, size := range []string{"1 + time", "1 + z"} {
		m := growingCompartment(t)
		m.Species = append(m.Species, &model.Species{ID: "R", Compartment: "V", Initial: 1, InitialSet: true, InitialIsConcentration: true})
		m.Parameters = append(m.Parameters, varParam("z", 0), varParam("rR", 0))
		m.Rules = []*model.Rule{
			{Kind: model.AssignmentRule, Variable: "V", Math: mustParse(t, size)},
			{Kind: model.RateRule, Variable: "z", Math: mustParse(t, "1")},
			{Kind: model.RateRule, Variable: "R", Math: mustParse(t, "1")},
			{Kind: model.AssignmentRule, Variable: "rS", Math: mustParse(t, "rateOf(S)")},
			{Kind: model.AssignmentRule, Variable: "rX", Math: mustParse(t, "rateOf(X)")},
			{Kind: model.AssignmentRule, Variable: "rR", Math: mustParse(t, "rateOf(R)")},
		}
		s := compile(t, m)
		tr, err := Run(context.Background(), s, nil, Options{Start: 0, End: 4, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
		if err != nil {
			t.Fatalf("V = %s: %v", size, err)
		}
		rS, rX, rR, R := col(tr, "rS"), col(tr, "rX"), col(tr, "rR"), col(tr, "R")
		amt := make([]float64, 1)
		for k, tt := range tr.Times {
			want := -2 / ((1 + tt) * (1 + tt))
			if math.Abs(rS[k]-want) > 1e-8 || math.Abs(rX[k]-want) > 1e-8 || math.Abs(rR[k]-1) > 1e-8 || math.Abs(R[k]-(1+tt)) > 1e-8 {
				t.Errorf("V = %s, t=%g: rateOf S, X, R = %g, %g, %g (want %g, %g, 1); [R] = %g (want %g)", size, tt, rS[k], rX[k], rR[k], want, want, R[k], 1+tt)
			}
		}
		y := make([]float64, s.Dim())
		if err := s.InitialState(y); err != nil {
			t.Fatal(err)
		}
		if err := s.Values(0, y, []string{"R"}, []system.Quantity{system.AsAmount}, amt); err != nil || amt[0] != 1 {
			t.Errorf("V = %s: amount of R at 0 = %v (%v), want 1", size, amt[0], err)
		}
	}
}
