package system

import (
	"fmt"
	"math"
	"strings"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// Internal slot-name prefixes. They contain a NUL byte, so they never clash
// with model ids.
const (
	amtPrefix     = "\x00amount:"
	derivPrefix   = "\x00d:"
	rateOfPrefix  = "\x00rateOf:"
	delayPrefix   = "\x00delay:"
	amtRatePrefix = "\x00amountRate:" // d amount/dt of a species, for rateOf
)

// fastGain multiplies the rates of fast reactions: SBML's rapid
// equilibrium is approximated by a stiff penalty (relative deviation from
// the equilibrium ≈ slow rate / (fastGain × fast rate)); the stiff solver
// handles the resulting stiffness. package sim equilibrates the fast
// reactions at the start.
const fastGain = 1e8

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

type community struct {
	members   []int // state indices
	growth    []int // env slots (-1: zero)
	inflow    []int // env slots (-1: zero)
	shedding  int   // env slot (-1: zero)
	a         []float64
	aSlots    []int // len(members)^2, -1 where no interaction
	threshold float64
	x         []float64 // scratch: the members' values
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
	nonneg    []bool

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

type defInfo struct {
	slot  int
	owner string
	src   model.Source
}

type def struct {
	target string
	math   *expr.Node
	owner  string
	src    model.Source
}

// Compile validates m and builds its System.
func Compile(m *model.Model) (*System, error) { return compile(m, compileOptions{}) }

// compileOptions switch off the evaluation shortcuts that must not change
// a result bit (the tests compare with and without them).
type compileOptions struct {
	noHoist   bool // keep static sub-expressions in the dynamic tapes (hoister)
	noInPlace bool // run every tape on its own register copy (tape.inPlace)
	denseJac  bool // propagate Jacobian sensitivities over whole rows (jacobian.sparse)
}

func compile(m *model.Model, opt compileOptions) (*System, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	m, err := solveAlgebraic(m)
	if err != nil {
		return nil, err
	}
	c := compiler{opt: opt, delayIdx: map[string]int{}, m: m, s: &System{m: m, slot: map[string]int{}, params: map[string]*model.Parameter{}, inputs: map[string]int{}}}
	if err := c.run(); err != nil {
		return nil, err
	}
	return c.s, nil
}

type compiler struct {
	opt   compileOptions
	m     *model.Model
	s     *System
	funcs map[string]*expr.Func
	mfunc map[string]*model.Function

	species  map[string]*model.Species
	comps    map[string]*model.Compartment
	assigned map[string]*model.Rule // assignment-rule targets
	rated    map[string]*model.Rule // rate-rule targets
	evTarget map[string]bool
	isState  map[string]int
	scratch  int

	mainB *builder // the main tape's assignments (for the Jacobian)

	inPlace []inPlaceReq // tapes built when every env slot exists

	// delay() support
	inInit   bool
	owner    string
	rwErr    error
	delays   []delayTerm
	delayD   []*expr.Node
	delayE   []*expr.Node // delayed expressions (state == -2)
	delayEi  []int
	delayIdx map[string]int
}

func (c *compiler) newSlot(name string) int {
	if i, ok := c.s.slot[name]; ok {
		return i
	}
	i := len(c.s.base)
	c.s.base = append(c.s.base, 0)
	if name != "" {
		c.s.slot[name] = i
	}
	return i
}

func (c *compiler) lookup(name string) (int, bool) {
	i, ok := c.s.slot[name]
	return i, ok
}

func (c *compiler) run() error {
	m, s := c.m, c.s
	c.funcs = map[string]*expr.Func{}
	c.mfunc = map[string]*model.Function{}
	for _, f := range m.Functions {
		c.funcs[f.ID] = &expr.Func{Args: f.Args, Body: f.Body}
		c.mfunc[f.ID] = f
	}
	c.species = map[string]*model.Species{}
	for _, sp := range m.Species {
		c.species[sp.ID] = sp
	}
	c.comps = map[string]*model.Compartment{}
	for _, cp := range m.Compartments {
		c.comps[cp.ID] = cp
	}
	c.assigned = map[string]*model.Rule{}
	c.rated = map[string]*model.Rule{}
	for _, r := range m.Rules {
		switch r.Kind {
		case model.AssignmentRule:
			c.assigned[r.Variable] = r
		case model.RateRule:
			c.rated[r.Variable] = r
		case model.AlgebraicRule:
			return &Unsupported{Construct: "algebraic rule", ID: "algebraic rule", Src: r.Src}
		}
	}
	c.evTarget = map[string]bool{}
	for _, e := range m.Events {
		for _, a := range e.Assignments {
			c.evTarget[a.Variable] = true
		}
	}
	if err := c.checkUnsupported(); err != nil {
		return err
	}

	// 1. States.
	s.base = append(s.base, 0) // slot 0: time
	reacTarget := map[string]bool{}
	for _, r := range m.Reactions {
		for _, refs := range [][]model.SpeciesRef{r.Reactants, r.Products} {
			for _, sr := range refs {
				reacTarget[sr.Species] = true
			}
		}
	}
	member := map[string]bool{}
	for _, cm := range m.Communities {
		for _, id := range cm.Members {
			member[id] = true
		}
	}
	c.isState = map[string]int{}
	addState := func(name string, slot int, nonneg bool) {
		c.isState[name] = len(s.names)
		s.names = append(s.names, name)
		s.stateSlot = append(s.stateSlot, slot)
		s.nonneg = append(s.nonneg, nonneg)
	}
	for _, sp := range m.Species {
		if c.assigned[sp.ID] != nil {
			continue
		}
		changing := (reacTarget[sp.ID] && !sp.BoundaryCondition) || c.rated[sp.ID] != nil || member[sp.ID] || c.evTarget[sp.ID]
		if !changing {
			continue
		}
		if sp.Constant && (c.rated[sp.ID] != nil || c.evTarget[sp.ID]) {
			return fmt.Errorf("%s: constant species %s is the target of a rate rule or event", sp.Src, sp.ID)
		}
		sl := c.newSlot(amtPrefix + sp.ID)
		if sp.HasOnlySubstanceUnits {
			// the species' value is its amount: one slot for both
			s.slot[sp.ID] = sl
		}
		addState(sp.ID, sl, sp.NonNegative || member[sp.ID])
	}
	var others []string
	for _, cp := range m.Compartments {
		others = append(others, cp.ID)
	}
	for _, p := range m.Parameters {
		others = append(others, p.ID)
	}
	for _, r := range m.Reactions {
		for _, refs := range [][]model.SpeciesRef{r.Reactants, r.Products} {
			for _, sr := range refs {
				if sr.ID != "" {
					others = append(others, sr.ID)
				}
			}
		}
	}
	for _, id := range others {
		if c.assigned[id] == nil && (c.rated[id] != nil || c.evTarget[id]) {
			addState(id, c.newSlot(id), false)
		}
	}
	s.n = len(s.names)
	if err := c.checkDelays(); err != nil {
		return err
	}

	// 2. Fixed symbols and their declared values.
	for _, p := range m.Parameters {
		i := c.newSlot(p.ID)
		s.base[i] = p.Value
		if !p.ValueSet {
			s.base[i] = math.NaN()
		}
		s.params[p.ID] = p
	}
	for _, cp := range m.Compartments {
		i := c.newSlot(cp.ID)
		s.base[i] = 1
		if cp.SizeSet {
			s.base[i] = cp.Size
		}
	}
	for _, r := range m.Reactions {
		for _, refs := range [][]model.SpeciesRef{r.Reactants, r.Products} {
			for _, sr := range refs {
				if sr.ID != "" {
					s.base[c.newSlot(sr.ID)] = sr.Stoichiometry
				}
			}
		}
	}
	for _, in := range m.Inputs {
		i := c.newSlot(in.ID)
		s.base[i] = in.Default
		s.inputs[in.ID] = i
	}
	for _, sp := range m.Species {
		c.newSlot(sp.ID) // value slot
		if _, ok := c.isState[sp.ID]; !ok && c.assigned[sp.ID] == nil {
			c.newSlot(amtPrefix + sp.ID)
		}
	}
	for _, r := range m.Reactions {
		c.newSlot(r.ID)
	}
	// rateOf slots
	var rateOfIDs []string
	seen := map[string]bool{}
	var addRateOf func(id string)
	addRateOf = func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		rateOfIDs = append(rateOfIDs, id)
		if sp := c.species[id]; sp != nil && c.varyingAssignedSize(sp) {
			// d[S]/dt = (dA/dt − [S]·dV/dt)/V with dV/dt by the chain rule
			addRateOf(sp.Compartment)
		}
		if r := c.assigned[id]; r != nil {
			// rateOf of an assignment-rule variable is the chain rule
			// over the rule (rateOfAssigned): the derivatives of the
			// symbols it reads
			for _, v := range expr.Vars(model.InlineFunctions(r.Math, c.mfunc, 0)) {
				addRateOf(v)
			}
		}
	}
	collect := func(n *expr.Node) {
		walk(model.InlineFunctions(n, c.mfunc, 0), func(x *expr.Node) {
			if x.Op == expr.OpCall && x.Name == "rateOf" && len(x.Args) == 1 && x.Args[0].Op == expr.OpVar {
				addRateOf(x.Args[0].Name)
			}
		})
	}
	c.forEachMath(func(n *expr.Node) { collect(n) })
	for _, r := range m.Rules {
		// rate rules on concentrations in a compartment an assignment rule
		// sizes need dV/dt
		if sp := c.species[r.Variable]; r.Kind == model.RateRule && sp != nil && c.varyingAssignedSize(sp) {
			addRateOf(sp.Compartment)
		}
	}
	reactionID := map[string]*model.Reaction{}
	for _, r := range m.Reactions {
		reactionID[r.ID] = r
	}
	observableID := map[string]*model.Observable{}
	for _, o := range m.Observables {
		observableID[o.ID] = o
	}
	for _, id := range rateOfIDs {
		i := c.newSlot(rateOfPrefix + id)
		st, isSt := c.isState[id]
		sp := c.species[id]
		conc := sp != nil && !sp.HasOnlySubstanceUnits // value = amount / size
		if sp != nil && c.varyingAssignedSize(sp) {
			// rateOf(S) is an expression (rewriteInlined) over dA/dt,
			// filled into its own slot for a state species (a fixed
			// amount has dA/dt = 0)
			if isSt {
				s.hasRateOf = true
				s.rateOfSlot = append(s.rateOfSlot, c.newSlot(amtRatePrefix+id))
				s.rateOfState = append(s.rateOfState, st)
				s.rateOfVal = append(s.rateOfVal, -1)
				s.rateOfScale = append(s.rateOfScale, -1)
				s.rateOfComp = append(s.rateOfComp, -1)
			}
			continue
		}
		switch {
		case isSt:
			s.hasRateOf = true
			s.rateOfSlot = append(s.rateOfSlot, i)
			s.rateOfState = append(s.rateOfState, st)
			s.rateOfVal = append(s.rateOfVal, s.slot[id])
			scale, cst := -1, -1
			if conc {
				scale = s.slot[sp.Compartment]
				if ci, ok := c.isState[sp.Compartment]; ok {
					cst = ci
				}
			}
			s.rateOfScale = append(s.rateOfScale, scale)
			s.rateOfComp = append(s.rateOfComp, cst)
		case c.assigned[id] != nil:
			// an expression (rateOfAssigned), built where rateOf occurs
		case reactionID[id] != nil:
			return &Unsupported{Construct: "rateOf of a reaction rate", ID: id, Src: reactionID[id].Src}
		case observableID[id] != nil:
			return &Unsupported{Construct: "rateOf of an observable", ID: id, Src: observableID[id].Src}
		case conc && hasKey(c.isState, sp.Compartment):
			// a fixed amount in a compartment whose size changes:
			// d(A/V)/dt = −(A/V)·(dV/dt)/V
			s.hasRateOf = true
			s.rateOfSlot = append(s.rateOfSlot, i)
			s.rateOfState = append(s.rateOfState, -1)
			s.rateOfVal = append(s.rateOfVal, s.slot[id])
			s.rateOfScale = append(s.rateOfScale, s.slot[sp.Compartment])
			s.rateOfComp = append(s.rateOfComp, c.isState[sp.Compartment])
		default:
			// constant between events and schedule boundaries: 0
		}
	}
	for _, name := range s.names {
		c.newSlot(derivPrefix + name)
	}

	// 3. Main tape: species values, assignment rules, reaction rates in
	// dependency order; then derivatives and community expressions.
	var defs []def
	for _, sp := range m.Species {
		// species values follow their amounts (states, or fixed amounts
		// in a compartment whose size may change); a state species with
		// only substance units shares its amount's slot
		if c.assigned[sp.ID] == nil && s.slot[sp.ID] != s.slot[amtPrefix+sp.ID] {
			defs = append(defs, def{target: sp.ID, math: c.valueFromAmount(sp), owner: sp.ID, src: sp.Src})
		}
	}
	for _, r := range m.Rules {
		if r.Kind == model.AssignmentRule {
			defs = append(defs, def{target: r.Variable, math: c.rewriteFor(r.Variable, r.Math), owner: r.Variable, src: r.Src})
		}
	}
	for _, r := range m.Reactions {
		if r.Rate == nil {
			return fmt.Errorf("%s: reaction %s has no kinetic law", r.Src, r.ID)
		}
		defs = append(defs, def{target: r.ID, math: c.localize(r), owner: r.ID, src: r.Src})
	}
	order, err := c.topo(defs)
	if err != nil {
		return err
	}
	b := newBuilder(c)
	for _, d := range order {
		if err := b.Assign(s.slot[d.target], d.math); err != nil {
			return fmt.Errorf("%s: %s: %w", d.src, d.owner, err)
		}
		s.defInfo = append(s.defInfo, defInfo{slot: s.slot[d.target], owner: d.owner, src: d.src})
	}
	s.derivSlot = make([]int, s.n)
	for i := range s.derivSlot {
		s.derivSlot[i] = -1
	}
	for _, r := range m.Rules {
		if r.Kind == model.RateRule {
			s.defInfo = append(s.defInfo, defInfo{slot: s.slot[derivPrefix+r.Variable], owner: "rate rule for " + r.Variable, src: r.Src})
		}
	}
	// rate rules: compartments and parameters first, species after (a
	// species concentration rate in a changing compartment needs dV/dt).
	for pass := 0; pass < 2; pass++ {
		for _, r := range m.Rules {
			if r.Kind != model.RateRule {
				continue
			}
			sp := c.species[r.Variable]
			if (sp != nil) != (pass == 1) {
				continue
			}
			st := c.isState[r.Variable]
			d := s.slot[derivPrefix+r.Variable]
			s.derivSlot[st] = d
			rhs := c.rewriteFor(r.Variable, r.Math)
			if sp != nil && c.varyingAssignedSize(sp) {
				// d amount/dt = V·d[S]/dt + [S]·dV/dt, dV/dt of the size
				// rule by the chain rule
				dV, err := c.rateOfAssigned(sp.Compartment, 0)
				if err != nil {
					return err
				}
				rhs = expr.New(expr.OpAdd, expr.New(expr.OpMul, rhs, expr.Var(sp.Compartment)), expr.New(expr.OpMul, expr.Var(sp.ID), dV))
			} else if sp != nil && !sp.HasOnlySubstanceUnits {
				// d amount/dt = V d[S]/dt + [S] dV/dt
				rhs = expr.New(expr.OpMul, rhs, expr.Var(sp.Compartment))
				if _, ok := c.isState[sp.Compartment]; ok && c.rated[sp.Compartment] != nil {
					rhs = expr.New(expr.OpAdd, rhs, expr.New(expr.OpMul, expr.Var(sp.ID), expr.Var(derivPrefix+sp.Compartment)))
				}
			}
			if err := b.Assign(d, rhs); err != nil {
				return fmt.Errorf("%s: rate rule for %s: %w", r.Src, r.Variable, err)
			}
		}
	}
	// reactions
	for _, r := range m.Reactions {
		add := func(sr model.SpeciesRef, sign float64) {
			st, ok := c.isState[sr.Species]
			sp := c.species[sr.Species]
			if !ok || sp.BoundaryCondition || c.rated[sp.ID] != nil {
				return
			}
			var stoich int
			if sr.ID != "" {
				stoich = s.slot[sr.ID]
			} else {
				stoich = c.newSlot("")
				s.base[stoich] = sr.Stoichiometry
			}
			cf := -1
			if sp.ConversionFactor != "" {
				cf = s.slot[sp.ConversionFactor]
			} else if m.ConversionFactor != "" {
				cf = s.slot[m.ConversionFactor]
			}
			s.reac = append(s.reac, reacTerm{state: st, rate: s.slot[r.ID], stoich: stoich, sign: sign, cf: cf, fast: r.Fast})
		}
		for _, sr := range r.Reactants {
			add(sr, -1)
		}
		for _, sr := range r.Products {
			add(sr, 1)
		}
	}
	// communities
	for _, cm := range m.Communities {
		k := len(cm.Members)
		cc := community{shedding: -1, threshold: cm.ExtinctionThreshold, a: make([]float64, k*k), aSlots: make([]int, k*k), x: make([]float64, k)}
		pos := map[string]int{}
		for i, id := range cm.Members {
			pos[id] = i
			cc.members = append(cc.members, c.isState[id])
			g, in := -1, -1
			if i < len(cm.Growth) && cm.Growth[i] != nil {
				g = c.newSlot("")
				if err := b.Assign(g, c.rewriteFor(id, cm.Growth[i])); err != nil {
					return fmt.Errorf("%s: community %s growth of %s: %w", cm.Src, cm.ID, id, err)
				}
			}
			if i < len(cm.Inflow) && cm.Inflow[i] != nil {
				in = c.newSlot("")
				if err := b.Assign(in, c.rewriteFor(id, cm.Inflow[i])); err != nil {
					return fmt.Errorf("%s: community %s inflow of %s: %w", cm.Src, cm.ID, id, err)
				}
			}
			cc.growth = append(cc.growth, g)
			cc.inflow = append(cc.inflow, in)
		}
		if cm.Shedding != nil {
			cc.shedding = c.newSlot("")
			if err := b.Assign(cc.shedding, c.rewriteFor(cm.ID, cm.Shedding)); err != nil {
				return fmt.Errorf("%s: community %s shedding: %w", cm.Src, cm.ID, err)
			}
		}
		for i := range cc.aSlots {
			cc.aSlots[i] = -1
		}
		for _, in := range cm.Interactions {
			cc.aSlots[pos[in.Target]*k+pos[in.Source]] = s.slot[in.Param]
		}
		s.comms = append(s.comms, cc)
	}
	s.tape = b.Build()
	c.mainB = b
	dynSlot := c.dynamicSlots()
	if s.hasRateOf {
		if err := c.rateOfLevels(); err != nil {
			return err
		}
	}

	// 4. Outputs: states (species values), assignment-rule variables,
	// observables.
	ob := newBuilder(c)
	var obsDst []int
	var obsNode []*expr.Node
	for _, name := range s.names {
		s.varNames = append(s.varNames, name)
		s.varSlots = append(s.varSlots, s.slot[name])
	}
	for _, r := range m.Rules {
		if r.Kind == model.AssignmentRule {
			s.varNames = append(s.varNames, r.Variable)
			s.varSlots = append(s.varSlots, s.slot[r.Variable])
		}
	}
	for _, o := range m.Observables {
		i := c.newSlot(o.ID)
		s.base[i] = math.NaN()
		s.varNames = append(s.varNames, o.ID)
		s.varSlots = append(s.varSlots, i)
		switch o.Kind {
		case "":
			e := c.rewriteFor(o.ID, o.Math)
			if err := ob.Assign(i, e); err != nil {
				return fmt.Errorf("%s: observable %s: %w", o.Src, o.ID, err)
			}
			obsDst, obsNode = append(obsDst, i), append(obsNode, e)
		case "dysbiosis":
			d := dysb{out: len(s.varNames) - 1}
			for _, mem := range o.Members {
				d.members = append(d.members, s.slot[mem])
			}
			s.dysb = append(s.dysb, d)
		}
	}
	s.outTape = ob.Build()

	// 5. Initial values.
	c.inInit = true
	if err := c.buildInit(); err != nil {
		return err
	}
	c.inInit = false
	// 6. Events.
	if err := c.buildEvents(); err != nil {
		return err
	}
	// 7. Delays: their lags, evaluated after the main tape.
	if c.rwErr != nil {
		return c.rwErr
	}
	if len(c.delays) > 0 {
		db := newBuilder(c)
		for i, d := range c.delayD {
			if err := db.Assign(c.delays[i].dslot, d); err != nil {
				return fmt.Errorf("delay: %w", err)
			}
		}
		s.delayTape = db.Build()
		eb := newBuilder(c)
		for k, e := range c.delayE {
			if err := eb.Assign(c.delays[c.delayEi[k]].src, e); err != nil {
				return fmt.Errorf("delay: %w", err)
			}
		}
		s.delayExpr = eb.Build()
		s.delays = c.delays
		s.hist = &history{n: s.n}
		s.penv = make([]float64, len(s.base))
	}

	// 8. Analytic Jacobian (nil: finite differences).
	if s.delays == nil && !s.hasRateOf {
		s.jac = c.buildJacobian()
	}
	// 9. Split evaluation.
	if s.delays == nil && !s.hasRateOf && c.rwErr == nil {
		if err := c.buildSplit(dynSlot, obsDst, obsNode); err != nil {
			return err
		}
	}

	// The hot tapes (RHS, outputs, Jacobian partials) run on the
	// environment itself; their scratch registers follow the model's slots.
	nenv, err := c.buildInPlace()
	if err != nil {
		return err
	}
	s.env = make([]float64, nenv)
	copy(s.env, s.base)
	for _, t := range []*tape{s.stat, s.dyn, s.dynAll, s.outFast} {
		t.bind(s.env)
	}
	if s.jac != nil {
		s.jac.partials.bind(s.env)
	}
	s.f0 = make([]float64, s.n)
	s.f1 = make([]float64, s.n)
	s.yt = make([]float64, s.n)
	s.fr = make([]float64, s.n)
	s.varRuns = runsOf(s.varSlots)
	s.stateLo = -1
	if r := runsOf(s.stateSlot); len(r) == 1 {
		s.stateLo = r[0].slot
	}
	s.refreshA()
	s.runStatic()
	return nil
}

// rateOfLevels sets s.rateOfPass. rateOf(x) is filled from the state
// derivatives; when those derivatives themselves read rateOf slots, one
// fill-and-reevaluate pass is not enough: a slot whose derivative reads
// slots of level ≤ L has level L+1, and RHS runs as many passes as the
// highest level, so every slot is exact. A cycle (a derivative that
// depends on its own rateOf) is an implicit equation and is refused.
func (c *compiler) rateOfLevels() error {
	s := c.s
	rIdx := map[int]int{}
	for k, sl := range s.rateOfSlot {
		rIdx[sl] = k
	}
	nr := len(s.rateOfSlot)
	// deps[slot]: the rateOf indices an env slot depends on
	deps := map[int]map[int]bool{}
	read := func(sl int, into map[int]bool) {
		if r, ok := rIdx[sl]; ok {
			into[r] = true
		}
		for r := range deps[sl] {
			into[r] = true
		}
	}
	b := c.mainB
	for k, dst := range b.dsts {
		set := deps[dst]
		if set == nil {
			set = map[int]bool{}
		}
		for _, v := range expr.Vars(b.nodes[k]) {
			if sl, ok := s.slot[v]; ok {
				read(sl, set)
			}
		}
		deps[dst] = set
	}
	st := make([]map[int]bool, s.n) // rateOf indices each state derivative reads
	for i := range st {
		st[i] = map[int]bool{}
	}
	for i, d := range s.derivSlot {
		if d >= 0 {
			read(d, st[i])
		}
	}
	for _, r := range s.reac {
		read(r.rate, st[r.state])
		read(r.stoich, st[r.state])
		if r.cf >= 0 {
			read(r.cf, st[r.state])
		}
	}
	for _, cc := range s.comms {
		for i, m := range cc.members {
			for _, sl := range []int{cc.growth[i], cc.inflow[i], cc.shedding} {
				if sl >= 0 {
					read(sl, st[m])
				}
			}
		}
	}
	// slot k reads the derivatives of its state and compartment
	on := make([]map[int]bool, nr)
	for k := range on {
		on[k] = map[int]bool{}
		for _, i := range []int{s.rateOfState[k], s.rateOfComp[k]} {
			if i >= 0 {
				for r := range st[i] {
					on[k][r] = true
				}
			}
		}
	}
	level := make([]int, nr) // 0: unknown; -1: in progress
	var visit func(k int) (int, error)
	visit = func(k int) (int, error) {
		switch level[k] {
		case -1:
			id := s.names[max(s.rateOfState[k], s.rateOfComp[k])]
			return 0, &Unsupported{Construct: "rateOf in a cycle (a derivative that depends on its own rateOf)", ID: id}
		case 0:
		default:
			return level[k], nil
		}
		level[k] = -1
		l := 1
		for r := range on[k] {
			lr, err := visit(r)
			if err != nil {
				return 0, err
			}
			l = max(l, lr+1)
		}
		level[k] = l
		return l, nil
	}
	s.rateOfPass = 1
	for k := range level {
		l, err := visit(k)
		if err != nil {
			return err
		}
		s.rateOfPass = max(s.rateOfPass, l)
	}
	return nil
}

// dynamicSlots returns the env slots whose values change with time or the
// state: time, the states, rateOf and delay slots, and every main-tape
// assignment that reads one of them (directly or through another).
func (c *compiler) dynamicSlots() map[int]bool {
	s := c.s
	dyn := map[int]bool{0: true}
	for _, sl := range s.stateSlot {
		dyn[sl] = true
	}
	for _, sl := range s.rateOfSlot {
		dyn[sl] = true
	}
	for name, sl := range s.slot {
		if strings.HasPrefix(name, delayPrefix) || strings.HasPrefix(name, rateOfPrefix) {
			dyn[sl] = true
		}
	}
	b := c.mainB
	for k, dst := range b.dsts {
		if c.isDynamic(b.nodes[k], dyn) {
			dyn[dst] = true
		}
	}
	return dyn
}

func (c *compiler) isDynamic(n *expr.Node, dyn map[int]bool) bool {
	if expr.UsesTime(n) {
		return true
	}
	for _, v := range expr.Vars(n) {
		sl, ok := c.s.slot[v]
		if !ok || dyn[sl] {
			return true // unknown names (should not happen): stay safe
		}
	}
	return false
}

// buildSplit builds the static and dynamic parts of the main tape and the
// output tape (see System.split).
func (c *compiler) buildSplit(dyn map[int]bool, obsDst []int, obsNode []*expr.Node) error {
	s := c.s
	b := c.mainB
	// the derivatives need: rate-rule derivatives, reaction rates,
	// stoichiometries and conversion factors, community expressions; SBML
	// event triggers may read anything (then all are kept)
	rhsNeed := map[int]bool{}
	for _, d := range s.derivSlot {
		rhsNeed[d] = true
	}
	for _, r := range s.reac {
		rhsNeed[r.rate], rhsNeed[r.stoich], rhsNeed[r.cf] = true, true, true
	}
	for _, cc := range s.comms {
		rhsNeed[cc.shedding] = true
		for i := range cc.members {
			rhsNeed[cc.growth[i]], rhsNeed[cc.inflow[i]] = true, true
		}
	}
	all := len(c.m.Events) > 0
	rhsKeep := make([]bool, len(b.dsts))
	for k := len(b.dsts) - 1; k >= 0; k-- {
		if dst := b.dsts[k]; dyn[dst] && (all || rhsNeed[dst]) {
			rhsKeep[k] = true
			for _, v := range expr.Vars(b.nodes[k]) {
				if sl, ok := s.slot[v]; ok {
					rhsNeed[sl] = true
				}
			}
		}
	}
	sb, db, ab := newBuilder(c), newBuilder(c), newBuilder(c)
	h := &hoister{c: c, dyn: dyn, sb: sb, memo: map[*expr.Node]*expr.Node{}, off: c.opt.noHoist}
	// the dynamic assignments with their static sub-expressions hoisted
	// into the static tape (see hoister)
	nodes := make([]*expr.Node, len(b.dsts))
	for k, dst := range b.dsts {
		if !dyn[dst] {
			if err := sb.Assign(dst, b.nodes[k]); err != nil {
				return err
			}
			continue
		}
		nodes[k] = h.rewrite(b.nodes[k])
		if err := ab.Assign(dst, nodes[k]); err != nil {
			return err
		}
		if rhsKeep[k] {
			if err := db.Assign(dst, nodes[k]); err != nil {
				return err
			}
		}
	}
	if h.err != nil {
		return h.err
	}
	// outputs: the dynamic assignments the output variables and
	// observables need (backwards closure), then the observables
	need := map[int]bool{}
	for _, sl := range s.varSlots {
		need[sl] = true
	}
	mark := func(n *expr.Node) {
		for _, v := range expr.Vars(n) {
			if sl, ok := s.slot[v]; ok {
				need[sl] = true
			}
		}
	}
	for _, n := range obsNode {
		mark(n)
	}
	keep := make([]bool, len(b.dsts))
	for k := len(b.dsts) - 1; k >= 0; k-- {
		if dst := b.dsts[k]; dyn[dst] && need[dst] {
			keep[k] = true
			mark(b.nodes[k])
		}
	}
	ob := newBuilder(c)
	for k, dst := range b.dsts {
		if keep[k] {
			if err := ob.Assign(dst, nodes[k]); err != nil {
				return err
			}
		}
	}
	for k, dst := range obsDst {
		if err := ob.Assign(dst, h.rewrite(obsNode[k])); err != nil {
			return err
		}
	}
	if h.err != nil {
		return h.err
	}
	c.deferInPlace(sb, &s.stat)
	c.deferInPlace(db, &s.dyn)
	c.deferInPlace(ab, &s.dynAll)
	c.deferInPlace(ob, &s.outFast)
	s.split = true
	return nil
}

// runStatic recomputes the static assignments (see System.split) after a
// change of parameters, inputs or the initial state.
func (s *System) runStatic() {
	if s.split {
		s.stat.Run(s.env)
	}
}

// checkUnsupported refuses rateOf of an expression anywhere in the model.
func (c *compiler) checkUnsupported() error {
	var err error
	check := func(owner string, src model.Source) func(n *expr.Node) {
		return func(n *expr.Node) {
			walk(n, func(x *expr.Node) {
				if err == nil && x.Op == expr.OpCall && x.Name == "rateOf" && (len(x.Args) != 1 || x.Args[0].Op != expr.OpVar) {
					err = &Unsupported{Construct: "rateOf of an expression", ID: owner, Src: src}
				}
			})
		}
	}
	for _, f := range c.m.Functions {
		check(f.ID, f.Src)(f.Body)
	}
	for _, r := range c.m.Rules {
		check(r.Variable, r.Src)(r.Math)
	}
	for _, r := range c.m.Reactions {
		check(r.ID, r.Src)(r.Rate)
	}
	for _, ia := range c.m.InitialAssignments {
		check(ia.Target, ia.Src)(ia.Math)
	}
	for _, e := range c.m.Events {
		f := check(e.ID, e.Src)
		f(e.Trigger)
		f(e.Delay)
		f(e.Priority)
		for _, a := range e.Assignments {
			f(a.Math)
		}
	}
	return err
}

func (c *compiler) forEachMath(f func(*expr.Node)) {
	m := c.m
	for _, fn := range m.Functions {
		f(fn.Body)
	}
	for _, r := range m.Rules {
		f(r.Math)
	}
	for _, r := range m.Reactions {
		f(r.Rate)
	}
	for _, ia := range m.InitialAssignments {
		f(ia.Math)
	}
	for _, e := range m.Events {
		f(e.Trigger)
		f(e.Delay)
		f(e.Priority)
		for _, a := range e.Assignments {
			f(a.Math)
		}
	}
	for _, cm := range m.Communities {
		for _, g := range cm.Growth {
			f(g)
		}
		for _, g := range cm.Inflow {
			f(g)
		}
		f(cm.Shedding)
	}
	for _, o := range m.Observables {
		f(o.Math)
	}
}

func walk(n *expr.Node, f func(*expr.Node)) {
	if n == nil {
		return
	}
	f(n)
	for _, a := range n.Args {
		walk(a, f)
	}
}

// rewrite inlines model functions and replaces rateOf(x) by its slot
// variable and delay(x, d) by a delay slot (x at the current time in the
// initial-value tape, where t − d ≤ t0).
func (c *compiler) rewrite(n *expr.Node) *expr.Node {
	n = model.InlineFunctions(n, c.mfunc, 0)
	return c.rewriteInlined(n)
}

// rewriteFor is rewrite with owner named in the errors it records.
func (c *compiler) rewriteFor(owner string, n *expr.Node) *expr.Node {
	c.owner = owner
	return c.rewrite(n)
}

func (c *compiler) rewriteInlined(n *expr.Node) *expr.Node {
	return mapNodes(n, func(x *expr.Node) *expr.Node {
		if x.Op == expr.OpCall && x.Name == "rateOf" && len(x.Args) == 1 && x.Args[0].Op == expr.OpVar {
			if sp := c.species[x.Args[0].Name]; sp != nil && c.assigned[sp.ID] == nil && c.varyingAssignedSize(sp) {
				e, err := c.rateOfConcentration(sp)
				if err != nil {
					if c.rwErr == nil {
						c.rwErr = err
					}
					return expr.Num(math.NaN())
				}
				return e
			}
			if c.assigned[x.Args[0].Name] != nil {
				e, err := c.rateOfAssigned(x.Args[0].Name, 0)
				if err != nil {
					if c.rwErr == nil {
						c.rwErr = err
					}
					return expr.Num(math.NaN())
				}
				return e
			}
			return expr.Var(rateOfPrefix + x.Args[0].Name)
		}
		if x.Op == expr.OpCall && x.Name == "rateOf" && len(x.Args) == 1 && x.Args[0].Op == expr.OpNum {
			return expr.Num(0) // a (substituted local) constant
		}
		if x.Op == expr.OpCall && x.Name == "rateOf" {
			// e.g. a function definition's argument bound to an expression
			if c.rwErr == nil {
				c.rwErr = &Unsupported{Construct: "rateOf of an expression", ID: c.owner}
			}
			return expr.Num(math.NaN())
		}
		if x.Op == expr.OpCall && x.Name == "delay" {
			if _, user := c.funcs["delay"]; !user {
				return c.delay(x)
			}
		}
		return nil
	})
}

// varyingAssignedSize reports whether species sp denotes a concentration
// in a compartment whose size an assignment rule sets and that rule is not
// provably constant.
func (c *compiler) varyingAssignedSize(sp *model.Species) bool {
	return !sp.HasOnlySubstanceUnits && c.assigned[sp.Compartment] != nil && !c.constantRule(sp.Compartment, 0)
}

// rateOfConcentration returns d[S]/dt = (dA/dt − [S]·dV/dt)/V for a species
// in a compartment sized by an assignment rule (dV/dt by rateOfAssigned;
// dA/dt from its slot for a state species, 0 for a fixed amount).
func (c *compiler) rateOfConcentration(sp *model.Species) (*expr.Node, error) {
	dV, err := c.rateOfAssigned(sp.Compartment, 0)
	if err != nil {
		return nil, err
	}
	dA := expr.Num(0)
	if _, st := c.isState[sp.ID]; st {
		dA = expr.Var(amtRatePrefix + sp.ID)
	}
	return expr.New(expr.OpDiv, expr.New(expr.OpSub, dA, expr.New(expr.OpMul, expr.Var(sp.ID), dV)), expr.Var(sp.Compartment)), nil
}

// rateOfAssigned returns the time derivative of assignment-rule variable
// id by the chain rule: Σ_v ∂f/∂v · rateOf(v) + ∂f/∂t over the symbols v its
// rule f reads, where rateOf(v) is v's rateOf slot (states, species in a
// changing compartment; 0 for constants) or, for another assignment-rule
// variable, its own chain-rule expression. A rule expr.Diff cannot
// differentiate (delay, rateOf, factorial) is refused.
func (c *compiler) rateOfAssigned(id string, depth int) (*expr.Node, error) {
	r := c.assigned[id]
	if depth > 100 {
		return nil, &Unsupported{Construct: "rateOf through more than 100 nested assignment rules", ID: id, Src: r.Src}
	}
	const tn = "\x00time"
	n := model.InlineFunctions(r.Math, c.mfunc, 0)
	n = mapNodes(n, func(x *expr.Node) *expr.Node {
		if x.Op == expr.OpTime {
			return expr.Var(tn)
		}
		return nil
	})
	var sum *expr.Node
	for _, v := range expr.Vars(n) {
		d, err := expr.Diff(n, v, c.funcs)
		if err != nil {
			return nil, &Unsupported{Construct: "rateOf of an assignment-rule variable whose rule cannot be differentiated (" + err.Error() + ")", ID: id, Src: r.Src}
		}
		d = expr.Simplify(d)
		if d.Op == expr.OpNum && d.Value == 0 {
			continue
		}
		var rv *expr.Node
		switch {
		case v == tn:
			rv = expr.Num(1)
		case c.assigned[v] != nil:
			if rv, err = c.rateOfAssigned(v, depth+1); err != nil {
				return nil, err
			}
		default:
			rv = expr.Var(rateOfPrefix + v)
		}
		term := expr.New(expr.OpMul, d, rv)
		if sum == nil {
			sum = term
		} else {
			sum = expr.New(expr.OpAdd, sum, term)
		}
	}
	if sum == nil {
		return expr.Num(0), nil
	}
	return mapNodes(sum, func(x *expr.Node) *expr.Node {
		if x.Op == expr.OpVar && x.Name == tn {
			return &expr.Node{Op: expr.OpTime}
		}
		return nil
	}), nil
}

// initUsesTime reports whether id's initial assignment uses time.
func (c *compiler) initUsesTime(id string) bool {
	for _, ia := range c.m.InitialAssignments {
		if ia.Target == id && expr.UsesTime(model.InlineFunctions(ia.Math, c.mfunc, 0)) {
			return true
		}
	}
	return false
}

// delay rewrites delay(v, d).
func (c *compiler) delay(x *expr.Node) *expr.Node {
	fail := func(what string) *expr.Node {
		if c.rwErr == nil {
			c.rwErr = &Unsupported{Construct: what, ID: c.owner}
		}
		return expr.Num(math.NaN())
	}
	if len(x.Args) != 2 {
		return fail("delay with " + fmt.Sprint(len(x.Args)) + " arguments")
	}
	v := x.Args[0]
	d := c.rewriteInlined(x.Args[1])
	if c.inInit || v.Op == expr.OpNum {
		return c.rewriteInlined(v)
	}
	st := -2 // a general expression, evaluated on the past state
	var ve *expr.Node
	if v.Op == expr.OpVar {
		if s, ok := c.isState[v.Name]; ok {
			st = s
		} else if c.assigned[v.Name] == nil {
			if !c.initUsesTime(v.Name) {
				return v // constant: its past value is its value
			}
			st = -1 // constant after t0, but defined by a function of time before
		}
	}
	if st == -2 {
		ve = c.rewriteInlined(v)
		if hasCall(ve, "delay") {
			return fail("nested delay")
		}
	}
	key := expr.String(v) + "|" + expr.String(d)
	if i, ok := c.delayIdx[key]; ok {
		return expr.Var(delayPrefix + fmt.Sprint(i))
	}
	i := len(c.delays)
	c.delayIdx[key] = i
	dt := delayTerm{slot: c.newSlot(delayPrefix + fmt.Sprint(i)), dslot: c.newSlot(""), state: st, scale: -1, src: -1}
	if v.Op == expr.OpVar {
		dt.src = c.s.slot[v.Name]
	}
	if st == -2 {
		dt.src = c.newSlot("")
		c.delayE = append(c.delayE, ve)
		c.delayEi = append(c.delayEi, i)
	}
	if sp := c.species[v.Name]; sp != nil && !sp.HasOnlySubstanceUnits {
		dt.scale = c.s.slot[sp.Compartment]
	}
	c.delays = append(c.delays, dt)
	c.delayD = append(c.delayD, d)
	return expr.Var(delayPrefix + fmt.Sprint(i))
}

// mapNodes rebuilds n bottom-up... top-down: f returns a replacement or nil.
func mapNodes(n *expr.Node, f func(*expr.Node) *expr.Node) *expr.Node {
	if n == nil {
		return nil
	}
	if r := f(n); r != nil {
		return r
	}
	if len(n.Args) == 0 {
		return n
	}
	args := make([]*expr.Node, len(n.Args))
	changed := false
	for i, a := range n.Args {
		args[i] = mapNodes(a, f)
		changed = changed || args[i] != a
	}
	if !changed {
		return n
	}
	cp := *n
	cp.Args = args
	return &cp
}

// localize substitutes a reaction's local parameters (by value) into its
// kinetic law.
func (c *compiler) localize(r *model.Reaction) *expr.Node {
	if len(r.Local) == 0 {
		return c.rewriteFor(r.ID, r.Rate)
	}
	bind := map[string]*expr.Node{}
	for _, p := range r.Local {
		bind[p.ID] = expr.Num(p.Value)
	}
	// locals shadow globals, also inside delay() lags
	c.owner = r.ID
	return c.rewriteInlined(model.Substitute(model.InlineFunctions(r.Rate, c.mfunc, 0), bind))
}

// valueFromAmount is the expression of a species' value in terms of its
// amount slot.
func (c *compiler) valueFromAmount(sp *model.Species) *expr.Node {
	a := expr.Var(amtPrefix + sp.ID)
	if sp.HasOnlySubstanceUnits {
		return a
	}
	return expr.New(expr.OpDiv, a, expr.Var(sp.Compartment))
}

// topo orders definitions so that each comes after the definitions it
// depends on (stable: ties keep input order). A cycle is an error naming
// the ids.
func (c *compiler) topo(defs []def) ([]def, error) {
	idx := map[string]int{}
	for i, d := range defs {
		idx[d.target] = i
	}
	deps := make([][]int, len(defs))
	graph := map[string][]string{}
	for i, d := range defs {
		for _, v := range expr.Vars(d.math) {
			if j, ok := idx[v]; ok {
				deps[i] = append(deps[i], j)
				graph[d.target] = append(graph[d.target], v)
			}
		}
		if _, ok := graph[d.target]; !ok {
			graph[d.target] = nil
		}
	}
	done := make([]bool, len(defs))
	out := make([]def, 0, len(defs))
	for len(out) < len(defs) {
		progress := false
		for i := range defs {
			if done[i] {
				continue
			}
			ready := true
			for _, j := range deps[i] {
				if !done[j] {
					ready = false
					break
				}
			}
			if ready {
				done[i] = true
				out = append(out, defs[i])
				progress = true
			}
		}
		if !progress {
			cyc := model.FindCycle(graph)
			names := make([]string, len(cyc))
			for i, n := range cyc {
				names[i] = displayName(n)
			}
			d := defs[idx[cyc[0]]]
			return nil, fmt.Errorf("%s: %s: dependency cycle: %s", d.src, displayName(d.owner), strings.Join(names, " -> "))
		}
	}
	return out, nil
}

func displayName(n string) string {
	if strings.HasPrefix(n, amtPrefix) {
		return "amount of " + n[len(amtPrefix):]
	}
	return n
}

// buildInit compiles the initial-value tape.
func (c *compiler) buildInit() error {
	m, s := c.m, c.s
	ia := map[string]*model.InitialAssignment{}
	for _, a := range m.InitialAssignments {
		ia[a.Target] = a
	}
	var defs []def
	for _, sp := range m.Species {
		_, state := c.isState[sp.ID]
		var val *expr.Node
		src := sp.Src
		if a := ia[sp.ID]; a != nil {
			val, src = c.rewriteFor(sp.ID, a.Math), a.Src
		} else if r := c.assigned[sp.ID]; r != nil {
			val, src = c.rewriteFor(sp.ID, r.Math), r.Src
		}
		amt := amtPrefix + sp.ID
		cv := expr.Var(sp.Compartment)
		switch {
		case val != nil:
			defs = append(defs, def{target: sp.ID, math: val, owner: sp.ID, src: src})
			if c.assigned[sp.ID] == nil {
				if sp.HasOnlySubstanceUnits {
					defs = append(defs, def{target: amt, math: expr.Var(sp.ID), owner: sp.ID, src: src})
				} else {
					defs = append(defs, def{target: amt, math: expr.New(expr.OpMul, expr.Var(sp.ID), cv), owner: sp.ID, src: src})
				}
			}
		case sp.InitialIsConcentration:
			defs = append(defs, def{target: amt, math: expr.New(expr.OpMul, expr.Num(sp.Initial), cv), owner: sp.ID, src: src})
			if sp.HasOnlySubstanceUnits {
				defs = append(defs, def{target: sp.ID, math: expr.Var(amt), owner: sp.ID, src: src})
			} else {
				defs = append(defs, def{target: sp.ID, math: expr.Num(sp.Initial), owner: sp.ID, src: src})
			}
		default:
			v := sp.Initial
			if !sp.InitialSet && !state {
				v = math.NaN()
			}
			defs = append(defs, def{target: amt, math: expr.Num(v), owner: sp.ID, src: src})
			defs = append(defs, def{target: sp.ID, math: c.valueFromAmount(sp), owner: sp.ID, src: src})
		}
	}
	for _, r := range m.Rules {
		if r.Kind == model.AssignmentRule && c.species[r.Variable] == nil {
			defs = append(defs, def{target: r.Variable, math: c.rewriteFor(r.Variable, r.Math), owner: r.Variable, src: r.Src})
		}
	}
	for _, a := range m.InitialAssignments {
		if c.species[a.Target] == nil {
			defs = append(defs, def{target: a.Target, math: c.rewriteFor(a.Target, a.Math), owner: a.Target, src: a.Src})
		}
	}
	for _, r := range m.Reactions {
		defs = append(defs, def{target: r.ID, math: c.localize(r), owner: r.ID, src: r.Src})
	}
	order, err := c.topo(defs)
	if err != nil {
		return err
	}
	b := newBuilder(c)
	for _, d := range order {
		if err := b.Assign(s.slot[d.target], d.math); err != nil {
			return fmt.Errorf("%s: initial value of %s: %w", d.src, d.owner, err)
		}
	}
	s.init = b.Build()
	return nil
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

// SetParameter sets a parameter's value for subsequent InitialState and RHS
// calls. It fails for unknown ids and for values outside the parameter's
// [Min, Max] range.
func (s *System) SetParameter(id string, v float64) error {
	p, ok := s.params[id]
	if !ok {
		return fmt.Errorf("set parameter %s: no such parameter", id)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("set parameter %s: value %v is not finite", id, v)
	}
	if !(p.Min == 0 && p.Max == 0) && (v < p.Min || v > p.Max) {
		return fmt.Errorf("set parameter %s: value %v outside its range [%v, %v]", id, v, p.Min, p.Max)
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

// refreshA reads the community interaction matrices from the environment.
func (s *System) refreshA() {
	for ci := range s.comms {
		cc := &s.comms[ci]
		for k, sl := range cc.aSlots {
			if sl >= 0 {
				cc.a[k] = s.env[sl]
			} else {
				cc.a[k] = 0
			}
		}
	}
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

// constantRule reports whether the assignment rule for id is provably
// constant in time: it reads neither time, rateOf nor delay, and only
// parameters, compartments and species references that are not state
// variables and whose own assignment rules (if any) are constant.
func (c *compiler) constantRule(id string, depth int) bool {
	r := c.assigned[id]
	if r == nil {
		_, st := c.isState[id]
		return !st && c.species[id] == nil
	}
	if depth > 100 {
		return false
	}
	n := model.InlineFunctions(r.Math, c.mfunc, 0)
	if expr.UsesTime(n) || hasCall(n, "rateOf") || hasCall(n, "delay") {
		return false
	}
	for _, v := range expr.Vars(n) {
		if !c.constantRule(v, depth+1) {
			return false
		}
	}
	return true
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

func (s *System) derivs(y, dydt []float64) {
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
		cc := &s.comms[ci]
		k := len(cc.members)
		shed := 0.0
		if cc.shedding >= 0 {
			shed = env[cc.shedding]
		}
		// the community's slices in locals (registers): stores to dydt
		// would otherwise force reloading cc's fields
		members, inflow := cc.members[:k], cc.inflow[:k]
		x := cc.x[:k]
		for i, si := range members {
			x[i] = y[si]
		}
		growth := cc.growth[:k]
		a := cc.a[: k*k : k*k]
		// Each member's rate g_i = -shed + growth_i + Σ_j a_ij x_j is
		// summed in the same order as a plain loop would (bit for bit), but
		// six (then three) rows at a time: the sums are chains of dependent
		// additions, and interleaving independent chains hides their
		// latency.
		i := 0
		for ; i+6 <= k; i += 6 {
			// six chains (a six-member community in one block)
			g0, g1, g2, g3, g4, g5 := -shed, -shed, -shed, -shed, -shed, -shed
			if gs := growth[i]; gs >= 0 {
				g0 += env[gs]
			}
			if gs := growth[i+1]; gs >= 0 {
				g1 += env[gs]
			}
			if gs := growth[i+2]; gs >= 0 {
				g2 += env[gs]
			}
			if gs := growth[i+3]; gs >= 0 {
				g3 += env[gs]
			}
			if gs := growth[i+4]; gs >= 0 {
				g4 += env[gs]
			}
			if gs := growth[i+5]; gs >= 0 {
				g5 += env[gs]
			}
			r0 := a[i*k : i*k+k][:len(x)]
			r1 := a[(i+1)*k : (i+1)*k+k][:len(x)]
			r2 := a[(i+2)*k : (i+2)*k+k][:len(x)]
			r3 := a[(i+3)*k : (i+3)*k+k][:len(x)]
			r4 := a[(i+4)*k : (i+4)*k+k][:len(x)]
			r5 := a[(i+5)*k : (i+5)*k+k][:len(x)]
			for j, xj := range x {
				g0 += r0[j] * xj
				g1 += r1[j] * xj
				g2 += r2[j] * xj
				g3 += r3[j] * xj
				g4 += r4[j] * xj
				g5 += r5[j] * xj
			}
			commRate(x, members, inflow, env, dydt, i, g0)
			commRate(x, members, inflow, env, dydt, i+1, g1)
			commRate(x, members, inflow, env, dydt, i+2, g2)
			commRate(x, members, inflow, env, dydt, i+3, g3)
			commRate(x, members, inflow, env, dydt, i+4, g4)
			commRate(x, members, inflow, env, dydt, i+5, g5)
		}
		for ; i+3 <= k; i += 3 {
			g0, g1, g2 := -shed, -shed, -shed
			if gs := growth[i]; gs >= 0 {
				g0 += env[gs]
			}
			if gs := growth[i+1]; gs >= 0 {
				g1 += env[gs]
			}
			if gs := growth[i+2]; gs >= 0 {
				g2 += env[gs]
			}
			r0 := a[i*k : i*k+k][:len(x)]
			r1 := a[(i+1)*k : (i+1)*k+k][:len(x)]
			r2 := a[(i+2)*k : (i+2)*k+k][:len(x)]
			for j, xj := range x {
				g0 += r0[j] * xj
				g1 += r1[j] * xj
				g2 += r2[j] * xj
			}
			commRate(x, members, inflow, env, dydt, i, g0)
			commRate(x, members, inflow, env, dydt, i+1, g1)
			commRate(x, members, inflow, env, dydt, i+2, g2)
		}
		for ; i < k; i++ {
			g := -shed
			if gs := growth[i]; gs >= 0 {
				g += env[gs]
			}
			row := a[i*k : i*k+k][:len(x)]
			for j, xj := range x {
				g += row[j] * xj
			}
			commRate(x, members, inflow, env, dydt, i, g)
		}
	}
}

// commRate writes member i's derivative x_i·g + inflow_i.
func commRate(x []float64, members, inflow []int, env, dydt []float64, i int, g float64) {
	v := x[i] * g
	if is := inflow[i]; is >= 0 {
		v += env[is]
	}
	dydt[members[i]] = v
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
	for i, cc := range s.comms {
		cc.a = append([]float64(nil), cc.a...)
		cc.x = make([]float64, len(cc.members))
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
