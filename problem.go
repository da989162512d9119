package holobiont

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/scenario"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// Version is holobiont's version, recorded in every output unless
// Options.Version says otherwise (the command-line tool sets it at build
// time).
const Version = "0.1.0-dev"

// Source is the text a model or scenario was read from: its name (a path,
// "shipped:NAME" for a shipped file, or a description) and its bytes.
type Source struct {
	Name string
	Data []byte
}

// SHA256 returns the hex SHA-256 of the source's bytes ("" when there are
// none, as for a model built in memory).
func (s Source) SHA256() string {
	if s.Data == nil {
		return ""
	}
	h := sha256.Sum256(s.Data)
	return hex.EncodeToString(h[:])
}

// Setting is one parameter value set before a run.
type Setting struct {
	Name  string
	Value float64
}

// Problem is a model compiled with a scenario and parameter overrides,
// ready to run. A Problem is read-only after Load or New and safe for
// concurrent use: Run works on a copy of the compiled system.
type Problem struct {
	// Model is the model IR (do not modify it after Load or New).
	Model *model.Model
	// ModelSource and ScenarioSource are what the model and scenario were
	// read from; their SHA-256 go into the run record and the run id.
	ModelSource, ScenarioSource Source

	scenario *scenario.Scenario
	schedule *sim.Schedule
	sets     []Setting          // overrides (Set options), in order
	applied  map[string]float64 // scenario settings then overrides
	sys      *system.System     // compiled, settings applied; never run itself
	layout   *Layout            // the model's shipped report layout, or nil
	family   *Layout            // the default model's layout (endpoints of its family)
}

// Option configures Load and New.
type Option func(*config) error

type config struct {
	typed       *scenario.Scenario
	scenario    *Source
	scenarioRef string // a name to look up (file or shipped)
	sets        []Setting
	modelSource *Source
}

// Scenario names the scenario: a file, or a shipped scenario
// ("gut-skin-brain.yaml" or "scenarios/gut-skin-brain.yaml"). Without it a
// shipped model runs its shipped scenario and another model runs 365 days
// without interventions.
func Scenario(name string) Option {
	return func(c *config) error {
		c.scenarioRef, c.scenario, c.typed = name, nil, nil
		return nil
	}
}

// WithScenario gives the scenario as a value (typed interventions built in
// Go, a scenario decoded elsewhere); sc must not be modified afterwards.
// Its source (for the record and the run id) is its canonical JSON
// encoding.
func WithScenario(sc *scenario.Scenario) Option {
	return func(c *config) error {
		if sc == nil {
			return errors.New("holobiont.WithScenario: nil scenario")
		}
		c.typed, c.scenario, c.scenarioRef = sc, nil, ""
		return nil
	}
}

// ScenarioData gives the scenario as YAML text; name is used in error
// messages and recorded as its source.
func ScenarioData(name string, data []byte) Option {
	return func(c *config) error {
		c.scenario, c.scenarioRef, c.typed = &Source{Name: name, Data: data}, "", nil
		return nil
	}
}

// Set overrides a parameter's value after the scenario's own settings.
// Later settings of the same parameter win.
func Set(name string, value float64) Option {
	return func(c *config) error {
		c.sets = append(c.sets, Setting{name, value})
		return nil
	}
}

// ModelSource records what an in-memory model passed to New was made from
// (for example the SBML file's name and bytes): its SHA-256 goes into the
// run record and the run id. Load ignores it.
func ModelSource(name string, data []byte) Option {
	return func(c *config) error {
		c.modelSource = &Source{Name: name, Data: data}
		return nil
	}
}

// DefaultModel is the model Load uses for the name "".
const DefaultModel = models.DefaultModel

// Load reads a YAML model (a file, or the name of a shipped model; "" is
// the default model) and builds a Problem with opts. ctx is checked
// between the steps (reading, parsing, the scenario, compiling), so a
// cancelled load stops after the step under way.
func Load(ctx context.Context, name string, opts ...Option) (*Problem, error) {
	if name == "" {
		name = DefaultModel
	}
	src, err := ReadModel(name)
	if err != nil {
		return nil, err
	}
	return LoadData(ctx, src.Name, src.Data, opts...)
}

// LoadData builds a Problem from YAML model text; name is used in error
// messages and recorded as the model's source.
func LoadData(ctx context.Context, name string, data []byte, opts ...Option) (*Problem, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m, err := ParseModel(name, data)
	if err != nil {
		return nil, err
	}
	return build(ctx, m, Source{Name: name, Data: data}, opts)
}

// New builds a Problem from an in-memory model (an SBML import, a fitted
// model, a model built in Go). m must not be modified afterwards. Give
// ModelSource to record where it came from.
func New(ctx context.Context, m *model.Model, opts ...Option) (*Problem, error) {
	if m == nil {
		return nil, errors.New("holobiont.New: nil model")
	}
	return build(ctx, m, Source{Name: "(in memory: model " + m.ID + ")"}, opts)
}

func build(ctx context.Context, m *model.Model, msrc Source, opts []Option) (*Problem, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var c config
	for _, o := range opts {
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if c.modelSource != nil && msrc.Data == nil {
		msrc = *c.modelSource
	}
	p := &Problem{Model: m, ModelSource: msrc, sets: c.sets, applied: map[string]float64{}}
	switch {
	case c.typed != nil:
		data, err := scenario.Canonical(c.typed)
		if err != nil {
			return nil, err
		}
		p.ScenarioSource = Source{Name: "(in memory: scenario " + c.typed.Name + ")", Data: data}
	case c.scenario != nil:
		p.ScenarioSource = *c.scenario
	case c.scenarioRef != "":
		s, err := ReadScenario(c.scenarioRef)
		if err != nil {
			return nil, err
		}
		p.ScenarioSource = s
	case shippedScenario(msrc.Name) != "":
		name := shippedScenario(msrc.Name)
		d, _ := models.Read(name)
		p.ScenarioSource = Source{Name: "shipped:" + name, Data: d}
	default:
		p.ScenarioSource = Source{Name: "(no scenario: 365 days, no interventions)", Data: []byte("duration: 365\n")}
	}
	var err error
	if p.scenario = c.typed; p.scenario == nil {
		if err := kindError(p.ScenarioSource.Name, p.ScenarioSource.Data, KindScenario); err != nil {
			return nil, err
		}
		if p.scenario, err = modelfile.DecodeScenario(p.ScenarioSource.Name, p.ScenarioSource.Data); err != nil {
			return nil, err
		}
	}
	if p.schedule, err = p.scenario.Lower(m); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if p.sys, err = system.Compile(m); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if p.layout, err = ShippedLayout(m.ID); err != nil {
		return nil, err
	}
	if p.family, err = ShippedLayout(defaultLayoutModel); err != nil {
		return nil, err
	}
	for _, s := range p.scenario.Set {
		if err := p.sys.SetParameter(s.Param, s.Value); err != nil {
			return nil, fmt.Errorf("%s: set %s: %w", s.Src, s.Param, err)
		}
		p.applied[s.Param] = s.Value
	}
	for _, s := range c.sets {
		if err := p.sys.SetParameter(s.Name, s.Value); err != nil {
			return nil, &SetError{Name: s.Name, Err: err}
		}
		p.applied[s.Name] = s.Value
	}
	return p, nil
}

// SetError reports a parameter override (Set) the model refuses.
type SetError struct {
	Name string
	Err  error
}

func (e *SetError) Error() string { return "set " + e.Name + ": " + e.Err.Error() }
func (e *SetError) Unwrap() error { return e.Err }

// Start and End return the scenario's time span.
func (p *Problem) Start() float64 { return p.scenario.Start }

// End returns the end of the scenario's time span.
func (p *Problem) End() float64 { return p.scenario.End }

// ScenarioName returns the scenario's name ("" when it has none).
func (p *Problem) ScenarioName() string { return p.scenario.Name }

// Scenario returns the scenario (do not modify it).
func (p *Problem) Scenario() *scenario.Scenario { return p.scenario }

// Schedule returns the scenario lowered for the model: the input signals
// and boluses sim.Run follows (do not modify it).
func (p *Problem) Schedule() *sim.Schedule { return p.schedule }

// Layout returns the model's report layout (models/reports), or nil when
// it has none.
func (p *Problem) Layout() *Layout { return p.layout }

// Overrides returns the Set options in the order given.
func (p *Problem) Overrides() []Setting { return append([]Setting(nil), p.sets...) }

// With returns a copy of p whose parameters take the values sets, after
// p's own (as Set options given last would): an ensemble member or a
// design point that must be run by code taking a Problem. Each copy owns
// its compiled system (a clone; nothing is recompiled).
func (p *Problem) With(sets ...Setting) (*Problem, error) {
	q := *p
	q.sys = p.sys.Clone()
	q.sets = append(append([]Setting(nil), p.sets...), sets...)
	q.applied = p.Applied()
	for _, s := range sets {
		if err := q.sys.SetParameter(s.Name, s.Value); err != nil {
			return nil, &SetError{Name: s.Name, Err: err}
		}
		q.applied[s.Name] = s.Value
	}
	return &q, nil
}

// Applied returns every parameter value set before a run: the scenario's
// settings, then the overrides.
func (p *Problem) Applied() map[string]float64 {
	out := make(map[string]float64, len(p.applied))
	for k, v := range p.applied {
		out[k] = v
	}
	return out
}

// Interventions lists the scenario's intervention windows in scenario
// order: type, name, start and end (a bolus has start = end).
func (p *Problem) Interventions() []InterventionInfo {
	var out []InterventionInfo
	for _, iv := range p.scenario.Interventions {
		for _, w := range iv.Windows() {
			out = append(out, InterventionInfo{Type: iv.Kind(), Name: scenario.Label(iv), Start: w.Start, End: w.End})
		}
	}
	return out
}

// Parameter returns a parameter's value before a run (the model's value,
// or the scenario's or an override's), and whether the model has it.
func (p *Problem) Parameter(id string) (float64, bool) { return p.sys.Parameter(id) }

// ParameterNames returns the ids of the parameters Set and a Runner
// accept, sorted.
func (p *Problem) ParameterNames() []string { return p.sys.ParameterNames() }

// VariableNames returns the names of the trajectory's columns: the
// states, assignment-rule variables and observables.
func (p *Problem) VariableNames() []string { return p.sys.VariableNames() }

// ReadModel reads a model file, or, when no such file exists, the shipped
// model of that name ("gut-skin-brain.yaml", "models/gut-skin-brain.yaml").
func ReadModel(name string) (Source, error) {
	return readSource(name, []string{name, strings.TrimPrefix(name, "models/"), filepath.Base(name)})
}

// ReadScenario reads a scenario file, or, when no such file exists, the
// shipped scenario of that name ("gut-skin-brain.yaml",
// "scenarios/gut-skin-brain.yaml").
func ReadScenario(name string) (Source, error) {
	base := filepath.Base(name)
	return readSource(name, []string{"scenarios/" + base, name, strings.TrimPrefix(name, "models/"), base})
}

func readSource(path string, shipped []string) (Source, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		return Source{Name: path, Data: data}, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return Source{}, err
	}
	for _, cand := range shipped {
		if d, e := models.Read(cand); e == nil {
			return Source{Name: "shipped:" + cand, Data: d}, nil
		}
	}
	return Source{}, fmt.Errorf("%s: no such file (and no shipped model or scenario of that name)", path)
}

// shippedScenario returns the shipped scenario for a shipped model (or a
// file with a shipped model's name), or "".
func shippedScenario(modelName string) string {
	base := filepath.Base(strings.TrimPrefix(modelName, "shipped:"))
	name := "scenarios/" + base
	if _, err := models.Read(name); err == nil {
		if _, err := models.Read(base); err == nil {
			return name
		}
	}
	return ""
}
