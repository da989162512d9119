package modelfile

import (
	"math"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/sim"
)

const scenModel = `id: scen
sites:
  gut: {kind: gut}
  face: {kind: skin}
inputs:
  abx_oral: {unit: dimensionless}
  abx_topical.face: {unit: dimensionless}
  gut.A.abx: {unit: 1/day}
  gut.B.abx: {unit: 1/day}
  stress: {unit: dimensionless}
  emollient.face: {unit: dimensionless}
  fibre: {default: 1, unit: dimensionless}
  probiotic: {unit: 1/day}
parameters:
  r: {value: 1, unit: 1/day, min: 0, max: 5}
communities:
  gut:
    members:
      A: {taxon: Alpha, initial: 0.1, rate: r, effects: "gut.A.abx"}
      B: {taxon: Beta, initial: 0.1, rate: r, effects: "gut.B.abx", inflow: probiotic}
`

func scenTestModel(t *testing.T) *model.Model {
	t.Helper()
	m, err := ParseModel("scen-model.yaml", []byte(scenModel))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func signal(s *sim.Schedule, input string) []sim.Piece {
	for _, sg := range s.Signals {
		if sg.Input == input {
			return sg.Pieces
		}
	}
	return nil
}

// TestScenarioSchedule lowers each intervention type and checks the pieces,
// including both susceptibility forms: Stein epsilon*dose and the Regoes
// 2004 kill curve psi(a) - psi(0) with ciprofloxacin's psi_max = 0.88/h,
// psi_min = -6.5/h, kappa = 1.1 (host-models.md §3.6): at a = zMIC psi = 0,
// so the effect is -psi_max = -0.88/h = -21.12/day.
func TestScenarioSchedule(t *testing.T) {
	m := scenTestModel(t)
	sc, err := ParseScenario("s.yaml", []byte(`name: all
duration: 30
output: {step: 2}
set: {r: 2}
interventions:
  - {type: stress, intensity: 0.5, start: 2, duration: 3}
  - {type: stress, intensity: 1, start: 4, duration: 2}
  - type: antibiotic
    route: oral
    dose: 2
    start: 10
    duration: 5
    susceptibility:
      Alpha: {epsilon: -0.5}
      gut.B: {psi_max: 0.88, psi_min: -6.5, kappa: 1.1, zmic: 2, unit: 1/h}
  - {type: antibiotic, route: topical, sites: [face], start: 1, duration: 1}
  - {type: emollient, site: face, start: 0, duration: 3, every: 7, count: 4, level: 1}
  - {type: diet, fibre: 1.5, start: 20, duration: 5}
  - {type: probiotic, taxon: gut.B, dose: 0.2, engraftment: 0.5, start: 5, duration: 2}
  - {type: probiotic, taxon: Alpha, dose: 0.01, mode: daily, start: 25, duration: 3}
  - {type: bolus, target: gut.A, op: mul, value: 0.5, time: 12}
`), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.OutputTimes) != 16 || sc.OutputTimes[15] != 30 || len(sc.Set) != 1 || sc.Set[0].Value != 2 {
		t.Errorf("times %v set %v", sc.OutputTimes, sc.Set)
	}
	s, err := sc.Lower(m)
	if err != nil {
		t.Fatal(err)
	}
	if p := signal(s, "stress"); len(p) != 2 || p[0] != (sim.Piece{Start: 2, End: 5, Value: 0.5}) || p[1] != (sim.Piece{Start: 4, End: 6, Value: 1}) {
		t.Errorf("stress pieces %v", p)
	}
	if p := signal(s, "gut.A.abx"); len(p) != 1 || p[0].Value != -0.5*2 {
		t.Errorf("Stein form: %v, want epsilon*dose = -1", p)
	}
	if p := signal(s, "gut.B.abx"); len(p) != 1 || math.Abs(p[0].Value-(-0.88*24)) > 1e-12 {
		t.Errorf("kill curve at zMIC: %v, want -21.12/day", p)
	}
	if p := signal(s, "abx_topical.face"); len(p) != 1 || p[0].Value != 1 {
		t.Errorf("topical: %v", p)
	}
	if p := signal(s, "emollient.face"); len(p) != 4 || p[3] != (sim.Piece{Start: 21, End: 24, Value: 1}) {
		t.Errorf("repeated emollient: %v", p)
	}
	if p := signal(s, "fibre"); len(p) != 1 || p[0].Value != 1.5 {
		t.Errorf("diet: %v", p)
	}
	if p := signal(s, "probiotic"); len(p) != 1 || p[0].Value != 0.1 {
		t.Errorf("probiotic dose*engraftment: %v", p)
	}
	if len(s.Boluses) != 4 || s.Boluses[0] != (sim.Bolus{Time: 25, Target: "gut.A", Op: "add", Value: 0.01}) || s.Boluses[3].Op != "mul" {
		t.Errorf("boluses %v", s.Boluses)
	}
}

func TestScenarioErrors(t *testing.T) {
	m := scenTestModel(t)
	for _, tc := range []struct{ src, want string }{
		{"duration: 10\ninterventions:\n  - {type: emollient, site: elbow, start: 1, duration: 2}\n", `s.yaml:3:29: interventions[0] (emollient): model scen has no site "elbow"`},
		{"duration: 10\ninterventions:\n  - {type: probiotic, taxon: Gamma, dose: 1, start: 1, duration: 2}\n", `s.yaml:3:30: interventions[0] (probiotic): model scen has no taxon or species "Gamma"`},
		{"duration: 10\ninterventions:\n  - {type: stress, input: worry, start: 1, duration: 2}\n", `s.yaml:3:27: interventions[0] (stress): model scen has no input "worry"`},
		{"duration: 10\ninterventions:\n  - {type: antibiotic, start: 1, duration: 2, susceptibility: {Alpha: {eps: 1}}}\n", `s.yaml:3:`},
		{"duration: 10\ninterventions:\n  - {type: nap, start: 1, duration: 2}\n", `s.yaml:3:12: interventions[0] (nap): unknown intervention type "nap"`},
		{"duration: 10\ninterventions:\n  - {type: stress, start: 20, duration: 2}\n", `s.yaml:3:`},
		{"duration: -1\n", `s.yaml:1:11: scenario: the run must end after it starts`},
		{"duration: 10\nset: {r: 9}\n", `s.yaml:2:10: set.r: value 9 is outside its range [0, 5]`},
		{"duration: 10\nstart_day: 3\n", `s.yaml:2:1: scenario: unknown field "start_day"`},
		{"duration: 10\noutput: {times: [1, 0.5]}\n", `s.yaml:2:`},
	} {
		_, err := ParseScenario("s.yaml", []byte(tc.src), m)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.src, err, tc.want)
		}
	}
}

func FuzzParseScenario(f *testing.F) {
	f.Add([]byte("duration: 30\ninterventions:\n  - {type: stress, intensity: 1, start: 2, duration: 3}\n"))
	f.Add([]byte("duration: 10\noutput: {times: [0, 5, 10]}\ninterventions:\n  - {type: antibiotic, start: 1, duration: 2, susceptibility: {Alpha: {epsilon: -1}}}\n"))
	f.Add([]byte("duration: 10\ninterventions:\n  - {type: probiotic, taxon: gut.B, dose: 1, mode: daily, start: 0, duration: 10, every: 10, count: 1}\n"))
	f.Add([]byte("end: 1e300\n"))
	m, err := ParseModel("scen-model.yaml", []byte(scenModel))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ParseScenario("fuzz.yaml", data, m)
		if err != nil {
			return
		}
		if _, err := sc.Schedule(m); err != nil {
			t.Fatalf("loaded scenario fails to schedule: %v", err)
		}
	})
}
