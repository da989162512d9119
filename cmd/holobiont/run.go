package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

type runOptions struct {
	scenario string
	out      string
	sets     []string
	format   string
	rtol     float64
	atol     float64
	solver   string
	seed     uint64
	progress string // auto|always|never
}

func newRunCmd() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run [MODEL.yaml]",
		Short: "Simulate a model under a scenario and write a report, trajectory and summary",
		Long: `Run simulates one subject: it reads a YAML model (default: the shipped gut-skin-brain
model) and a scenario (default: the shipped 180-day scenario with exam stress, an oral
antibiotic course and a probiotic course), integrates the model, and writes to
<out>/<run-id>/:

  report.html      self-contained report (composition, diversity, cortisol, permeability,
                   inflammation, barrier, eczema severity, wellbeing; interventions shaded)
  trajectory.csv   long format time,variable,value (or trajectory.parquet with --format parquet)
  summary.json     model and scenario SHA-256, version, solver settings, seed, end state,
                   key endpoints

The run id is derived from the inputs (model, scenario, settings), so the same inputs give
the same directory and the same bytes. Nothing is written when an input is invalid. When
the integration itself fails part-way (a non-finite state, step-size underflow), the rows
computed so far are kept in trajectory.partial.csv (or trajectory.partial.parquet) and
summary.json records "complete": false with the error, the simulated time and the
variable (or, when the solver names none, the fastest-changing state before the failure);
no report.html is written, and the command exits with a non-zero status.

MODEL and --scenario may name a file or a shipped model/scenario (see 'holobiont model
list'). Without --scenario, a shipped model runs its shipped scenario (models/scenarios/
<model>.yaml); another model runs 365 days without interventions.`,
		Example: `  holobiont run
  holobiont run models/gut-skin-brain.yaml --scenario models/scenarios/gut-skin-brain.yaml --out results
  holobiont run --set sigma_S=0 --set niche_open=1 --format parquet
  holobiont run models/hpa-karin2020.yaml --solver rosenbrock --rtol 1e-8`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			modelArg := ""
			if len(args) == 1 {
				modelArg = args[0]
			}
			_, err := runMain(cmd.Context(), modelArg, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.scenario, "scenario", "", "scenario YAML file (default: the model's shipped scenario)")
	f.StringVar(&o.out, "out", "holobiont-out", "output directory; the run writes to OUT/<run-id>/")
	f.StringArrayVar(&o.sets, "set", nil, "override a parameter: name=value (repeatable)")
	f.StringVar(&o.format, "format", "csv", "trajectory format: csv or parquet")
	f.Float64Var(&o.rtol, "rtol", 1e-6, "relative tolerance")
	f.Float64Var(&o.atol, "atol", 1e-9, "absolute tolerance")
	f.StringVar(&o.solver, "solver", "auto", "ODE solver: auto, dopri5, dop853 or rosenbrock")
	f.Uint64Var(&o.seed, "seed", 1, "run seed (recorded; the deterministic model does not draw random numbers)")
	f.StringVar(&o.progress, "progress", "auto", "progress bar: auto (only when stderr is a terminal), always or never")
	return cmd
}

// input is a model or scenario file read from disk or from the shipped set.
type input struct {
	name string // path or "shipped:<name>"
	data []byte
}

func (in input) sha() string {
	h := sha256.Sum256(in.data)
	return hex.EncodeToString(h[:])
}

// readInput reads path from disk, or, when no such file exists, the shipped
// file of that name.
func readInput(path string) (input, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		return input{name: path, data: data}, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return input{}, err
	}
	for _, cand := range []string{path, strings.TrimPrefix(path, "models/"), filepath.Base(path)} {
		if d, e := models.Read(cand); e == nil {
			return input{name: "shipped:" + cand, data: d}, nil
		}
	}
	return input{}, fmt.Errorf("%s: no such file (and no shipped model or scenario of that name)", path)
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

// runResult is what a run produced, for tests.
type runResult struct {
	Dir     string
	Summary *runSummary
}

func parseSolver(s string) (ode.Method, error) {
	switch s {
	case "auto":
		return ode.Auto, nil
	case "dopri5":
		return ode.DOPRI5, nil
	case "dop853":
		return ode.DOP853, nil
	case "rosenbrock", "rodas4":
		return ode.Rodas4, nil
	}
	return 0, fmt.Errorf("--solver: want auto, dopri5, dop853 or rosenbrock, got %q", s)
}

type setting struct {
	name  string
	value float64
}

func parseSets(sets []string) ([]setting, error) {
	var out []setting
	for _, s := range sets {
		name, val, ok := strings.Cut(s, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("--set %q: want name=value", s)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("--set %s: %q is not a finite number", name, val)
		}
		out = append(out, setting{name, v})
	}
	return out, nil
}

func runMain(ctx context.Context, modelArg string, o runOptions, stdout, stderr io.Writer) (*runResult, error) {
	if o.format != "csv" && o.format != "parquet" {
		return nil, fmt.Errorf("--format: want csv or parquet, got %q", o.format)
	}
	method, err := parseSolver(o.solver)
	if err != nil {
		return nil, err
	}
	if !(o.rtol > 0 && o.rtol < 1) || !(o.atol > 0) {
		return nil, fmt.Errorf("--rtol must be in (0, 1) and --atol > 0")
	}
	sets, err := parseSets(o.sets)
	if err != nil {
		return nil, err
	}
	// Model.
	if modelArg == "" {
		modelArg = models.DefaultModel
	}
	min, err := readInput(modelArg)
	if err != nil {
		return nil, err
	}
	m, err := modelfile.ParseModel(min.name, min.data)
	if err != nil {
		return nil, err
	}
	// Scenario.
	var sin input
	var sc *modelfile.Scenario
	switch {
	case o.scenario != "":
		if sin, err = readInput(o.scenario); err != nil {
			return nil, err
		}
	case shippedScenario(min.name) != "":
		name := shippedScenario(min.name)
		d, _ := models.Read(name)
		sin = input{name: "shipped:" + name, data: d}
	default:
		sin = input{name: "(no scenario: 365 days, no interventions)", data: []byte("duration: 365\n")}
	}
	if sc, err = modelfile.ParseScenario(sin.name, sin.data, m); err != nil {
		return nil, err
	}
	sched, err := sc.Schedule(m)
	if err != nil {
		return nil, err
	}
	sys, err := system.Compile(m)
	if err != nil {
		return nil, err
	}
	applied := map[string]float64{}
	for _, s := range sc.Set {
		if err := sys.SetParameter(s.Param, s.Value); err != nil {
			return nil, fmt.Errorf("%s: set %s: %w", s.Src, s.Param, err)
		}
		applied[s.Param] = s.Value
	}
	for _, s := range sets {
		if err := sys.SetParameter(s.name, s.value); err != nil {
			return nil, fmt.Errorf("--set %s: %w", s.name, err)
		}
		applied[s.name] = s.value
	}
	runID := makeRunID(min, sin, sets, o)
	opt := sim.Options{Start: sc.Start, End: sc.End, OutputTimes: sc.OutputTimes,
		ODE: ode.Options{Method: method, RTol: o.rtol, ATol: o.atol}}
	var bar *mpb.Bar
	var prog *mpb.Progress
	if o.progress == "always" || (o.progress == "auto" && isTerminal(stderr)) {
		prog = mpb.NewWithContext(ctx, mpb.WithOutput(stderr), mpb.WithWidth(40), mpb.WithAutoRefresh())
		total := int64(math.Ceil(sc.End - sc.Start))
		bar = prog.AddBar(total, mpb.PrependDecorators(decor.Name("simulating "), decor.CountersNoUnit("day %d/%d")),
			mpb.AppendDecorators(decor.Percentage()))
		opt.Progress = func(t float64) { bar.SetCurrent(int64(t - sc.Start)) }
	}
	tr, runErr := sim.Run(ctx, sys, sched, opt)
	if prog != nil {
		if runErr != nil {
			bar.Abort(false)
		} else {
			bar.SetTotal(-1, true)
		}
		prog.Wait()
	}
	dir := filepath.Join(o.out, runID)
	if runErr != nil {
		runErr = fmt.Errorf("model %s, scenario %s: %w", min.name, sin.name, runErr)
		var se *sim.Error
		if tr == nil || !errors.As(runErr, &se) {
			return nil, runErr
		}
		// Integration failed part-way: keep the rows computed so far,
		// marked as partial, with the failure in summary.json.
		sum := buildSummary(m, sc, tr, min, sin, runID, o, applied)
		sum.Complete = false
		sum.Failure = &runFailure{Error: runErr.Error(), T: se.T, Variable: se.Variable}
		if se.Variable == "" {
			sum.Failure.FastestChanging = fastestChanging(m, tr, o.atol)
		}
		if err := writePartialRun(dir, tr, sum, o.format); err != nil {
			return nil, fmt.Errorf("%w (writing the partial trajectory also failed: %v)", runErr, err)
		}
		fmt.Fprintf(stderr, "holobiont run %s FAILED at t=%g", runID, se.T)
		if se.Variable != "" {
			fmt.Fprintf(stderr, " in %s", se.Variable)
		} else if v := sum.Failure.FastestChanging; v != "" {
			fmt.Fprintf(stderr, " (fastest-changing state before the failure: %s)", v)
		}
		fmt.Fprintf(stderr, ": %d output rows before the failure kept in %s\n", len(tr.Times), filepath.Join(dir, partialName(o.format)))
		return &runResult{Dir: dir, Summary: sum}, runErr
	}
	sum := buildSummary(m, sc, tr, min, sin, runID, o, applied)
	if err := writeRun(dir, m, sc, tr, sum, o.format); err != nil {
		return nil, err
	}
	printRunSummary(stdout, sum, dir)
	return &runResult{Dir: dir, Summary: sum}, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// makeRunID hashes everything that determines the outputs.
func makeRunID(min, sin input, sets []setting, o runOptions) string {
	h := sha256.New()
	fmt.Fprintf(h, "holobiont %s\nmodel %s\nscenario %s\n", version, min.sha(), sin.sha())
	sorted := append([]setting(nil), sets...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, s := range sorted {
		fmt.Fprintf(h, "set %s=%s\n", s.name, strconv.FormatFloat(s.value, 'g', -1, 64))
	}
	fmt.Fprintf(h, "format %s\nsolver %s rtol %g atol %g seed %d\n", o.format, o.solver, o.rtol, o.atol, o.seed)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// communityMembers returns the member ids per community site, in model order.
func communityMembers(m *model.Model) [][2]string {
	var out [][2]string
	for _, c := range m.Communities {
		for _, mem := range c.Members {
			out = append(out, [2]string{c.Compartment, mem})
		}
	}
	return out
}
