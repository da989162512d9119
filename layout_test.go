package holobiont

import (
	"testing"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/models"
)

// Every shipped report layout belongs to a shipped model, and every
// variable it names (endpoints, panels, display names) is one of that
// model's output columns, so a renamed variable cannot silently drop out of
// the report.
func TestShippedLayouts(t *testing.T) {
	found := 0
	for _, name := range models.List() {
		p, err := Load(t.Context(), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		l := p.Layout()
		if l == nil {
			continue
		}
		found++
		cols := map[string]bool{}
		for _, v := range p.VariableNames() {
			cols[v] = true
		}
		check := func(what, v string) {
			if !cols[v] {
				t.Errorf("%s layout: %s %q is not a variable of the model", name, what, v)
			}
		}
		for _, v := range l.Endpoints {
			check("endpoint", v)
		}
		for _, pn := range l.Panels {
			for _, v := range pn.Vars {
				check("panel "+pn.Title+" variable", v)
			}
		}
		for v := range l.Variables {
			check("display name of", v)
		}
	}
	if found != len(models.Reports()) {
		t.Errorf("%d shipped models have a layout, %d layouts shipped", found, len(models.Reports()))
	}
}

// Display takes the layout's entry first, then the model's name and unit,
// else the id with no unit.
func TestLayoutDisplay(t *testing.T) {
	m := &model.Model{
		Species:     []*model.Species{{ID: "host.x", Name: "x cells", Unit: "cells"}, {ID: "host.y", Unit: "mg"}},
		Observables: []*model.Observable{{ID: "obs", Name: "an observable", Unit: "1"}},
		Parameters:  []*model.Parameter{{ID: "k", Unit: "1/day"}},
	}
	l := &Layout{Variables: map[string]Display{"host.x": {Name: "X", Unit: "relative"}, "host.z": {Unit: "u"}}}
	for _, c := range []struct {
		l    *Layout
		id   string
		want Display
	}{
		{l, "host.x", Display{"X", "relative"}},
		{nil, "host.x", Display{"x cells", "cells"}},
		{l, "host.y", Display{"host.y", "mg"}},
		{l, "host.z", Display{"host.z", "u"}},
		{l, "obs", Display{"an observable", "1"}},
		{l, "k", Display{"k", "1/day"}},
		{l, "nothing", Display{"nothing", ""}},
	} {
		if got := c.l.Display(m, c.id); got != c.want {
			t.Errorf("Display(%s) with layout %v = %+v, want %+v", c.id, c.l != nil, got, c.want)
		}
	}
}
