package modelfile

import (
	"fmt"
	"math"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// communities reads the per-site gLV blocks:
//
//	communities:
//	  <site>:
//	    shedding: <expr>            per-capita loss shared by all members (1/time)
//	    extinction_threshold: <num>
//	    unit: <density unit of the members>
//	    members:
//	      <short id>: {taxon, initial, rate, niche, effects, inflow, citation, evidence, note}
//	    interactions: [{target, source, parameter}]
//	    matrix: {unit, citation, evidence, note, rows: {<target>: [a_t,source for each member in order]}}
//	    observables: true           generate <site>.total, <site>.shannon, <site>.rel.<short>
func (b *builder) communities(v ast.Node) error {
	o, err := b.d.object(v, "communities")
	if err != nil {
		return err
	}
	for _, site := range o.keys {
		cv, _ := o.get(site)
		if err := b.community(site, cv, o.keyNode(site)); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) community(site string, cv, key ast.Node) error {
	what := "communities." + site
	co, err := b.d.object(cv, what)
	if err != nil {
		return err
	}
	if _, ok := b.comps[site]; !ok {
		return b.d.errf(key, "%s: site %q is not declared under sites", what, site)
	}
	c := &model.Community{Compartment: site, Src: b.d.src(key)}
	if c.ID, err = co.str("id", site+"_community"); err != nil {
		return err
	}
	if err := b.declare(c.ID, "community", "", key); err != nil {
		return err
	}
	unit, err := b.unit(co)
	if err != nil {
		return err
	}
	if c.Prov, err = b.provenance(co); err != nil {
		return err
	}
	if c.ExtinctionThreshold, _, err = co.num("extinction_threshold", 0); err != nil {
		return err
	}
	if c.ExtinctionThreshold < 0 {
		ev, _ := co.get("extinction_threshold")
		return b.d.errf(ev, "%s.extinction_threshold: must be >= 0", what)
	}
	if sv, ok := co.get("shedding"); ok {
		if c.Shedding, err = b.parseExpr(sv, what+".shedding", nil); err != nil {
			return err
		}
	}
	mv, ok := co.get("members")
	if !ok {
		return b.d.errf(cv, "%s: missing required field \"members\"", what)
	}
	mo, err := b.d.object(mv, what+".members")
	if err != nil {
		return err
	}
	if len(mo.keys) == 0 {
		return b.d.errf(mv, "%s.members: a community needs at least one member", what)
	}
	short := map[string]string{} // short id -> full id
	for _, sid := range mo.keys {
		if err := b.member(c, site, what, unit, mo, sid, short); err != nil {
			return err
		}
	}
	if err := b.interactions(c, co, what, short); err != nil {
		return err
	}
	if xv, ok := co.get("matrix"); ok {
		if err := b.matrix(c, xv, what+".matrix", mo.keys, short); err != nil {
			return err
		}
	}
	seen := map[[2]string]bool{}
	for _, in := range c.Interactions {
		k := [2]string{in.Target, in.Source}
		if seen[k] {
			return b.d.errf(key, "%s: interaction %s <- %s is given twice", what, in.Target, in.Source)
		}
		seen[k] = true
	}
	gen, err := co.boolean("observables", true)
	if err != nil {
		return err
	}
	if err := co.done(); err != nil {
		return err
	}
	b.m.Communities = append(b.m.Communities, c)
	if gen {
		return b.communityObservables(c, key, unit)
	}
	return nil
}

// member declares member sid of community c (members object mo, its
// short and full ids recorded in short): the species, its initial value,
// and its growth (rate × niche factor + effects) and inflow terms.
func (b *builder) member(c *model.Community, site, what, unit string, mo *obj, sid string, short map[string]string) error {
	full := sid
	if !strings.Contains(sid, ".") {
		full = site + "." + sid
	}
	short[sid] = full
	short[full] = full
	mwhat := what + ".members." + sid
	sv, _ := mo.get(sid)
	so, err := b.d.object(sv, mwhat)
	if err != nil {
		return err
	}
	s := &model.Species{ID: full, Name: full, Compartment: site, HasOnlySubstanceUnits: true, InitialSet: true,
		NonNegative: true, Unit: unit, Src: b.d.src(mo.keyNode(sid))}
	if s.Taxon, err = so.str("taxon", sid); err != nil {
		return err
	}
	if s.Name, err = so.str("name", s.Taxon); err != nil {
		return err
	}
	if s.Prov, err = b.provenance(so); err != nil {
		return err
	}
	var assigned bool
	var iv ast.Node
	if s.Initial, assigned, iv, err = b.requiredInitial(full, so, sv, mwhat); err != nil {
		return err
	}
	if !assigned && s.Initial < 0 {
		return b.d.errf(iv, "%s.initial: a population must be >= 0, got %v", mwhat, s.Initial)
	}
	var growth *expr.Node
	if rv, ok := so.get("rate"); ok {
		if growth, err = b.parseExpr(rv, mwhat+".rate", nil); err != nil {
			return err
		}
		b.pieces = append(b.pieces, pieceCheck{n: growth, src: b.d.src(rv), what: mwhat + ".rate (1/time)", member: full})
	}
	if nv, ok := so.get("niche"); ok {
		if growth == nil {
			return b.d.errf(nv, "%s.niche: niche preferences modulate the intrinsic rate; give \"rate\" too", mwhat)
		}
		factors, err := b.niche(full, site, nv, mwhat+".niche")
		if err != nil {
			return err
		}
		// The niche factor depends on constants only: it becomes a
		// parameter <member>.niche computed by an initial assignment,
		// so the solver evaluates it once per run, not per step.
		nid := full + ".niche"
		if err := b.declare(nid, "parameter", "dimensionless", nv); err != nil {
			return err
		}
		f := factors[0]
		if len(factors) > 1 {
			f = expr.New(expr.OpMul, factors...)
		}
		b.m.Parameters = append(b.m.Parameters, &model.Parameter{ID: nid, Name: "niche factor of " + full, Unit: "dimensionless",
			Constant: true, Min: math.NaN(), Max: math.NaN(), Src: b.d.src(nv),
			Prov: nicheProv(b.m.Parameters[len(b.m.Parameters)-1].Prov)})
		b.m.InitialAssignments = append(b.m.InitialAssignments, &model.InitialAssignment{Target: nid, Math: f, Src: b.d.src(nv)})
		growth = expr.New(expr.OpMul, growth, expr.Var(nid))
	}
	if ev, ok := so.get("effects"); ok {
		eff, err := b.parseExpr(ev, mwhat+".effects", nil)
		if err != nil {
			return err
		}
		b.pieces = append(b.pieces, pieceCheck{n: eff, src: b.d.src(ev), what: mwhat + ".effects (1/time)", member: full})
		if growth == nil {
			growth = eff
		} else {
			growth = expr.New(expr.OpAdd, growth, eff)
		}
	}
	var inflow *expr.Node
	if fv, ok := so.get("inflow"); ok {
		if inflow, err = b.parseExpr(fv, mwhat+".inflow", nil); err != nil {
			return err
		}
	}
	if err := so.done(); err != nil {
		return err
	}
	if err := b.declare(full, "member", unit, mo.keyNode(sid)); err != nil {
		return err
	}
	b.m.Species = append(b.m.Species, s)
	c.Members = append(c.Members, full)
	c.Growth = append(c.Growth, growth)
	c.Inflow = append(c.Inflow, inflow)
	return nil
}

// interactions decodes the community's interaction list: target and
// source are members, the parameter a declared parameter.
func (b *builder) interactions(c *model.Community, co *obj, what string, short map[string]string) error {
	iv, ok := co.get("interactions")
	if !ok {
		return nil
	}
	items, err := b.d.list(iv, what+".interactions")
	if err != nil {
		return err
	}
	for i, it := range items {
		iw := fmt.Sprintf("%s.interactions[%d]", what, i)
		io, err := b.d.object(it, iw)
		if err != nil {
			return err
		}
		var in model.Interaction
		var names [3]string
		for k, f := range []string{"target", "source", "parameter"} {
			if names[k], err = io.reqStr(f); err != nil {
				return err
			}
		}
		for k, f := range []string{"target", "source"} {
			full, ok := short[names[k]]
			if !ok {
				fv, _ := io.get(f)
				return b.d.errf(fv, "%s.%s: %q is not a member of this community", iw, f, names[k])
			}
			names[k] = full
		}
		in.Target, in.Source, in.Param = names[0], names[1], names[2]
		if s, ok := b.symbols[in.Param]; !ok || s.kind != "parameter" {
			pv, _ := io.get("parameter")
			return b.d.errf(pv, "%s.parameter: %q is not a declared parameter", iw, in.Param)
		}
		if err := io.done(); err != nil {
			return err
		}
		c.Interactions = append(c.Interactions, in)
	}
	return nil
}

// communityObservables declares the observables generated for community
// c: <site>.total, <site>.shannon and <site>.rel.<member>.
func (b *builder) communityObservables(c *model.Community, key ast.Node, unit string) error {
	site := c.Compartment
	rateParts := make([]*expr.Node, len(c.Members))
	for i, mem := range c.Members {
		rateParts[i] = expr.Var(mem)
	}
	total := expr.New(expr.OpAdd, rateParts...)
	if len(rateParts) == 1 {
		total = rateParts[0]
	}
	add := func(id, name string, n *expr.Node, unit string) error {
		if err := b.declare(id, "observable", unit, key); err != nil {
			return err
		}
		b.m.Observables = append(b.m.Observables, &model.Observable{ID: id, Name: name, Math: n, Unit: unit, Src: b.d.src(key),
			Prov: model.Provenance{Note: "generated from community " + c.ID}})
		return nil
	}
	if err := add(site+".total", "total density at "+site, total, unit); err != nil {
		return err
	}
	args := make([]*expr.Node, len(c.Members))
	for i, mem := range c.Members {
		args[i] = expr.Var(mem)
	}
	if err := add(site+".shannon", "Shannon diversity (natural log) at "+site, expr.Call("shannon", args...), "dimensionless"); err != nil {
		return err
	}
	// rel reads the total by name: embedding the sum in every member's
	// share made the model quadratic in the number of members.
	for _, mem := range c.Members {
		rel := expr.New(expr.OpDiv, expr.Var(mem), expr.Call("max", expr.Var(site+".total"), expr.Num(1e-300)))
		sid := strings.TrimPrefix(mem, site+".")
		if err := add(site+".rel."+sid, "relative abundance of "+mem, rel, "dimensionless"); err != nil {
			return err
		}
	}
	return nil
}

// niche turns environment preferences into growth factors. Each entry is
// either Gaussian {optimum, width}: exp(-((env-optimum)/width)^2/2), or Hill
// {half, hill}: hill(env, half, hill) for hill > 0 and 1 - hill(env, half,
// -hill) for hill < 0. An optional floor in [0, 1) gives floor + (1 -
// floor) * shape, the growth a taxon keeps away from its preferred
// conditions. Each number becomes a parameter
// <member>.niche.<key>.<field> carrying the entry's provenance.
func (b *builder) niche(member, site string, v ast.Node, what string) ([]*expr.Node, error) {
	no, err := b.d.object(v, what)
	if err != nil {
		return nil, err
	}
	if len(no.keys) == 0 {
		return nil, b.d.errf(v, "%s: give at least one environment key (sebum, moisture, temperature, pH) or leave niche out", what)
	}
	comp := b.comps[site]
	var out []*expr.Node
	for _, k := range no.keys {
		if _, known := envKeys[k]; !known {
			return nil, b.d.errf(no.keyNode(k), "%s: unknown environment key %q (known: sebum, moisture, temperature, pH)", what, k)
		}
		if _, ok := comp.Env[k]; !ok {
			return nil, b.d.errf(no.keyNode(k), "%s: site %s declares no %q in its env", what, site, k)
		}
		ev, _ := no.get(k)
		f, err := b.nicheFactor(member, site, k, ev, what+"."+k)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// nicheEntry is one environment key's entry of a member's niche: the
// object, its provenance and where its parameters are named.
type nicheEntry struct {
	b        *builder
	eo       *obj
	member   string
	key      string // environment key
	what     string // the entry's path, for messages
	prov     model.Provenance
	env      *expr.Node // the site's environment variable
	entryLoc ast.Node
}

// param declares <member>.niche.<key>.<field> = x and returns its variable.
func (e *nicheEntry) param(field string, x float64, n ast.Node) (*expr.Node, error) {
	id := e.member + ".niche." + e.key + "." + field
	if err := e.b.declare(id, "parameter", "", n); err != nil {
		return nil, err
	}
	e.b.m.Parameters = append(e.b.m.Parameters, &model.Parameter{ID: id, Name: id, Value: x, ValueSet: true, Constant: true,
		Min: math.NaN(), Max: math.NaN(), Prov: e.prov, Src: e.b.d.src(n)})
	return expr.Var(id), nil
}

// nicheFactor builds one environment key's growth factor (Gaussian or
// Hill, with an optional floor).
func (b *builder) nicheFactor(member, site, k string, ev ast.Node, ew string) (*expr.Node, error) {
	eo, err := b.d.object(ev, ew)
	if err != nil {
		return nil, err
	}
	prov, err := b.provenance(eo)
	if err != nil {
		return nil, err
	}
	e := &nicheEntry{b: b, eo: eo, member: member, key: k, what: ew, prov: prov, env: expr.Var(site + "." + k), entryLoc: ev}
	var f *expr.Node
	switch {
	case eo.has("optimum"):
		f, err = e.gaussian()
	case eo.has("half"):
		f, err = e.hill()
	default:
		return nil, b.d.errf(ev, "%s: give either {optimum, width} (Gaussian) or {half, hill} (Hill)", ew)
	}
	if err != nil {
		return nil, err
	}
	if f, err = e.floor(f); err != nil {
		return nil, err
	}
	if err := eo.done(); err != nil {
		return nil, err
	}
	return f, nil
}

// gaussian is exp(-((env-optimum)/width)^2/2).
func (e *nicheEntry) gaussian() (*expr.Node, error) {
	opt, err := e.eo.reqNum("optimum")
	if err != nil {
		return nil, err
	}
	w, err := e.eo.reqNum("width")
	if err != nil {
		return nil, err
	}
	ov, _ := e.eo.get("optimum")
	wv, _ := e.eo.get("width")
	if w <= 0 {
		return nil, e.b.d.errf(wv, "%s.width: must be > 0", e.what)
	}
	on, err := e.param("optimum", opt, ov)
	if err != nil {
		return nil, err
	}
	wn, err := e.param("width", w, wv)
	if err != nil {
		return nil, err
	}
	z := expr.New(expr.OpDiv, expr.New(expr.OpSub, e.env, on), wn)
	return expr.Call("exp", expr.New(expr.OpMul, expr.Num(-0.5), expr.New(expr.OpPow, z, expr.Num(2)))), nil
}

// hill is hill(env, half, hill) for hill > 0 and 1 - hill(env, half, -hill)
// for hill < 0.
func (e *nicheEntry) hill() (*expr.Node, error) {
	half, err := e.eo.reqNum("half")
	if err != nil {
		return nil, err
	}
	h, err := e.eo.reqNum("hill")
	if err != nil {
		return nil, err
	}
	if half <= 0 || h == 0 {
		return nil, e.b.d.errf(e.entryLoc, "%s: half must be > 0 and hill non-zero", e.what)
	}
	hv, _ := e.eo.get("half")
	nv, _ := e.eo.get("hill")
	hn, err := e.param("half", half, hv)
	if err != nil {
		return nil, err
	}
	nn, err := e.param("hill", math.Abs(h), nv)
	if err != nil {
		return nil, err
	}
	f := expr.Call("hill", e.env, hn, nn)
	if h < 0 {
		f = expr.New(expr.OpSub, expr.Num(1), f)
	}
	return f, nil
}

// floor applies an optional floor in [0, 1): floor + (1 - floor) * f.
func (e *nicheEntry) floor(f *expr.Node) (*expr.Node, error) {
	fv, ok := e.eo.get("floor")
	if !ok {
		return f, nil
	}
	fl, err := e.b.d.number(fv, e.what+".floor")
	if err != nil {
		return nil, err
	}
	if fl < 0 || fl >= 1 {
		return nil, e.b.d.errf(fv, "%s.floor: must be in [0, 1)", e.what)
	}
	fn, err := e.param("floor", fl, fv)
	if err != nil {
		return nil, err
	}
	return expr.New(expr.OpAdd, fn, expr.New(expr.OpMul, expr.New(expr.OpSub, expr.Num(1), fn), f)), nil
}

// matrix reads a dense interaction matrix in member order; zero entries are
// omitted, every other entry becomes a parameter <community>.a.<target>.<source>.
func (b *builder) matrix(c *model.Community, v ast.Node, what string, order []string, short map[string]string) error {
	mo, err := b.d.object(v, what)
	if err != nil {
		return err
	}
	unit, err := b.unit(mo)
	if err != nil {
		return err
	}
	prov, err := b.provenance(mo)
	if err != nil {
		return err
	}
	rv, ok := mo.get("rows")
	if !ok {
		return b.d.errf(v, "%s: missing required field \"rows\"", what)
	}
	ro, err := b.d.object(rv, what+".rows")
	if err != nil {
		return err
	}
	if err := mo.done(); err != nil {
		return err
	}
	for _, t := range ro.keys {
		tfull, ok := short[t]
		if !ok {
			return b.d.errf(ro.keyNode(t), "%s.rows: %q is not a member of this community", what, t)
		}
		row, _ := ro.get(t)
		items, err := b.d.list(row, what+".rows."+t)
		if err != nil {
			return err
		}
		if len(items) != len(order) {
			return b.d.errf(row, "%s.rows.%s: %d values for %d members (give one per member, in members order)", what, t, len(items), len(order))
		}
		for j, it := range items {
			x, err := b.d.number(it, what+".rows."+t)
			if err != nil {
				return err
			}
			if x == 0 {
				continue
			}
			sfull := short[order[j]]
			id := c.ID + ".a." + strings.TrimPrefix(tfull, c.Compartment+".") + "." + strings.TrimPrefix(sfull, c.Compartment+".")
			if err := b.declare(id, "parameter", unit, it); err != nil {
				return err
			}
			b.m.Parameters = append(b.m.Parameters, &model.Parameter{ID: id, Name: id, Value: x, ValueSet: true, Unit: unit,
				Constant: true, Min: math.NaN(), Max: math.NaN(), Prov: prov, Src: b.d.src(it)})
			c.Interactions = append(c.Interactions, model.Interaction{Target: tfull, Source: sfull, Param: id})
		}
	}
	return nil
}

// nicheProv is the provenance of a derived niche factor: that of its entries.
func nicheProv(p model.Provenance) model.Provenance {
	p.Note = "growth modulation by site environment, derived from the niche parameters"
	return p
}
