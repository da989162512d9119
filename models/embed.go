package models

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.yaml scenarios/*.yaml reports/*.yaml
var files embed.FS

// Default names the default model and scenario.
const (
	DefaultModel    = "gut-skin-brain.yaml"
	DefaultScenario = "scenarios/gut-skin-brain.yaml"
)

// FS returns the embedded files (models at the root, scenarios under scenarios/).
func FS() fs.FS { return files }

// Read returns the contents of a shipped model or scenario by file name.
func Read(name string) ([]byte, error) { return files.ReadFile(name) }

// Scenarios returns the names of the shipped scenarios (under scenarios/;
// a scenario named like a model is that model's default scenario).
func Scenarios() []string {
	ents, _ := files.ReadDir("scenarios")
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
			out = append(out, "scenarios/"+e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Reports returns the names of the shipped report layouts (under
// reports/: which variables a run report shows, with display names and
// units; each names the model id it applies to).
func Reports() []string {
	ents, _ := files.ReadDir("reports")
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
			out = append(out, "reports/"+e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// List returns the names of the shipped models.
func List() []string {
	ents, _ := files.ReadDir(".")
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
