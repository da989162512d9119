package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/system"
)

// Piece is an input value on [Start, End).
type Piece struct{ Start, End, Value float64 }

// Signal is a piecewise-constant schedule for one input. Outside all pieces
// the input has its default value; where pieces overlap their values add.
type Signal struct {
	Input  string
	Pieces []Piece
}

// Bolus changes a state variable at one time: Op is "add", "set" or "mul".
type Bolus struct {
	Time   float64
	Target string
	Op     string
	Value  float64
}

// Schedule is a scenario's interventions.
type Schedule struct {
	Signals []Signal
	Boluses []Bolus
}

// Options configures Run.
type Options struct {
	Start, End float64
	// OutputTimes are ascending times in [Start, End]; nil means one row
	// per time unit from Start to End (and End itself).
	OutputTimes []float64
	ODE         ode.Options
	// Progress, if set, is called with the simulated time at segment ends
	// and output times.
	Progress func(t float64)
	// StateHook, if set, is called with the state vector (scratch: copy
	// it) of every recorded row.
	StateHook func(t float64, y []float64)
	// NoRows, if set, skips computing the trajectory's output rows: the
	// returned Trajectory has Names and Times but no Values,
	// and the output times reach the caller only through StateHook. It
	// saves evaluating every output variable at every output time when
	// the caller derives what it needs from the states (for example with
	// system.Selector).
	NoRows bool
	// FastAbsTol and FastRelTol bound the error of the rapid-equilibrium
	// approximation of fast reactions (see package doc): at every output
	// time each state must lie within FastAbsTol + FastRelTol·|y| of the
	// equilibrium of the fast reactions, else Run fails with a
	// *system.Unsupported error. Zero means 1e3·ODE.ATol (1e-6 when ATol is
	// zero) and max(1e3·ODE.RTol, 1e-6).
	FastAbsTol, FastRelTol float64
}

// Trajectory holds the output rows of a run.
type Trajectory struct {
	Names    []string // = sys.VariableNames()
	Times    []float64
	Values   [][]float64 // Values[k] is the row at Times[k]
	Complete bool        // false when integration failed part-way
	Stats    ode.Stats
}

// Error reports a failed run: the simulated time, the state variable
// concerned ("" when unknown) and the cause.
type Error struct {
	T        float64
	Variable string
	Err      error
	// Cause names the first non-finite expression at the failure (for
	// example "reaction J1 (model.xml:40) = +Inf" after a division by
	// zero), or "".
	Cause string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("simulation failed at t=%g", e.T)
	if e.Variable != "" {
		msg += " in " + e.Variable
	}
	msg += fmt.Sprintf(": %v", e.Err)
	if e.Cause != "" {
		msg += "; first non-finite expression: " + e.Cause
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

type dysTrack struct {
	d    system.Dysbiosis
	base []float64 // baseline relative composition, nil until set
	buf  []float64
}

// Run simulates sys under sched from opt.Start to opt.End. sys is modified
// (inputs, parameters through events); Clone it first to keep it. On
// failure it returns the partial trajectory and a *Error.
func Run(ctx context.Context, sys *system.System, sched *Schedule, opt Options) (*Trajectory, error) {
	if sched == nil {
		sched = &Schedule{}
	}
	if math.IsNaN(opt.Start) || math.IsNaN(opt.End) || math.IsInf(opt.Start, 0) || math.IsInf(opt.End, 0) || opt.End < opt.Start {
		return nil, fmt.Errorf("sim: invalid time span [%g, %g]", opt.Start, opt.End)
	}
	outT := opt.OutputTimes
	if outT == nil {
		for t := opt.Start; t < opt.End; t++ {
			outT = append(outT, t)
		}
		outT = append(outT, opt.End)
	}
	for i, t := range outT {
		if t < opt.Start || t > opt.End || math.IsNaN(t) {
			return nil, fmt.Errorf("sim: output time %g outside [%g, %g]", t, opt.Start, opt.End)
		}
		if i > 0 && t < outT[i-1] {
			return nil, fmt.Errorf("sim: output times not ascending at index %d (%g after %g)", i, t, outT[i-1])
		}
	}
	// Schedule validation and boundaries.
	defaults := map[string]float64{}
	for _, id := range sys.Inputs() {
		defaults[id], _ = sys.InputDefault(id)
	}
	var bounds []float64
	addB := func(t float64) {
		if t > opt.Start && t < opt.End {
			bounds = append(bounds, t)
		}
	}
	for _, sg := range sched.Signals {
		if _, ok := defaults[sg.Input]; !ok {
			return nil, fmt.Errorf("sim: schedule names input %q, which the model does not declare", sg.Input)
		}
		for _, p := range sg.Pieces {
			if !(p.End > p.Start) || math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
				return nil, fmt.Errorf("sim: input %s: invalid piece [%g, %g) = %g", sg.Input, p.Start, p.End, p.Value)
			}
			addB(p.Start)
			addB(p.End)
		}
	}
	boluses := append([]Bolus(nil), sched.Boluses...)
	sort.SliceStable(boluses, func(i, j int) bool { return boluses[i].Time < boluses[j].Time })
	for _, b := range boluses {
		if _, ok := sys.StateIndex(b.Target); !ok {
			return nil, fmt.Errorf("sim: bolus at t=%g names %q, which is not a state variable of the model", b.Time, b.Target)
		}
		addB(b.Time)
	}
	sort.Float64s(bounds)
	bounds = uniq(bounds)
	bounds = append(bounds, opt.End)

	n := sys.Dim()
	odeOpt := opt.ODE
	if odeOpt.NonNegative == nil {
		odeOpt.NonNegative = sys.NonNegative()
	}
	var solver *ode.Solver
	if n > 0 {
		var err error
		if solver, err = ode.NewSolver(n, odeOpt); err != nil {
			return nil, fmt.Errorf("sim: %w", err)
		}
	}
	tr := &Trajectory{Names: sys.VariableNames()}
	var dys []dysTrack
	var flat []float64
	w := 0
	tr.Times = make([]float64, 0, len(outT))
	if !opt.NoRows {
		for _, d := range sys.DysbiosisObservables() {
			dys = append(dys, dysTrack{d: d})
		}
		// all rows live in one flat slice, allocated once
		w = len(tr.Names)
		flat = make([]float64, len(outT)*w)
		tr.Values = make([][]float64, 0, len(outT))
	}
	var fc *fastCheck
	if sys.HasFast() && n > 0 {
		fc = newFastCheck(sys, opt)
	}
	record := func(t float64, y []float64) error {
		if fc != nil {
			if err := fc.check(ctx, t, y); err != nil {
				return err
			}
		}
		if opt.StateHook != nil {
			opt.StateHook(t, y)
		}
		if !opt.NoRows {
			var row []float64
			if k := len(tr.Times); k < len(outT) {
				row = flat[k*w : (k+1)*w : (k+1)*w]
			} else {
				row = make([]float64, w) // not reached: one row per output time
			}
			sys.Outputs(t, y, row)
			for i := range dys {
				dys[i].fill(row)
			}
			tr.Values = append(tr.Values, row)
		}
		tr.Times = append(tr.Times, t)
		if opt.Progress != nil {
			opt.Progress(t)
		}
		return nil
	}
	// the inputs' values at t: the default, or the sum of the pieces
	// covering t; set together (one update of what depends on them)
	inIDs := sys.Inputs()
	inVals := make([]float64, len(inIDs))
	inSigs := make([][]Signal, len(inIDs))
	for k, id := range inIDs {
		for _, sg := range sched.Signals {
			if sg.Input == id {
				inSigs[k] = append(inSigs[k], sg)
			}
		}
	}
	setInputs := func(t float64) error {
		for k, id := range inIDs {
			v := defaults[id]
			covered := false
			sum := 0.0
			for _, sg := range inSigs[k] {
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
			inVals[k] = v
		}
		return sys.SetInputs(inIDs, inVals)
	}
	stateName := func(i int) string {
		sn := sys.StateNames()
		if i >= 0 && i < len(sn) {
			return sn[i]
		}
		return ""
	}
	fail := func(t float64, variable string, err error) (*Trajectory, error) {
		tr.Complete = false
		return tr, &Error{T: t, Variable: variable, Err: err}
	}

	y := make([]float64, n)
	t := opt.Start
	if err := setInputs(t); err != nil {
		return nil, err
	}
	if err := sys.InitialState(y); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	if sys.HasFast() && n > 0 {
		if err := equilibrate(ctx, sys, t, y); err != nil {
			return nil, fmt.Errorf("sim: fast reactions at t=%g: %w", t, err)
		}
	}
	bi := 0
	applyBoluses := func(t float64) error {
		for bi < len(boluses) && boluses[bi].Time <= t {
			b := boluses[bi]
			bi++
			if b.Time < opt.Start {
				continue
			}
			if err := sys.ApplyBolus(t, y, b.Target, b.Op, b.Value); err != nil {
				return err
			}
		}
		return nil
	}
	if err := applyBoluses(t); err != nil {
		return fail(t, "", err)
	}
	var ev ode.Events
	if sys.HasEvents() {
		ev = sys
		if _, err := sys.EventsStart(t, y); err != nil {
			return fail(t, "", err)
		}
	}
	// delay(): record the solution on a fine grid (and after every jump)
	// for the Hermite history, and keep steps below the grid spacing.
	hist := sys.HasDelays()
	var grid float64
	if hist {
		sys.ResetHistory()
		sys.RecordHistory(t, y)
		grid = (opt.End - opt.Start) / 4000
		if md := sys.MinDelay(t, y); md/8 < grid {
			grid = md / 8
		}
		if grid > 0 && (solver != nil) {
			o := odeOpt
			if o.MaxStep == 0 || o.MaxStep > grid {
				o.MaxStep = grid
			}
			var err error
			if solver, err = ode.NewSolver(n, o); err != nil {
				return nil, fmt.Errorf("sim: %w", err)
			}
		}
	}
	oi := 0
	for oi < len(outT) && outT[oi] <= t {
		if err := record(outT[oi], y); err != nil {
			return fail(t, "", err)
		}
		oi++
	}
	outFn := func(tt float64, yy []float64) error {
		oi++
		return record(tt, yy)
	}
	for _, b := range bounds {
		if err := setInputs(t); err != nil {
			return fail(t, "", err)
		}
		segStart := t
		for t < b {
			if err := ctx.Err(); err != nil {
				return fail(t, "", err)
			}
			stop := b
			if ev != nil {
				if ne := sys.NextEventTime(); ne < stop {
					stop = math.Max(ne, t)
				}
			}
			// outputs strictly inside (t, stop); stop itself is recorded
			// after boluses and events there
			j := oi
			for j < len(outT) && outT[j] < stop {
				j++
			}
			if solver == nil {
				// no state: outputs depend on time only
				for _, tt := range outT[oi:j] {
					if err := outFn(tt, y); err != nil {
						return fail(tt, "", err)
					}
				}
				t = stop
				for oi < len(outT) && outT[oi] <= t {
					if err := record(outT[oi], y); err != nil {
						return fail(t, "", err)
					}
					oi++
				}
				continue
			}
			tl, cb := outT[oi:j], outFn
			if hist && grid > 0 {
				var kind []byte
				tl, kind = mergeGrid(outT[oi:j], t, stop, opt.Start, grid)
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
			res, err := solver.Integrate(ctx, sys, t, y, stop, tl, cb, ev)
			tr.Stats.Add(res.Stats)
			if err != nil {
				var nf *ode.NonFiniteError
				if errors.As(err, &nf) {
					tr, e := fail(nf.T, stateName(nf.Index), err)
					e.(*Error).Cause = sys.NonFinite(nf.T, y)
					return tr, e
				}
				var ss *ode.StepSizeError
				if errors.As(err, &ss) {
					return fail(ss.T, "", err)
				}
				var ms *ode.MaxStepsError
				if errors.As(err, &ms) {
					return fail(ms.T, "", err)
				}
				return fail(res.T, "", err)
			}
			t = res.T
			if res.Event >= 0 {
				if _, err := sys.EventsRoot(res.Event, t, y); err != nil {
					return fail(t, "", err)
				}
				if hist {
					sys.RecordHistory(t, y)
				}
				continue
			}
			t = stop
			if stop == b {
				if err := applyBoluses(t); err != nil {
					return fail(t, "", err)
				}
				if ev != nil && stop < opt.End {
					// members left below their extinction threshold with
					// no inflow in the next segment (e.g. a probiotic
					// washing out after its last dose) are extinct; rows
					// at t keep this segment's inputs
					if err := setInputs(t); err != nil {
						return fail(t, "", err)
					}
					sys.Extinguish(t, y)
					if err := setInputs(segStart); err != nil {
						return fail(t, "", err)
					}
				}
			}
			if ev != nil {
				if _, err := sys.EventsDue(t, y); err != nil {
					return fail(t, "", err)
				}
			}
			if hist {
				sys.RecordHistory(t, y)
			}
			for oi < len(outT) && outT[oi] <= t {
				if err := record(outT[oi], y); err != nil {
					return fail(t, "", err)
				}
				oi++
			}
			if opt.Progress != nil {
				opt.Progress(t)
			}
		}
	}
	for oi < len(outT) {
		if err := record(outT[oi], y); err != nil {
			return fail(outT[oi], "", err)
		}
		oi++
	}
	tr.Complete = true
	return tr, nil
}

// mergeGrid merges the output times out (all in (t, stop)) with the grid
// times start + k·h in (t, stop); kind marks output times with 1 and grid
// times with 2.
func mergeGrid(out []float64, t, stop, start, h float64) ([]float64, []byte) {
	var tl []float64
	var kind []byte
	k := math.Floor((t-start)/h) + 1
	g := start + k*h
	i := 0
	for {
		hasG := g < stop
		hasO := i < len(out)
		switch {
		case !hasG && !hasO:
			return tl, kind
		case hasO && (!hasG || out[i] < g):
			tl, kind = append(tl, out[i]), append(kind, 1)
			i++
		case hasO && out[i] == g:
			tl, kind = append(tl, g), append(kind, 3)
			i++
			k++
			g = start + k*h
		default:
			if g > t {
				tl, kind = append(tl, g), append(kind, 2)
			}
			k++
			g = start + k*h
		}
	}
}

// fastSys is the fast-reaction subsystem at frozen time t.
type fastSys struct {
	s *system.System
	t float64
}

func (f fastSys) Dim() int                         { return f.s.Dim() }
func (f fastSys) RHS(_ float64, y, dydt []float64) { f.s.FastRHS(f.t, y, dydt) }

// equilibrate brings the fast reactions to their equilibrium at time t
// (SBML: fast reactions are at equilibrium at all times, including t0) by
// integrating them alone over a long pseudo-time.
func equilibrate(ctx context.Context, sys *system.System, t float64, y []float64) error {
	sol, err := ode.NewSolver(sys.Dim(), ode.Options{Method: ode.Rodas4, RTol: 1e-12, ATol: 1e-14, NonNegative: sys.NonNegative()})
	if err != nil {
		return err
	}
	_, err = sol.Integrate(ctx, fastSys{sys, t}, 0, y, 1e4, nil, nil, nil)
	return err
}

// fastCheck verifies at output times that the penalty approximation of
// fast reactions holds the state at their equilibrium.
type fastCheck struct {
	sys      *system.System
	abs, rel float64
	ye, y2   []float64
}

func newFastCheck(sys *system.System, opt Options) *fastCheck {
	f := &fastCheck{sys: sys, abs: opt.FastAbsTol, rel: opt.FastRelTol}
	if f.abs == 0 {
		f.abs = 1e3 * opt.ODE.ATol
		if f.abs == 0 {
			f.abs = 1e-6
		}
	}
	if f.rel == 0 {
		f.rel = math.Max(1e3*opt.ODE.RTol, 1e-6)
	}
	f.ye = make([]float64, sys.Dim())
	f.y2 = make([]float64, sys.Dim())
	return f
}

// check equilibrates the fast reactions alone from y (twice: the second
// run shows whether the first converged) and fails when the equilibrium
// differs from y by more than the tolerance: the penalty's deviation (slow
// rate / (gain × fast rate)) is then visible in the result, or the fast
// subsystem has no reachable equilibrium.
func (f *fastCheck) check(ctx context.Context, t float64, y []float64) error {
	copy(f.ye, y)
	if err := equilibrate(ctx, f.sys, t, f.ye); err != nil {
		return f.fail(t, -1, fmt.Sprintf("fast reactions alone do not reach equilibrium (%v)", err))
	}
	copy(f.y2, f.ye)
	if err := equilibrate(ctx, f.sys, t, f.y2); err != nil {
		return f.fail(t, -1, fmt.Sprintf("fast reactions alone do not reach equilibrium (%v)", err))
	}
	for i := range y {
		tol := f.abs + f.rel*math.Abs(y[i])
		if d := math.Abs(f.y2[i] - f.ye[i]); d > tol || math.IsNaN(d) {
			return f.fail(t, i, fmt.Sprintf("fast reactions alone do not settle within pseudo-time 1e4 (change %.3g in %%s after equilibration)", d))
		}
		if d := math.Abs(f.ye[i] - y[i]); d > tol || math.IsNaN(d) {
			return f.fail(t, i, fmt.Sprintf("the penalty approximation leaves %%s %.3g from the fast equilibrium (tolerance %.3g)", d, tol))
		}
	}
	return nil
}

func (f *fastCheck) fail(t float64, i int, msg string) error {
	name := ""
	if i >= 0 {
		name = f.sys.StateNames()[i]
		msg = fmt.Sprintf(msg, name)
	}
	return &system.Unsupported{Construct: fmt.Sprintf("fast reactions at t=%g: %s", t, msg), ID: name}
}

func uniq(x []float64) []float64 {
	out := x[:0]
	for i, v := range x {
		if i == 0 || v != x[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// fill computes the dysbiosis value of row (Bray–Curtis distance of the
// members' relative composition from the baseline composition).
func (d *dysTrack) fill(row []float64) {
	m := d.d.Members
	if len(d.buf) != len(m) {
		d.buf = make([]float64, len(m))
	}
	comp := d.buf[:len(m)]
	tot := 0.0
	for i, k := range m {
		v := posPart(row[k])
		comp[i] = v
		tot += v
	}
	if tot > 0 {
		for i := range comp {
			comp[i] /= tot
		}
	} else {
		clear(comp)
	}
	if d.base == nil {
		d.base = append([]float64(nil), comp...)
	}
	base := d.base[:len(comp)]
	num, den := 0.0, 0.0
	for i, c := range comp {
		b := base[i]
		num += math.Abs(c - b)
		den += c + b
	}
	v := 0.0
	if den > 0 {
		v = num / den
	}
	row[d.d.Output] = v
}

// posPart is math.Max(x, 0) bit for bit (−0 gives +0, NaN gives
// math.NaN(), the NaN math.Max returns), but inlinable: on amd64 math.Max
// is an assembly call (TestPosPartMatchesMathMax).
func posPart(x float64) float64 {
	if x > 0 {
		return x
	}
	if x != x {
		return math.NaN()
	}
	return 0
}
