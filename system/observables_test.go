package system

import (
	"math"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// TestObservablesReadObservables: an observable may read other observables,
// declared before or after it (they used to come out NaN: the reading
// expression was hoisted into the static tape, which runs before any
// observable is computed), and a cycle among them is refused.
func TestObservablesReadObservables(t *testing.T) {
	parse := func(s string) *expr.Node {
		n, err := expr.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	build := func(obs ...string) *model.Model {
		m := &model.Model{
			Compartments: []*model.Compartment{{ID: "c", Size: 1, SizeSet: true, Constant: true}},
			Species:      []*model.Species{{ID: "x", Compartment: "c", Initial: 3, InitialSet: true, HasOnlySubstanceUnits: true}},
			Parameters:   []*model.Parameter{{ID: "k", Value: 2, ValueSet: true, Constant: true, Min: math.NaN(), Max: math.NaN()}},
			Rules:        []*model.Rule{{Kind: model.RateRule, Variable: "x", Math: parse("-x")}},
		}
		for i := 0; i < len(obs); i += 2 {
			m.Observables = append(m.Observables, &model.Observable{ID: obs[i], Math: parse(obs[i+1])})
		}
		return m
	}
	// b reads a (declared before) and c (declared after); d is static
	s, err := Compile(build("a", "2*x", "b", "a + q", "q", "x*p", "p", "k + 1"))
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, s.Dim())
	if err := s.InitialState(y); err != nil {
		t.Fatal(err)
	}
	for _, yt := range []float64{3, 0.5} {
		y[0] = yt
		out := make([]float64, len(s.VariableNames()))
		s.Outputs(1, y, out)
		want := []float64{yt, 2 * yt, 2*yt + 3*yt, 3 * yt, 3}
		for i, w := range want {
			if out[i] != w {
				t.Errorf("x=%g: %s = %v, want %v", yt, s.VariableNames()[i], out[i], w)
			}
		}
	}
	if _, err := Compile(build("a", "b + x", "b", "2*a")); err == nil || !strings.Contains(err.Error(), "dependency cycle: a -> b -> a") {
		t.Errorf("cycle: error %v", err)
	}
}
