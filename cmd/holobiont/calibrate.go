package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/jsonnum"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/petab"
)

// calibrateFlags are the flags of holobiont calibrate.
type calibrateFlags struct {
	sf        solverFlags
	starts    int
	cands     int    // --start-candidates: screened Latin-hypercube candidates (0: none)
	stages    int    // --horizon-stages: time-horizon continuation stages of each local start (1: none)
	shooting  int    // --shooting: multiple-shooting segments of each local start (1: none)
	shootInit string // --shooting-init: node initialisation, trajectory or data
	seed      uint64
	out       string
	profile   bool
	global    string
	workers   int
	maxIter   int
	maxEvals  int // --max-evals: objective evaluations allowed per local start (0: no limit)
	deGens    int
	dePop     int
	quiet     bool
	resume    bool // --resume: keep the finished starts of DIR/starts.jsonl
	convTolF  float64
	hessian   string
	ensemble  int // targets file: ensemble size
}

func newCalibrateCmd() *cobra.Command {
	var cf calibrateFlags
	cmd := &cobra.Command{
		Use:   "calibrate PROBLEM.yaml|MODEL.targets.yaml --out DIR [--starts N --seed S --profile]",
		Short: "Fit a PEtab problem, or a model to its published targets; multi-start, global search, profiles",
		Long: `A targets file (a top-level targets: list, e.g. models/gut-skin-brain.targets.yaml)
calibrates a holobiont model against published effect sizes: each target names
a scenario (and a control), an observable and a statistic, the published value
and its interval, a citation and a role (fit, validation = held out, hand-fit,
cohort-fit = fitted by the script it names);
cohort-level targets name the test that evaluates them. The estimated
parameters (log10 scale, log-normal priors) are fitted from their priors by the
trust-region method below with the Gauss-Newton (Fisher) Hessian, whatever
--hessian says, and a forward-difference Jacobian; the Laplace approximation
gives 95% intervals, and --ensemble N parameter sets are drawn from it and
accepted when their objective lies in the 95% likelihood-ratio region of the
fit (draw i from its own stream (--seed, i): the same ensemble on any number of
--workers). Writes report.md (targets vs model with intervals, fit and held-out
apart), calibration.json, ensemble.tsv (read by run --uncertainty) and
timing.json.

Otherwise PROBLEM.yaml is a PEtab problem. Estimate the parameters of a PEtab problem by maximising the log-likelihood (plus
the log priors when the parameter table gives them), on the parameters' PEtab
scales and within their bounds.

Local method: a trust-region Newton method with More's variable scaling whose
Hessian is the Fisher information of the likelihood (the Gauss-Newton /
Levenberg-Marquardt matrix for least squares) or, with --hessian hybrid (the
default), a BFGS matrix started from the Fisher information once the Fisher
steps stall (20 iterations without a change of the trust radius, or the
objective-change test met while the gradient is not small): the
curvature of residuals that do not vanish at the optimum, which the Fisher
information leaves out. Parameters that the step would push through a bound are
clamped there and the step recomputed for the rest.
Gradients and the Fisher information come from forward sensitivities integrated
by holobiont's BDF (models with SBML events: central differences). Each of the N
starts begins at a point of a Latin hypercube within the bounds (seeded by S; a
start point where the simulation fails is redrawn). Start i depends only on
(S, i), so results do not depend on --workers.

--start-candidates M (M >= N) screens the start points: it draws M
Latin-hypercube candidates within the bounds (seeded by S), evaluates the
objective at each (the simulation only, no gradient; a candidate whose
simulation fails ranks last) and starts the local method from the best N, best
first. This is MATLAB GlobalSearch's stage one (trial points scored before any
local run) and Rsolnp's startpars (n.sim candidates, the best bestN); pyPESTO's
check_fval only redraws points whose objective is not finite, and D2D's
arChi2LHS evaluates the candidates without choosing. The M evaluations are extra
objective evaluations: result.json's "screening" counts them, the failed and
finite ones, and which candidate each start began at; candidates.tsv has every
candidate's objective; timing.json their wall and CPU seconds. Screened or not,
the number of local starts is N. Worked example, Elowitz_Nature2000:
  holobiont calibrate Elowitz_Nature2000.yaml --starts 100 --start-candidates 5000 --seed 1 --out fit
evaluates 5,000 candidates, then runs 100 local optimisations from the best 100.

--horizon-stages K (K >= 2) fits each start by time-horizon continuation: the
local method first fits only the measurements at times up to T1, then from its
end point those up to T2, and so on, and last all of them, with
T_j = t0 + j/K (t1 - t0) for the earliest and latest finite measurement times t0
and t1 (a horizon that adds no measurement is dropped; steady-state
measurements enter in the last stage; the simulations stop at the horizon).
Meant for oscillators, whose full-data objective prefers a flat curve at the
data's mean to an oscillation of the wrong period. Every stage's evaluations
count in the start's iterations and evaluations; result.json records the
horizons ("settings") and each start's stages (horizon, objective, iterations,
evaluations, status). A start whose point fails to simulate at a later stage's
longer horizon ends there as failed. The number of local starts stays N.

--shooting M (M >= 2) fits each start by multiple shooting (Bock 1983; Peifer
and Timmer 2007): the time axis is cut at M-1 measurement times (nodes, the
distinct measurement times split into M runs of nearly equal length), and each
segment after the first integrates from free node states (every state variable
of the model, one set per experiment and node: extra optimisation variables,
initialised on the trajectory of the start point, bounded within 100 times
each state's largest node value, species not below 0). Continuity terms
((x(t_k-) - s_k)/sigma)^2 with sigma = scale/w join the segments; the weight w
is raised through 1, 10, 100, 1000 (at most 100 iterations each) until the
largest relative gap is below 1e-3, and the start always ends with an
ordinary local fit of the problem from the parameters found, so every
reported llh is the problem's own (holobiont petab llh --parameters
recomputes it). result.json records the node times, the node states and the
weights ("settings") and each start's stages (weight, objective of the
segmented problem, continuity gap, iterations, status; the last stage the
final fit). Refused by name: pre-equilibration, condition changes after the
start, steady-state measurements, SBML events, no analytic gradient; not
with --horizon-stages. The number of local starts stays N.

--shooting-init data starts the node states of observed state variables from
the data (Peifer and Timmer 2007) instead of the start point's trajectory: at
each node time and experiment, a state x that an observable y = a + b*x
measures (the formula, with the measurement's observable parameters, affine in
that one state, checked symbolically; a and b at the start point's
parameters) starts at (mean(y) - a)/b over the measurements there, clamped
into the node bounds above (computed from the trajectory). A state stays on
the trajectory when b is about 0 (|b|*scale <= 1e-10*max(|a+b*x|, |y|)), the
value is not finite, or two observables measure it at that node; unobserved
states stay on the trajectory. The default, trajectory, is what every earlier
version did; result.json records "shooting_init": "data" when set. Worked
example, the harmonic oscillator x'' = -w^2 x (estimate/testdata/oscillator,
x observed):
  holobiont calibrate estimate/testdata/oscillator/problem.yaml --starts 20 --shooting 5 --shooting-init data --seed 1 --out fit-data
starts x at each node (t = 6, 12, 18, 24) at its measured value and v = x' on
the trajectory of each start's w; 12 of the 20 starts reach w = 1 (11 with the
trajectory; seed 2: 13 and 13).

--max-evals N bounds the objective evaluations of each local start
(scipy's maxfev in pyPESTO), all its --horizon-stages or --shooting stages
together, one of them kept for the final fit on the whole problem so that every
start reports the problem's own llh; the global method's local polish has the
same bound. A start that reaches it ends at the best point it found with status
"evaluation limit" (not converged; starts.tsv, result.json). 0, the default, is
no bound; result.json and starts.jsonl record "max_evaluations" when it is set.
A start is more often slow because each simulation is expensive than because
there are many: --max-steps bounds the BDF steps of one simulation (per period
of an experiment; a simulation that needs more fails, as with AMICI's maxsteps,
whose default is 10,000 steps per output interval), so a point where the model
is hard to integrate is rejected in a fraction of a second instead of being
integrated for seconds. Worked example, Elowitz_Nature2000, --shooting 5, seed
2: at the default 200,000 steps two of the first 42 starts ran for 40-80 minutes
(about 425,000 steps, 6 s, per evaluation of start 18); with
  holobiont calibrate Elowitz_Nature2000.yaml --starts 100 --shooting 5 --max-steps 20000 --seed 2 --out fit
start 18 takes 10-20 s (its start point fails and is redrawn) and start 41
135 s (it ends failed: the single-shooting fit cannot simulate the parameters
the shooting stages found); benchmarks/petab.md, session 12.

--global de also runs differential evolution (DE/rand/1/bin with dither, Storn
and Price 1997) over the bounds and polishes its best point with the local
method; it is reported as one more start ("global").

--profile computes the profile likelihood of every estimated parameter from the
best fit and its 95% likelihood-ratio confidence interval (the parameter values
whose profile objective stays within chi2_1(0.95)/2 = 1.92 of the optimum); an
interval end that reaches a bound is reported as open.

Writes to DIR: result.json (best_llh, best_parameters on their PEtab scales, every
start's final objective and parameters, the fraction of starts that converged:
final objective within 0.1 of the best, and the intervals), parameters_best.tsv (a
parameter table whose nominal values are the best fit: use it with holobiont
petab llh --parameters), starts.tsv, simulations_best.tsv, profiles.tsv,
report.html (waterfall of the starts, fitted against measured per observable,
profiles) and timing.json (wall and CPU seconds; the only file that varies
between identical runs).

Each start is appended to DIR/starts.jsonl as it finishes (one line, synced;
the first line names the problem's SHA-256, version, seed and settings), and
result.json is removed when a run begins and written only when every start has
finished. An interrupted run (SIGINT, SIGTERM) keeps its finished starts there;
the same command with --resume runs only the others and writes the same
result.json as an uninterrupted run. With --start-candidates the candidates'
objectives are kept in DIR/screening.json as soon as the screening ends, and
--resume reads them back instead of simulating the candidates again. With
--global de the search's state (population, objectives, generation and random
stream) is written to DIR/de-state.json once the initial population is
evaluated, then at most once a second, when the search ends and when it is
interrupted (a run without --resume removes an earlier one when it begins);
--resume continues the search from the last generation recorded there (the same
result, bit for bit, on any number of workers), and a search recorded as
finished is not run again (only its local polish is). A starts.jsonl,
screening.json or de-state.json of another problem, version, seed or settings
(de-state.json: also --de-pop and --de-generations) is refused, naming what
differs. starts.jsonl is a journal: its line order and seconds vary between
runs.`,
		Example: `  holobiont calibrate models/gut-skin-brain.targets.yaml --out calibration
  holobiont calibrate models/gut-skin-brain.targets.yaml --ensemble 200 --seed 3 --out calibration
  holobiont calibrate ../shared/petab-benchmark/Boehm_JProteomeRes2014/Boehm_JProteomeRes2014.yaml --starts 20 --seed 1 --out boehm
  holobiont calibrate problem.yaml --starts 50 --seed 7 --out fit --profile
  holobiont calibrate problem.yaml --starts 10 --seed 1 --global de --out fit-de
  holobiont calibrate problem.yaml --starts 100 --start-candidates 5000 --seed 1 --out fit-screened
  holobiont calibrate problem.yaml --starts 100 --horizon-stages 4 --seed 1 --out fit-staged
  holobiont calibrate estimate/testdata/oscillator/problem.yaml --starts 20 --shooting 5 --seed 1 --out fit-shooting
  holobiont calibrate estimate/testdata/oscillator/problem.yaml --starts 20 --shooting 5 --shooting-init data --seed 1 --out fit-data
  holobiont calibrate problem.yaml --starts 100 --shooting 5 --max-steps 20000 --max-evals 500 --seed 2 --out fit-bounded
  holobiont calibrate problem.yaml --starts 100 --seed 1 --out fit --resume   # after an interrupt`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			hess, err := cf.validate()
			if err != nil {
				return err
			}
			logw := cmd.ErrOrStderr()
			if cf.quiet {
				logw = io.Discard
			}
			if isTargetsFile(args[0]) {
				if cf.maxEvals > 0 {
					return fmt.Errorf("--max-evals %d: for PEtab problems only (a targets file's fit is one local optimisation: --max-iter bounds it)", cf.maxEvals)
				}
				return calibrateTargets(cmd.Context(), args[0], targetsOptions{out: cf.out, seed: cf.seed, ensemble: cf.ensemble, workers: cf.workers, maxIter: cf.maxIter, log: logw}, cmd.OutOrStdout())
			}
			return cf.run(cmd.Context(), args[0], hess, logw, cmd.OutOrStdout())
		},
	}
	cf.sf.add(cmd)
	fl := cmd.Flags()
	fl.IntVar(&cf.starts, "starts", 20, "number of local optimisations from Latin-hypercube start points")
	fl.IntVar(&cf.cands, "start-candidates", 0, "screen M >= --starts Latin-hypercube candidates by their objective and start from the best (0: no screening)")
	fl.IntVar(&cf.stages, "horizon-stages", 1, "fit each start to the measurements up to growing time horizons in K stages, the last with all (1: no continuation)")
	fl.IntVar(&cf.shooting, "shooting", 1, "fit each start by multiple shooting over M segments, then by the ordinary local method (1: no shooting)")
	fl.StringVar(&cf.shootInit, "shooting-init", estimate.NodeInitTrajectory, `multiple shooting's node states: "trajectory" (the start point's) or "data" (observed states from the measurements)`)
	fl.Uint64Var(&cf.seed, "seed", 1, "seed of the start points (and of differential evolution)")
	fl.StringVar(&cf.out, "out", "", "output directory (created if needed)")
	fl.BoolVar(&cf.profile, "profile", false, "compute profile likelihoods and 95% confidence intervals of every estimated parameter")
	fl.StringVar(&cf.global, "global", "", `global method run in addition to the starts: "de" (differential evolution)`)
	fl.IntVar(&cf.workers, "workers", 0, "parallel workers (default: number of CPUs)")
	fl.IntVar(&cf.maxIter, "max-iter", 1000, "iteration limit of each local optimisation")
	fl.IntVar(&cf.maxEvals, "max-evals", 0, "objective evaluations allowed per local start, all its stages together (scipy's maxfev in pyPESTO); a start that reaches it ends with status \"evaluation limit\" (0: no limit)")
	fl.IntVar(&cf.deGens, "de-generations", 200, "generations of differential evolution")
	fl.IntVar(&cf.dePop, "de-pop", 0, "population of differential evolution (default max(20, 10 x parameters))")
	fl.BoolVar(&cf.resume, "resume", false, "skip the starts already finished in DIR/starts.jsonl and continue differential evolution from DIR/de-state.json (same problem, version, seed and settings)")
	fl.BoolVar(&cf.quiet, "quiet", false, "no progress lines on stderr")
	fl.StringVar(&cf.hessian, "hessian", "hybrid", `curvature of the local steps: "hybrid" (Fisher information, then BFGS once the Fisher steps stall) or "fisher"`)
	fl.IntVar(&cf.ensemble, "ensemble", 100, "targets file: parameter sets to accept into the ensemble")
	fl.Float64Var(&cf.convTolF, "converged-tol", 0.1, "a start converged when its final objective is within this of the best")
	return cmd
}

// validate checks the flags before any compute and fills in defaults.
func (cf *calibrateFlags) validate() (estimate.Hessian, error) {
	if cf.out == "" {
		return 0, fmt.Errorf("--out DIR is required")
	}
	if cf.starts < 1 {
		return 0, fmt.Errorf("--starts %d: want at least 1", cf.starts)
	}
	if cf.maxEvals < 0 {
		return 0, fmt.Errorf("--max-evals %d: want at least 1, or 0 for no limit", cf.maxEvals)
	}
	if cf.sf.maxSteps < 1 {
		return 0, fmt.Errorf("--max-steps %d: want at least 1", cf.sf.maxSteps)
	}
	if cf.cands != 0 && cf.cands < cf.starts {
		return 0, fmt.Errorf("--start-candidates %d: want at least --starts (%d) candidates, or 0 for no screening", cf.cands, cf.starts)
	}
	if cf.stages < 1 {
		return 0, fmt.Errorf("--horizon-stages %d: want at least 1 (1: no continuation)", cf.stages)
	}
	if cf.shooting < 1 {
		return 0, fmt.Errorf("--shooting %d: want at least 1 (1: no multiple shooting)", cf.shooting)
	}
	if cf.shootInit != estimate.NodeInitTrajectory && cf.shootInit != estimate.NodeInitData {
		return 0, fmt.Errorf("--shooting-init %q: want %s or %s", cf.shootInit, estimate.NodeInitTrajectory, estimate.NodeInitData)
	}
	if cf.shootInit == estimate.NodeInitData && cf.shooting < 2 {
		return 0, fmt.Errorf("--shooting-init data needs --shooting M (M >= 2)")
	}
	if cf.shooting > 1 && cf.stages > 1 {
		return 0, fmt.Errorf("--shooting %d and --horizon-stages %d: use one or the other", cf.shooting, cf.stages)
	}
	if cf.global != "" && cf.global != "de" {
		return 0, fmt.Errorf("--global %q: want de (or leave it out)", cf.global)
	}
	if cf.deGens < 1 {
		return 0, fmt.Errorf("--de-generations %d: want at least 1", cf.deGens)
	}
	if cf.dePop != 0 && cf.dePop < 4 {
		return 0, fmt.Errorf("--de-pop %d: want at least 4 (a mutant takes three members other than its parent), or 0 for the default", cf.dePop)
	}
	hess, err := estimate.ParseHessian(cf.hessian)
	if err != nil {
		return 0, fmt.Errorf("--hessian: %w", err)
	}
	if cf.workers <= 0 {
		cf.workers = runtime.GOMAXPROCS(0)
	}
	return hess, nil
}

// run fits the problem in path and writes the outputs: the starts, the
// global method's start (--global), the best fit and its profiles.
func (cf *calibrateFlags) run(ctx context.Context, path string, hess estimate.Hessian, logw, w io.Writer) error {
	t0, cpu0 := time.Now(), cpuSeconds()
	spec, prob, err := loadPetab(path, "", cf.sf.options())
	if err != nil {
		return err
	}
	hash, err := petab.Hash(path)
	if err != nil {
		return err
	}
	local := estimate.LocalOptions{MaxIter: cf.maxIter, Hessian: hess, MaxEvals: cf.maxEvals}
	hs, err := prob.HorizonStages(cf.stages)
	if err != nil {
		return fmt.Errorf("--horizon-stages: %w", err)
	}
	var sh *estimate.Shooting
	if cf.shooting > 1 {
		if sh, err = prob.NewShooting(estimate.ShootingOptions{Segments: cf.shooting, NodeInit: cf.shootInit}); err != nil {
			return fmt.Errorf("--shooting: %w", err)
		}
	}
	cal := &petab.Calibration{Spec: spec, Problem: prob, ProblemFile: path, ProblemHash: hash, Version: version, Seed: cf.seed,
		Settings: cf.settings(prob, local, hs, sh), ConvergedTol: cf.convTolF}
	slog, done, err := cf.openStartLog(cal)
	if err != nil {
		return err
	}
	defer slog.Close()
	fmt.Fprintf(logw, "calibrate: %d estimated parameters, %d measurements, %d starts on %d workers\n", len(prob.Free), len(spec.Measurements), cf.starts, cf.workers)
	if len(done) > 0 {
		fmt.Fprintf(logw, "resuming: %d of %d starts finished in %s\n", len(done), cf.starts, filepath.Join(cf.out, "starts.jsonl"))
	}
	var ph phaseTimes
	pts, scr, err := cf.screen(ctx, cal, &ph, logw)
	if err != nil {
		return err
	}
	cal.Screening = scr
	var logErr error
	cal.Starts, err = prob.MultiStart(ctx, estimate.MultiStartOptions{Starts: cf.starts, Seed: cf.seed, Workers: cf.workers, Local: local, Points: pts, Done: done, Horizons: hs, Shooting: sh,
		Progress: func(n, total int, r estimate.StartResult) {
			fmt.Fprintf(logw, "start %d/%d (#%d): llh %.6g, %d iterations, %d failed trial points, %s (%.1fs)\n", n, total, r.Index, r.LLH, r.Iter, r.Failed, r.Status, r.Seconds)
			if ctx.Err() == nil && logErr == nil { // a start that ends after an interrupt may have been cut short: not kept
				logErr = slog.Append(r)
			}
		}})
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(logw, "calibrate: stopped; the finished starts are in %s: the same command with --resume runs the others\n", filepath.Join(cf.out, "starts.jsonl"))
		}
		return err
	}
	if logErr != nil {
		return logErr
	}
	return cf.finish(ctx, cal, local, &ph, logw, w, t0, cpu0)
}

// settings are the run's settings as result.json and starts.jsonl record
// them.
func (cf *calibrateFlags) settings(prob *estimate.Problem, local estimate.LocalOptions, hs []float64, sh *estimate.Shooting) map[string]any {
	s := map[string]any{"starts": cf.starts, "rtol": cf.sf.rtol, "atol": cf.sf.atol, "max_steps": cf.sf.maxSteps, "solver": solverName(cf.sf.solver, prob),
		"max_iterations": local.MaxIter, "local_method": "trust-region Newton with bounds", "hessian": local.Hessian.String(),
		"start_points": "Latin hypercube within the bounds on the PEtab scales", "gradients": gradName(prob)}
	if cf.maxEvals > 0 { // absent: no limit, so earlier runs' journals still resume
		s["max_evaluations"] = cf.maxEvals
	}
	if cf.cands > 0 {
		s["start_points"] = fmt.Sprintf("the best %d of %d Latin-hypercube candidates within the bounds on the PEtab scales, by objective", cf.starts, cf.cands)
		s["start_candidates"] = cf.cands
	}
	if cf.stages > 1 {
		s["horizon_stages"] = cf.stages
		s["horizons"] = hs
	}
	if sh != nil {
		o := sh.Options()
		s["shooting_segments"] = cf.shooting
		s["shooting_node_times"] = sh.Times
		s["shooting_states"] = sh.States
		s["shooting_weights"] = o.Weights
		s["shooting_tolerance"] = o.Tol
		if o.NodeInit != estimate.NodeInitTrajectory { // absent: trajectory, so earlier runs' journals still resume
			s["shooting_init"] = o.NodeInit
		}
	}
	return s
}

// openStartLog removes a result.json of an earlier run from the output
// directory (result.json exists only for a finished run) and opens
// starts.jsonl, returning the starts it holds with --resume.
func (cf *calibrateFlags) openStartLog(cal *petab.Calibration) (*petab.StartLog, map[int]estimate.StartResult, error) {
	if err := os.MkdirAll(cf.out, 0o755); err != nil {
		return nil, nil, err
	}
	if err := os.Remove(filepath.Join(cf.out, "result.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, err
	}
	if !cf.resume { // a new run: an earlier run's search state must not be resumed later
		if err := os.Remove(filepath.Join(cf.out, "de-state.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, err
		}
	}
	return petab.OpenStartLog(filepath.Join(cf.out, "starts.jsonl"), cf.logHeader(cal), cf.resume)
}

// logHeader identifies the run in starts.jsonl and screening.json.
func (cf *calibrateFlags) logHeader(cal *petab.Calibration) petab.StartLogHeader {
	return petab.StartLogHeader{ProblemSHA256: cal.ProblemHash, Version: cal.Version, Seed: cal.Seed, Settings: cal.Settings}
}

// finish runs the global method (--global), evaluates the best start and
// its profiles (--profile) and writes the outputs.
func (cf *calibrateFlags) finish(ctx context.Context, cal *petab.Calibration, local estimate.LocalOptions, ph *phaseTimes, logw, w io.Writer, t0 time.Time, cpu0 float64) error {
	prob := cal.Problem
	if cf.global == "de" {
		td := time.Now()
		if err := cf.globalStart(ctx, cal, local, logw); err != nil {
			return err
		}
		cal.Settings["global"] = "de"
		ph.de = time.Since(td).Seconds()
	}
	var sim []float64
	if b := cal.Starts[0]; b.Err == "" {
		ev, err := prob.NewEvaluator()
		if err != nil {
			return err
		}
		if cal.Best, err = ev.Evaluate(ctx, b.U, prob.CanGradient()); err != nil {
			return err
		}
		sim = cal.Best.Sim
		if cf.profile {
			tp := time.Now()
			if cal.Profiles, err = profiles(ctx, prob, b.U, b.F, cf.workers, logw); err != nil {
				return err
			}
			ph.prof = time.Since(tp).Seconds()
		}
	}
	if err := cal.Write(cf.out, sim); err != nil {
		return err
	}
	if err := writeTiming(filepath.Join(cf.out, "timing.json"), cal, time.Since(t0).Seconds(), cpuSeconds()-cpu0, *ph); err != nil {
		return err
	}
	cf.summary(w, cal)
	return nil
}

// phaseTimes are the seconds of the optional phases of a calibration.
type phaseTimes struct {
	screen, screenCPU, de, prof float64
	screenReused                bool // --resume read the screening from screening.json
}

// screen screens --start-candidates candidates and returns the start
// points of the starts (nil, nil without screening), recording its wall
// and CPU seconds in ph. The candidates' objectives are kept in
// DIR/screening.json; with --resume a record of this run is used instead
// of simulating the candidates again.
func (cf *calibrateFlags) screen(ctx context.Context, cal *petab.Calibration, ph *phaseTimes, logw io.Writer) ([][]float64, *estimate.Screening, error) {
	if cf.cands == 0 {
		return nil, nil, nil
	}
	path, h := filepath.Join(cf.out, "screening.json"), cf.logHeader(cal)
	if cf.resume {
		f, err := petab.ReadScreening(path, h, cf.cands)
		if err != nil {
			return nil, nil, fmt.Errorf("--resume: %w", err)
		}
		if f != nil {
			pts, s, err := cal.Problem.ScreeningFromObjectives(cf.starts, f, cf.seed)
			if err != nil {
				return nil, nil, err
			}
			fmt.Fprintf(logw, "screening: %d candidates' objectives read from %s, not simulated again\n", cf.cands, path)
			ph.screenReused = true
			return pts, &s, nil
		}
	}
	t0, cpu0 := time.Now(), cpuSeconds()
	pts, s, err := cal.Problem.ScreenStarts(ctx, cf.starts, cf.cands, cf.seed, cf.workers)
	if err != nil {
		return nil, nil, err
	}
	ph.screen, ph.screenCPU = time.Since(t0).Seconds(), cpuSeconds()-cpu0
	if err := petab.WriteScreening(path, h, s.F); err != nil {
		return nil, nil, err
	}
	last := s.F[s.Chosen[len(s.Chosen)-1]]
	fmt.Fprintf(logw, "screening: %d candidates, %d failed to simulate; the starts' objectives %.6g (best) to %.6g (%.1fs, %.1f CPU-s)\n",
		cf.cands, s.Failed, s.F[s.Chosen[0]], last, ph.screen, ph.screenCPU)
	return pts, &s, nil
}

// globalStart runs differential evolution, polishes its best point with the
// local method and adds the result to cal as one more start. The search's
// state is kept in DIR/de-state.json after every generation; --resume
// continues from it (or, when it records a finished search, only polishes).
func (cf *calibrateFlags) globalStart(ctx context.Context, cal *petab.Calibration, local estimate.LocalOptions, logw io.Writer) error {
	td := time.Now()
	prob := cal.Problem
	path, h := filepath.Join(cf.out, "de-state.json"), cf.deHeader(cal)
	opt := estimate.DEOptions{Seed: cf.seed, Workers: cf.workers, Generations: cf.deGens, Pop: cf.dePop,
		Progress: func(gen int, best float64) {
			if gen%10 == 0 {
				fmt.Fprintf(logw, "differential evolution: generation %d, best objective %.6g\n", gen, best)
			}
		}}
	if err := cf.resumeDE(prob, path, h, &opt, logw); err != nil {
		return err
	}
	ck := deCheckpoints{path: path, h: h, gens: cf.deGens}
	opt.Checkpoint = ck.offer
	de, err := prob.DifferentialEvolution(ctx, opt)
	if err != nil {
		if ctx.Err() != nil && ck.last != nil {
			if werr := ck.write(*ck.last); werr != nil {
				return errors.Join(err, werr)
			}
			fmt.Fprintf(logw, "calibrate: stopped; differential evolution's state after generation %d is in %s: the same command with --resume continues it\n", ck.last.Generation, path)
		}
		return err
	}
	ev, err := prob.NewEvaluator()
	if err != nil {
		return err
	}
	lo, hi := cal.Spec.Bounds()
	lr, err := ev.Minimize(ctx, de.U, lo, hi, local)
	sr := estimate.StartResult{Index: cf.starts, Global: true, U0: de.U, LocalResult: lr, Seconds: time.Since(td).Seconds()}
	if err != nil {
		sr.Err = err.Error()
	}
	cal.Global = &de
	cal.Starts = append(cal.Starts, sr)
	estimate.SortStarts(cal.Starts)
	return nil
}

// deCheckpoints writes differential evolution's states to de-state.json:
// the first, then at most one a second (a write with its fsync cost about 5 ms here, a
// generation of a small problem less), the last of a finished search, and
// (by the caller) the last one offered when the run is interrupted.
type deCheckpoints struct {
	path    string
	h       petab.StartLogHeader
	gens    int
	last    *estimate.DEState
	written time.Time
}

func (c *deCheckpoints) offer(s estimate.DEState) error {
	c.last = &s
	if !s.Done(c.gens) && time.Since(c.written) < time.Second {
		return nil
	}
	return c.write(s)
}

func (c *deCheckpoints) write(s estimate.DEState) error {
	if err := petab.WriteDEState(c.path, c.h, s); err != nil {
		return err
	}
	c.written = time.Now()
	return nil
}

// deHeader identifies the run in de-state.json: the start log's header
// with the search's settings added to its settings.
func (cf *calibrateFlags) deHeader(cal *petab.Calibration) petab.StartLogHeader {
	h := cf.logHeader(cal)
	h.Settings = maps.Clone(h.Settings)
	h.Settings["global"], h.Settings["de_generations"], h.Settings["de_pop"] = "de", cf.deGens, cf.dePop
	return h
}

// resumeDE sets opt.Resume from the state in path with --resume, after
// checking that it is this run's and fits the problem.
func (cf *calibrateFlags) resumeDE(prob *estimate.Problem, path string, h petab.StartLogHeader, opt *estimate.DEOptions, logw io.Writer) error {
	if !cf.resume {
		return nil
	}
	st, err := petab.ReadDEState(path, h)
	if err != nil {
		return fmt.Errorf("--resume: %w", err)
	}
	if st == nil {
		return nil
	}
	if err := prob.CheckDEState(st, *opt); err != nil {
		return fmt.Errorf("--resume: %s: %w", path, err)
	}
	opt.Resume = st
	if st.Done(cf.deGens) {
		fmt.Fprintf(logw, "differential evolution: finished after %d generations in %s, not run again\n", st.Generation, path)
	} else {
		fmt.Fprintf(logw, "differential evolution: resuming after generation %d from %s\n", st.Generation, path)
	}
	return nil
}

// summary prints the best fit and the number of converged starts.
func (cf *calibrateFlags) summary(w io.Writer, cal *petab.Calibration) {
	nc := 0
	for _, c := range cal.Converged() {
		if c {
			nc++
		}
	}
	if cal.Best != nil {
		fmt.Fprintf(w, "best llh %.10g (objective %.10g); %d of %d starts converged (within %.2g of the best)\n", cal.Best.LLH, cal.Starts[0].F, nc, len(cal.Starts), cf.convTolF)
	} else {
		fmt.Fprintln(w, "every start failed")
	}
	fmt.Fprintf(w, "wrote %s (result.json, report.html, parameters_best.tsv, starts.tsv)\n", cf.out)
}

func solverName(s string, p *estimate.Problem) string {
	if s != "" {
		return s
	}
	if p.CanGradient() {
		return "bdf"
	}
	return "ode"
}

func gradName(p *estimate.Problem) string {
	if p.CanGradient() {
		return "forward sensitivities (BDF, staggered direct)"
	}
	return "central differences of the simulations"
}

// profiles computes every estimated parameter's profile, logging each.
func profiles(ctx context.Context, p *estimate.Problem, u []float64, f float64, workers int, logw io.Writer) ([]estimate.Profile, error) {
	return p.Profiles(ctx, u, f, estimate.ProfilesOptions{Workers: workers, Progress: func(pr estimate.Profile) {
		fmt.Fprintf(logw, "profile %s: [%.4g, %.4g], %d points\n", pr.ID, pr.Lower, pr.Upper, len(pr.Points))
	}})
}

func writeTiming(path string, c *petab.Calibration, wall, cpu float64, ph phaseTimes) error {
	conv := c.Converged()
	var startSec float64
	nc := 0
	per := make([]float64, len(c.Starts))
	for i, s := range c.Starts {
		startSec += s.Seconds
		per[i] = s.Seconds
		if conv[i] {
			nc++
		}
	}
	t := map[string]any{"wall_seconds": wall, "cpu_seconds": cpu, "starts_wall_seconds_sum": startSec,
		"global_seconds": ph.de, "profile_seconds": ph.prof, "start_seconds": per, "gomaxprocs": runtime.GOMAXPROCS(0)}
	if c.Screening != nil {
		t["screening_seconds"], t["screening_cpu_seconds"], t["screening_evaluations"] = ph.screen, ph.screenCPU, len(c.Screening.F)
		t["screening_reused"] = ph.screenReused
	}
	t["seconds_per_converged_start"] = jsonnum.Float(startSec / float64(nc)) // null without a converged start
	f, err := safefile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		return err
	}
	return f.Commit()
}

// cpuSeconds returns the user+system CPU time of this process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
