package system

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// bnode is a trigger's boolean structure: logical operators over
// relational atoms and numeric leaves.
type bnode struct {
	op   expr.Op
	kids []*bnode
	atom int // >= 0 for a relational atom
	leaf int // env slot of a numeric leaf (>= 0), else -1
}

type atom struct {
	op   expr.Op
	slot int // env slot of lhs - rhs
}

type evDef struct {
	id         string
	trigger    *bnode
	initial    bool
	persistent bool
	delay      int // env slot or -1
	priority   int // env slot or -1
	useTrigger bool
	tape       *tape // computes delay, priority and values
	targets    []evTarget
	order      int
}

type evTarget struct {
	state  int // state index
	value  int // env slot of the computed value
	scale  int // env slot of the compartment size for species concentrations, -1
	isComp bool
}

type pending struct {
	time   float64
	ev     int
	values []float64 // nil: compute at execution
	seq    int
}

type events struct {
	atoms   []atom
	defs    []evDef
	extinct []extinct
	// mutable state
	truth    []bool
	sgn      []int8
	dir      []int8
	forced   []float64 // atom sign forced until this time (after a crossing)
	prev     []bool
	queue    []pending
	seq      int
	scratch  []float64
	dscratch []float64
	ascratch []float64
	rng      *rand.Rand // ties between equal explicit priorities
	// extinction roots: the side of the threshold a member was left on
	// after an upward crossing, reported until extForced (so that the
	// solver does not see the same crossing again)
	extSgn    []int8
	extForced []float64
}

type extinct struct {
	state     int
	threshold float64
	inflow    int // env slot or -1
}

func (e *events) clone() *events {
	c := *e
	c.defs = append([]evDef(nil), e.defs...)
	for i := range c.defs {
		c.defs[i].tape = e.defs[i].tape.Clone()
	}
	c.truth = append([]bool(nil), e.truth...)
	c.sgn = append([]int8(nil), e.sgn...)
	c.dir = append([]int8(nil), e.dir...)
	c.forced = append([]float64(nil), e.forced...)
	c.prev = append([]bool(nil), e.prev...)
	c.extSgn = append([]int8(nil), e.extSgn...)
	c.extForced = append([]float64(nil), e.extForced...)
	c.queue = nil
	for _, p := range e.queue {
		p.values = append([]float64(nil), p.values...)
		c.queue = append(c.queue, p)
	}
	c.scratch = append([]float64(nil), e.scratch...)
	c.dscratch = nil
	c.ascratch = nil
	c.rng = rand.New(rand.NewPCG(1, 2))
	return &c
}

func isRel(op expr.Op) bool { return op >= expr.OpLt && op <= expr.OpNe }

func isLogic(op expr.Op) bool {
	return op == expr.OpAnd || op == expr.OpOr || op == expr.OpXor || op == expr.OpNot
}

func hasRel(n *expr.Node) bool {
	found := false
	expr.Walk(n, func(x *expr.Node) {
		if isRel(x.Op) || isLogic(x.Op) {
			found = true
		}
	})
	return found
}

func (c *compiler) buildEvents() error {
	s := c.s
	ev := &events{}
	tc := &triggerConv{c: c, ev: ev, atomIdx: map[string]int{}, b: newBuilder(c)}
	for i, e := range c.m.Events {
		d, err := c.buildEvent(tc, i, e)
		if err != nil {
			return err
		}
		ev.defs = append(ev.defs, d)
	}
	for ci, cm := range c.m.Communities {
		if cm.ExtinctionThreshold <= 0 {
			continue
		}
		cc := s.comms[ci]
		for i, st := range cc.members {
			ev.extinct = append(ev.extinct, extinct{state: st, threshold: cm.ExtinctionThreshold, inflow: cc.inflow[i]})
		}
	}
	s.evTape = tc.b.Build()
	if len(ev.atoms) == 0 && len(ev.defs) == 0 && len(ev.extinct) == 0 {
		return nil
	}
	ev.truth = make([]bool, len(ev.atoms))
	ev.sgn = make([]int8, len(ev.atoms))
	ev.dir = make([]int8, len(ev.atoms))
	ev.forced = make([]float64, len(ev.atoms))
	ev.prev = make([]bool, len(ev.defs))
	ev.extSgn = make([]int8, len(ev.extinct))
	ev.extForced = make([]float64, len(ev.extinct))
	ev.scratch = make([]float64, 0, 16)
	ev.rng = rand.New(rand.NewPCG(1, 2))
	s.ev = ev
	return nil
}

// buildEvent compiles event i: its trigger (through tc, whose atoms and tape
// all events share), and its own tape of delay, priority and assignment
// values.
func (c *compiler) buildEvent(tc *triggerConv, i int, e *model.Event) (evDef, error) {
	owner := e.ID
	if owner == "" {
		owner = fmt.Sprintf("event %d", i+1)
	}
	c.owner = owner
	trig, err := tc.conv(c.rewrite(e.Trigger), owner, e.Src)
	if err != nil {
		return evDef{}, err
	}
	d := evDef{id: owner, trigger: trig, initial: e.InitialValue, persistent: e.Persistent, useTrigger: e.UseValuesFromTriggerTime, delay: -1, priority: -1, order: i}
	eb := newBuilder(c)
	if e.Delay != nil {
		d.delay = c.newSlot("")
		if err := eb.Assign(d.delay, c.rewrite(e.Delay)); err != nil {
			return evDef{}, fmt.Errorf("%s: event %s delay: %w", e.Src, owner, err)
		}
	}
	if e.Priority != nil {
		d.priority = c.newSlot("")
		if err := eb.Assign(d.priority, c.rewrite(e.Priority)); err != nil {
			return evDef{}, fmt.Errorf("%s: event %s priority: %w", e.Src, owner, err)
		}
	}
	for _, a := range e.Assignments {
		st, ok := c.isState[a.Variable]
		if !ok {
			return evDef{}, fmt.Errorf("%s: event %s: %s cannot be assigned (constant or set by an assignment rule)", e.Src, owner, a.Variable)
		}
		t := evTarget{state: st, value: c.newSlot(""), scale: -1}
		if sp := c.species[a.Variable]; sp != nil && !sp.HasOnlySubstanceUnits {
			t.scale = c.s.slot[sp.Compartment]
		}
		_, t.isComp = c.comps[a.Variable]
		if err := eb.Assign(t.value, c.rewrite(a.Math)); err != nil {
			return evDef{}, fmt.Errorf("%s: event %s assignment to %s: %w", e.Src, owner, a.Variable, err)
		}
		d.targets = append(d.targets, t)
	}
	d.tape = eb.Build()
	return d, nil
}

// triggerConv turns trigger expressions into boolean trees over atoms (a
// root-found difference and its relation), shared by all events: equal
// atoms are computed once on the trigger tape b.
type triggerConv struct {
	c       *compiler
	ev      *events
	atomIdx map[string]int
	b       *builder
}

func (tc *triggerConv) conv(n *expr.Node, owner string, src model.Source) (*bnode, error) {
	switch {
	case isLogic(n.Op):
		bn := &bnode{op: n.Op, atom: -1, leaf: -1}
		for _, a := range n.Args {
			k, err := tc.conv(a, owner, src)
			if err != nil {
				return nil, err
			}
			bn.kids = append(bn.kids, k)
		}
		return bn, nil
	case isRel(n.Op):
		return tc.relation(n, owner, src)
	case hasRel(n):
		// a truth value computed by a non-logical expression (e.g.
		// piecewise): an atom on its switch between 0 and 1
		return tc.conv(expr.New(expr.OpGt, n, expr.Num(0.5)), owner, src)
	}
	sl := tc.c.newSlot("")
	if err := tc.b.Assign(sl, n); err != nil {
		return nil, fmt.Errorf("%s: event %s trigger: %w", src, owner, err)
	}
	return &bnode{op: expr.OpInvalid, atom: -1, leaf: sl}, nil
}

// relation converts a relation: a chain a < b < c into the AND of its
// pairs, a pair into an atom on the difference of its sides.
func (tc *triggerConv) relation(n *expr.Node, owner string, src model.Source) (*bnode, error) {
	if len(n.Args) > 2 {
		and := &bnode{op: expr.OpAnd, atom: -1, leaf: -1}
		for i := 0; i+1 < len(n.Args); i++ {
			k, err := tc.conv(&expr.Node{Op: n.Op, Args: n.Args[i : i+2]}, owner, src)
			if err != nil {
				return nil, err
			}
			and.kids = append(and.kids, k)
		}
		return and, nil
	}
	if len(n.Args) != 2 {
		return nil, fmt.Errorf("%s: event %s: relational operator with %d arguments", src, owner, len(n.Args))
	}
	d := expr.New(expr.OpSub, n.Args[0], n.Args[1])
	op := n.Op
	if hasRel(n.Args[0]) || hasRel(n.Args[1]) {
		// a relation between truth values: locate the switch of the
		// whole (0/1-valued) relation
		d, op = expr.New(expr.OpSub, n, expr.Num(0.5)), expr.OpGt
	}
	key := fmt.Sprintf("%d|%s", op, expr.String(d))
	k, ok := tc.atomIdx[key]
	if !ok {
		k = len(tc.ev.atoms)
		tc.atomIdx[key] = k
		sl := tc.c.newSlot("")
		if err := tc.b.Assign(sl, d); err != nil {
			return nil, fmt.Errorf("%s: event %s trigger: %w", src, owner, err)
		}
		tc.ev.atoms = append(tc.ev.atoms, atom{op: op, slot: sl})
	}
	return &bnode{op: op, atom: k, leaf: -1}, nil
}

// SetEventSeed seeds the random choice between simultaneous events of equal
// explicit priority (SBML leaves their order random). The default seed is
// fixed, so runs are reproducible.
func (s *System) SetEventSeed(seed uint64) {
	if s.ev != nil {
		s.ev.rng = rand.New(rand.NewPCG(seed, 2))
	}
}

// HasEvents reports whether the system has SBML events or extinction
// thresholds, i.e. whether NumEvents() > 0 or events are pending.
func (s *System) HasEvents() bool { return s.ev != nil }

// NumEvents returns the number of root functions: one per relational atom
// of the event triggers and one per community member with an extinction
// threshold.
func (s *System) NumEvents() int {
	if s.ev == nil {
		return 0
	}
	return len(s.ev.atoms) + len(s.ev.extinct)
}

// EventValues writes the root functions at (t, y) into g.
func (s *System) EventValues(t float64, y []float64, g []float64) {
	ev := s.ev
	if ev == nil {
		return
	}
	if len(ev.atoms) > 0 {
		s.evalFull(t, y)
		s.evTape.Run(s.env)
	}
	for k, a := range ev.atoms {
		d := s.env[a.slot]
		// Just after a crossing (forced window), or while the difference
		// is exactly zero, report the last known sign: the solver then
		// sees a crossing only when the difference really changes sign.
		if sg := ev.sgn[k]; sg != 0 && sign(d) != sg && (d == 0 || t <= ev.forced[k]) {
			d = float64(sg) * math.SmallestNonzeroFloat64
		}
		g[k] = d
	}
	for i, x := range ev.extinct {
		d := y[x.state] - x.threshold
		if sg := ev.extSgn[i]; sg != 0 && sign(d) != sg && t <= ev.extForced[i] {
			d = float64(sg) * math.SmallestNonzeroFloat64
		}
		g[len(ev.atoms)+i] = d
	}
}

func sign(x float64) int8 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func atomTruth(op expr.Op, sg int8) bool {
	switch op {
	case expr.OpLt:
		return sg < 0
	case expr.OpLe:
		return sg <= 0
	case expr.OpGt:
		return sg > 0
	case expr.OpGe:
		return sg >= 0
	case expr.OpEq:
		return sg == 0
	case expr.OpNe:
		return sg != 0
	}
	return false
}

func (s *System) evalTrigger(n *bnode) bool {
	switch {
	case n.atom >= 0:
		return s.ev.truth[n.atom]
	case n.leaf >= 0:
		return s.env[n.leaf] != 0
	}
	switch n.op {
	case expr.OpAnd:
		for _, k := range n.kids {
			if !s.evalTrigger(k) {
				return false
			}
		}
		return true
	case expr.OpOr:
		for _, k := range n.kids {
			if s.evalTrigger(k) {
				return true
			}
		}
		return false
	case expr.OpXor:
		v := false
		for _, k := range n.kids {
			v = v != s.evalTrigger(k)
		}
		return v
	case expr.OpNot:
		return len(n.kids) == 1 && !s.evalTrigger(n.kids[0])
	}
	return false
}

// updateAtoms recomputes the atoms from the current environment (which
// must hold the main and event tapes' results for (t, y)). Atom cross (>= 0)
// has just crossed zero. Where a difference is exactly zero and its last
// sign is unknown, the direction it moves in (from the derivative) becomes
// the tracked sign, while the relation itself is evaluated exactly.
func (s *System) updateAtoms(t float64, y []float64, cross int) {
	ev := s.ev
	needDir := false
	for k, a := range ev.atoms {
		if s.env[a.slot] == 0 && ev.sgn[k] == 0 {
			needDir = true
		}
	}
	if needDir {
		s.atomDirections(t, y)
	}
	for k, a := range ev.atoms {
		d := s.env[a.slot]
		sg := sign(d)
		if k == cross {
			switch {
			case ev.sgn[k] != 0:
				sg = -ev.sgn[k]
			case sg == 0:
				sg = ev.dir[k]
			}
			ev.forced[k] = t + 1e-9*(1+math.Abs(t))
			ev.sgn[k] = sg
			ev.truth[k] = atomTruth(a.op, sg)
			if a.op == expr.OpEq {
				ev.truth[k] = true
			} else if a.op == expr.OpNe {
				ev.truth[k] = false
			}
			continue
		}
		if ev.sgn[k] != 0 && sg != ev.sgn[k] && (sg == 0 || t <= ev.forced[k]) {
			sg = ev.sgn[k] // just crossed, or touching zero: not (yet) crossed
			ev.truth[k] = atomTruth(a.op, sg)
			continue
		}
		ev.truth[k] = atomTruth(a.op, sg)
		if sg == 0 && ev.sgn[k] == 0 {
			ev.sgn[k] = ev.dir[k]
		} else if sg != 0 {
			ev.sgn[k] = sg
		}
	}
}

// atomDirections fills ev.dir with the sign of each atom's difference a
// short time after t along the solution's tangent. It leaves the
// environment evaluated at (t, y).
func (s *System) atomDirections(t float64, y []float64) {
	ev := s.ev
	s.RHS(t, y, s.fr)
	h := 1e-7 * (1 + math.Abs(t))
	yt := s.yt
	for i := range yt {
		yt[i] = y[i] + h*s.fr[i]
	}
	s.evalFull(t+h, yt)
	s.evTape.Run(s.env)
	for k, a := range ev.atoms {
		ev.dir[k] = sign(s.env[a.slot])
	}
	s.evalFull(t, y)
	s.evTape.Run(s.env)
}

// EventsStart initialises event state at the start time t0 with state y
// (which it may change: events whose trigger is true at t0 although their
// initialValue is false fire now, and community members below their
// extinction threshold are set to zero). It returns whether y changed.
func (s *System) EventsStart(t0 float64, y []float64) (bool, error) {
	ev := s.ev
	if ev == nil {
		return false, nil
	}
	ev.queue = ev.queue[:0]
	ev.seq = 0
	for k := range ev.forced {
		ev.forced[k] = math.Inf(-1)
		ev.sgn[k] = 0
	}
	for i, d := range ev.defs {
		ev.prev[i] = d.initial
	}
	for i := range ev.extinct {
		ev.extSgn[i] = 0
		ev.extForced[i] = math.Inf(-1)
	}
	changed := s.Extinguish(t0, y)
	s.evalFull(t0, y)
	s.evTape.Run(s.env)
	s.updateAtoms(t0, y, -1)
	c, err := s.process(t0, y)
	return changed || c, err
}

// EventsRoot handles the root function k located at time t with state y
// (changed in place when events fire). It returns whether y changed.
func (s *System) EventsRoot(k int, t float64, y []float64) (bool, error) {
	ev := s.ev
	if ev == nil || k < 0 {
		return false, nil
	}
	if k >= len(ev.atoms) {
		i := k - len(ev.atoms)
		x := ev.extinct[i]
		// Only a downward crossing makes a member extinct; a member that
		// inflow (or its own growth) carries up through the threshold keeps
		// growing. The direction is that of the member's derivative at the
		// root (the located root lies just past the crossing).
		s.RHS(t, y, s.fr)
		v, dv := y[x.state], s.fr[x.state]
		if dv < 0 || (dv == 0 && v < x.threshold) {
			if v <= x.threshold*(1+1e-6) {
				y[x.state] = 0
				ev.extSgn[i] = 0
				s.evalFull(t, y)
				s.evTape.Run(s.env)
				s.updateAtoms(t, y, -1)
				_, err := s.process(t, y)
				return true, err
			}
			return false, nil
		}
		ev.extSgn[i] = 1
		ev.extForced[i] = t + 1e-9*(1+math.Abs(t))
		return false, nil
	}
	s.evalFull(t, y)
	s.evTape.Run(s.env)
	s.updateAtoms(t, y, k)
	return s.process(t, y)
}

// Extinguish sets to zero, at time t, every community member whose value
// lies strictly between zero and its community's extinction threshold while
// it has no inflow (inflow <= 0) and is not growing (derivative <= 0): such
// a population is extinct and, with gLV growth proportional to the
// population, stays zero until inflow brings it back. Members that inflow
// or their own growth carry upwards are left alone (they cross the
// threshold upwards); members that fall through the threshold are zeroed by
// the extinction roots (EventsRoot). Package sim calls Extinguish at the
// start and at every schedule boundary (after the inputs for the next
// segment are set). It returns whether y changed.
func (s *System) Extinguish(t float64, y []float64) bool {
	ev := s.ev
	if ev == nil || len(ev.extinct) == 0 {
		return false
	}
	below := false
	for _, x := range ev.extinct {
		if v := y[x.state]; v > 0 && v < x.threshold {
			below = true
			break
		}
	}
	if !below {
		return false
	}
	s.RHS(t, y, s.fr)
	changed := false
	for _, x := range ev.extinct {
		v := y[x.state]
		if !(v > 0 && v < x.threshold) {
			continue
		}
		if x.inflow >= 0 && s.env[x.inflow] > 0 {
			continue
		}
		if s.fr[x.state] > 0 {
			continue
		}
		y[x.state] = 0
		changed = true
	}
	return changed
}

// NextEventTime returns the time of the earliest delayed event waiting to
// execute, or +Inf.
func (s *System) NextEventTime() float64 {
	if s.ev == nil {
		return math.Inf(1)
	}
	t := math.Inf(1)
	for _, p := range s.ev.queue {
		t = math.Min(t, p.time)
	}
	return t
}

// EventsDue executes the delayed events due at time t (reached by the
// solver without a root). It returns whether y changed.
func (s *System) EventsDue(t float64, y []float64) (bool, error) {
	if s.ev == nil {
		return false, nil
	}
	s.evalFull(t, y)
	s.evTape.Run(s.env)
	s.updateAtoms(t, y, -1)
	return s.process(t, y)
}

// process evaluates triggers, queues newly triggered events, drops
// non-persistent events whose trigger went false, and executes every event
// due at t in priority order, re-evaluating after each execution.
func (s *System) process(t float64, y []float64) (bool, error) {
	ev := s.ev
	changed := false
	for iter := 0; ; iter++ {
		if iter > 10000 {
			return changed, fmt.Errorf("event cascade at t=%g did not settle after 10000 executions", t)
		}
		if err := s.scheduleTriggered(t); err != nil {
			return changed, err
		}
		best := s.nextDue(t)
		if best < 0 {
			return changed, nil
		}
		p := ev.queue[best]
		ev.queue = append(ev.queue[:best], ev.queue[best+1:]...)
		s.execute(t, y, p)
		changed = true
	}
}

// scheduleTriggered queues every event whose trigger has just become true
// (at t plus its delay, with its values now if it uses the values from the
// trigger time) and drops the queued executions of non-persistent events
// whose trigger has become false.
func (s *System) scheduleTriggered(t float64) error {
	ev := s.ev
	for i := range ev.defs {
		d := &ev.defs[i]
		now := s.evalTrigger(d.trigger)
		if now && !ev.prev[i] {
			d.tape.Run(s.env)
			when := t
			if d.delay >= 0 {
				dl := s.env[d.delay]
				if math.IsNaN(dl) || dl < 0 {
					return fmt.Errorf("event %s at t=%g: delay %v is negative or NaN", d.id, t, dl)
				}
				when = t + dl
			}
			p := pending{time: when, ev: i, seq: ev.seq}
			ev.seq++
			if d.useTrigger {
				p.values = make([]float64, len(d.targets))
				for k, tg := range d.targets {
					p.values[k] = s.env[tg.value]
				}
			}
			ev.queue = append(ev.queue, p)
		} else if !now && ev.prev[i] && !d.persistent {
			q := ev.queue[:0]
			for _, p := range ev.queue {
				if p.ev != i {
					q = append(q, p)
				}
			}
			ev.queue = q
		}
		ev.prev[i] = now
	}
	return nil
}

// nextDue returns the queue index of the due execution with the highest
// priority (ties of equal explicit priority broken at random, others by
// event order then queueing order), or -1 when none is due.
func (s *System) nextDue(t float64) int {
	ev := s.ev
	best := -1
	bestPri := math.Inf(-1)
	ties := 0
	for qi, p := range ev.queue {
		if p.time > t {
			continue
		}
		d := &ev.defs[p.ev]
		pri := math.Inf(-1)
		if d.priority >= 0 {
			d.tape.Run(s.env)
			pri = s.env[d.priority]
		}
		switch {
		case best < 0 || pri > bestPri:
			best, bestPri, ties = qi, pri, 1
		case pri == bestPri && d.priority >= 0 && p.ev != ev.queue[best].ev:
			// equal explicit priorities: SBML asks for a random
			// choice (reservoir sampling, seeded per System)
			ties++
			if ev.rng.IntN(ties) == 0 {
				best = qi
			}
		case pri == bestPri && (p.ev < ev.queue[best].ev || (p.ev == ev.queue[best].ev && p.seq < ev.queue[best].seq)):
			best = qi
		}
	}
	return best
}

// execute applies one event execution to y at t and re-evaluates the
// system; atoms that jump are marked to be evaluated exactly.
func (s *System) execute(t float64, y []float64, p pending) {
	ev := s.ev
	d := &ev.defs[p.ev]
	vals := p.values
	if vals == nil {
		d.tape.Run(s.env)
		vals = ev.scratch[:0]
		for _, tg := range d.targets {
			vals = append(vals, s.env[tg.value])
		}
		ev.scratch = vals
	}
	before := ev.dscratch[:0]
	for _, a := range ev.atoms {
		before = append(before, s.env[a.slot])
	}
	ev.dscratch = before
	// species concentrations convert to amounts with the compartment
	// sizes before this event's assignments (SBML L3 semantics)
	amts := ev.ascratch[:0]
	for k, tg := range d.targets {
		v := vals[k]
		if tg.scale >= 0 {
			v *= s.env[tg.scale]
		}
		amts = append(amts, v)
	}
	ev.ascratch = amts
	for k, tg := range d.targets {
		y[tg.state] = amts[k]
		s.env[s.stateSlot[tg.state]] = amts[k]
	}
	s.evalFull(t, y)
	s.evTape.Run(s.env)
	for k, a := range ev.atoms {
		if s.env[a.slot] != before[k] {
			// a jump, not a crossing: evaluate the relation exactly
			ev.forced[k] = math.Inf(-1)
			ev.sgn[k] = 0
		}
	}
	s.updateAtoms(t, y, -1)
	s.refreshA()
}
