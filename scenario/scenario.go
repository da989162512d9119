package scenario

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/holobiont/holobiont/model"
)

// Scenario is what a run does to a model: the simulated time span, the
// output times, parameter settings and interventions. It is plain data;
// Lower checks it against a model and turns it into a schedule.
type Scenario struct {
	Name, Description string
	Start, End        float64
	// OutputTimes are ascending times in [Start, End] at which to report;
	// nil means one row per time unit from Start, and End.
	OutputTimes []float64
	// Set lists parameter values set before the run, in order.
	Set []Setting
	// Interventions in order.
	Interventions []Intervention
	// File names where the scenario came from ("" for one built in Go).
	File string
}

// Setting is one parameter value set by a scenario.
type Setting struct {
	Param string
	Value float64
	// Src and ValueSrc locate the parameter's name and value in the file
	// (zero for a scenario built in Go).
	Src, ValueSrc model.Source
}

// Window is a time interval [Start, End) during which an intervention acts
// (Start = End for an instantaneous one, a bolus).
type Window struct{ Start, End float64 }

// Timing says when an intervention acts: from Start for Duration, repeated
// Count times every Every time units (Count 0 or 1: once).
type Timing struct {
	Start, Duration float64
	Every           float64
	Count           int
}

// Windows returns the windows of t, in time order.
func (t Timing) Windows() []Window {
	n := t.Count
	if n < 1 {
		n = 1
	}
	ws := make([]Window, n)
	for k := range ws {
		s := t.Start + float64(k)*t.Every
		ws[k] = Window{s, s + t.Duration}
	}
	return ws
}

// Intervention is one typed intervention: *Probiotic, *Antibiotic,
// *Stress, *Emollient, *Irritant, *Diet, *InputSignal or *Bolus.
type Intervention interface {
	// Kind is the intervention's type as scenario files name it
	// ("probiotic", "antibiotic", ...).
	Kind() string
	// Common returns the fields every intervention has.
	Common() *Base
	// Windows returns when the intervention acts.
	Windows() []Window
	// lower adds the intervention's signals and boluses to l.
	lower(l *lowering) error
}

// Base holds what every intervention has: a name, its timing, and where it
// was written (for error messages).
type Base struct {
	// Name labels the intervention in outputs and reports ("" means its
	// kind).
	Name   string
	Timing Timing
	// Src locates the intervention in its file; FieldSrc the values of its
	// fields by key ("dose", "susceptibility.C_difficile", ...). Both are
	// zero for an intervention built in Go.
	Src      model.Source
	FieldSrc map[string]model.Source
}

// Common returns b itself.
func (b *Base) Common() *Base { return b }

// Windows returns the windows of b's timing.
func (b *Base) Windows() []Window { return b.Timing.Windows() }

// at returns the position of field key, or of the intervention.
func (b *Base) at(key string) model.Source {
	if s, ok := b.FieldSrc[key]; ok {
		return s
	}
	return b.Src
}

// Label returns the intervention's name, or its kind when it has none.
func Label(iv Intervention) string {
	if n := iv.Common().Name; n != "" {
		return n
	}
	return iv.Kind()
}

// Error is a problem with a scenario: an intervention's meaning for a
// model (an unknown taxon, site or input, a window outside the run, a
// value out of range) or a parameter setting.
type Error struct {
	// Src locates the problem in the scenario's file (zero when unknown).
	Src model.Source
	// Index is the intervention's position in the scenario, -1 for
	// problems not about one intervention; Kind is its type.
	Index int
	Kind  string
	// Field is the key of the offending value ("dose", "start",
	// "susceptibility.C_difficile", ...) or "" for the whole intervention.
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	if s := e.Src.String(); s != "" {
		b.WriteString(s + ": ")
	}
	if e.Index >= 0 {
		fmt.Fprintf(&b, "interventions[%d] (%s): ", e.Index, e.Kind)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Canonical returns a canonical encoding of sc (JSON, each intervention
// with its kind), for hashing a scenario that was not read from a file.
func Canonical(sc *Scenario) ([]byte, error) {
	type item struct {
		Kind         string
		Intervention Intervention
	}
	v := struct {
		Name, Description string
		Start, End        float64
		OutputTimes       []float64
		Set               []Setting
		Interventions     []item
	}{sc.Name, sc.Description, sc.Start, sc.End, sc.OutputTimes, sc.Set, nil}
	for _, iv := range sc.Interventions {
		v.Interventions = append(v.Interventions, item{iv.Kind(), iv})
	}
	return json.Marshal(v)
}
