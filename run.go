package holobiont

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// Format is a trajectory file format.
type Format string

// Trajectory formats: long CSV (time,variable,value) and Parquet with the
// same three columns.
const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

// ParseFormat reads "csv" or "parquet".
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case CSV, Parquet:
		return Format(s), nil
	}
	return "", fmt.Errorf("want csv or parquet, got %q", s)
}

// Options configure a run. The zero value is the default: automatic solver
// choice, rtol 1e-6, atol 1e-9, seed 1, CSV.
type Options struct {
	Method     ode.Method // ode.Auto by default; read names with ode.ParseMethod
	RTol, ATol float64    // 0: 1e-6 and 1e-9
	// Seed is recorded (the deterministic models draw no random numbers);
	// 0 means 1.
	Seed uint64
	// Format is the trajectory format the caller will write; it is part of
	// the run's identity (the run id) and defaults to CSV.
	Format Format
	// Version is the program version recorded in the run record and
	// hashed into the run id; "" means Version.
	Version string
	// Progress, if set, is called with the simulated time as the run
	// advances.
	Progress func(t float64)
	// Variables, if set, are the trajectory's columns: any species,
	// compartment, parameter, species reference, reaction, input,
	// assignment-rule variable or observable id, computed from the state
	// at each output time. nil means Problem.VariableNames().
	Variables []string
	// BurnIn, if positive, simulates this many days before the scenario's
	// start, without its interventions, from the model's initial state:
	// a run whose parameter values differ from the model's (an ensemble
	// member) then starts near its own steady state rather than the
	// model's. The trajectory and endpoints start at the scenario's start
	// as without it.
	BurnIn float64
}

func (o Options) withDefaults() Options {
	if o.RTol == 0 {
		o.RTol = 1e-6
	}
	if o.ATol == 0 {
		o.ATol = 1e-9
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Format == "" {
		o.Format = CSV
	}
	if o.Version == "" {
		o.Version = Version
	}
	return o
}

func (o Options) check() error {
	if !(o.RTol > 0 && o.RTol < 1) || !(o.ATol > 0) || math.IsInf(o.ATol, 0) {
		return fmt.Errorf("rtol must be in (0, 1) and atol > 0 (got rtol %g, atol %g)", o.RTol, o.ATol)
	}
	if !(o.BurnIn >= 0) || math.IsInf(o.BurnIn, 0) {
		return fmt.Errorf("burn-in must be a finite number of days >= 0 (got %g)", o.BurnIn)
	}
	if _, err := ParseFormat(string(o.Format)); err != nil {
		return fmt.Errorf("format: %w", err)
	}
	if _, err := ode.ParseMethod(o.Method.String()); err != nil {
		return err
	}
	return nil
}

// RunID returns the run's identity: the first 12 hex digits of a SHA-256
// over the holobiont version, the model and scenario bytes, the overrides,
// the trajectory format, the solver (its canonical name), tolerances and
// seed. The same inputs give the same id.
func (p *Problem) RunID(opt Options) string { return p.runID(opt.withDefaults(), nil) }

// runID is RunID with extra settings (a Runner's values) after the
// overrides.
func (p *Problem) runID(o Options, extra []Setting) string {
	h := sha256.New()
	fmt.Fprintf(h, "holobiont %s\nmodel %s\nscenario %s\n", o.Version, p.ModelSource.SHA256(), p.ScenarioSource.SHA256())
	sorted := append(append([]Setting(nil), p.sets...), extra...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for _, s := range sorted {
		fmt.Fprintf(h, "set %s=%s\n", s.Name, strconv.FormatFloat(s.Value, 'g', -1, 64))
	}
	fmt.Fprintf(h, "format %s\nsolver %s rtol %g atol %g seed %d\n", o.Format, o.Method, o.RTol, o.ATol, o.Seed)
	if o.BurnIn > 0 {
		fmt.Fprintf(h, "burn-in %g\n", o.BurnIn)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Result is what a run produced: the trajectory and the run record.
type Result struct {
	Trajectory *sim.Trajectory
	Record     *Record
}

// Times returns the output times (shared with the trajectory: do not
// modify).
func (r *Result) Times() []float64 { return r.Trajectory.Times }

// Series returns a fresh copy of the named variable's values at Times(),
// or nil when the trajectory has no such variable.
func (r *Result) Series(name string) []float64 { return column(r.Trajectory, name) }

// column returns a copy of column name of tr, or nil.
func column(tr *sim.Trajectory, name string) []float64 {
	for j, n := range tr.Names {
		if n == name {
			if tr.Values == nil {
				return nil
			}
			out := make([]float64, len(tr.Times))
			for k := range tr.Times {
				out[k] = tr.Values[k][j]
			}
			return out
		}
	}
	return nil
}

// Run simulates the problem. When the integration fails part-way it
// returns the partial Result (Record.Complete false, Record.Failure set)
// together with the *sim.Error; other errors return a nil Result.
func (p *Problem) Run(ctx context.Context, opt Options) (*Result, error) {
	o := opt.withDefaults()
	if err := o.check(); err != nil {
		return nil, err
	}
	tr, err := runSim(ctx, p.sys.Clone(), p.schedule, p.simOptions(o), o.Variables)
	return p.result(tr, err, o, nil)
}

// runSim runs sys; with vars set, the trajectory's columns are vars,
// computed from the state at each output time (sim.Run records no rows of
// its own then).
func runSim(ctx context.Context, sys *system.System, sched *sim.Schedule, so sim.Options, vars []string) (*sim.Trajectory, error) {
	if vars == nil {
		return sim.Run(ctx, sys, sched, so)
	}
	sel, err := sys.Select(vars, nil)
	if err != nil {
		return nil, err
	}
	w := len(vars)
	flat := make([]float64, len(so.OutputTimes)*w) // rows live in one slice
	rows := make([][]float64, 0, len(so.OutputTimes))
	so.NoRows = true
	so.StateHook = func(t float64, y []float64) {
		if len(flat) < w {
			flat = make([]float64, w*64)
		}
		row := flat[:w:w]
		flat = flat[w:]
		sys.ValuesAt(t, y, sel, row)
		rows = append(rows, row)
	}
	tr, err := sim.Run(ctx, sys, sched, so)
	if tr != nil {
		tr.Names, tr.Values = append([]string(nil), vars...), rows
		if len(rows) < len(tr.Times) {
			tr.Times = tr.Times[:len(rows)]
		}
	}
	return tr, err
}

func (p *Problem) simOptions(o Options) sim.Options {
	so := sim.Options{Start: p.scenario.Start, End: p.scenario.End, OutputTimes: p.scenario.OutputTimes,
		ODE: ode.Options{Method: o.Method, RTol: o.RTol, ATol: o.ATol}, Progress: o.Progress}
	if o.BurnIn > 0 {
		so.Start -= o.BurnIn
		if so.OutputTimes == nil { // sim's default grid, from the scenario's start
			for t := p.scenario.Start; t < p.scenario.End; t++ {
				so.OutputTimes = append(so.OutputTimes, t)
			}
			so.OutputTimes = append(so.OutputTimes, p.scenario.End)
		}
	}
	return so
}

// result wraps a trajectory and run error into a Result with its record.
func (p *Problem) result(tr *sim.Trajectory, err error, o Options, extra []Setting) (*Result, error) {
	if err != nil {
		err = fmt.Errorf("model %s, scenario %s: %w", p.ModelSource.Name, p.ScenarioSource.Name, err)
		var se *sim.Error
		if tr == nil || !errors.As(err, &se) {
			return nil, err
		}
		rec := p.record(tr, o, extra)
		rec.Complete = false
		rec.Failure = &Failure{Error: err.Error(), T: se.T, Variable: se.Variable}
		if se.Variable == "" {
			rec.Failure.FastestChanging = fastestChanging(p.Model, tr, o.ATol)
		}
		return &Result{Trajectory: tr, Record: rec}, err
	}
	return &Result{Trajectory: tr, Record: p.record(tr, o, extra)}, nil
}
