package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/system"
)

// Run simulates sys under sched from opt.Start to opt.End. sys is modified
// (inputs, parameters through events); Clone it first to keep it. On
// failure it returns the partial trajectory and a *Error.
func Run(ctx context.Context, sys *system.System, sched *Schedule, opt Options) (*Trajectory, error) {
	r, err := newRunner(ctx, sys, sched, opt)
	if err != nil {
		return nil, err
	}
	err = r.run()
	r.tr.blocks = r.rec.blocks // the rows' storage, for Options.Reuse
	if err != nil {
		if r.failed {
			r.tr.Complete = false
			return r.tr, err
		}
		return nil, err
	}
	r.tr.Complete = true
	return r.tr, nil
}

// runner is one Run: the checked schedule and output times, the solver,
// the trajectory being recorded and the integration state.
type runner struct {
	ctx  context.Context
	sys  *system.System
	opt  Options
	outT []float64 // output times
	oi   int       // next output time

	bounds   []float64 // schedule boundaries in (Start, End), then End
	boluses  []Bolus   // by time
	bi       int       // next bolus
	defaults map[string]float64
	inIDs    []string   // the model's inputs
	inVals   []float64  // their values (scratch)
	inSigs   [][]Signal // the signals of each input

	odeOpt ode.Options
	solver *ode.Solver // nil for a model without state
	ev     ode.Events  // the system when it has events, else nil
	hist   bool        // delay(): record the solution history
	grid   float64     // history grid spacing

	tr     *Trajectory
	rec    recorder
	fc     *fastCheck
	y      []float64
	t      float64
	failed bool // run's error is a *Error with the partial trajectory
}

// newRunner checks the time span, the output times and the schedule and
// prepares the solver and the trajectory.
func newRunner(ctx context.Context, sys *system.System, sched *Schedule, opt Options) (*runner, error) {
	if sched == nil {
		sched = &Schedule{}
	}
	if math.IsNaN(opt.Start) || math.IsNaN(opt.End) || math.IsInf(opt.Start, 0) || math.IsInf(opt.End, 0) || opt.End < opt.Start {
		return nil, fmt.Errorf("sim: invalid time span [%g, %g]", opt.Start, opt.End)
	}
	r := &runner{ctx: ctx, sys: sys, opt: opt, outT: opt.OutputTimes}
	if r.outT == nil {
		for t := opt.Start; t < opt.End; t++ {
			r.outT = append(r.outT, t)
		}
		r.outT = append(r.outT, opt.End)
	}
	for i, t := range r.outT {
		if t < opt.Start || t > opt.End || math.IsNaN(t) {
			return nil, fmt.Errorf("sim: output time %g outside [%g, %g]", t, opt.Start, opt.End)
		}
		if i > 0 && t < r.outT[i-1] {
			return nil, fmt.Errorf("sim: output times not ascending at index %d (%g after %g)", i, t, r.outT[i-1])
		}
	}
	if err := r.schedule(sched); err != nil {
		return nil, err
	}
	n := sys.Dim()
	r.odeOpt = opt.ODE
	if r.odeOpt.NonNegative == nil {
		r.odeOpt.NonNegative = sys.NonNegative()
	}
	if n > 0 {
		if err := r.newSolver(n); err != nil {
			return nil, err
		}
	}
	r.newTrajectory()
	if sys.HasFast() && n > 0 {
		r.fc = newFastCheck(sys, opt)
	}
	r.y = make([]float64, n)
	r.t = opt.Start
	return r, nil
}

// newSolver makes the solver, or takes over opt.Reuse's when it was made
// for the same dimension and options (Reset: it starts afresh).
func (r *runner) newSolver(n int) error {
	if old := r.opt.Reuse; old != nil && old.solver != nil && old.solverN == n && sameODE(old.solverOpt, r.odeOpt) {
		r.solver = old.solver
		r.solver.Reset()
		return nil
	}
	var err error
	if r.solver, err = ode.NewSolver(n, r.odeOpt); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	return nil
}

// sameODE reports whether a and b are the same solver options.
func sameODE(a, b ode.Options) bool {
	return a.Method == b.Method && a.RTol == b.RTol && a.ATol == b.ATol && a.InitialStep == b.InitialStep &&
		a.MaxStep == b.MaxStep && a.MaxSteps == b.MaxSteps && slices.Equal(a.ATolVec, b.ATolVec) &&
		slices.Equal(a.NonNegative, b.NonNegative) && (a.ATolVec == nil) == (b.ATolVec == nil) &&
		(a.NonNegative == nil) == (b.NonNegative == nil)
}

// newTrajectory sets up the trajectory, on the storage of opt.Reuse when
// given.
func (r *runner) newTrajectory() {
	old := r.opt.Reuse
	if old == nil {
		old = &Trajectory{}
	}
	r.tr = &Trajectory{Names: r.sys.VariableNames(), Times: old.Times[:0], solver: r.solver, solverN: r.sys.Dim(), solverOpt: r.odeOpt}
	if cap(r.tr.Times) < len(r.outT) {
		r.tr.Times = make([]float64, 0, len(r.outT))
	}
	if r.opt.NoRows {
		return
	}
	r.rec = newRecorder(r.sys, len(r.tr.Names), len(r.outT), old.blocks)
	r.tr.Values = old.Values[:0]
	if cap(r.tr.Values) < len(r.outT) {
		r.tr.Values = make([][]float64, 0, len(r.outT))
	}
}

// schedule checks the signals and boluses against the model and collects
// the segment boundaries and each input's signals.
func (r *runner) schedule(sched *Schedule) error {
	opt, sys := r.opt, r.sys
	r.defaults = map[string]float64{}
	for _, id := range sys.Inputs() {
		r.defaults[id], _ = sys.InputDefault(id)
	}
	addB := func(t float64) {
		if t > opt.Start && t < opt.End {
			r.bounds = append(r.bounds, t)
		}
	}
	for _, sg := range sched.Signals {
		if _, ok := r.defaults[sg.Input]; !ok {
			return fmt.Errorf("sim: schedule names input %q, which the model does not declare", sg.Input)
		}
		for _, p := range sg.Pieces {
			if !(p.End > p.Start) || math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
				return fmt.Errorf("sim: input %s: invalid piece [%g, %g) = %g", sg.Input, p.Start, p.End, p.Value)
			}
			addB(p.Start)
			addB(p.End)
		}
	}
	r.boluses = append([]Bolus(nil), sched.Boluses...)
	sort.SliceStable(r.boluses, func(i, j int) bool { return r.boluses[i].Time < r.boluses[j].Time })
	for _, b := range r.boluses {
		if _, ok := sys.StateIndex(b.Target); !ok {
			return fmt.Errorf("sim: bolus at t=%g names %q, which is not a state variable of the model", b.Time, b.Target)
		}
		addB(b.Time)
	}
	sort.Float64s(r.bounds)
	r.bounds = append(uniq(r.bounds), opt.End)
	r.inIDs = sys.Inputs()
	r.inVals = make([]float64, len(r.inIDs))
	r.inSigs = make([][]Signal, len(r.inIDs))
	for k, id := range r.inIDs {
		for _, sg := range sched.Signals {
			if sg.Input == id {
				r.inSigs[k] = append(r.inSigs[k], sg)
			}
		}
	}
	return nil
}

// fail marks the run failed at simulated time t (in variable, "" when
// unknown) and returns the *Error.
func (r *runner) fail(t float64, variable string, err error) *Error {
	r.failed = true
	return &Error{T: t, Variable: variable, Err: err}
}

// record records the output row at (t, y).
func (r *runner) record(t float64, y []float64) error {
	if r.fc != nil {
		if err := r.fc.check(r.ctx, t, y); err != nil {
			return err
		}
	}
	if r.opt.StateHook != nil {
		r.opt.StateHook(t, y)
	}
	if !r.opt.NoRows {
		r.tr.Values = append(r.tr.Values, r.rec.row(r.sys, len(r.tr.Times), t, y))
	}
	r.tr.Times = append(r.tr.Times, t)
	if r.opt.Progress != nil {
		r.opt.Progress(t)
	}
	return nil
}

// recordUpTo records the rows at the output times up to and including t
// from the state y.
func (r *runner) recordUpTo(t float64) error {
	for r.oi < len(r.outT) && r.outT[r.oi] <= t {
		if err := r.record(r.outT[r.oi], r.y); err != nil {
			return r.fail(t, "", err)
		}
		r.oi++
	}
	return nil
}

// setInputs sets every input to its value at t: the default, or the sum of
// the pieces covering t (one update of what depends on them).
func (r *runner) setInputs(t float64) error {
	for k, id := range r.inIDs {
		v := r.defaults[id]
		covered := false
		sum := 0.0
		for _, sg := range r.inSigs[k] {
			for _, p := range sg.Pieces {
				if t >= p.Start && t < p.End {
					covered = true
					sum += p.Value
				}
			}
		}
		if covered {
			v = sum
		}
		r.inVals[k] = v
	}
	return r.sys.SetInputs(r.inIDs, r.inVals)
}

// applyBoluses applies the boluses due at or before t (those before the
// start are skipped).
func (r *runner) applyBoluses(t float64) error {
	for r.bi < len(r.boluses) && r.boluses[r.bi].Time <= t {
		b := r.boluses[r.bi]
		r.bi++
		if b.Time < r.opt.Start {
			continue
		}
		if err := r.sys.ApplyBolus(t, r.y, b.Target, b.Op, b.Value); err != nil {
			return err
		}
	}
	return nil
}

// run integrates from Start to End, segment by segment.
func (r *runner) run() error {
	if err := r.start(); err != nil {
		return err
	}
	if err := r.recordUpTo(r.t); err != nil {
		return err
	}
	for _, b := range r.bounds {
		if err := r.segment(b); err != nil {
			return err
		}
	}
	for r.oi < len(r.outT) {
		if err := r.record(r.outT[r.oi], r.y); err != nil {
			return r.fail(r.outT[r.oi], "", err)
		}
		r.oi++
	}
	return nil
}

// start sets the initial inputs and state, equilibrates fast reactions,
// applies the boluses at the start, starts the events and the delay
// history.
func (r *runner) start() error {
	sys, t, n := r.sys, r.t, len(r.y)
	if err := r.setInputs(t); err != nil {
		return err
	}
	if err := sys.InitialState(r.y); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	if sys.HasFast() && n > 0 {
		if err := equilibrate(r.ctx, sys, t, r.y); err != nil {
			return fmt.Errorf("sim: fast reactions at t=%g: %w", t, err)
		}
	}
	if err := r.applyBoluses(t); err != nil {
		return r.fail(t, "", err)
	}
	if sys.HasEvents() {
		r.ev = sys
		if _, err := sys.EventsStart(t, r.y); err != nil {
			return r.fail(t, "", err)
		}
	}
	// delay(): record the solution on a fine grid (and after every jump)
	// for the Hermite history, and keep steps below the grid spacing.
	r.hist = sys.HasDelays()
	if !r.hist {
		return nil
	}
	sys.ResetHistory()
	sys.RecordHistory(t, r.y)
	r.grid = (r.opt.End - r.opt.Start) / 4000
	if md := sys.MinDelay(t, r.y); md/8 < r.grid {
		r.grid = md / 8
	}
	if r.grid > 0 && r.solver != nil {
		o := r.odeOpt
		if o.MaxStep == 0 || o.MaxStep > r.grid {
			o.MaxStep = r.grid
		}
		var err error
		if r.solver, err = ode.NewSolver(n, o); err != nil {
			return fmt.Errorf("sim: %w", err)
		}
		r.tr.solver, r.tr.solverOpt = r.solver, o
	}
	return nil
}

// segment integrates from the current time to the schedule boundary b
// (stopping at events on the way), with the inputs of [t, b).
func (r *runner) segment(b float64) error {
	sys := r.sys
	if err := r.setInputs(r.t); err != nil {
		return r.fail(r.t, "", err)
	}
	segStart := r.t
	for r.t < b {
		if err := r.ctx.Err(); err != nil {
			return r.fail(r.t, "", err)
		}
		stop := b
		if r.ev != nil {
			if ne := sys.NextEventTime(); ne < stop {
				stop = math.Max(ne, r.t)
			}
		}
		if r.solver == nil {
			if err := r.noState(stop); err != nil {
				return err
			}
			continue
		}
		event, err := r.integrate(stop)
		if err != nil {
			return err
		}
		if event {
			continue
		}
		r.t = stop
		if err := r.boundary(stop, b, segStart); err != nil {
			return err
		}
	}
	return nil
}

// noState records the outputs before stop of a model without state (they
// depend on time only) and moves to stop.
func (r *runner) noState(stop float64) error {
	for r.oi < len(r.outT) && r.outT[r.oi] < stop {
		tt := r.outT[r.oi]
		r.oi++
		if err := r.record(tt, r.y); err != nil {
			return r.fail(tt, "", err)
		}
	}
	r.t = stop
	return r.recordUpTo(r.t)
}

// integrate runs the solver from the current time to stop, recording the
// output times strictly before stop (stop itself is recorded after the
// boluses and events there). It reports whether an event stopped it
// first (then it has processed the event).
func (r *runner) integrate(stop float64) (event bool, err error) {
	sys := r.sys
	j := r.oi
	for j < len(r.outT) && r.outT[j] < stop {
		j++
	}
	outFn := func(tt float64, yy []float64) error {
		r.oi++
		return r.record(tt, yy)
	}
	tl, cb := r.outT[r.oi:j], outFn
	if r.hist && r.grid > 0 {
		var kind []byte
		tl, kind = mergeGrid(r.outT[r.oi:j], r.t, stop, r.opt.Start, r.grid)
		ci := 0
		cb = func(tt float64, yy []float64) error {
			k := kind[ci]
			ci++
			if k&2 != 0 {
				sys.RecordHistory(tt, yy)
			}
			if k&1 != 0 {
				return outFn(tt, yy)
			}
			return nil
		}
	}
	res, err := r.solver.Integrate(r.ctx, sys, r.t, r.y, stop, tl, cb, r.ev)
	r.tr.Stats.Add(res.Stats)
	if err != nil {
		return false, r.solverError(res, err)
	}
	r.t = res.T
	if res.Event < 0 {
		return false, nil
	}
	if _, err := sys.EventsRoot(res.Event, r.t, r.y); err != nil {
		return false, r.fail(r.t, "", err)
	}
	if r.hist {
		sys.RecordHistory(r.t, r.y)
	}
	return true, nil
}

// solverError turns a failed Integrate into the run's *Error.
func (r *runner) solverError(res ode.Result, err error) error {
	var nf *ode.NonFiniteError
	if errors.As(err, &nf) {
		e := r.fail(nf.T, r.stateName(nf.Index), err)
		e.Cause = r.sys.NonFinite(nf.T, r.y)
		return e
	}
	var ss *ode.StepSizeError
	if errors.As(err, &ss) {
		return r.fail(ss.T, "", err)
	}
	var ms *ode.MaxStepsError
	if errors.As(err, &ms) {
		return r.fail(ms.T, "", err)
	}
	return r.fail(res.T, "", err)
}

func (r *runner) stateName(i int) string {
	sn := r.sys.StateNames()
	if i >= 0 && i < len(sn) {
		return sn[i]
	}
	return ""
}

// boundary handles reaching stop (b: the segment's boundary): boluses and
// extinctions at a schedule boundary, due events, the delay history, the
// output rows at stop.
func (r *runner) boundary(stop, b, segStart float64) error {
	sys, t := r.sys, r.t
	if stop == b {
		if err := r.applyBoluses(t); err != nil {
			return r.fail(t, "", err)
		}
		if r.ev != nil && stop < r.opt.End {
			// members left below their extinction threshold with no
			// inflow in the next segment (e.g. a probiotic washing out
			// after its last dose) are extinct; rows at t keep this
			// segment's inputs
			if err := r.setInputs(t); err != nil {
				return r.fail(t, "", err)
			}
			sys.Extinguish(t, r.y)
			if err := r.setInputs(segStart); err != nil {
				return r.fail(t, "", err)
			}
		}
	}
	if r.ev != nil {
		if _, err := sys.EventsDue(t, r.y); err != nil {
			return r.fail(t, "", err)
		}
	}
	if r.hist {
		sys.RecordHistory(t, r.y)
	}
	if err := r.recordUpTo(t); err != nil {
		return err
	}
	if r.opt.Progress != nil {
		r.opt.Progress(t)
	}
	return nil
}
