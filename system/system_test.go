package system

import (
	"math"
	"testing"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// TestSlotsNotClobbered: a compartment slot that lies between slots the
// initial-value tape writes must keep its value (SBML suite case 01219).
func TestSlotsNotClobbered(t *testing.T) {
	m := &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 2, SizeSet: true, Constant: true}},
		Species:      []*model.Species{{ID: "S1", Compartment: "c", Initial: 1.2, InitialSet: true, HasOnlySubstanceUnits: true, BoundaryCondition: true}},
		Rules:        []*model.Rule{{Kind: model.RateRule, Variable: "S1", Math: expr.Num(1)}},
	}
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, s.Dim())
	if err := s.InitialState(y); err != nil {
		t.Fatal(err)
	}
	got := make([]float64, 2)
	if err := s.Values(0, y, []string{"S1", "c"}, nil, got); err != nil {
		t.Fatal(err)
	}
	if got[0] != 1.2 || got[1] != 2 {
		t.Errorf("S1, c = %v, want [1.2 2]", got)
	}
}

func TestHistoryHermite(t *testing.T) {
	// y = t^3 sampled with exact derivatives: cubic Hermite is exact.
	h := &history{n: 1}
	for _, tt := range []float64{0, 0.5, 1.5, 2} {
		h.t = append(h.t, tt)
		h.y = append(h.y, tt*tt*tt)
		h.f = append(h.f, 3*tt*tt)
	}
	for _, tp := range []float64{0.25, 1, 1.7, 2} {
		if v := h.value(tp, 0, 0); math.Abs(v-tp*tp*tp) > 1e-12 {
			t.Errorf("value(%g) = %g, want %g", tp, v, tp*tp*tp)
		}
	}
	if v := h.value(-1, 0, 0); v != 0 {
		t.Errorf("before the start: %g, want the first value 0", v)
	}
}

func TestAlgebraicRule(t *testing.T) {
	// 0 = (1 + k) S1 - T: S1 = T / (1 + k)
	m := &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 1, SizeSet: true, Constant: true}},
		Species: []*model.Species{{ID: "T", Compartment: "c", Initial: 3, InitialSet: true},
			{ID: "S1", Compartment: "c", Initial: 0, InitialSet: true}},
		Parameters: []*model.Parameter{{ID: "k", Value: 2, ValueSet: true, Constant: true, Min: math.NaN(), Max: math.NaN()}},
		Rules: []*model.Rule{{Kind: model.AlgebraicRule, Math: expr.New(expr.OpSub,
			expr.New(expr.OpMul, expr.New(expr.OpAdd, expr.Num(1), expr.Var("k")), expr.Var("S1")), expr.Var("T"))}},
		Reactions: []*model.Reaction{{ID: "r", Reactants: []model.SpeciesRef{{Species: "T", Stoichiometry: 1}}, Rate: expr.Num(0)}},
	}
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, s.Dim())
	s.InitialState(y)
	got := make([]float64, 1)
	s.Values(0, y, []string{"S1"}, nil, got)
	if math.Abs(got[0]-1) > 1e-15 {
		t.Errorf("S1 = %g, want 1", got[0])
	}
	// non-linear in its variable: refused
	m.Rules[0].Math = expr.New(expr.OpSub, expr.New(expr.OpMul, expr.Var("S1"), expr.Var("S1")), expr.Var("T"))
	if _, err := Compile(m); err == nil {
		t.Error("non-linear algebraic rule accepted")
	}
}
