package estimate

import (
	"context"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/system"
)

// integrator advances a system's state (and, for the BDF, its forward
// sensitivities S, row-major n×ncol) between the experiment's
// discontinuities. reset restarts it after a discontinuity; advance
// integrates to tEnd calling rec at each time of outs (ascending, in
// (t, tEnd]); steady integrates until the steady-state criterion holds.
type integrator interface {
	reset(t float64, y, s []float64)
	advance(ctx context.Context, tEnd float64, outs []float64, rec func(t float64, y, s []float64) error) error
	steady(ctx context.Context) error
	state() (t float64, y, s []float64)
	setBreakpoints(bp []float64)
}

// steadyNorm is the weighted RMS norm of f with weights 1/(atol + rtol·|y|).
func steadyNorm(f, y []float64, rtol, atol float64) float64 {
	if len(f) == 0 {
		return 0
	}
	s := 0.0
	for i, v := range f {
		w := v / (atol + rtol*math.Abs(y[i]))
		s += w * w
	}
	return math.Sqrt(s / float64(len(f)))
}

// maxSteadyTime bounds the simulated time of a steady-state search.
const maxSteadyTime = 1e12

// odeInteg integrates with package ode's automatic solver and the model's
// SBML events (no sensitivities).
type odeInteg struct {
	sys       *system.System
	solver    *ode.Solver
	opt       Options
	t         float64
	y         []float64
	f         []float64
	bp        []float64
	events    bool
	g, g1, yt []float64 // root function and state scratch for due
}

func newODEInteg(sys *system.System, opt Options) (*odeInteg, error) {
	n := sys.Dim()
	o := &odeInteg{sys: sys, opt: opt, y: make([]float64, n), f: make([]float64, n), events: sys.HasEvents()}
	o.g = make([]float64, sys.NumEvents())
	if n > 0 {
		s, err := ode.NewSolver(n, ode.Options{Method: ode.Auto, RTol: opt.RTol, ATol: opt.ATol, MaxSteps: opt.MaxSteps})
		if err != nil {
			return nil, err
		}
		o.solver = s
	}
	return o, nil
}

func (o *odeInteg) reset(t float64, y, _ []float64) {
	o.t = t
	copy(o.y, y)
	if o.solver != nil {
		o.solver.Reset()
	}
}

func (o *odeInteg) setBreakpoints(bp []float64) { o.bp = bp }

func (o *odeInteg) state() (float64, []float64, []float64) { return o.t, o.y, nil }

// start initialises the SBML event state at the experiment's start.
func (o *odeInteg) start() error {
	if o.events {
		_, err := o.sys.EventsStart(o.t, o.y)
		return err
	}
	return nil
}

// due runs the events made due at the current time t: first those whose
// root functions sit exactly at zero and are about to cross (a trigger
// such as time >= 10 at a period starting at 10: PEtab applies it after
// the period's condition changes, before observing), then every trigger
// the condition changes made true.
func (o *odeInteg) due() error {
	if !o.events {
		return nil
	}
	ne := len(o.g)
	if ne > 0 {
		if o.g1 == nil {
			o.g1, o.yt = make([]float64, ne), make([]float64, len(o.y))
		}
		o.sys.EventValues(o.t, o.y, o.g)
		h := 1e-7 * (1 + math.Abs(o.t))
		o.sys.RHS(o.t, o.y, o.f)
		for i := range o.yt {
			o.yt[i] = o.y[i] + h*o.f[i]
		}
		o.sys.EventValues(o.t+h, o.yt, o.g1)
		for k := 0; k < ne; k++ {
			if math.Abs(o.g[k]) < 1e-300 && o.g1[k] != 0 && (o.g1[k] > 0) != (o.g[k] > 0) {
				if _, err := o.sys.EventsRoot(k, o.t, o.y); err != nil {
					return err
				}
			}
		}
	}
	_, err := o.sys.EventsDue(o.t, o.y)
	return err
}

func (o *odeInteg) advance(ctx context.Context, tEnd float64, outs []float64, rec func(t float64, y, s []float64) error) error {
	oi := 0
	for {
		// Outputs at the current time (the start, or a breakpoint or event
		// just reached: the solver reports only outputs after its start).
		for oi < len(outs) && outs[oi] <= o.t {
			if err := rec(outs[oi], o.y, nil); err != nil {
				return err
			}
			oi++
		}
		if o.t >= tEnd {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		stop := tEnd
		for _, b := range o.bp {
			if b > o.t && b < stop {
				stop = b
			}
		}
		if o.events {
			if ne := o.sys.NextEventTime(); ne < stop {
				stop = math.Max(ne, o.t)
			}
		}
		j := oi
		for j < len(outs) && outs[j] < stop {
			j++
		}
		if o.solver == nil {
			for ; oi < j; oi++ {
				if err := rec(outs[oi], o.y, nil); err != nil {
					return err
				}
			}
			o.t = stop
		} else {
			var ev ode.Events
			if o.events {
				ev = o.sys
			}
			res, err := o.solver.Integrate(ctx, o.sys, o.t, o.y, stop, outs[oi:j], func(t float64, y []float64) error {
				oi++
				return rec(t, y, nil)
			}, ev)
			if err != nil {
				return simError(o.sys, res.T, err)
			}
			o.t = res.T
			if res.Event >= 0 {
				if stop == tEnd && res.T >= stop-1e-9*math.Max(1, math.Abs(stop)) {
					o.t = tEnd // handled by due after the period's changes
					continue
				}
				if _, err := o.sys.EventsRoot(res.Event, o.t, o.y); err != nil {
					return err
				}
				continue
			}
			o.t = stop
		}
		if o.events && stop < tEnd {
			if _, err := o.sys.EventsDue(o.t, o.y); err != nil {
				return err
			}
		}
	}
}

func (o *odeInteg) steady(ctx context.Context) error {
	dt := 1.0
	for {
		o.sys.RHS(o.t, o.y, o.f)
		if steadyNorm(o.f, o.y, o.opt.SteadyRTol, o.opt.SteadyATol) < 1 {
			return nil
		}
		if o.t > maxSteadyTime {
			return fmt.Errorf("no steady state reached by t=%g", o.t)
		}
		if err := o.advance(ctx, o.t+dt, nil, nil); err != nil {
			return err
		}
		if err := o.due(); err != nil {
			return err
		}
		dt *= 2
	}
}

// simError describes a failed integration with the simulated time and,
// where the model can say, the first non-finite expression.
func simError(sys *system.System, t float64, err error) error {
	return fmt.Errorf("simulation failed at t=%g: %w", t, err)
}
