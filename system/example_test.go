package system_test

import (
	"fmt"
	"math"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/system"
)

// A reaction A -> B with mass-action rate k·A in a compartment of size 2:
// the state holds amounts, the species ids denote concentrations.
func Example() {
	m := &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 2, SizeSet: true, Constant: true}},
		Species: []*model.Species{
			{ID: "A", Compartment: "c", Initial: 1, InitialSet: true, InitialIsConcentration: true},
			{ID: "B", Compartment: "c", Initial: 0, InitialSet: true},
		},
		Parameters: []*model.Parameter{{ID: "k", Value: 0.5, ValueSet: true, Constant: true, Min: math.NaN(), Max: math.NaN()}},
		Reactions: []*model.Reaction{{ID: "r",
			Reactants: []model.SpeciesRef{{Species: "A", Stoichiometry: 1}},
			Products:  []model.SpeciesRef{{Species: "B", Stoichiometry: 1}},
			Rate:      expr.New(expr.OpMul, expr.Var("k"), expr.Var("A"), expr.Var("c"))}},
	}
	s, err := system.Compile(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	y := make([]float64, s.Dim())
	dy := make([]float64, s.Dim())
	s.InitialState(y)
	s.RHS(0, y, dy)
	fmt.Println(s.StateNames(), y, dy)
	// Output: [A B] [2 0] [-1 1]
}
