package system

import (
	"math"
	"testing"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// TestSelectorFastPath: a selection the output tape covers takes the
// cheaper path, one that needs another dynamic assignment (here a reaction
// rate) the full evaluation; both agree with the values computed by hand
// (A' = -k·A in concentration terms, r = k·A·c, q = A²).
func TestSelectorFastPath(t *testing.T) {
	m := &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 2, SizeSet: true, Constant: true}},
		Species:      []*model.Species{{ID: "A", Compartment: "c", Initial: 1, InitialSet: true, InitialIsConcentration: true}},
		Parameters: []*model.Parameter{{ID: "k", Value: 0.5, ValueSet: true, Constant: true, Min: math.NaN(), Max: math.NaN()},
			{ID: "q", Min: math.NaN(), Max: math.NaN()}},
		Rules: []*model.Rule{{Kind: model.AssignmentRule, Variable: "q", Math: expr.New(expr.OpMul, expr.Var("A"), expr.Var("A"))}},
		Reactions: []*model.Reaction{{ID: "r", Reactants: []model.SpeciesRef{{Species: "A", Stoichiometry: 1}},
			Rate: expr.New(expr.OpMul, expr.Var("k"), expr.Var("A"), expr.Var("c"))}},
	}
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	if !s.split {
		t.Fatal("model not split: the test does not reach the fast path")
	}
	y := []float64{3} // amount 3: A = 1.5
	for _, tc := range []struct {
		ids  []string
		as   []Quantity
		fast bool
		want []float64
	}{
		{[]string{"A", "q", "c", "k"}, nil, true, []float64{1.5, 2.25, 2, 0.5}},
		{[]string{"A"}, []Quantity{AsAmount}, true, []float64{3}},
		{[]string{"r", "A"}, nil, false, []float64{1.5, 1.5}},
	} {
		sel, err := s.Select(tc.ids, tc.as)
		if err != nil {
			t.Fatal(err)
		}
		if sel.fast != tc.fast {
			t.Errorf("%v: fast path %v, want %v", tc.ids, sel.fast, tc.fast)
		}
		got := make([]float64, sel.Len())
		s.ValuesAt(1, y, sel, got)
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-15 {
				t.Errorf("%v: %v, want %v", tc.ids, got, tc.want)
				break
			}
		}
	}
}
