package scenario

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/holobiont/holobiont/internal/suggest"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/units"
)

// Lower checks the scenario against m and turns its interventions into the
// schedule sim.Run follows: piecewise-constant input signals and boluses.
// It is the one place that gives interventions their meaning: the dose
// arithmetic (dose × engraftment), the antibiotic kill curve, unit scaling
// of rates to the model's time unit, the names of the model's conventional
// inputs. Every taxon, site, input, state and parameter named must exist in
// m; every window must overlap the run; settings must be constant
// parameters within their ranges. Errors are *Error, located in the
// scenario's file when it came from one. Pieces of overlapping
// interventions on one input add.
func (sc *Scenario) Lower(m *model.Model) (*sim.Schedule, error) {
	l := newLowering(sc, m)
	if err := l.checkSpan(); err != nil {
		return nil, err
	}
	for _, s := range sc.Set {
		if err := l.setting(s); err != nil {
			return nil, err
		}
	}
	for i, iv := range sc.Interventions {
		l.index, l.iv, l.b = i, iv, iv.Common()
		if err := l.timing(); err != nil {
			return nil, err
		}
		if err := iv.lower(l); err != nil {
			return nil, err
		}
	}
	return l.sched, nil
}

// Schedule is Lower under its former name.
//
// Deprecated: use Lower.
func (sc *Scenario) Schedule(m *model.Model) (*sim.Schedule, error) { return sc.Lower(m) }

// lowering is the state of one Lower call.
type lowering struct {
	sc      *Scenario
	m       *model.Model
	inputs  map[string]bool
	species map[string]bool
	taxa    map[string][]string // taxon name -> species ids
	params  map[string]*model.Parameter
	sites   map[string]bool
	sched   *sim.Schedule
	signal  map[string]int // input -> index into sched.Signals
	// the intervention being lowered
	index int
	iv    Intervention
	b     *Base
}

func newLowering(sc *Scenario, m *model.Model) *lowering {
	l := &lowering{sc: sc, m: m, inputs: map[string]bool{}, species: map[string]bool{}, taxa: map[string][]string{},
		params: map[string]*model.Parameter{}, sites: map[string]bool{}, sched: &sim.Schedule{}, signal: map[string]int{}, index: -1}
	for _, in := range m.Inputs {
		l.inputs[in.ID] = true
	}
	for _, s := range m.Species {
		l.species[s.ID] = true
		if s.Taxon != "" {
			l.taxa[s.Taxon] = append(l.taxa[s.Taxon], s.ID)
		}
	}
	for _, p := range m.Parameters {
		l.params[p.ID] = p
	}
	for _, c := range m.Compartments {
		l.sites[c.ID] = true
	}
	return l
}

// errf returns an *Error about field key of the current intervention (or
// about the scenario when none is being lowered).
func (l *lowering) errf(key string, format string, args ...any) error {
	e := &Error{Index: l.index, Field: key, Msg: fmt.Sprintf(format, args...)}
	if l.b != nil {
		e.Src, e.Kind = l.b.at(key), l.iv.Kind()
	}
	return e
}

func (l *lowering) checkSpan() error {
	sc := l.sc
	// Output times are checked where they are used (sim.Run): a caller may
	// run the schedule over other times than the scenario's own.
	if !(sc.End > sc.Start) || math.IsInf(sc.Start, 0) || math.IsInf(sc.End, 0) {
		return l.errf("", "scenario: the run must end after it starts (start %v, end %v)", sc.Start, sc.End)
	}
	return nil
}

func (l *lowering) setting(s Setting) error {
	p, ok := l.params[s.Param]
	if !ok || !p.Constant {
		var ids []string
		for id, p := range l.params {
			if p.Constant {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		return &Error{Src: s.Src, Index: -1, Msg: fmt.Sprintf("set: %q is not a constant parameter of model %s%s", s.Param, l.m.ID, suggest.DidYouMean(s.Param, ids))}
	}
	if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) || (!math.IsNaN(p.Min) && s.Value < p.Min) || (!math.IsNaN(p.Max) && s.Value > p.Max) {
		return &Error{Src: s.ValueSrc, Index: -1, Msg: fmt.Sprintf("set.%s: value %v is outside its range %s", s.Param, s.Value, model.RangeString(p.Min, p.Max))}
	}
	return nil
}

// timing checks the current intervention's windows.
func (l *lowering) timing() error {
	if _, ok := l.iv.(*Bolus); ok {
		return nil
	}
	t := l.b.Timing
	if !(t.Duration > 0) || math.IsInf(t.Duration, 0) {
		return l.errf("duration", "duration must be > 0")
	}
	if t.Every != 0 || t.Count > 1 {
		if !(t.Every >= t.Duration) || t.Count < 1 || t.Count > 1e5 || math.IsInf(t.Every, 0) {
			return l.errf("every", "every must be >= duration and count a whole number in [1, 1e5]")
		}
	}
	for _, w := range l.b.Windows() {
		if w.End <= l.sc.Start || w.Start >= l.sc.End {
			return l.errf("start", "window [%v, %v) lies outside the run [%v, %v]", w.Start, w.End, l.sc.Start, l.sc.End)
		}
	}
	return nil
}

// piece adds value on input over every window of the current intervention.
func (l *lowering) piece(input string, value float64) {
	k, ok := l.signal[input]
	if !ok {
		k = len(l.sched.Signals)
		l.signal[input] = k
		l.sched.Signals = append(l.sched.Signals, sim.Signal{Input: input})
	}
	for _, w := range l.b.Windows() {
		l.sched.Signals[k].Pieces = append(l.sched.Signals[k].Pieces, sim.Piece{Start: w.Start, End: w.End, Value: value})
	}
}

// input resolves an intervention's input (given, or the default def) and
// checks that the model declares it.
func (l *lowering) input(given, def string) (string, error) {
	name := given
	if name == "" {
		name = def
	}
	if !l.inputs[name] {
		return "", l.errf("input", "model %s has no input %q%s", l.m.ID, name, l.knownInputs())
	}
	return name, nil
}

func (l *lowering) knownInputs() string {
	ids := make([]string, 0, len(l.inputs))
	for id := range l.inputs {
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

// taxon resolves a species id or a taxon name to one species id.
func (l *lowering) taxon(name, key string) (string, error) {
	if l.species[name] {
		return name, nil
	}
	if ids := l.taxa[name]; len(ids) == 1 {
		return ids[0], nil
	} else if len(ids) > 1 {
		return "", l.errf(key, "taxon %q lives at several sites (%s); name the species id", name, strings.Join(ids, ", "))
	}
	return "", l.errf(key, "model %s has no taxon or species %q", l.m.ID, name)
}

func (l *lowering) site(name, key string) error {
	if !l.sites[name] {
		return l.errf(key, "model %s has no site %q", l.m.ID, name)
	}
	return nil
}

func (s *Stress) lower(l *lowering) error {
	in, err := l.input(s.Input, "stress")
	if err != nil {
		return err
	}
	l.piece(in, s.Intensity)
	return nil
}

func (e *Emollient) lower(l *lowering) error {
	return siteLevel(l, "emollient", e.Site, e.Input, e.Level)
}

func (r *Irritant) lower(l *lowering) error {
	return siteLevel(l, "irritant", r.Site, r.Input, r.Level)
}

// siteLevel lowers an emollient (a dimensionless level) or irritant (a
// barrier loss rate) at a skin site onto input <kind>.<site>.
func siteLevel(l *lowering, kind, site, input string, level float64) error {
	if err := l.site(site, "site"); err != nil {
		return err
	}
	in, err := l.input(input, kind+"."+site)
	if err != nil {
		return err
	}
	if !(level >= 0) || math.IsInf(level, 0) {
		return l.errf("level", "level must be >= 0")
	}
	l.piece(in, level)
	return nil
}

func (d *Diet) lower(l *lowering) error {
	in, err := l.input(d.Input, "fibre")
	if err != nil {
		return err
	}
	if !(d.Fibre >= 0) || math.IsInf(d.Fibre, 0) {
		return l.errf("fibre", "fibre must be >= 0")
	}
	l.piece(in, d.Fibre)
	return nil
}

func (s *InputSignal) lower(l *lowering) error {
	if s.Input == "" {
		return l.errf("", "an input intervention needs the input's name")
	}
	in, err := l.input(s.Input, "")
	if err != nil {
		return err
	}
	if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
		return l.errf("value", "value must be finite")
	}
	l.piece(in, s.Value)
	return nil
}

func (p *Probiotic) lower(l *lowering) error {
	sp, err := l.taxon(p.Taxon, "taxon")
	if err != nil {
		return err
	}
	if !(p.Dose >= 0) || !(p.Engraftment >= 0 && p.Engraftment <= 1) || math.IsInf(p.Dose, 0) {
		key := "dose"
		if !(p.Engraftment >= 0 && p.Engraftment <= 1) {
			key = "engraftment"
		}
		return l.errf(key, "dose must be >= 0 and engraftment in [0, 1]")
	}
	dose := p.Dose * p.Engraftment
	switch p.Mode {
	case "", "continuous":
		// Dose per day as a constant inflow rate through the strain's dose input.
		in, err := l.input(p.Input, "probiotic")
		if err != nil {
			return err
		}
		l.piece(in, dose)
	case "daily":
		// One bolus of dose (density) per day within each window.
		if p.Input != "" {
			return l.errf("input", "mode daily adds boluses to the taxon; input applies to mode continuous")
		}
		for _, w := range p.Windows() {
			for t := w.Start; t < w.End-1e-12; t++ {
				l.sched.Boluses = append(l.sched.Boluses, sim.Bolus{Time: t, Target: sp, Op: "add", Value: dose})
			}
		}
	default:
		return l.errf("mode", "mode must be continuous (dose per day as inflow) or daily (bolus per day)")
	}
	return nil
}

func (a *Antibiotic) lower(l *lowering) error {
	switch a.Route {
	case "", "oral":
		if len(a.Sites) > 0 {
			return l.errf("sites", "an oral antibiotic has no sites (route: topical takes sites)")
		}
	case "topical":
		if len(a.Sites) == 0 {
			return l.errf("", "a topical antibiotic needs sites: [...]")
		}
		for i, s := range a.Sites {
			if err := l.site(s, fmt.Sprintf("sites[%d]", i)); err != nil {
				return err
			}
		}
	default:
		return l.errf("route", "route must be oral or topical, got %q", a.Route)
	}
	if !(a.Dose >= 0) || math.IsInf(a.Dose, 0) {
		return l.errf("dose", "dose must be >= 0")
	}
	// The concentration signal: one input for oral, one per site for topical.
	if len(a.Sites) == 0 {
		in, err := l.input(a.Input, "abx_oral")
		if err != nil {
			return err
		}
		l.piece(in, a.Dose)
	} else {
		if a.Input != "" {
			return l.errf("input", "a topical antibiotic sets the input abx_topical.<site> of each site")
		}
		for _, s := range a.Sites {
			in := "abx_topical." + s
			if !l.inputs[in] {
				return l.errf("", "model %s has no input %q for a topical antibiotic at %s", l.m.ID, in, s)
			}
			l.piece(in, a.Dose)
		}
	}
	for _, su := range a.Susceptibility {
		if err := l.susceptibility(a, su); err != nil {
			return err
		}
	}
	return nil
}

// susceptibility lowers one taxon's growth-rate change while the
// antibiotic is dosed: Epsilon·Dose (Stein 2013) or psi(Dose) − psi(0)
// (Regoes 2004) in the model's time unit.
func (l *lowering) susceptibility(a *Antibiotic, su Susceptibility) error {
	key := "susceptibility." + su.Taxon
	sp, err := l.taxon(su.Taxon, key)
	if err != nil {
		return err
	}
	def := sp + ".abx"
	in := su.Input
	if in == "" {
		in = def
	}
	if !l.inputs[in] {
		return l.errf(key+".input", "%s: model %s has no input %q%s", key, l.m.ID, in, l.knownInputs())
	}
	effect := su.Epsilon * a.Dose
	if k := su.KillCurve; k != nil {
		if !(k.PsiMax > 0) || !(k.PsiMin < 0) || !(k.Kappa > 0) || !(k.ZMIC > 0) {
			return l.errf(key, "%s: kill curve needs psi_max > 0, psi_min < 0, kappa > 0, zmic > 0", key)
		}
		scale, err := l.rateScale(k.Unit)
		if err != nil {
			return l.errf(key+".unit", "%s.unit: %v", key, err)
		}
		effect = scale * (k.Psi(a.Dose) - k.PsiMax)
	}
	if math.IsNaN(effect) || math.IsInf(effect, 0) {
		return l.errf(key, "%s: the growth-rate change is not finite", key)
	}
	l.piece(in, effect)
	return nil
}

// rateScale returns the factor that converts a rate in unit to the model's
// time unit ("" means the model's time unit itself).
func (l *lowering) rateScale(unit string) (float64, error) {
	tu := l.m.TimeUnit
	if tu == "" {
		tu = "day"
	}
	if unit == "" {
		return 1, nil
	}
	from, err := units.Parse(unit)
	if err != nil {
		return 0, err
	}
	to, err := units.Parse("1/" + tu)
	if err != nil {
		return 0, fmt.Errorf("the model's time unit %q: %v", tu, err)
	}
	f, err := units.Factor(from, to)
	if err != nil {
		return 0, fmt.Errorf("%q is not a rate (want a unit such as 1/day or 1/h)", unit)
	}
	return f, nil
}

func (b *Bolus) lower(l *lowering) error {
	if !l.species[b.Target] {
		return l.errf("target", "model %s has no species or state %q", l.m.ID, b.Target)
	}
	if b.Time < l.sc.Start || b.Time > l.sc.End || math.IsNaN(b.Time) {
		return l.errf("time", "time %v is outside the run [%v, %v]", b.Time, l.sc.Start, l.sc.End)
	}
	op := b.Op
	if op == "" {
		op = "add"
	}
	if op != "add" && op != "set" && op != "mul" {
		return l.errf("op", "op must be add, set or mul")
	}
	if math.IsNaN(b.Value) || math.IsInf(b.Value, 0) {
		return l.errf("value", "value must be finite")
	}
	l.sched.Boluses = append(l.sched.Boluses, sim.Bolus{Time: b.Time, Target: b.Target, Op: op, Value: b.Value})
	return nil
}

func pow(x, y float64) float64 { return math.Pow(x, y) }
