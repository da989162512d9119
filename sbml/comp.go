package sbml

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// compNS is the namespace of the hierarchical model composition package.
const compNS = "http://www.sbml.org/sbml/level3/version1/comp/version1"

// flat is a flattened model: its <model> element (core content only) and
// the ports visible to its parent, by port id → element id, for the model
// itself ("") and for each of its submodels (by submodel id, with ids in
// this model's namespace).
type flat struct {
	model *elem
	ports map[string]map[string]string
	alias map[string]string // ids that a replacement renamed: old -> new
}

type compCtx struct {
	r     *reader
	defs  map[string]*elem // model definition id -> <model>/<modelDefinition>
	ext   map[string]extDef
	depth int
}

type extDef struct {
	source, modelRef string
	e                *elem
}

// flattenComp replaces a comp document's main model by its flattened
// equivalent (submodels instantiated with ids prefixed "<submodel>__",
// deletions applied, replaced elements merged). Conversion factors are
// refused as unsupported.
func (r *reader) flattenComp(root *elem, me *elem) (*elem, error) {
	uses := false
	for _, a := range root.attrs {
		if a.Value == compNS {
			uses = true
		}
	}
	if !uses {
		return me, nil
	}
	c := &compCtx{r: r, defs: map[string]*elem{}, ext: map[string]extDef{}}
	c.collect(root)
	f, err := c.flatten(me, 0)
	if err != nil {
		return nil, err
	}
	return f.model, nil
}

func (c *compCtx) collect(root *elem) {
	for _, k := range root.kids {
		if k.space != compNS {
			continue
		}
		switch k.name {
		case "listOfModelDefinitions":
			for _, d := range k.kids {
				if d.space == compNS && d.name == "modelDefinition" {
					id, _ := d.attr("id")
					if id == "" {
						id, _ = d.attrNS(compNS, "id")
					}
					c.defs[id] = d
				}
			}
		case "listOfExternalModelDefinitions":
			for _, d := range k.kids {
				if d.space == compNS && d.name == "externalModelDefinition" {
					id, _ := d.attrNS(compNS, "id")
					src, _ := d.attrNS(compNS, "source")
					mref, _ := d.attrNS(compNS, "modelRef")
					c.ext[id] = extDef{source: src, modelRef: mref, e: d}
				}
			}
		}
	}
}

func (c *compCtx) definition(ref string, at *elem) (*elem, *compCtx, error) {
	if d, ok := c.defs[ref]; ok {
		return d, c, nil
	}
	x, ok := c.ext[ref]
	if !ok {
		return nil, nil, c.r.errf(at, ref, "comp: model definition %q not found", ref)
	}
	path := x.source
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(c.r.file), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, c.r.errf(x.e, ref, "comp: external model: %v", err)
	}
	root, err := parseTree(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	sub := &compCtx{r: &reader{file: path, ns: root.space}, defs: map[string]*elem{}, ext: map[string]extDef{}, depth: c.depth + 1}
	sub.collect(root)
	if me := root.child("model"); me != nil {
		if id, _ := me.attr("id"); id == x.modelRef || x.modelRef == "" {
			return me, sub, nil
		}
	}
	if d, ok := sub.defs[x.modelRef]; ok {
		return d, sub, nil
	}
	if x2, ok := sub.ext[x.modelRef]; ok {
		_ = x2
		return sub.definition(x.modelRef, x.e)
	}
	return nil, nil, c.r.errf(x.e, ref, "comp: model %q not found in %s", x.modelRef, path)
}

func deepCopy(e *elem) *elem {
	c := &elem{space: e.space, name: e.name, attrs: append(e.attrs[:0:0], e.attrs...), line: e.line}
	c.text.WriteString(e.text.String())
	for _, k := range e.kids {
		c.kids = append(c.kids, deepCopy(k))
	}
	return c
}

func compAttr(e *elem, name string) (string, bool) {
	if v, ok := e.attrNS(compNS, name); ok {
		return v, true
	}
	return e.attr(name)
}

// coreLists are the model lists whose elements are merged.
var coreLists = []string{"listOfFunctionDefinitions", "listOfUnitDefinitions", "listOfCompartments", "listOfSpecies",
	"listOfParameters", "listOfInitialAssignments", "listOfRules", "listOfConstraints", "listOfReactions", "listOfEvents"}

// flatten returns the flattened copy of model (or model definition) me:
// its submodels flattened, with their deletions applied and ids prefixed,
// the elements this model replaces merged, and their content appended to
// this model's lists.
func (c *compCtx) flatten(me *elem, depth int) (*flat, error) {
	if depth > 50 {
		return nil, c.r.errf(me, "", "comp: submodels nested more than 50 deep (cycle?)")
	}
	m := c.coreModel(me)
	res := &flat{model: m, ports: map[string]map[string]string{}, alias: map[string]string{}}
	subs, err := c.submodels(m, depth)
	if err != nil {
		return nil, err
	}
	rp := replacer{c: c, subs: subs.flat}
	if err := rp.visit(m); err != nil {
		return nil, err
	}
	for _, e := range rp.removeParent {
		detach(m, e)
	}
	res.rename(rp.renames, subs.flat)
	for _, sid := range subs.order {
		res.merge(sid, subs.flat[sid], subs.convs[sid])
	}
	res.ports[""] = ownPorts(m)
	// drop comp elements
	var kids []*elem
	for _, k := range m.kids {
		if k.space != compNS {
			kids = append(kids, k)
		}
	}
	m.kids = kids
	return res, nil
}

// coreModel returns a copy of me; a comp:modelDefinition, which holds core
// content, becomes a core <model>.
func (c *compCtx) coreModel(me *elem) *elem {
	m := deepCopy(me)
	if m.space == compNS {
		ns := c.r.ns
		for _, k := range m.kids {
			if k.space != compNS && k.space != mathNS {
				ns = k.space
				break
			}
		}
		m.space, m.name = ns, "model"
	}
	return m
}

// submodelSet is a model's flattened submodels.
type submodelSet struct {
	flat  map[string]*flat     // by submodel id
	convs map[string][2]string // submodel id -> time, extent conversion factor
	order []string             // submodel ids in document order
}

// submodels flattens the submodels m lists, applies their deletions and
// prefixes their ids with "<submodel id>__".
func (c *compCtx) submodels(m *elem, depth int) (submodelSet, error) {
	set := submodelSet{flat: map[string]*flat{}, convs: map[string][2]string{}}
	var subsEl *elem
	for _, k := range m.kids {
		if k.space == compNS && k.name == "listOfSubmodels" {
			subsEl = k
		}
	}
	if subsEl == nil {
		return set, nil
	}
	for _, se := range subsEl.kids {
		if se.space != compNS || se.name != "submodel" {
			continue
		}
		sid, _ := compAttr(se, "id")
		ref, _ := compAttr(se, "modelRef")
		def, dc, err := c.definition(ref, se)
		if err != nil {
			return set, err
		}
		sf, err := dc.flatten(def, depth+1)
		if err != nil {
			return set, err
		}
		if err := c.deletions(sf, se, sid); err != nil {
			return set, err
		}
		prefixModel(sf, sid+"__")
		tcf, _ := compAttr(se, "timeConversionFactor")
		ecf, _ := compAttr(se, "extentConversionFactor")
		set.convs[sid] = [2]string{tcf, ecf}
		set.flat[sid] = sf
		set.order = append(set.order, sid)
	}
	return set, nil
}

// deletions removes from flattened submodel sf (id sid) what submodel
// element se's deletions name.
func (c *compCtx) deletions(sf *flat, se *elem, sid string) error {
	for _, ld := range se.kids {
		if ld.space != compNS || ld.name != "listOfDeletions" {
			continue
		}
		for _, del := range ld.kids {
			if del.space != compNS || del.name != "deletion" {
				continue
			}
			if err := c.remove(sf, del, sid); err != nil {
				return err
			}
		}
	}
	return nil
}

// A replacement renames id from in submodel sub to id to (scaled by
// conversion factor factor when set).
type replacement struct{ sub, from, to, factor string }

// replacer finds the replacedElement and replacedBy elements of a model.
type replacer struct {
	c            *compCtx
	subs         map[string]*flat
	renames      []replacement
	removeParent []*elem // elements replaced by a submodel's element
}

// visit applies the replacements below e, detaching each replaced
// submodel element and noting its rename.
func (rp *replacer) visit(e *elem) error {
	for _, k := range e.kids {
		if k.space == compNS && k.name == "listOfReplacedElements" {
			if err := rp.replacedElements(e, k); err != nil {
				return err
			}
		}
		if k.space == compNS && k.name == "replacedBy" {
			if err := rp.replacedBy(e, k); err != nil {
				return err
			}
		}
		if k.space != compNS {
			if err := rp.visit(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// replacedElements handles e's listOfReplacedElements: each submodel
// element it names is detached and renamed to e's id.
func (rp *replacer) replacedElements(e, list *elem) error {
	eid, _ := e.attr("id")
	for _, re := range list.kids {
		if re.space != compNS || re.name != "replacedElement" {
			continue
		}
		factor, _ := compAttr(re, "conversionFactor")
		if _, ok := compAttr(re, "deletion"); ok {
			continue
		}
		sub, sf, target, err := rp.target(re, eid)
		if err != nil {
			return err
		}
		if target == nil {
			continue
		}
		tid, _ := target.attr("id")
		detach(sf.model, target)
		if tid != "" && eid != "" {
			rp.renames = append(rp.renames, replacement{sub, tid, eid, factor})
		}
	}
	return nil
}

// replacedBy handles e's replacedBy k: the submodel element it names takes
// e's id, and e is removed.
func (rp *replacer) replacedBy(e, k *elem) error {
	eid, _ := e.attr("id")
	sub, _, target, err := rp.target(k, eid)
	if err != nil {
		return err
	}
	if target != nil {
		tid, _ := target.attr("id")
		if tid != "" && eid != "" {
			rp.renames = append(rp.renames, replacement{sub, tid, eid, ""})
			setAttr(target, "id", eid)
		}
		rp.removeParent = append(rp.removeParent, e)
	}
	return nil
}

// target returns the submodel (id and flattened model) that ref (a
// replacedElement or replacedBy of the element with id eid) names, and the
// element of it that ref points at (nil: none).
func (rp *replacer) target(ref *elem, eid string) (sub string, sf *flat, target *elem, err error) {
	sub, _ = compAttr(ref, "submodelRef")
	sf = rp.subs[sub]
	if sf == nil {
		return sub, nil, nil, rp.c.r.errf(ref, eid, "comp: submodel %q not found", sub)
	}
	target, err = rp.c.resolve(sf, ref, sub)
	return sub, sf, target, err
}

// rename applies the replacements' renames to the submodels' content,
// aliases and ports, and records them as res's aliases.
func (res *flat) rename(renames []replacement, subs map[string]*flat) {
	for _, rn := range renames {
		sf := subs[rn.sub]
		if rn.factor != "" {
			convertReplaced(sf.model, rn.from, rn.to, rn.factor)
		} else {
			renameRefs(sf.model, map[string]string{rn.from: rn.to})
		}
		res.alias[rn.from] = rn.to
		for k, v := range sf.alias {
			if v == rn.from {
				sf.alias[k] = rn.to
			}
		}
		for _, ps := range sf.ports {
			for p, id := range ps {
				if id == rn.from {
					ps[p] = rn.to
				}
			}
		}
	}
}

// merge appends flattened submodel sf's (id sid) content to res's model's
// lists, after converting its time and extent by the factors conv, and
// takes over its aliases and ports.
func (res *flat) merge(sid string, sf *flat, conv [2]string) {
	m := res.model
	if conv[0] != "" || conv[1] != "" {
		convertTime(sf.model, conv[0], conv[1])
	}
	for _, ln := range coreLists {
		src := sf.model.child(ln)
		if src == nil || len(src.kids) == 0 {
			continue
		}
		dst := m.child(ln)
		if dst == nil {
			dst = &elem{space: m.space, name: ln, line: src.line}
			m.kids = append(m.kids, dst)
		}
		dst.kids = append(dst.kids, src.kids...)
	}
	for k, v := range sf.alias {
		res.alias[k] = v
	}
	res.ports[sid] = sf.ports[""]
	for k, v := range sf.ports {
		if k != "" {
			res.ports[sid+"__"+k] = v
		}
	}
}

// ownPorts returns the ports m declares: port id -> element id, or
// "\x00meta:" + metaid.
func ownPorts(m *elem) map[string]string {
	own := map[string]string{}
	for _, k := range m.kids {
		if k.space != compNS || k.name != "listOfPorts" {
			continue
		}
		for _, p := range k.kids {
			if p.space == compNS && p.name == "port" {
				pid, _ := compAttr(p, "id")
				if idRef, ok := compAttr(p, "idRef"); ok {
					own[pid] = idRef
				} else if mref, ok := compAttr(p, "metaIdRef"); ok {
					own[pid] = "\x00meta:" + mref
				}
			}
		}
	}
	return own
}

// resolve finds the element a replacedElement/replacedBy/deletion points at
// inside flattened submodel sf (whose ids are already prefixed with
// sub+"__").
func (c *compCtx) resolve(sf *flat, ref *elem, sub string) (*elem, error) {
	prefix := sub + "__"
	if sub == "" {
		prefix = ""
	}
	id := ""
	switch {
	case has(ref, "idRef"):
		v, _ := compAttr(ref, "idRef")
		id = prefix + v
	case has(ref, "portRef"):
		v, _ := compAttr(ref, "portRef")
		t, ok := sf.ports[""][v]
		if !ok {
			return nil, c.r.errf(ref, v, "comp: port %q not found in submodel %s", v, sub)
		}
		if strings.HasPrefix(t, "\x00meta:") {
			return findMeta(sf.model, strings.TrimPrefix(t, "\x00meta:")), nil
		}
		id = t
	case has(ref, "metaIdRef"):
		v, _ := compAttr(ref, "metaIdRef")
		return findMeta(sf.model, v), nil
	case has(ref, "unitRef"):
		return nil, nil
	default:
		return nil, c.r.errf(ref, sub, "comp: reference without idRef, portRef or metaIdRef")
	}
	// nested sBaseRef: idRef names a submodel of the submodel
	for _, k := range ref.kids {
		if k.space == compNS && k.name == "sBaseRef" {
			inner := id // prefixed submodel id
			switch {
			case has(k, "idRef"):
				v, _ := compAttr(k, "idRef")
				id = inner + "__" + v
				if nk := firstComp(k, "sBaseRef"); nk != nil {
					return c.resolve(&flat{model: sf.model, ports: sf.ports, alias: sf.alias}, &elem{space: compNS, name: "x", attrs: nk.attrs, kids: nk.kids}, id)
				}
			case has(k, "portRef"):
				v, _ := compAttr(k, "portRef")
				key := strings.TrimPrefix(inner, prefix)
				ps := sf.ports[key]
				t, ok := ps[v]
				if !ok {
					return nil, c.r.errf(k, v, "comp: port %q not found", v)
				}
				id = t
			case has(k, "metaIdRef"):
				v, _ := compAttr(k, "metaIdRef")
				return findMeta(sf.model, v), nil
			}
		}
	}
	e := findID(sf.model, id)
	for hops := 0; e == nil && hops < 100; hops++ {
		next, ok := sf.alias[id]
		if !ok {
			break
		}
		id = next
		e = findID(sf.model, id)
	}
	if e == nil {
		return nil, c.r.errf(ref, id, "comp: element %q not found in submodel %s", id, sub)
	}
	return e, nil
}

func firstComp(e *elem, name string) *elem {
	for _, k := range e.kids {
		if k.space == compNS && k.name == name {
			return k
		}
	}
	return nil
}

func has(e *elem, name string) bool {
	_, ok := compAttr(e, name)
	return ok
}

func (c *compCtx) remove(sf *flat, del *elem, sub string) error {
	t, err := c.resolve(sf, del, "")
	if err != nil {
		return err
	}
	if t != nil {
		detach(sf.model, t)
	}
	return nil
}

func findID(e *elem, id string) *elem {
	if v, ok := e.attr("id"); ok && v == id && e.space != compNS {
		return e
	}
	for _, k := range e.kids {
		if k.name == "kineticLaw" {
			continue // local parameters are not model-wide ids
		}
		if f := findID(k, id); f != nil {
			return f
		}
	}
	return nil
}

func findMeta(e *elem, id string) *elem {
	for _, a := range e.attrs {
		if a.Name.Local == "metaid" && a.Value == id {
			return e
		}
	}
	for _, k := range e.kids {
		if f := findMeta(k, id); f != nil {
			return f
		}
	}
	return nil
}

func detach(root, target *elem) bool {
	for i, k := range root.kids {
		if k == target {
			root.kids = append(root.kids[:i], root.kids[i+1:]...)
			return true
		}
		if detach(k, target) {
			return true
		}
	}
	return false
}

func setAttr(e *elem, name, v string) {
	for i, a := range e.attrs {
		if a.Name.Local == name && (a.Name.Space == "" || a.Name.Space == e.space) {
			e.attrs[i].Value = v
			return
		}
	}
}

// refAttrs are the core attributes that hold SIds of model elements.
var refAttrs = map[string]bool{"id": true, "compartment": true, "species": true, "variable": true, "symbol": true,
	"conversionFactor": true, "outside": true}

// prefixModel prefixes every model-wide id defined in sf's model (and every
// reference to it) with p, and the port targets likewise.
func prefixModel(sf *flat, p string) {
	ids := map[string]string{}
	var collect func(e *elem, inKL bool)
	collect = func(e *elem, inKL bool) {
		if e.space == compNS {
			return
		}
		if v, ok := e.attr("id"); ok && !inKL && e.name != "unitDefinition" && e.name != "model" && e.name != "modelDefinition" {
			ids[v] = p + v
		}
		for _, k := range e.kids {
			collect(k, inKL || k.name == "kineticLaw")
		}
	}
	collect(sf.model, false)
	renameRefs(sf.model, ids)
	al := map[string]string{}
	for k, v := range sf.alias {
		al[p+k] = p + v
	}
	sf.alias = al
	for _, ps := range sf.ports {
		for k, v := range ps {
			if n, ok := ids[v]; ok {
				ps[k] = n
			}
		}
	}
	// submodel port maps are keyed by submodel ids, already prefixed by
	// their own flattening; metaid ports keep their metaid
}

// renameRefs applies the id map to id-valued attributes and <ci> names,
// leaving lambda arguments and kinetic-law local parameters alone.
func renameRefs(e *elem, ids map[string]string) {
	var walk func(e *elem, shadow map[string]bool)
	walk = func(e *elem, shadow map[string]bool) {
		if e.space == compNS {
			return
		}
		if e.space == mathNS && e.name == "ci" {
			name := strings.TrimSpace(e.text.String())
			if n, ok := ids[name]; ok && !shadow[name] {
				e.text.Reset()
				e.text.WriteString(n)
			}
			return
		}
		if e.space != mathNS {
			for i, a := range e.attrs {
				if (a.Name.Space == "" || a.Name.Space == e.space) && refAttrs[a.Name.Local] {
					if a.Name.Local == "id" && shadow["\x00kl"] {
						continue
					}
					if n, ok := ids[a.Value]; ok {
						e.attrs[i].Value = n
					}
				}
			}
		}
		sh := shadow
		switch {
		case e.name == "kineticLaw":
			sh = copyShadow(shadow)
			sh["\x00kl"] = true
			for _, l := range e.kids {
				if l.name == "listOfLocalParameters" || l.name == "listOfParameters" {
					for _, p := range l.kids {
						if v, ok := p.attr("id"); ok {
							sh[v] = true
						}
					}
				}
			}
		case e.space == mathNS && e.name == "lambda":
			sh = copyShadow(shadow)
			for _, b := range e.kids {
				if b.name == "bvar" {
					for _, ci := range b.kids {
						sh[strings.TrimSpace(ci.text.String())] = true
					}
				}
			}
		}
		for _, k := range e.kids {
			if e.space == mathNS && e.name == "lambda" && k.name == "bvar" {
				continue
			}
			walk(k, sh)
		}
	}
	walk(e, map[string]bool{})
}

func copyShadow(m map[string]bool) map[string]bool {
	c := make(map[string]bool, len(m)+4)
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Conversion factors (comp): the submodel's time is parent time / tcf;
// kinetic laws (extent per submodel time) become ×ecf/tcf in the parent;
// rate rules /tcf; event delays and delay() lags ×tcf. A replaced element T
// with conversionFactor f (E = f·T) reads as E/f in the submodel, and the
// submodel's rules, initial and event assignments to T become assignments
// to E of f × their math.

func mathEl(name string, kids ...*elem) *elem {
	return &elem{space: mathNS, name: name, kids: kids}
}

func ciEl(id string) *elem {
	e := mathEl("ci")
	e.text.WriteString(id)
	return e
}

func applyEl(op string, args ...*elem) *elem {
	return mathEl("apply", append([]*elem{mathEl(op)}, args...)...)
}

const (
	timeURL  = "http://www.sbml.org/sbml/symbols/time"
	delayURL = "http://www.sbml.org/sbml/symbols/delay"
)

// wrapMath replaces the content of the <math> children of e with f(content).
func wrapMath(e *elem, f func(*elem) *elem) {
	for _, k := range e.kids {
		if k.space == mathNS && k.name == "math" {
			for i, c := range k.kids {
				if c.space == mathNS {
					k.kids[i] = f(c)
					break
				}
			}
		}
	}
}

// convertTime applies a submodel's time and extent conversion factors (ids
// of parent parameters, "" for none) to its flattened content.
func convertTime(m *elem, tcf, ecf string) {
	// reaction ids denote rates: in submodel units, parent rate·tcf/ecf
	rx := map[string]bool{}
	var coll func(e *elem)
	coll = func(e *elem) {
		if e.name == "reaction" && e.space != mathNS {
			if id, ok := e.attr("id"); ok {
				rx[id] = true
			}
		}
		for _, k := range e.kids {
			coll(k)
		}
	}
	coll(m)
	var walkMath func(e *elem) *elem
	walkMath = func(e *elem) *elem {
		if e.space == mathNS && e.name == "ci" && rx[strings.TrimSpace(e.text.String())] {
			c := e
			if tcf != "" {
				c = applyEl("times", c, ciEl(tcf))
			}
			if ecf != "" {
				c = applyEl("divide", c, ciEl(ecf))
			}
			return c
		}
		if e.space == mathNS && e.name == "csymbol" {
			if u, _ := e.attr("definitionURL"); u == timeURL && tcf != "" {
				return applyEl("divide", e, ciEl(tcf))
			}
			return e
		}
		if e.space == mathNS && e.name == "apply" && len(e.kids) == 3 && e.kids[0].name == "csymbol" && tcf != "" {
			if u, _ := e.kids[0].attr("definitionURL"); u == delayURL {
				e.kids[1] = walkMath(e.kids[1])
				e.kids[2] = applyEl("times", walkMath(e.kids[2]), ciEl(tcf))
				return e
			}
		}
		for i, k := range e.kids {
			e.kids[i] = walkMath(k)
		}
		return e
	}
	var walk func(e *elem)
	walk = func(e *elem) {
		if e.space == mathNS && e.name == "math" {
			walkMath(e)
			return
		}
		for _, k := range e.kids {
			walk(k)
		}
	}
	walk(m)
	var post func(e *elem)
	post = func(e *elem) {
		switch {
		case e.name == "kineticLaw" && e.space != mathNS:
			wrapMath(e, func(c *elem) *elem {
				if ecf != "" {
					c = applyEl("times", c, ciEl(ecf))
				}
				if tcf != "" {
					c = applyEl("divide", c, ciEl(tcf))
				}
				return c
			})
			return
		case e.name == "rateRule" && e.space != mathNS && tcf != "":
			wrapMath(e, func(c *elem) *elem { return applyEl("divide", c, ciEl(tcf)) })
		case e.name == "delay" && e.space != mathNS && tcf != "":
			wrapMath(e, func(c *elem) *elem { return applyEl("times", c, ciEl(tcf)) })
		}
		if e.space == mathNS {
			return
		}
		for _, k := range e.kids {
			post(k)
		}
	}
	post(m)
}

// convertReplaced rewrites sub content for a replaced element from → to
// with conversion factor f: reads of from become to/f; assignments to from
// (rules, initial and event assignments) become assignments to to of f ×
// their math.
func convertReplaced(m *elem, from, to, f string) {
	var walkMath func(e *elem) *elem
	walkMath = func(e *elem) *elem {
		if e.space == mathNS && e.name == "ci" && strings.TrimSpace(e.text.String()) == from {
			return applyEl("divide", ciEl(to), ciEl(f))
		}
		for i, k := range e.kids {
			e.kids[i] = walkMath(k)
		}
		return e
	}
	var walk func(e *elem)
	walk = func(e *elem) {
		if e.space == mathNS {
			return
		}
		for _, k := range e.kids {
			if k.space == mathNS && k.name == "math" {
				walkMath(k)
			}
		}
		for _, attr := range []string{"variable", "symbol"} {
			if v, ok := e.attr(attr); ok && v == from {
				setAttr(e, attr, to)
				if e.name == "rateRule" || e.name == "assignmentRule" || e.name == "initialAssignment" || e.name == "eventAssignment" {
					wrapMath(e, func(c *elem) *elem { return applyEl("times", c, ciEl(f)) })
				}
			}
		}
		for i, a := range e.attrs {
			if (a.Name.Space == "" || a.Name.Space == e.space) && refAttrs[a.Name.Local] && a.Name.Local != "id" && a.Value == from {
				e.attrs[i].Value = to
			}
		}
		for _, k := range e.kids {
			walk(k)
		}
	}
	walk(m)
}
