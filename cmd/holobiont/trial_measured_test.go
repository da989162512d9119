package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrialMeasuredCLI: the trial command writes measured endpoints and
// their latent_ ground-truth columns, and refuses an endpoint of a
// variable that the trial does not measure.
func TestTrialMeasuredCLI(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "trial.yaml")
	text := `name: t
n: 12
seed: 3
duration: 14
burn_in: 10
measurements:
  - {name: pss, instrument: pss10, times: [0, 14]}
endpoints:
  - {name: pss_base, variable: host.perceived_stress, time: 0}
  - {name: pss_change, variable: host.perceived_stress, stat: change, from: 0, time: 14}
interventions:
  stress: {type: stress, intensity: 2, start: 0, duration: 14}
arms:
  - {name: placebo}
  - {name: stress, interventions: [stress]}
analysis:
  - {endpoint: pss_change, baseline: pss_base, control: placebo, treatment: stress}
  - {endpoint: latent_pss_change, baseline: latent_pss_base, control: placebo, treatment: stress}
power: {n: [12], replicates: 3, test: ancova}
`
	os.WriteFile(spec, []byte(text), 0o644)
	out, err := runCmd(t, newTrialCmd(), spec, "--out", filepath.Join(dir, "o"), "--workers", "2")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "o", "subjects.csv"))
	head, _, _ := strings.Cut(string(b), "\n")
	for _, c := range []string{",pss_change", ",latent_pss_change", ",latent_pss_base"} {
		if !strings.Contains(head, c) {
			t.Errorf("subjects.csv header %q lacks %s", head, c)
		}
	}
	a, _ := os.ReadFile(filepath.Join(dir, "o", "analysis.tsv"))
	if !strings.Contains(string(a), "pss_change\tplacebo\tstress") || !strings.Contains(string(a), "latent_pss_change\tplacebo\tstress") {
		t.Errorf("analysis.tsv:\n%s", a)
	}
	os.WriteFile(spec, []byte(strings.Replace(text, "variable: host.perceived_stress, time: 0", "variable: host.cortisol, time: 0", 1)), 0o644)
	if _, err := runCmd(t, newTrialCmd(), spec, "--out", filepath.Join(dir, "p")); err == nil || !strings.Contains(err.Error(), "no measurement of host.cortisol") || !strings.Contains(err.Error(), "trial.yaml:") {
		t.Errorf("unmeasured endpoint: %v", err)
	}
}
