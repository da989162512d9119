package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/holobiont/holobiont/expr"
)

// String formats a source location as file:line:col (or the parts that are
// known); it is empty for the zero Source.
func (s Source) String() string {
	switch {
	case s.File == "" && s.Line == 0:
		return ""
	case s.Line == 0:
		return s.File
	case s.Col == 0:
		return fmt.Sprintf("%s:%d", s.File, s.Line)
	}
	return fmt.Sprintf("%s:%d:%d", s.File, s.Line, s.Col)
}

// ElementError is a validation error about one model element.
type ElementError struct {
	ID  string // element id (or a description when the element has none)
	Src Source
	Msg string
}

func (e *ElementError) Error() string {
	if w := e.Src.String(); w != "" {
		return fmt.Sprintf("%s: %s: %s", w, e.ID, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.ID, e.Msg)
}

// maxErrors bounds the number of errors Validate reports at once.
const maxErrors = 20

// Validate checks the model for duplicate ids, dangling references,
// assignment-rule cycles, non-finite values, conflicting definitions of one
// variable and community members outside their compartment. It returns all
// problems found (up to 20) joined with errors.Join; each is an
// *ElementError naming the id and its source location.
func (m *Model) Validate() error {
	v := validator{m: m, kinds: map[string]string{}, srcs: map[string]Source{}}
	v.run()
	if len(v.errs) == 0 {
		return nil
	}
	return errors.Join(v.errs...)
}

type validator struct {
	m     *Model
	kinds map[string]string // id -> kind of element
	srcs  map[string]Source
	errs  []error

	finite   func(float64) bool   // finiteStrict unless the model allows non-finite values
	funcs    map[string]*Function // the model's functions by id
	exp      *expansion           // bounds the inlined size of expressions
	tooLarge bool                 // an expression's function expansion is too large

	// What sets each variable, filled by the reference checks in order.
	initTargets    map[string]bool     // initial assignment targets
	ruleTargets    map[string]RuleKind // rule targets and their rule's kind
	reactionTarget map[string]string   // species -> a reaction that changes it
}

func (v *validator) errf(id string, src Source, format string, args ...any) {
	if len(v.errs) == maxErrors {
		v.errs = append(v.errs, errors.New("too many errors; stopping"))
	}
	if len(v.errs) > maxErrors {
		return
	}
	v.errs = append(v.errs, &ElementError{ID: id, Src: src, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) declare(id, kind string, src Source) {
	if id == "" {
		v.errf("("+kind+")", src, "missing id")
		return
	}
	if k, ok := v.kinds[id]; ok {
		prev := v.srcs[id].String()
		if prev != "" {
			prev = " at " + prev
		}
		v.errf(id, src, "duplicate id: already declared as a %s%s", k, prev)
		return
	}
	v.kinds[id] = kind
	v.srcs[id] = src
}

func finiteStrict(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// run checks the model in three passes: declarations (ids unique, values
// finite), references (every name used is declared with the right kind,
// nothing is set twice) and assignment-rule cycles. Errors come in that
// order.
func (v *validator) run() {
	m := v.m
	v.finite = finiteStrict
	if m.AllowNonFinite {
		v.finite = func(float64) bool { return true }
	}
	v.declarations()
	v.funcs = map[string]*Function{}
	for _, f := range m.Functions {
		v.funcs[f.ID] = f
	}
	v.exp = newExpansion(v.funcs)
	v.speciesRefs()
	v.functions()
	v.initialAssignments()
	v.rules()
	v.reactions()
	v.events()
	v.communities()
	v.observables()
	for _, c := range m.Couplings {
		if c.Param != "" && !v.isKind(c.Param, "parameter") {
			v.errf(c.From+" -> "+c.To, Source{}, "coupling parameter %q is not defined", c.Param)
		}
	}
	v.conditions(m)
	// Assignment-rule cycles (looking through functions, which is only
	// safe when their expansion is bounded).
	if !v.tooLarge {
		v.ruleCycles()
	}
}

// declarations declares every element's id and checks its values are
// finite.
func (v *validator) declarations() {
	m, finite := v.m, v.finite
	for _, c := range m.Compartments {
		v.declare(c.ID, "compartment", c.Src)
		if c.SizeSet && !finite(c.Size) {
			v.errf(c.ID, c.Src, "compartment size %v is not finite", c.Size)
		}
		for k, x := range c.Env {
			if !finite(x) {
				v.errf(c.ID, c.Src, "environment %s = %v is not finite", k, x)
			}
		}
	}
	for _, s := range m.Species {
		v.declare(s.ID, "species", s.Src)
		if s.InitialSet && !finite(s.Initial) {
			v.errf(s.ID, s.Src, "initial value %v is not finite", s.Initial)
		}
	}
	for _, p := range m.Parameters {
		v.declare(p.ID, "parameter", p.Src)
		if p.ValueSet && !finite(p.Value) {
			v.errf(p.ID, p.Src, "value %v is not finite", p.Value)
		}
		if p.ValueSet && !(p.Min == 0 && p.Max == 0) && (p.Value < p.Min || p.Value > p.Max) {
			v.errf(p.ID, p.Src, "value %v outside its range [%v, %v]", p.Value, p.Min, p.Max)
		}
	}
	for _, f := range m.Functions {
		v.declare(f.ID, "function", f.Src)
	}
	for _, in := range m.Inputs {
		v.declare(in.ID, "input", in.Src)
		if !finite(in.Default) {
			v.errf(in.ID, in.Src, "default %v is not finite", in.Default)
		}
	}
	for _, r := range m.Reactions {
		v.declare(r.ID, "reaction", r.Src)
		for _, refs := range [][]SpeciesRef{r.Reactants, r.Products} {
			for _, sr := range refs {
				if sr.ID != "" {
					v.declare(sr.ID, "species reference", r.Src)
				}
				if !finite(sr.Stoichiometry) && (sr.ID == "" || !math.IsNaN(sr.Stoichiometry)) {
					v.errf(r.ID, r.Src, "stoichiometry of %s is not finite", sr.Species)
				}
			}
		}
	}
	for _, c := range m.Communities {
		if c.ID != "" {
			v.declare(c.ID, "community", c.Src)
		}
	}
	for _, o := range m.Observables {
		v.declare(o.ID, "observable", o.Src)
	}
	for _, e := range m.Events {
		if e.ID != "" {
			v.declare(e.ID, "event", e.Src)
		}
	}
}

// valueKinds are the kinds of element an expression may read.
var valueKinds = []string{"compartment", "species", "parameter", "input", "reaction", "species reference", "observable"}

// assignable are the kinds of element a rule, initial assignment or event
// may set.
var assignable = []string{"compartment", "species", "parameter", "species reference"}

// isKind reports whether id is declared as one of kinds.
func (v *validator) isKind(id string, kinds ...string) bool {
	k, ok := v.kinds[id]
	return ok && slices.Contains(kinds, k)
}

// checkMath checks expression n of owner: its function expansion is
// bounded, it reads only declared values (or local names) and its calls
// are to defined functions with the right number of arguments.
func (v *validator) checkMath(owner string, src Source, n *expr.Node, local map[string]bool) {
	if n == nil {
		return
	}
	if !v.tooLarge {
		if msg := v.exp.check(n); msg != "" {
			v.errf(owner, src, "%s", msg)
			v.tooLarge = true
		}
	}
	for _, name := range expr.Vars(n) {
		if local[name] || v.isKind(name, valueKinds...) {
			continue
		}
		v.errf(owner, src, "expression refers to undefined id %q", name)
	}
	v.checkCalls(owner, src, n, v.funcs)
}

// speciesRefs checks the conversion factors and each species' compartment.
func (v *validator) speciesRefs() {
	m := v.m
	if m.ConversionFactor != "" && !v.isKind(m.ConversionFactor, "parameter") {
		v.errf(m.ConversionFactor, Source{}, "model conversion factor is not a parameter")
	}
	for _, s := range m.Species {
		if !v.isKind(s.Compartment, "compartment") {
			v.errf(s.ID, s.Src, "compartment %q is not defined", s.Compartment)
		}
		if s.ConversionFactor != "" && !v.isKind(s.ConversionFactor, "parameter") {
			v.errf(s.ID, s.Src, "conversion factor %q is not a parameter", s.ConversionFactor)
		}
	}
}

// functions checks that function bodies read only their arguments and
// model ids.
func (v *validator) functions() {
	for _, f := range v.m.Functions {
		args := map[string]bool{}
		for _, a := range f.Args {
			args[a] = true
		}
		if f.Body == nil {
			v.errf(f.ID, f.Src, "function has no body")
			continue
		}
		for _, name := range expr.Vars(f.Body) {
			if !args[name] && !v.isKind(name, valueKinds...) {
				v.errf(f.ID, f.Src, "function body refers to %q, which is neither an argument nor a model id", name)
			}
		}
		v.checkCalls(f.ID, f.Src, f.Body, v.funcs)
	}
}

// initialAssignments checks the initial assignments' targets and math.
func (v *validator) initialAssignments() {
	v.initTargets = map[string]bool{}
	initTargets := v.initTargets
	for _, ia := range v.m.InitialAssignments {
		if !v.isKind(ia.Target, assignable...) {
			v.errf(ia.Target, ia.Src, "initial assignment target is not a compartment, species, parameter or species reference")
		}
		if initTargets[ia.Target] {
			v.errf(ia.Target, ia.Src, "more than one initial assignment")
		}
		initTargets[ia.Target] = true
		v.checkMath(ia.Target, ia.Src, ia.Math, nil)
	}
}

// rules checks the rules' targets (one rule per variable, not also an
// initial assignment's for an assignment rule) and math.
func (v *validator) rules() {
	v.ruleTargets = map[string]RuleKind{}
	ruleTargets, initTargets := v.ruleTargets, v.initTargets
	for _, r := range v.m.Rules {
		id := r.Variable
		if r.Kind == AlgebraicRule {
			id = "(algebraic rule)"
		} else {
			if !v.isKind(r.Variable, assignable...) {
				v.errf(r.Variable, r.Src, "rule target is not a compartment, species, parameter or species reference")
			}
			if _, dup := ruleTargets[r.Variable]; dup {
				v.errf(r.Variable, r.Src, "more than one rule sets this variable")
			}
			ruleTargets[r.Variable] = r.Kind
			if r.Kind == AssignmentRule && initTargets[r.Variable] {
				v.errf(r.Variable, r.Src, "both an assignment rule and an initial assignment set this variable")
			}
		}
		if r.Math == nil {
			v.errf(id, r.Src, "rule has no math")
		}
		v.checkMath(id, r.Src, r.Math, nil)
	}
}

// reactions checks the reactions (local parameters, compartment, species,
// modifiers, rate law) and that a species a reaction changes is neither
// set by a rule nor constant.
func (v *validator) reactions() {
	m, finite, ruleTargets := v.m, v.finite, v.ruleTargets
	v.reactionTarget = map[string]string{}
	reactionTarget := v.reactionTarget
	for _, r := range m.Reactions {
		local := map[string]bool{}
		for _, p := range r.Local {
			if local[p.ID] {
				v.errf(r.ID, r.Src, "duplicate local parameter %q", p.ID)
			}
			local[p.ID] = true
			if !finite(p.Value) {
				v.errf(r.ID, r.Src, "local parameter %s = %v is not finite", p.ID, p.Value)
			}
		}
		if r.Compartment != "" && !v.isKind(r.Compartment, "compartment") {
			v.errf(r.ID, r.Src, "compartment %q is not defined", r.Compartment)
		}
		for _, refs := range [][]SpeciesRef{r.Reactants, r.Products} {
			for _, sr := range refs {
				if !v.isKind(sr.Species, "species") {
					v.errf(r.ID, r.Src, "species %q is not defined", sr.Species)
					continue
				}
				reactionTarget[sr.Species] = r.ID
			}
		}
		for _, mod := range r.Modifiers {
			if !v.isKind(mod, "species") {
				v.errf(r.ID, r.Src, "modifier %q is not a species", mod)
			}
		}
		v.checkMath(r.ID, r.Src, r.Rate, local)
	}
	for _, s := range m.Species {
		if rid, ok := reactionTarget[s.ID]; ok && !s.BoundaryCondition {
			if k, ok := ruleTargets[s.ID]; ok {
				v.errf(s.ID, s.Src, "species is changed by reaction %s and also set by a %s", rid, ruleName(k))
			}
			if s.Constant {
				v.errf(s.ID, s.Src, "constant species is changed by reaction %s (declare it a boundary condition)", rid)
			}
		}
	}
}

// events checks the events' trigger, delay, priority and assignments.
func (v *validator) events() {
	ruleTargets := v.ruleTargets
	for _, e := range v.m.Events {
		id := e.ID
		if id == "" {
			id = "(event)"
		}
		if e.Trigger == nil {
			v.errf(id, e.Src, "event has no trigger")
		}
		v.checkMath(id, e.Src, e.Trigger, nil)
		v.checkMath(id, e.Src, e.Delay, nil)
		v.checkMath(id, e.Src, e.Priority, nil)
		for _, a := range e.Assignments {
			if !v.isKind(a.Variable, assignable...) {
				v.errf(id, e.Src, "event assignment target %q is not a compartment, species, parameter or species reference", a.Variable)
			} else if k, ok := ruleTargets[a.Variable]; ok && k == AssignmentRule {
				v.errf(id, e.Src, "event assigns %q, which an assignment rule sets", a.Variable)
			}
			v.checkMath(id, e.Src, a.Math, nil)
		}
	}
}

// communities checks the communities: members are species of the
// community's compartment, in one community only, changed by nothing else;
// growth and inflow per member; interactions between members.
func (v *validator) communities() {
	m, finite, ruleTargets, reactionTarget := v.m, v.finite, v.ruleTargets, v.reactionTarget
	species := v.speciesByID()
	member := map[string]string{}
	for ci, c := range m.Communities {
		id := c.ID
		if id == "" {
			id = fmt.Sprintf("community %d", ci+1)
		}
		if !v.isKind(c.Compartment, "compartment") {
			v.errf(id, c.Src, "compartment %q is not defined", c.Compartment)
		}
		idx := map[string]bool{}
		for _, mem := range c.Members {
			s, ok := species[mem]
			if !ok {
				v.errf(id, c.Src, "member %q is not a species", mem)
				continue
			}
			if s.Compartment != c.Compartment {
				v.errf(id, c.Src, "member %s lives in compartment %s, not in the community's compartment %s", mem, s.Compartment, c.Compartment)
			}
			if other, dup := member[mem]; dup {
				v.errf(id, c.Src, "species %s is already a member of community %s", mem, other)
			}
			member[mem] = id
			idx[mem] = true
			if rid, ok := reactionTarget[mem]; ok {
				v.errf(id, c.Src, "member %s is also changed by reaction %s", mem, rid)
			}
			if k, ok := ruleTargets[mem]; ok {
				v.errf(id, c.Src, "member %s is also set by a %s", mem, ruleName(k))
			}
		}
		if len(c.Growth) != 0 && len(c.Growth) != len(c.Members) {
			v.errf(id, c.Src, "%d growth expressions for %d members", len(c.Growth), len(c.Members))
		}
		if len(c.Inflow) != 0 && len(c.Inflow) != len(c.Members) {
			v.errf(id, c.Src, "%d inflow expressions for %d members", len(c.Inflow), len(c.Members))
		}
		for _, g := range c.Growth {
			v.checkMath(id, c.Src, g, nil)
		}
		for _, g := range c.Inflow {
			v.checkMath(id, c.Src, g, nil)
		}
		v.checkMath(id, c.Src, c.Shedding, nil)
		for _, in := range c.Interactions {
			if !idx[in.Target] || !idx[in.Source] {
				v.errf(id, c.Src, "interaction %s <- %s names a species that is not a member", in.Target, in.Source)
			}
			if !v.isKind(in.Param, "parameter") {
				v.errf(id, c.Src, "interaction %s <- %s: parameter %q is not defined", in.Target, in.Source, in.Param)
			}
		}
		if !finite(c.ExtinctionThreshold) || c.ExtinctionThreshold < 0 {
			v.errf(id, c.Src, "extinction threshold %v must be finite and >= 0", c.ExtinctionThreshold)
		}
	}
}

// speciesByID returns the model's species by id.
func (v *validator) speciesByID() map[string]*Species {
	species := map[string]*Species{}
	for _, s := range v.m.Species {
		species[s.ID] = s
	}
	return species
}

// observables checks each observable's kind and math or members.
func (v *validator) observables() {
	species := v.speciesByID()
	for _, o := range v.m.Observables {
		switch o.Kind {
		case "":
			if o.Math == nil {
				v.errf(o.ID, o.Src, "observable has no math")
			}
			v.checkMath(o.ID, o.Src, o.Math, nil)
		case "dysbiosis":
			if len(o.Members) == 0 {
				v.errf(o.ID, o.Src, "dysbiosis observable has no members")
			}
			for _, mem := range o.Members {
				if species[mem] == nil {
					v.errf(o.ID, o.Src, "member %q is not a species", mem)
				}
			}
		default:
			v.errf(o.ID, o.Src, "unknown observable kind %q", o.Kind)
		}
	}
}

// ruleCycles refuses assignment rules that depend on each other in a
// cycle.
func (v *validator) ruleCycles() {
	m, funcs := v.m, v.funcs
	deps := map[string][]string{}
	srcOf := map[string]Source{}
	for _, r := range m.Rules {
		if r.Kind != AssignmentRule || r.Math == nil {
			continue
		}
		srcOf[r.Variable] = r.Src
		for _, name := range expr.Vars(InlineFunctions(r.Math, funcs, 0)) {
			deps[r.Variable] = append(deps[r.Variable], name)
		}
	}
	if cyc := FindCycle(deps); cyc != nil {
		v.errf(cyc[0], srcOf[cyc[0]], "assignment rules form a cycle: %s", strings.Join(cyc, " -> "))
	}
}

// conditions checks that each condition has a unique id and that its
// status, grade and score variables are declared model quantities.
func (v *validator) conditions(m *Model) {
	seen := map[string]bool{}
	for _, c := range m.Conditions {
		if c.ID == "" {
			v.errf("(condition)", c.Src, "missing id")
			continue
		}
		if seen[c.ID] {
			v.errf(c.ID, c.Src, "duplicate condition id")
		}
		seen[c.ID] = true
		check := func(field, id string) {
			if id == "" {
				v.errf(c.ID, c.Src, "condition has no %s variable", field)
				return
			}
			switch v.kinds[id] {
			case "species", "parameter", "observable":
			default:
				v.errf(c.ID, c.Src, "condition %s %q is not a model variable (a state, rule or observable)", field, id)
			}
		}
		check("status", c.Status)
		check("grade", c.Grade)
		names := map[string]bool{}
		for _, s := range c.Scores {
			if s.Name == "" || names[s.Name] {
				v.errf(c.ID, c.Src, "condition score %q: empty or duplicate name", s.Name)
			}
			names[s.Name] = true
			check("score "+s.Name, s.Variable)
		}
	}
}

func ruleName(k RuleKind) string {
	switch k {
	case AssignmentRule:
		return "assignment rule"
	case RateRule:
		return "rate rule"
	}
	return "algebraic rule"
}

func (v *validator) checkCalls(owner string, src Source, n *expr.Node, funcs map[string]*Function) {
	if n == nil {
		return
	}
	if n.Op == expr.OpCall {
		if f, ok := funcs[n.Name]; ok && len(f.Args) != len(n.Args) {
			v.errf(owner, src, "function %s called with %d arguments, wants %d", n.Name, len(n.Args), len(f.Args))
		}
	}
	for _, a := range n.Args {
		v.checkCalls(owner, src, a, funcs)
	}
}

// InlineFunctions returns n with calls of model functions replaced by their
// bodies (arguments substituted), so that dependency analysis sees through
// them. Depth guards against recursive definitions.
func InlineFunctions(n *expr.Node, funcs map[string]*Function, depth int) *expr.Node {
	if n == nil || depth > 50 {
		return n
	}
	args := make([]*expr.Node, len(n.Args))
	changed := false
	for i, a := range n.Args {
		args[i] = InlineFunctions(a, funcs, depth)
		changed = changed || args[i] != a
	}
	if n.Op == expr.OpCall {
		if f, ok := funcs[n.Name]; ok && f.Body != nil && len(f.Args) == len(args) {
			bind := map[string]*expr.Node{}
			for i, a := range f.Args {
				bind[a] = args[i]
			}
			return InlineFunctions(Substitute(f.Body, bind), funcs, depth+1)
		}
	}
	if !changed {
		return n
	}
	c := *n
	c.Args = args
	return &c
}

// Substitute returns n with every variable named in bind replaced by its
// node. n is not modified.
func Substitute(n *expr.Node, bind map[string]*expr.Node) *expr.Node {
	if n == nil {
		return nil
	}
	if n.Op == expr.OpVar {
		if r, ok := bind[n.Name]; ok {
			return r
		}
		return n
	}
	if len(n.Args) == 0 {
		return n
	}
	args := make([]*expr.Node, len(n.Args))
	changed := false
	for i, a := range n.Args {
		args[i] = Substitute(a, bind)
		changed = changed || args[i] != a
	}
	if !changed {
		return n
	}
	c := *n
	c.Args = args
	return &c
}

// FindCycle returns one dependency cycle in the graph (as a list of ids
// whose last element equals the first), or nil. Edges to names absent from
// deps' keys are ignored.
func FindCycle(deps map[string][]string) []string {
	keys := make([]string, 0, len(deps))
	for k := range deps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var found []string
	var visit func(k string) bool
	visit = func(k string) bool {
		color[k] = grey
		stack = append(stack, k)
		for _, d := range deps[k] {
			if _, ok := deps[d]; !ok {
				continue
			}
			switch color[d] {
			case grey:
				for i, s := range stack {
					if s == d {
						found = append(append([]string{}, stack[i:]...), d)
						return true
					}
				}
			case white:
				if visit(d) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[k] = black
		return false
	}
	for _, k := range keys {
		if color[k] == white && visit(k) {
			return found
		}
	}
	return nil
}

// RangeString formats a parameter's allowed range [min, max] for messages,
// with an unbounded side (NaN) as -inf or +inf: "[0, 5]", "[0, +inf)".
func RangeString(min, max float64) string {
	lo, hi := "[", "]"
	a, b := fmt.Sprint(min), fmt.Sprint(max)
	if math.IsNaN(min) {
		lo, a = "(", "-inf"
	}
	if math.IsNaN(max) {
		hi, b = ")", "+inf"
	}
	return lo + a + ", " + b + hi
}
