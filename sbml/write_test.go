package sbml

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

func parse(t testing.TB, s string) *expr.Node {
	t.Helper()
	n, err := expr.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func prm(id string, v float64, ev model.Evidence) *model.Parameter {
	return &model.Parameter{ID: id, Value: v, ValueSet: true, Constant: true, Min: math.NaN(), Max: math.NaN(),
		Unit: "1/day", Prov: model.Provenance{Citation: "Test 2024 J Test 1:1", Evidence: ev}}
}

// testModel uses every construct the exporter maps: dotted ids, a
// community block with interactions, shedding, inflow and an extinction
// threshold, an input, a function definition, a reaction, rules, an
// observable with shannon(), and an event.
func testModel(t testing.TB) *model.Model {
	return &model.Model{
		ID: "rt", TimeUnit: "day",
		Compartments: []*model.Compartment{{ID: "gut", Kind: "gut", Size: 1, SizeSet: true, Constant: true}, {ID: "host", Size: 2, SizeSet: true, Constant: true}},
		Species: []*model.Species{
			{ID: "gut.A", Compartment: "gut", Initial: 0.2, InitialSet: true, Taxon: "A"},
			{ID: "gut.B", Compartment: "gut", Initial: 0.3, InitialSet: true, Taxon: "B"},
			{ID: "host.m", Compartment: "host", Initial: 1, InitialSet: true, InitialIsConcentration: true},
			{ID: "host.p", Compartment: "host", Initial: 0, InitialSet: true},
		},
		Parameters: []*model.Parameter{prm("r.A", 1, model.Quantitative), prm("r.B", 0.7, model.SignOnly), prm("a.AA", -1, model.Quantitative),
			prm("a.BB", -1.2, model.Quantitative), prm("a.AB", -0.3, model.SignOnly), prm("k", 0.4, model.Quantitative), prm("shed", 0.05, model.Quantitative),
			{ID: "c.level", Min: math.NaN(), Max: math.NaN()}},
		Inputs:    []*model.Input{{ID: "stress", Default: 0.5}},
		Functions: []*model.Function{{ID: "sat", Args: []string{"x", "K"}, Body: parse(t, "x/(K+x)")}},
		Rules: []*model.Rule{
			{Kind: model.AssignmentRule, Variable: "c.level", Math: parse(t, "2*sat(gut.A, 0.5) + stress")},
		},
		Reactions: []*model.Reaction{{ID: "prod", Products: []model.SpeciesRef{{Species: "host.p", Stoichiometry: 2}},
			Reactants: []model.SpeciesRef{{Species: "host.m", Stoichiometry: 1}},
			Rate:      parse(t, "kl*host.m*host*hill(c.level, 1, 2)"), Local: []*model.Parameter{{ID: "kl", Value: 0.3, ValueSet: true, Min: math.NaN(), Max: math.NaN()}}}},
		Communities: []*model.Community{{ID: "gutc", Compartment: "gut", Members: []string{"gut.A", "gut.B"},
			Growth:   []*expr.Node{parse(t, "r.A*(1 - 0.2*stress)"), parse(t, "r.B")},
			Inflow:   []*expr.Node{nil, parse(t, "0.001")},
			Shedding: parse(t, "shed"),
			Interactions: []model.Interaction{{Target: "gut.A", Source: "gut.A", Param: "a.AA"}, {Target: "gut.B", Source: "gut.B", Param: "a.BB"},
				{Target: "gut.A", Source: "gut.B", Param: "a.AB"}},
			ExtinctionThreshold: 1e-9}},
		Observables: []*model.Observable{{ID: "gut.shannon", Math: parse(t, "shannon(gut.A, gut.B)")}},
		Events: []*model.Event{{ID: "dose", Trigger: parse(t, "time >= 3"), Persistent: true, InitialValue: true, UseValuesFromTriggerTime: true,
			Assignments: []model.EventAssignment{{Variable: "host.m", Math: parse(t, "host.m + 1")}}}},
	}
}

func simulate(t *testing.T, m *model.Model) (*sim.Trajectory, *system.System) {
	t.Helper()
	s, err := system.Compile(m)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	tr, err := sim.Run(context.Background(), s, nil, sim.Options{Start: 0, End: 10, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return tr, s
}

// TestRoundTrip: import(export(m)) simulates like m (tolerance 1e-7
// relative + 1e-9 absolute at solver rtol 1e-10).
func TestRoundTrip(t *testing.T) {
	m := testModel(t)
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`hb:citation="Test 2024 J Test 1:1"`, `hb:evidence="S"`, `units="per_day"`, `id="gut__A"`, `name="gut.A"`} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %s", want)
		}
	}
	m2, err := Read("rt.xml", buf.Bytes())
	if err != nil {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	tr1, _ := simulate(t, m)
	tr2, _ := simulate(t, m2)
	idx2 := map[string]int{}
	for j, n := range tr2.Names {
		idx2[n] = j
	}
	checked := 0
	for j, n := range tr1.Names {
		j2, ok := idx2[SId(n)]
		if !ok {
			t.Errorf("variable %s (%s) missing after round trip; have %v", n, SId(n), tr2.Names)
			continue
		}
		checked++
		for k := range tr1.Times {
			a, b := tr1.Values[k][j], tr2.Values[k][j2]
			if math.Abs(a-b) > 1e-9+1e-7*math.Abs(a) {
				t.Errorf("%s at t=%g: %g, after round trip %g", n, tr1.Times[k], a, b)
				break
			}
		}
	}
	if checked < 6 {
		t.Errorf("only %d variables compared", checked)
	}
}

func TestSId(t *testing.T) {
	for in, want := range map[string]string{"gut.A": "gut__A", "S_aureus": "S_aureus", "1x": "_1x", "a-b": "a_b", "": "_"} {
		if got := SId(in); got != want {
			t.Errorf("SId(%q) = %q, want %q", in, got, want)
		}
	}
}

var _ = filepath.Join
