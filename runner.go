package holobiont

import (
	"context"
	"fmt"

	"github.com/holobiont/holobiont/internal/suggest"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// Runner runs one Problem many times with different values of a fixed
// list of parameters: the model is compiled once (by Load or New) and each
// Runner owns a copy of the compiled system. A Runner is for one goroutine;
// make one per worker:
//
//	r, err := p.NewRunner("sigma_S", "niche_open")
//	for _, x := range designs {          // in each worker
//		res, err := r.Run(ctx, x, holobiont.Options{})
//	}
//
// Parameters not in the list keep the Problem's values (the scenario's
// settings and overrides).
type Runner struct {
	p      *Problem
	params []string
	sys    *system.System
	fresh  bool            // the model has events (they may change parameters): copy the system per run
	last   *sim.Trajectory // Simulate's previous trajectory, whose storage the next one takes over
}

// NewRunner returns a Runner that sets params (in this order) before each
// run. Unknown names are an error.
func (p *Problem) NewRunner(params ...string) (*Runner, error) {
	r := &Runner{p: p, params: append([]string(nil), params...), sys: p.sys.Clone(), fresh: p.sys.HasEvents()}
	for _, id := range params {
		if _, ok := p.sys.Parameter(id); !ok {
			return nil, fmt.Errorf("runner: model %s has no parameter %q%s", p.Model.ID, id, suggest.DidYouMean(id, p.sys.ParameterNames()))
		}
	}
	return r, nil
}

// Params returns the names the Runner sets, in order.
func (r *Runner) Params() []string { return append([]string(nil), r.params...) }

// Problem returns the Problem the Runner runs.
func (r *Runner) Problem() *Problem { return r.p }

// System returns the Runner's compiled system with values set, for callers
// that drive sim.Run themselves (for example with their own output times
// or a state hook). It is valid until the next call of Run or System.
func (r *Runner) System(values []float64) (*system.System, error) {
	if len(values) != len(r.params) {
		return nil, fmt.Errorf("runner: %d values for %d parameters", len(values), len(r.params))
	}
	if r.fresh {
		r.sys = r.p.sys.Clone()
	}
	for k, id := range r.params {
		if err := r.sys.SetParameter(id, values[k]); err != nil {
			return nil, &SetError{Name: id, Err: err}
		}
	}
	return r.sys, nil
}

// Simulate runs sys (from System) under sched with sim.Run on the storage
// of the Runner's previous Simulate (sim.Options.Reuse): a worker's loop
// over many subjects then allocates almost nothing per run, with the same
// results. The returned trajectory is valid until the next call of
// Simulate; copy what must outlive it.
func (r *Runner) Simulate(ctx context.Context, sys *system.System, sched *sim.Schedule, opt sim.Options) (*sim.Trajectory, error) {
	opt.Reuse, r.last = r.last, nil
	tr, err := sim.Run(ctx, sys, sched, opt)
	r.last = tr
	return tr, err
}

// Run runs the Problem with values[k] for parameter k of the Runner's
// list. Errors are as for Problem.Run; the record's "set" and run id
// include these values.
func (r *Runner) Run(ctx context.Context, values []float64, opt Options) (*Result, error) {
	o := opt.withDefaults()
	if err := o.check(); err != nil {
		return nil, err
	}
	sys, err := r.System(values)
	if err != nil {
		return nil, err
	}
	extra := make([]Setting, len(r.params))
	for k, id := range r.params {
		extra[k] = Setting{id, values[k]}
	}
	tr, runErr := runSim(ctx, sys, r.p.schedule, r.p.simOptions(o), o.Variables)
	return r.p.result(tr, runErr, o, extra)
}
