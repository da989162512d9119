package holobiont

import (
	"fmt"

	"github.com/goccy/go-yaml"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/models"
)

// Layout is a model's report layout, data shipped next to the model
// (models/reports/*.yaml): the variables the run record summarises as
// endpoints, the host panels a run report draws, and display names and
// units of variables.
type Layout struct {
	Model     string             `yaml:"model"` // the model id it applies to
	Endpoints []string           `yaml:"endpoints"`
	Panels    []Panel            `yaml:"panels"`
	Variables map[string]Display `yaml:"variables"`
}

// Panel is one host figure: a title, a y-axis label ("" means the unit of
// its variables) and the variables drawn.
type Panel struct {
	Title  string   `yaml:"title"`
	YLabel string   `yaml:"ylabel"`
	Vars   []string `yaml:"vars"`
}

// Display is how a variable is named in reports.
type Display struct {
	Name string `yaml:"name"`
	Unit string `yaml:"unit"`
}

// ShippedLayout returns the shipped layout of the model with id, or nil.
func ShippedLayout(id string) (*Layout, error) {
	for _, name := range models.Reports() {
		b, err := models.Read(name)
		if err != nil {
			return nil, err
		}
		var l Layout
		if err := yaml.UnmarshalWithOptions(b, &l, yaml.Strict()); err != nil {
			return nil, fmt.Errorf("shipped:%s: %w", name, err)
		}
		if l.Model == id {
			return &l, nil
		}
	}
	return nil, nil
}

// defaultLayoutModel is the model whose endpoints a model of the same
// family (one with host.cortisol or gut.shannon and no layout of its own)
// is summarised by.
const defaultLayoutModel = "gut_skin_brain"

// Display returns the display name and unit of variable id of m: from the
// layout when it names it, else from the model (a species', parameter's or
// observable's name and unit), else the id itself.
func (l *Layout) Display(m *model.Model, id string) Display {
	d := Display{Name: id}
	if l != nil {
		if v, ok := l.Variables[id]; ok {
			if v.Name == "" {
				v.Name = id
			}
			return v
		}
	}
	for _, sp := range m.Species {
		if sp.ID == id {
			return modelDisplay(id, sp.Name, sp.Unit)
		}
	}
	for _, o := range m.Observables {
		if o.ID == id {
			return modelDisplay(id, o.Name, o.Unit)
		}
	}
	for _, p := range m.Parameters {
		if p.ID == id {
			return modelDisplay(id, p.Name, p.Unit)
		}
	}
	return d
}

// modelDisplay is the display of a model variable with this name and unit
// (its id when it has no name).
func modelDisplay(id, name, unit string) Display {
	if name == "" {
		name = id
	}
	return Display{Name: name, Unit: unit}
}
