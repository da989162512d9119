package estimate

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/system"
)

// Evaluator simulates a Problem's experiments and evaluates its
// objective. It holds its own copies of the compiled model and formulas;
// use one Evaluator per goroutine.
type Evaluator struct {
	p     *Problem
	sys   []*system.System
	forms map[*formula]*formula
	env   []float64
	y, s  []float64
	y0    []float64
	integ []integrator // per variant: ode (no sensitivities)
	bdf   []integrator // per variant: BDF (sensitivities)
	sens  bool         // current evaluation computes sensitivities
	dxdu  []float64    // per Free position: dx/du at the current point
	free  []int        // per parameter-table row: Free position or -1

	// per measurement results of the last evaluation
	sim, sigma   []float64
	dsim, dsigma []float64 // row-major len(Measurements) × len(Free)
	// scratch
	g, g2 []float64
	// steady states of this evaluation's pre-equilibrations
	preeq map[string]*preeqState
	// horizon: measurements after it are left out of the objective and
	// the simulations stop there (SetHorizon; +Inf: all)
	horizon float64
	// over: per parameter-table row, a value that replaces the nominal
	// value of a parameter that is not estimated (NaN: none; nil: none
	// at all); multiple shooting's continuity σ
	over []float64
}

type preeqState struct {
	t    float64
	y, s []float64
}

// NewEvaluator returns an Evaluator for p.
func (p *Problem) NewEvaluator() (*Evaluator, error) {
	ev := &Evaluator{p: p, forms: map[*formula]*formula{}, env: make([]float64, p.envSize), preeq: map[string]*preeqState{}, horizon: math.Inf(1)}
	n := p.lay.n
	for _, v := range p.variants {
		sys := v.sys.Clone()
		ev.sys = append(ev.sys, sys)
		oi, err := newODEInteg(sys, p.opt)
		if err != nil {
			return nil, err
		}
		ev.integ = append(ev.integ, oi)
		ev.bdf = append(ev.bdf, newBDFInteg(sys, p, p.opt))
	}
	clone := func(f *formula) {
		if f != nil && ev.forms[f] == nil {
			ev.forms[f] = f.clone()
		}
	}
	for _, o := range p.obs {
		clone(o.h)
		clone(o.sigma)
	}
	for _, ep := range p.exps {
		for _, c := range ep.allChanges() {
			clone(c.value)
		}
		for _, f := range ep.bpForms {
			clone(f)
		}
	}
	ev.y = make([]float64, n)
	ev.y0 = make([]float64, n)
	ev.s = make([]float64, n*p.ncol)
	nm := len(p.Spec.Measurements)
	ev.sim = make([]float64, nm)
	ev.sigma = make([]float64, nm)
	ev.free = make([]int, len(p.Spec.Params))
	for j := range ev.free {
		ev.free[j] = -1
	}
	for k, j := range p.Free {
		ev.free[j] = k
	}
	ev.dxdu = make([]float64, len(p.Free))
	ev.g = make([]float64, p.ncol)
	ev.g2 = make([]float64, p.ncol)
	return ev, nil
}

// run evaluates f on the environment and returns its value.
func (ev *Evaluator) run(f *formula) float64 {
	c := ev.forms[f]
	c.tape.Run(ev.env)
	return ev.env[c.out]
}

// setParams loads the parameter table's linear values: u on the scales
// for the Free parameters, nominal values for the others.
func (ev *Evaluator) setParams(u []float64) error {
	p := ev.p
	if len(u) != len(p.Free) {
		return fmt.Errorf("estimate: %d parameter values for %d estimated parameters", len(u), len(p.Free))
	}
	base := 1 + p.lay.n
	for j, pr := range p.Spec.Params {
		ev.env[base+j] = pr.Nominal
		if ev.over != nil && !math.IsNaN(ev.over[j]) {
			ev.env[base+j] = ev.over[j]
		}
	}
	for k, j := range p.Free {
		pr := p.Spec.Params[j]
		x := pr.Scale.From(u[k])
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("estimate: parameter %s = %v on %s scale is not finite", pr.ID, u[k], pr.Scale)
		}
		ev.env[base+j] = x
		ev.dxdu[k] = pr.Scale.deriv(x)
	}
	return nil
}

// Simulate runs every experiment at the parameters u (Free order, on
// their scales) and returns the simulated observable of each measurement.
func (ev *Evaluator) Simulate(ctx context.Context, u []float64) ([]float64, error) {
	if err := ev.simulate(ctx, u, false); err != nil {
		return nil, err
	}
	return append([]float64(nil), ev.sim...), nil
}

func (ev *Evaluator) simulate(ctx context.Context, u []float64, sens bool) error {
	if err := ev.setParams(u); err != nil {
		return err
	}
	ev.sens = sens
	clear(ev.preeq)
	nm, nf := len(ev.p.Spec.Measurements), len(ev.p.Free)
	if sens && len(ev.dsim) != nm*nf {
		ev.dsim = make([]float64, nm*nf)
		ev.dsigma = make([]float64, nm*nf)
	}
	if sens {
		clear(ev.dsim)
		clear(ev.dsigma)
	}
	for k, ep := range ev.p.exps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if ep.alias {
			continue
		}
		if err := ev.experiment(ctx, k); err != nil {
			return fmt.Errorf("experiment %s: %w", ev.p.exps[k].e.ID, err)
		}
	}
	return nil
}

// experiment simulates experiment k and records its measurements.
func (ev *Evaluator) experiment(ctx context.Context, k int) error {
	ep := ev.p.exps[k]
	sys := ev.sys[ep.v]
	if err := ev.setFirstPeriod(sys, ep); err != nil {
		return err
	}
	y, s := ev.y, ev.s
	if err := sys.InitialState(y); err != nil {
		return err
	}
	clear(s)
	// experiments that share a pre-equilibration (same model variant and
	// pre-equilibration changes) share its steady state within one
	// evaluation (not with SBML events, whose state it does not hold)
	var pk string
	var cached *preeqState
	if ep.preeq && !ev.p.hasEvents {
		pk = ep.preeqKey()
		cached = ev.preeq[pk]
	}
	if ev.sens && cached == nil {
		if err := ev.initialSens(ep, sys); err != nil {
			return err
		}
	}
	if err := ev.loadConsts(sys, ep.t0, y); err != nil {
		return err
	}
	in, err := ev.startIntegrator(ep, y, s)
	if err != nil {
		return err
	}
	if ep.preeq {
		if err := ev.preequilibrate(ctx, ep, in, pk, cached); err != nil {
			return err
		}
	}
	if done, err := ev.simulatePeriods(ctx, ep, sys, in); done || err != nil {
		return err
	}
	return ev.finish(ctx, ep, in)
}

// setFirstPeriod sets the model parameters and the first period's
// condition values (before the model's initialisation) at the
// experiment's start.
func (ev *Evaluator) setFirstPeriod(sys *system.System, ep *expPlan) error {
	p := ev.p
	env := ev.env
	base := 1 + p.lay.n
	for _, j := range p.modelPars {
		if err := sys.SetParameter(p.Spec.Params[j].ID, env[base+j]); err != nil {
			return err
		}
	}
	env[0] = ep.t0
	for _, c := range ep.first {
		v := ev.run(c.value)
		if err := sys.SetParameter(c.setParam, v); err != nil {
			return fmt.Errorf("%s: %w", c.src, err)
		}
	}
	return nil
}

// startIntegrator picks the experiment's integrator (the BDF with
// sensitivities, whose error weights on the sensitivity columns scale
// with the parameters, or value-only as Problem.useBDF says) and starts it
// at the initial state y, s.
func (ev *Evaluator) startIntegrator(ep *expPlan, y, s []float64) (integrator, error) {
	p := ev.p
	var in integrator
	if ev.sens {
		in = ev.bdf[ep.v]
	} else if p.useBDF() {
		in = ev.bdf[ep.v]
		ev.bdf[ep.v].(*bdfInteg).ns = 0
	} else {
		in = ev.integ[ep.v]
	}
	if b, ok := in.(*bdfInteg); ok {
		b.ns = 0
		if ev.sens {
			b.ns = p.ncol
			base := 1 + p.lay.n
			for c, k := range p.colFree {
				x := math.Abs(ev.env[base+p.Free[k]])
				b.sw[c] = math.Abs(ev.dxdu[k]) / math.Max(x, 1e-300)
			}
		}
	}
	in.reset(ep.t0, y, s)
	if oi, ok := in.(*odeInteg); ok {
		if err := oi.start(); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// preequilibrate runs the −Inf period to steady state, or takes the steady
// state cached under key pk in this evaluation, and caches a new one.
func (ev *Evaluator) preequilibrate(ctx context.Context, ep *expPlan, in integrator, pk string, cached *preeqState) error {
	if cached != nil {
		in.reset(cached.t, cached.y, cached.s)
		return nil
	}
	ev.breakpoints(ep, in, 0)
	if err := in.steady(ctx); err != nil {
		return fmt.Errorf("pre-equilibration: %w", err)
	}
	if pk != "" {
		t, yc, sc := in.state()
		ev.preeq[pk] = &preeqState{t: t, y: append([]float64(nil), yc...), s: append([]float64(nil), sc...)}
	}
	return nil
}

// simulatePeriods simulates the experiment's periods in turn, recording the
// measurements; done is true when a period starts beyond the horizon
// (the experiment then ends there).
func (ev *Evaluator) simulatePeriods(ctx context.Context, ep *expPlan, sys *system.System, in integrator) (done bool, err error) {
	rec := func(t float64, y, s []float64) error { return ev.record(ep, t, t, y, s) }
	for pi := range ep.periods {
		per := &ep.periods[pi]
		if per.start > ev.horizon {
			return true, nil
		}
		if pi > 0 || ep.preeq {
			if err := ev.enterPeriod(sys, in, per); err != nil {
				return false, err
			}
		}
		ev.breakpoints(ep, in, per.start)
		end, times := ev.periodEnd(ep, pi)
		if err := in.advance(ctx, end, times, rec); err != nil {
			return false, err
		}
	}
	return false, nil
}

// enterPeriod applies a period's condition changes to the integrator's
// current state and restarts the integrator there (with the SBML events
// then due).
func (ev *Evaluator) enterPeriod(sys *system.System, in integrator, per *periodPlan) error {
	y, s := ev.y, ev.s
	_, yc, sc := in.state()
	copy(y, yc)
	if sc != nil && ev.sens {
		copy(s, sc)
	}
	if err := ev.apply(sys, per, y, s); err != nil {
		return err
	}
	in.reset(per.start, y, s)
	if oi, ok := in.(*odeInteg); ok {
		return oi.due()
	}
	return nil
}

// periodEnd is where period pi's integration ends (the next period's
// start, or the last measurement time) and its measurement times, both cut
// at the horizon.
func (ev *Evaluator) periodEnd(ep *expPlan, pi int) (end float64, times []float64) {
	per := &ep.periods[pi]
	end = ep.lastTime
	if pi+1 < len(ep.periods) {
		end = ep.periods[pi+1].start
	}
	times = per.times
	if end > ev.horizon {
		end = math.Max(ev.horizon, per.start)
		times = times[:sort.SearchFloat64s(times, math.Nextafter(ev.horizon, math.Inf(1)))]
	}
	return end, times
}

// finish runs the SBML events due at the end and, for measurements at
// time inf (beyond any finite horizon), the steady state.
func (ev *Evaluator) finish(ctx context.Context, ep *expPlan, in integrator) error {
	if oi, ok := in.(*odeInteg); ok {
		if err := oi.due(); err != nil {
			return err
		}
	}
	if !ep.steady || !math.IsInf(ev.horizon, 1) {
		return nil
	}
	if err := in.steady(ctx); err != nil {
		return fmt.Errorf("steady state for measurements at time inf: %w", err)
	}
	t, yc, sc := in.state()
	return ev.record(ep, math.Inf(1), t, yc, sc)
}

// useBDF reports whether value-only simulations use the BDF (models
// without events, unless Options.Solver says "ode").
func (p *Problem) useBDF() bool {
	switch p.opt.Solver {
	case "ode":
		return false
	case "bdf":
		return true
	}
	return !p.hasEvents
}

// CanGradient reports whether gradients come from forward sensitivities
// (false: the model has SBML events, or an expression could not be
// differentiated; Gradient then uses finite differences).
func (p *Problem) CanGradient() bool {
	if p.hasEvents || p.opt.Solver == "ode" {
		return false
	}
	for _, o := range p.obs {
		if !o.h.grad || !o.sigma.grad {
			return false
		}
	}
	for _, ep := range p.exps {
		for _, c := range ep.allChanges() {
			if !c.value.grad {
				return false
			}
		}
	}
	return p.variants[0].sys.AnalyticJacobian()
}

// loadConsts reads the model constants the formulas use.
func (ev *Evaluator) loadConsts(sys *system.System, t float64, y []float64) error {
	l := ev.p.lay
	if len(l.constID) == 0 {
		return nil
	}
	ids := make([]string, len(l.constID))
	as := make([]system.Quantity, len(l.constID))
	for i, c := range l.constID {
		if c[:len(varAmt)] == varAmt {
			ids[i], as[i] = c[len(varAmt):], system.AsAmount
		} else {
			ids[i] = c[len(varConst):]
		}
	}
	dst := ev.env[l.consts[l.constID[0]] : l.consts[l.constID[0]]+len(ids)]
	return sys.Values(t, y, ids, as, dst)
}

// breakpoints computes the times where a time relation of the model
// changes sign (linear in time: root of g(0) + (g(1) − g(0))·t) after
// start, and passes them to the integrator.
func (ev *Evaluator) breakpoints(ep *expPlan, in integrator, start float64) {
	var bp []float64
	env := ev.env
	t0 := env[0]
	_, y, _ := in.state()
	copy(env[1:1+ev.p.lay.n], y)
	for _, f := range ep.bpForms {
		env[0] = 0
		g0 := ev.run(f)
		env[0] = 1
		g1 := ev.run(f)
		env[0] = 2
		g2 := ev.run(f)
		d := g1 - g0
		if d == 0 || math.IsNaN(d) || math.Abs(g2-2*g1+g0) > 1e-9*(math.Abs(g0)+math.Abs(g1)+math.Abs(g2)) {
			continue
		}
		if r := -g0 / d; r > start && !math.IsInf(r, 0) {
			bp = append(bp, r)
		}
	}
	env[0] = t0
	sort.Float64s(bp)
	in.setBreakpoints(bp)
}

// initialSens sets the initial sensitivities dy0/du = (∂y0/∂q)(dq/du) for
// the values q the experiment sets before initialisation (estimated model
// parameters and first-period condition values), with ∂y0/∂q by central
// differences of the model's initialisation.
func (ev *Evaluator) initialSens(ep *expPlan, sys *system.System) error {
	p := ev.p
	n, nc := p.lay.n, p.ncol
	env := ev.env
	base := 1 + n
	dq := ev.g
	yp, ym := make([]float64, n), make([]float64, n)
	fd := func(id string, q float64) error {
		h := 1e-6 * math.Abs(q)
		if h == 0 {
			h = 1e-8
		}
		if err := sys.SetParameter(id, q+h); err != nil {
			return err
		}
		if err := sys.InitialState(yp); err != nil {
			return err
		}
		if err := sys.SetParameter(id, q-h); err != nil {
			return err
		}
		if err := sys.InitialState(ym); err != nil {
			return err
		}
		if err := sys.SetParameter(id, q); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			d := (yp[i] - ym[i]) / (2 * h)
			if d == 0 {
				continue
			}
			row := ev.s[i*nc : i*nc+nc]
			for c, v := range dq {
				row[c] += d * v
			}
		}
		return nil
	}
	for _, j := range p.modelPars {
		k := ev.free[j]
		if k < 0 || p.col[k] < 0 {
			continue
		}
		clear(dq)
		dq[p.col[k]] = ev.dxdu[k]
		if err := fd(p.Spec.Params[j].ID, env[base+j]); err != nil {
			return err
		}
	}
	env[0] = ep.t0
	for _, c := range ep.first {
		q := ev.run(c.value)
		if !ev.changeGrad(c.value, dq) {
			continue
		}
		if err := fd(c.setParam, q); err != nil {
			return err
		}
	}
	return sys.InitialState(ev.y0)
}

// changeGrad writes the derivative of a formula that does not read the
// state with respect to the sensitivity columns into g (after run), and
// reports whether it is non-zero.
func (ev *Evaluator) changeGrad(f *formula, g []float64) bool {
	c := ev.forms[f]
	clear(g)
	nz := false
	for k, sl := range c.vars {
		j, ok := ev.p.lay.isParam(sl)
		if !ok {
			continue
		}
		fk := ev.free[j]
		if fk < 0 || ev.p.col[fk] < 0 {
			continue
		}
		d := ev.env[c.out+1+k] * ev.dxdu[fk]
		if d != 0 {
			g[ev.p.col[fk]] += d
			nz = true
		}
	}
	return nz
}

// stateGrad writes the derivative of a formula that may read the state
// (at the environment's state, with sensitivities s) with respect to the
// sensitivity columns into g.
func (ev *Evaluator) stateGrad(f *formula, s []float64, g []float64) {
	ev.changeGrad(f, g)
	if s == nil {
		return
	}
	c := ev.forms[f]
	nc := ev.p.ncol
	for k, sl := range c.vars {
		i, ok := ev.p.lay.isState(sl)
		if !ok {
			continue
		}
		d := ev.env[c.out+1+k]
		if d == 0 {
			continue
		}
		row := s[i*nc : i*nc+nc]
		for col, v := range row {
			g[col] += d * v
		}
	}
}

// apply performs a period's condition changes at its start (PEtab v2
// semantics: all target values are evaluated on the current state, then
// assigned at once; a compartment's new size keeps the concentrations of
// the concentration-based species in it that are not targets themselves).
func (ev *Evaluator) apply(sys *system.System, per *periodPlan, y, s []float64) error {
	if len(per.changes) == 0 {
		return nil
	}
	nc := ev.p.ncol
	cs, err := ev.evalChanges(per, y, s)
	if err != nil {
		return err
	}
	// compartments first: rescale the amounts of concentration species
	ev.rescaleCompartments(sys, &cs, y, s)
	for i, c := range per.changes {
		if c.kind == "species" && !c.hosu {
			if err := ev.assignConcentration(sys, &cs, i, y, s); err != nil {
				return err
			}
			continue
		}
		y[c.state] = cs.vals[i]
		if ev.sens {
			copy(s[c.state*nc:c.state*nc+nc], cs.grads[i])
		}
	}
	return nil
}

// changeSet is a period's condition changes evaluated on the state before
// them.
type changeSet struct {
	per       *periodPlan
	vals      []float64      // the targets' new values
	grads     [][]float64    // their sensitivities (with sensitivities)
	old, olds []float64      // the state and its sensitivities before the changes
	newSize   map[string]int // a compartment target's index in per.changes
}

// evalChanges evaluates the period's target values (and their
// sensitivities) on the state y, s at the period's start.
func (ev *Evaluator) evalChanges(per *periodPlan, y, s []float64) (changeSet, error) {
	p := ev.p
	n, nc := p.lay.n, p.ncol
	env := ev.env
	env[0] = per.start
	copy(env[1:1+n], y)
	cs := changeSet{per: per, vals: make([]float64, len(per.changes)), grads: make([][]float64, len(per.changes))}
	for i, c := range per.changes {
		cs.vals[i] = ev.run(c.value)
		if math.IsNaN(cs.vals[i]) || math.IsInf(cs.vals[i], 0) {
			return cs, fmt.Errorf("%s: value of %s at t=%g is %v", c.src, c.target, per.start, cs.vals[i])
		}
		if ev.sens {
			cs.grads[i] = make([]float64, nc)
			ev.stateGrad(c.value, s, cs.grads[i])
		}
	}
	cs.old = append([]float64(nil), y...)
	if ev.sens {
		cs.olds = append([]float64(nil), s...)
	}
	return cs, nil
}

// rescaleCompartments records the compartments that change size and
// rescales the amounts of the concentration-based species in them that are
// not targets themselves, keeping their concentrations.
func (ev *Evaluator) rescaleCompartments(sys *system.System, cs *changeSet, y, s []float64) {
	targets := map[string]bool{}
	for _, c := range cs.per.changes {
		targets[c.target] = true
	}
	cs.newSize = map[string]int{}
	for i, c := range cs.per.changes {
		if c.kind != "compartment" {
			continue
		}
		cs.newSize[c.target] = i
		ev.rescaleSpecies(sys, cs, i, targets, y, s)
	}
}

// rescaleSpecies scales the amounts of the concentration-based species in
// the compartment of change i (not in targets) by the ratio of its new
// size to its old one.
func (ev *Evaluator) rescaleSpecies(sys *system.System, cs *changeSet, i int, targets map[string]bool, y, s []float64) {
	p := ev.p
	nc := p.ncol
	c := cs.per.changes[i]
	ci := c.state
	old, olds := cs.old, cs.olds
	vOld, vNew := old[ci], cs.vals[i]
	for _, sp := range p.mi.m.Species {
		if sp.Compartment != c.target || sp.HasOnlySubstanceUnits || targets[sp.ID] {
			continue
		}
		si := slices.Index(sys.StateNames(), sp.ID)
		if si < 0 {
			continue
		}
		r := vNew / vOld
		y[si] = old[si] * r
		if ev.sens {
			for col := 0; col < nc; col++ {
				dr := (cs.grads[i][col]*vOld - vNew*olds[ci*nc+col]) / (vOld * vOld)
				s[si*nc+col] = olds[si*nc+col]*r + old[si]*dr
			}
		}
	}
}

// assignConcentration sets the amount of the concentration-based species
// of change i: its concentration times its compartment's (new) size.
func (ev *Evaluator) assignConcentration(sys *system.System, cs *changeSet, i int, y, s []float64) error {
	nc := ev.p.ncol
	c := cs.per.changes[i]
	v := cs.vals[i]
	size, dsize, err := ev.compartmentSize(sys, cs, c.comp)
	if err != nil {
		return err
	}
	y[c.state] = v * size
	if ev.sens {
		for col := 0; col < nc; col++ {
			d := cs.grads[i][col] * size
			if dsize != nil {
				d += v * dsize[col]
			}
			s[c.state*nc+col] = d
		}
	}
	return nil
}

// compartmentSize is compartment comp's size after the changes and, with
// sensitivities, its sensitivities (nil for a constant compartment).
func (ev *Evaluator) compartmentSize(sys *system.System, cs *changeSet, comp string) (size float64, dsize []float64, err error) {
	if j, ok := cs.newSize[comp]; ok {
		return cs.vals[j], cs.grads[j], nil
	}
	if ci := slices.Index(sys.StateNames(), comp); ci >= 0 {
		if ev.sens {
			nc := ev.p.ncol
			dsize = cs.olds[ci*nc : ci*nc+nc]
		}
		return cs.old[ci], dsize, nil
	}
	var buf [1]float64
	if err := sys.Values(cs.per.start, cs.old, []string{comp}, nil, buf[:]); err != nil {
		return 0, nil, err
	}
	return buf[0], nil, nil
}

// record evaluates the observables and noise of the experiment's
// measurements at time key (+Inf: steady state) with the state at time t.
func (ev *Evaluator) record(ep *expPlan, key, t float64, y, s []float64) error {
	p := ev.p
	env := ev.env
	n := p.lay.n
	env[0] = t
	copy(env[1:1+n], y)
	nf := len(p.Free)
	for _, mi := range ep.meas[key] {
		m := &p.Spec.Measurements[mi]
		op := p.obs[m.Obs]
		// placeholders
		for k, v := range m.ObsParams {
			env[p.lay.phBase+k] = ev.nodeValue(v)
		}
		for k, v := range m.NoiseParams {
			env[p.lay.phBase+op.nph+k] = ev.nodeValue(v)
		}
		h := ev.run(op.h)
		env[p.lay.obs] = h
		sg := ev.run(op.sigma)
		ev.sim[mi], ev.sigma[mi] = h, sg
		if !ev.sens {
			continue
		}
		ds := ev.dsim[mi*nf : mi*nf+nf]
		ev.formGrad(op.h, m, op, s, ds, nil)
		ev.formGrad(op.sigma, m, op, s, ev.dsigma[mi*nf:mi*nf+nf], ds)
	}
	return nil
}

func (ev *Evaluator) nodeValue(v *expr.Node) float64 {
	if v.Op == expr.OpNum {
		return v.Value
	}
	return ev.env[1+ev.p.lay.n+ev.p.Spec.ParamIndex(v.Name)]
}

// formGrad writes d(formula)/du over the Free parameters into dst: through
// the states (sensitivities s), parameter-table values, placeholders bound
// to parameters, and (noise formulas) the observable value with
// derivative dobs.
func (ev *Evaluator) formGrad(f *formula, m *Measurement, op *obsPlan, s []float64, dst, dobs []float64) {
	p := ev.p
	c := ev.forms[f]
	nc := p.ncol
	for k, sl := range c.vars {
		d := ev.env[c.out+1+k]
		if d == 0 {
			continue
		}
		if i, ok := p.lay.isState(sl); ok {
			if s == nil {
				continue
			}
			row := s[i*nc : i*nc+nc]
			for col, v := range row {
				dst[p.colFree[col]] += d * v
			}
			continue
		}
		if j, ok := p.lay.isParam(sl); ok {
			if fk := ev.free[j]; fk >= 0 {
				dst[fk] += d * ev.dxdu[fk]
			}
			continue
		}
		if sl == p.lay.obs {
			if dobs != nil {
				for fk, v := range dobs {
					dst[fk] += d * v
				}
			}
			continue
		}
		if sl >= p.lay.phBase && sl < p.lay.phBase+p.lay.nph {
			k := sl - p.lay.phBase
			var v *expr.Node
			if k < len(m.ObsParams) && k < op.nph {
				v = m.ObsParams[k]
			} else if k-op.nph >= 0 && k-op.nph < len(m.NoiseParams) {
				v = m.NoiseParams[k-op.nph]
			}
			if v != nil && v.Op == expr.OpVar {
				if fk := ev.free[p.Spec.ParamIndex(v.Name)]; fk >= 0 {
					dst[fk] += d * ev.dxdu[fk]
				}
			}
		}
	}
}

// SimulateSens runs every experiment at u and returns the simulated
// observables and their derivatives with respect to u (row-major,
// measurements × Free), from forward sensitivities.
func (ev *Evaluator) SimulateSens(ctx context.Context, u []float64) (sim, dsim []float64, err error) {
	if !ev.p.CanGradient() {
		return nil, nil, ErrNoGradient
	}
	if err := ev.simulate(ctx, u, true); err != nil {
		return nil, nil, err
	}
	return append([]float64(nil), ev.sim...), append([]float64(nil), ev.dsim...), nil
}

// Stats returns the BDF's work summed over every evaluation so far.
func (ev *Evaluator) Stats() SolverStats {
	var s SolverStats
	for _, in := range ev.bdf {
		b := in.(*bdfInteg)
		s.Steps += b.stats.Steps
		s.Rejected += b.stats.Rejected
		s.RHS += b.stats.RHS
		s.Jac += b.stats.Jac
	}
	return s
}
