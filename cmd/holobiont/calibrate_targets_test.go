package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallTargets: one parameter (a_ID) fitted to Reichenberg 2001's
// depressed-mood effect on the default model, one held-out target and one
// cohort target: a fast end-to-end run of calibrate on a targets file.
const smallTargets = `model: gut-skin-brain.yaml
parameters:
  - {id: a_ID, prior: 0.5, lower: 0.05, upper: 50, factor: 3}
targets:
  - id: reichenberg
    role: fit
    citation: Reichenberg 2001
    value: 0.66
    interval: [0.18, 1.14]
    scenario: |
      duration: 11
      output: {step: 0.0208333333333333333}
      interventions:
        - {type: input, input: endotoxin, value: 1, start: 10, duration: 0.125}
    observable: host.phq9
    stat: max
    window: [10, 11]
    baseline: 10
    vs_baseline: change
    multiply: 0.28409090909090906
  - id: skin
    role: validation
    citation: Grice 2009
    interval: [0.03, 0.25]
    scenario: "duration: 1\noutput: {times: [0]}\n"
    observable: face.rel.S_epidermidis
    stat: at
    time: 0
  - id: cohort
    role: validation
    citation: Gu 2022
    interval: [0.68, 1.18]
    evaluated_by: a cohort test
`

// TestCalibrateTargetsCLI: holobiont calibrate on a targets file fits,
// reports fit and held-out targets apart, writes the ensemble, and gives
// the same calibration.json with 1 and 2 workers; --ensemble 0 is refused.
func TestCalibrateTargetsCLI(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "small.targets.yaml")
	if err := os.WriteFile(spec, []byte(smallTargets), 0o644); err != nil {
		t.Fatal(err)
	}
	var outs [2][]byte
	for k, w := range []string{"1", "2"} {
		out := filepath.Join(dir, "cal"+w)
		msg, err := runCLI(t, "calibrate", spec, "--out", out, "--workers", w, "--ensemble", "4", "--quiet")
		if err != nil {
			t.Fatalf("workers %s: %v\n%s", w, err, msg)
		}
		if !strings.Contains(msg, "1 of 1 fit targets inside their intervals") {
			t.Errorf("summary line: %s", msg)
		}
		if outs[k], err = os.ReadFile(filepath.Join(out, "calibration.json")); err != nil {
			t.Fatal(err)
		}
		md, _ := os.ReadFile(filepath.Join(out, "report.md"))
		for _, want := range []string{"## Fit targets", "## Held-out (validation) targets", "| reichenberg | 0.66 |", "| skin | band |", "evaluated by a cohort test"} {
			if !bytes.Contains(md, []byte(want)) {
				t.Errorf("report.md lacks %q", want)
			}
		}
		ens, _ := os.ReadFile(filepath.Join(out, "ensemble.tsv"))
		if lines := strings.Count(string(ens), "\n"); lines != 5 || !strings.HasPrefix(string(ens), "draw\tobjective\ta_ID\n") {
			t.Errorf("ensemble.tsv: %q", ens)
		}
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("calibration.json differs between 1 and 2 workers")
	}
	if _, err := runCLI(t, "calibrate", spec, "--out", filepath.Join(dir, "x"), "--ensemble", "0"); err == nil || !strings.Contains(err.Error(), "--ensemble 0") {
		t.Errorf("--ensemble 0: %v", err)
	}
}
