package sim

import (
	"context"
	"fmt"
	"math"

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
	// Reuse, if set, is a trajectory of an earlier Run whose storage
	// (times, rows, the solver's work space) this run takes over instead
	// of allocating its own: a loop over many subjects then allocates
	// almost nothing per run. The results are the same bits. Reuse's
	// contents are overwritten; do not use it afterwards (use the
	// returned trajectory, which may share its storage).
	Reuse *Trajectory
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

	// storage Options.Reuse hands to the next run: the rows, and the
	// solver with the dimension and options it was made for
	blocks    [][]float64
	solver    *ode.Solver
	solverN   int
	solverOpt ode.Options
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
