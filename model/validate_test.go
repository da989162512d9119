package model

import (
	"math"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/expr"
)

func v(name string) *expr.Node { return expr.Var(name) }

func base() *Model {
	return &Model{
		Compartments: []*Compartment{{ID: "gut", Size: 1, SizeSet: true}, {ID: "skin", Size: 1, SizeSet: true}},
		Species:      []*Species{{ID: "A", Compartment: "gut", Initial: 1, InitialSet: true, Src: Source{File: "m.yaml", Line: 4, Col: 3}}},
		Parameters:   []*Parameter{{ID: "k", Value: 1, ValueSet: true, Min: math.NaN(), Max: math.NaN(), Src: Source{File: "m.yaml", Line: 9, Col: 5}}},
	}
}

func TestValidate(t *testing.T) {
	if err := base().Validate(); err != nil {
		t.Fatalf("valid model: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(m *Model)
		want string
	}{
		{"duplicate", func(m *Model) {
			m.Parameters = append(m.Parameters, &Parameter{ID: "A", Min: math.NaN(), Max: math.NaN(), Src: Source{File: "m.yaml", Line: 12, Col: 5}})
		}, "m.yaml:12:5: A: duplicate id: already declared as a species at m.yaml:4:3"},
		{"dangling compartment", func(m *Model) { m.Species[0].Compartment = "lung" }, `m.yaml:4:3: A: compartment "lung" is not defined`},
		{"dangling expression", func(m *Model) {
			m.Rules = append(m.Rules, &Rule{Kind: RateRule, Variable: "A", Math: expr.New(expr.OpMul, v("k"), v("q")), Src: Source{File: "m.yaml", Line: 20, Col: 7}})
		}, `m.yaml:20:7: A: expression refers to undefined id "q"`},
		{"non-finite", func(m *Model) { m.Parameters[0].Value = math.Inf(1) }, "m.yaml:9:5: k: value +Inf is not finite"},
		{"out of range", func(m *Model) { m.Parameters[0].Min, m.Parameters[0].Max = 2, 3 }, "k: value 1 outside its range [2, 3]"},
		{"cycle", func(m *Model) {
			m.Parameters = append(m.Parameters, &Parameter{ID: "p", Min: math.NaN(), Max: math.NaN()}, &Parameter{ID: "q", Min: math.NaN(), Max: math.NaN()})
			m.Rules = append(m.Rules,
				&Rule{Kind: AssignmentRule, Variable: "p", Math: v("q"), Src: Source{File: "m.yaml", Line: 30, Col: 1}},
				&Rule{Kind: AssignmentRule, Variable: "q", Math: expr.New(expr.OpAdd, v("p"), v("k"))})
		}, "m.yaml:30:1: p: assignment rules form a cycle: p -> q -> p"},
		{"member outside compartment", func(m *Model) {
			m.Communities = []*Community{{ID: "skinc", Compartment: "skin", Members: []string{"A"}}}
		}, "member A lives in compartment gut, not in the community's compartment skin"},
		{"member also reaction target", func(m *Model) {
			m.Communities = []*Community{{ID: "gutc", Compartment: "gut", Members: []string{"A"}}}
			m.Reactions = []*Reaction{{ID: "r", Products: []SpeciesRef{{Species: "A", Stoichiometry: 1}}, Rate: v("k")}}
		}, "member A is also changed by reaction r"},
	} {
		m := base()
		c.edit(m)
		err := m.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
