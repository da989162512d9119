package targets

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/holobiont/holobiont"
)

// Evaluator reads a targets file's simulated targets off the model: one
// compiled Problem per scenario and control. It is shared by Workers (one
// per goroutine).
type Evaluator struct {
	File *File
	// Params are the estimated parameters' ids, in file order.
	Params []string
	// Model is the model's Problem under its shipped scenario (its source
	// and hash identify the model in reports).
	Model *holobiont.Problem
	runs  []run
}

type run struct {
	target  int
	control bool
	p       *holobiont.Problem
	free    []int    // per runner parameter: its index in Params
	vars    []string // the observable, then Per
}

// ModelPath resolves the file's model: relative to the targets file's
// folder when that file exists, else the name as given (a shipped model).
func (f *File) ModelPath() string {
	p := filepath.Join(filepath.Dir(f.Name), f.Model)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return f.Model
}

// NewEvaluator loads f's model and compiles every simulated target's
// scenario and control with the target's settings. Unknown parameters and
// scenario errors name the target.
func NewEvaluator(ctx context.Context, f *File) (*Evaluator, error) {
	base, err := holobiont.Load(ctx, f.ModelPath())
	if err != nil {
		return nil, fmt.Errorf("%s: model: %w", f.Name, err)
	}
	ev := &Evaluator{File: f, Model: base}
	for _, p := range f.Parameters {
		if _, ok := base.Parameter(p.ID); !ok {
			return nil, fmt.Errorf("%s: parameter %s: the model %s has no such parameter", f.Name, p.ID, base.ModelSource.Name)
		}
		ev.Params = append(ev.Params, p.ID)
	}
	for i := range f.Targets {
		t := &f.Targets[i]
		if !t.Simulated() {
			continue
		}
		for _, ctl := range []bool{false, true} {
			scen := t.Scenario
			what := "scenario"
			if ctl {
				if t.Control == "" {
					continue
				}
				scen, what = t.Control, "control"
			}
			r, err := ev.compile(ctx, i, ctl, what, scen)
			if err != nil {
				return nil, err
			}
			ev.runs = append(ev.runs, r)
		}
	}
	return ev, nil
}

func (ev *Evaluator) compile(ctx context.Context, i int, ctl bool, what, scen string) (run, error) {
	f, t := ev.File, &ev.File.Targets[i]
	name := fmt.Sprintf("%s (target %s, %s)", f.Name, t.ID, what)
	opts := []holobiont.Option{holobiont.ModelSource(ev.Model.ModelSource.Name, ev.Model.ModelSource.Data), holobiont.ScenarioData(name, []byte(scen))}
	for _, k := range setNames(t.Set) {
		opts = append(opts, holobiont.Set(k, t.Set[k]))
	}
	p, err := holobiont.New(ctx, ev.Model.Model, opts...)
	if err != nil {
		return run{}, fmt.Errorf("%s: %w", name, err)
	}
	r := run{target: i, control: ctl, p: p, vars: []string{t.Observable}}
	if t.Per != "" {
		r.vars = append(r.vars, t.Per)
	}
	for k, id := range ev.Params {
		if _, set := t.Set[id]; !set {
			r.free = append(r.free, k)
		}
	}
	return r, nil
}

// Worker evaluates targets on its own Runners (one goroutine).
type Worker struct {
	ev      *Evaluator
	runners []*holobiont.Runner
	vals    []float64
}

// NewWorker returns a Worker for one goroutine.
func (ev *Evaluator) NewWorker() (*Worker, error) {
	w := &Worker{ev: ev}
	for _, r := range ev.runs {
		ids := make([]string, len(r.free))
		for k, j := range r.free {
			ids[k] = ev.Params[j]
		}
		rn, err := r.p.NewRunner(ids...)
		if err != nil {
			return nil, err
		}
		w.runners = append(w.runners, rn)
	}
	return w, nil
}

// Eval writes into dst (len(File.Targets)) each simulated target's model
// value at the estimated parameters' values p (linear scale, Params
// order); targets evaluated elsewhere get NaN.
func (w *Worker) Eval(ctx context.Context, p, dst []float64) error {
	f := w.ev.File
	if len(p) != len(w.ev.Params) || len(dst) != len(f.Targets) {
		return fmt.Errorf("targets: %d values for %d parameters, %d results for %d targets", len(p), len(w.ev.Params), len(dst), len(f.Targets))
	}
	type pair struct{ s, sp, c, cp float64 }
	got := make([]pair, len(f.Targets))
	for k, r := range w.ev.runs {
		t := &f.Targets[r.target]
		w.vals = w.vals[:0]
		for _, j := range r.free {
			w.vals = append(w.vals, p[j])
		}
		res, err := w.runners[k].Run(ctx, w.vals, holobiont.Options{RTol: f.Solver.RTol, ATol: f.Solver.ATol, Variables: r.vars})
		if err != nil {
			return fmt.Errorf("target %s: %w", t.ID, err)
		}
		s, err := t.statistic(res.Times(), res.Series(r.vars[0]))
		if err != nil {
			return fmt.Errorf("target %s: %s: %w", t.ID, r.vars[0], err)
		}
		sp := 1.0
		if t.Per != "" {
			if sp, err = t.statistic(res.Times(), res.Series(r.vars[1])); err != nil {
				return fmt.Errorf("target %s: per %s: %w", t.ID, t.Per, err)
			}
		}
		if r.control {
			got[r.target].c, got[r.target].cp = s, sp
		} else {
			got[r.target].s, got[r.target].sp = s, sp
		}
	}
	for i := range f.Targets {
		dst[i] = math.NaN()
		if f.Targets[i].Simulated() {
			g := got[i]
			dst[i] = f.Targets[i].combine(g.s, g.sp, g.c, g.cp)
		}
	}
	return nil
}

// Prior returns the estimated parameters' prior medians (linear scale).
func (f *File) Prior() []float64 {
	out := make([]float64, len(f.Parameters))
	for k, p := range f.Parameters {
		out[k] = p.Prior
	}
	return out
}
