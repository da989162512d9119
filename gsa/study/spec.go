package study

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/bits"
	"os"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/internal/bom"
	"github.com/holobiont/holobiont/internal/yamlnode"
)

// Spec is a parsed sensitivity-analysis or virtual-population spec. See
// examples/gsa-gut-skin-brain.yaml, examples/vpop-cortisol.yaml and
// docs/gsa.md.
type Spec struct {
	Name string `yaml:"name"`
	// Model is a model path (relative to the spec) or "shipped:NAME"; empty
	// is the shipped default model.
	Model string `yaml:"model"`
	// Scenario is a scenario path or "shipped:NAME"; empty is no
	// interventions for Duration days.
	Scenario string `yaml:"scenario"`
	// Duration, with a scenario, sets the run's end to the scenario's start
	// plus Duration (longer or shorter than the scenario's own).
	Duration float64 `yaml:"duration"`
	// BurnIn days are simulated before the scenario starts, so that each
	// parameter set starts from its own steady state.
	BurnIn float64 `yaml:"burn_in"`
	// Grid is the spacing (days) of the output times used for trajectory
	// summaries; default 1.
	Grid   float64       `yaml:"grid"`
	Seed   uint64        `yaml:"seed"`
	Chunk  int           `yaml:"chunk"` // runs per checkpoint chunk (default 256)
	Solver cohort.Solver `yaml:"solver"`
	// Method is sobol (default) or morris (gsa only).
	Method string     `yaml:"method"`
	Sobol  SobolSpec  `yaml:"sobol"`
	Morris MorrisSpec `yaml:"morris"`
	// VPop configures a virtual population (vpop only).
	VPop *VPopSpec `yaml:"vpop"`
	// Parameters are the varied model parameters with their ranges or
	// distributions in the cohort spec's language.
	Parameters map[string]*cohort.Dist `yaml:"parameters"`
	Outputs    []Output                `yaml:"outputs"`

	File string `yaml:"-"`
	// Hash is the SHA-256 of the spec bytes.
	Hash string `yaml:"-"`

	data []byte
	astf *ast.File
}

// SobolSpec configures a Sobol analysis.
type SobolSpec struct {
	N           int     `yaml:"n"` // base samples, a power of two (default 1024)
	SecondOrder bool    `yaml:"second_order"`
	Scramble    *bool   `yaml:"scramble"`  // default true (seeded); false: the plain Sobol' sequence
	Estimator   string  `yaml:"estimator"` // first order: saltelli2010 (default) or jansen
	Bootstrap   int     `yaml:"bootstrap"` // resamples (default 100)
	Confidence  float64 `yaml:"confidence"`
}

// MorrisSpec configures a Morris screening.
type MorrisSpec struct {
	Trajectories int     `yaml:"trajectories"` // default 20
	Levels       int     `yaml:"levels"`       // even, default 4
	Bootstrap    int     `yaml:"bootstrap"`    // resamples of mu* (default 1000)
	Confidence   float64 `yaml:"confidence"`
}

// Output is a scalar or time-resolved quantity of each run.
type Output struct {
	Name string `yaml:"name"`
	// Variable is a model variable (host.cortisol), rel(SITE.MEMBER) or
	// shannon(SITE).
	Variable string `yaml:"variable"`
	// Stat: value (at Time), change (value at Time minus value at From),
	// max, min, time_of_max, time_of_min, mean, auc (over [From, To]),
	// recovery (time from From until the variable is back within
	// Tolerance of its value at Baseline for good, censored at To) or
	// trajectory (the value at every Every days in [From, To]:
	// time-resolved indices).
	Stat      string   `yaml:"stat"`
	Time      *float64 `yaml:"time"`
	From      *float64 `yaml:"from"`
	To        *float64 `yaml:"to"`
	Baseline  *float64 `yaml:"baseline"`
	Tolerance *float64 `yaml:"tolerance"` // relative to |baseline value| (default 0.05)
	Every     float64  `yaml:"every"`
	// Range [lo, hi] is the physiological range of a plausible patient
	// (vpop).
	Range []float64 `yaml:"range"`
	// Target is the distribution the virtual population should match
	// (vpop).
	Target *cohort.Dist `yaml:"target"`
}

// stats of outputs, in the order docs/gsa.md lists them.
var statNames = []string{"value", "change", "max", "min", "time_of_max", "time_of_min", "mean", "auc", "recovery", "trajectory"}

// Error is a spec problem located as file:line:col.
type Error = yamlnode.Error

// LoadSpec reads and parses a spec file.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSpec(path, data)
}

// ParseSpec parses spec YAML. Unknown fields, wrong types, invalid or
// empty ranges and settings are errors naming file:line:col and the
// parameter or output; names that need the model are checked by Compile.
func ParseSpec(name string, data []byte) (*Spec, error) {
	data = bom.Trim(data)
	if err := yamlnode.CheckNesting(name, data); err != nil {
		return nil, err
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlnode.SyntaxError(name, "", err)
	}
	s := &Spec{}
	if err := yamlnode.DecodeStrict(name, data, s); err != nil {
		return nil, err
	}
	// set after decoding: an empty document decodes to the zero Spec
	s.File, s.data, s.astf = name, data, f
	sum := sha256.Sum256(data)
	s.Hash = hex.EncodeToString(sum[:])
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Spec) errAt(path, format string, args ...any) error {
	return yamlnode.ErrAt(s.File, s.astf, path, format, args...)
}

func quoteKey(k string) string {
	if strings.ContainsAny(k, ".[]'\" ") {
		return "'" + k + "'"
	}
	return k
}

// ParamNames returns the varied parameters, sorted.
func (s *Spec) ParamNames() []string {
	var ps []string
	for k := range s.Parameters {
		ps = append(ps, k)
	}
	sort.Strings(ps)
	return ps
}

// IsVPop reports whether the spec describes a virtual population.
func (s *Spec) IsVPop() bool { return s.VPop != nil }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func (s *Spec) validate() error {
	if s.Chunk == 0 {
		s.Chunk = 256
	}
	if s.Chunk < 1 {
		return s.errAt("$.chunk", "chunk must be >= 1, got %d", s.Chunk)
	}
	if s.Grid == 0 {
		s.Grid = 1
	}
	if !(s.Grid > 0) || !finite(s.Grid) {
		return s.errAt("$.grid", "grid must be > 0, got %v", s.Grid)
	}
	if !(s.BurnIn >= 0) || !finite(s.BurnIn) {
		return s.errAt("$.burn_in", "burn_in must be >= 0, got %v", s.BurnIn)
	}
	if !(s.Duration >= 0) || !finite(s.Duration) {
		return s.errAt("$.duration", "duration must be > 0, got %v", s.Duration)
	}
	if s.Scenario == "" && !(s.Duration > 0) {
		return s.errAt("$.duration", "give a scenario or a duration > 0")
	}
	if _, err := s.Solver.ODEOptions(); err != nil {
		return s.errAt("$.solver", "%v", err)
	}
	if err := s.validateMethod(); err != nil {
		return err
	}
	if len(s.Parameters) == 0 {
		return s.errAt("$.parameters", "no parameters to vary: list each with a range, e.g. k: {dist: uniform, lower: 0.5, upper: 2}")
	}
	for _, k := range s.ParamNames() {
		path := "$.parameters." + quoteKey(k)
		d := s.Parameters[k]
		if d == nil {
			return s.errAt(path, "parameter %s: missing range or distribution", k)
		}
		if err := d.Validate(); err != nil {
			return s.errAt(path, "parameter %s: %v", k, err)
		}
		if !d.Spread() {
			return s.errAt(path, "parameter %s: empty range (the distribution has a single value; a sensitivity analysis needs a range, e.g. lower < upper)", k)
		}
		if s.Method == "morris" {
			if lo, hi := d.Support(); math.IsInf(lo, 0) || math.IsInf(hi, 0) {
				return s.errAt(path, "parameter %s: Morris screening samples the ends of each range; give an unbounded %s distribution lower and upper bounds", k, d.Dist)
			}
		}
	}
	if len(s.Outputs) == 0 {
		return s.errAt("$.outputs", "no outputs: list at least one, e.g. {name: cortisol, variable: host.cortisol, stat: value, time: 28}")
	}
	seen := map[string]bool{}
	for i := range s.Outputs {
		if err := s.validateOutput(i, seen); err != nil {
			return err
		}
	}
	if s.VPop != nil {
		return s.validateVPop()
	}
	return nil
}

func (s *Spec) validateMethod() error {
	if s.VPop != nil {
		if s.Method != "" {
			return s.errAt("$.method", "method is for sensitivity analyses; a vpop spec selects with vpop.method")
		}
		return nil
	}
	switch s.Method {
	case "", "sobol":
		s.Method = "sobol"
		sb := &s.Sobol
		if sb.N == 0 {
			sb.N = 1024
		}
		if sb.N < 2 || bits.OnesCount(uint(sb.N)) != 1 {
			p := 2
			for p < sb.N {
				p <<= 1
			}
			return s.errAt("$.sobol.n", "sobol.n = %d is not a power of two (Sobol' points are balanced only in blocks of 2^k); use %d", sb.N, p)
		}
		switch sb.Estimator {
		case "":
			sb.Estimator = "saltelli2010"
		case "saltelli2010", "jansen":
		default:
			return s.errAt("$.sobol.estimator", "unknown estimator %q (saltelli2010 or jansen)", sb.Estimator)
		}
		if err := s.bootstrap("$.sobol", &sb.Bootstrap, &sb.Confidence, 100); err != nil {
			return err
		}
		if sb.Scramble == nil {
			t := true
			sb.Scramble = &t
		}
	case "morris":
		m := &s.Morris
		if m.Trajectories == 0 {
			m.Trajectories = 20
		}
		if m.Trajectories < 2 {
			return s.errAt("$.morris.trajectories", "morris.trajectories must be >= 2, got %d", m.Trajectories)
		}
		if m.Levels == 0 {
			m.Levels = 4
		}
		if m.Levels < 2 || m.Levels%2 != 0 {
			return s.errAt("$.morris.levels", "morris.levels must be even and >= 2, got %d", m.Levels)
		}
		if err := s.bootstrap("$.morris", &m.Bootstrap, &m.Confidence, 1000); err != nil {
			return err
		}
	default:
		return s.errAt("$.method", "unknown method %q (sobol or morris)", s.Method)
	}
	return nil
}

// bootstrap defaults and checks a method's resamples and confidence level.
func (s *Spec) bootstrap(path string, resamples *int, conf *float64, defResamples int) error {
	if *resamples == 0 {
		*resamples = defResamples
	}
	if *resamples < 2 {
		return s.errAt(path+".bootstrap", "bootstrap must be >= 2 resamples, got %d", *resamples)
	}
	if *conf == 0 {
		*conf = 0.95
	}
	if !(*conf > 0 && *conf < 1) {
		return s.errAt(path+".confidence", "confidence must be in (0, 1), got %v", *conf)
	}
	return nil
}

func (s *Spec) validateOutput(i int, seen map[string]bool) error {
	o := &s.Outputs[i]
	path := fmt.Sprintf("$.outputs[%d]", i)
	if o.Name == "" || o.Variable == "" {
		return s.errAt(path, "output %d needs a name and a variable", i+1)
	}
	if seen[o.Name] {
		return s.errAt(path+".name", "duplicate output name %q", o.Name)
	}
	seen[o.Name] = true
	if o.Stat == "" {
		o.Stat = "value"
	}
	known := false
	for _, st := range statNames {
		known = known || st == o.Stat
	}
	if !known {
		return s.errAt(path+".stat", "output %s: unknown stat %q (%s)", o.Name, o.Stat, strings.Join(statNames, ", "))
	}
	for _, t := range []*float64{o.Time, o.From, o.To, o.Baseline} {
		if t != nil && !finite(*t) {
			return s.errAt(path, "output %s: times must be finite", o.Name)
		}
	}
	needTime := o.Stat == "value" || o.Stat == "change"
	if needTime && o.Time == nil {
		return s.errAt(path, "output %s: stat %s needs time", o.Name, o.Stat)
	}
	if !needTime && o.Time != nil {
		return s.errAt(path+".time", "output %s: stat %s takes from/to, not time", o.Name, o.Stat)
	}
	if o.Stat == "change" && o.From == nil {
		return s.errAt(path, "output %s: stat change needs from (the reference time)", o.Name)
	}
	if o.From != nil && o.To != nil && !(*o.To > *o.From) {
		return s.errAt(path, "output %s: from %v must be before to %v", o.Name, *o.From, *o.To)
	}
	if o.Stat == "recovery" {
		if o.Baseline == nil || o.From == nil {
			return s.errAt(path, "output %s: stat recovery needs baseline (the time whose value counts as baseline) and from (when recovery starts)", o.Name)
		}
		if o.Tolerance == nil {
			t := 0.05
			o.Tolerance = &t
		}
		if !(*o.Tolerance >= 0) || !finite(*o.Tolerance) {
			return s.errAt(path+".tolerance", "output %s: tolerance must be >= 0, got %v", o.Name, *o.Tolerance)
		}
	} else if o.Baseline != nil || o.Tolerance != nil {
		return s.errAt(path, "output %s: baseline and tolerance are for stat recovery", o.Name)
	}
	if o.Stat == "trajectory" {
		if o.Every == 0 {
			o.Every = s.Grid
		}
		if !(o.Every > 0) || !finite(o.Every) {
			return s.errAt(path+".every", "output %s: every must be > 0, got %v", o.Name, o.Every)
		}
		if s.VPop != nil {
			return s.errAt(path+".stat", "output %s: a virtual population matches scalar outputs; trajectory is for sensitivity analyses", o.Name)
		}
	} else if o.Every != 0 {
		return s.errAt(path+".every", "output %s: every is for stat trajectory", o.Name)
	}
	if s.VPop == nil && (o.Range != nil || o.Target != nil) {
		return s.errAt(path, "output %s: range and target are for virtual populations (a vpop: section)", o.Name)
	}
	return nil
}
