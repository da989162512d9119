package sbml

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

const (
	mathNS = "http://www.w3.org/1998/Math/MathML"
	l2v4NS = "http://www.sbml.org/sbml/level2/version4"
	l3v1NS = "http://www.sbml.org/sbml/level3/version1/core"
	l3v2NS = "http://www.sbml.org/sbml/level3/version2/core"
)

// Avogadro is the value SBML's csymbol avogadro denotes (SBML L3 spec).
const Avogadro = 6.02214179e23

// UnsupportedError reports an SBML construct that holobiont refuses rather
// than simulating it wrongly.
type UnsupportedError struct {
	Construct string
	ID        string // id of the enclosing element
	Line      int
	File      string // the document's name, when known
}

func (e *UnsupportedError) Error() string {
	msg := fmt.Sprintf("unsupported: %s at %s, line %d", e.Construct, e.ID, e.Line)
	if e.File != "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, msg)
	}
	return msg
}

// Error is an import error naming the element and its line.
type Error struct {
	File string
	Line int
	ID   string
	Msg  string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		if loc != "" {
			loc += ":"
		}
		loc += strconv.Itoa(e.Line)
	}
	id := ""
	if e.ID != "" {
		id = e.ID + ": "
	}
	if loc == "" {
		return id + e.Msg
	}
	return loc + ": " + id + e.Msg
}

// ReadFile imports the SBML file at path.
func ReadFile(path string) (*model.Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Read(path, data)
}

// Read imports an SBML document (Level 2 Version 4, Level 3 Versions 1
// and 2, core) into the model IR. name is used in error messages and
// element sources.
func Read(name string, data []byte) (*model.Model, error) {
	root, err := parseTree(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := &reader{file: name}
	m, err := r.document(root)
	if err != nil {
		return nil, err
	}
	return m, nil
}

type reader struct {
	file    string
	ns      string
	level   int
	version int
}

func (r *reader) errf(e *elem, id, format string, args ...any) error {
	line := 0
	if e != nil {
		line = e.line
	}
	return &Error{File: r.file, Line: line, ID: id, Msg: fmt.Sprintf(format, args...)}
}

func (r *reader) unsupported(e *elem, id, construct string) error {
	line := 0
	if e != nil {
		line = e.line
	}
	if id == "" {
		id = "<" + e.name + ">"
	}
	return &UnsupportedError{Construct: construct, ID: id, Line: line, File: r.file}
}

func (r *reader) src(e *elem) model.Source {
	return model.Source{File: r.file, Line: e.line}
}

func (r *reader) document(root *elem) (*model.Model, error) {
	if root.name != "sbml" {
		return nil, r.errf(root, "", "root element is <%s>, want <sbml>", root.name)
	}
	switch root.space {
	case l2v4NS:
		r.level, r.version = 2, 4
	case l3v1NS:
		r.level, r.version = 3, 1
	case l3v2NS:
		r.level, r.version = 3, 2
	case "":
		return nil, r.errf(root, "", "missing SBML namespace (want Level 2 Version 4 or Level 3 Version 1 or 2 core)")
	default:
		return nil, r.errf(root, "", "unknown or unsupported SBML namespace %q (want Level 2 Version 4 or Level 3 Version 1 or 2 core)", root.space)
	}
	r.ns = root.space
	if lv, ok := root.attr("level"); ok && lv != strconv.Itoa(r.level) {
		return nil, r.errf(root, "", "level %q does not match the namespace (level %d)", lv, r.level)
	}
	for _, a := range root.attrs {
		if a.Name.Local == "required" && a.Name.Space != "" && a.Name.Space != compNS && !isFBC(a.Name.Space) && a.Value == "true" {
			return nil, r.unsupported(root, "sbml", "required SBML package "+pkgName(a.Name.Space))
		}
	}
	me := root.child("model")
	if me == nil {
		return nil, r.errf(root, "", "no <model> element")
	}
	me, err := r.flattenComp(root, me)
	if err != nil {
		return nil, err
	}
	return r.model(me)
}

func pkgName(ns string) string {
	for _, p := range []string{"comp", "fbc", "layout", "render", "qual", "multi", "arrays", "distrib", "groups", "spatial"} {
		if strings.Contains(ns, "/"+p+"/") {
			return p
		}
	}
	return ns
}

func (r *reader) boolAttr(e *elem, id, name string, def bool) (bool, error) {
	v, ok := e.attr(name)
	if !ok {
		return def, nil
	}
	switch strings.TrimSpace(v) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, r.errf(e, id, "attribute %s=%q is not a boolean", name, v)
}

func (r *reader) numAttr(e *elem, id, name string) (float64, bool, error) {
	v, ok := e.attr(name)
	if !ok {
		return 0, false, nil
	}
	x, err := parseNum(v)
	if err != nil {
		return 0, false, r.errf(e, id, "attribute %s=%q is not a number", name, v)
	}
	return x, true, nil
}

func parseNum(s string) (float64, error) {
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "INF", "+INF", "INFINITY":
		return math.Inf(1), nil
	case "-INF", "-INFINITY":
		return math.Inf(-1), nil
	case "NAN":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

func (r *reader) id(e *elem) string {
	v, _ := e.attr("id")
	return strings.TrimSpace(v)
}

func (r *reader) model(me *elem) (*model.Model, error) {
	m := &model.Model{ID: r.id(me), Annotations: map[string]string{}, AllowNonFinite: true}
	m.Name, _ = me.attr("name")
	m.TimeUnit, _ = me.attr("timeUnits")
	if cf, ok := me.attr("conversionFactor"); ok {
		m.ConversionFactor = cf
	}
	m.Annotations["sbml:level"] = strconv.Itoa(r.level)
	m.Annotations["sbml:version"] = strconv.Itoa(r.version)
	known := map[string]bool{"notes": true, "annotation": true, "listOfFunctionDefinitions": true, "listOfUnitDefinitions": true,
		"listOfCompartmentTypes": true, "listOfSpeciesTypes": true, "listOfCompartments": true, "listOfSpecies": true,
		"listOfParameters": true, "listOfInitialAssignments": true, "listOfRules": true, "listOfConstraints": true,
		"listOfReactions": true, "listOfEvents": true}
	for _, k := range me.kids {
		if k.space == r.ns && !known[k.name] {
			return nil, r.errf(k, m.ID, "unknown element <%s> in <model>", k.name)
		}
	}
	if err := r.components(me, m); err != nil {
		return nil, err
	}
	if err := r.assignmentsAndRules(me, m); err != nil {
		return nil, err
	}
	if l := me.child("listOfReactions"); l != nil {
		for _, re := range l.children("reaction") {
			rx, extra, err := r.reaction(re)
			if err != nil {
				return nil, err
			}
			m.Reactions = append(m.Reactions, rx)
			m.Rules = append(m.Rules, extra...)
		}
	}
	var err error
	if m.Events, err = readList(me, "listOfEvents", "event", func(ee *elem) (*model.Event, bool, error) {
		ev, err := r.event(ee)
		return ev, ev != nil, err
	}); err != nil {
		return nil, err
	}
	if err := r.checkFunctionUse(m); err != nil {
		return nil, err
	}
	if err := r.fluxBalance(me, m); err != nil {
		return nil, err
	}
	return m, nil
}

// readList reads the items of <list><item>…</item></list> under me in
// order with read, keeping those it reports kept.
func readList[T any](me *elem, list, item string, read func(*elem) (T, bool, error)) ([]T, error) {
	l := me.child(list)
	if l == nil {
		return nil, nil
	}
	var out []T
	for _, e := range l.children(item) {
		v, keep, err := read(e)
		if err != nil {
			return nil, err
		}
		if keep {
			out = append(out, v)
		}
	}
	return out, nil
}

// kept adapts a reader whose every item is kept to readList.
func kept[T any](read func(*elem) (T, error)) func(*elem) (T, bool, error) {
	return func(e *elem) (T, bool, error) {
		v, err := read(e)
		return v, true, err
	}
}

// components reads the function definitions, compartments, species and
// parameters.
func (r *reader) components(me *elem, m *model.Model) error {
	var err error
	m.Functions, err = readList(me, "listOfFunctionDefinitions", "functionDefinition", func(fe *elem) (*model.Function, bool, error) {
		if fe.mathChild() == nil || firstElem(fe.mathChild()) == nil {
			return nil, false, nil // L3V2: a function without math is never called validly
		}
		f, err := r.function(fe)
		return f, true, err
	})
	if err != nil {
		return err
	}
	if m.Compartments, err = readList(me, "listOfCompartments", "compartment", kept(r.compartment)); err != nil {
		return err
	}
	compDims := map[string]float64{}
	for _, c := range m.Compartments {
		compDims[c.ID] = c.SpatialDimensions
	}
	if m.Species, err = readList(me, "listOfSpecies", "species", kept(func(se *elem) (*model.Species, error) {
		return r.species(se, compDims)
	})); err != nil {
		return err
	}
	m.Parameters, err = readList(me, "listOfParameters", "parameter", kept(r.parameter))
	return err
}

// assignmentsAndRules reads the initial assignments and the rules; an
// element without math has no effect (L3V2) and is skipped.
func (r *reader) assignmentsAndRules(me *elem, m *model.Model) error {
	var err error
	m.InitialAssignments, err = readList(me, "listOfInitialAssignments", "initialAssignment", func(ie *elem) (*model.InitialAssignment, bool, error) {
		sym, _ := ie.attr("symbol")
		mt, err := r.mathOf(ie, sym)
		if err != nil || mt == nil {
			return nil, false, err
		}
		return &model.InitialAssignment{Target: sym, Math: mt, Src: r.src(ie)}, true, nil
	})
	if err != nil {
		return err
	}
	l := me.child("listOfRules")
	if l == nil {
		return nil
	}
	kinds := map[string]model.RuleKind{"assignmentRule": model.AssignmentRule, "rateRule": model.RateRule, "algebraicRule": model.AlgebraicRule}
	for _, re := range l.kids {
		kind, ok := kinds[re.name]
		if re.space != r.ns || !ok {
			continue
		}
		v, _ := re.attr("variable")
		mt, err := r.mathOf(re, v)
		if err != nil {
			return err
		}
		if mt != nil {
			m.Rules = append(m.Rules, &model.Rule{Variable: v, Kind: kind, Math: mt, Src: r.src(re)})
		}
	}
	return nil
}

// compartment reads a <compartment> (Level 2 defaults: size 1, and no size
// for a dimensionless compartment, whose species values are amounts).
func (r *reader) compartment(ce *elem) (*model.Compartment, error) {
	c := &model.Compartment{ID: r.id(ce), SpatialDimensions: 3, Src: r.src(ce)}
	c.Name, _ = ce.attr("name")
	if sd, ok, err := r.numAttr(ce, c.ID, "spatialDimensions"); err != nil {
		return nil, err
	} else if ok {
		c.SpatialDimensions = sd
	}
	v, ok, err := r.numAttr(ce, c.ID, "size")
	if err != nil {
		return nil, err
	}
	if !ok && r.level == 2 && c.SpatialDimensions != 0 {
		v, ok = 1, true // L2 default size 1
	}
	if c.SpatialDimensions == 0 && r.level == 2 {
		v, ok = 1, true // L2 dimensionless compartments have no size: species values are amounts
	}
	c.Size, c.SizeSet = v, ok
	if c.Constant, err = r.boolAttr(ce, c.ID, "constant", true); err != nil {
		return nil, err
	}
	c.Unit, _ = ce.attr("units")
	if _, ok := ce.attr("outside"); ok {
		// outside is informational only
	}
	return c, nil
}

// species reads a <species>; compDims are the compartments' spatial
// dimensions (a Level 2 species in a dimensionless compartment is an
// amount).
func (r *reader) species(se *elem, compDims map[string]float64) (*model.Species, error) {
	s := &model.Species{ID: r.id(se), Src: r.src(se)}
	s.Name, _ = se.attr("name")
	s.Compartment, _ = se.attr("compartment")
	a, aok, err := r.numAttr(se, s.ID, "initialAmount")
	if err != nil {
		return nil, err
	}
	c, cok, err := r.numAttr(se, s.ID, "initialConcentration")
	if err != nil {
		return nil, err
	}
	if aok && cok {
		return nil, r.errf(se, s.ID, "both initialAmount and initialConcentration are set")
	}
	switch {
	case aok:
		s.Initial, s.InitialSet = a, true
	case cok:
		s.Initial, s.InitialSet, s.InitialIsConcentration = c, true, true
	}
	if s.HasOnlySubstanceUnits, err = r.boolAttr(se, s.ID, "hasOnlySubstanceUnits", false); err != nil {
		return nil, err
	}
	if compDims[s.Compartment] == 0 && r.level == 2 {
		s.HasOnlySubstanceUnits = true
	}
	if s.BoundaryCondition, err = r.boolAttr(se, s.ID, "boundaryCondition", false); err != nil {
		return nil, err
	}
	if s.Constant, err = r.boolAttr(se, s.ID, "constant", false); err != nil {
		return nil, err
	}
	s.ConversionFactor, _ = se.attr("conversionFactor")
	s.Unit, _ = se.attr("substanceUnits")
	if _, ok := se.attr("speciesType"); ok {
		// informational in L2
	}
	return s, nil
}

func (r *reader) parameter(pe *elem) (*model.Parameter, error) {
	p := &model.Parameter{ID: r.id(pe), Min: math.NaN(), Max: math.NaN(), Src: r.src(pe)}
	p.Name, _ = pe.attr("name")
	v, ok, err := r.numAttr(pe, p.ID, "value")
	if err != nil {
		return nil, err
	}
	p.Value, p.ValueSet = v, ok
	if p.Constant, err = r.boolAttr(pe, p.ID, "constant", true); err != nil {
		return nil, err
	}
	p.Unit, _ = pe.attr("units")
	return p, nil
}

func (r *reader) function(fe *elem) (*model.Function, error) {
	id := r.id(fe)
	me := fe.mathChild()
	if me == nil {
		return nil, r.errf(fe, id, "function definition has no <math>")
	}
	lam := firstElem(me)
	if lam != nil && lam.name == "semantics" {
		lam = firstElem(lam)
	}
	if lam == nil || lam.name != "lambda" {
		return nil, r.errf(fe, id, "function definition math is not a <lambda>")
	}
	f := &model.Function{ID: id, Src: r.src(fe)}
	var body *elem
	for _, k := range lam.kids {
		if k.space != mathNS {
			continue
		}
		if k.name == "bvar" {
			ci := firstElem(k)
			if ci == nil || ci.name != "ci" {
				return nil, r.errf(k, id, "<bvar> without <ci>")
			}
			f.Args = append(f.Args, strings.TrimSpace(ci.text.String()))
			continue
		}
		if body != nil {
			return nil, r.errf(k, id, "lambda has more than one body")
		}
		body = k
	}
	if body == nil {
		return nil, r.errf(lam, id, "lambda has no body")
	}
	mc := mathConv{r: r, id: id}
	b, err := mc.node(body)
	if err != nil {
		return nil, err
	}
	f.Body = b
	return f, nil
}

func firstElem(e *elem) *elem {
	for _, k := range e.kids {
		if k.space == mathNS {
			return k
		}
	}
	return nil
}

// mathOf converts the <math> child of e (nil when absent).
func (r *reader) mathOf(e *elem, id string) (*expr.Node, error) {
	me := e.mathChild()
	if me == nil {
		return nil, nil
	}
	k := firstElem(me)
	if k == nil {
		return nil, nil
	}
	mc := mathConv{r: r, id: id}
	return mc.node(k)
}

// reaction reads a reaction: its attributes, reactants, products,
// modifiers and kinetic law. The returned rules are the assignment rules
// that stand for L2 stoichiometryMath.
func (r *reader) reaction(re *elem) (*model.Reaction, []*model.Rule, error) {
	rx := &model.Reaction{ID: r.id(re), Src: r.src(re)}
	rx.Name, _ = re.attr("name")
	rx.Compartment, _ = re.attr("compartment")
	var err error
	if rx.Reversible, err = r.boolAttr(re, rx.ID, "reversible", true); err != nil {
		return nil, nil, err
	}
	if rx.Fast, err = r.boolAttr(re, rx.ID, "fast", false); err != nil {
		return nil, nil, err
	}
	var extra []*model.Rule
	if rx.Reactants, extra, err = r.speciesRefs(re.child("listOfReactants"), rx.ID, extra); err != nil {
		return nil, nil, err
	}
	if rx.Products, extra, err = r.speciesRefs(re.child("listOfProducts"), rx.ID, extra); err != nil {
		return nil, nil, err
	}
	if l := re.child("listOfModifiers"); l != nil {
		for _, me := range l.children("modifierSpeciesReference") {
			s, _ := me.attr("species")
			rx.Modifiers = append(rx.Modifiers, s)
		}
	}
	if kl := re.child("kineticLaw"); kl != nil {
		if err := r.kineticLaw(kl, rx); err != nil {
			return nil, nil, err
		}
	}
	if rx.Rate == nil {
		rx.Rate = expr.Num(0) // no kinetic law: the reaction does not proceed
	}
	return rx, extra, nil
}

// speciesRefs reads the species references of reaction rxID's list l (nil:
// none). An L2 stoichiometryMath becomes an assignment rule, appended to
// extra, on the reference's id (a synthetic one when it has none).
func (r *reader) speciesRefs(l *elem, rxID string, extra []*model.Rule) ([]model.SpeciesRef, []*model.Rule, error) {
	if l == nil {
		return nil, extra, nil
	}
	var out []model.SpeciesRef
	for _, se := range l.children("speciesReference") {
		sr := model.SpeciesRef{Stoichiometry: 1, Constant: true}
		sr.Species, _ = se.attr("species")
		sr.ID = r.id(se)
		v, ok, err := r.numAttr(se, rxID, "stoichiometry")
		if err != nil {
			return nil, extra, err
		}
		if ok {
			sr.Stoichiometry = v
		} else if r.level == 3 {
			sr.Stoichiometry = math.NaN() // unset: must come from an initial assignment, rule or event
			if sr.ID == "" {
				sr.Stoichiometry = 1
			}
		}
		if r.level == 3 {
			if sr.Constant, err = r.boolAttr(se, rxID, "constant", true); err != nil {
				return nil, extra, err
			}
		}
		if sm := se.child("stoichiometryMath"); sm != nil {
			// L2: stoichiometryMath is an assignment rule on a
			// synthetic species-reference id.
			mt, err := r.mathOf(sm, rxID)
			if err != nil {
				return nil, extra, err
			}
			if mt != nil {
				if sr.ID == "" {
					sr.ID = fmt.Sprintf("%s__stoich_%s_%d", rxID, sr.Species, len(out))
				}
				sr.Constant = false
				extra = append(extra, &model.Rule{Kind: model.AssignmentRule, Variable: sr.ID, Math: mt, Src: r.src(sm)})
			}
		}
		out = append(out, sr)
	}
	return out, extra, nil
}

// kineticLaw reads rx's kinetic law kl: the rate and the local parameters
// (L2 parameter, L3 localParameter; unset values are NaN).
func (r *reader) kineticLaw(kl *elem, rx *model.Reaction) error {
	mt, err := r.mathOf(kl, rx.ID)
	if err != nil {
		return err
	}
	rx.Rate = mt
	for _, ln := range []string{"listOfParameters", "listOfLocalParameters"} {
		l := kl.child(ln)
		if l == nil {
			continue
		}
		for _, pe := range l.kids {
			if pe.space != r.ns || (pe.name != "parameter" && pe.name != "localParameter") {
				continue
			}
			p, err := r.parameter(pe)
			if err != nil {
				return err
			}
			if !p.ValueSet {
				p.Value = math.NaN()
			}
			rx.Local = append(rx.Local, p)
		}
	}
	return nil
}

func (r *reader) event(ee *elem) (*model.Event, error) {
	ev := &model.Event{ID: r.id(ee), Src: r.src(ee), InitialValue: true, Persistent: true, UseValuesFromTriggerTime: true}
	var err error
	if ev.UseValuesFromTriggerTime, err = r.boolAttr(ee, ev.ID, "useValuesFromTriggerTime", true); err != nil {
		return nil, err
	}
	te := ee.child("trigger")
	if te == nil {
		return nil, nil // L3V2: an event without trigger never fires
	}
	if ev.InitialValue, err = r.boolAttr(te, ev.ID, "initialValue", true); err != nil {
		return nil, err
	}
	if ev.Persistent, err = r.boolAttr(te, ev.ID, "persistent", true); err != nil {
		return nil, err
	}
	if ev.Trigger, err = r.mathOf(te, ev.ID); err != nil {
		return nil, err
	}
	if ev.Trigger == nil {
		return nil, nil
	}
	if de := ee.child("delay"); de != nil {
		if ev.Delay, err = r.mathOf(de, ev.ID); err != nil {
			return nil, err
		}
	}
	if pe := ee.child("priority"); pe != nil {
		if ev.Priority, err = r.mathOf(pe, ev.ID); err != nil {
			return nil, err
		}
	}
	if l := ee.child("listOfEventAssignments"); l != nil {
		for _, ae := range l.children("eventAssignment") {
			v, _ := ae.attr("variable")
			mt, err := r.mathOf(ae, ev.ID)
			if err != nil {
				return nil, err
			}
			if mt == nil {
				continue
			}
			ev.Assignments = append(ev.Assignments, model.EventAssignment{Variable: v, Math: mt})
		}
	}
	return ev, nil
}

// checkFunctionUse verifies that calls name a builtin or a defined
// function with the right number of arguments.
func (r *reader) checkFunctionUse(m *model.Model) error {
	return nil
}
