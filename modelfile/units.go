package modelfile

import (
	"errors"
	"fmt"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/units"
)

// checkUnits parses every declared unit and checks that each rate equation
// has the unit of its state divided by the time unit, each assignment rule
// the unit it declares, and each community growth term 1/time. Names
// without a declared unit are wildcards.
func (b *builder) checkUnits() error {
	m := b.m
	uc := &unitChecker{b: b, parsed: map[string]units.Unit{}}
	if err := uc.parseDeclared(); err != nil {
		return err
	}
	tu, err := units.ParseWith(m.TimeUnit, uc.alias)
	if err != nil {
		return &Error{File: b.d.file, Msg: fmt.Sprintf("time_unit: %v", err)}
	}
	uc.tu = tu
	if err := uc.rules(); err != nil {
		return err
	}
	// Check the written pieces of each growth term first, so that errors
	// point into the expression the user wrote.
	for _, pc := range b.pieces {
		if err := uc.want(pc.n, uc.perTime(), pc.src, pc.what); err != nil {
			return err
		}
	}
	if err := uc.communities(); err != nil {
		return err
	}
	for _, o := range m.Observables {
		if o.Math == nil {
			continue
		}
		if _, err := units.Check(o.Math, uc.unitOf); err != nil {
			return uc.located(o.Math, o.Src, "observable "+o.ID, err)
		}
	}
	return nil
}

// unitChecker holds what checkUnits needs: the declared units parsed by
// id and the time unit.
type unitChecker struct {
	b      *builder
	parsed map[string]units.Unit
	tu     units.Unit
	depth  int // alias expansion depth
}

// alias expands a unit alias declared under units: (they may appear
// inside composite units).
func (uc *unitChecker) alias(word string) (units.Unit, bool) {
	def, ok := uc.b.aliases[word]
	if !ok || uc.depth > 8 {
		return units.Unit{}, false
	}
	uc.depth++
	defer func() { uc.depth-- }()
	u, err := units.ParseWith(def, uc.alias)
	return u, err == nil
}

// parseDeclared parses the declared unit of every parameter, species,
// input and observable.
func (uc *unitChecker) parseDeclared() error {
	m := uc.b.m
	parse := func(id, u string, src model.Source) error {
		if u == "" {
			return nil
		}
		pu, err := units.ParseWith(u, uc.alias)
		if err != nil {
			return &Error{File: uc.b.d.file, Line: src.Line, Col: src.Col, Msg: fmt.Sprintf("%s: %v", id, err)}
		}
		uc.parsed[id] = pu
		return nil
	}
	for _, p := range m.Parameters {
		if err := parse(p.ID, p.Unit, p.Src); err != nil {
			return err
		}
	}
	for _, s := range m.Species {
		if err := parse(s.ID, s.Unit, s.Src); err != nil {
			return err
		}
	}
	for _, in := range m.Inputs {
		if err := parse(in.ID, in.Unit, in.Src); err != nil {
			return err
		}
	}
	for _, o := range m.Observables {
		if err := parse(o.ID, o.Unit, o.Src); err != nil {
			return err
		}
	}
	return nil
}

// unitOf is the unit of a name in an expression: time's, the declared one,
// or unknown (a wildcard).
func (uc *unitChecker) unitOf(name string) (units.Unit, bool) {
	if name == expr.TimeKey {
		return uc.tu, true
	}
	if u, ok := uc.parsed[name]; ok {
		return u, true
	}
	return units.UnknownUnit(), true
}

func (uc *unitChecker) perTime() units.Unit { return units.Dimensionless().Per(uc.tu) }

// located turns a units error inside n into a file position.
func (uc *unitChecker) located(n *expr.Node, fallback model.Source, what string, err error) error {
	b := uc.b
	var ue *units.Error
	if es, ok := b.exprSrc[n]; ok && errors.As(err, &ue) && ue.Pos.Line > 0 {
		l, c := es.at(ue.Pos.Line, ue.Pos.Col)
		return &Error{File: b.d.file, Line: l, Col: c, Msg: fmt.Sprintf("%s: unit error in %s: %s", what, ue.Expr, ue.Msg)}
	}
	return &Error{File: b.d.file, Line: fallback.Line, Col: fallback.Col, Msg: fmt.Sprintf("%s: %v", what, err)}
}

// want checks that n has unit w (or an unknown one).
func (uc *unitChecker) want(n *expr.Node, w units.Unit, src model.Source, what string) error {
	got, err := units.Check(n, uc.unitOf)
	if err != nil {
		return uc.located(n, src, what, err)
	}
	if got.Unknown || got.Equal(w) {
		return nil
	}
	return &Error{File: uc.b.d.file, Line: src.Line, Col: src.Col,
		Msg: fmt.Sprintf("%s has unit %s, want %s", what, units.InTermsOf(got, w), wantText(w))}
}

// rules checks that a rate rule has its state's unit per time and an
// assignment rule its variable's unit.
func (uc *unitChecker) rules() error {
	parsed, tu := uc.parsed, uc.tu
	for _, r := range uc.b.m.Rules {
		if r.Math == nil {
			continue
		}
		switch r.Kind {
		case model.RateRule:
			su, ok := parsed[r.Variable]
			if !ok {
				continue
			}
			if err := uc.want(r.Math, su.Per(tu), r.Src, "rate of "+r.Variable+" (state unit / time)"); err != nil {
				return err
			}
		case model.AssignmentRule:
			if ru, ok := parsed[r.Variable]; ok {
				if err := uc.want(r.Math, ru, r.Src, "rule "+r.Variable); err != nil {
					return err
				}
			} else if _, err := units.Check(r.Math, uc.unitOf); err != nil {
				return uc.located(r.Math, r.Src, "rule "+r.Variable, err)
			}
		}
	}
	return nil
}

// communities checks each community's shedding and growth terms (1/time),
// inflows (member unit/time) and interaction parameters (their unit times
// the source's is 1/time).
func (uc *unitChecker) communities() error {
	m, parsed, tu, perTime := uc.b.m, uc.parsed, uc.tu, uc.perTime()
	want := uc.want
	speciesSrc := make(map[string]model.Source, len(m.Species))
	for _, s := range m.Species {
		speciesSrc[s.ID] = s.Src
	}
	for _, c := range m.Communities {
		if c.Shedding != nil {
			if err := want(c.Shedding, perTime, c.Src, c.ID+" shedding (1/time)"); err != nil {
				return err
			}
		}
		for i, mem := range c.Members {
			src := speciesSrc[mem]
			if g := c.Growth[i]; g != nil {
				if err := want(g, perTime, src, "growth of "+mem+" (1/time)"); err != nil {
					return err
				}
			}
			if f := c.Inflow[i]; f != nil {
				if mu, ok := parsed[mem]; ok {
					if err := want(f, mu.Per(tu), src, "inflow of "+mem+" (unit/time)"); err != nil {
						return err
					}
				}
			}
		}
		for _, in := range c.Interactions {
			pu, ok1 := parsed[in.Param]
			su, ok2 := parsed[in.Source]
			if ok1 && ok2 {
				if got := pu.Mul(su); !got.Equal(perTime) {
					var src model.Source
					for _, p := range m.Parameters {
						if p.ID == in.Param {
							src = p.Src
						}
					}
					return &Error{File: uc.b.d.file, Line: src.Line, Col: src.Col,
						Msg: fmt.Sprintf("interaction %s: unit %s times the unit of %s gives %s, want %s", in.Param, unitText(pu), in.Source, units.InTermsOf(got, perTime), wantText(perTime))}
				}
			}
		}
	}
	return nil
}

// wantText names a wanted unit in the user's words when it has them:
// "mg/day (= 1.157e-08 g s^-1)".
func wantText(u units.Unit) string {
	if u.Text == "" {
		return u.String()
	}
	return u.Text + " (= " + u.String() + ")"
}

// unitText is the unit as the model wrote it, or its canonical form.
func unitText(u units.Unit) string {
	if u.Text != "" {
		return u.Text
	}
	return u.String()
}
