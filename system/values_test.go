package system_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/system"
)

// valuesModel: compartment c of size 2; A is a concentration (1, so
// amount 2), B has only substance units (amount 3, so concentration 1.5);
// reaction r = k·A·c = 0.5·1·2 = 1.
func valuesModel(t testing.TB) (*system.System, []float64) {
	m := &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 2, SizeSet: true, Constant: true}},
		Species: []*model.Species{
			{ID: "A", Compartment: "c", Initial: 1, InitialSet: true, InitialIsConcentration: true},
			{ID: "B", Compartment: "c", Initial: 3, InitialSet: true, HasOnlySubstanceUnits: true},
		},
		Parameters: []*model.Parameter{{ID: "k", Value: 0.5, ValueSet: true, Constant: true, Min: math.NaN(), Max: math.NaN()}},
		Reactions: []*model.Reaction{{ID: "r",
			Reactants: []model.SpeciesRef{{Species: "A", Stoichiometry: 1}},
			Products:  []model.SpeciesRef{{Species: "B", Stoichiometry: 1}},
			Rate:      expr.New(expr.OpMul, expr.Var("k"), expr.Var("A"), expr.Var("c"))}},
	}
	s, err := system.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, s.Dim())
	if err := s.InitialState(y); err != nil {
		t.Fatal(err)
	}
	return s, y
}

func TestValuesQuantities(t *testing.T) {
	s, y := valuesModel(t)
	D, A, C := system.AsDeclared, system.AsAmount, system.AsConcentration
	for _, tc := range []struct {
		ids  []string
		as   []system.Quantity
		want []float64
	}{
		{[]string{"A", "B", "c", "k", "r"}, nil, []float64{1, 3, 2, 0.5, 1}},
		{[]string{"A", "A", "A"}, []system.Quantity{D, A, C}, []float64{1, 2, 1}},
		{[]string{"B", "B", "B"}, []system.Quantity{D, A, C}, []float64{3, 3, 1.5}},
		// a quantity on a non-species id is ignored
		{[]string{"c", "r"}, []system.Quantity{A, C}, []float64{2, 1}},
	} {
		got := make([]float64, len(tc.ids))
		if err := s.Values(0, y, tc.ids, tc.as, got); err != nil {
			t.Fatal(err)
		}
		sel, err := s.Select(tc.ids, tc.as)
		if err != nil {
			t.Fatal(err)
		}
		got2 := make([]float64, sel.Len())
		s.Clone().ValuesAt(0, y, sel, got2) // a Selector serves Clones too
		for i := range tc.want {
			if got[i] != tc.want[i] || got2[i] != tc.want[i] {
				t.Errorf("%v %v: Values %v, ValuesAt %v, want %v", tc.ids, tc.as, got, got2, tc.want)
				break
			}
		}
	}
}

// TestValuesCache: Values remembers its last request; changing the ids in
// place, or the quantities, must not return stale slots.
func TestValuesCache(t *testing.T) {
	s, y := valuesModel(t)
	ids := []string{"A", "B"}
	as := []system.Quantity{system.AsAmount, system.AsAmount}
	got := make([]float64, 2)
	check := func(want0, want1 float64) {
		t.Helper()
		if err := s.Values(0, y, ids, as, got); err != nil {
			t.Fatal(err)
		}
		if got[0] != want0 || got[1] != want1 {
			t.Errorf("ids %v as %v: %v, want [%g %g]", ids, as, got, want0, want1)
		}
	}
	check(2, 3)
	check(2, 3)
	ids[0], ids[1] = "B", "c"
	check(3, 2)
	as[0] = system.AsConcentration
	check(1.5, 2)
	as = nil
	check(3, 2)
	if err := s.Values(0, y, []string{"A", "nope"}, nil, got); err == nil {
		t.Error("unknown id accepted")
	}
	if _, err := s.Select([]string{"A"}, []system.Quantity{0, 0}); err == nil {
		t.Error("quantities of the wrong length accepted")
	}
	if _, err := s.Select([]string{"nope"}, nil); err == nil {
		t.Error("unknown id accepted by Select")
	}
}

func TestValuesNoAlloc(t *testing.T) {
	s, y := valuesModel(t)
	ids := []string{"A", "B", "r"}
	as := []system.Quantity{system.AsAmount, system.AsConcentration, system.AsDeclared}
	dst := make([]float64, 3)
	sel, err := s.Select(ids, as)
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { s.ValuesAt(0, y, sel, dst) }); n != 0 {
		t.Errorf("ValuesAt: %g allocations per call", n)
	}
	s.Values(0, y, ids, as, dst)
	if n := testing.AllocsPerRun(100, func() { s.Values(0, y, ids, as, dst) }); n != 0 {
		t.Errorf("Values, repeated request: %g allocations per call", n)
	}
}

func BenchmarkValues(b *testing.B) {
	s, y := valuesModel(b)
	ids := []string{"A", "B", "r"}
	as := []system.Quantity{system.AsAmount, system.AsConcentration, system.AsDeclared}
	dst := make([]float64, 3)
	b.Run("Values", func(b *testing.B) {
		for b.Loop() {
			s.Values(0, y, ids, as, dst)
		}
	})
	b.Run("ValuesAt", func(b *testing.B) {
		sel, _ := s.Select(ids, as)
		for b.Loop() {
			s.ValuesAt(0, y, sel, dst)
		}
	})
}

// Resolve the ids once, then read them at any state without lookups.
func ExampleSystem_ValuesAt() {
	m := &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 2, SizeSet: true, Constant: true}},
		Species:      []*model.Species{{ID: "A", Compartment: "c", Initial: 1, InitialSet: true, InitialIsConcentration: true}},
		Reactions:    []*model.Reaction{{ID: "decay", Reactants: []model.SpeciesRef{{Species: "A", Stoichiometry: 1}}, Rate: expr.Var("A")}},
	}
	s, err := system.Compile(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	sel, err := s.Select([]string{"A", "A", "c"}, []system.Quantity{system.AsDeclared, system.AsAmount, system.AsDeclared})
	if err != nil {
		fmt.Println(err)
		return
	}
	dst := make([]float64, sel.Len())
	// the state is A's amount
	for _, amount := range []float64{2, 5} {
		s.ValuesAt(0, []float64{amount}, sel, dst)
		fmt.Println(dst)
	}
	// Output:
	// [1 2 2]
	// [2.5 5 2]
}
