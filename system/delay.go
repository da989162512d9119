package system

import (
	"fmt"
	"math"
	"sort"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// delayTerm is one delay(x, d) of a state variable x.
type delayTerm struct {
	slot  int // env slot receiving x(t − d)
	dslot int // env slot holding d
	state int // state index of x
	scale int // compartment slot for species concentrations, or -1
	src   int // env slot of x (used when state < 0: a constant)
}

// history stores the solution at past times for delay(): states and their
// derivatives, interpolated with cubic Hermite polynomials.
type history struct {
	n    int
	t    []float64
	y, f []float64 // flat, n per point
}

func (h *history) reset() { h.t, h.y, h.f = h.t[:0], h.y[:0], h.f[:0] }

// value returns component i at time tp. Before the first point it is the
// first point's value (SBML: a delayed value before the start is the
// initial value); after the last it extrapolates linearly; without points
// it is cur.
func (h *history) value(tp float64, i int, cur float64) float64 {
	k := len(h.t)
	if k == 0 {
		return cur
	}
	n := h.n
	if tp <= h.t[0] {
		return h.y[i]
	}
	if tp >= h.t[k-1] {
		return h.y[(k-1)*n+i] + h.f[(k-1)*n+i]*(tp-h.t[k-1])
	}
	// last point with t <= tp
	j := sort.Search(k, func(j int) bool { return h.t[j] > tp }) - 1
	t0, t1 := h.t[j], h.t[j+1]
	dt := t1 - t0
	if dt <= 0 {
		return h.y[(j+1)*n+i]
	}
	s := (tp - t0) / dt
	y0, y1 := h.y[j*n+i], h.y[(j+1)*n+i]
	f0, f1 := h.f[j*n+i]*dt, h.f[(j+1)*n+i]*dt
	s2, s3 := s*s, s*s*s
	return (2*s3-3*s2+1)*y0 + (s3-2*s2+s)*f0 + (-2*s3+3*s2)*y1 + (s3-s2)*f1
}

// pastExpr evaluates a delayed expression at time tp: from the initial
// values as defined at tp before the start, else on the interpolated past
// state (rateOf from the interpolated derivatives).
func (s *System) pastExpr(tp float64, d delayTerm, y []float64) float64 {
	pe := s.penv
	if h := s.hist; tp < 0 && (len(h.t) == 0 || tp < h.t[0]) {
		copy(pe, s.base)
		pe[0] = tp
		s.init.Run(pe)
		s.delayExpr.Run(pe)
		return pe[d.src]
	}
	copy(pe, s.env)
	pe[0] = tp
	for i, sl := range s.stateSlot {
		pe[sl] = s.hist.value(tp, i, y[i])
	}
	// rateOf values need the species values at tp: a first pass computes
	// them
	s.tape.Run(pe)
	for k, sl := range s.rateOfSlot {
		dA, dV := 0.0, 0.0
		if st := s.rateOfState[k]; st >= 0 {
			dA = s.hist.deriv(tp, st)
		}
		if cs := s.rateOfComp[k]; cs >= 0 {
			dV = s.hist.deriv(tp, cs)
		}
		pe[sl] = rateOfValue(dA, dV, pe, s.rateOfScale[k], s.rateOfVal[k])
	}
	s.tape.Run(pe)
	s.delayExpr.Run(pe)
	return pe[d.src]
}

// deriv returns the derivative of component i at time tp (linear
// interpolation of the recorded derivatives).
func (h *history) deriv(tp float64, i int) float64 {
	k := len(h.t)
	if k == 0 {
		return 0
	}
	n := h.n
	if tp <= h.t[0] {
		return h.f[i]
	}
	if tp >= h.t[k-1] {
		return h.f[(k-1)*n+i]
	}
	j := sort.Search(k, func(j int) bool { return h.t[j] > tp }) - 1
	dt := h.t[j+1] - h.t[j]
	if dt <= 0 {
		return h.f[(j+1)*n+i]
	}
	w := (tp - h.t[j]) / dt
	return (1-w)*h.f[j*n+i] + w*h.f[(j+1)*n+i]
}

func (s *System) fillDelays(t float64, y []float64) {
	env := s.env
	for _, d := range s.delays {
		lag := env[d.dslot]
		if lag < 0 || math.IsNaN(lag) {
			env[d.slot] = math.NaN()
			continue
		}
		tp := t - lag
		var v float64
		if d.state == -2 {
			env[d.slot] = s.pastExpr(tp, d, y)
			continue
		}
		if h := s.hist; tp < 0 && (len(h.t) == 0 || tp < h.t[0]) {
			// before the start: the initial value as defined at time tp
			// (initial assignments may depend on time)
			copy(s.penv, s.base)
			s.penv[0] = tp
			s.init.Run(s.penv)
			if d.state >= 0 {
				v = s.penv[s.stateSlot[d.state]]
			} else {
				v = s.penv[d.src]
			}
		} else if d.state < 0 {
			v = env[d.src]
		} else {
			v = s.hist.value(tp, d.state, y[d.state])
		}
		if d.scale >= 0 {
			v /= env[d.scale]
		}
		env[d.slot] = v
	}
}

// HasDelays reports whether the model uses delay(): the simulator must then
// record the solution's history with RecordHistory.
func (s *System) HasDelays() bool { return s.delays != nil }

// MinDelay returns the smallest lag of the delay() terms at state y and
// time t (+Inf without delays, or when every lag is zero or negative).
func (s *System) MinDelay(t float64, y []float64) float64 {
	m := math.Inf(1)
	if s.delays == nil {
		return m
	}
	s.eval(t, y)
	for _, d := range s.delays {
		if l := s.env[d.dslot]; l > 0 && l < m {
			m = l
		}
	}
	return m
}

// ResetHistory forgets the recorded history (call before a new run).
func (s *System) ResetHistory() {
	if s.hist != nil {
		s.hist.reset()
	}
}

// RecordHistory appends the state y at time t (not before the last
// recorded time) to the history that delay() reads.
func (s *System) RecordHistory(t float64, y []float64) {
	h := s.hist
	if h == nil {
		return
	}
	if k := len(h.t); k > 0 && t < h.t[k-1] {
		return
	}
	f := make([]float64, s.n)
	s.RHS(t, y, f)
	h.t = append(h.t, t)
	h.y = append(h.y, y...)
	h.f = append(h.f, f...)
}

// checkDelays refuses delay() forms the engine cannot evaluate (wrong
// arity, nested delays), naming the element.
func (c *compiler) checkDelays() error {
	var err error
	check := func(owner string, src model.Source, n *expr.Node) {
		if n == nil || err != nil {
			return
		}
		expr.Walk(model.InlineFunctions(n, c.mfunc, 0), func(x *expr.Node) {
			if err != nil || x.Op != expr.OpCall || x.Name != "delay" {
				return
			}
			if _, user := c.funcs["delay"]; user {
				return
			}
			switch {
			case len(x.Args) != 2:
				err = &Unsupported{Construct: fmt.Sprintf("delay with %d arguments", len(x.Args)), ID: owner, Src: src}
			case hasCall(x.Args[0], "delay") || hasCall(x.Args[1], "delay"):
				err = &Unsupported{Construct: "nested delay", ID: owner, Src: src}
			}
		})
	}
	m := c.m
	for _, r := range m.Rules {
		check(r.Variable, r.Src, r.Math)
	}
	for _, r := range m.Reactions {
		check(r.ID, r.Src, r.Rate)
	}
	for _, ia := range m.InitialAssignments {
		check(ia.Target, ia.Src, ia.Math)
	}
	for _, e := range m.Events {
		check(e.ID, e.Src, e.Trigger)
		check(e.ID, e.Src, e.Delay)
		check(e.ID, e.Src, e.Priority)
		for _, a := range e.Assignments {
			check(e.ID, e.Src, a.Math)
		}
	}
	for _, cm := range m.Communities {
		for _, g := range append(append([]*expr.Node{}, cm.Growth...), cm.Inflow...) {
			check(cm.ID, cm.Src, g)
		}
		check(cm.ID, cm.Src, cm.Shedding)
	}
	for _, o := range m.Observables {
		check(o.ID, o.Src, o.Math)
	}
	return err
}
