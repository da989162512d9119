package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/cohort"
	gsastudy "github.com/holobiont/holobiont/gsa/study"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/runreport"
	"github.com/holobiont/holobiont/sbml"
	"github.com/holobiont/holobiont/server"
)

// serveEngine computes the server's runs with the same code as the CLI:
// a single run is `holobiont run` (same id, same files), a cohort
// `holobiont cohort`, a trial `holobiont trial`, a fit `holobiont fit`.
type serveEngine struct{}

// problemFor loads a server job's run as `holobiont run` would load the same
// files and flags: shipped files are named "shipped:NAME", so the run id and
// summary.json are the CLI's.
func problemFor(ctx context.Context, job *server.Job) (*holobiont.Problem, holobiont.Options, error) {
	var opts []holobiont.Option
	names := make([]string, 0, len(job.Set))
	for k := range job.Set {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		opts = append(opts, holobiont.Set(k, job.Set[k]))
	}
	if f := job.Scenario; f != nil {
		opts = append(opts, holobiont.ScenarioData(sourceName(f, "scenarios/"), f.Data))
	}
	var opt holobiont.Options
	method, err := ode.ParseMethod(job.Solver)
	if err != nil {
		return nil, opt, fmt.Errorf("solver: %w", err)
	}
	opt = holobiont.Options{Method: method, RTol: job.RTol, ATol: job.ATol, Seed: job.Seed, Format: holobiont.CSV, Version: version}
	var p *holobiont.Problem
	switch f := job.Model; {
	case f == nil:
		p, err = holobiont.Load(ctx, "", opts...)
	case server.IsSBML(f.Data):
		var m *model.Model
		if m, err = sbml.Read(f.Name, f.Data); err == nil {
			p, err = holobiont.New(ctx, m, append(opts, holobiont.ModelSource(sourceName(f, ""), f.Data))...)
		}
	default:
		p, err = holobiont.LoadData(ctx, sourceName(f, ""), f.Data, opts...)
	}
	var se *holobiont.SetError
	if errors.As(err, &se) {
		err = fmt.Errorf("set %s: %w", se.Name, se.Err)
	}
	return p, opt, err
}

// sourceName names a shipped file as the CLI does ("shipped:NAME").
func sourceName(f *server.File, shippedDir string) string {
	if f.Shipped {
		return "shipped:" + shippedDir + f.Name
	}
	return f.Name
}

func (serveEngine) Prepare(ctx context.Context, job *server.Job) (*server.Plan, error) {
	switch job.Kind {
	case "run":
		p, opt, err := problemFor(ctx, job)
		if err != nil {
			return nil, err
		}
		title := p.Model.ID
		if n := p.ScenarioName(); n != "" {
			title += ": " + n
		}
		return &server.Plan{ID: p.RunID(opt), Title: title, Total: int64(math.Ceil(p.End() - p.Start()))}, nil
	case "cohort", "trial", "gsa", "vpop":
		dir, err := os.MkdirTemp("", "holobiont-prepare-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		pl, err := compileJob(job, dir)
		if err != nil {
			return nil, err
		}
		return &server.Plan{ID: pl.id, Title: pl.title, Total: int64(pl.subjects)}, nil
	case "fit":
		return prepareFit(job)
	}
	return nil, fmt.Errorf("kind %q: want run, cohort, trial, gsa, vpop or fit", job.Kind)
}

// jobPlan is a compiled cohort or trial.
type jobPlan struct {
	id, title string
	subjects  int // simulated subjects, including a power study's
	cohort    *cohort.Plan
	trial     *cohort.TrialPlan
	study     *gsastudy.Plan // gsa or vpop
}

// compileJob writes a cohort or trial spec and the files it names into
// dir/inputs and compiles it. The id hashes the holobiont version, the kind
// and the spec with its model and scenario bytes.
func compileJob(job *server.Job, dir string) (*jobPlan, error) {
	in := filepath.Join(dir, "inputs")
	if err := os.MkdirAll(in, 0o755); err != nil {
		return nil, err
	}
	for rel, f := range job.Files {
		p := filepath.Join(in, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return nil, err
		}
	}
	specPath := filepath.Join(in, job.Spec.Name)
	if err := os.WriteFile(specPath, job.Spec.Data, 0o644); err != nil {
		return nil, err
	}
	pl := &jobPlan{}
	h := sha256.New()
	fmt.Fprintf(h, "holobiont %s\nkind %s\nno_power %v\n", version, job.Kind, job.NoPower)
	switch job.Kind {
	case "gsa", "vpop":
		s, err := gsastudy.ParseSpec(job.Spec.Name, job.Spec.Data)
		if err != nil {
			return nil, err
		}
		if s.IsVPop() != (job.Kind == "vpop") {
			return nil, fmt.Errorf("%s: a spec with a vpop: section runs as kind vpop, one without as kind gsa", job.Spec.Name)
		}
		s.File = specPath
		p, err := gsastudy.Compile(s)
		if err != nil {
			return nil, specError(err, specPath, job.Spec.Name)
		}
		s.File = job.Spec.Name
		if p.Runs > job.Limits.MaxSubjects {
			return nil, fmt.Errorf("%s: %d runs is over the server's limit of %d (--max-subjects)", job.Spec.Name, p.Runs, job.Limits.MaxSubjects)
		}
		pl.study, pl.subjects, pl.title = p, p.Runs, fmt.Sprintf("%s %s (%d runs)", job.Kind, s.Name, p.Runs)
		hashSpec(h, job)
	case "cohort":
		s, err := cohort.ParseSpec(job.Spec.Name, job.Spec.Data)
		if err != nil {
			return nil, err
		}
		s.File = specPath
		if s.N > job.Limits.MaxSubjects {
			return nil, fmt.Errorf("%s: %d subjects is over the server's limit of %d (--max-subjects)", job.Spec.Name, s.N, job.Limits.MaxSubjects)
		}
		p, err := cohort.Compile(s)
		if err != nil {
			return nil, specError(err, specPath, job.Spec.Name)
		}
		s.File = job.Spec.Name // as the CLI run in the spec's directory names it
		pl.cohort, pl.subjects, pl.title = p, s.N, fmt.Sprintf("cohort %s (%d subjects)", s.Name, s.N)
		fmt.Fprintf(h, "plan %s\n", p.Spec.Hash)
	default:
		ts, err := cohort.ParseTrialSpec(job.Spec.Name, job.Spec.Data)
		if err != nil {
			return nil, err
		}
		ts.File = specPath
		n := ts.N
		if ts.Power != nil && !job.NoPower {
			for _, k := range ts.Power.N {
				n += k * ts.Power.Replicates
			}
		}
		if n > job.Limits.MaxSubjects {
			return nil, fmt.Errorf("%s: %d subjects (with the power study's replicates) is over the server's limit of %d (--max-subjects; no_power skips the power study)", job.Spec.Name, n, job.Limits.MaxSubjects)
		}
		tp, err := cohort.CompileTrial(ts)
		if err != nil {
			return nil, specError(err, specPath, job.Spec.Name)
		}
		ts.File = job.Spec.Name // the report names the spec as the CLI run in its directory does
		pl.trial, pl.subjects, pl.title = tp, n, fmt.Sprintf("trial %s (%d subjects)", ts.Name, ts.N)
		hashSpec(h, job)
	}
	pl.id = hex.EncodeToString(h.Sum(nil))[:12]
	return pl, nil
}

// hashSpec adds a spec's bytes and the files it names to a job's id.
func hashSpec(h io.Writer, job *server.Job) {
	fmt.Fprintf(h, "spec %s\n", sha256Hex(job.Spec.Data))
	names := make([]string, 0, len(job.Files))
	for rel := range job.Files {
		names = append(names, rel)
	}
	sort.Strings(names)
	for _, rel := range names {
		fmt.Fprintf(h, "file %s %s\n", rel, sha256Hex(job.Files[rel].Data))
	}
}

// specError names the spec by its name, not by the server's working copy.
func specError(err error, path, name string) error {
	return errors.New(strings.ReplaceAll(err.Error(), path, name))
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func (serveEngine) Execute(ctx context.Context, job *server.Job, dir string, progress func(done, total int64)) (json.RawMessage, error) {
	switch job.Kind {
	case "run":
		p, opt, err := problemFor(ctx, job)
		if err != nil {
			return nil, err
		}
		if id := p.RunID(opt); id != filepath.Base(dir) {
			return nil, fmt.Errorf("run id %s does not match the stored run %s (a different holobiont version?)", id, filepath.Base(dir))
		}
		start, total := p.Start(), int64(math.Ceil(p.End()-p.Start()))
		opt.Progress = func(t float64) { progress(int64(t-start), total) }
		res, runErr := p.Run(ctx, opt)
		if res == nil {
			return nil, runErr
		}
		sum, _ := json.Marshal(res.Record)
		if runErr != nil {
			// Failed part-way: keep the rows computed so far (trajectory.partial.csv).
			if err := res.Write(dir, holobiont.CSV); err != nil {
				return sum, fmt.Errorf("%w (writing the partial trajectory also failed: %v)", runErr, err)
			}
			return sum, runErr
		}
		// The CLI's files (trajectory.csv, summary.json, report.html) plus the trajectory as Parquet.
		page, err := runreport.Build(ctx, p, res)
		if err != nil {
			return nil, err
		}
		parquet := holobiont.File{Name: "trajectory.parquet", Write: func(w io.Writer) error {
			return holobiont.WriteTrajectory(w, res.Trajectory, holobiont.Parquet)
		}}
		if err := res.Write(dir, holobiont.CSV, holobiont.File{Name: "report.html", Write: page.WriteHTML}, parquet); err != nil {
			return nil, err
		}
		return sum, nil
	case "cohort", "trial", "gsa", "vpop":
		pl, err := compileJob(job, dir)
		if err != nil {
			return nil, err
		}
		prog := func(done, total int) { progress(int64(done), int64(total)) }
		switch {
		case pl.study != nil:
			err = gsastudy.Run(ctx, pl.study, dir, gsastudy.Options{Workers: job.Limits.Workers, Version: version, Progress: prog})
		case pl.cohort != nil:
			err = cohort.Run(ctx, pl.cohort, dir, cohort.Options{Workers: job.Limits.Workers, Version: version, Progress: prog})
		default:
			err = runTrial(ctx, pl.trial, dir, cohort.Shard{I: 0, N: 1}, job.Limits.Workers, "never", job.NoPower, io.Discard, io.Discard, trialProgress(pl, prog), nil)
		}
		if err != nil {
			return nil, err
		}
		return os.ReadFile(filepath.Join(dir, cohort.FileManifest))
	case "fit":
		return executeFit(ctx, job, dir, progress)
	}
	return nil, errors.New("unknown kind " + job.Kind)
}

// trialProgress turns the trial's two progress phases (its subjects, then
// the power study's) into one count.
func trialProgress(pl *jobPlan, prog func(done, total int)) func(done, total int) {
	n := pl.trial.Trial.N
	phase2 := false
	return func(done, total int) {
		if !phase2 && total != n {
			phase2 = true
		}
		if phase2 {
			prog(n+done, pl.subjects)
			return
		}
		prog(done, pl.subjects)
	}
}
