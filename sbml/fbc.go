package sbml

import (
	"math"
	"strings"

	"github.com/holobiont/holobiont/model"
)

func isFBC(ns string) bool { return strings.Contains(ns, "sbml.org/sbml/level3/version1/fbc/") }

// fbcAttr returns an attribute in any fbc namespace.
func fbcAttr(e *elem, name string) (string, bool) {
	for _, a := range e.attrs {
		if a.Name.Local == name && isFBC(a.Name.Space) {
			return a.Value, true
		}
	}
	return "", false
}

func fbcChild(e *elem, name string) *elem {
	for _, k := range e.kids {
		if k.name == name && isFBC(k.space) {
			return k
		}
	}
	return nil
}

func fbcChildren(e *elem, name string) []*elem {
	var out []*elem
	for _, k := range e.kids {
		if k.name == name && isFBC(k.space) {
			out = append(out, k)
		}
	}
	return out
}

// fluxBalance reads the fbc content of <model> (version 1: flux bounds
// list; version 2: bounds as parameter references on reactions) into
// m.FluxBalance. Irreversible reactions without a lower bound get 0.
func (r *reader) fluxBalance(me *elem, m *model.Model) error {
	objs := fbcChild(me, "listOfObjectives")
	if objs == nil {
		return nil
	}
	fb := &model.FluxBalance{Lower: map[string]float64{}, Upper: map[string]float64{}, Coefficients: map[string]float64{},
		LowerParam: map[string]string{}, UpperParam: map[string]string{}}
	params := map[string]bool{}
	for _, p := range m.Parameters {
		params[p.ID] = true
	}
	if l := fbcChild(me, "listOfFluxBounds"); l != nil {
		for _, b := range fbcChildren(l, "fluxBound") {
			rx, _ := fbcAttr(b, "reaction")
			op, _ := fbcAttr(b, "operation")
			vs, _ := fbcAttr(b, "value")
			v, err := parseNum(vs)
			if err != nil {
				return r.errf(b, rx, "fbc: flux bound value %q is not a number", vs)
			}
			switch op {
			case "lessEqual", "less":
				fb.Upper[rx] = v
			case "greaterEqual", "greater":
				fb.Lower[rx] = v
			case "equal":
				fb.Lower[rx], fb.Upper[rx] = v, v
			default:
				return r.errf(b, rx, "fbc: unknown flux bound operation %q", op)
			}
		}
	}
	rxEl := map[string]*elem{}
	if l := me.child("listOfReactions"); l != nil {
		for _, re := range l.children("reaction") {
			rxEl[r.id(re)] = re
		}
	}
	for _, rx := range m.Reactions {
		re := rxEl[rx.ID]
		if re == nil {
			continue
		}
		for attr, dst := range map[string]map[string]string{"lowerFluxBound": fb.LowerParam, "upperFluxBound": fb.UpperParam} {
			if pid, ok := fbcAttr(re, attr); ok {
				if !params[pid] {
					return r.errf(re, rx.ID, "fbc: flux bound %q is not a parameter", pid)
				}
				dst[rx.ID] = pid
			}
		}
		if _, ok := fb.Lower[rx.ID]; !ok && fb.LowerParam[rx.ID] == "" && !rx.Reversible {
			fb.Lower[rx.ID] = 0
		}
	}
	active, _ := fbcAttr(objs, "activeObjective")
	for _, o := range fbcChildren(objs, "objective") {
		id, _ := fbcAttr(o, "id")
		if id != active {
			continue
		}
		typ, _ := fbcAttr(o, "type")
		fb.Objective, fb.Maximize = id, typ == "maximize"
		if l := fbcChild(o, "listOfFluxObjectives"); l != nil {
			for _, fo := range fbcChildren(l, "fluxObjective") {
				rx, _ := fbcAttr(fo, "reaction")
				cs, _ := fbcAttr(fo, "coefficient")
				c, err := parseNum(cs)
				if err != nil {
					return r.errf(fo, rx, "fbc: coefficient %q is not a number", cs)
				}
				fb.Coefficients[rx] += c
			}
		}
	}
	if fb.Objective == "" {
		return r.errf(objs, active, "fbc: active objective %q not found", active)
	}
	for k, v := range fb.Lower {
		if math.IsNaN(v) {
			return r.errf(objs, k, "fbc: lower bound is NaN")
		}
	}
	m.FluxBalance = fb
	return nil
}
