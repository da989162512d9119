package holobiont

import (
	"math"
	"path/filepath"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/sim"
)

// Record is the run record: what `holobiont run` writes as summary.json.
// It identifies the inputs (model and scenario SHA-256, overrides, solver
// settings, seed, version) and summarises the outputs (end state, key
// endpoints, interventions).
type Record struct {
	Version       string             `json:"holobiont_version"`
	RunID         string             `json:"run_id"`
	Model         InputInfo          `json:"model"`
	Scenario      InputInfo          `json:"scenario"`
	Solver        SolverInfo         `json:"solver"`
	Seed          uint64             `json:"seed"`
	BurnIn        float64            `json:"burn_in,omitempty"`
	Set           map[string]float64 `json:"set"`
	Start         float64            `json:"start"`
	End           float64            `json:"end"`
	Outputs       int                `json:"output_times"`
	Complete      bool               `json:"complete"`
	Failure       *Failure           `json:"failure,omitempty"`
	EndState      map[string]float64 `json:"end_state"`
	Endpoints     []Endpoint         `json:"endpoints"`
	Interventions []InterventionInfo `json:"interventions"`
}

// Failure records where a run's integration failed.
type Failure struct {
	Error    string  `json:"error"`
	T        float64 `json:"t"`
	Variable string  `json:"variable,omitempty"` // named by the solver (non-finite state)
	// FastestChanging is, when the solver names no variable (step-size
	// underflow, too many steps), the state whose relative change between
	// the last two kept rows was largest: a hint where to look.
	FastestChanging string `json:"fastest_changing,omitempty"`
}

// InputInfo identifies a model or scenario: where it was read from (as
// RecordedName gives it: no directories of an absolute path), its id or
// name, and the SHA-256 of its bytes.
type InputInfo struct {
	Source string `json:"source"`
	ID     string `json:"id"`
	SHA256 string `json:"sha256"`
}

// SolverInfo is the solver's settings and work.
type SolverInfo struct {
	Method   string  `json:"method"`
	RTol     float64 `json:"rtol"`
	ATol     float64 `json:"atol"`
	Steps    int     `json:"steps"`
	Rejected int     `json:"rejected"`
	RHSEvals int     `json:"rhs_evals"`
	JacEvals int     `json:"jacobian_evals"`
	Switches int     `json:"stiffness_switches"`
}

// Endpoint summarises one variable over the run.
type Endpoint struct {
	Variable string  `json:"variable"`
	Baseline float64 `json:"baseline"`
	Min      float64 `json:"min"`
	TMin     float64 `json:"t_min"`
	Max      float64 `json:"max"`
	TMax     float64 `json:"t_max"`
	End      float64 `json:"end"`
}

// InterventionInfo is one window of an intervention.
type InterventionInfo struct {
	Type  string  `json:"type"`
	Name  string  `json:"name"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// RecordedName is a file name as outputs record it: a relative path or a
// shipped name as given, the base name of an absolute path. No output then
// holds a path of the machine it was made on (the SHA-256 beside it
// identifies the bytes); error messages keep the full path.
func RecordedName(name string) string {
	if filepath.IsAbs(name) {
		return filepath.Base(name)
	}
	return name
}

// record builds the run record of trajectory tr.
func (p *Problem) record(tr *sim.Trajectory, o Options, extra []Setting) *Record {
	m, sc := p.Model, p.scenario
	s := &Record{Version: o.Version, RunID: p.runID(o, extra),
		Model:    InputInfo{Source: RecordedName(p.ModelSource.Name), ID: m.ID, SHA256: p.ModelSource.SHA256()},
		Scenario: InputInfo{Source: RecordedName(p.ScenarioSource.Name), ID: sc.Name, SHA256: p.ScenarioSource.SHA256()},
		Solver: SolverInfo{Method: o.Method.String(), RTol: o.RTol, ATol: o.ATol, Steps: tr.Stats.Steps, Rejected: tr.Stats.Rejected,
			RHSEvals: tr.Stats.RHSEvals, JacEvals: tr.Stats.JacEvals, Switches: tr.Stats.Switches},
		Seed: o.Seed, BurnIn: o.BurnIn, Set: p.Applied(), Start: sc.Start, End: sc.End, Outputs: len(tr.Times), Complete: tr.Complete,
		EndState: map[string]float64{}, Interventions: p.Interventions()}
	for _, x := range extra {
		s.Set[x.Name] = x.Value
	}
	states := stateSet(m)
	if last := len(tr.Times) - 1; last >= 0 && tr.Values != nil {
		for j, n := range tr.Names {
			if v := tr.Values[last][j]; states[n] && !math.IsNaN(v) && !math.IsInf(v, 0) {
				s.EndState[n] = v // JSON has no NaN/Inf: non-finite values are left out
			}
		}
	}
	for _, k := range p.endpointVariables(tr) {
		if e, ok := summarise(k, tr.Times, column(tr, k)); ok {
			s.Endpoints = append(s.Endpoints, e)
		}
	}
	return s
}

// endpointVariables are the variables the record summarises: the
// endpoints of the model's report layout; for a model without its own that
// has host.cortisol or gut.shannon, the default model's; else the model's
// first 20 species.
func (p *Problem) endpointVariables(tr *sim.Trajectory) []string {
	if p.layout != nil && len(p.layout.Endpoints) > 0 {
		return p.layout.Endpoints
	}
	if p.family != nil && (column(tr, "host.cortisol") != nil || column(tr, "gut.shannon") != nil) {
		return p.family.Endpoints
	}
	var keys []string
	for _, sp := range p.Model.Species {
		keys = append(keys, sp.ID)
	}
	if len(keys) > 20 {
		keys = keys[:20]
	}
	return keys
}

// summarise returns the endpoint of x over times, or false when x is empty
// or not finite throughout (JSON cannot hold NaN/Inf; the trajectory has
// the values).
func summarise(name string, times, x []float64) (Endpoint, bool) {
	if len(x) == 0 {
		return Endpoint{}, false
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Endpoint{}, false
		}
	}
	e := Endpoint{Variable: name, Baseline: x[0], Min: x[0], Max: x[0], TMin: times[0], TMax: times[0], End: x[len(x)-1]}
	for i, v := range x {
		if v < e.Min {
			e.Min, e.TMin = v, times[i]
		}
		if v > e.Max {
			e.Max, e.TMax = v, times[i]
		}
	}
	return e, true
}

// fastestChanging returns the state with the largest relative change
// |x_k - x_{k-1}| / (|x_{k-1}| + atol) between the last two rows of tr, or "".
func fastestChanging(m *model.Model, tr *sim.Trajectory, atol float64) string {
	k := len(tr.Times) - 1
	if k < 1 || tr.Values == nil {
		return ""
	}
	states := stateSet(m)
	best, bestV := "", 0.0
	for j, n := range tr.Names {
		if !states[n] {
			continue
		}
		a, b := tr.Values[k-1][j], tr.Values[k][j]
		v := math.Abs(b-a) / (math.Abs(a) + atol)
		if math.IsNaN(v) || math.IsInf(b, 0) {
			v = math.Inf(1)
		}
		if v > bestV {
			best, bestV = n, v
		}
	}
	return best
}

// stateSet returns the ids of m's state variables (species).
func stateSet(m *model.Model) map[string]bool {
	states := make(map[string]bool, len(m.Species))
	for _, sp := range m.Species {
		states[sp.ID] = true
	}
	return states
}
