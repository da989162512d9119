// Package examples holds the example cohort and trial specs and the
// scenarios they name, embedded so that `holobiont serve` offers them.
package examples

import (
	"embed"
	"sort"
	"strings"
)

//go:embed *.yaml scenarios/*.yaml
var files embed.FS

// Read returns an example file by its path relative to examples/
// ("cohort-tyson-carr.yaml", "scenarios/lab-stress.yaml").
func Read(name string) ([]byte, error) { return files.ReadFile(name) }

// Specs returns the names of the example cohort, trial, sensitivity-analysis
// (gsa-) and virtual-population (vpop-) specs.
func Specs() []string {
	ents, _ := files.ReadDir(".")
	var out []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".yaml") && (strings.HasPrefix(n, "cohort-") || strings.HasPrefix(n, "trial-") || strings.HasPrefix(n, "gsa-") || strings.HasPrefix(n, "vpop-")) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
