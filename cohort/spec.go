package cohort

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/holobiont/holobiont/internal/bom"
	"github.com/holobiont/holobiont/internal/chunks"
	"github.com/holobiont/holobiont/internal/yamlnode"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/observe"
	"github.com/holobiont/holobiont/ode"
)

// Spec is a parsed cohort spec file. See examples/cohort-tyson-carr.yaml.
type Spec struct {
	Name string `yaml:"name"`
	// N is the number of subjects.
	N    int    `yaml:"n"`
	Seed uint64 `yaml:"seed"`
	// Model is a model file path (relative to the spec) or "shipped:NAME";
	// empty means the shipped default model.
	Model string `yaml:"model"`
	// Scenario is a scenario path (relative to the spec) or "shipped:NAME";
	// empty means no interventions for Duration days.
	Scenario string  `yaml:"scenario"`
	Duration float64 `yaml:"duration"`
	// BurnIn days are simulated before the scenario starts so that each
	// subject reaches its own steady state (no output there).
	BurnIn float64 `yaml:"burn_in"`
	// Grid is the output spacing (days) used for endpoint statistics and
	// truth trajectories; default 1.
	Grid         float64          `yaml:"grid"`
	Parameters   map[string]*Dist `yaml:"parameters"`
	Covariates   map[string]*Dist `yaml:"covariates"`
	Correlations []Correlation    `yaml:"correlations"`
	Sampling     []Sampling       `yaml:"sampling"`
	Sequencing   Sequencing       `yaml:"sequencing"`
	Measurements []Measurement    `yaml:"measurements"`
	Endpoints    []Endpoint       `yaml:"endpoints"`
	Truth        Truth            `yaml:"truth"`
	Solver       Solver           `yaml:"solver"`
	// Chunk is the number of subjects per checkpoint chunk (default 64).
	Chunk int `yaml:"chunk"`

	File string `yaml:"-"`
	// Hash is the SHA-256 of the spec bytes (and, once resolved, of the
	// model and scenario contents); every shard records it.
	Hash string `yaml:"-"`

	data []byte
	astf *ast.File
}

// Correlation is a correlation between two parameters or covariates on the
// Gaussian-copula (normal-score) scale.
type Correlation struct {
	A string  `yaml:"a"`
	B string  `yaml:"b"`
	R float64 `yaml:"r"`
}

// Sampling lists the skin or gut sites swabbed at the given times.
type Sampling struct {
	Times []float64 `yaml:"times"`
	Sites []string  `yaml:"sites"`
}

// Sequencing settings.
type Sequencing struct {
	Depth struct {
		Dist  string  `yaml:"dist"` // lognormal (default), negbin, fixed
		Mean  float64 `yaml:"mean"`
		Sigma float64 `yaml:"sigma"`
		Size  float64 `yaml:"size"`
		Min   int     `yaml:"min"`
	} `yaml:"depth"`
	Noise     string  `yaml:"noise"` // multinomial, dirichlet-multinomial, negative-binomial
	Precision float64 `yaml:"precision"`
	A0        float64 `yaml:"a0"`
	A1        float64 `yaml:"a1"`
	QPCR      struct {
		Replicates int     `yaml:"replicates"`
		Sigma      float64 `yaml:"sigma"`
	} `yaml:"qpcr"`
	// LoadScale converts the model's relative population units into cells
	// per sample for qPCR (default 1e6).
	LoadScale float64 `yaml:"load_scale"`
}

// Measurement is a host measurement taken at the given times.
type Measurement struct {
	Name       string    `yaml:"name"`
	Instrument string    `yaml:"instrument"`
	Variable   string    `yaml:"variable"`
	Times      []float64 `yaml:"times"`
	Gain       *float64  `yaml:"gain"`
	Offset     *float64  `yaml:"offset"`
	NoiseSD    *float64  `yaml:"noise_sd"`
}

// Endpoint is a per-subject summary of a model quantity. Variable is a
// model variable (e.g. host.cortisol), rel(SITE.TAXON) or shannon(SITE).
// Stat is value (at Time), max, min, mean (over [From, To]),
// change (value at Time minus value at From), percent_change (that change
// as a percentage of the value at From: PercentChange) or detect (1 if
// the value at Time is above Threshold).
type Endpoint struct {
	Name      string  `yaml:"name"`
	Variable  string  `yaml:"variable"`
	Stat      string  `yaml:"stat"`
	Time      float64 `yaml:"time"`
	From      float64 `yaml:"from"`
	To        float64 `yaml:"to"`
	Threshold float64 `yaml:"threshold"`
}

// Truth selects ground-truth trajectories to write (long CSV).
type Truth struct {
	Variables []string `yaml:"variables"`
}

// Solver settings. Zero tolerances take the ode package's defaults
// (rtol 1e-6, atol 1e-9); Method is read by ode.ParseMethod: auto
// (default), dopri5, dop853, rodas4 or rosenbrock (see ode/doc.go).
type Solver struct {
	Method string  `yaml:"method"`
	RTol   float64 `yaml:"rtol"`
	ATol   float64 `yaml:"atol"`
}

// odeOptions returns the solver settings as ode options (zero tolerances
// stay zero: the ode package applies its defaults).
func (sv Solver) odeOptions() (ode.Options, error) {
	o := ode.Options{RTol: sv.RTol, ATol: sv.ATol}
	if sv.Method != "" {
		m, err := ode.ParseMethod(sv.Method)
		if err != nil {
			return o, err
		}
		o.Method = m
	}
	if !(o.RTol >= 0 && o.RTol < 1) || !(o.ATol >= 0) || math.IsInf(o.ATol, 0) {
		return o, fmt.Errorf("solver tolerances must be rtol in [0, 1) and atol >= 0 (0: default), got rtol %v, atol %v", sv.RTol, sv.ATol)
	}
	return o, nil
}

// SolverSettings are the solver settings a run used, as its manifest
// records them (defaults filled in).
type SolverSettings struct {
	Method     string
	RTol, ATol float64
}

func (sv Solver) settings() SolverSettings {
	o, _ := sv.odeOptions()
	s := SolverSettings{Method: o.Method.String(), RTol: o.RTol, ATol: o.ATol}
	if s.RTol == 0 {
		s.RTol = 1e-6 // ode.Options defaults
	}
	if s.ATol == 0 {
		s.ATol = 1e-9
	}
	return s
}

// Error is a spec problem located as file:line:col (Line 0 when the
// position is unknown). It is the same type as modelfile.Error: both
// packages report YAML problems through yamlnode.
type Error = yamlnode.Error

// LoadSpec reads and parses a spec file.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSpec(path, data)
}

// ParseSpec parses spec YAML: unknown fields, wrong types and invalid
// distributions are errors naming file:line:col. Checks that need the
// model (parameter and variable names) are done by Compile.
func ParseSpec(name string, data []byte) (*Spec, error) {
	data = bom.Trim(data)
	if err := yamlnode.CheckNesting(name, data); err != nil {
		return nil, err
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, err)
	}
	s := &Spec{}
	if err := decodeStrict(name, data, s); err != nil {
		return nil, err
	}
	// set after decoding: an empty document decodes to the zero Spec
	s.File, s.data, s.astf = name, data, f
	s.Hash = sha256sum(data)
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// decodeStrict decodes spec YAML into v, unknown fields being errors.
func decodeStrict(name string, data []byte, v any) error { return yamlnode.DecodeStrict(name, data, v) }

func yamlError(name string, err error) error {
	return yamlnode.SyntaxError(name, "", err)
}

// errAt returns an error located at the YAML path (e.g. "$.parameters.x");
// the deepest existing prefix of the path gives the position.
func (s *Spec) errAt(path string, format string, args ...any) error {
	return yamlnode.ErrAt(s.File, s.astf, path, format, args...)
}

// posAt returns the position of the YAML path in the spec: that of the
// deepest existing prefix of the path (Line 0 when none has one).
func (s *Spec) posAt(path string) model.Source {
	e := yamlnode.ErrAt(s.File, s.astf, path, "")
	return model.Source{File: e.File, Line: e.Line, Col: e.Col}
}

func quoteKey(k string) string {
	if strings.ContainsAny(k, ".[]'\" ") {
		return "'" + k + "'"
	}
	return k
}

// Names returns the sorted parameter names and covariate names.
func (s *Spec) Names() (params, covs []string) {
	for k := range s.Parameters {
		params = append(params, k)
	}
	for k := range s.Covariates {
		covs = append(covs, k)
	}
	sort.Strings(params)
	sort.Strings(covs)
	return params, covs
}

func (s *Spec) validate() error {
	if err := s.validateSettings(); err != nil {
		return err
	}
	params, covs := s.Names()
	if err := s.validateDists(params, covs); err != nil {
		return err
	}
	if err := s.validateCorrelations(); err != nil {
		return err
	}
	if err := s.validateSampling(); err != nil {
		return err
	}
	seen, err := s.validateOutputs()
	if err != nil {
		return err
	}
	return s.validateColumnNames(covs, seen)
}

// validateSettings checks the run settings and fills their defaults.
func (s *Spec) validateSettings() error {
	if s.N < 1 {
		return s.errAt("$.n", "n must be >= 1, got %d", s.N)
	}
	if s.N > chunks.MaxTasks {
		return s.errAt("$.n", "n = %d subjects is more than one run holds (at most %d); split the study into several cohorts with different seeds", s.N, chunks.MaxTasks)
	}
	if s.Chunk == 0 {
		s.Chunk = 64
	}
	if s.Chunk < 1 {
		return s.errAt("$.chunk", "chunk must be >= 1")
	}
	if s.Grid == 0 {
		s.Grid = 1
	}
	if !(s.Grid > 0) {
		return s.errAt("$.grid", "grid must be > 0")
	}
	if s.BurnIn < 0 || math.IsNaN(s.BurnIn) {
		return s.errAt("$.burn_in", "burn_in must be >= 0")
	}
	if s.Scenario == "" && !(s.Duration > 0) {
		return s.errAt("$.duration", "give a scenario or a duration > 0")
	}
	return nil
}

// validateDists checks every parameter and covariate distribution.
func (s *Spec) validateDists(params, covs []string) error {
	for _, k := range params {
		if s.Parameters[k] == nil {
			return s.errAt("$.parameters."+quoteKey(k), "parameter %s: missing distribution", k)
		}
		if err := s.Parameters[k].check(true); err != nil {
			return s.errAt("$.parameters."+quoteKey(k), "parameter %s: %v", k, err)
		}
	}
	for _, k := range covs {
		if s.Covariates[k] == nil {
			return s.errAt("$.covariates."+quoteKey(k), "covariate %s: missing distribution", k)
		}
		if _, dup := s.Parameters[k]; dup {
			return s.errAt("$.covariates."+quoteKey(k), "covariate %s: also a parameter", k)
		}
		if err := s.Covariates[k].check(false); err != nil {
			return s.errAt("$.covariates."+quoteKey(k), "covariate %s: %v", k, err)
		}
	}
	return nil
}

func (s *Spec) validateCorrelations() error {
	for i, c := range s.Correlations {
		p := fmt.Sprintf("$.correlations[%d]", i)
		for _, n := range []string{c.A, c.B} {
			if s.Parameters[n] == nil && s.Covariates[n] == nil {
				return s.errAt(p, "correlation names %q, which is not a parameter or covariate of this spec", n)
			}
		}
		if c.A == c.B {
			return s.errAt(p, "correlation of %s with itself", c.A)
		}
		if !(c.R > -1 && c.R < 1) {
			return s.errAt(p, "correlation r must be in (-1, 1), got %v", c.R)
		}
	}
	return nil
}

// validateSampling checks sampling, sequencing (filling its defaults) and
// the solver.
func (s *Spec) validateSampling() error {
	for i, sm := range s.Sampling {
		p := fmt.Sprintf("$.sampling[%d]", i)
		if len(sm.Times) == 0 || len(sm.Sites) == 0 {
			return s.errAt(p, "sampling needs times and sites")
		}
	}
	d := s.Sequencing.Depth
	if d.Mean == 0 {
		s.Sequencing.Depth.Mean = 20000
	}
	if s.Sequencing.QPCR.Replicates == 0 {
		s.Sequencing.QPCR.Replicates = 3
	}
	if s.Sequencing.LoadScale == 0 {
		s.Sequencing.LoadScale = 1e6
	}
	if _, err := s.Solver.odeOptions(); err != nil {
		return s.errAt("$.solver", "%v", err)
	}
	if _, _, _, err := s.observers(); err != nil {
		return s.errAt(fieldOf(err, "$.sequencing"), "%v", err)
	}
	return nil
}

// validateOutputs checks measurements and endpoints and returns their names.
func (s *Spec) validateOutputs() (map[string]bool, error) {
	seen := map[string]bool{}
	for i, m := range s.Measurements {
		p := fmt.Sprintf("$.measurements[%d]", i)
		if m.Name == "" {
			return nil, s.errAt(p, "measurement needs a name")
		}
		if seen[m.Name] {
			return nil, s.errAt(p, "duplicate measurement/endpoint name %q", m.Name)
		}
		seen[m.Name] = true
		if _, err := s.instrument(m); err != nil {
			return nil, s.errAt(p, "measurement %s: %v", m.Name, err)
		}
		if len(m.Times) == 0 {
			return nil, s.errAt(p, "measurement %s: needs times", m.Name)
		}
	}
	for i, e := range s.Endpoints {
		p := fmt.Sprintf("$.endpoints[%d]", i)
		if e.Name == "" || e.Variable == "" {
			return nil, s.errAt(p, "endpoint needs name and variable")
		}
		if seen[e.Name] {
			return nil, s.errAt(p, "duplicate measurement/endpoint name %q", e.Name)
		}
		seen[e.Name] = true
		switch e.Stat {
		case "value", "change", "percent_change", "detect":
		case "", "max", "min", "mean":
			if e.Stat == "" {
				s.Endpoints[i].Stat = "value"
			} else if !(e.To > e.From) {
				return nil, s.errAt(p, "endpoint %s: %s needs from < to", e.Name, e.Stat)
			}
		default:
			return nil, s.errAt(p, "endpoint %s: unknown stat %q (value, change, percent_change, max, min, mean, detect)", e.Name, e.Stat)
		}
	}
	return seen, nil
}

// validateColumnNames: covariates, measurements and endpoints become output
// columns next to fixed ones, so their names must not clash.
func (s *Spec) validateColumnNames(covs []string, seen map[string]bool) error {
	for _, k := range covs {
		if reservedColumn(k) || seen[k] {
			return s.errAt("$.covariates."+quoteKey(k), "covariate %s: the name is taken by an output column or a measurement/endpoint; rename it", k)
		}
	}
	for i, m := range s.Measurements {
		if reservedColumn(m.Name) {
			return s.errAt(fmt.Sprintf("$.measurements[%d]", i), "measurement %s: the name is taken by an output column; rename it", m.Name)
		}
	}
	for i, e := range s.Endpoints {
		if reservedColumn(e.Name) {
			return s.errAt(fmt.Sprintf("$.endpoints[%d]", i), "endpoint %s: the name is taken by an output column; rename it", e.Name)
		}
	}
	return nil
}

// reservedColumn reports whether name is a fixed column of an output table
// (subjects, samples, measurements, truth, sample metadata).
func reservedColumn(name string) bool {
	switch name {
	case "subject", "index", "arm", "status", "sample-id", "body-site", "time", "depth", "reads", "load_true",
		"measurement", "instrument", "value", "latent", "taxon", "relative", "variable", "qpcr_mean":
		return true
	}
	return strings.HasPrefix(name, "qpcr_") || strings.HasPrefix(name, "param.")
}

// observers builds the observation models of the spec.
func (s *Spec) observers() (observe.Depth, observe.Counts, observe.QPCR, error) {
	sq := s.Sequencing
	d := observe.Depth{Mean: sq.Depth.Mean, Sigma: sq.Depth.Sigma, Size: sq.Depth.Size, Min: sq.Depth.Min}
	switch sq.Depth.Dist {
	case "", "lognormal":
		d.Kind = observe.DepthLogNormal
	case "negbin", "negative-binomial":
		d.Kind = observe.DepthNegBinomial
	case "fixed":
		d.Kind = observe.DepthFixed
	default:
		return d, observe.Counts{}, observe.QPCR{}, &fieldError{"$.sequencing.depth.dist", fmt.Errorf("unknown depth dist %q (lognormal, negbin, fixed)", sq.Depth.Dist)}
	}
	if err := d.Validate(); err != nil {
		return d, observe.Counts{}, observe.QPCR{}, &fieldError{"$.sequencing.depth", err}
	}
	nz, err := observe.ParseNoise(sq.Noise)
	if err != nil {
		return d, observe.Counts{}, observe.QPCR{}, &fieldError{"$.sequencing.noise", err}
	}
	c := observe.Counts{Noise: nz, Precision: sq.Precision, A0: sq.A0, A1: sq.A1}
	if err := c.Validate(); err != nil {
		return d, c, observe.QPCR{}, err
	}
	q := observe.QPCR{Replicates: sq.QPCR.Replicates, Sigma: sq.QPCR.Sigma}
	if err := q.Validate(); err != nil {
		return d, c, q, &fieldError{"$.sequencing.qpcr", err}
	}
	if !(sq.LoadScale > 0) {
		return d, c, q, &fieldError{"$.sequencing.load_scale", fmt.Errorf("load_scale must be > 0")}
	}
	return d, c, q, nil
}

// fieldError is an error about one field of the spec, at its YAML path.
type fieldError struct {
	path string
	err  error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// fieldOf returns the YAML path of the field err is about, or def.
func fieldOf(err error, def string) string {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fe.path
	}
	return def
}

func (s *Spec) instrument(m Measurement) (observe.Instrument, error) {
	in, ok := observe.Instruments()[m.Instrument]
	if !ok {
		if m.Instrument != "" {
			return in, fmt.Errorf("unknown instrument %q (known: %s)", m.Instrument, strings.Join(observe.InstrumentNames(), ", "))
		}
		in = observe.Instrument{Name: m.Name, Gain: 1, Min: math.Inf(-1), Max: math.Inf(1)}
	}
	if m.Variable != "" {
		in.Variable = m.Variable
	}
	if in.Variable == "" {
		return in, fmt.Errorf("needs a variable")
	}
	if m.Gain != nil {
		in.Gain = *m.Gain
	}
	if m.Offset != nil {
		in.Offset = *m.Offset
	}
	if m.NoiseSD != nil {
		in.NoiseSD = *m.NoiseSD
	}
	return in, in.Validate()
}

func sha256sum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// twoPointValue is a two-point stat of the values at From (v0) and at Time
// (v1).
func twoPointValue(stat string, v0, v1 float64) float64 {
	if stat == "percent_change" {
		return PercentChange(v0, v1)
	}
	return v1 - v0
}

// PercentChange is (v1 − v0) / v0 · 100, the change from a baseline v0 as a
// percentage of it (−75 is a PASI75 or EASI-75 response). It is NaN when
// v0 is not positive, where no percentage is defined (a score of 0 at
// baseline): such a subject drops out of the analyses of the endpoint, as
// one without a baseline would in a trial.
func PercentChange(v0, v1 float64) float64 {
	if !(v0 > 0) {
		return math.NaN()
	}
	return (v1 - v0) / v0 * 100 // exactly -100 at v1 = 0 (100 (v1 - v0) / v0 gives -99.99999999999999 at v0 = 0.0411)
}
