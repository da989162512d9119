package sim

import (
	"math"
	"testing"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// TestFluxBalance: uptake → A, A → B (two routes, one capped at 3), B →
// export; maximising export gives the uptake bound 10, and minimising the
// capped route with the export fixed at 10 gives 0 on it.
func TestFluxBalance(t *testing.T) {
	ref := func(s string) []model.SpeciesRef { return []model.SpeciesRef{{Species: s, Stoichiometry: 1}} }
	m := &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 1, SizeSet: true, Constant: true}},
		Species: []*model.Species{{ID: "A", Compartment: "c", InitialSet: true}, {ID: "B", Compartment: "c", InitialSet: true},
			{ID: "X", Compartment: "c", InitialSet: true, BoundaryCondition: true}},
		Reactions: []*model.Reaction{
			{ID: "up", Reactants: ref("X"), Products: ref("A"), Rate: expr.Num(0)},
			{ID: "r1", Reactants: ref("A"), Products: ref("B"), Rate: expr.Num(0)},
			{ID: "r2", Reactants: ref("A"), Products: ref("B"), Rate: expr.Num(0)},
			{ID: "ex", Reactants: ref("B"), Products: ref("X"), Rate: expr.Num(0)},
		},
		FluxBalance: &model.FluxBalance{
			Lower:        map[string]float64{"up": 0, "r1": 0, "r2": 0, "ex": 0},
			Upper:        map[string]float64{"up": 10, "r1": 3},
			Objective:    "obj",
			Maximize:     true,
			Coefficients: map[string]float64{"ex": 1},
		},
	}
	flux, obj, err := FluxBalance(m)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(obj-10) > 1e-9 || math.Abs(flux["up"]-10) > 1e-9 || math.Abs(flux["r1"]+flux["r2"]-10) > 1e-9 || flux["r1"] > 3+1e-9 {
		t.Errorf("objective %g, fluxes %v", obj, flux)
	}
	m.FluxBalance.Lower["ex"], m.FluxBalance.Upper["ex"] = 10, 10
	m.FluxBalance.Maximize = false
	m.FluxBalance.Coefficients = map[string]float64{"r1": 1}
	flux, obj, err = FluxBalance(m)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(obj) > 1e-9 || math.Abs(flux["r2"]-10) > 1e-9 {
		t.Errorf("min r1: objective %g, fluxes %v", obj, flux)
	}
	// infeasible: export fixed above the uptake bound
	m.FluxBalance.Lower["ex"], m.FluxBalance.Upper["ex"] = 20, 20
	if _, _, err := FluxBalance(m); err == nil {
		t.Error("infeasible problem solved")
	}
}
