package sbml

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// HolobiontNS is the XML namespace of holobiont's SBML annotations.
const HolobiontNS = "https://github.com/holobiont/holobiont/ns/sbml-annotation/1"

// SId returns id as a valid SBML identifier: a dot becomes "__", any other
// character outside [A-Za-z0-9_] becomes "_", and a leading digit gets a
// "_" prefix. Export uses it for every id (uniqueness is checked).
func SId(id string) string {
	var b strings.Builder
	for i, r := range id {
		switch {
		case r == '.':
			b.WriteString("__")
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// Write writes m as an SBML Level 3 Version 2 core document. Ids are made
// valid SIds with SId (the original id is kept in each element's name when
// they differ); parameter units, citations and evidence classes go into
// holobiont annotations; community blocks are expanded into rate rules
// (and extinction thresholds into events); inputs become parameters with
// their default value; observables of kind "" become assignment rules.
// Dysbiosis observables, which need the trajectory's first time point, are
// listed in the model annotation only.
func Write(w io.Writer, m *model.Model) error {
	for _, r := range m.Reactions {
		if r.Fast {
			return fmt.Errorf("sbml export: reaction %s is fast, which SBML Level 3 Version 2 cannot express", r.ID)
		}
	}
	x := &writer{m: m, ids: map[string]string{}, used: map[string]string{}}
	if err := x.mapIDs(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	x.w = bw
	x.doc()
	if x.err != nil {
		return x.err
	}
	return bw.Flush()
}

type writer struct {
	m    *model.Model
	w    *bufio.Writer
	ids  map[string]string // model id -> SId
	used map[string]string // SId -> model id
	err  error
	ind  int
}

func (x *writer) mapIDs() error {
	add := func(id string) error {
		if id == "" {
			return nil
		}
		if _, ok := x.ids[id]; ok {
			return nil
		}
		s := SId(id)
		if other, ok := x.used[s]; ok && other != id {
			return fmt.Errorf("sbml export: ids %q and %q both map to SBML id %q", other, id, s)
		}
		x.ids[id] = s
		x.used[s] = id
		return nil
	}
	m := x.m
	var all []string
	for _, c := range m.Compartments {
		all = append(all, c.ID)
	}
	for _, s := range m.Species {
		all = append(all, s.ID)
	}
	for _, p := range m.Parameters {
		all = append(all, p.ID)
	}
	for _, in := range m.Inputs {
		all = append(all, in.ID)
	}
	for _, f := range m.Functions {
		all = append(all, f.ID)
	}
	for _, r := range m.Reactions {
		all = append(all, r.ID)
		for _, refs := range [][]model.SpeciesRef{r.Reactants, r.Products} {
			for _, sr := range refs {
				all = append(all, sr.ID)
			}
		}
	}
	for _, o := range m.Observables {
		all = append(all, o.ID)
	}
	for _, e := range m.Events {
		all = append(all, e.ID)
	}
	for _, id := range all {
		if err := add(id); err != nil {
			return err
		}
	}
	return nil
}

func (x *writer) sid(id string) string {
	if s, ok := x.ids[id]; ok {
		return s
	}
	return SId(id)
}

// open writes an opening line and indents what follows.
func (x *writer) open(format string, args ...any) {
	x.line(format, args...)
	x.ind++
}

// close ends an indented block with its closing line.
func (x *writer) close(format string, args ...any) {
	x.ind--
	x.line(format, args...)
}

func (x *writer) line(format string, args ...any) {
	for i := 0; i < x.ind; i++ {
		x.w.WriteString("  ")
	}
	fmt.Fprintf(x.w, format, args...)
	x.w.WriteByte('\n')
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&quot;")
}

func num(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "INF"
	case math.IsInf(v, -1):
		return "-INF"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func (x *writer) nameAttr(id, name string) string {
	if name == "" && x.sid(id) != id {
		name = id
	}
	if name == "" {
		return ""
	}
	return fmt.Sprintf(` name="%s"`, esc(name))
}

func (x *writer) prov(p model.Provenance, unit string) {
	if p.Citation == "" && p.Evidence == "" && p.Note == "" && unit == "" {
		return
	}
	x.open("<annotation>")
	attrs := ""
	if p.Citation != "" {
		attrs += fmt.Sprintf(` hb:citation="%s"`, esc(p.Citation))
	}
	if p.Evidence != "" {
		attrs += fmt.Sprintf(` hb:evidence="%s"`, esc(string(p.Evidence)))
	}
	if p.Note != "" {
		attrs += fmt.Sprintf(` hb:note="%s"`, esc(p.Note))
	}
	if unit != "" {
		attrs += fmt.Sprintf(` hb:unit="%s"`, esc(unit))
	}
	x.line(`<hb:provenance xmlns:hb="%s"%s/>`, HolobiontNS, attrs)
	x.close("</annotation>")
}

// unitAttr maps a holobiont unit string to an SBML units attribute where
// the unit is one this writer defines.
func unitAttr(u string) string {
	switch strings.ReplaceAll(u, " ", "") {
	case "day", "d":
		return ` units="day"`
	case "1/day", "1/d", "day^-1", "/day", "per_day":
		return ` units="per_day"`
	case "1", "dimensionless", "":
		if u == "" {
			return ""
		}
		return ` units="dimensionless"`
	}
	return ""
}

func (x *writer) doc() {
	m := x.m
	x.line(`<?xml version="1.0" encoding="UTF-8"?>`)
	x.open(`<sbml xmlns="%s" level="3" version="2">`, l3v2NS)
	id := m.ID
	if id == "" {
		id = "model"
	}
	tu := ""
	if m.TimeUnit == "" || m.TimeUnit == "day" {
		tu = ` timeUnits="day"`
	}
	cf := ""
	if m.ConversionFactor != "" {
		cf = fmt.Sprintf(` conversionFactor="%s"`, x.sid(m.ConversionFactor))
	}
	x.open(`<model id="%s"%s%s%s>`, SId(id), x.nameAttr(id, m.Name), tu, cf)
	x.modelAnnotation()
	x.open("<listOfUnitDefinitions>")
	x.line(`<unitDefinition id="day"><listOfUnits><unit kind="second" exponent="1" scale="0" multiplier="86400"/></listOfUnits></unitDefinition>`)
	x.line(`<unitDefinition id="per_day"><listOfUnits><unit kind="second" exponent="-1" scale="0" multiplier="86400"/></listOfUnits></unitDefinition>`)
	x.close("</listOfUnitDefinitions>")
	x.functions()
	x.compartments()
	x.species()
	x.parameters()
	x.initialAssignments()
	x.rules()
	x.reactions()
	x.events()
	x.close("</model>")
	x.close("</sbml>")
}

func (x *writer) modelAnnotation() {
	m := x.m
	var keys []string
	for k := range m.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var dys []*model.Observable
	for _, o := range m.Observables {
		if o.Kind == "dysbiosis" {
			dys = append(dys, o)
		}
	}
	if len(keys) == 0 && len(dys) == 0 && len(m.Couplings) == 0 {
		return
	}
	x.open("<annotation>")
	x.open(`<hb:model xmlns:hb="%s">`, HolobiontNS)
	for _, k := range keys {
		x.line(`<hb:entry key="%s" value="%s"/>`, esc(k), esc(m.Annotations[k]))
	}
	for _, o := range dys {
		var mem []string
		for _, s := range o.Members {
			mem = append(mem, x.sid(s))
		}
		x.line(`<hb:dysbiosis id="%s" members="%s" note="Bray-Curtis distance from the composition at the first output time; computed by the simulator, not expressible in SBML"/>`, esc(o.ID), esc(strings.Join(mem, " ")))
	}
	for _, c := range m.Couplings {
		x.line(`<hb:coupling from="%s" to="%s" sign="%d" parameter="%s" mechanism="%s" citation="%s" evidence="%s"/>`,
			esc(c.From), esc(c.To), c.Sign, esc(x.sid(c.Param)), esc(c.Mechanism), esc(c.Prov.Citation), esc(string(c.Prov.Evidence)))
	}
	x.close("</hb:model>")
	x.close("</annotation>")
}

func (x *writer) functions() {
	if len(x.m.Functions) == 0 {
		return
	}
	x.open("<listOfFunctionDefinitions>")
	for _, f := range x.m.Functions {
		x.open(`<functionDefinition id="%s"%s>`, x.sid(f.ID), x.nameAttr(f.ID, ""))
		x.open(`<math xmlns="%s">`, mathNS)
		x.open("<lambda>")
		bind := map[string]bool{}
		for _, a := range f.Args {
			x.line("<bvar><ci> %s </ci></bvar>", esc(SId(a)))
			bind[a] = true
		}
		x.mathNode(f.Body, bind)
		x.close("</lambda>")
		x.close("</math>")
		x.close("</functionDefinition>")
	}
	x.close("</listOfFunctionDefinitions>")
}

func (x *writer) compartments() {
	if len(x.m.Compartments) == 0 {
		return
	}
	x.open("<listOfCompartments>")
	for _, c := range x.m.Compartments {
		size := ""
		if c.SizeSet {
			size = fmt.Sprintf(` size="%s"`, num(c.Size))
		} else {
			size = ` size="1"`
		}
		sd := c.SpatialDimensions
		if sd == 0 && c.Kind != "" {
			sd = 3
		}
		if sd == 0 {
			sd = 3
		}
		x.open(`<compartment id="%s"%s spatialDimensions="%s"%s constant="%s">`, x.sid(c.ID), x.nameAttr(c.ID, c.Name), num(sd), size, boolStr(c.Constant && !x.changes(c.ID)))
		x.prov(c.Prov, c.Unit)
		x.close("</compartment>")
	}
	x.close("</listOfCompartments>")
}

// changes reports whether a rule or event sets id.
func (x *writer) changes(id string) bool {
	for _, r := range x.m.Rules {
		if r.Variable == id {
			return true
		}
	}
	for _, e := range x.m.Events {
		for _, a := range e.Assignments {
			if a.Variable == id {
				return true
			}
		}
	}
	return false
}

func (x *writer) species() {
	if len(x.m.Species) == 0 {
		return
	}
	x.open("<listOfSpecies>")
	for _, s := range x.m.Species {
		init := ""
		if s.InitialSet {
			if s.InitialIsConcentration {
				init = fmt.Sprintf(` initialConcentration="%s"`, num(s.Initial))
			} else {
				init = fmt.Sprintf(` initialAmount="%s"`, num(s.Initial))
			}
		}
		cf := ""
		if s.ConversionFactor != "" {
			cf = fmt.Sprintf(` conversionFactor="%s"`, x.sid(s.ConversionFactor))
		}
		x.open(`<species id="%s"%s compartment="%s"%s hasOnlySubstanceUnits="%s" boundaryCondition="%s" constant="%s"%s>`,
			x.sid(s.ID), x.nameAttr(s.ID, s.Name), x.sid(s.Compartment), init, boolStr(s.HasOnlySubstanceUnits), boolStr(s.BoundaryCondition), boolStr(s.Constant), cf)
		p := s.Prov
		if s.Taxon != "" && p.Note == "" {
			p.Note = "taxon: " + s.Taxon
		}
		x.prov(p, s.Unit)
		x.close("</species>")
	}
	x.close("</listOfSpecies>")
}

func (x *writer) parameters() {
	m := x.m
	var obs []*model.Observable
	for _, o := range m.Observables {
		if o.Kind == "" {
			obs = append(obs, o)
		}
	}
	if len(m.Parameters) == 0 && len(m.Inputs) == 0 && len(obs) == 0 {
		return
	}
	x.open("<listOfParameters>")
	for _, p := range m.Parameters {
		val := ""
		if p.ValueSet {
			val = fmt.Sprintf(` value="%s"`, num(p.Value))
		}
		x.open(`<parameter id="%s"%s%s%s constant="%s">`, x.sid(p.ID), x.nameAttr(p.ID, p.Name), val, unitAttr(p.Unit), boolStr(p.Constant && !x.changes(p.ID)))
		x.prov(p.Prov, p.Unit)
		x.close("</parameter>")
	}
	for _, in := range m.Inputs {
		x.open(`<parameter id="%s"%s value="%s"%s constant="false">`, x.sid(in.ID), x.nameAttr(in.ID, in.Name), num(in.Default), unitAttr(in.Unit))
		p := in.Prov
		if p.Note == "" {
			p.Note = "holobiont input: set by scenarios as a piecewise-constant signal"
		}
		x.prov(p, in.Unit)
		x.close("</parameter>")
	}
	for _, o := range obs {
		x.open(`<parameter id="%s"%s%s constant="false">`, x.sid(o.ID), x.nameAttr(o.ID, o.Name), unitAttr(o.Unit))
		x.prov(o.Prov, o.Unit)
		x.close("</parameter>")
	}
	x.close("</listOfParameters>")
}

func (x *writer) mathBlock(n *expr.Node) {
	x.open(`<math xmlns="%s">`, mathNS)
	x.mathNode(n, nil)
	x.close("</math>")
}

func (x *writer) initialAssignments() {
	if len(x.m.InitialAssignments) == 0 {
		return
	}
	x.open("<listOfInitialAssignments>")
	for _, ia := range x.m.InitialAssignments {
		x.open(`<initialAssignment symbol="%s">`, x.sid(ia.Target))
		x.mathBlock(ia.Math)
		x.close("</initialAssignment>")
	}
	x.close("</listOfInitialAssignments>")
}

func (x *writer) rules() {
	m := x.m
	type rr struct {
		kind string
		v    string
		n    *expr.Node
		prov model.Provenance
		unit string
	}
	var rs []rr
	for _, r := range m.Rules {
		k := map[model.RuleKind]string{model.AssignmentRule: "assignmentRule", model.RateRule: "rateRule", model.AlgebraicRule: "algebraicRule"}[r.Kind]
		rs = append(rs, rr{k, r.Variable, r.Math, r.Prov, r.Unit})
	}
	for _, o := range m.Observables {
		if o.Kind == "" {
			rs = append(rs, rr{"assignmentRule", o.ID, o.Math, o.Prov, o.Unit})
		}
	}
	sp := map[string]*model.Species{}
	for _, s := range m.Species {
		sp[s.ID] = s
	}
	for _, c := range m.Communities {
		for i, id := range c.Members {
			rs = append(rs, rr{"rateRule", id, communityRate(c, i, sp), c.Prov, ""})
		}
	}
	if len(rs) == 0 {
		return
	}
	x.open("<listOfRules>")
	for _, r := range rs {
		v := ""
		if r.kind != "algebraicRule" {
			v = fmt.Sprintf(` variable="%s"`, x.sid(r.v))
		}
		x.open(`<%s%s>`, r.kind, v)
		x.prov(r.prov, r.unit)
		x.mathBlock(r.n)
		x.close("</%s>", r.kind)
	}
	x.close("</listOfRules>")
}

// communityRate is the rate-rule expression of community member i:
// d[x_i]/dt for the value the species id denotes. With amounts A = x·V
// (V the compartment size, constant) the block is
// dA_i/dt = A_i (g_i + Σ_j a_ij A_j − shed) + inflow_i.
func communityRate(c *model.Community, i int, sp map[string]*model.Species) *expr.Node {
	amt := func(id string) *expr.Node {
		s := sp[id]
		if s == nil || s.HasOnlySubstanceUnits {
			return expr.Var(id)
		}
		return expr.New(expr.OpMul, expr.Var(id), expr.Var(s.Compartment))
	}
	id := c.Members[i]
	terms := []*expr.Node{}
	if i < len(c.Growth) && c.Growth[i] != nil {
		terms = append(terms, c.Growth[i])
	}
	for _, in := range c.Interactions {
		if in.Target == id {
			terms = append(terms, expr.New(expr.OpMul, expr.Var(in.Param), amt(in.Source)))
		}
	}
	var per *expr.Node
	switch len(terms) {
	case 0:
		per = expr.Num(0)
	case 1:
		per = terms[0]
	default:
		per = expr.New(expr.OpAdd, terms...)
	}
	if c.Shedding != nil {
		per = expr.New(expr.OpSub, per, c.Shedding)
	}
	rate := expr.New(expr.OpMul, amt(id), per)
	if i < len(c.Inflow) && c.Inflow[i] != nil {
		rate = expr.New(expr.OpAdd, rate, c.Inflow[i])
	}
	if s := sp[id]; s != nil && !s.HasOnlySubstanceUnits {
		rate = expr.New(expr.OpDiv, rate, expr.Var(s.Compartment))
	}
	return rate
}

func (x *writer) reactions() {
	if len(x.m.Reactions) == 0 {
		return
	}
	x.open("<listOfReactions>")
	for _, r := range x.m.Reactions {
		comp := ""
		if r.Compartment != "" {
			comp = fmt.Sprintf(` compartment="%s"`, x.sid(r.Compartment))
		}
		x.open(`<reaction id="%s"%s reversible="%s"%s>`, x.sid(r.ID), x.nameAttr(r.ID, r.Name), boolStr(r.Reversible), comp)
		for _, l := range []struct {
			name string
			refs []model.SpeciesRef
		}{{"listOfReactants", r.Reactants}, {"listOfProducts", r.Products}} {
			if len(l.refs) == 0 {
				continue
			}
			x.open("<%s>", l.name)
			for _, sr := range l.refs {
				id := ""
				if sr.ID != "" {
					id = fmt.Sprintf(` id="%s"`, x.sid(sr.ID))
				}
				constant := sr.Constant || sr.ID == "" || !x.changes(sr.ID)
				x.line(`<speciesReference%s species="%s" stoichiometry="%s" constant="%s"/>`, id, x.sid(sr.Species), num(sr.Stoichiometry), boolStr(constant))
			}
			x.close("</%s>", l.name)
		}
		if len(r.Modifiers) > 0 {
			x.open("<listOfModifiers>")
			for _, mo := range r.Modifiers {
				x.line(`<modifierSpeciesReference species="%s"/>`, x.sid(mo))
			}
			x.close("</listOfModifiers>")
		}
		if r.Rate != nil {
			x.open("<kineticLaw>")
			local := map[string]bool{}
			for _, p := range r.Local {
				local[p.ID] = true
			}
			x.open(`<math xmlns="%s">`, mathNS)
			x.mathNode(r.Rate, local)
			x.close("</math>")
			if len(r.Local) > 0 {
				x.open("<listOfLocalParameters>")
				for _, p := range r.Local {
					x.line(`<localParameter id="%s" value="%s"/>`, SId(p.ID), num(p.Value))
				}
				x.close("</listOfLocalParameters>")
			}
			x.close("</kineticLaw>")
		}
		x.close("</reaction>")
	}
	x.close("</listOfReactions>")
}

func (x *writer) events() {
	m := x.m
	type ext struct {
		id, member string
		thr        float64
	}
	var exts []ext
	for ci, c := range m.Communities {
		if c.ExtinctionThreshold <= 0 {
			continue
		}
		for _, id := range c.Members {
			exts = append(exts, ext{fmt.Sprintf("extinction_%d_%s", ci, SId(id)), id, c.ExtinctionThreshold})
		}
	}
	if len(m.Events) == 0 && len(exts) == 0 {
		return
	}
	x.open("<listOfEvents>")
	for _, e := range m.Events {
		id := ""
		if e.ID != "" {
			id = fmt.Sprintf(` id="%s"`, x.sid(e.ID))
		}
		x.open(`<event%s useValuesFromTriggerTime="%s">`, id, boolStr(e.UseValuesFromTriggerTime))
		x.open(`<trigger initialValue="%s" persistent="%s">`, boolStr(e.InitialValue), boolStr(e.Persistent))
		x.mathBlock(e.Trigger)
		x.close("</trigger>")
		if e.Priority != nil {
			x.open("<priority>")
			x.mathBlock(e.Priority)
			x.close("</priority>")
		}
		if e.Delay != nil {
			x.open("<delay>")
			x.mathBlock(e.Delay)
			x.close("</delay>")
		}
		x.eventAssignments(e.Assignments)
		x.close("</event>")
	}
	for _, ex := range exts {
		// extinction: below the threshold the population is zero
		x.open(`<event id="%s" useValuesFromTriggerTime="true">`, ex.id)
		x.open(`<trigger initialValue="true" persistent="true">`)
		x.mathBlock(expr.New(expr.OpAnd, expr.New(expr.OpLt, expr.Var(ex.member), expr.Num(ex.thr)), expr.New(expr.OpGt, expr.Var(ex.member), expr.Num(0))))
		x.close("</trigger>")
		x.eventAssignments([]model.EventAssignment{{Variable: ex.member, Math: expr.Num(0)}})
		x.close("</event>")
	}
	x.close("</listOfEvents>")
}

func (x *writer) eventAssignments(as []model.EventAssignment) {
	if len(as) == 0 {
		return
	}
	x.open("<listOfEventAssignments>")
	for _, a := range as {
		x.open(`<eventAssignment variable="%s">`, x.sid(a.Variable))
		x.mathBlock(a.Math)
		x.close("</eventAssignment>")
	}
	x.close("</listOfEventAssignments>")
}
