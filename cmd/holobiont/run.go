package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/runreport"
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
	store    string // also record the run in this run store
	// uncertainty N: the point estimate and N-1 ensemble sets (0: off);
	// ensemble names the ensemble file (default: the model's).
	uncertainty int
	ensemble    string
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

--uncertainty N also runs the model at N-1 parameter sets of its calibration
ensemble (models/gut-skin-brain.ensemble.tsv for the default model: sets
consistent with its published targets, made by holobiont calibrate
models/gut-skin-brain.targets.yaml; another model: MODEL.ensemble.tsv beside it,
or --ensemble FILE), in the ensemble's order, so the result does not depend on
the number of cores. Each of those runs first simulates two years without the
scenario's interventions, so it starts from its own steady state rather than the
point estimate's. Each endpoint is reported with a 95% interval (the 2.5% and
97.5% quantiles of the N runs, widened to hold the point estimate), in
uncertainty.json and in the report (a band around each host panel's line and an
uncertainty table). N = 1 is the point estimate alone (a zero-width interval).
Parameters fixed by --set or the scenario are not varied. The run then writes to
<out>/<run-id>-uN/.

MODEL and --scenario may name a file or a shipped model/scenario (see 'holobiont model
list'). Without --scenario, a shipped model runs its shipped scenario (models/scenarios/
<model>.yaml); another model runs 365 days without interventions.`,
		Example: `  holobiont run
  holobiont run models/gut-skin-brain.yaml --scenario models/scenarios/gut-skin-brain.yaml --out results
  holobiont run --set sigma_S=0 --set niche_open=1 --format parquet
  holobiont run models/hpa-karin2020.yaml --solver rosenbrock --rtol 1e-8
  holobiont run --set sigma_S=0 --store holobiont-data       # also record it for holobiont serve / runs
  holobiont run --uncertainty 50      # every endpoint with a 95% interval over the calibration ensemble`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			modelArg := ""
			if len(args) == 1 {
				modelArg = args[0]
			}
			res, err := runMain(cmd.Context(), modelArg, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
			if o.store != "" && res != nil {
				if rerr := recordRun(ctxOf(cmd), o.store, res, o, err); rerr != nil {
					return errors.Join(err, fmt.Errorf("--store: %w", rerr))
				}
				fmt.Fprintf(cmd.OutOrStdout(), "recorded in the store %s as run %s\n", o.store, res.Summary.RunID)
			}
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
	f.StringVar(&o.store, "store", "", "also record the run in this run store (a directory or postgres:// URL; see holobiont serve, holobiont runs)")
	f.IntVar(&o.uncertainty, "uncertainty", 0, uncertaintyHelp)
	f.StringVar(&o.ensemble, "ensemble", "", "ensemble of parameter sets for --uncertainty (default: MODEL.ensemble.tsv, or the shipped model's)")
	f.StringVar(&o.progress, "progress", "auto", "progress bar: auto (only when stderr is a terminal), always or never")
	return cmd
}

// runResult is what a run produced, for tests.
type runResult struct {
	Dir     string
	Summary *holobiont.Record
	// Problem is what ran (its sources and overrides, for run --store).
	Problem *holobiont.Problem
}

// parseSets reads --set name=value flags as load options.
func parseSets(sets []string) ([]holobiont.Option, error) {
	var out []holobiont.Option
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
		out = append(out, holobiont.Set(name, v))
	}
	return out, nil
}

// runMain loads the model and scenario, runs them and writes the run
// directory: the CLI side of holobiont.Load and Problem.Run.
func runMain(ctx context.Context, modelArg string, o runOptions, stdout, stderr io.Writer) (*runResult, error) {
	format, err := holobiont.ParseFormat(o.format)
	if err != nil {
		return nil, fmt.Errorf("--format: %w", err)
	}
	method, err := ode.ParseMethod(o.solver)
	if err != nil {
		return nil, fmt.Errorf("--solver: %w", err)
	}
	if !(o.rtol > 0 && o.rtol < 1) || !(o.atol > 0) {
		return nil, fmt.Errorf("--rtol must be in (0, 1) and --atol > 0")
	}
	opts, err := parseSets(o.sets)
	if err != nil {
		return nil, err
	}
	if err := checkUncertainty(o.uncertainty); err != nil {
		return nil, err
	}
	var ensSrc holobiont.Source
	if o.uncertainty > 0 {
		if ensSrc, err = ensembleSource(modelArg, o.ensemble); err != nil {
			return nil, err
		}
	}
	if o.scenario != "" {
		opts = append(opts, holobiont.Scenario(o.scenario))
	}
	p, err := holobiont.Load(ctx, modelArg, opts...)
	if err != nil {
		var se *holobiont.SetError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("--set %s: %s", se.Name, strings.TrimPrefix(se.Err.Error(), "set parameter "+se.Name+": "))
		}
		return nil, err
	}
	if err := ctx.Err(); err != nil { // loading takes no context
		return nil, err
	}
	opt := holobiont.Options{Method: method, RTol: o.rtol, ATol: o.atol, Seed: o.seed, Format: format, Version: version}
	dir := filepath.Join(o.out, p.RunID(opt))
	bar := newRunBar(ctx, o.progress, p, stderr)
	if bar != nil {
		opt.Progress = bar.progress
	}
	res, runErr := p.Run(ctx, opt)
	bar.finish(runErr)
	if runErr != nil {
		if res == nil {
			return nil, runErr
		}
		// Integration failed part-way: keep the rows computed so far,
		// marked as partial, with the failure in summary.json.
		if err := res.WriteContext(ctx, dir, format); err != nil {
			return nil, fmt.Errorf("%w (writing the partial trajectory also failed: %v)", runErr, err)
		}
		f := res.Record.Failure
		fmt.Fprintf(stderr, "holobiont run %s FAILED at t=%g", res.Record.RunID, f.T)
		if f.Variable != "" {
			fmt.Fprintf(stderr, " in %s", f.Variable)
		} else if v := f.FastestChanging; v != "" {
			fmt.Fprintf(stderr, " (fastest-changing state before the failure: %s)", v)
		}
		fmt.Fprintf(stderr, ": %d output rows before the failure kept in %s\n", len(res.Times()), filepath.Join(dir, holobiont.TrajectoryName(format, false)))
		return &runResult{Dir: dir, Summary: res.Record, Problem: p}, runErr
	}
	var unc *holobiont.UncertaintyRecord
	files := []holobiont.File{}
	if o.uncertainty > 0 {
		if unc, err = runUncertainty(ctx, p, res, ensSrc, o.uncertainty, opt); err != nil {
			return nil, err
		}
		dir += fmt.Sprintf("-u%d", o.uncertainty)
		files = append(files, holobiont.File{Name: "uncertainty.json", Write: writeUncertaintyJSON(unc)})
	}
	page, err := runreport.BuildUncertain(ctx, p, res, unc)
	if err != nil {
		return nil, err
	}
	html := func(w io.Writer) error { return page.WriteHTMLContext(ctx, w) }
	files = append(files, holobiont.File{Name: "report.html", Write: html})
	if err := res.WriteContext(ctx, dir, format, files...); err != nil {
		return nil, err
	}
	printRunSummary(stdout, res.Record, dir)
	if unc != nil {
		printUncertainty(stdout, unc)
	}
	return &runResult{Dir: dir, Summary: res.Record, Problem: p}, nil
}

// runBar is the progress bar of a run (nil: none).
type runBar struct {
	prog  *mpb.Progress
	bar   *mpb.Bar
	start float64
}

// newRunBar returns a bar over the simulated days when mode asks for one
// (auto: only when stderr is a terminal), else nil.
func newRunBar(ctx context.Context, mode string, p *holobiont.Problem, stderr io.Writer) *runBar {
	if !(mode == "always" || (mode == "auto" && isTerminal(stderr))) {
		return nil
	}
	b := &runBar{start: p.Start()}
	b.prog = mpb.NewWithContext(ctx, mpb.WithOutput(stderr), mpb.WithWidth(40), mpb.WithAutoRefresh())
	total := int64(math.Ceil(p.End() - p.Start()))
	b.bar = b.prog.AddBar(total, mpb.PrependDecorators(decor.Name("simulating "), decor.CountersNoUnit("day %d/%d")),
		mpb.AppendDecorators(decor.Percentage()))
	return b
}

func (b *runBar) progress(t float64) { b.bar.SetCurrent(int64(t - b.start)) }

func (b *runBar) finish(err error) {
	if b == nil {
		return
	}
	finishBar(b.prog, b.bar, err)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
