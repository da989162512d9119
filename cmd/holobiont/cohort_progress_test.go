package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCohortProgressBar: --progress always draws a subjects counter that
// reaches the total for cohort and trial runs (and the trial's power
// study); a bad --progress value is refused before any output exists.
func TestCohortProgressBar(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	os.WriteFile(spec, []byte(cliSpec), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"cohort", []string{"cohort", spec, "--out", filepath.Join(dir, "c"), "--progress", "always"}, []string{"subjects", "6/6"}},
		{"trial", []string{"trial", filepath.Join(dir, "trial.yaml"), "--out", filepath.Join(dir, "t"), "--progress", "always"}, []string{"subjects", "16/16", "power study subjects", "32/32"}},
	} {
		os.WriteFile(filepath.Join(dir, "trial.yaml"), []byte(progressTrial), 0o644)
		root := newRootCmd()
		var out, errb bytes.Buffer
		root.SetArgs(tc.args)
		root.SetOut(&out)
		root.SetErr(&errb)
		if err := root.Execute(); err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, errb.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("%s: progress output lacks %q: %q", tc.name, w, errb.String())
			}
		}
		if strings.Contains(out.String(), "subjects ") && strings.Contains(out.String(), "%") {
			t.Errorf("%s: progress bar went to stdout", tc.name)
		}
		if tc.name == "trial" {
			// The HTML report carries figures: the endpoint by arm and the power curve.
			b, err := os.ReadFile(filepath.Join(dir, "t", "report.html"))
			if err != nil || strings.Count(string(b), "<svg") < 2 || !strings.Contains(string(b), "Power curve") {
				t.Errorf("report.html: %v, %d figures", err, strings.Count(string(b), "<svg"))
			}
		}
	}
	for _, c := range []string{"cohort", "trial"} {
		root := newRootCmd()
		root.SetArgs([]string{c, spec, "--out", filepath.Join(dir, "bad"+c), "--progress", "sometimes"})
		root.SetOut(new(bytes.Buffer))
		root.SetErr(new(bytes.Buffer))
		if err := root.Execute(); err == nil || !strings.Contains(err.Error(), `--progress "sometimes"`) {
			t.Errorf("%s: bad --progress: %v", c, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "bad"+c)); err == nil {
			t.Errorf("%s: bad --progress created the output directory", c)
		}
	}
}

const progressTrial = `name: t
n: 16
seed: 9
duration: 10
interventions:
  pro: {type: probiotic, taxon: gut.probiotic, dose: 0.05, start: 0, duration: 10}
arms:
  - {name: placebo}
  - {name: probiotic, interventions: [pro]}
endpoints:
  - {name: shannon_change, variable: shannon(gut), stat: change, from: 0, time: 10}
analysis:
  - {endpoint: shannon_change, control: placebo, treatment: probiotic}
power: {n: [8, 16], replicates: 2}
`
