package scenario_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/scenario"
)

const testModel = `id: scen
sites:
  gut: {kind: gut}
  face: {kind: skin}
inputs:
  abx_oral: {unit: dimensionless}
  gut.A.abx: {unit: 1/day}
  gut.B.abx: {unit: 1/day}
  stress: {unit: dimensionless}
  emollient.face: {unit: dimensionless}
  probiotic: {unit: 1/day}
parameters:
  r: {value: 1, unit: 1/day, min: 0}
communities:
  gut:
    members:
      A: {taxon: Alpha, initial: 0.1, rate: r, effects: "gut.A.abx"}
      B: {taxon: Beta, initial: 0.1, rate: r, effects: "gut.B.abx", inflow: probiotic}
`

func testModelIR(t *testing.T) *model.Model {
	t.Helper()
	m, err := modelfile.ParseModel("m.yaml", []byte(testModel))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Typed interventions built in Go lower to the same schedule as the same
// interventions written in a scenario file; a kill curve in 1/min is scaled
// to the model's days through package units exactly as one in 1/h.
func TestTypedEqualsDecoded(t *testing.T) {
	m := testModelIR(t)
	dec, err := modelfile.ParseScenario("s.yaml", []byte(`duration: 30
interventions:
  - type: antibiotic
    dose: 2
    start: 1
    duration: 3
    every: 10
    count: 2
    susceptibility:
      Alpha: {epsilon: -0.5}
      gut.B: {psi_max: 0.88, psi_min: -6.5, kappa: 1.1, zmic: 2, unit: 1/h}
  - {type: probiotic, taxon: Beta, dose: 0.2, engraftment: 0.5, start: 5, duration: 2}
  - {type: emollient, site: face, start: 0, duration: 3}
  - {type: stress, intensity: 0.5, start: 2, duration: 3}
  - {type: bolus, target: gut.A, op: mul, value: 0.5, time: 12}
`), m)
	if err != nil {
		t.Fatal(err)
	}
	want, err := dec.Lower(m)
	if err != nil {
		t.Fatal(err)
	}
	at := func(start, dur float64) scenario.Base {
		return scenario.Base{Timing: scenario.Timing{Start: start, Duration: dur}}
	}
	typed := &scenario.Scenario{Start: 0, End: 30, Interventions: []scenario.Intervention{
		&scenario.Antibiotic{Base: scenario.Base{Timing: scenario.Timing{Start: 1, Duration: 3, Every: 10, Count: 2}}, Dose: 2,
			Susceptibility: []scenario.Susceptibility{{Taxon: "Alpha", Epsilon: -0.5},
				{Taxon: "gut.B", KillCurve: &scenario.KillCurve{PsiMax: 0.88 / 60, PsiMin: -6.5 / 60, Kappa: 1.1, ZMIC: 2, Unit: "1/min"}}}},
		&scenario.Probiotic{Base: at(5, 2), Taxon: "Beta", Dose: 0.2, Engraftment: 0.5},
		&scenario.Emollient{Base: at(0, 3), Site: "face", Level: 1},
		&scenario.Stress{Base: at(2, 3), Intensity: 0.5},
		&scenario.Bolus{Target: "gut.A", Op: "mul", Value: 0.5, Time: 12},
	}}
	got, err := typed.Lower(m)
	if err != nil {
		t.Fatal(err)
	}
	// The kill-curve values agree to rounding (0.88/60·1440 vs 0.88·24).
	for i := range got.Signals {
		for j := range got.Signals[i].Pieces {
			g, w := &got.Signals[i].Pieces[j], want.Signals[i].Pieces[j]
			if d := g.Value - w.Value; d != 0 && d*d < 1e-24*w.Value*w.Value {
				g.Value = w.Value
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("typed schedule\n%+v\nwant\n%+v", got, want)
	}
}

// Lower checks typed values as it checks decoded ones: errors name the
// intervention, its kind and the field.
func TestLowerErrors(t *testing.T) {
	m := testModelIR(t)
	at := scenario.Base{Timing: scenario.Timing{Start: 1, Duration: 2}}
	for _, tc := range []struct {
		iv    scenario.Intervention
		field string
		want  string
	}{
		{&scenario.Probiotic{Base: at, Taxon: "Gamma", Dose: 1, Engraftment: 1}, "taxon", `interventions[0] (probiotic): model scen has no taxon or species "Gamma"`},
		{&scenario.Probiotic{Base: at, Taxon: "Beta", Dose: 1, Engraftment: 2}, "engraftment", "engraftment in [0, 1]"},
		{&scenario.Emollient{Base: at, Site: "elbow", Level: 1}, "site", `no site "elbow"`},
		{&scenario.Stress{Base: scenario.Base{Timing: scenario.Timing{Start: 40, Duration: 2}}, Intensity: 1}, "start", "lies outside the run [0, 30]"},
		{&scenario.Stress{Base: scenario.Base{Timing: scenario.Timing{Start: 1}}, Intensity: 1}, "duration", "duration must be > 0"},
		{&scenario.Antibiotic{Base: at, Dose: 1, Susceptibility: []scenario.Susceptibility{{Taxon: "Alpha", KillCurve: &scenario.KillCurve{PsiMax: 1, PsiMin: -1, Kappa: 1, ZMIC: 1, Unit: "mg/L"}}}},
			"susceptibility.Alpha.unit", `"mg/L" is not a rate`},
		{&scenario.Bolus{Target: "gut.C", Time: 1, Value: 1}, "target", `no species or state "gut.C"`},
	} {
		sc := &scenario.Scenario{Start: 0, End: 30, Interventions: []scenario.Intervention{tc.iv}}
		_, err := sc.Lower(m)
		var se *scenario.Error
		if !errors.As(err, &se) || se.Field != tc.field || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%T: error %v (field %q), want field %q and %q", tc.iv, err, fieldOf(se), tc.field, tc.want)
		}
	}
}

func fieldOf(e *scenario.Error) string {
	if e == nil {
		return ""
	}
	return e.Field
}
