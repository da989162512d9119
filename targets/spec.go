package targets

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/holobiont/holobiont/internal/bom"
	"github.com/holobiont/holobiont/internal/yamlnode"
)

// File is a parsed targets file.
type File struct {
	// Name is the file name given to Parse; Hash the SHA-256 of its bytes.
	Name, Hash string `yaml:"-"`
	// Model is the model file, relative to the targets file's folder (or
	// a shipped model name).
	Model string `yaml:"model"`
	// Description says what the file is for.
	Description string `yaml:"description"`
	// Solver tolerances for every run (default rtol 1e-8, atol 1e-11:
	// the forward-difference Jacobian needs smooth outputs).
	Solver struct {
		RTol float64 `yaml:"rtol"`
		ATol float64 `yaml:"atol"`
	} `yaml:"solver"`
	// Parameters are the estimated parameters.
	Parameters []Param `yaml:"parameters"`
	// Targets are the published effect sizes.
	Targets []Target `yaml:"targets"`

	astf *ast.File
}

// Param is an estimated parameter, fitted on a log10 scale within
// [Lower, Upper] with a log-normal prior of median Prior and one standard
// deviation a factor Factor.
type Param struct {
	ID     string  `yaml:"id"`
	Lower  float64 `yaml:"lower"`
	Upper  float64 `yaml:"upper"`
	Prior  float64 `yaml:"prior"`
	Factor float64 `yaml:"factor"`
	Note   string  `yaml:"note"`
}

// The roles of a target.
const (
	RoleFit        = "fit"        // in the objective
	RoleValidation = "validation" // held out: reported, never fitted
	RoleHandFit    = "hand-fit"   // used earlier to set a value by hand: neither fitted here nor held out
	// RoleCohortFit targets were fitted outside holobiont calibrate by the
	// script named in evaluated_by (a virtual population's parameter
	// distribution): not fitted here, not held out.
	RoleCohortFit = "cohort-fit"
)

// Target is one published effect size and how to read it off the model.
type Target struct {
	ID           string    `yaml:"id"`
	Role         string    `yaml:"role"`
	Citation     string    `yaml:"citation"`
	Note         string    `yaml:"note"`
	Value        *float64  `yaml:"value"`
	Interval     []float64 `yaml:"interval"`
	IntervalKind string    `yaml:"interval_kind"`
	// EvaluatedBy names the test or script that evaluates a target which
	// needs a virtual cohort; such a target has no scenario.
	EvaluatedBy string `yaml:"evaluated_by"`

	// Scenario is the scenario YAML the statistic is read from.
	Scenario string `yaml:"scenario"`
	// Control, if set, is a scenario YAML whose statistic the scenario's is
	// compared with by VsControl.
	Control string `yaml:"control"`
	// Set holds parameter values for this target's runs (they override
	// the estimated values).
	Set map[string]float64 `yaml:"set"`

	Observable string `yaml:"observable"`
	// Stat is at (the value at Time), max, min or mean (over Window).
	Stat   string    `yaml:"stat"`
	Time   *float64  `yaml:"time"`
	Window []float64 `yaml:"window"`
	// Minus is subtracted from the statistic and from the baseline.
	Minus float64 `yaml:"minus"`
	// Baseline is a time: the statistic is compared with the observable
	// there by VsBaseline (change, ratio, relative or log10ratio).
	Baseline   *float64 `yaml:"baseline"`
	VsBaseline string   `yaml:"vs_baseline"`
	// VsControl is difference, ratio or relative (ratio − 1).
	VsControl string `yaml:"vs_control"`
	// Per, if set, is an observable: the result is divided by the same
	// statistic of Per (its change from the baseline).
	Per string `yaml:"per"`
	// Multiply scales the result (default 1), e.g. 1/SD for SD units.
	Multiply *float64 `yaml:"multiply"`
}

// Simulated reports whether the target is read off model runs (false:
// evaluated by a cohort test, EvaluatedBy).
func (t *Target) Simulated() bool { return t.Scenario != "" }

// Sigma is the standard deviation the interval implies: its width over
// 2·1.96 (a 95% interval).
func (t *Target) Sigma() float64 { return (t.Interval[1] - t.Interval[0]) / (2 * 1.959963984540054) }

// Centre is the published value, or the interval's midpoint when the
// target is a band without a point value.
func (t *Target) Centre() float64 {
	if t.Value != nil {
		return *t.Value
	}
	return (t.Interval[0] + t.Interval[1]) / 2
}

// Met reports whether v lies within the target's interval.
func (t *Target) Met(v float64) bool { return v >= t.Interval[0] && v <= t.Interval[1] }

// Load reads and parses a targets file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a targets file. Unknown fields, wrong types, unknown roles
// or statistics, empty or reversed intervals and bounds, and duplicate ids
// are errors naming file:line:col; names that need the model (parameters,
// observables, scenario contents) are checked by NewEvaluator.
func Parse(name string, data []byte) (*File, error) {
	data = bom.Trim(data)
	if err := yamlnode.CheckNesting(name, data); err != nil {
		return nil, err
	}
	af, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlnode.SyntaxError(name, "", err)
	}
	f := &File{}
	if err := yamlnode.DecodeStrict(name, data, f); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	f.Name, f.Hash, f.astf = name, hex.EncodeToString(sum[:]), af
	if f.Solver.RTol == 0 {
		f.Solver.RTol = 1e-8
	}
	if f.Solver.ATol == 0 {
		f.Solver.ATol = 1e-11
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *File) errAt(path, format string, args ...any) error {
	return yamlnode.ErrAt(f.Name, f.astf, path, format, args...)
}

func finite(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func (f *File) validate() error {
	if f.Model == "" {
		return f.errAt("$", "model: required (the model file the targets are read from)")
	}
	if !(f.Solver.RTol > 0 && f.Solver.RTol < 1) || !(f.Solver.ATol > 0) || !finite(f.Solver.ATol) {
		return f.errAt("$.solver", "solver: rtol must be in (0, 1) and atol > 0")
	}
	if len(f.Parameters) == 0 {
		return f.errAt("$", "parameters: at least one estimated parameter is required")
	}
	seen := map[string]bool{}
	for i, p := range f.Parameters {
		at := fmt.Sprintf("$.parameters[%d]", i)
		switch {
		case p.ID == "":
			return f.errAt(at, "parameter %d: id required", i+1)
		case seen[p.ID]:
			return f.errAt(at+".id", "parameter %s listed twice", p.ID)
		case !finite(p.Lower, p.Upper, p.Prior, p.Factor) || !(p.Lower > 0 && p.Upper > p.Lower):
			return f.errAt(at, "parameter %s: want 0 < lower < upper (log10 scale), got lower %g, upper %g", p.ID, p.Lower, p.Upper)
		case !(p.Prior >= p.Lower && p.Prior <= p.Upper):
			return f.errAt(at+".prior", "parameter %s: prior %g outside [%g, %g]", p.ID, p.Prior, p.Lower, p.Upper)
		case !(p.Factor > 1):
			return f.errAt(at+".factor", "parameter %s: factor %g: want > 1 (the prior's standard deviation as a factor)", p.ID, p.Factor)
		}
		seen[p.ID] = true
	}
	ids := map[string]bool{}
	nfit := 0
	for i := range f.Targets {
		if err := f.validateTarget(i, ids); err != nil {
			return err
		}
		if f.Targets[i].Role == RoleFit {
			nfit++
		}
	}
	if nfit == 0 {
		return f.errAt("$.targets", "targets: no target has role fit")
	}
	return nil
}

func (f *File) validateTarget(i int, ids map[string]bool) error {
	t := &f.Targets[i]
	at := fmt.Sprintf("$.targets[%d]", i)
	switch {
	case t.ID == "":
		return f.errAt(at, "target %d: id required", i+1)
	case ids[t.ID]:
		return f.errAt(at+".id", "target %s listed twice", t.ID)
	case t.Citation == "":
		return f.errAt(at, "target %s: citation required", t.ID)
	case t.Role != RoleFit && t.Role != RoleValidation && t.Role != RoleHandFit && t.Role != RoleCohortFit:
		return f.errAt(at+".role", "target %s: role %q: want fit, validation, hand-fit or cohort-fit", t.ID, t.Role)
	case len(t.Interval) != 2 || !finite(t.Interval...) || !(t.Interval[1] > t.Interval[0]):
		return f.errAt(at+".interval", "target %s: interval: want [low, high] with low < high", t.ID)
	case t.Value != nil && (!finite(*t.Value) || !t.Met(*t.Value)):
		return f.errAt(at+".value", "target %s: value %g outside its interval %v", t.ID, *t.Value, t.Interval)
	}
	ids[t.ID] = true
	if !t.Simulated() {
		if t.EvaluatedBy == "" {
			return f.errAt(at, "target %s: needs a scenario (and observable) or evaluated_by (the test that evaluates it)", t.ID)
		}
		if t.Role == RoleFit {
			return f.errAt(at+".role", "target %s: a fit target must be simulated here (it has no scenario)", t.ID)
		}
		return nil
	}
	if t.Role == RoleCohortFit {
		return f.errAt(at+".role", "target %s: a cohort-fit target is evaluated by the script or test in evaluated_by, not simulated here (remove its scenario)", t.ID)
	}
	if t.Observable == "" {
		return f.errAt(at, "target %s: observable required", t.ID)
	}
	switch t.Stat {
	case "at":
		if t.Time == nil || !finite(*t.Time) {
			return f.errAt(at, "target %s: stat at needs time", t.ID)
		}
	case "max", "min", "mean":
		if len(t.Window) != 2 || !finite(t.Window...) || !(t.Window[1] >= t.Window[0]) {
			return f.errAt(at+".window", "target %s: stat %s needs window: [from, to]", t.ID, t.Stat)
		}
	default:
		return f.errAt(at+".stat", "target %s: stat %q: want at, max, min or mean", t.ID, t.Stat)
	}
	if t.Baseline != nil && !finite(*t.Baseline) {
		return f.errAt(at+".baseline", "target %s: baseline must be a time", t.ID)
	}
	switch t.VsBaseline {
	case "", "change", "ratio", "relative", "log10ratio":
	default:
		return f.errAt(at+".vs_baseline", "target %s: vs_baseline %q: want change, ratio, relative or log10ratio", t.ID, t.VsBaseline)
	}
	if t.VsBaseline != "" && t.Baseline == nil {
		return f.errAt(at+".vs_baseline", "target %s: vs_baseline needs baseline (a time)", t.ID)
	}
	if t.Per != "" && t.Baseline == nil {
		return f.errAt(at+".per", "target %s: per needs baseline (the change of both observables from it)", t.ID)
	}
	switch {
	case t.Control == "" && t.VsControl != "":
		return f.errAt(at+".vs_control", "target %s: vs_control needs control (a scenario)", t.ID)
	case t.Control != "" && t.VsControl != "difference" && t.VsControl != "ratio" && t.VsControl != "relative":
		return f.errAt(at+".vs_control", "target %s: vs_control %q: want difference, ratio or relative", t.ID, t.VsControl)
	}
	if t.Multiply != nil && !finite(*t.Multiply) {
		return f.errAt(at+".multiply", "target %s: multiply must be a finite number", t.ID)
	}
	return nil
}

// hasRole reports whether any target has role r.
func (f *File) hasRole(r string) bool {
	for i := range f.Targets {
		if f.Targets[i].Role == r {
			return true
		}
	}
	return false
}

// Roles returns the indices of the simulated targets of role r, in file
// order.
func (f *File) Roles(r string) []int {
	var out []int
	for i := range f.Targets {
		if f.Targets[i].Role == r && f.Targets[i].Simulated() {
			out = append(out, i)
		}
	}
	return out
}

// setNames returns the keys of m sorted.
func setNames(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
