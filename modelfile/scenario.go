package modelfile

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/scenario"
)

// Scenario is a scenario file decoded into the scenario IR (package
// scenario): the time span, output times, settings and typed
// interventions.
type Scenario = scenario.Scenario

// Setting is one parameter value set by a scenario.
type Setting = scenario.Setting

// Window is a time interval [Start, End).
type Window = scenario.Window

// LoadScenario reads a scenario file and checks it against m (see
// ParseScenario).
func LoadScenario(path string, m *model.Model) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return ParseScenario(path, data, m)
}

// ParseScenario decodes scenario YAML text (name is used in error
// positions) and checks it against m with Lower: every input, taxon, site
// and parameter it names must exist in the model, every window must overlap
// the run. Errors are *Error (file:line:col).
func ParseScenario(name string, data []byte, m *model.Model) (*Scenario, error) {
	sc, err := DecodeScenario(name, data)
	if err != nil {
		return nil, err
	}
	if _, err := sc.Lower(m); err != nil {
		return nil, located(name, err)
	}
	return sc, nil
}

// DecodeScenario decodes scenario YAML text without a model: syntax, field
// names and types only (Scenario.Lower checks the meaning).
func DecodeScenario(name string, data []byte) (*Scenario, error) {
	body, d, err := parseYAML(name, data)
	if err != nil {
		return nil, err
	}
	p := &scenParser{d: d, sc: &Scenario{File: name}}
	if err := p.scenario(body); err != nil {
		return nil, err
	}
	return p.sc, nil
}

// located turns a *scenario.Error into an *Error at its place in file.
func located(file string, err error) error {
	var se *scenario.Error
	if !errors.As(err, &se) {
		return err
	}
	msg := strings.TrimPrefix(se.Error(), se.Src.String()+": ")
	if se.Src.File == "" {
		return &Error{File: file, Msg: msg}
	}
	return &Error{File: se.Src.File, Line: se.Src.Line, Col: se.Src.Col, Msg: msg}
}

type scenParser struct {
	d  *doc
	sc *Scenario
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
	if err := p.span(o, body); err != nil {
		return err
	}
	if err := p.output(o); err != nil {
		return err
	}
	if err := p.settings(o); err != nil {
		return err
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

// span reads start and duration or end.
func (p *scenParser) span(o *obj, body ast.Node) error {
	sc := p.sc
	var err error
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
	return nil
}

// output reads output.times or output.step (default a daily step) into the
// scenario's output times; a step's grid ends with the end time.
func (p *scenParser) output(o *obj) error {
	sc := p.sc
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
	return nil
}

// settings reads the set: block of parameter values.
func (p *scenParser) settings(o *obj) error {
	v, ok := o.get("set")
	if !ok {
		return nil
	}
	so, err := p.d.object(v, "set")
	if err != nil {
		return err
	}
	for _, k := range so.keys {
		x, _, err := so.num(k, 0)
		if err != nil {
			return err
		}
		xv, _ := so.get(k)
		p.sc.Set = append(p.sc.Set, Setting{Param: k, Value: x, Src: p.d.src(so.keyNode(k)), ValueSrc: p.d.src(xv)})
	}
	return nil
}

func (p *scenParser) intervention(v ast.Node, what string) (scenario.Intervention, error) {
	o, err := p.d.object(v, what)
	if err != nil {
		return nil, err
	}
	typ, err := o.reqStr("type")
	if err != nil {
		return nil, err
	}
	return scenario.Decode(typ, &fields{o: o, what: what + " (" + typ + ")"})
}

// fields reads one intervention's mapping for scenario.Decode.
type fields struct {
	o    *obj
	what string // "interventions[0] (probiotic)": the prefix of messages
}

func (f *fields) Str(key string) (string, bool, error) {
	if !f.o.has(key) {
		return "", false, nil
	}
	s, err := f.o.str(key, "")
	return s, true, err
}

func (f *fields) Num(key string) (float64, bool, error) { return f.o.num(key, 0) }

func (f *fields) StrList(key string) ([]string, []model.Source, bool, error) {
	v, ok := f.o.get(key)
	if !ok {
		return nil, nil, false, nil
	}
	items, nodes, err := f.o.d.strList(v, f.what+"."+key)
	if err != nil {
		return nil, nil, true, err
	}
	src := make([]model.Source, len(nodes))
	for i, n := range nodes {
		src[i] = f.o.d.src(n)
	}
	return items, src, true, nil
}

func (f *fields) Entries(key string) ([]string, []model.Source, []scenario.Fields, bool, error) {
	v, ok := f.o.get(key)
	if !ok {
		return nil, nil, nil, false, nil
	}
	so, err := f.o.d.object(v, f.what+"."+key)
	if err != nil {
		return nil, nil, nil, true, err
	}
	var src []model.Source
	var fs []scenario.Fields
	for _, name := range so.keys {
		w := f.what + "." + key + "." + name
		ev, _ := so.get(name)
		eo, err := f.o.d.object(ev, w)
		if err != nil {
			return nil, nil, nil, true, err
		}
		src = append(src, f.o.d.src(so.keyNode(name)))
		fs = append(fs, &fields{o: eo, what: w})
	}
	return so.keys, src, fs, true, so.done()
}

func (f *fields) node(key string) ast.Node {
	if key != "" {
		if v, ok := f.o.vals[key]; ok {
			return v
		}
	}
	return f.o.node
}

func (f *fields) Src(key string) model.Source { return f.o.d.src(f.node(key)) }

func (f *fields) Errorf(key, format string, args ...any) error {
	return f.o.d.errf(f.node(key), "%s: %s", f.what, fmt.Sprintf(format, args...))
}

func (f *fields) Missing(key string) error {
	return f.o.d.errf(f.o.node, "%s: missing required field %q", f.what, key)
}

func (f *fields) Done() error { return f.o.done() }
