package cohort

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/scenario"
	"github.com/holobiont/holobiont/sim"
)

// decodeInterventions turns the trial spec's interventions section into
// typed interventions (package scenario), by name. An intervention without
// a name field is labelled by its key. Errors name the spec's file:line:col.
func (t *TrialSpec) decodeInterventions() (map[string]scenario.Intervention, error) {
	names := make([]string, 0, len(t.Interventions))
	for k := range t.Interventions {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make(map[string]scenario.Intervention, len(names))
	for _, name := range names {
		fields := t.Interventions[name]
		path := "$.interventions." + quoteKey(name)
		typ, ok := fields["type"].(string)
		if !ok {
			return nil, t.errAt(path, "intervention %s: missing required field \"type\" (a string: probiotic, antibiotic, stress, emollient, irritant, diet, input or bolus)", name)
		}
		f := &specFields{s: &t.Spec, path: path, what: fmt.Sprintf("intervention %s (%s)", name, typ), m: fields, used: map[string]bool{"type": true}}
		iv, err := scenario.Decode(typ, f)
		if err != nil {
			return nil, err
		}
		if _, named := fields["name"]; !named {
			iv.Common().Name = name
		}
		out[name] = iv
	}
	return out, nil
}

// armSchedule lowers arm i's interventions, followed by the base
// scenario's own signals and boluses, into the arm's schedule. Problems
// are located at the intervention in the spec.
func (tp *TrialPlan) armSchedule(i int) (*sim.Schedule, error) {
	t, p := tp.Trial, tp.Plan
	a := t.Arms[i]
	sc := &scenario.Scenario{Start: p.Scenario.Start, End: p.Scenario.End, File: t.File}
	for _, name := range a.Interventions {
		sc.Interventions = append(sc.Interventions, t.typed[name])
	}
	sched, err := sc.Lower(p.Model)
	if err != nil {
		return nil, t.armError(i, err)
	}
	sched.Signals = append(sched.Signals, p.Schedule.Signals...)
	sched.Boluses = append(sched.Boluses, p.Schedule.Boluses...)
	sort.SliceStable(sched.Boluses, func(x, y int) bool { return sched.Boluses[x].Time < sched.Boluses[y].Time })
	return sched, nil
}

// armError locates a problem Lower found in arm i at the intervention (and
// its field) in the spec.
func (t *TrialSpec) armError(i int, err error) error {
	a := t.Arms[i]
	var se *scenario.Error
	if !errors.As(err, &se) || se.Index < 0 || se.Index >= len(a.Interventions) {
		return t.errAt(fmt.Sprintf("$.arms[%d]", i), "arm %s: %v", a.Name, err)
	}
	name := a.Interventions[se.Index]
	msg := fmt.Sprintf("intervention %s (%s, arm %s): %s", name, se.Kind, a.Name, se.Msg)
	if s := se.Src; s.Line > 0 {
		return &Error{File: s.File, Line: s.Line, Col: s.Col, Msg: msg}
	}
	return t.errAt("$.interventions."+quoteKey(name), "%s", msg)
}

// specFields reads one intervention of a trial spec (decoded as generic
// YAML values) for scenario.Decode; positions come from the spec's syntax
// tree by path.
type specFields struct {
	s    *Spec
	path string // "$.interventions.NAME"
	what string // "intervention NAME (TYPE)": the prefix of messages
	m    map[string]any
	used map[string]bool
}

func (f *specFields) at(key string) string {
	if key == "" {
		return f.path
	}
	return f.path + "." + quoteKey(key)
}

func (f *specFields) get(key string) (any, bool) {
	v, ok := f.m[key]
	if ok {
		f.used[key] = true
	}
	return v, ok && v != nil
}

func (f *specFields) Str(key string) (string, bool, error) {
	v, ok := f.get(key)
	if !ok {
		return "", false, nil
	}
	switch x := v.(type) {
	case string:
		return x, true, nil
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(x), true, nil
	}
	return "", true, f.Errorf(key, "%s: expected a string", key)
}

func (f *specFields) Num(key string) (float64, bool, error) {
	v, ok := f.get(key)
	if !ok {
		return 0, false, nil
	}
	var x float64
	switch n := v.(type) {
	case int:
		x = float64(n)
	case int64:
		x = float64(n)
	case uint64:
		x = float64(n)
	case float64:
		x = n
	case string:
		var err error
		if x, err = strconv.ParseFloat(strings.TrimSpace(n), 64); err != nil {
			return 0, true, f.Errorf(key, "%s: expected a number, got string %q", key, n)
		}
	default:
		return 0, true, f.Errorf(key, "%s: expected a number", key)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, true, f.Errorf(key, "%s: value must be finite", key)
	}
	return x, true, nil
}

func (f *specFields) StrList(key string) ([]string, []model.Source, bool, error) {
	v, ok := f.get(key)
	if !ok {
		return nil, nil, false, nil
	}
	items, isList := v.([]any)
	if !isList {
		return nil, nil, true, f.Errorf(key, "%s: expected a list", key)
	}
	out := make([]string, len(items))
	src := make([]model.Source, len(items))
	for i, it := range items {
		s, isStr := it.(string)
		if !isStr {
			return nil, nil, true, f.Errorf(fmt.Sprintf("%s[%d]", key, i), "%s[%d]: expected a string", key, i)
		}
		out[i] = s
		src[i] = f.s.posAt(fmt.Sprintf("%s[%d]", f.at(key), i))
	}
	return out, src, true, nil
}

func (f *specFields) Entries(key string) ([]string, []model.Source, []scenario.Fields, bool, error) {
	v, ok := f.get(key)
	if !ok {
		return nil, nil, nil, false, nil
	}
	mm, isMap := v.(map[string]any)
	if !isMap {
		return nil, nil, nil, true, f.Errorf(key, "%s: expected a mapping", key)
	}
	names := make([]string, 0, len(mm))
	for k := range mm {
		names = append(names, k)
	}
	sort.Strings(names)
	src := make([]model.Source, len(names))
	fs := make([]scenario.Fields, len(names))
	for i, name := range names {
		sub, isMap := mm[name].(map[string]any)
		path := f.at(key) + "." + quoteKey(name)
		if !isMap {
			return nil, nil, nil, true, f.s.errAt(path, "%s: %s.%s: expected a mapping", f.what, key, name)
		}
		src[i] = f.s.posAt(path)
		fs[i] = &specFields{s: f.s, path: path, what: f.what + " " + key + "." + name, m: sub, used: map[string]bool{}}
	}
	return names, src, fs, true, nil
}

func (f *specFields) Src(key string) model.Source { return f.s.posAt(f.at(key)) }

func (f *specFields) Errorf(key, format string, args ...any) error {
	return f.s.errAt(f.at(key), "%s: %s", f.what, fmt.Sprintf(format, args...))
}

func (f *specFields) Missing(key string) error {
	return f.s.errAt(f.path, "%s: missing required field %q", f.what, key)
}

func (f *specFields) Done() error {
	var unknown []string
	for k := range f.m {
		if !f.used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return f.s.errAt(f.at(unknown[0]), "%s: unknown field %q", f.what, unknown[0])
}
