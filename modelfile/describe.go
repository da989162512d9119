package modelfile

import (
	"math"
	"sort"
	"strings"

	"github.com/holobiont/holobiont/model"
)

// Description is a model as `holobiont model describe --format json` and the
// server show it: sites, species, host states, inputs, every user-facing
// parameter with its value, unit, range, citation and evidence class, the
// couplings and the observables.
type Description struct {
	ID         string               `json:"id"`
	Name       string               `json:"name"`
	Source     string               `json:"source"`
	SHA256     string               `json:"sha256"`
	TimeUnit   string               `json:"time_unit"`
	Sites      []DescribedSite      `json:"sites"`
	Species    []DescribedSpecies   `json:"species"`
	HostStates []DescribedSpecies   `json:"host_states"`
	Inputs     []DescribedInput     `json:"inputs"`
	Parameters []DescribedParameter `json:"parameters"`
	Couplings  []DescribedCoupling  `json:"couplings"`
	Conditions []DescribedCondition `json:"conditions"`
	// Evidence counts the described parameters by evidence class (Q, S, C,
	// and "" for none).
	Evidence    map[string]int `json:"evidence"`
	Observables []string       `json:"observables"`
}

type DescribedSite struct {
	ID   string             `json:"id"`
	Kind string             `json:"kind"`
	Name string             `json:"name"`
	Env  map[string]float64 `json:"env,omitempty"`
}

type DescribedSpecies struct {
	ID       string  `json:"id"`
	Site     string  `json:"site"`
	Taxon    string  `json:"taxon,omitempty"`
	Initial  float64 `json:"initial"`
	Unit     string  `json:"unit,omitempty"`
	Evidence string  `json:"evidence,omitempty"`
	Citation string  `json:"citation,omitempty"`
}

type DescribedInput struct {
	ID      string  `json:"id"`
	Default float64 `json:"default"`
	Unit    string  `json:"unit,omitempty"`
}

type DescribedParameter struct {
	ID       string   `json:"id"`
	Value    float64  `json:"value"`
	Unit     string   `json:"unit,omitempty"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	Evidence string   `json:"evidence"`
	SignOnly bool     `json:"sign_only"`
	Citation string   `json:"citation"`
	Note     string   `json:"note,omitempty"`
	Source   string   `json:"source,omitempty"`
}

type DescribedCoupling struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Sign      int    `json:"sign"`
	Parameter string `json:"parameter,omitempty"`
	Mechanism string `json:"mechanism"`
	Evidence  string `json:"evidence"`
	SignOnly  bool   `json:"sign_only"`
	Citation  string `json:"citation"`
}

// DescribedCondition is a clinical condition and the variables that read it.
type DescribedCondition struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Definition string            `json:"definition"`
	Grading    string            `json:"grading,omitempty"`
	Status     string            `json:"status"`
	Grade      string            `json:"grade"`
	Scores     map[string]string `json:"scores,omitempty"`
	Evidence   string            `json:"evidence"`
	Citation   string            `json:"citation"`
}

// Describe returns m's description; source and sha256 name the file it came from.
func Describe(m *model.Model, source, sha256 string) *Description {
	d := Description{ID: m.ID, Name: m.Name, Source: source, SHA256: sha256, TimeUnit: m.TimeUnit,
		Sites: []DescribedSite{}, Species: []DescribedSpecies{}, HostStates: []DescribedSpecies{}, Inputs: []DescribedInput{},
		Parameters: []DescribedParameter{}, Couplings: []DescribedCoupling{}, Observables: []string{},
		Conditions: []DescribedCondition{}, Evidence: map[string]int{}}
	for _, c := range m.Compartments {
		d.Sites = append(d.Sites, DescribedSite{ID: c.ID, Kind: c.Kind, Name: c.Name, Env: c.Env})
	}
	member := map[string]bool{}
	for _, c := range m.Communities {
		for _, mem := range c.Members {
			member[mem] = true
		}
	}
	for _, s := range m.Species {
		js := DescribedSpecies{ID: s.ID, Site: s.Compartment, Taxon: s.Taxon, Initial: s.Initial, Unit: s.Unit,
			Evidence: string(s.Prov.Evidence), Citation: s.Prov.Citation}
		if member[s.ID] {
			d.Species = append(d.Species, js)
		} else {
			d.HostStates = append(d.HostStates, js)
		}
	}
	for _, i := range m.Inputs {
		d.Inputs = append(d.Inputs, DescribedInput{ID: i.ID, Default: i.Default, Unit: i.Unit})
	}
	for _, p := range m.Parameters {
		if !p.Constant || strings.HasPrefix(p.ID, HoistPrefix) {
			continue
		}
		jp := DescribedParameter{ID: p.ID, Value: p.Value, Unit: p.Unit, Evidence: string(p.Prov.Evidence),
			SignOnly: p.Prov.Evidence == model.SignOnly, Citation: p.Prov.Citation, Note: p.Prov.Note, Source: p.Src.String()}
		if !math.IsNaN(p.Min) {
			v := p.Min
			jp.Min = &v
		}
		if !math.IsNaN(p.Max) {
			v := p.Max
			jp.Max = &v
		}
		d.Parameters = append(d.Parameters, jp)
		d.Evidence[jp.Evidence]++
	}
	for _, c := range m.Couplings {
		d.Couplings = append(d.Couplings, DescribedCoupling{From: c.From, To: c.To, Sign: c.Sign, Parameter: c.Param, Mechanism: c.Mechanism,
			Evidence: string(c.Prov.Evidence), SignOnly: c.Prov.Evidence == model.SignOnly, Citation: c.Prov.Citation})
	}
	for _, c := range m.Conditions {
		dc := DescribedCondition{ID: c.ID, Name: c.Name, Definition: c.Definition, Grading: c.Grading, Status: c.Status, Grade: c.Grade,
			Evidence: string(c.Prov.Evidence), Citation: c.Prov.Citation}
		if len(c.Scores) > 0 {
			dc.Scores = map[string]string{}
			for _, s := range c.Scores {
				dc.Scores[s.Name] = s.Variable
			}
		}
		d.Conditions = append(d.Conditions, dc)
	}
	for _, o := range m.Observables {
		d.Observables = append(d.Observables, o.ID)
	}
	sort.Strings(d.Observables)
	return &d
}
