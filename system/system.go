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
	amtPrefix    = "\x00amount:"
	derivPrefix  = "\x00d:"
	rateOfPrefix = "\x00rateOf:"
	delayPrefix  = "\x00delay:"
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
	init    *tape // initial values (on a copy of base)
	evTape  *tape // trigger atoms and leaves (after tape)

	stateSlot []int // env slot holding state i
	derivSlot []int // env slot of the rate-rule derivative, or -1
	reac      []reacTerm
	comms     []community
	nonneg    []bool

	// rateOf support: when hasRateOf, RHS fills rateOfSlot[k] with the
	// derivative of rateOfState[k]'s value (scaled by rateOfScale slot,
	// -1 for none) and evaluates the tape a second time.
	hasRateOf   bool
	rateOfSlot  []int
	rateOfState []int
	rateOfScale []int
	rateOfComp  []int // state index of the species' compartment, or -1

	params map[string]*model.Parameter
	inputs map[string]int

	varNames []string
	varSlots []int
	dysb     []dysb

	ev *events

	jac *jacobian // analytic Jacobian, nil for finite differences

	defInfo []defInfo // main-tape definitions in order, for diagnostics

	delays    []delayTerm
	delayTape *tape
	delayExpr *tape // delayed expressions, evaluated on a past environment
	hist      *history
	penv      []float64 // scratch environment for values before the start

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
func Compile(m *model.Model) (*System, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	m, err := solveAlgebraic(m)
	if err != nil {
		return nil, err
	}
	c := compiler{delayIdx: map[string]int{}, m: m, s: &System{m: m, slot: map[string]int{}, params: map[string]*model.Parameter{}, inputs: map[string]int{}}}
	if err := c.run(); err != nil {
		return nil, err
	}
	return c.s, nil
}

type compiler struct {
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
		addState(sp.ID, c.newSlot(amtPrefix+sp.ID), sp.NonNegative || member[sp.ID])
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
	collect := func(n *expr.Node) {
		walk(n, func(x *expr.Node) {
			if x.Op == expr.OpCall && x.Name == "rateOf" && len(x.Args) == 1 && x.Args[0].Op == expr.OpVar && !seen[x.Args[0].Name] {
				seen[x.Args[0].Name] = true
				rateOfIDs = append(rateOfIDs, x.Args[0].Name)
			}
		})
	}
	c.forEachMath(func(n *expr.Node) { collect(n) })
	for _, id := range rateOfIDs {
		i := c.newSlot(rateOfPrefix + id)
		st, isSt := c.isState[id]
		switch {
		case isSt:
			s.hasRateOf = true
			s.rateOfSlot = append(s.rateOfSlot, i)
			s.rateOfState = append(s.rateOfState, st)
			scale, cst := -1, -1
			if sp := c.species[id]; sp != nil && !sp.HasOnlySubstanceUnits {
				scale = s.slot[sp.Compartment]
				if ci, ok := c.isState[sp.Compartment]; ok {
					cst = ci
				}
			}
			s.rateOfScale = append(s.rateOfScale, scale)
			s.rateOfComp = append(s.rateOfComp, cst)
		case c.assigned[id] != nil:
			return &Unsupported{Construct: "rateOf of an assignment-rule variable", ID: id, Src: c.assigned[id].Src}
		default:
			// constant: derivative 0 (slot stays 0)
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
		// in a compartment whose size may change)
		if c.assigned[sp.ID] == nil {
			defs = append(defs, def{target: sp.ID, math: c.valueFromAmount(sp), owner: sp.ID, src: sp.Src})
		}
	}
	for _, r := range m.Rules {
		if r.Kind == model.AssignmentRule {
			defs = append(defs, def{target: r.Variable, math: c.rewrite(r.Math), owner: r.Variable, src: r.Src})
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
			rhs := c.rewrite(r.Math)
			if sp != nil && !sp.HasOnlySubstanceUnits {
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
		cc := community{shedding: -1, threshold: cm.ExtinctionThreshold, a: make([]float64, k*k), aSlots: make([]int, k*k)}
		pos := map[string]int{}
		for i, id := range cm.Members {
			pos[id] = i
			cc.members = append(cc.members, c.isState[id])
			g, in := -1, -1
			if i < len(cm.Growth) && cm.Growth[i] != nil {
				g = c.newSlot("")
				if err := b.Assign(g, c.rewrite(cm.Growth[i])); err != nil {
					return fmt.Errorf("%s: community %s growth of %s: %w", cm.Src, cm.ID, id, err)
				}
			}
			if i < len(cm.Inflow) && cm.Inflow[i] != nil {
				in = c.newSlot("")
				if err := b.Assign(in, c.rewrite(cm.Inflow[i])); err != nil {
					return fmt.Errorf("%s: community %s inflow of %s: %w", cm.Src, cm.ID, id, err)
				}
			}
			cc.growth = append(cc.growth, g)
			cc.inflow = append(cc.inflow, in)
		}
		if cm.Shedding != nil {
			cc.shedding = c.newSlot("")
			if err := b.Assign(cc.shedding, c.rewrite(cm.Shedding)); err != nil {
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

	// 4. Outputs: states (species values), assignment-rule variables,
	// observables.
	ob := newBuilder(c)
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
			if err := ob.Assign(i, c.rewrite(o.Math)); err != nil {
				return fmt.Errorf("%s: observable %s: %w", o.Src, o.ID, err)
			}
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

	s.env = make([]float64, len(s.base))
	copy(s.env, s.base)
	s.f0 = make([]float64, s.n)
	s.f1 = make([]float64, s.n)
	s.yt = make([]float64, s.n)
	s.fr = make([]float64, s.n)
	s.refreshA()
	return nil
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

func (c *compiler) rewriteInlined(n *expr.Node) *expr.Node {
	return mapNodes(n, func(x *expr.Node) *expr.Node {
		if x.Op == expr.OpCall && x.Name == "rateOf" && len(x.Args) == 1 && x.Args[0].Op == expr.OpVar {
			return expr.Var(rateOfPrefix + x.Args[0].Name)
		}
		if x.Op == expr.OpCall && x.Name == "rateOf" && len(x.Args) == 1 && x.Args[0].Op == expr.OpNum {
			return expr.Num(0) // a (substituted local) constant
		}
		if x.Op == expr.OpCall && x.Name == "delay" {
			if _, user := c.funcs["delay"]; !user {
				return c.delay(x)
			}
		}
		return nil
	})
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
		return c.rewrite(r.Rate)
	}
	bind := map[string]*expr.Node{}
	for _, p := range r.Local {
		bind[p.ID] = expr.Num(p.Value)
	}
	// locals shadow globals, also inside delay() lags
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
			val, src = c.rewrite(a.Math), a.Src
		} else if r := c.assigned[sp.ID]; r != nil {
			val, src = c.rewrite(r.Math), r.Src
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
			defs = append(defs, def{target: r.Variable, math: c.rewrite(r.Math), owner: r.Variable, src: r.Src})
		}
	}
	for _, a := range m.InitialAssignments {
		if c.species[a.Target] == nil {
			defs = append(defs, def{target: a.Target, math: c.rewrite(a.Math), owner: a.Target, src: a.Src})
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
	s.base[i] = v
	s.env[i] = v
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
	env[0] = t
	for i, sl := range s.stateSlot {
		env[sl] = y[i]
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

// evalFull is eval followed, when the model uses rateOf, by a second pass
// with the rateOf slots filled.
func (s *System) evalFull(t float64, y []float64) {
	s.eval(t, y)
	if s.hasRateOf {
		s.derivs(y, s.fr)
		s.fillRateOf(s.fr)
		s.tape.Run(s.env)
	}
}

// RHS computes dydt = f(t, y). It does not allocate.
func (s *System) RHS(t float64, y, dydt []float64) {
	s.eval(t, y)
	s.derivs(y, dydt)
	if s.hasRateOf {
		s.fillRateOf(dydt)
		s.tape.Run(s.env)
		s.derivs(y, dydt)
	}
}

func (s *System) fillRateOf(dydt []float64) {
	env := s.env
	for k, sl := range s.rateOfSlot {
		st := s.rateOfState[k]
		v := dydt[st]
		if sc := s.rateOfScale[k]; sc >= 0 {
			// d(A/V)/dt = (dA/dt − (A/V)·dV/dt)/V
			vol := env[sc]
			if cs := s.rateOfComp[k]; cs >= 0 {
				v -= env[s.stateSlot[st]] / vol * dydt[cs]
			}
			v /= vol
		}
		env[sl] = v
	}
}

func (s *System) derivs(y, dydt []float64) {
	env := s.env
	for i, d := range s.derivSlot {
		if d >= 0 {
			dydt[i] = env[d]
		} else {
			dydt[i] = 0
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
		for i, si := range cc.members {
			g := -shed
			if cc.growth[i] >= 0 {
				g += env[cc.growth[i]]
			}
			row := cc.a[i*k : i*k+k]
			for j, sj := range cc.members {
				g += row[j] * y[sj]
			}
			v := y[si] * g
			if cc.inflow[i] >= 0 {
				v += env[cc.inflow[i]]
			}
			dydt[si] = v
		}
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
	s.evalFull(t, y)
	s.outTape.Run(s.env)
	for k, sl := range s.varSlots {
		dst[k] = s.env[sl]
	}
	for _, d := range s.dysb {
		dst[d.out] = math.NaN()
	}
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

// Quantity selects how Values reports a species.
type Quantity uint8

const (
	AsDeclared      Quantity = iota // the value the species id denotes
	AsAmount                        // the amount
	AsConcentration                 // amount / compartment size
)

// CheckValues reports an error for ids Values cannot report.
func (s *System) CheckValues(ids []string) error {
	for _, id := range ids {
		if _, ok := s.slot[id]; !ok || strings.HasPrefix(id, "\x00") {
			return fmt.Errorf("no variable %q in the model", id)
		}
	}
	return nil
}

// Values writes the values of the named symbols (any compartment, species,
// parameter, species reference, reaction, input or observable id) at
// (t, y) into dst. as (nil: all AsDeclared) says per id how a species is
// reported.
func (s *System) Values(t float64, y []float64, ids []string, as []Quantity, dst []float64) error {
	if err := s.CheckValues(ids); err != nil {
		return err
	}
	s.evalFull(t, y)
	s.outTape.Run(s.env)
	for k, id := range ids {
		v := s.env[s.slot[id]]
		if as != nil && as[k] != AsDeclared {
			for _, sp := range s.m.Species {
				if sp.ID != id {
					continue
				}
				c := s.env[s.slot[sp.Compartment]]
				switch {
				case as[k] == AsAmount && !sp.HasOnlySubstanceUnits:
					v *= c
				case as[k] == AsConcentration && sp.HasOnlySubstanceUnits:
					v /= c
				}
			}
		}
		dst[k] = v
	}
	return nil
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
	if s.evTape != nil {
		c.evTape = s.evTape.Clone()
	}
	c.comms = make([]community, len(s.comms))
	for i, cc := range s.comms {
		cc.a = append([]float64(nil), cc.a...)
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
