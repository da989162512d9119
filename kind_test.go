package holobiont

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// Every shipped and example file is recognised as what it is.
func TestDetectKind(t *testing.T) {
	root := testutil.RepoRoot()
	want := map[string]Kind{}
	globs := map[string]Kind{"models/*.yaml": KindModel, "models/scenarios/*.yaml": KindScenario, "examples/scenarios/*.yaml": KindScenario,
		"examples/cohort-*.yaml": KindCohort, "models/*.targets.yaml": KindTargets, "examples/trial-*.yaml": KindTrial, "sbml/testdata/cases/*/*.xml": KindSBML}
	for g, k := range globs {
		files, _ := filepath.Glob(filepath.Join(root, g))
		if len(files) == 0 {
			t.Fatalf("no files match %s", g)
		}
		for _, f := range files {
			if k == KindModel && strings.HasSuffix(f, ".targets.yaml") {
				continue
			}
			want[f] = k
		}
	}
	for f, k := range want {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := DetectKind(b); got != k {
			t.Errorf("%s: kind %q, want %q", f, got, k)
		}
	}
	if got := DetectKind([]byte("{{{")); got != KindUnknown {
		t.Errorf("garbage: %q", got)
	}
}

// A cohort spec given as a model, or a model as a scenario, says so.
func TestWrongKind(t *testing.T) {
	root := testutil.RepoRoot()
	_, err := Load(t.Context(), filepath.Join(root, "examples", "cohort-tyson-carr.yaml"))
	if err == nil || !strings.Contains(err.Error(), "this is a cohort spec, not a model (use holobiont cohort SPEC)") {
		t.Errorf("cohort spec as model: %v", err)
	}
	_, err = Load(t.Context(), "stein2013.yaml", Scenario(filepath.Join(root, "models", "hpa-karin2020.yaml")))
	if err == nil || !strings.Contains(err.Error(), "this is a model, not a scenario") {
		t.Errorf("model as scenario: %v", err)
	}
}
