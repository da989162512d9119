package modelfile

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// LoadModel reads a YAML model file and lowers it to the IR. Errors are
// *Error values located as file:line:col.
func LoadModel(path string) (*model.Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return ParseModel(path, data)
}

// ParseModel parses YAML model text; name is used in error positions.
func ParseModel(name string, data []byte) (*model.Model, error) {
	body, d, err := parseYAML(name, data)
	if err != nil {
		return nil, err
	}
	b := &builder{d: d, m: &model.Model{TimeUnit: "day", Annotations: map[string]string{}},
		symbols: map[string]symbol{}, exprSrc: map[*expr.Node]exprSrc{}}
	if err := b.model(body); err != nil {
		return nil, err
	}
	if err := b.m.Validate(); err != nil {
		return nil, model.InFile(name, err)
	}
	return b.m, nil
}

// symbol is a name that expressions may use.
type symbol struct {
	kind string // parameter, state, member, rule, input, observable, env
	unit string
	node ast.Node
}

type builder struct {
	d       *doc
	m       *model.Model
	symbols map[string]symbol
	funcs   map[string]*model.Function
	aliases map[string]string // unit aliases
	// pending expressions to check once every symbol is declared
	pending []pendingExpr
	exprSrc map[*expr.Node]exprSrc
	// community growth pieces (rate, effects), checked for 1/time
	pieces []pieceCheck
	comps  map[string]*model.Compartment
}

type pendingExpr struct {
	n     *expr.Node
	src   exprSrc
	what  string
	local map[string]bool
}

type pieceCheck struct {
	n      *expr.Node
	src    model.Source
	what   string
	member string
}

func (b *builder) declare(id, kind, unit string, n ast.Node) error {
	if id == "" {
		return b.d.errf(n, "empty id")
	}
	if !validID(id) {
		return b.d.errf(n, "invalid id %q: use letters, digits, '_' and '.' (not starting with a digit)", id)
	}
	if prev, ok := b.symbols[id]; ok {
		l, c := b.d.pos(prev.node)
		return b.d.errf(n, "duplicate id %q: already declared as a %s at %s:%d:%d", id, prev.kind, b.d.file, l, c)
	}
	if _, ok := b.funcs[id]; ok {
		return b.d.errf(n, "duplicate id %q: already declared as a function", id)
	}
	b.symbols[id] = symbol{kind: kind, unit: unit, node: n}
	return nil
}

func validID(s string) bool {
	if s == "" || s == "t" || s == "time" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i, r := range part {
			switch {
			case r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			case r >= '0' && r <= '9':
				if i == 0 && part == strings.Split(s, ".")[0] {
					return false
				}
			default:
				return false
			}
		}
	}
	return true
}

// parseExpr parses an expression value and queues its references for checking.
func (b *builder) parseExpr(v ast.Node, what string, local map[string]bool) (*expr.Node, error) {
	es, err := b.d.exprText(v, what)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(es.text) == "" {
		return nil, b.d.errf(v, "%s: empty expression", what)
	}
	n, err := expr.Parse(es.text)
	if err != nil {
		if se, ok := err.(*expr.SyntaxError); ok {
			l, c := es.at(se.Line, se.Col)
			return nil, &Error{File: b.d.file, Line: l, Col: c, Msg: fmt.Sprintf("%s: %s", what, se.Msg)}
		}
		return nil, b.d.errf(v, "%s: %v", what, err)
	}
	b.exprSrc[n] = es
	b.pending = append(b.pending, pendingExpr{n: n, src: es, what: what, local: local})
	return n, nil
}

// checkRefs reports the first identifier of n that is not declared, at its
// position inside the expression.
func (b *builder) checkRefs(p pendingExpr) error {
	var first error
	var walk func(n *expr.Node)
	walk = func(n *expr.Node) {
		if n == nil || first != nil {
			return
		}
		switch n.Op {
		case expr.OpVar:
			if p.local[n.Name] {
				return
			}
			if _, ok := b.symbols[n.Name]; !ok {
				l, c := p.src.at(n.Pos.Line, n.Pos.Col)
				msg := fmt.Sprintf("%s: unknown name %q", p.what, n.Name)
				if s := b.suggest(n.Name); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				first = &Error{File: b.d.file, Line: l, Col: c, Msg: msg}
				return
			}
		case expr.OpCall:
			if f, ok := b.funcs[n.Name]; ok {
				if len(f.Args) != len(n.Args) {
					l, c := p.src.at(n.Pos.Line, n.Pos.Col)
					first = &Error{File: b.d.file, Line: l, Col: c, Msg: fmt.Sprintf("%s: function %s takes %d arguments, got %d", p.what, n.Name, len(f.Args), len(n.Args))}
					return
				}
			} else if _, _, ok := expr.IsBuiltin(n.Name); !ok {
				l, c := p.src.at(n.Pos.Line, n.Pos.Col)
				first = &Error{File: b.d.file, Line: l, Col: c, Msg: fmt.Sprintf("%s: unknown function %q", p.what, n.Name)}
				return
			}
		}
		for _, a := range n.Args {
			walk(a)
		}
	}
	walk(p.n)
	return first
}

// suggest returns a declared id that differs from name only in case or by
// its site prefix.
func (b *builder) suggest(name string) string {
	var best []string
	low := strings.ToLower(name)
	for id := range b.symbols {
		if strings.ToLower(id) == low || strings.HasSuffix(id, "."+name) {
			best = append(best, id)
		}
	}
	sort.Strings(best)
	if len(best) > 0 {
		return best[0]
	}
	return ""
}

// provenance reads citation, evidence and note from o.
func (b *builder) provenance(o *obj) (model.Provenance, error) {
	var p model.Provenance
	var err error
	if p.Citation, err = o.str("citation", ""); err != nil {
		return p, err
	}
	if p.Note, err = o.str("note", ""); err != nil {
		return p, err
	}
	ev, err := o.str("evidence", "")
	if err != nil {
		return p, err
	}
	switch ev {
	case "", "Q", "S", "C":
		p.Evidence = model.Evidence(ev)
	default:
		v, _ := o.get("evidence")
		return p, b.d.errf(v, "%s.evidence: must be Q (magnitude from a source), S (sign only) or C (calibrated to data), got %q", o.what, ev)
	}
	return p, nil
}

func (b *builder) unit(o *obj) (string, error) {
	u, err := o.str("unit", "")
	if err != nil {
		return "", err
	}
	if a, ok := b.aliases[u]; ok {
		return a, nil
	}
	return u, nil
}

func (b *builder) model(body ast.Node) error {
	o, err := b.d.object(body, "model")
	if err != nil {
		return err
	}
	m := b.m
	if m.ID, err = o.str("id", ""); err != nil {
		return err
	}
	if m.Name, err = o.str("name", m.ID); err != nil {
		return err
	}
	if m.Description, err = o.str("description", ""); err != nil {
		return err
	}
	if m.TimeUnit, err = o.str("time_unit", "day"); err != nil {
		return err
	}
	if err := b.stringMap(o, "metadata", m.Annotations); err != nil {
		return err
	}
	b.aliases = map[string]string{}
	if err := b.stringMap(o, "units", b.aliases); err != nil {
		return err
	}
	b.funcs = map[string]*model.Function{}
	b.comps = map[string]*model.Compartment{}
	// the sections in the order they may refer to each other
	for _, sec := range []struct {
		key  string
		read func(ast.Node) error
	}{
		{"functions", b.functions}, {"sites", b.sites}, {"parameters", b.parameters}, {"inputs", b.inputs},
		{"states", b.states}, {"communities", b.communities}, {"rules", b.rules}, {"observables", b.observables},
		{"couplings", b.couplings}, {"conditions", b.conditions},
	} {
		if v, ok := o.get(sec.key); ok {
			if err := sec.read(v); err != nil {
				return err
			}
		}
	}
	if err := o.done(); err != nil {
		return err
	}
	for _, p := range b.pending {
		if err := b.checkRefs(p); err != nil {
			return err
		}
	}
	if err := b.checkUnits(); err != nil {
		return err
	}
	hoistConstants(m)
	return nil
}

// stringMap reads the optional mapping key of o, of string values, into dst.
func (b *builder) stringMap(o *obj, key string, dst map[string]string) error {
	v, ok := o.get(key)
	if !ok {
		return nil
	}
	mo, err := b.d.object(v, key)
	if err != nil {
		return err
	}
	for _, k := range mo.keys {
		s, err := mo.str(k, "")
		if err != nil {
			return err
		}
		dst[k] = s
	}
	return nil
}

func (b *builder) functions(v ast.Node) error {
	o, err := b.d.object(v, "functions")
	if err != nil {
		return err
	}
	for _, id := range o.keys {
		fv, _ := o.get(id)
		fo, err := b.d.object(fv, "functions."+id)
		if err != nil {
			return err
		}
		args, _, err := func() ([]string, []ast.Node, error) {
			av, ok := fo.get("args")
			if !ok {
				return nil, nil, b.d.errf(fv, "functions.%s: missing required field \"args\"", id)
			}
			return b.d.strList(av, "functions."+id+".args")
		}()
		if err != nil {
			return err
		}
		bv, ok := fo.get("body")
		if !ok {
			return b.d.errf(fv, "functions.%s: missing required field \"body\"", id)
		}
		local := map[string]bool{}
		for _, a := range args {
			local[a] = true
		}
		body, err := b.parseExpr(bv, "functions."+id+".body", local)
		if err != nil {
			return err
		}
		if _, err := fo.str("note", ""); err != nil {
			return err
		}
		if err := fo.done(); err != nil {
			return err
		}
		if _, _, isb := expr.IsBuiltin(id); isb || !validID(id) {
			return b.d.errf(o.keyNode(id), "function name %q is a builtin or not a valid id", id)
		}
		if _, dup := b.funcs[id]; dup {
			return b.d.errf(o.keyNode(id), "duplicate function %q", id)
		}
		f := &model.Function{ID: id, Args: args, Body: body, Src: b.d.src(o.keyNode(id))}
		b.funcs[id] = f
		b.m.Functions = append(b.m.Functions, f)
	}
	return nil
}

var envKeys = map[string]string{"sebum": "dimensionless", "moisture": "dimensionless", "temperature": "", "pH": "dimensionless"}

func (b *builder) sites(v ast.Node) error {
	o, err := b.d.object(v, "sites")
	if err != nil {
		return err
	}
	for _, id := range o.keys {
		sv, _ := o.get(id)
		so, err := b.d.object(sv, "sites."+id)
		if err != nil {
			return err
		}
		c := &model.Compartment{ID: id, Size: 1, SizeSet: true, Constant: true, SpatialDimensions: 3, Src: b.d.src(o.keyNode(id))}
		if c.Name, err = so.str("name", id); err != nil {
			return err
		}
		if c.Kind, err = so.str("kind", ""); err != nil {
			return err
		}
		switch c.Kind {
		case "gut", "skin", "host":
		default:
			kv, _ := so.get("kind")
			if kv == nil {
				kv = sv
			}
			return b.d.errf(kv, "sites.%s.kind: must be gut, skin or host, got %q", id, c.Kind)
		}
		if c.Prov, err = b.provenance(so); err != nil {
			return err
		}
		if ev, ok := so.get("env"); ok {
			eo, err := b.d.object(ev, "sites."+id+".env")
			if err != nil {
				return err
			}
			c.Env = map[string]float64{}
			for _, k := range eo.keys {
				if _, known := envKeys[k]; !known {
					return b.d.errf(eo.keyNode(k), "sites.%s.env: unknown environment key %q (known: sebum, moisture, temperature, pH)", id, k)
				}
				x, _, err := eo.num(k, 0)
				if err != nil {
					return err
				}
				c.Env[k] = x
				pid := id + "." + k
				if err := b.declare(pid, "environment parameter", envKeys[k], eo.keyNode(k)); err != nil {
					return err
				}
				b.m.Parameters = append(b.m.Parameters, &model.Parameter{ID: pid, Name: id + " " + k, Value: x, ValueSet: true,
					Unit: envKeys[k], Constant: true, Min: math.NaN(), Max: math.NaN(), Prov: c.Prov, Src: b.d.src(eo.keyNode(k))})
			}
		}
		if err := so.done(); err != nil {
			return err
		}
		if _, dup := b.comps[id]; dup {
			return b.d.errf(o.keyNode(id), "duplicate site %q", id)
		}
		b.comps[id] = c
		b.m.Compartments = append(b.m.Compartments, c)
	}
	return nil
}

// ensureHost adds the implicit "host" compartment for host states.
func (b *builder) ensureComp(id string, n ast.Node) error {
	if _, ok := b.comps[id]; ok {
		return nil
	}
	if id != "host" {
		return b.d.errf(n, "site %q is not declared under sites", id)
	}
	c := &model.Compartment{ID: "host", Name: "host", Kind: "host", Size: 1, SizeSet: true, Constant: true, SpatialDimensions: 3}
	b.comps["host"] = c
	b.m.Compartments = append(b.m.Compartments, c)
	return nil
}

func (b *builder) parameters(v ast.Node) error {
	o, err := b.d.object(v, "parameters")
	if err != nil {
		return err
	}
	for _, id := range o.keys {
		pv, _ := o.get(id)
		p, err := b.parameter(id, pv, o.keyNode(id))
		if err != nil {
			return err
		}
		b.m.Parameters = append(b.m.Parameters, p)
	}
	return nil
}

// parameter reads one parameter: either a number or a mapping with value,
// unit, citation, evidence, min, max, note.
func (b *builder) parameter(id string, pv, key ast.Node) (*model.Parameter, error) {
	what := "parameters." + id
	p := &model.Parameter{ID: id, Name: id, Constant: true, Min: math.NaN(), Max: math.NaN(), ValueSet: true, Src: b.d.src(key)}
	if !b.d.isMapping(pv) {
		x, err := b.d.number(pv, what)
		if err != nil {
			return nil, err
		}
		p.Value = x
	} else {
		po, err := b.d.object(pv, what)
		if err != nil {
			return nil, err
		}
		if p.Value, err = po.reqNum("value"); err != nil {
			return nil, err
		}
		if p.Name, err = po.str("name", id); err != nil {
			return nil, err
		}
		if p.Unit, err = b.unit(po); err != nil {
			return nil, err
		}
		if p.Prov, err = b.provenance(po); err != nil {
			return nil, err
		}
		lo, hasLo, err := po.num("min", math.NaN())
		if err != nil {
			return nil, err
		}
		hi, hasHi, err := po.num("max", math.NaN())
		if err != nil {
			return nil, err
		}
		p.Min, p.Max = lo, hi
		if hasLo && hasHi && lo > hi {
			mv, _ := po.get("min")
			return nil, b.d.errf(mv, "%s: min %v is greater than max %v", what, lo, hi)
		}
		if (hasLo && p.Value < lo) || (hasHi && p.Value > hi) {
			vv, _ := po.get("value")
			return nil, b.d.errf(vv, "%s: value %v is outside its range [%v, %v]", what, p.Value, lo, hi)
		}
		if err := po.done(); err != nil {
			return nil, err
		}
	}
	if err := b.declare(id, "parameter", p.Unit, key); err != nil {
		return nil, err
	}
	return p, nil
}

func (b *builder) inputs(v ast.Node) error {
	o, err := b.d.object(v, "inputs")
	if err != nil {
		return err
	}
	for _, id := range o.keys {
		iv, _ := o.get(id)
		in := &model.Input{ID: id, Name: id, Src: b.d.src(o.keyNode(id))}
		if !b.d.isMapping(iv) {
			if in.Default, err = b.d.number(iv, "inputs."+id); err != nil {
				return err
			}
		} else {
			io, err := b.d.object(iv, "inputs."+id)
			if err != nil {
				return err
			}
			if in.Default, _, err = io.num("default", 0); err != nil {
				return err
			}
			if in.Name, err = io.str("name", id); err != nil {
				return err
			}
			if in.Unit, err = b.unit(io); err != nil {
				return err
			}
			if in.Prov, err = b.provenance(io); err != nil {
				return err
			}
			if err := io.done(); err != nil {
				return err
			}
		}
		if err := b.declare(id, "input", in.Unit, o.keyNode(id)); err != nil {
			return err
		}
		b.m.Inputs = append(b.m.Inputs, in)
	}
	return nil
}

// initial reads an initial value: a number, or an expression (lowered to an
// initial assignment).
// requiredInitial reads the required field "initial" of object so (node
// sv, at what) for id: a number, or an expression that becomes an initial
// assignment of the model (assigned true). iv is the field's node.
func (b *builder) requiredInitial(id string, so *obj, sv ast.Node, what string) (x float64, assigned bool, iv ast.Node, err error) {
	iv, ok := so.get("initial")
	if !ok {
		return 0, false, nil, b.d.errf(sv, "%s: missing required field \"initial\"", what)
	}
	x, ia, err := b.initial(id, iv, what+".initial")
	if err != nil {
		return 0, false, iv, err
	}
	if ia != nil {
		b.m.InitialAssignments = append(b.m.InitialAssignments, ia)
	}
	return x, ia != nil, iv, nil
}

func (b *builder) initial(id string, v ast.Node, what string) (float64, *model.InitialAssignment, error) {
	x, err := b.d.number(v, what)
	if err == nil {
		return x, nil, nil
	}
	if _, isStr := mustUnwrap(b.d, v).(*ast.StringNode); !isStr {
		return 0, nil, err
	}
	n, perr := b.parseExpr(v, what, nil)
	if perr != nil {
		return 0, nil, perr
	}
	return 0, &model.InitialAssignment{Target: id, Math: n, Src: b.d.src(v)}, nil
}

func mustUnwrap(d *doc, v ast.Node) ast.Node {
	u, err := d.unwrap(v)
	if err != nil {
		return v
	}
	return u
}

func (b *builder) states(v ast.Node) error {
	o, err := b.d.object(v, "states")
	if err != nil {
		return err
	}
	for _, id := range o.keys {
		what := "states." + id
		sv, _ := o.get(id)
		so, err := b.d.object(sv, what)
		if err != nil {
			return err
		}
		s := &model.Species{ID: id, Name: id, HasOnlySubstanceUnits: true, InitialSet: true, Src: b.d.src(o.keyNode(id))}
		if s.Name, err = so.str("name", id); err != nil {
			return err
		}
		if s.Compartment, err = so.str("site", "host"); err != nil {
			return err
		}
		if err := b.ensureComp(s.Compartment, sv); err != nil {
			return err
		}
		if s.Unit, err = b.unit(so); err != nil {
			return err
		}
		if s.Prov, err = b.provenance(so); err != nil {
			return err
		}
		if s.NonNegative, err = so.boolean("non_negative", false); err != nil {
			return err
		}
		if s.Initial, _, _, err = b.requiredInitial(id, so, sv, what); err != nil {
			return err
		}
		rv, ok := so.get("rate")
		if !ok {
			return b.d.errf(sv, "%s: missing required field \"rate\" (d %s/dt)", what, id)
		}
		rate, err := b.parseExpr(rv, what+".rate", nil)
		if err != nil {
			return err
		}
		if err := so.done(); err != nil {
			return err
		}
		if err := b.declare(id, "state", s.Unit, o.keyNode(id)); err != nil {
			return err
		}
		b.m.Species = append(b.m.Species, s)
		b.m.Rules = append(b.m.Rules, &model.Rule{Kind: model.RateRule, Variable: id, Math: rate, Unit: s.Unit, Prov: s.Prov, Src: b.d.src(rv)})
	}
	return nil
}

func (b *builder) rules(v ast.Node) error {
	o, err := b.d.object(v, "rules")
	if err != nil {
		return err
	}
	for _, id := range o.keys {
		what := "rules." + id
		rv, _ := o.get(id)
		r := &model.Rule{Kind: model.AssignmentRule, Variable: id, Src: b.d.src(o.keyNode(id))}
		mathNode := rv
		if b.d.isMapping(rv) {
			ro, err := b.d.object(rv, what)
			if err != nil {
				return err
			}
			mv, ok := ro.get("math")
			if !ok {
				return b.d.errf(rv, "%s: missing required field \"math\"", what)
			}
			mathNode = mv
			if r.Unit, err = b.unit(ro); err != nil {
				return err
			}
			if r.Prov, err = b.provenance(ro); err != nil {
				return err
			}
			if err := ro.done(); err != nil {
				return err
			}
		}
		if r.Math, err = b.parseExpr(mathNode, what, nil); err != nil {
			return err
		}
		if err := b.declare(id, "rule", r.Unit, o.keyNode(id)); err != nil {
			return err
		}
		b.m.Parameters = append(b.m.Parameters, &model.Parameter{ID: id, Name: id, Unit: r.Unit, Constant: false,
			Min: math.NaN(), Max: math.NaN(), Prov: r.Prov, Src: r.Src})
		b.m.Rules = append(b.m.Rules, r)
	}
	return nil
}

func (b *builder) observables(v ast.Node) error {
	o, err := b.d.object(v, "observables")
	if err != nil {
		return err
	}
	for _, id := range o.keys {
		what := "observables." + id
		ov, _ := o.get(id)
		ob := &model.Observable{ID: id, Name: id, Src: b.d.src(o.keyNode(id))}
		if !b.d.isMapping(ov) {
			if ob.Math, err = b.parseExpr(ov, what, nil); err != nil {
				return err
			}
		} else {
			oo, err := b.d.object(ov, what)
			if err != nil {
				return err
			}
			if ob.Name, err = oo.str("name", id); err != nil {
				return err
			}
			if ob.Kind, err = oo.str("kind", ""); err != nil {
				return err
			}
			if ob.Unit, err = b.unit(oo); err != nil {
				return err
			}
			if ob.Prov, err = b.provenance(oo); err != nil {
				return err
			}
			switch ob.Kind {
			case "":
				mv, ok := oo.get("math")
				if !ok {
					return b.d.errf(ov, "%s: missing required field \"math\"", what)
				}
				if ob.Math, err = b.parseExpr(mv, what+".math", nil); err != nil {
					return err
				}
			case "dysbiosis":
				mv, ok := oo.get("members")
				if !ok {
					return b.d.errf(ov, "%s: missing required field \"members\" (the species whose composition is compared with baseline)", what)
				}
				names, nodes, err := b.d.strList(mv, what+".members")
				if err != nil {
					return err
				}
				if len(names) == 0 {
					return b.d.errf(mv, "%s.members: empty list", what)
				}
				for i, s := range names {
					expanded, err := b.expandMembers(s, nodes[i], what+".members")
					if err != nil {
						return err
					}
					ob.Members = append(ob.Members, expanded...)
				}
			default:
				kv, _ := oo.get("kind")
				return b.d.errf(kv, "%s.kind: unknown observable kind %q (known: dysbiosis; omit for an expression)", what, ob.Kind)
			}
			if err := oo.done(); err != nil {
				return err
			}
		}
		if err := b.declare(id, "observable", ob.Unit, o.keyNode(id)); err != nil {
			return err
		}
		b.m.Observables = append(b.m.Observables, ob)
	}
	return nil
}

// expandMembers resolves a member reference: a species id, or "<community
// site>.*" for all members of the community at that site.
func (b *builder) expandMembers(s string, n ast.Node, what string) ([]string, error) {
	if site, ok := strings.CutSuffix(s, ".*"); ok {
		for _, c := range b.m.Communities {
			if c.Compartment == site || c.ID == site {
				return append([]string(nil), c.Members...), nil
			}
		}
		return nil, b.d.errf(n, "%s: no community at site %q", what, site)
	}
	sym, ok := b.symbols[s]
	if !ok || (sym.kind != "member" && sym.kind != "state") {
		msg := fmt.Sprintf("%s: %q is not a species", what, s)
		if sg := b.suggest(s); sg != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sg)
		}
		return nil, b.d.errf(n, "%s", msg)
	}
	return []string{s}, nil
}

// conditions parses the clinical conditions: name, definition, grading,
// status and grade variables, named scores, provenance.
func (b *builder) conditions(v ast.Node) error {
	o, err := b.d.object(v, "conditions")
	if err != nil {
		return err
	}
	for _, id := range o.keys {
		what := "conditions." + id
		cv, _ := o.get(id)
		co, err := b.d.object(cv, what)
		if err != nil {
			return err
		}
		c := &model.Condition{ID: id, Src: b.d.src(o.keyNode(id))}
		for _, f := range []struct {
			key string
			dst *string
		}{{"name", &c.Name}, {"definition", &c.Definition}, {"grading", &c.Grading}} {
			if *f.dst, err = co.str(f.key, ""); err != nil {
				return err
			}
		}
		for _, f := range []struct {
			key string
			dst *string
		}{{"status", &c.Status}, {"grade", &c.Grade}} {
			if *f.dst, err = b.conditionVar(co, f.key, what); err != nil {
				return err
			}
		}
		if sv, ok := co.get("scores"); ok {
			so, err := b.d.object(sv, what+".scores")
			if err != nil {
				return err
			}
			for _, name := range so.keys {
				vr, err := b.conditionVar(so, name, what+".scores")
				if err != nil {
					return err
				}
				c.Scores = append(c.Scores, model.ConditionScore{Name: name, Variable: vr})
			}
			if err := so.done(); err != nil {
				return err
			}
		}
		if c.Prov, err = b.provenance(co); err != nil {
			return err
		}
		if c.Definition == "" {
			return b.d.errf(cv, "%s: missing required field \"definition\" (the clinical definition the status implements)", what)
		}
		if err := co.done(); err != nil {
			return err
		}
		b.m.Conditions = append(b.m.Conditions, c)
	}
	return o.done()
}

// conditionVar reads a required field of o naming a declared model variable.
func (b *builder) conditionVar(o *obj, key, what string) (string, error) {
	id, err := o.reqStr(key)
	if err != nil {
		return "", err
	}
	if _, ok := b.symbols[id]; !ok {
		kv, _ := o.get(key)
		return "", b.d.errf(kv, "%s.%s: %q is not a declared state, rule or observable", what, key, id)
	}
	return id, nil
}

func (b *builder) couplings(v ast.Node) error {
	items, err := b.d.list(v, "couplings")
	if err != nil {
		return err
	}
	for i, it := range items {
		what := fmt.Sprintf("couplings[%d]", i)
		co, err := b.d.object(it, what)
		if err != nil {
			return err
		}
		c := &model.Coupling{}
		if c.From, err = co.reqStr("from"); err != nil {
			return err
		}
		if c.To, err = co.reqStr("to"); err != nil {
			return err
		}
		sv, ok := co.get("sign")
		if !ok {
			return b.d.errf(it, "%s: missing required field \"sign\" (+1 or -1)", what)
		}
		sg, err := b.d.number(sv, what+".sign")
		if err != nil {
			return err
		}
		if sg != 1 && sg != -1 {
			return b.d.errf(sv, "%s.sign: must be +1 or -1, got %v", what, sg)
		}
		c.Sign = int(sg)
		if c.Param, err = co.str("parameter", ""); err != nil {
			return err
		}
		if c.Param != "" {
			if s, ok := b.symbols[c.Param]; !ok || s.kind != "parameter" {
				pv, _ := co.get("parameter")
				return b.d.errf(pv, "%s.parameter: %q is not a declared parameter", what, c.Param)
			}
		}
		if c.Mechanism, err = co.str("mechanism", ""); err != nil {
			return err
		}
		if c.Prov, err = b.provenance(co); err != nil {
			return err
		}
		if c.Prov.Evidence == "" {
			return b.d.errf(it, "%s: missing required field \"evidence\" (Q, S or C)", what)
		}
		if err := co.done(); err != nil {
			return err
		}
		b.m.Couplings = append(b.m.Couplings, c)
	}
	return nil
}
