package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// Off a terminal the progress is a plain line at least every 10 s of the
// clock, with counts, rate and a real ETA, and a last line at the end.
func TestLineProgress(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLineProgress(&buf, "subjects ", 10*time.Second, func() time.Time { return clock })
	l.update(0, 100)
	for done := 1; done <= 100; done++ {
		clock = clock.Add(time.Second) // one subject a second
		l.update(done, 100)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 11 {
		t.Fatalf("%d lines, want 11 (start, every 10 s, end):\n%s", len(lines), buf.String())
	}
	if lines[0] != "subjects 0/100 (0%), -, elapsed 0s, ETA unknown" {
		t.Errorf("first line %q", lines[0])
	}
	if lines[1] != "subjects 10/100 (10%), 1/s, elapsed 10s, ETA 1m30s" {
		t.Errorf("second line %q", lines[1])
	}
	if lines[10] != "subjects 100/100 (100%), 1/s, elapsed 1m40s, ETA done" {
		t.Errorf("last line %q", lines[10])
	}
}

// TestProgressBarLateUpdate: an update that arrives after a later one (two
// workers reporting out of order) does not move the bar back, so the
// finished bar shows every subject (it once ended at 31/31 for 32).
func TestProgressBarLateUpdate(t *testing.T) {
	var errb bytes.Buffer
	b, err := newProgressBar(context.Background(), "always", "subjects ", &errb)
	if err != nil {
		t.Fatal(err)
	}
	b.update(31, 32)
	b.update(32, 32)
	b.update(31, 32)
	b.finish(nil)
	if !strings.Contains(errb.String(), "32/32") || strings.Contains(errb.String(), "31/31") {
		t.Errorf("finished bar: %q", errb.String())
	}
}
