package models

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed *.yaml *.ensemble.tsv scenarios/*.yaml reports/*.yaml
var files embed.FS

// Default names the default model and scenario.
const (
	DefaultModel    = "gut-skin-brain.yaml"
	DefaultScenario = "scenarios/gut-skin-brain.yaml"
)

// FS returns the embedded files (models at the root with their targets
// files and ensembles, NAME.ensemble.tsv, scenarios under scenarios/).
func FS() fs.FS { return files }

// Read returns the contents of a shipped model or scenario by file name.
func Read(name string) ([]byte, error) { return files.ReadFile(name) }

// Scenarios returns the names of the shipped scenarios (under scenarios/;
// a scenario named like a model is that model's default scenario).
func Scenarios() []string {
	return yamlFiles("scenarios")
}

// Reports returns the names of the shipped report layouts (under
// reports/: which variables a run report shows, with display names and
// units; each names the model id it applies to).
func Reports() []string {
	return yamlFiles("reports")
}

// List returns the names of the shipped models (a model's targets file,
// NAME.targets.yaml, is not a model).
func List() []string {
	var out []string
	for _, f := range yamlFiles(".") {
		if !strings.HasSuffix(f, TargetsSuffix) {
			out = append(out, f)
		}
	}
	return out
}

// TargetsSuffix ends the name of a model's targets file: the published
// effect sizes it is calibrated and validated against
// (gut-skin-brain.targets.yaml; package targets).
const TargetsSuffix = ".targets.yaml"

// yamlFiles returns the sorted names of the .yaml files in dir ("." for
// the top), as Read takes them.
func yamlFiles(dir string) []string {
	ents, _ := files.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out
}

// EnsembleSuffix ends the name of a model's ensemble: parameter sets
// consistent with its calibration targets (holobiont calibrate's
// ensemble.tsv), which holobiont run and trial --uncertainty use.
const EnsembleSuffix = ".ensemble.tsv"
