package system

import (
	"fmt"
	"math"
	"sort"

	"github.com/holobiont/holobiont/internal/suggest"
	"github.com/holobiont/holobiont/model"
)

// Unsupported is returned (wrapped) for model constructs the engine refuses.
type Unsupported struct {
	Construct string
	ID        string
	Src       model.Source
}

func (e *Unsupported) Error() string {
	s := "unsupported: " + e.Construct
	if e.ID != "" {
		s += " at " + e.ID
	}
	if e.Src.Line > 0 {
		s += fmt.Sprintf(", line %d", e.Src.Line)
	}
	return s
}

type reacTerm struct {
	state  int // state index
	rate   int // env slot of the reaction rate
	stoich int // env slot of the stoichiometry
	sign   float64
	cf     int // env slot of the conversion factor, or -1
	fast   bool
}

type dysb struct {
	out     int   // index into VariableNames
	members []int // env slots of member values
}

// System is a compiled model. It implements ode.System, ode.Jacobian and
// ode.Events. A System is not safe for concurrent use: Clone it for each
// goroutine.
type System struct {
	m     *model.Model
	n     int
	names []string

	base []float64 // declared values and overrides
	env  []float64

	slot    map[string]int
	tape    *tape // rules, species values, rates, derivatives, growth
	outTape *tape // observables (after tape)

	// split evaluation (models without delay() and rateOf): the main
	// tape's assignments that depend on neither time nor the state (nor on
	// another such assignment) run in stat only when parameters, inputs or
	// the initial state change; eval runs dyn. outFast computes the
	// output variables alone (the dynamic assignments they need, then the
	// observables).
	split   bool
	stat    *tape
	dyn     *tape // the dynamic assignments the derivatives need (RHS)
	dynAll  *tape // every dynamic assignment (events, Values, diagnostics)
	outFast *tape
	init    *tape // initial values (on a copy of base)
	evTape  *tape // trigger atoms and leaves (after tape)

	stateSlot []int // env slot holding state i
	stateLo   int   // stateSlot[i] = stateLo + i for all i, or -1 (see load)
	derivSlot []int // env slot of the rate-rule derivative, or -1
	reac      []reacTerm
	comms     []community
	aFlat     []float64 // the communities' interaction matrices, one after another (community.a)
	// derivsKernel: generated code for derivs (package kernels), or nil
	derivsKernel func(env, y, dydt, a []float64)
	nonneg       []bool

	// rateOf support: when hasRateOf, RHS fills rateOfSlot[k] with the
	// derivative of rateOfState[k]'s value (scaled by rateOfScale slot,
	// -1 for none) and evaluates the tape a second time.
	hasRateOf   bool
	rateOfPass  int // fill-and-reevaluate passes: the longest chain of rateOf slots depending on each other
	rateOfSlot  []int
	rateOfState []int
	rateOfScale []int
	rateOfComp  []int // state index of the species' compartment, or -1
	rateOfVal   []int // env slot of the value (species: concentration)

	params map[string]*model.Parameter
	inputs map[string]int

	varNames []string
	varSlots []int
	varRuns  []varRun // varSlots in runs of consecutive slots (Outputs)
	dysb     []dysb

	ev *events

	jac *jacobian // analytic Jacobian, nil for finite differences

	defInfo []defInfo // main-tape definitions in order, for diagnostics

	delays    []delayTerm
	delayTape *tape
	delayExpr *tape // delayed expressions, evaluated on a past environment
	hist      *history
	penv      []float64 // scratch environment for values before the start

	// Values' last resolved request (immutable once set; replaced, never
	// written in place, so Clones may share it)
	lastIDs []string
	lastAs  []Quantity
	lastSel *Selector

	// scratch for the finite-difference Jacobian
	f0, f1, yt []float64
	fr         []float64 // derivatives for rateOf outside RHS
}

// runStatic recomputes the static assignments (see System.split) after a
// change of parameters, inputs or the initial state.
func (s *System) runStatic() {
	if s.split {
		s.stat.Run(s.env)
	}
}

// Dim returns the number of state variables.
func (s *System) Dim() int { return s.n }

// Model returns the model the system was compiled from.
func (s *System) Model() *model.Model { return s.m }

// StateNames returns the ids of the state variables, in state order.
func (s *System) StateNames() []string { return append([]string(nil), s.names...) }

// NonNegative reports, per state, whether the solver must keep it >= 0
// (community members and species declared non-negative).
func (s *System) NonNegative() []bool { return append([]bool(nil), s.nonneg...) }

// VariableNames returns the names of the values Outputs computes: the
// states, the assignment-rule variables and the observables. Species appear
// with the value their id denotes (concentration unless the species has
// only substance units).
func (s *System) VariableNames() []string { return append([]string(nil), s.varNames...) }

// ParameterNames returns the ids of the parameters SetParameter accepts,
// sorted.
func (s *System) ParameterNames() []string {
	out := make([]string, 0, len(s.params))
	for id := range s.params {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// SetParameter sets a parameter's value for subsequent InitialState and RHS
// calls. It fails for unknown ids and for values outside the parameter's
// [Min, Max] range.
func (s *System) SetParameter(id string, v float64) error {
	p, ok := s.params[id]
	if !ok {
		return fmt.Errorf("set parameter %s: no such parameter%s", id, suggest.DidYouMean(id, s.ParameterNames()))
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("set parameter %s: value %v is not finite", id, v)
	}
	if !(p.Min == 0 && p.Max == 0) && (v < p.Min || v > p.Max) {
		return fmt.Errorf("set parameter %s: value %v outside its range %s", id, v, model.RangeString(p.Min, p.Max))
	}
	i := s.slot[id]
	s.base[i] = v
	s.env[i] = v
	s.refreshA()
	s.runStatic()
	return nil
}

// Parameter returns a parameter's current value.
func (s *System) Parameter(id string) (float64, bool) {
	if _, ok := s.params[id]; !ok {
		return 0, false
	}
	return s.env[s.slot[id]], true
}

// SetInput sets an input signal's value (constant until the next call).
func (s *System) SetInput(id string, v float64) error {
	i, ok := s.inputs[id]
	if !ok {
		return fmt.Errorf("set input %s: no such input", id)
	}
	if s.env[i] == v && s.base[i] == v {
		return nil
	}
	s.base[i] = v
	s.env[i] = v
	s.runStatic()
	return nil
}

// SetInputs sets several inputs at once (vals[k] for ids[k]), as SetInput
// does one by one, but recomputes what depends on them only once. On an
// unknown id it fails before changing anything.
func (s *System) SetInputs(ids []string, vals []float64) error {
	if len(ids) != len(vals) {
		return fmt.Errorf("set inputs: %d ids, %d values", len(ids), len(vals))
	}
	for _, id := range ids {
		if _, ok := s.inputs[id]; !ok {
			return fmt.Errorf("set input %s: no such input", id)
		}
	}
	changed := false
	for k, id := range ids {
		i, v := s.inputs[id], vals[k]
		if s.env[i] == v && s.base[i] == v {
			continue
		}
		s.base[i] = v
		s.env[i] = v
		changed = true
	}
	if changed {
		s.runStatic()
	}
	return nil
}

// Inputs returns the ids of the model's inputs.
func (s *System) Inputs() []string {
	out := make([]string, 0, len(s.m.Inputs))
	for _, in := range s.m.Inputs {
		out = append(out, in.ID)
	}
	return out
}

// InputDefault returns an input's default value.
func (s *System) InputDefault(id string) (float64, bool) {
	for _, in := range s.m.Inputs {
		if in.ID == id {
			return in.Default, true
		}
	}
	return 0, false
}

// InitialState writes the initial state into dst (length Dim()): declared
// initial values, initial assignments and assignment rules, evaluated in
// dependency order from the current parameter values. It also resets every
// value that events may have changed.
func (s *System) InitialState(dst []float64) error {
	if len(dst) != s.n {
		return fmt.Errorf("initial state: dst has length %d, want %d", len(dst), s.n)
	}
	copy(s.env, s.base)
	s.env[0] = 0
	s.init.Run(s.env)
	if s.hasRateOf {
		// initial assignments may use rateOf: evaluate the derivatives at
		// the first estimate and run the initial values again
		for i, sl := range s.stateSlot {
			dst[i] = s.env[sl]
		}
		s.refreshA()
		s.evalFull(0, dst)
		s.derivs(dst, s.fr)
		copy(s.env, s.base)
		s.fillRateOf(s.fr)
		s.init.Run(s.env)
	}
	for i, sl := range s.stateSlot {
		v := s.env[sl]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("initial state: %s = %v is not finite", s.names[i], v)
		}
		dst[i] = v
	}
	s.refreshA()
	s.runStatic()
	return nil
}

// eval loads (t, y) into the environment and runs the main tape.
func (s *System) eval(t float64, y []float64) {
	env := s.env
	s.load(t, y)
	if s.split {
		s.dyn.Run(env)
		return
	}
	s.tape.Run(env)
	// delay lags may themselves depend on delayed values: one pass per
	// delay term resolves any nesting
	for range s.delays {
		s.delayTape.Run(env)
		s.fillDelays(t, y)
		s.tape.Run(env)
		if len(s.delays) == 1 {
			break
		}
	}
}

// HasFast reports whether the model has fast reactions.
func (s *System) HasFast() bool {
	for _, r := range s.reac {
		if r.fast {
			return true
		}
	}
	return false
}

// FastRHS writes the contribution of the fast reactions alone (without the
// gain) to the state derivatives at (t, y): the system whose steady state
// is the rapid equilibrium.
func (s *System) FastRHS(t float64, y, dydt []float64) {
	s.evalFull(t, y)
	for i := range dydt {
		dydt[i] = 0
	}
	env := s.env
	for _, r := range s.reac {
		if !r.fast {
			continue
		}
		v := r.sign * env[r.stoich] * env[r.rate]
		if r.cf >= 0 {
			v *= env[r.cf]
		}
		dydt[r.state] += v
	}
}

// load writes time and the state into the environment.
func (s *System) load(t float64, y []float64) {
	env := s.env
	env[0] = t
	if lo := s.stateLo; lo >= 0 {
		copy(env[lo:lo+len(s.stateSlot)], y[:len(s.stateSlot)])
		return
	}
	for i, sl := range s.stateSlot {
		env[sl] = y[i]
	}
}

// evalFull is eval followed, when the model uses rateOf, by a second pass
// with the rateOf slots filled.
func (s *System) evalFull(t float64, y []float64) {
	if s.split {
		s.load(t, y)
		s.dynAll.Run(s.env)
		return
	}
	s.eval(t, y)
	for range s.rateOfPass {
		s.derivs(y, s.fr)
		s.fillRateOf(s.fr)
		s.tape.Run(s.env)
	}
}

// RHS computes dydt = f(t, y). It does not allocate.
func (s *System) RHS(t float64, y, dydt []float64) {
	s.eval(t, y)
	s.derivs(y, dydt)
	for range s.rateOfPass {
		s.fillRateOf(dydt)
		s.tape.Run(s.env)
		s.derivs(y, dydt)
	}
}

func (s *System) fillRateOf(dydt []float64) {
	env := s.env
	for k, sl := range s.rateOfSlot {
		dV := 0.0
		if cs := s.rateOfComp[k]; cs >= 0 {
			dV = dydt[cs]
		}
		dA := 0.0 // a non-state species: fixed amount
		if st := s.rateOfState[k]; st >= 0 {
			dA = dydt[st]
		}
		env[sl] = rateOfValue(dA, dV, env, s.rateOfScale[k], s.rateOfVal[k])
	}
}

// rateOfValue is the derivative of a value from the derivative dA of its
// state (an amount for species) and, for species concentrations (scale >=
// 0: the compartment size's slot), the size derivative dV:
// d(A/V)/dt = (dA/dt − (A/V)·dV/dt)/V.
func rateOfValue(dA, dV float64, env []float64, scale, val int) float64 {
	if scale < 0 {
		return dA
	}
	vol := env[scale]
	return (dA - env[val]*dV) / vol
}

func (s *System) derivs(y, dydt []float64) {
	if s.derivsKernel != nil {
		s.derivsKernel(s.env, y, dydt, s.aFlat)
		return
	}
	env := s.env
	dd := dydt[:len(s.derivSlot)]
	for i, d := range s.derivSlot {
		if d >= 0 {
			dd[i] = env[d]
		} else {
			dd[i] = 0
		}
	}
	for _, r := range s.reac {
		v := r.sign * env[r.stoich] * env[r.rate]
		if r.cf >= 0 {
			v *= env[r.cf]
		}
		if r.fast {
			v *= fastGain
		}
		dydt[r.state] += v
	}
	for ci := range s.comms {
		s.comms[ci].rates(s.env, y, dydt)
	}
}

// Jacobian writes ∂f/∂y (row-major, n×n) at (t, y) into dfdy: analytic
// (see package doc) when every expression differentiates, else by forward
// finite differences of RHS. It does not allocate.
func (s *System) Jacobian(t float64, y []float64, dfdy []float64) {
	if s.jac != nil {
		s.analyticJacobian(t, y, dfdy)
		return
	}
	s.JacobianFD(t, y, dfdy)
}

// JacobianFD is the forward-difference Jacobian, used by Jacobian for
// models whose expressions expr.Diff cannot differentiate or that use delay
// or rateOf (and available for checks).
func (s *System) JacobianFD(t float64, y []float64, dfdy []float64) {
	n := s.n
	f0, f1, yt := s.f0, s.f1, s.yt
	s.RHS(t, y, f0)
	copy(yt, y)
	sq := math.Sqrt(0x1p-52)
	for j := 0; j < n; j++ {
		h := sq * math.Max(math.Abs(y[j]), 1e-8)
		if h == 0 {
			h = sq
		}
		yt[j] = y[j] + h
		h = yt[j] - y[j]
		s.RHS(t, yt, f1)
		yt[j] = y[j]
		for i := 0; i < n; i++ {
			dfdy[i*n+j] = (f1[i] - f0[i]) / h
		}
	}
}

// Outputs writes the values of VariableNames() at (t, y) into dst.
// Dysbiosis observables are NaN here: package sim computes them against the
// baseline composition.
func (s *System) Outputs(t float64, y []float64, dst []float64) {
	if s.split {
		s.load(t, y)
		s.outFast.Run(s.env)
	} else {
		s.evalFull(t, y)
		s.outTape.Run(s.env)
	}
	// the variables in runs of consecutive slots (states, rules and
	// observables mostly lie in order)
	env := s.env
	for _, r := range s.varRuns {
		copy(dst[r.k:r.k+r.n], env[r.slot:r.slot+r.n])
	}
	for _, d := range s.dysb {
		dst[d.out] = math.NaN()
	}
}

// varRun is a run of output variables k..k+n-1 held in consecutive env
// slots from slot.
type varRun struct{ k, slot, n int }

// runsOf groups the output variables' slots into runs.
func runsOf(slots []int) []varRun {
	var runs []varRun
	for k, sl := range slots {
		if m := len(runs) - 1; m >= 0 && runs[m].k+runs[m].n == k && runs[m].slot+runs[m].n == sl {
			runs[m].n++
			continue
		}
		runs = append(runs, varRun{k: k, slot: sl, n: 1})
	}
	return runs
}

// NonFinite names the first expression (in evaluation order: species
// values, assignment rules, reaction rates, then rate rules) whose value at
// (t, y) is NaN or infinite, with its source location, e.g.
// "reaction J1 (model.xml:40)"; "" when all are finite. It explains a
// solver failure such as a division by zero.
func (s *System) NonFinite(t float64, y []float64) string {
	s.evalFull(t, y)
	for _, d := range s.defInfo {
		if v := s.env[d.slot]; math.IsNaN(v) || math.IsInf(v, 0) {
			w := d.owner
			if src := d.src.String(); src != "" {
				w += " (" + src + ")"
			}
			return fmt.Sprintf("%s = %v", w, v)
		}
	}
	return ""
}

// Dysbiosis describes one dysbiosis observable: its index in
// VariableNames() and the indices (in VariableNames()) of its members.
type Dysbiosis struct {
	Output  int
	Members []int
}

// DysbiosisObservables lists the dysbiosis observables. Members that are
// not among VariableNames() are left out.
func (s *System) DysbiosisObservables() []Dysbiosis {
	var out []Dysbiosis
	for _, d := range s.dysb {
		o := Dysbiosis{Output: d.out}
		for _, sl := range d.members {
			for k, vs := range s.varSlots {
				if vs == sl {
					o.Members = append(o.Members, k)
					break
				}
			}
		}
		out = append(out, o)
	}
	return out
}

// StateIndex returns the state index of a state variable's id.
func (s *System) StateIndex(id string) (int, bool) {
	for i, n := range s.names {
		if n == id {
			return i, true
		}
	}
	return 0, false
}

// Clone returns an independent copy of s for use in another goroutine.
func (s *System) Clone() *System {
	c := *s
	c.base = append([]float64(nil), s.base...)
	c.env = append([]float64(nil), s.env...)
	c.tape = s.tape.Clone()
	c.outTape = s.outTape.Clone()
	c.init = s.init.Clone()
	if s.split {
		c.stat, c.dyn, c.dynAll, c.outFast = s.stat.Clone(), s.dyn.Clone(), s.dynAll.Clone(), s.outFast.Clone()
	}
	if s.evTape != nil {
		c.evTape = s.evTape.Clone()
	}
	c.comms = make([]community, len(s.comms))
	c.aFlat = append([]float64(nil), s.aFlat...)
	for i, cc := range s.comms {
		k := len(cc.members)
		cc.a = c.aFlat[cc.aOff : cc.aOff+len(cc.aSlots) : cc.aOff+len(cc.aSlots)]
		cc.x = make([]float64, k)
		c.comms[i] = cc
	}
	c.f0 = make([]float64, s.n)
	c.f1 = make([]float64, s.n)
	c.yt = make([]float64, s.n)
	c.fr = make([]float64, s.n)
	if s.ev != nil {
		c.ev = s.ev.clone()
	}
	if s.jac != nil {
		c.jac = s.jac.clone()
	}
	if s.delays != nil {
		c.delayTape = s.delayTape.Clone()
		c.delayExpr = s.delayExpr.Clone()
		c.hist = &history{n: s.n}
		c.penv = make([]float64, len(s.base))
	}
	return &c
}
