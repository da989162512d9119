package system

import (
	"cmp"
	"fmt"
	"math"
	"slices"
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
	noKernels bool // interpret every tape, even where package kernels has generated code
	denseComm bool // store every community's interactions dense (sparseCommunity)
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

// run compiles the model, step by step.
func (c *compiler) run() error {
	s := c.s
	if err := c.index(); err != nil {
		return err
	}
	if err := c.buildStates(); err != nil {
		return err
	}
	c.declareSymbols()
	if err := c.buildRateOfSlots(); err != nil {
		return err
	}
	for _, name := range s.names {
		c.newSlot(derivPrefix + name)
	}
	b := newBuilder(c)
	if err := c.buildMainTape(b); err != nil {
		return err
	}
	c.reactionTerms()
	if err := c.buildCommunities(b); err != nil {
		return err
	}
	s.tape = b.Build()
	c.mainB = b
	dynSlot := c.dynamicSlots()
	if s.hasRateOf {
		if err := c.rateOfLevels(); err != nil {
			return err
		}
	}

	obsDst, obsNode, err := c.buildOutputs()
	if err != nil {
		return err
	}
	return c.finish(dynSlot, obsDst, obsNode)
}

// index builds the look-up maps of the model's functions, species,
// compartments, rules and event targets, and refuses unsupported rules.
func (c *compiler) index() error {
	m := c.m
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
	return nil
}

// buildStates chooses the state variables and gives each its slot (slot 0
// is time).
func (c *compiler) buildStates() error {
	m, s := c.m, c.s
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
	return c.checkDelays()
}

// declareSymbols gives the parameters, compartments, species references,
// inputs, species values and reaction rates their slots and declared
// values.
func (c *compiler) declareSymbols() {
	m, s := c.m, c.s
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
}

// buildRateOfSlots gives every rateOf target its slot and records how RHS
// fills it.
func (c *compiler) buildRateOfSlots() error {
	m := c.m
	reactionID := map[string]*model.Reaction{}
	for _, r := range m.Reactions {
		reactionID[r.ID] = r
	}
	observableID := map[string]*model.Observable{}
	for _, o := range m.Observables {
		observableID[o.ID] = o
	}
	for _, id := range c.rateOfTargets() {
		if err := c.rateOfSlot(id, reactionID, observableID); err != nil {
			return err
		}
	}
	return nil
}

// rateOfTargets lists, in first-use order, the symbols whose rateOf the
// model needs: the arguments of rateOf calls, and what those expand to
// (the symbols an assignment-rule variable reads, the compartment of a
// species an assignment rule sizes), and the compartments whose dV/dt
// rate rules on concentrations need.
func (c *compiler) rateOfTargets() []string {
	var ids []string
	seen := map[string]bool{}
	var add func(id string)
	add = func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		ids = append(ids, id)
		if sp := c.species[id]; sp != nil && c.varyingAssignedSize(sp) {
			// d[S]/dt = (dA/dt − [S]·dV/dt)/V with dV/dt by the chain rule
			add(sp.Compartment)
		}
		if r := c.assigned[id]; r != nil {
			// rateOf of an assignment-rule variable is the chain rule
			// over the rule (rateOfAssigned): the derivatives of the
			// symbols it reads
			for _, v := range expr.Vars(model.InlineFunctions(r.Math, c.mfunc, 0)) {
				add(v)
			}
		}
	}
	c.forEachMath(func(n *expr.Node) {
		expr.Walk(model.InlineFunctions(n, c.mfunc, 0), func(x *expr.Node) {
			if x.Op == expr.OpCall && x.Name == "rateOf" && len(x.Args) == 1 && x.Args[0].Op == expr.OpVar {
				add(x.Args[0].Name)
			}
		})
	})
	for _, r := range c.m.Rules {
		// rate rules on concentrations in a compartment an assignment rule
		// sizes need dV/dt
		if sp := c.species[r.Variable]; r.Kind == model.RateRule && sp != nil && c.varyingAssignedSize(sp) {
			add(sp.Compartment)
		}
	}
	return ids
}

// rateOfSlot gives rateOf(id) its slot and, when RHS fills it from the
// state derivatives, records how; rateOf of a reaction or an observable is
// unsupported.
func (c *compiler) rateOfSlot(id string, reactionID map[string]*model.Reaction, observableID map[string]*model.Observable) error {
	s := c.s
	i := c.newSlot(rateOfPrefix + id)
	st, isSt := c.isState[id]
	sp := c.species[id]
	conc := sp != nil && !sp.HasOnlySubstanceUnits // value = amount / size
	if sp != nil && c.varyingAssignedSize(sp) {
		// rateOf(S) is an expression (rewriteInlined) over dA/dt,
		// filled into its own slot for a state species (a fixed
		// amount has dA/dt = 0)
		if isSt {
			s.addRateOf(c.newSlot(amtRatePrefix+id), st, -1, -1, -1)
		}
		return nil
	}
	switch {
	case isSt:
		scale, cst := -1, -1
		if conc {
			scale = s.slot[sp.Compartment]
			if ci, ok := c.isState[sp.Compartment]; ok {
				cst = ci
			}
		}
		s.addRateOf(i, st, s.slot[id], scale, cst)
	case c.assigned[id] != nil:
		// an expression (rateOfAssigned), built where rateOf occurs
	case reactionID[id] != nil:
		return &Unsupported{Construct: "rateOf of a reaction rate", ID: id, Src: reactionID[id].Src}
	case observableID[id] != nil:
		return &Unsupported{Construct: "rateOf of an observable", ID: id, Src: observableID[id].Src}
	case conc && hasKey(c.isState, sp.Compartment):
		// a fixed amount in a compartment whose size changes:
		// d(A/V)/dt = −(A/V)·(dV/dt)/V
		s.addRateOf(i, -1, s.slot[id], s.slot[sp.Compartment], c.isState[sp.Compartment])
	default:
		// constant between events and schedule boundaries: 0
	}
	return nil
}

// addRateOf records that RHS fills env[slot] with the derivative of the
// value of state (-1: a fixed amount), whose env slot is val, scaled by
// the size slot scale, with comp the compartment's state index (-1 for
// none; see System.rateOfSlot).
func (s *System) addRateOf(slot, state, val, scale, comp int) {
	s.hasRateOf = true
	s.rateOfSlot = append(s.rateOfSlot, slot)
	s.rateOfState = append(s.rateOfState, state)
	s.rateOfVal = append(s.rateOfVal, val)
	s.rateOfScale = append(s.rateOfScale, scale)
	s.rateOfComp = append(s.rateOfComp, comp)
}

// buildMainTape assigns, on b, the species values, assignment rules and
// reaction rates in dependency order, then the rate-rule derivatives.
func (c *compiler) buildMainTape(b *builder) error {
	m, s := c.m, c.s
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
	return nil
}

// reactionTerms records the stoichiometry × rate × conversion factor
// terms that reactions add to the amount derivatives.
func (c *compiler) reactionTerms() {
	m, s := c.m, c.s
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
}

// buildCommunities assigns the community blocks' growth, inflow and
// shedding expressions on b and records their interaction slots.
func (c *compiler) buildCommunities(b *builder) error {
	m, s := c.m, c.s
	for _, cm := range m.Communities {
		k := len(cm.Members)
		cc := community{shedding: -1, threshold: cm.ExtinctionThreshold, x: make([]float64, k)}
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
		c.interactionSlots(&cc, cm, pos)
		s.comms = append(s.comms, cc)
	}
	// the interaction matrices one after another in s.aFlat
	for i := range s.comms {
		cc := &s.comms[i]
		cc.aOff = len(s.aFlat)
		s.aFlat = append(s.aFlat, make([]float64, len(cc.aSlots))...)
	}
	for i := range s.comms {
		cc := &s.comms[i]
		cc.a = s.aFlat[cc.aOff : cc.aOff+len(cc.aSlots) : cc.aOff+len(cc.aSlots)]
	}
	return nil
}

// sparseCommunity reports whether a community of k members with nnz
// interactions is stored sparse: large (over 64 members) and at most one
// eighth full. Smaller or denser ones keep the dense layout, whose
// six-rows-at-a-time sums are faster there (every shipped model).
func sparseCommunity(k, nnz int) bool { return k > 64 && 8*nnz <= k*k }

// interactionSlots records the env slots of a community's interaction
// parameters, dense (k×k, -1 where none) or sparse (CSR by row).
func (c *compiler) interactionSlots(cc *community, cm *model.Community, pos map[string]int) {
	k := len(cm.Members)
	if c.opt.denseComm || !sparseCommunity(k, len(cm.Interactions)) {
		cc.aSlots = make([]int, k*k)
		for i := range cc.aSlots {
			cc.aSlots[i] = -1
		}
		for _, in := range cm.Interactions {
			cc.aSlots[pos[in.Target]*k+pos[in.Source]] = c.s.slot[in.Param]
		}
		return
	}
	type entry struct{ row, col, slot int }
	es := make([]entry, len(cm.Interactions))
	for p, in := range cm.Interactions {
		es[p] = entry{pos[in.Target], pos[in.Source], c.s.slot[in.Param]}
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Or(cmp.Compare(a.row, b.row), cmp.Compare(a.col, b.col)) })
	cc.sparse = true
	cc.rowPtr = make([]int, k+1)
	cc.col = make([]int, len(es))
	cc.aSlots = make([]int, len(es))
	for p, e := range es {
		cc.rowPtr[e.row+1]++
		cc.col[p], cc.aSlots[p] = e.col, e.slot
	}
	for i := range k {
		cc.rowPtr[i+1] += cc.rowPtr[i]
	}
}

// buildOutputs lists the output variables (states as species values,
// assignment-rule variables, observables) and builds the observable tape.
// It returns the observables' slots and expressions.
func (c *compiler) buildOutputs() (obsDst []int, obsNode []*expr.Node, err error) {
	m, s := c.m, c.s
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
	// Observables may read other observables: they are assigned in
	// dependency order (their columns keep the model's order).
	var obsDefs []def
	for _, o := range m.Observables {
		i := c.newSlot(o.ID)
		s.base[i] = math.NaN()
		s.varNames = append(s.varNames, o.ID)
		s.varSlots = append(s.varSlots, i)
		switch o.Kind {
		case "":
			obsDefs = append(obsDefs, def{target: o.ID, math: o.Math, owner: o.ID, src: o.Src})
		case "dysbiosis":
			d := dysb{out: len(s.varNames) - 1}
			for _, mem := range o.Members {
				d.members = append(d.members, s.slot[mem])
			}
			s.dysb = append(s.dysb, d)
		}
	}
	if obsDefs, err = c.topo(obsDefs); err != nil {
		return nil, nil, err
	}
	for _, d := range obsDefs {
		i := s.slot[d.target]
		e := c.rewriteFor(d.target, d.math)
		if err := ob.Assign(i, e); err != nil {
			return nil, nil, fmt.Errorf("%s: observable %s: %w", d.src, d.target, err)
		}
		obsDst, obsNode = append(obsDst, i), append(obsNode, e)
	}
	s.outTape = ob.Build()
	return obsDst, obsNode, nil
}

// finish builds the initial-value, event and delay tapes, the Jacobian and
// the split evaluation, and lays out the environment.
func (c *compiler) finish(dynSlot map[int]bool, obsDst []int, obsNode []*expr.Node) error {
	s := c.s
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
	if !c.opt.noKernels {
		s.useKernels()
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
	st := c.stateRateOfDeps()
	// slot k reads the derivatives of its state and compartment
	on := make([]map[int]bool, len(s.rateOfSlot))
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
	return s.rateOfPasses(on)
}

// stateRateOfDeps returns, for each state, the indices of the rateOf slots
// its derivative reads, directly or through main-tape assignments: in a
// rate rule, a reaction's rate, stoichiometry or conversion factor, or a
// community member's growth, inflow or shedding.
func (c *compiler) stateRateOfDeps() []map[int]bool {
	s := c.s
	rIdx := map[int]int{}
	for k, sl := range s.rateOfSlot {
		rIdx[sl] = k
	}
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
	st := make([]map[int]bool, s.n)
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
	return st
}

// rateOfPasses sets s.rateOfPass to the highest level of the rateOf slots,
// where slot k reads the slots on[k], by a depth-first search that refuses
// a cycle.
func (s *System) rateOfPasses(on []map[int]bool) error {
	level := make([]int, len(on)) // 0: unknown; -1: in progress
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
	rhsKeep := c.closure(dyn, rhsNeed, len(c.m.Events) > 0)
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
	for _, n := range obsNode {
		c.markVars(need, n)
	}
	keep := c.closure(dyn, need, false)
	ob := newBuilder(c)
	for k, dst := range b.dsts {
		if keep[k] {
			if err := ob.Assign(dst, nodes[k]); err != nil {
				return err
			}
		}
	}
	for _, dst := range obsDst {
		dyn[dst] = true // computed on the output tape only: never hoisted
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

// closure walks the main tape's assignments backwards and keeps each
// dynamic one whose destination is needed (every dynamic one when all),
// adding the slots it reads to need: the assignments that the slots first
// in need depend on.
func (c *compiler) closure(dyn, need map[int]bool, all bool) []bool {
	b := c.mainB
	keep := make([]bool, len(b.dsts))
	for k := len(b.dsts) - 1; k >= 0; k-- {
		if dst := b.dsts[k]; dyn[dst] && (all || need[dst]) {
			keep[k] = true
			c.markVars(need, b.nodes[k])
		}
	}
	return keep
}

// markVars adds to need the slot of every variable n reads.
func (c *compiler) markVars(need map[int]bool, n *expr.Node) {
	for _, v := range expr.Vars(n) {
		if sl, ok := c.s.slot[v]; ok {
			need[sl] = true
		}
	}
}

// checkUnsupported refuses rateOf of an expression anywhere in the model.
func (c *compiler) checkUnsupported() error {
	var err error
	check := func(owner string, src model.Source) func(n *expr.Node) {
		return func(n *expr.Node) {
			expr.Walk(n, func(x *expr.Node) {
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
