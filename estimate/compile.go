package estimate

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/system"
)

// Options configure simulation and the steady-state criterion.
type Options struct {
	// RTol and ATol are the integration tolerances (defaults 1e-8, 1e-12).
	RTol, ATol float64
	// SteadyRTol and SteadyATol define a steady state: the weighted RMS
	// norm of dx/dt (and, with sensitivities, of dS/dt) with weights
	// 1/(SteadyATol + SteadyRTol·|x|) is below 1 (defaults 1e-8 and 1e-12;
	// SteadyRTol is raised to 10·RTol when smaller, since the integrator's
	// own error keeps dx/dt from falling much below RTol·‖J‖·|x|).
	SteadyRTol, SteadyATol float64
	// MaxSteps bounds the steps of one integration: one period of an
	// experiment, or a pre-equilibration (default 200000).
	MaxSteps int
	// Solver is "bdf" (holobiont's BDF with forward sensitivities; models
	// without SBML events) or "ode" (package ode's automatic solver with
	// SBML events; no sensitivities). "" picks bdf when the model has no
	// events.
	Solver string
}

func (o Options) withDefaults() Options {
	if o.RTol <= 0 {
		o.RTol = 1e-8
	}
	if o.ATol <= 0 {
		o.ATol = 1e-12
	}
	if o.SteadyRTol <= 0 {
		o.SteadyRTol = 1e-8
	}
	if o.SteadyRTol < 10*o.RTol {
		o.SteadyRTol = 10 * o.RTol
	}
	if o.SteadyATol <= 0 {
		o.SteadyATol = 1e-12
	}
	if o.MaxSteps <= 0 {
		o.MaxSteps = 200000
	}
	return o
}

// Problem is a compiled Spec: every reference checked, the model compiled
// (once per distinct set of first-period condition targets) and every
// formula compiled with its partial derivatives. It is immutable; each
// goroutine evaluates it through its own Evaluator.
type Problem struct {
	Spec *Spec
	// Free lists the indices (into Spec.Params) of the estimated
	// parameters: the optimisation variables, on their scales.
	Free []int

	opt       Options
	mi        *modelInfo // the model with PEtab-controlled constants as states
	variants  []*variant
	exps      []*expPlan
	obs       []*obsPlan
	lay       *layout
	envSize   int
	col       []int // per Free position: sensitivity column, or -1
	ncol      int   // number of sensitivity columns
	colFree   []int // per column: Free position
	hasEvents bool
	modelPars []int // parameter-table rows that are model parameters
	// constState marks the states that are PEtab-controlled constants
	// (zero rate; see dynamicModel)
	constState []bool
}

type variant struct {
	first []string
	sys   *system.System
}

// change is a compiled condition change.
type change struct {
	target   string
	kind     string // species, compartment, parameter
	state    int    // state index of the target (-1: not a state)
	setParam string // first period: the model parameter SetParameter sets
	hosu     bool   // species with only substance units
	comp     string // species: compartment id
	value    *formula
	expr     *expr.Node // the resolved value expression
	src      Source
}

type periodPlan struct {
	start   float64
	changes []*change
	times   []float64 // distinct measurement times in [start, next start)
}

type expPlan struct {
	e        *Experiment
	v        int
	first    []*change // applied before initialisation
	preeq    bool
	periods  []periodPlan
	steady   bool              // has measurements at time inf
	alias    bool              // same simulation as an earlier experiment, which records its measurements
	meas     map[float64][]int // measurement indices by time
	bpForms  []*formula        // breakpoint candidates: g(time) = a − b of time relations
	t0       float64
	lastTime float64
}

type obsPlan struct {
	o        *Observable
	h, sigma *formula
	nph      int // observable placeholders
}

// Compile checks s and builds its Problem. Errors name the file, line and
// id of the offending row.
func Compile(s *Spec, opt Options) (*Problem, error) {
	opt = opt.withDefaults()
	if s.Model == nil {
		return nil, errors.New("estimate: spec has no model")
	}
	p := &Problem{Spec: s, opt: opt, Free: s.Free()}
	mi0 := newModelInfo(s.Model)
	if err := p.checkParams(mi0); err != nil {
		return nil, err
	}
	isEst := map[string]bool{}
	inTable := map[string]bool{}
	for i, pr := range s.Params {
		inTable[pr.ID] = true
		if pr.Estimate {
			isEst[pr.ID] = true
		}
		if mi0.kind(pr.ID) == "parameter" {
			p.modelPars = append(p.modelPars, i)
		}
	}
	// which model constants become states (see dynamicModel)
	dyn := map[string]bool{}
	for id := range isEst {
		if mi0.kind(id) == "parameter" {
			dyn[id] = true
		}
	}
	for ei := range s.Experiments {
		e := &s.Experiments[ei]
		if len(e.Periods) == 0 {
			return nil, fmt.Errorf("estimate: experiment %s has no periods", e.ID)
		}
		for pi, per := range e.Periods {
			for _, ch := range per.Changes {
				if err := checkTarget(mi0, inTable, ch); err != nil {
					return nil, err
				}
				later := pi > 0
				dep := false
				for _, v := range expr.Vars(ch.Value) {
					if isEst[v] {
						dep = true
					}
					if !later && !inTable[v] && mi0.kind(v) != "" {
						return nil, errAt(ch.Src, ch.Cond, "target value for %s reads model entity %s: the first period of an experiment may use numbers and parameter-table ids only", ch.Target, v)
					}
				}
				if later || dep || (mi0.kind(ch.Target) == "species" && !mi0.changes(ch.Target)) || mi0.kind(ch.Target) == "compartment" && later {
					dyn[ch.Target] = true
				}
			}
		}
	}
	closeDynamic(mi0, dyn)
	for id := range dyn {
		if mi0.assigned[id] != nil {
			return nil, fmt.Errorf("estimate: %s is the target of an assignment rule and cannot be estimated or changed by a condition", id)
		}
	}
	p.mi = newModelInfo(dynamicModel(newModelInfo(robustHillRatios(mi0)), dyn))
	p.hasEvents = len(s.Model.Events) > 0
	if p.hasEvents && opt.Solver == "bdf" {
		return nil, errors.New("unsupported: SBML events with the bdf solver (use the ode solver; gradients then come from finite differences)")
	}
	if opt.Solver != "" && opt.Solver != "bdf" && opt.Solver != "ode" {
		return nil, fmt.Errorf("estimate: unknown solver %q (want bdf or ode)", opt.Solver)
	}
	if err := p.compileVariants(); err != nil {
		return nil, err
	}
	names := p.variants[0].sys.StateNames()
	p.constState = make([]bool, len(names))
	for i, nm := range names {
		p.constState[i] = dyn[nm] && !mi0.changes(nm)
	}
	if err := p.compileFormulas(); err != nil {
		return nil, err
	}
	return p, nil
}

// checkParams checks the parameter table against the model.
func (p *Problem) checkParams(mi *modelInfo) error {
	for _, pr := range p.Spec.Params {
		switch k := mi.kind(pr.ID); k {
		case "", "parameter":
		default:
			return errAt(pr.Src, pr.ID, "the parameter table lists a model %s; only parameters may be listed", k)
		}
		if mi.kind(pr.ID) == "parameter" && (mi.assigned[pr.ID] != nil || mi.rated[pr.ID] || mi.evTarget[pr.ID]) {
			return errAt(pr.Src, pr.ID, "model parameter is not constant (a rule or event target); it cannot be in the parameter table")
		}
	}
	return nil
}

func checkTarget(mi *modelInfo, inTable map[string]bool, ch Change) error {
	switch k := mi.kind(ch.Target); k {
	case "species", "compartment", "parameter":
		if mi.assigned[ch.Target] != nil {
			return errAt(ch.Src, ch.Cond, "target %s is an assignment-rule variable; conditions may change constants and states only", ch.Target)
		}
		if inTable[ch.Target] {
			return errAt(ch.Src, ch.Cond, "target %s is also in the parameter table; a condition target must not be", ch.Target)
		}
		if sp := mi.species[ch.Target]; sp != nil && sp.Constant && sp.BoundaryCondition == false && mi.reacTarget[ch.Target] {
			return errAt(ch.Src, ch.Cond, "target %s is a constant species changed by reactions", ch.Target)
		}
	case "":
		return errAt(ch.Src, ch.Cond, "unknown target %q: not a species, compartment or parameter of the model", ch.Target)
	default:
		return errAt(ch.Src, ch.Cond, "target %s is a model %s; conditions may change species, compartments and parameters", ch.Target, k)
	}
	return nil
}

// closeDynamic adds to dyn every constant whose initial value reads a
// member of dyn (its sensitivity would otherwise be lost after
// initialisation), and non-state species in dynamic compartments.
func closeDynamic(mi *modelInfo, dyn map[string]bool) {
	for changed := true; changed; {
		changed = false
		add := func(id string) {
			if !dyn[id] && !mi.changes(id) && mi.assigned[id] == nil {
				dyn[id] = true
				changed = true
			}
		}
		for id := range mi.ia {
			for _, v := range mi.iaDeps(id) {
				if dyn[v] {
					add(id)
				}
			}
		}
		for _, sp := range mi.species {
			if dyn[sp.Compartment] {
				add(sp.ID)
			}
		}
	}
}

func (p *Problem) compileVariants() error {
	s := p.Spec
	keys := map[string]int{}
	var names []string
	for ei := range s.Experiments {
		e := &s.Experiments[ei]
		var first []string
		for _, ch := range e.Periods[0].Changes {
			first = append(first, ch.Target)
		}
		k := variantKey(first)
		vi, ok := keys[k]
		if !ok {
			m := variantModel(p.mi.m, first, p.mi)
			sys, err := system.Compile(m)
			if err != nil {
				return fmt.Errorf("compile model %s: %w", s.ModelFile, err)
			}
			if names == nil {
				names = sys.StateNames()
			} else if !slices.Equal(names, sys.StateNames()) {
				return errors.New("estimate: internal: model variants differ in their state variables")
			}
			vi = len(p.variants)
			keys[k] = vi
			p.variants = append(p.variants, &variant{first: first, sys: sys})
		}
		p.exps = append(p.exps, &expPlan{e: e, v: vi})
	}
	return nil
}

// pendingFormula is a resolved expression waiting to be compiled into dst
// once the layout (which needs every constant) is known.
type pendingFormula struct {
	e   *expr.Node
	dst **formula
}

// compileFormulas resolves the observables, noise formulas, condition
// changes and time breakpoints against the model, plans every
// experiment's periods and measurement times, lays out the evaluation
// environment, compiles the formulas into it and assigns the sensitivity
// columns.
func (p *Problem) compileFormulas() error {
	stateNames := p.variants[0].sys.StateNames()
	res := newResolver(p.mi, stateNames, p.Spec.Params)
	// resolve everything first (collects the constants), then lay out
	todo, maxPH, err := p.planObservables(res)
	if err != nil {
		return err
	}
	if err := p.checkOverrides(); err != nil {
		return err
	}
	if todo, err = p.planPeriods(res, stateNames, todo); err != nil {
		return err
	}
	if err := p.planMeasurements(); err != nil {
		return err
	}
	if err := p.layOut(res, len(stateNames), todo, maxPH); err != nil {
		return err
	}
	p.sensitivityColumns()
	return nil
}

// wrapAt attaches a source position, id and column to a resolution error.
func wrapAt(err error, src Source, id, col string) error {
	var u *unknownID
	if errors.As(err, &u) {
		return &Error{File: src.File, Line: src.Line, Column: col, ID: id, Msg: err.Error()}
	}
	return &Error{File: src.File, Line: src.Line, Column: col, ID: id, Err: err}
}

// planObservables resolves every observable's formula and noise formula
// (placeholders become slots) and returns them to compile, with the
// largest number of placeholders of one observable.
func (p *Problem) planObservables(res *resolver) ([]pendingFormula, int, error) {
	s := p.Spec
	var todo []pendingFormula
	maxPH := 0
	for oi := range s.Observables {
		o := &s.Observables[oi]
		op := &obsPlan{o: o, nph: len(o.ObsPlaceholders)}
		p.obs = append(p.obs, op)
		local := map[string]*expr.Node{}
		for k, ph := range o.ObsPlaceholders {
			local[ph] = expr.Var(varPH + strconv.Itoa(k))
		}
		h, err := res.resolve(o.Formula, local)
		if err != nil {
			return nil, 0, wrapAt(err, o.Src, o.ID, "observableFormula")
		}
		for k, ph := range o.NoisePlaceholders {
			local[ph] = expr.Var(varPH + strconv.Itoa(len(o.ObsPlaceholders)+k))
		}
		local[o.ID] = expr.Var(varObs)
		sg, err := res.resolve(o.Noise, local)
		if err != nil {
			return nil, 0, wrapAt(err, o.Src, o.ID, "noiseFormula")
		}
		if n := len(o.ObsPlaceholders) + len(o.NoisePlaceholders); n > maxPH {
			maxPH = n
		}
		todo = append(todo, pendingFormula{h, &op.h}, pendingFormula{sg, &op.sigma})
	}
	return todo, maxPH, nil
}

// checkOverrides refuses measurement overrides that name parameters not in
// the parameter table.
func (p *Problem) checkOverrides() error {
	s := p.Spec
	for mi := range s.Measurements {
		m := &s.Measurements[mi]
		for _, l := range [][]*expr.Node{m.ObsParams, m.NoiseParams} {
			for _, v := range l {
				if v.Op == expr.OpVar && s.ParamIndex(v.Name) < 0 {
					return errAt(m.Src, v.Name, "override names %s, which is not in the parameter table", v.Name)
				}
			}
		}
	}
	return nil
}

// planPeriods lays out every experiment's periods and the condition changes
// at their starts (resolved, appended to todo).
func (p *Problem) planPeriods(res *resolver, stateNames []string, todo []pendingFormula) ([]pendingFormula, error) {
	for _, ep := range p.exps {
		e := ep.e
		pers := e.Periods
		if pers[0].Start == math.Inf(-1) {
			ep.preeq = true
		}
		for pi, per := range pers {
			var cs []*change
			for _, ch := range per.Changes {
				c := &change{target: ch.Target, kind: p.mi.kind(ch.Target), state: slices.Index(stateNames, ch.Target), src: ch.Src}
				if sp := p.mi.species[ch.Target]; sp != nil {
					c.hosu, c.comp = sp.HasOnlySubstanceUnits, sp.Compartment
				}
				if pi == 0 {
					c.setParam = ch.Target
					if c.kind != "parameter" {
						c.setParam = initPrefix + ch.Target
					}
				} else if c.state < 0 {
					return nil, errAt(ch.Src, ch.Cond, "internal: target %s is not a state variable", ch.Target)
				}
				v, err := res.resolve(ch.Value, nil)
				if err != nil {
					return nil, wrapAt(err, ch.Src, ch.Cond, "targetValue")
				}
				c.expr = v
				todo = append(todo, pendingFormula{v, &c.value})
				cs = append(cs, c)
			}
			if pi == 0 {
				ep.first = cs
				if !ep.preeq {
					ep.periods = append(ep.periods, periodPlan{start: per.Start})
				}
				continue
			}
			ep.periods = append(ep.periods, periodPlan{start: per.Start, changes: cs})
		}
		if len(ep.periods) == 0 {
			ep.periods = []periodPlan{{start: 0}}
		}
		ep.t0 = ep.periods[0].start
		if ep.preeq {
			ep.t0 = 0
		}
		ep.meas = map[float64][]int{}
		ep.lastTime = ep.periods[len(ep.periods)-1].start
	}
	return todo, nil
}

// planMeasurements records every measurement at its experiment's time
// (experiments with the same trajectory share one simulation) and each
// period's output times.
func (p *Problem) planMeasurements() error {
	s := p.Spec
	// experiments with the same periods and changes have the same
	// trajectory: simulate one and record every one's measurements there
	sim := make([]int, len(p.exps))
	byKey := map[string]int{}
	for i, ep := range p.exps {
		k := ep.key()
		if j, ok := byKey[k]; ok {
			sim[i] = j
			ep.alias = true
			continue
		}
		byKey[k] = i
		sim[i] = i
	}
	for mi := range s.Measurements {
		m := &s.Measurements[mi]
		if m.Time < p.exps[m.Exp].periods[0].start {
			return errAt(m.Src, s.Observables[m.Obs].ID, "time %g is before the start %g of experiment %s", m.Time, p.exps[m.Exp].periods[0].start, p.exps[m.Exp].e.ID)
		}
		ep := p.exps[sim[m.Exp]]
		if m.Time < ep.periods[0].start {
			return errAt(m.Src, s.Observables[m.Obs].ID, "time %g is before the start %g of experiment %s", m.Time, ep.periods[0].start, ep.e.ID)
		}
		if math.IsInf(m.Time, 1) {
			ep.steady = true
		} else if m.Time > ep.lastTime {
			ep.lastTime = m.Time
		}
		ep.meas[m.Time] = append(ep.meas[m.Time], mi)
	}
	for _, ep := range p.exps {
		for pi := range ep.periods {
			per := &ep.periods[pi]
			end := math.Inf(1)
			if pi+1 < len(ep.periods) {
				end = ep.periods[pi+1].start
			}
			for t := range ep.meas {
				if t >= per.start && t < end && !math.IsInf(t, 1) {
					per.times = append(per.times, t)
				}
			}
			sort.Float64s(per.times)
		}
	}
	return nil
}

// layOut builds the evaluation layout, compiles the pending formulas and
// the time breakpoints (relations between time and time-independent
// expressions) into it.
func (p *Problem) layOut(res *resolver, nStates int, todo []pendingFormula, maxPH int) error {
	s := p.Spec
	var bps []*expr.Node
	for _, g := range timeRelations(p.mi) {
		v, err := res.resolve(g, nil)
		if err != nil {
			continue
		}
		bps = append(bps, v)
	}
	p.lay = newLayout(nStates, len(s.Params), res.constIDs(), maxPH)
	out := p.lay.size
	for _, t := range todo {
		f, next, err := compileFormula(p.lay, t.e, out)
		if err != nil {
			return fmt.Errorf("estimate: compile %s: %w", expr.String(t.e), err)
		}
		*t.dst = f
		out = next
	}
	var bpf []*formula
	for _, g := range bps {
		f, next, err := compileFormula(p.lay, g, out)
		if err != nil {
			continue
		}
		if f.readsState(p.lay, p.constState) {
			continue
		}
		bpf = append(bpf, f)
		out = next
	}
	for _, ep := range p.exps {
		ep.bpForms = bpf
	}
	p.envSize = out
	return nil
}

// sensitivityColumns assigns a sensitivity column to every estimated
// parameter that reaches the dynamics (a model parameter, or one a
// condition change reads).
func (p *Problem) sensitivityColumns() {
	s := p.Spec
	dynFree := map[int]bool{}
	for k, pi := range p.Free {
		id := s.Params[pi].ID
		if p.mi.kind(id) == "parameter" {
			dynFree[k] = true
		}
	}
	for _, ep := range p.exps {
		for _, c := range ep.allChanges() {
			for _, sl := range c.value.vars {
				if j, ok := p.lay.isParam(sl); ok {
					for k, pi := range p.Free {
						if pi == j {
							dynFree[k] = true
						}
					}
				}
			}
		}
	}
	p.col = make([]int, len(p.Free))
	for k := range p.Free {
		p.col[k] = -1
		if dynFree[k] {
			p.col[k] = p.ncol
			p.colFree = append(p.colFree, k)
			p.ncol++
		}
	}
}

func (ep *expPlan) allChanges() []*change {
	out := append([]*change(nil), ep.first...)
	for _, per := range ep.periods {
		out = append(out, per.changes...)
	}
	return out
}

// NumSensCols returns the number of forward-sensitivity columns: the
// estimated parameters that reach the dynamics.
func (p *Problem) NumSensCols() int { return p.ncol }

// key identifies an experiment's simulation: its variant, periods and
// changes (targets and value expressions).
func (ep *expPlan) key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d|%v|", ep.v, ep.preeq)
	for _, c := range ep.first {
		fmt.Fprintf(&b, "%s=%s;", c.target, expr.String(c.expr))
	}
	for _, per := range ep.periods {
		fmt.Fprintf(&b, "|%v:", per.start)
		for _, c := range per.changes {
			fmt.Fprintf(&b, "%s=%s;", c.target, expr.String(c.expr))
		}
	}
	return b.String()
}

// preeqKey identifies an experiment's pre-equilibration: its variant and
// the changes applied before it.
func (ep *expPlan) preeqKey() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d|", ep.v)
	for _, c := range ep.first {
		fmt.Fprintf(&b, "%s=%s;", c.target, expr.String(c.expr))
	}
	return b.String()
}
