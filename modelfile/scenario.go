package modelfile

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/holobiont/holobiont/model"
)

// Scenario is a parsed scenario file: the simulated time span, output
// times, parameter settings and interventions, checked against a model.
type Scenario struct {
	Name, Description string
	Start, End        float64
	// OutputTimes are ascending times in [Start, End] at which to report.
	OutputTimes []float64
	// Set lists parameter values the scenario sets before the run, in file order.
	Set []Setting
	// Interventions in file order.
	Interventions []*Intervention
	File          string
}

// Setting is one parameter value set by a scenario.
type Setting struct {
	Param string
	Value float64
	Src   model.Source
}

// Window is a time interval [Start, End).
type Window struct{ Start, End float64 }

// Intervention is one probiotic, antibiotic, stress, emollient, irritant,
// diet or generic input intervention, lowered to input signals and boluses.
type Intervention struct {
	Type, Name string
	Windows    []Window
	// Signals are the piecewise-constant inputs the intervention sets.
	Signals []SignalPiece
	// Boluses are instantaneous changes of states.
	Boluses []BolusEvent
	Src     model.Source
}

// SignalPiece is an input held at Value on [Start, End); overlapping pieces add.
type SignalPiece struct {
	Input      string
	Start, End float64
	Value      float64
}

// BolusEvent changes Target at Time: Op is "add", "set" or "mul".
type BolusEvent struct {
	Time   float64
	Target string
	Op     string
	Value  float64
}

// LoadScenario reads a scenario file and checks it against m: every input,
// taxon, site and parameter it names must exist in the model.
func LoadScenario(path string, m *model.Model) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return ParseScenario(path, data, m)
}

// ParseScenario parses scenario YAML text; name is used in error positions.
func ParseScenario(name string, data []byte, m *model.Model) (*Scenario, error) {
	body, d, err := parseYAML(name, data)
	if err != nil {
		return nil, err
	}
	p := &scenParser{d: d, m: m, sc: &Scenario{File: name}}
	p.index()
	if err := p.scenario(body); err != nil {
		return nil, err
	}
	return p.sc, nil
}

type scenParser struct {
	d       *doc
	m       *model.Model
	sc      *Scenario
	inputs  map[string]*model.Input
	species map[string]*model.Species
	taxa    map[string][]string // taxon name -> species ids
	params  map[string]*model.Parameter
	sites   map[string]*model.Compartment
}

func (p *scenParser) index() {
	p.inputs = map[string]*model.Input{}
	p.species = map[string]*model.Species{}
	p.taxa = map[string][]string{}
	p.params = map[string]*model.Parameter{}
	p.sites = map[string]*model.Compartment{}
	for _, in := range p.m.Inputs {
		p.inputs[in.ID] = in
	}
	for _, s := range p.m.Species {
		p.species[s.ID] = s
		if s.Taxon != "" {
			p.taxa[s.Taxon] = append(p.taxa[s.Taxon], s.ID)
		}
	}
	for _, x := range p.m.Parameters {
		p.params[x.ID] = x
	}
	for _, c := range p.m.Compartments {
		p.sites[c.ID] = c
	}
}

func (p *scenParser) scenario(body ast.Node) error {
	o, err := p.d.object(body, "scenario")
	if err != nil {
		return err
	}
	sc := p.sc
	if sc.Name, err = o.str("name", ""); err != nil {
		return err
	}
	if sc.Description, err = o.str("description", ""); err != nil {
		return err
	}
	if sc.Start, _, err = o.num("start", 0); err != nil {
		return err
	}
	dur, hasDur, err := o.num("duration", 0)
	if err != nil {
		return err
	}
	end, hasEnd, err := o.num("end", 0)
	if err != nil {
		return err
	}
	switch {
	case hasDur && hasEnd:
		v, _ := o.get("end")
		return p.d.errf(v, "scenario: give duration or end, not both")
	case hasDur:
		sc.End = sc.Start + dur
	case hasEnd:
		sc.End = end
	default:
		return p.d.errf(body, "scenario: missing required field \"duration\" (days)")
	}
	if !(sc.End > sc.Start) {
		v, _ := o.get("duration")
		if v == nil {
			v, _ = o.get("end")
		}
		return p.d.errf(v, "scenario: the run must end after it starts (start %v, end %v)", sc.Start, sc.End)
	}
	if (sc.End-sc.Start)/1 > 1e7 {
		v, _ := o.get("duration")
		return p.d.errf(v, "scenario: duration %v is too long", sc.End-sc.Start)
	}
	step := 1.0
	if v, ok := o.get("output"); ok {
		oo, err := p.d.object(v, "output")
		if err != nil {
			return err
		}
		if tv, ok := oo.get("times"); ok {
			ts, err := p.d.numList(tv, "output.times")
			if err != nil {
				return err
			}
			for i, t := range ts {
				if t < sc.Start || t > sc.End || (i > 0 && t <= ts[i-1]) {
					return p.d.errf(tv, "output.times: times must be ascending within [%v, %v]", sc.Start, sc.End)
				}
			}
			sc.OutputTimes = ts
			step = 0
		}
		if sv, ok := oo.get("step"); ok {
			if step == 0 {
				return p.d.errf(sv, "output: give step or times, not both")
			}
			if step, err = p.d.number(sv, "output.step"); err != nil {
				return err
			}
			if !(step > 0) || (sc.End-sc.Start)/step > 1e6 {
				return p.d.errf(sv, "output.step: must be > 0 and give at most 1e6 output times")
			}
		}
		if err := oo.done(); err != nil {
			return err
		}
	}
	if step > 0 {
		n := int(math.Floor((sc.End-sc.Start)/step + 1e-9))
		for k := 0; k <= n; k++ {
			sc.OutputTimes = append(sc.OutputTimes, sc.Start+float64(k)*step)
		}
		if last := sc.OutputTimes[len(sc.OutputTimes)-1]; sc.End-last > 1e-9*step {
			sc.OutputTimes = append(sc.OutputTimes, sc.End)
		}
	}
	if v, ok := o.get("set"); ok {
		so, err := p.d.object(v, "set")
		if err != nil {
			return err
		}
		for _, k := range so.keys {
			x, _, err := so.num(k, 0)
			if err != nil {
				return err
			}
			par, ok := p.params[k]
			if !ok || !par.Constant {
				return p.d.errf(so.keyNode(k), "set: %q is not a constant parameter of model %s", k, p.m.ID)
			}
			if (!math.IsNaN(par.Min) && x < par.Min) || (!math.IsNaN(par.Max) && x > par.Max) {
				xv, _ := so.get(k)
				return p.d.errf(xv, "set.%s: value %v is outside its range [%v, %v]", k, x, par.Min, par.Max)
			}
			sc.Set = append(sc.Set, Setting{Param: k, Value: x, Src: p.d.src(so.keyNode(k))})
		}
	}
	if v, ok := o.get("interventions"); ok {
		items, err := p.d.list(v, "interventions")
		if err != nil {
			return err
		}
		for i, it := range items {
			iv, err := p.intervention(it, fmt.Sprintf("interventions[%d]", i))
			if err != nil {
				return err
			}
			sc.Interventions = append(sc.Interventions, iv)
		}
	}
	return o.done()
}

// windows reads start/duration (or end) and optional every/count repeats.
func (p *scenParser) windows(o *obj, what string) ([]Window, error) {
	start, err := o.reqNum("start")
	if err != nil {
		return nil, err
	}
	dur, hasDur, err := o.num("duration", 0)
	if err != nil {
		return nil, err
	}
	end, hasEnd, err := o.num("end", 0)
	if err != nil {
		return nil, err
	}
	switch {
	case hasDur && hasEnd:
		v, _ := o.get("end")
		return nil, p.d.errf(v, "%s: give duration or end, not both", what)
	case hasEnd:
		dur = end - start
	case !hasDur:
		return nil, p.d.errf(o.node, "%s: missing required field \"duration\"", what)
	}
	if !(dur > 0) {
		v, _ := o.get("duration")
		if v == nil {
			v, _ = o.get("end")
		}
		return nil, p.d.errf(v, "%s: duration must be > 0", what)
	}
	every, hasEvery, err := o.num("every", 0)
	if err != nil {
		return nil, err
	}
	count, hasCount, err := o.num("count", 1)
	if err != nil {
		return nil, err
	}
	if hasEvery != hasCount && hasCount {
		v, _ := o.get("count")
		return nil, p.d.errf(v, "%s: count needs every (the period between repeats)", what)
	}
	if hasEvery && (!(every >= dur) || count < 1 || count != math.Trunc(count) || count > 1e5) {
		v, _ := o.get("every")
		return nil, p.d.errf(v, "%s: every must be >= duration and count a whole number in [1, 1e5]", what)
	}
	if !hasEvery {
		count = 1
	}
	var ws []Window
	for k := 0; k < int(count); k++ {
		s := start + float64(k)*every
		ws = append(ws, Window{s, s + dur})
	}
	for _, w := range ws {
		if w.End <= p.sc.Start || w.Start >= p.sc.End {
			v, _ := o.get("start")
			return nil, p.d.errf(v, "%s: window [%v, %v) lies outside the run [%v, %v]", what, w.Start, w.End, p.sc.Start, p.sc.End)
		}
	}
	return ws, nil
}

// input resolves an input name (field key or def) and checks that the model has it.
func (p *scenParser) input(o *obj, key, def, what string) (string, error) {
	name, err := o.str(key, def)
	if err != nil {
		return "", err
	}
	if _, ok := p.inputs[name]; !ok {
		v, ok := o.get(key)
		if !ok {
			v = o.node
		}
		return "", p.d.errf(v, "%s: model %s has no input %q%s", what, p.m.ID, name, p.knownInputs())
	}
	return name, nil
}

func (p *scenParser) knownInputs() string {
	var ids []string
	for id := range p.inputs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		return " (the model declares no inputs)"
	}
	if len(ids) > 12 {
		ids = append(ids[:12], "...")
	}
	return " (inputs: " + strings.Join(ids, ", ") + ")"
}

// taxon resolves a species id or taxon name to one species id.
func (p *scenParser) taxon(name string, n ast.Node, what string) (string, error) {
	if _, ok := p.species[name]; ok {
		return name, nil
	}
	if ids := p.taxa[name]; len(ids) == 1 {
		return ids[0], nil
	} else if len(ids) > 1 {
		return "", p.d.errf(n, "%s: taxon %q lives at several sites (%s); name the species id", what, name, strings.Join(ids, ", "))
	}
	return "", p.d.errf(n, "%s: model %s has no taxon or species %q", what, p.m.ID, name)
}

func (p *scenParser) site(name string, n ast.Node, what string) error {
	if _, ok := p.sites[name]; !ok {
		return p.d.errf(n, "%s: model %s has no site %q", what, p.m.ID, name)
	}
	return nil
}

func (p *scenParser) intervention(v ast.Node, what string) (*Intervention, error) {
	o, err := p.d.object(v, what)
	if err != nil {
		return nil, err
	}
	iv := &Intervention{Src: p.d.src(v)}
	if iv.Type, err = o.reqStr("type"); err != nil {
		return nil, err
	}
	if iv.Name, err = o.str("name", iv.Type); err != nil {
		return nil, err
	}
	what = what + " (" + iv.Type + ")"
	if iv.Type != "bolus" {
		if iv.Windows, err = p.windows(o, what); err != nil {
			return nil, err
		}
	}
	addSignal := func(input string, value float64) {
		for _, w := range iv.Windows {
			iv.Signals = append(iv.Signals, SignalPiece{Input: input, Start: w.Start, End: w.End, Value: value})
		}
	}
	switch iv.Type {
	case "stress":
		in, err := p.input(o, "input", "stress", what)
		if err != nil {
			return nil, err
		}
		x, _, err := o.num("intensity", 1)
		if err != nil {
			return nil, err
		}
		addSignal(in, x)
	case "emollient", "irritant":
		// emollient: level (dimensionless) on input emollient.<site>;
		// irritant (detergent, tape stripping, scratching): a barrier
		// loss rate level (1/day) on input irritant.<site>.
		site, err := o.reqStr("site")
		if err != nil {
			return nil, err
		}
		sv, _ := o.get("site")
		if err := p.site(site, sv, what); err != nil {
			return nil, err
		}
		in, err := p.input(o, "input", iv.Type+"."+site, what)
		if err != nil {
			return nil, err
		}
		x, _, err := o.num("level", 1)
		if err != nil {
			return nil, err
		}
		if x < 0 {
			lv, _ := o.get("level")
			return nil, p.d.errf(lv, "%s: level must be >= 0", what)
		}
		addSignal(in, x)
	case "diet":
		in, err := p.input(o, "input", "fibre", what)
		if err != nil {
			return nil, err
		}
		x, err := o.reqNum("fibre")
		if err != nil {
			return nil, err
		}
		if x < 0 {
			fv, _ := o.get("fibre")
			return nil, p.d.errf(fv, "%s: fibre must be >= 0", what)
		}
		addSignal(in, x)
	case "input":
		in, err := p.input(o, "input", "", what)
		if err != nil {
			return nil, err
		}
		x, err := o.reqNum("value")
		if err != nil {
			return nil, err
		}
		addSignal(in, x)
	case "probiotic":
		if err := p.probiotic(o, iv, what); err != nil {
			return nil, err
		}
	case "antibiotic":
		if err := p.antibiotic(o, iv, what); err != nil {
			return nil, err
		}
	case "bolus":
		if err := p.bolus(o, iv, what); err != nil {
			return nil, err
		}
	default:
		tv, _ := o.get("type")
		return nil, p.d.errf(tv, "%s: unknown intervention type %q (known: probiotic, antibiotic, stress, emollient, irritant, diet, input, bolus)", what, iv.Type)
	}
	if err := o.done(); err != nil {
		return nil, err
	}
	return iv, nil
}

func (p *scenParser) probiotic(o *obj, iv *Intervention, what string) error {
	name, err := o.reqStr("taxon")
	if err != nil {
		return err
	}
	tv, _ := o.get("taxon")
	sp, err := p.taxon(name, tv, what)
	if err != nil {
		return err
	}
	dose, err := o.reqNum("dose")
	if err != nil {
		return err
	}
	eng, hasEng, err := o.num("engraftment", 1)
	if err != nil {
		return err
	}
	if dose < 0 || eng < 0 || eng > 1 {
		v, _ := o.get("dose")
		if hasEng && (eng < 0 || eng > 1) {
			v, _ = o.get("engraftment")
		}
		return p.d.errf(v, "%s: dose must be >= 0 and engraftment in [0, 1]", what)
	}
	mode, err := o.str("mode", "continuous")
	if err != nil {
		return err
	}
	switch mode {
	case "continuous":
		// Dose per day as a constant inflow rate through the strain's dose input.
		in, err := p.input(o, "input", "probiotic", what)
		if err != nil {
			return err
		}
		for _, w := range iv.Windows {
			iv.Signals = append(iv.Signals, SignalPiece{Input: in, Start: w.Start, End: w.End, Value: dose * eng})
		}
	case "daily":
		// One bolus of dose (density) per day within each window.
		if _, ok := o.get("input"); ok {
			v, _ := o.get("input")
			return p.d.errf(v, "%s: mode daily adds boluses to the taxon; input applies to mode continuous", what)
		}
		for _, w := range iv.Windows {
			for t := w.Start; t < w.End-1e-12; t++ {
				iv.Boluses = append(iv.Boluses, BolusEvent{Time: t, Target: sp, Op: "add", Value: dose * eng})
			}
		}
	default:
		v, _ := o.get("mode")
		return p.d.errf(v, "%s: mode must be continuous (dose per day as inflow) or daily (bolus per day)", what)
	}
	return nil
}

// Regoes 2004 pharmacodynamic function: net growth rate at concentration a.
func regoesPsi(a, psiMax, psiMin, kappa, zmic float64) float64 {
	if a <= 0 {
		return psiMax
	}
	r := math.Pow(a/zmic, kappa)
	return psiMax - (psiMax-psiMin)*r/(r-psiMin/psiMax)
}

func (p *scenParser) antibiotic(o *obj, iv *Intervention, what string) error {
	route, err := o.str("route", "oral")
	if err != nil {
		return err
	}
	var sites []string
	switch route {
	case "oral":
	case "topical":
		sv, ok := o.get("sites")
		if !ok {
			return p.d.errf(o.node, "%s: a topical antibiotic needs sites: [...]", what)
		}
		var nodes []ast.Node
		if sites, nodes, err = p.d.strList(sv, what+".sites"); err != nil {
			return err
		}
		for i, s := range sites {
			if err := p.site(s, nodes[i], what); err != nil {
				return err
			}
		}
	default:
		v, _ := o.get("route")
		return p.d.errf(v, "%s: route must be oral or topical, got %q", what, route)
	}
	dose, _, err := o.num("dose", 1)
	if err != nil {
		return err
	}
	if dose < 0 {
		v, _ := o.get("dose")
		return p.d.errf(v, "%s: dose must be >= 0", what)
	}
	// The concentration signal: one input for oral, one per site for topical.
	if route == "oral" {
		in, err := p.input(o, "input", "abx_oral", what)
		if err != nil {
			return err
		}
		for _, w := range iv.Windows {
			iv.Signals = append(iv.Signals, SignalPiece{Input: in, Start: w.Start, End: w.End, Value: dose})
		}
	} else {
		if v, ok := o.get("input"); ok {
			return p.d.errf(v, "%s: a topical antibiotic sets the input abx_topical.<site> of each site", what)
		}
		for _, s := range sites {
			in := "abx_topical." + s
			if _, ok := p.inputs[in]; !ok {
				return p.d.errf(o.node, "%s: model %s has no input %q for a topical antibiotic at %s", what, p.m.ID, in, s)
			}
			for _, w := range iv.Windows {
				iv.Signals = append(iv.Signals, SignalPiece{Input: in, Start: w.Start, End: w.End, Value: dose})
			}
		}
	}
	sv, ok := o.get("susceptibility")
	if !ok {
		return nil
	}
	so, err := p.d.object(sv, what+".susceptibility")
	if err != nil {
		return err
	}
	for _, name := range so.keys {
		tw := what + ".susceptibility." + name
		sp, err := p.taxon(name, so.keyNode(name), tw)
		if err != nil {
			return err
		}
		ev, _ := so.get(name)
		eo, err := p.d.object(ev, tw)
		if err != nil {
			return err
		}
		in, err := p.input(eo, "input", sp+".abx", tw)
		if err != nil {
			return err
		}
		var effect float64 // change of per-capita growth rate (1/day) while dosed
		switch {
		case eo.has("epsilon"):
			// Stein et al. 2013: growth_i += epsilon_i * u(t).
			eps, err := eo.reqNum("epsilon")
			if err != nil {
				return err
			}
			effect = eps * dose
		case eo.has("psi_max"):
			// Regoes et al. 2004 kill curve; the effect is psi(dose) - psi(0).
			var f [4]float64
			for k, key := range []string{"psi_max", "psi_min", "kappa", "zmic"} {
				if f[k], err = eo.reqNum(key); err != nil {
					return err
				}
			}
			if !(f[0] > 0) || !(f[1] < 0) || !(f[2] > 0) || !(f[3] > 0) {
				return p.d.errf(ev, "%s: kill curve needs psi_max > 0, psi_min < 0, kappa > 0, zmic > 0", tw)
			}
			unit, err := eo.str("unit", "1/day")
			if err != nil {
				return err
			}
			scale := 1.0
			switch unit {
			case "1/day", "1/d", "day^-1":
			case "1/h", "1/hour", "h^-1":
				scale = 24
			default:
				uv, _ := eo.get("unit")
				return p.d.errf(uv, "%s.unit: rates in 1/day or 1/h, got %q", tw, unit)
			}
			effect = scale * (regoesPsi(dose, f[0], f[1], f[2], f[3]) - f[0])
		default:
			return p.d.errf(ev, "%s: give epsilon (Stein form) or psi_max, psi_min, kappa, zmic (Regoes kill curve)", tw)
		}
		if err := eo.done(); err != nil {
			return err
		}
		for _, w := range iv.Windows {
			iv.Signals = append(iv.Signals, SignalPiece{Input: in, Start: w.Start, End: w.End, Value: effect})
		}
	}
	return so.done()
}

func (p *scenParser) bolus(o *obj, iv *Intervention, what string) error {
	target, err := o.reqStr("target")
	if err != nil {
		return err
	}
	tv, _ := o.get("target")
	if _, ok := p.species[target]; !ok {
		return p.d.errf(tv, "%s: model %s has no species or state %q", what, p.m.ID, target)
	}
	t, err := o.reqNum("time")
	if err != nil {
		return err
	}
	if t < p.sc.Start || t > p.sc.End {
		v, _ := o.get("time")
		return p.d.errf(v, "%s: time %v is outside the run [%v, %v]", what, t, p.sc.Start, p.sc.End)
	}
	op, err := o.str("op", "add")
	if err != nil {
		return err
	}
	if op != "add" && op != "set" && op != "mul" {
		v, _ := o.get("op")
		return p.d.errf(v, "%s: op must be add, set or mul", what)
	}
	x, err := o.reqNum("value")
	if err != nil {
		return err
	}
	iv.Boluses = append(iv.Boluses, BolusEvent{Time: t, Target: target, Op: op, Value: x})
	iv.Windows = []Window{{t, t}}
	return nil
}
