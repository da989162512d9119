package holobiont

import (
	"bytes"

	"github.com/holobiont/holobiont/internal/yamlnode"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
)

// Kind is what an input file holds.
type Kind string

// The kinds of input DetectKind tells apart.
const (
	KindUnknown  Kind = ""
	KindModel    Kind = "model"
	KindScenario Kind = "scenario"
	KindCohort   Kind = "cohort spec"
	KindTrial    Kind = "trial spec"
	KindSBML     Kind = "SBML model"
	KindTargets  Kind = "targets file"
)

// Command returns the holobiont command that takes a file of kind k.
func (k Kind) Command() string {
	switch k {
	case KindModel:
		return "holobiont run MODEL"
	case KindScenario:
		return "holobiont run --scenario SCENARIO"
	case KindCohort:
		return "holobiont cohort SPEC"
	case KindTrial:
		return "holobiont trial SPEC"
	case KindSBML:
		return "holobiont sbml run MODEL.xml"
	case KindTargets:
		return "holobiont calibrate TARGETS.yaml"
	}
	return ""
}

// DetectKind tells from its top-level structure what a file holds: SBML
// (XML with an <sbml> element), a targets file (targets), a trial spec (arms), a cohort spec (n
// subjects), a model (states, sites, communities, rules, species,
// reactions or observables) or a scenario (duration, end, interventions or
// output). It returns KindUnknown when it cannot tell (including for text
// that is not valid YAML): callers then parse as they would anyway.
func DetectKind(data []byte) Kind {
	t := bytes.TrimSpace(data)
	if bytes.HasPrefix(t, []byte("<")) {
		if bytes.Contains(t, []byte("<sbml")) {
			return KindSBML
		}
		return KindUnknown
	}
	var top map[string]any
	if err := yamlnode.Decode("", data, &top); err != nil || top == nil {
		return KindUnknown
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := top[k]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("targets"):
		return KindTargets
	case has("arms"):
		return KindTrial
	case has("n") && has("seed", "sampling", "endpoints", "measurements", "burn_in", "chunk", "covariates"):
		return KindCohort
	case has("states", "sites", "communities", "rules", "species", "reactions", "observables", "couplings"):
		return KindModel
	case has("duration", "end", "interventions", "output"):
		return KindScenario
	}
	return KindUnknown
}

// ParseModel parses YAML model text (name is used in error messages). A
// file that holds another kind of input (a calibration targets file, a
// cohort or trial spec, a scenario, SBML) is refused by name with a
// *KindError, not with the parser's complaint about its first field; the
// kind is looked at only when the text does not parse as a model, so a
// large model is not read twice.
func ParseModel(name string, data []byte) (*model.Model, error) {
	m, err := modelfile.ParseModel(name, data)
	if err != nil {
		if kerr := kindError(name, data, KindModel); kerr != nil {
			return nil, kerr
		}
		return nil, err
	}
	return m, nil
}

// kindError says that the file name holds a got, not a want, and which
// command takes it; nil when got is want or unknown.
func kindError(name string, data []byte, want Kind) error {
	got := DetectKind(data)
	if got == KindUnknown || got == want {
		return nil
	}
	return &KindError{Name: name, Got: got, Want: want}
}

// KindError reports an input of the wrong kind (a cohort spec given as a
// model, a model given as a scenario, ...).
type KindError struct {
	Name      string
	Got, Want Kind
}

func (e *KindError) Error() string {
	return e.Name + ": this is " + article(e.Got) + ", not " + article(e.Want) + " (use " + e.Got.Command() + ")"
}

func article(k Kind) string {
	if k == KindSBML {
		return "an " + string(k)
	}
	return "a " + string(k)
}
