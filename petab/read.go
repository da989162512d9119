package petab

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/internal/yamlnode"
	"github.com/holobiont/holobiont/sbml"
)

// yamlFile is the union of the PEtab v1 and v2 problem files.
type yamlFile struct {
	FormatVersion any `yaml:"format_version"`
	// v1
	ParameterFile any `yaml:"parameter_file"`
	Problems      []yamlProblem
	// v2 (flattened)
	ParameterFiles  []string                 `yaml:"parameter_files"`
	ModelFiles      map[string]yamlModelFile `yaml:"model_files"`
	ConditionFiles  []string                 `yaml:"condition_files"`
	ExperimentFiles []string                 `yaml:"experiment_files"`
	MeasurementFile []string                 `yaml:"measurement_files"`
	ObservableFiles []string                 `yaml:"observable_files"`
	MappingFiles    []string                 `yaml:"mapping_files"`
	Extensions      map[string]any           `yaml:"extensions"`
}

type yamlProblem struct {
	SBMLFiles        []string `yaml:"sbml_files"`
	ConditionFiles   []string `yaml:"condition_files"`
	MeasurementFiles []string `yaml:"measurement_files"`
	ObservableFiles  []string `yaml:"observable_files"`
	ModelFiles       map[string]yamlModelFile
}

type yamlModelFile struct {
	Language string `yaml:"language"`
	Location string `yaml:"location"`
}

// files lists a problem's table files, resolved against the YAML's folder.
type files struct {
	version                                        int
	model                                          string
	params, conds, exps, meas, obs, mapping, extra []string
}

// Load reads a PEtab problem (v1 or v2, SBML model) from its YAML file.
// Every table is parsed and checked on its own (columns, numbers, formulas,
// bounds); references between tables and the model are checked by
// estimate.Compile.
func Load(path string) (*estimate.Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	f, err := parseYAML(path, data)
	if err != nil {
		return nil, err
	}
	m, err := sbml.ReadFile(f.model)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	r := &reader{version: f.version, alias: map[string]string{}}
	for _, p := range f.mapping {
		if err := r.readMapping(p); err != nil {
			return nil, err
		}
	}
	s := &estimate.Spec{Version: f.version, Model: m, ModelFile: f.model}
	for _, p := range f.params {
		if err := r.readParams(p, s); err != nil {
			return nil, err
		}
	}
	for _, p := range f.obs {
		if err := r.readObservables(p, s); err != nil {
			return nil, err
		}
	}
	for _, p := range f.conds {
		if err := r.readConditions(p); err != nil {
			return nil, err
		}
	}
	for _, p := range f.exps {
		if err := r.readExperiments(p); err != nil {
			return nil, err
		}
	}
	for _, p := range f.meas {
		if err := r.readMeasurements(p, s); err != nil {
			return nil, err
		}
	}
	if len(s.Measurements) == 0 {
		return nil, &Error{File: path, Msg: "the problem has no measurements"}
	}
	return s, nil
}

func parseYAML(path string, data []byte) (*files, error) {
	var y yamlFile
	if err := yamlnode.Decode(path, data, &y); err != nil {
		var ye *yamlnode.Error
		if errors.As(err, &ye) {
			e := *ye
			e.Msg = "not a PEtab problem YAML file: " + e.Msg
			return nil, &e
		}
		return nil, &Error{File: path, Msg: "not a PEtab problem YAML file", Err: err}
	}
	dir := filepath.Dir(path)
	abs := func(l []string) []string {
		var out []string
		for _, p := range l {
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			out = append(out, p)
		}
		return out
	}
	ver := fmt.Sprint(y.FormatVersion)
	f := &files{}
	switch {
	case ver == "1" || strings.HasPrefix(ver, "1."):
		f.version = 1
		if len(y.Problems) != 1 {
			return nil, &Error{File: path, Msg: fmt.Sprintf("%d entries under problems; exactly one is supported", len(y.Problems))}
		}
		p := y.Problems[0]
		if len(p.SBMLFiles) != 1 {
			return nil, &Error{File: path, Msg: fmt.Sprintf("%d sbml_files; exactly one SBML model is supported", len(p.SBMLFiles))}
		}
		f.model = abs(p.SBMLFiles)[0]
		switch pf := y.ParameterFile.(type) {
		case string:
			f.params = abs([]string{pf})
		case []any:
			for _, v := range pf {
				f.params = append(f.params, abs([]string{fmt.Sprint(v)})...)
			}
		default:
			return nil, &Error{File: path, Msg: "parameter_file is missing"}
		}
		f.conds, f.meas, f.obs = abs(p.ConditionFiles), abs(p.MeasurementFiles), abs(p.ObservableFiles)
	case ver == "2" || strings.HasPrefix(ver, "2."):
		f.version = 2
		if len(y.Extensions) > 0 {
			for name, v := range y.Extensions {
				if req, ok := v.(map[string]any); ok && req["required"] == true {
					return nil, &Error{File: path, ID: name, Msg: "unsupported: required PEtab extension"}
				}
			}
		}
		if len(y.ModelFiles) != 1 {
			return nil, &Error{File: path, Msg: fmt.Sprintf("%d model_files; exactly one model is supported", len(y.ModelFiles))}
		}
		for id, mf := range y.ModelFiles {
			if mf.Language != "sbml" {
				return nil, &Error{File: path, ID: id, Msg: fmt.Sprintf("unsupported: model language %q (only sbml)", mf.Language)}
			}
			f.model = abs([]string{mf.Location})[0]
		}
		f.params = abs(y.ParameterFiles)
		if s, ok := y.ParameterFile.(string); ok && s != "" {
			f.params = append(f.params, abs([]string{s})...)
		}
		f.conds, f.exps, f.meas = abs(y.ConditionFiles), abs(y.ExperimentFiles), abs(y.MeasurementFile)
		f.obs, f.mapping = abs(y.ObservableFiles), abs(y.MappingFiles)
	default:
		return nil, &Error{File: path, Msg: fmt.Sprintf("unsupported: format_version %q (want 1 or 2.0.0)", ver)}
	}
	if len(f.params) == 0 {
		return nil, &Error{File: path, Msg: "no parameter table"}
	}
	if len(f.obs) == 0 {
		return nil, &Error{File: path, Msg: "no observable table"}
	}
	if len(f.meas) == 0 {
		return nil, &Error{File: path, Msg: "no measurement table"}
	}
	return f, nil
}

// reader holds what one table needs from the ones read before it.
type reader struct {
	version int
	alias   map[string]string // v2 mapping table: PEtab id -> model id
	// conditions by id, in file order of their first row
	conds     map[string][]estimate.Change
	condOrder []string
	condSrc   map[string]estimate.Source
	exps      map[string]*expRows
	expOrder  []string
	expIndex  map[string]int // experiment key -> index in Spec.Experiments
}

type expRows struct {
	src     estimate.Source
	periods map[float64][]string // start -> condition ids
}

var idRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// parseNumber reads a number cell; PEtab writes inf, -inf and NaN.
func parseNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// parseFormula parses a PEtab math expression: log(a, b) is the logarithm
// of a to base b, log(x) and ln(x) natural, log2 and sign are rewritten to
// builtins; only "time" is time (t is an ordinary identifier); true,
// false and inf are literals. Mapping-table aliases are replaced by model
// ids.
func (r *reader) parseFormula(src string) (*expr.Node, error) {
	sc := &expr.Scope{IsVar: func(name string) bool {
		switch name {
		case "time", "true", "false", "inf", "nan":
			return false
		}
		return true
	}}
	n, err := expr.ParseScope(src, sc)
	if err != nil {
		return nil, err
	}
	return r.rewrite(n)
}

func (r *reader) rewrite(n *expr.Node) (*expr.Node, error) {
	if n == nil {
		return nil, nil
	}
	c := *n
	if len(n.Args) > 0 {
		c.Args = make([]*expr.Node, len(n.Args))
		for i, a := range n.Args {
			var err error
			if c.Args[i], err = r.rewrite(a); err != nil {
				return nil, err
			}
		}
	}
	switch {
	case c.Op == expr.OpVar:
		if m, ok := r.alias[c.Name]; ok {
			c.Name = m
		}
	case c.Op == expr.OpCall && c.Name == "log" && len(c.Args) == 2:
		// PEtab: log(a, b) is log_b(a); expr: log(base, x)
		c.Args[0], c.Args[1] = c.Args[1], c.Args[0]
	case c.Op == expr.OpCall && c.Name == "log2":
		if len(c.Args) != 1 {
			return nil, fmt.Errorf("function log2 takes 1 argument, got %d", len(c.Args))
		}
		return expr.Call("log", expr.Num(2), c.Args[0]), nil
	case c.Op == expr.OpCall && c.Name == "sign":
		if len(c.Args) != 1 {
			return nil, fmt.Errorf("function sign takes 1 argument, got %d", len(c.Args))
		}
		x := c.Args[0]
		return expr.New(expr.OpPiecewise, expr.Num(1), expr.New(expr.OpGt, x, expr.Num(0)),
			expr.Num(-1), expr.New(expr.OpLt, x, expr.Num(0)), expr.Num(0)), nil
	case c.Op == expr.OpCall:
		if _, _, ok := expr.IsBuiltin(c.Name); !ok {
			return nil, fmt.Errorf("unknown function %q", c.Name)
		}
	}
	return &c, nil
}

func (r *reader) readMapping(path string) error {
	t, err := ReadTable(path)
	if err != nil {
		return err
	}
	return r.readMappingTable(t)
}

func (r *reader) readMappingTable(t *Table) error {
	if err := t.Require("petabEntityId", "modelEntityId"); err != nil {
		return err
	}
	for _, row := range t.Rows {
		pid, mid := t.Get(row, "petabEntityId"), t.Get(row, "modelEntityId")
		if !idRE.MatchString(pid) {
			return t.errf(row, "petabEntityId", pid, "not a valid PEtab id")
		}
		if mid != "" && mid != pid {
			r.alias[pid] = mid
		}
	}
	return nil
}

func (r *reader) readParams(path string, s *estimate.Spec) error {
	t, err := ReadTable(path)
	if err != nil {
		return err
	}
	return r.readParamsTable(t, s)
}

func (r *reader) readParamsTable(t *Table, s *estimate.Spec) error {
	req := []string{"parameterId", "nominalValue", "estimate"}
	if r.version == 1 {
		req = append(req, "parameterScale", "lowerBound", "upperBound")
	}
	if err := t.Require(req...); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, p := range s.Params {
		seen[p.ID] = true
	}
	for _, row := range t.Rows {
		p, err := r.param(t, row)
		if err != nil {
			return err
		}
		if seen[p.ID] {
			return t.errf(row, "parameterId", p.ID, "parameter listed twice")
		}
		seen[p.ID] = true
		s.Params = append(s.Params, p)
	}
	return nil
}

func (r *reader) param(t *Table, row Row) (estimate.Param, error) {
	id := t.Get(row, "parameterId")
	p := estimate.Param{ID: id, Name: t.Get(row, "parameterName"), Src: estimate.Source{File: t.File, Line: row.Line}}
	if !idRE.MatchString(id) {
		return p, t.errf(row, "parameterId", id, "not a valid PEtab id ([A-Za-z_][A-Za-z0-9_]*)")
	}
	switch e := t.Get(row, "estimate"); e {
	case "1", "true", "True", "TRUE":
		p.Estimate = true
	case "0", "false", "False", "FALSE":
	default:
		return p, t.errf(row, "estimate", id, "%q is not true/false (v2) or 1/0 (v1)", e)
	}
	if r.version == 1 {
		sc, ok := estimate.ParseScale(t.Get(row, "parameterScale"))
		if !ok {
			return p, t.errf(row, "parameterScale", id, "%q is not lin, log or log10", t.Get(row, "parameterScale"))
		}
		p.Scale = sc
	}
	num := func(col string, need bool, dflt float64) (float64, error) {
		c := t.Get(row, col)
		if c == "" {
			if need {
				return 0, t.errf(row, col, id, "value missing")
			}
			return dflt, nil
		}
		v, ok := parseNumber(c)
		if !ok || math.IsNaN(v) {
			return 0, t.errf(row, col, id, "%q is not a number", c)
		}
		return v, nil
	}
	var err error
	if p.Nominal, err = num("nominalValue", !p.Estimate, math.NaN()); err != nil {
		return p, err
	}
	if p.Lower, err = num("lowerBound", p.Estimate, math.Inf(-1)); err != nil {
		return p, err
	}
	if p.Upper, err = num("upperBound", p.Estimate, math.Inf(1)); err != nil {
		return p, err
	}
	if !p.Estimate && (math.IsInf(p.Nominal, 0)) {
		return p, t.errf(row, "nominalValue", id, "value %v is not finite", p.Nominal)
	}
	if p.Lower > p.Upper {
		return p, t.errf(row, "lowerBound", id, "lower bound %v is above the upper bound %v", p.Lower, p.Upper)
	}
	if p.Estimate && p.Scale != estimate.Lin {
		if p.Lower <= 0 {
			return p, t.errf(row, "lowerBound", id, "parameter estimated on %s scale has a non-positive lower bound %v", p.Scale, p.Lower)
		}
		if !math.IsNaN(p.Nominal) && p.Nominal <= 0 {
			return p, t.errf(row, "nominalValue", id, "parameter estimated on %s scale has a non-positive nominal value %v", p.Scale, p.Nominal)
		}
	}
	if p.Estimate && (math.IsInf(p.Lower, 0) || math.IsInf(p.Upper, 0)) && r.version == 1 {
		return p, t.errf(row, "lowerBound", id, "estimated parameter needs finite bounds, got [%v, %v]", p.Lower, p.Upper)
	}
	if math.IsNaN(p.Nominal) {
		// v2 allows an estimated parameter without a nominal value: use the
		// midpoint of its bounds on its scale where needed
		p.Nominal = p.Scale.From((p.Scale.To(p.Lower) + p.Scale.To(p.Upper)) / 2)
	}
	prior, err := r.prior(t, row, id, p)
	if err != nil {
		return p, err
	}
	p.Prior = prior
	return p, nil
}

// priorKinds maps PEtab prior names (v1 camelCase and v2) to the
// canonical names and their number of parameters.
var priorKinds = map[string]struct {
	kind    string
	n       int
	onScale bool
}{
	"uniform": {"uniform", 2, false}, "normal": {"normal", 2, false}, "laplace": {"laplace", 2, false},
	"logNormal": {"log-normal", 2, false}, "log-normal": {"log-normal", 2, false},
	"logLaplace": {"log-laplace", 2, false}, "log-laplace": {"log-laplace", 2, false},
	"parameterScaleUniform": {"uniform", 2, true}, "parameterScaleNormal": {"normal", 2, true},
	"parameterScaleLaplace": {"laplace", 2, true},
	"cauchy":                {"cauchy", 2, false}, "chisquare": {"chisquare", 1, false},
	"exponential": {"exponential", 1, false}, "gamma": {"gamma", 2, false},
	"log-uniform": {"log-uniform", 2, false}, "rayleigh": {"rayleigh", 1, false},
}

func (r *reader) prior(t *Table, row Row, id string, p estimate.Param) (*estimate.Prior, error) {
	kindCol, parCol := "priorDistribution", "priorParameters"
	if r.version == 1 {
		kindCol, parCol = "objectivePriorType", "objectivePriorParameters"
	}
	k := t.Get(row, kindCol)
	if k == "" {
		return nil, nil
	}
	pk, ok := priorKinds[k]
	if !ok || (r.version == 2 && pk.onScale) {
		return nil, t.errf(row, kindCol, id, "unsupported prior %q", k)
	}
	if r.version == 1 && pk.onScale && k == "parameterScaleUniform" {
		return nil, nil // a flat prior on the estimation scale: no term
	}
	pr := &estimate.Prior{Kind: pk.kind, OnScale: pk.onScale, Truncate: r.version == 2}
	for _, c := range strings.Split(t.Get(row, parCol), ";") {
		v, ok := parseNumber(strings.TrimSpace(c))
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, t.errf(row, parCol, id, "%q is not a ';'-separated list of numbers", t.Get(row, parCol))
		}
		pr.Params = append(pr.Params, v)
	}
	if len(pr.Params) != pk.n {
		return nil, t.errf(row, parCol, id, "prior %s takes %d parameter(s), got %d", k, pk.n, len(pr.Params))
	}
	return pr, nil
}

var v1Placeholder = regexp.MustCompile(`^(observable|noise)Parameter([0-9]+)_(.+)$`)

func (r *reader) readObservables(path string, s *estimate.Spec) error {
	t, err := ReadTable(path)
	if err != nil {
		return err
	}
	return r.readObservablesTable(t, s)
}

func (r *reader) readObservablesTable(t *Table, s *estimate.Spec) error {
	if err := t.Require("observableId", "observableFormula", "noiseFormula"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, o := range s.Observables {
		seen[o.ID] = true
	}
	for _, row := range t.Rows {
		id := t.Get(row, "observableId")
		if !idRE.MatchString(id) {
			return t.errf(row, "observableId", id, "not a valid PEtab id")
		}
		if seen[id] {
			return t.errf(row, "observableId", id, "observable listed twice")
		}
		seen[id] = true
		o := estimate.Observable{ID: id, Name: t.Get(row, "observableName"), Src: estimate.Source{File: t.File, Line: row.Line}}
		for _, c := range []struct {
			col string
			dst **expr.Node
		}{{"observableFormula", &o.Formula}, {"noiseFormula", &o.Noise}} {
			src := t.Get(row, c.col)
			if src == "" {
				return t.errf(row, c.col, id, "formula missing")
			}
			n, err := r.parseFormula(src)
			if err != nil {
				return &Error{File: t.File, Line: row.Line, Column: c.col, ID: id, Msg: fmt.Sprintf("formula %q does not parse", src), Err: err}
			}
			*c.dst = n
		}
		dist := t.Get(row, "noiseDistribution")
		if r.version == 1 {
			tr, ok := estimate.ParseScale(t.Get(row, "observableTransformation"))
			if !ok {
				return t.errf(row, "observableTransformation", id, "%q is not lin, log or log10", t.Get(row, "observableTransformation"))
			}
			o.Transform = tr
		} else {
			switch {
			case strings.HasPrefix(dist, "log10-"):
				o.Transform, dist = estimate.Log10, strings.TrimPrefix(dist, "log10-")
			case strings.HasPrefix(dist, "log-"):
				o.Transform, dist = estimate.Log, strings.TrimPrefix(dist, "log-")
			}
		}
		switch dist {
		case "", "normal":
			o.Dist = estimate.Normal
		case "laplace":
			o.Dist = estimate.Laplace
		default:
			return t.errf(row, "noiseDistribution", id, "unsupported noise distribution %q", t.Get(row, "noiseDistribution"))
		}
		if r.version == 1 {
			o.ObsPlaceholders = v1Placeholders(o.Formula, "observable", id)
			o.NoisePlaceholders = v1Placeholders(o.Noise, "noise", id)
		} else {
			for _, c := range []struct {
				col string
				dst *[]string
			}{{"observablePlaceholders", &o.ObsPlaceholders}, {"noisePlaceholders", &o.NoisePlaceholders}} {
				if v := t.Get(row, c.col); v != "" {
					for _, ph := range strings.Split(v, ";") {
						ph = strings.TrimSpace(ph)
						if !idRE.MatchString(ph) {
							return t.errf(row, c.col, id, "placeholder %q is not a valid PEtab id", ph)
						}
						*c.dst = append(*c.dst, ph)
					}
				}
			}
		}
		s.Observables = append(s.Observables, o)
	}
	return nil
}

// v1Placeholders lists observableParameter{n}_{id} (or noiseParameter)
// placeholders 1..max n used in the formula.
func v1Placeholders(n *expr.Node, kind, id string) []string {
	max := 0
	for _, v := range expr.Vars(n) {
		m := v1Placeholder.FindStringSubmatch(v)
		if m == nil || m[1] != kind || m[3] != id {
			continue
		}
		if k, err := strconv.Atoi(m[2]); err == nil && k > max && k < 1000 {
			max = k
		}
	}
	var out []string
	for k := 1; k <= max; k++ {
		out = append(out, fmt.Sprintf("%sParameter%d_%s", kind, k, id))
	}
	return out
}

func (r *reader) addChange(cond string, ch estimate.Change) error {
	if r.conds == nil {
		r.conds, r.condSrc = map[string][]estimate.Change{}, map[string]estimate.Source{}
	}
	if _, ok := r.conds[cond]; !ok {
		r.condOrder = append(r.condOrder, cond)
		r.condSrc[cond] = ch.Src
		r.conds[cond] = nil
	}
	if ch.Target == "" {
		return nil
	}
	for _, c := range r.conds[cond] {
		if c.Target == ch.Target {
			return &Error{File: ch.Src.File, Line: ch.Src.Line, ID: cond, Msg: fmt.Sprintf("target %s is changed twice in this condition (also at line %d)", ch.Target, c.Src.Line)}
		}
	}
	r.conds[cond] = append(r.conds[cond], ch)
	return nil
}

func (r *reader) readConditions(path string) error {
	t, err := ReadTable(path)
	if err != nil {
		return err
	}
	return r.readConditionsTable(t)
}

func (r *reader) readConditionsTable(t *Table) error {
	if err := t.Require("conditionId"); err != nil {
		return err
	}
	if r.version == 2 {
		if err := t.Require("targetId", "targetValue"); err != nil {
			return err
		}
	}
	for _, row := range t.Rows {
		cid := t.Get(row, "conditionId")
		if !idRE.MatchString(cid) {
			return t.errf(row, "conditionId", cid, "not a valid PEtab id")
		}
		src := estimate.Source{File: t.File, Line: row.Line}
		if r.version == 2 {
			tgt := t.Get(row, "targetId")
			if m, ok := r.alias[tgt]; ok {
				tgt = m
			}
			if tgt == "" {
				return t.errf(row, "targetId", cid, "target missing")
			}
			v := t.Get(row, "targetValue")
			n, err := r.parseFormula(v)
			if err != nil {
				return &Error{File: t.File, Line: row.Line, Column: "targetValue", ID: cid, Msg: fmt.Sprintf("target value %q for %s does not parse", v, tgt), Err: err}
			}
			if err := r.addChange(cid, estimate.Change{Target: tgt, Value: n, Cond: cid, Src: src}); err != nil {
				return err
			}
			continue
		}
		if _, dup := r.conds[cid]; dup {
			return t.errf(row, "conditionId", cid, "condition listed twice")
		}
		if err := r.addChange(cid, estimate.Change{Cond: cid, Src: src}); err != nil {
			return err
		}
		for i, col := range t.Header {
			if col == "conditionId" || col == "conditionName" {
				continue
			}
			v := row.Cells[i]
			if f, ok := parseNumber(v); v == "" || (ok && math.IsNaN(f)) {
				continue // NaN: no change (keep the pre-equilibrated or model value)
			}
			n, err := r.parseFormula(v)
			if err != nil {
				return &Error{File: t.File, Line: row.Line, Column: col, ID: cid, Msg: fmt.Sprintf("value %q does not parse", v), Err: err}
			}
			if err := r.addChange(cid, estimate.Change{Target: col, Value: n, Cond: cid, Src: src}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *reader) readExperiments(path string) error {
	t, err := ReadTable(path)
	if err != nil {
		return err
	}
	return r.readExperimentsTable(t)
}

func (r *reader) readExperimentsTable(t *Table) error {
	if err := t.Require("experimentId", "time", "conditionId"); err != nil {
		return err
	}
	if r.exps == nil {
		r.exps = map[string]*expRows{}
	}
	for _, row := range t.Rows {
		eid := t.Get(row, "experimentId")
		if !idRE.MatchString(eid) {
			return t.errf(row, "experimentId", eid, "not a valid PEtab id")
		}
		tv, ok := parseNumber(t.Get(row, "time"))
		if !ok || math.IsNaN(tv) || math.IsInf(tv, 1) {
			return t.errf(row, "time", eid, "%q is not a number or -inf", t.Get(row, "time"))
		}
		cid := t.Get(row, "conditionId")
		if cid != "" {
			if _, ok := r.conds[cid]; !ok {
				return t.errf(row, "conditionId", eid, "unknown condition %q (not in the condition table)", cid)
			}
		}
		e := r.exps[eid]
		if e == nil {
			e = &expRows{src: estimate.Source{File: t.File, Line: row.Line}, periods: map[float64][]string{}}
			r.exps[eid] = e
			r.expOrder = append(r.expOrder, eid)
		}
		if _, ok := e.periods[tv]; !ok {
			e.periods[tv] = nil
		}
		if cid != "" {
			e.periods[tv] = append(e.periods[tv], cid)
		}
	}
	return nil
}

// experiment returns the index of the experiment for a measurement row,
// creating it on first use.
func (r *reader) experiment(s *estimate.Spec, t *Table, row Row, key string, build func() (estimate.Experiment, error)) (int, error) {
	if r.expIndex == nil {
		r.expIndex = map[string]int{}
	}
	if i, ok := r.expIndex[key]; ok {
		return i, nil
	}
	e, err := build()
	if err != nil {
		return 0, err
	}
	s.Experiments = append(s.Experiments, e)
	r.expIndex[key] = len(s.Experiments) - 1
	return len(s.Experiments) - 1, nil
}

func (r *reader) condPeriod(start float64, ids ...string) (estimate.Period, error) {
	p := estimate.Period{Start: start}
	targets := map[string]string{}
	for _, id := range ids {
		for _, ch := range r.conds[id] {
			if prev, ok := targets[ch.Target]; ok {
				return p, &Error{File: ch.Src.File, Line: ch.Src.Line, ID: id, Msg: fmt.Sprintf("conditions %s and %s applied at the same time both change %s", prev, id, ch.Target)}
			}
			targets[ch.Target] = id
			p.Changes = append(p.Changes, ch)
		}
	}
	return p, nil
}

func (r *reader) readMeasurements(path string, s *estimate.Spec) error {
	t, err := ReadTable(path)
	if err != nil {
		return err
	}
	return r.readMeasurementsTable(t, s)
}

func (r *reader) readMeasurementsTable(t *Table, s *estimate.Spec) error {
	req := []string{"observableId", "time", "measurement"}
	if r.version == 1 {
		req = append(req, "simulationConditionId")
	}
	if err := t.Require(req...); err != nil {
		return err
	}
	obsIdx := map[string]int{}
	for i, o := range s.Observables {
		obsIdx[o.ID] = i
	}
	for _, row := range t.Rows {
		oid := t.Get(row, "observableId")
		oi, ok := obsIdx[oid]
		if !ok {
			return t.errf(row, "observableId", oid, "unknown observable (not in the observable table)")
		}
		m, err := r.measurementRow(t, row, s.Observables[oi])
		if err != nil {
			return err
		}
		m.Obs = oi
		if r.version == 1 {
			m.Exp, err = r.experimentV1(s, t, row, oid)
		} else {
			m.Exp, err = r.experimentV2(s, t, row, oid)
		}
		if err != nil {
			return err
		}
		s.Measurements = append(s.Measurements, m)
	}
	return nil
}

// measurementRow reads one measurement row's time, value and placeholder
// values for observable o (Obs and Exp are left to the caller).
func (r *reader) measurementRow(t *Table, row Row, o estimate.Observable) (estimate.Measurement, error) {
	oid := o.ID
	m := estimate.Measurement{Src: estimate.Source{File: t.File, Line: row.Line}, Columns: map[string]string{}}
	tv, ok := parseNumber(t.Get(row, "time"))
	if !ok || math.IsNaN(tv) || math.IsInf(tv, -1) {
		return m, t.errf(row, "time", oid, "%q is not a number or inf", t.Get(row, "time"))
	}
	m.Time = tv
	mv, ok := parseNumber(t.Get(row, "measurement"))
	if !ok || math.IsNaN(mv) || math.IsInf(mv, 0) {
		return m, t.errf(row, "measurement", oid, "%q is not a finite number", t.Get(row, "measurement"))
	}
	m.Value = mv
	if o.Transform != estimate.Lin && mv <= 0 {
		return m, t.errf(row, "measurement", oid, "measurement %v is not positive, but observable %s is on %s scale", mv, oid, o.Transform)
	}
	var err error
	if m.ObsParams, err = r.placeholderValues(t, row, "observableParameters", oid, o.ObsPlaceholders); err != nil {
		return m, err
	}
	if m.NoiseParams, err = r.placeholderValues(t, row, "noiseParameters", oid, o.NoisePlaceholders); err != nil {
		return m, err
	}
	// the columns kept for the simulation table
	for _, col := range []string{"observableId", "preequilibrationConditionId", "simulationConditionId", "experimentId", "time", "observableParameters", "noiseParameters", "datasetId", "replicateId"} {
		if t.Has(col) {
			m.Columns[col] = t.Get(row, col)
		}
	}
	return m, nil
}

// placeholderValues reads column col's ';'-separated values (numbers or
// parameter ids) for the placeholders ph of observable oid.
func (r *reader) placeholderValues(t *Table, row Row, col, oid string, ph []string) ([]*expr.Node, error) {
	v := t.Get(row, col)
	if v == "" {
		if len(ph) > 0 {
			return nil, t.errf(row, col, oid, "observable %s has %d placeholder(s) (%s) but no values are given", oid, len(ph), strings.Join(ph, ";"))
		}
		return nil, nil
	}
	parts := strings.Split(v, ";")
	if len(parts) != len(ph) {
		return nil, t.errf(row, col, oid, "%d value(s) %q for %d placeholder(s) of observable %s", len(parts), v, len(ph), oid)
	}
	var dst []*expr.Node
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if f, ok := parseNumber(part); ok {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, t.errf(row, col, oid, "value %q is not finite", part)
			}
			dst = append(dst, expr.Num(f))
			continue
		}
		if m, ok := r.alias[part]; ok {
			part = m
		}
		if !idRE.MatchString(part) {
			return nil, t.errf(row, col, oid, "%q is neither a number nor a parameter id", part)
		}
		dst = append(dst, expr.Var(part))
	}
	return dst, nil
}

// experimentV1 returns the index of a PEtab v1 row's experiment: its
// pre-equilibration condition (if any) and its simulation condition.
func (r *reader) experimentV1(s *estimate.Spec, t *Table, row Row, oid string) (int, error) {
	pre, sim := t.Get(row, "preequilibrationConditionId"), t.Get(row, "simulationConditionId")
	for _, c := range []struct{ col, id string }{{"preequilibrationConditionId", pre}, {"simulationConditionId", sim}} {
		if _, ok := r.conds[c.id]; c.id != "" && !ok {
			return 0, t.errf(row, c.col, oid, "unknown condition %q (not in the condition table)", c.id)
		}
	}
	if sim == "" {
		return 0, t.errf(row, "simulationConditionId", oid, "simulation condition missing")
	}
	return r.experiment(s, t, row, pre+"\x00"+sim, func() (estimate.Experiment, error) {
		e := estimate.Experiment{ID: sim, PreeqID: pre, SimID: sim}
		if pre != "" {
			e.ID = pre + ":" + sim
			p, err := r.condPeriod(math.Inf(-1), pre)
			if err != nil {
				return e, err
			}
			e.Periods = append(e.Periods, p)
		}
		p, err := r.condPeriod(0, sim)
		if err != nil {
			return e, err
		}
		e.Periods = append(e.Periods, p)
		return e, nil
	})
}

// experimentV2 returns the index of a PEtab v2 row's experiment (its
// experimentId's periods, or one period from 0 without one).
func (r *reader) experimentV2(s *estimate.Spec, t *Table, row Row, oid string) (int, error) {
	eid := t.Get(row, "experimentId")
	if m2, ok := r.alias[eid]; ok {
		eid = m2
	}
	if eid != "" && r.exps[eid] == nil {
		return 0, t.errf(row, "experimentId", oid, "unknown experiment %q (not in the experiment table)", eid)
	}
	return r.experiment(s, t, row, eid, func() (estimate.Experiment, error) {
		e := estimate.Experiment{ID: eid}
		if eid == "" {
			e.Periods = []estimate.Period{{Start: 0}}
			return e, nil
		}
		rows := r.exps[eid]
		var starts []float64
		for st := range rows.periods {
			starts = append(starts, st)
		}
		sort.Float64s(starts)
		for _, st := range starts {
			p, err := r.condPeriod(st, rows.periods[st]...)
			if err != nil {
				return e, err
			}
			e.Periods = append(e.Periods, p)
		}
		return e, nil
	})
}

// ReadParameterValues reads parameter values from a table with the
// columns parameterId and nominalValue (a PEtab parameter table, values on
// the linear scale, as calibrate writes its best fit) and returns them by
// id.
func ReadParameterValues(path string) (map[string]float64, error) {
	t, err := ReadTable(path)
	if err != nil {
		return nil, err
	}
	if err := t.Require("parameterId", "nominalValue"); err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, row := range t.Rows {
		id := t.Get(row, "parameterId")
		v, ok := parseNumber(t.Get(row, "nominalValue"))
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, t.errf(row, "nominalValue", id, "%q is not a finite number", t.Get(row, "nominalValue"))
		}
		if _, dup := out[id]; dup {
			return nil, t.errf(row, "parameterId", id, "parameter listed twice")
		}
		out[id] = v
	}
	return out, nil
}

// SetNominal replaces the nominal values of s's parameters by vals (linear
// scale); an id that is not in the parameter table is an error.
func SetNominal(s *estimate.Spec, vals map[string]float64, file string) error {
	for id, v := range vals {
		j := s.ParamIndex(id)
		if j < 0 {
			return &Error{File: file, ID: id, Msg: "not in the problem's parameter table"}
		}
		p := &s.Params[j]
		if p.Estimate && p.Scale != estimate.Lin && v <= 0 {
			return &Error{File: file, ID: id, Msg: fmt.Sprintf("value %v is not positive, but the parameter is on %s scale", v, p.Scale)}
		}
		p.Nominal = v
	}
	return nil
}

// Hash returns the SHA-256 (hex) of a problem: its YAML file and every
// model and table file it lists, in a fixed order, each preceded by its
// base name.
func Hash(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", &Error{File: path, Err: err}
	}
	f, err := parseYAML(path, data)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	files := append([]string{path, f.model}, f.params...)
	for _, l := range [][]string{f.obs, f.conds, f.exps, f.meas, f.mapping} {
		files = append(files, l...)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", &Error{File: name, Err: err}
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(name), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
