package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/models"
)

func runUnc(t *testing.T, dir string, n int, sets ...string) (*runResult, string, error) {
	t.Helper()
	sf := filepath.Join(dir, "stress.yaml")
	if err := os.WriteFile(sf, []byte("duration: 30\ninterventions:\n  - {type: stress, intensity: 1, start: 5, duration: 10}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := runMain(context.Background(), "", runOptions{scenario: sf, out: filepath.Join(dir, "out"), format: "csv", rtol: 1e-6, atol: 1e-9,
		solver: "auto", progress: "never", uncertainty: n, sets: sets}, &out, io.Discard)
	return res, out.String(), err
}

func readUnc(t *testing.T, dir string) *holobiont.UncertaintyRecord {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "uncertainty.json"))
	if err != nil {
		t.Fatal(err)
	}
	var u holobiont.UncertaintyRecord
	if err := json.Unmarshal(data, &u); err != nil {
		t.Fatal(err)
	}
	return &u
}

// TestRunUncertainty: run --uncertainty N on the default model (its
// shipped calibration ensemble) reports every endpoint with an interval
// that holds the point estimate, draws the bands in the report, gives the
// same bytes on a rerun, and N = 1 is the point estimate with zero-width
// intervals; a parameter fixed by --set is not varied.
func TestRunUncertainty(t *testing.T) {
	dir := t.TempDir()
	res, msg, err := runUnc(t, dir, 8)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(res.Dir, "-u8") || !strings.Contains(msg, "uncertainty: 8 runs (the point estimate and 7 parameter sets of shipped:gut-skin-brain.ensemble.tsv)") {
		t.Errorf("dir %s; output:\n%s", res.Dir, msg)
	}
	u := readUnc(t, res.Dir)
	wide := 0
	for _, e := range u.Endpoints {
		for _, x := range []holobiont.Interval{e.Baseline, e.Min, e.Max, e.End} {
			if !(x.Lower <= x.Value && x.Value <= x.Upper) {
				t.Errorf("%s: interval %+v does not hold the point estimate", e.Variable, x)
			}
		}
		if e.Max.Upper > e.Max.Lower {
			wide++
		}
	}
	for _, e := range u.Endpoints {
		// members start from their own steady state (ensembleBurnIn), so
		// the baseline varies too
		if e.Variable == "host.inflammation" && !(e.Baseline.Upper > e.Baseline.Lower) {
			t.Errorf("host.inflammation baseline %+v: the members start from the point estimate's state", e.Baseline)
		}
	}
	if len(u.Endpoints) < 10 || wide < 5 {
		t.Errorf("%d endpoints, %d with a non-zero interval", len(u.Endpoints), wide)
	}
	html, _ := os.ReadFile(filepath.Join(res.Dir, "report.html"))
	for _, want := range []string{"Uncertainty", "(95% band)"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	first, _ := os.ReadFile(filepath.Join(res.Dir, "uncertainty.json"))
	if _, _, err := runUnc(t, dir, 8); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(filepath.Join(res.Dir, "uncertainty.json")); !bytes.Equal(first, again) {
		t.Error("uncertainty.json differs on a rerun")
	}

	one, _, err := runUnc(t, dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range readUnc(t, one.Dir).Endpoints {
		if e.End.Lower != e.End.Value || e.End.Upper != e.End.Value {
			t.Errorf("N = 1: %s end interval %+v, want the point", e.Variable, e.End)
		}
	}
	fixed, _, err := runUnc(t, dir, 3, "sigma_S=0")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range readUnc(t, fixed.Dir).Params {
		if p == "sigma_S" {
			t.Error("--set sigma_S=0 but the ensemble still varies sigma_S")
		}
	}
}

// TestRunUncertaintyErrors: a bad N or a model without an ensemble is a
// clear error before anything runs.
func TestRunUncertaintyErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		n    int
		want string
	}{
		{-2, "--uncertainty -2: want the number of runs, at least 1"},
		{1000, "--uncertainty 1000: the ensemble shipped:gut-skin-brain.ensemble.tsv holds 100 parameter sets (want at most 101 runs"},
	} {
		if _, _, err := runUnc(t, dir, c.n); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("N %d: %v, want %q", c.n, err, c.want)
		}
	}
	var out bytes.Buffer
	_, err := runMain(context.Background(), "hpa-karin2020.yaml", runOptions{out: dir, format: "csv", rtol: 1e-6, atol: 1e-9, solver: "auto", progress: "never", uncertainty: 5}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "the shipped model hpa-karin2020.yaml has no ensemble: give --ensemble FILE") {
		t.Errorf("model without an ensemble: %v", err)
	}
}

// trialUncSpec is a cheap trial (12 subjects, 14 days) for trial
// --uncertainty.
const trialUncSpec = `name: t
n: 12
seed: 3
duration: 14
burn_in: 10
parameters:
  k_proT: {dist: lognormal, median: 0.067, sdlog: 0.5}
measurements:
  - {name: cort, instrument: cortisol, times: [0, 14]}
endpoints:
  - {name: cort_base, variable: host.cortisol, time: 0}
  - {name: cort_change, variable: host.cortisol, stat: change, from: 0, time: 14}
interventions:
  stress: {type: stress, intensity: 2, start: 0, duration: 14}
arms:
  - {name: placebo}
  - {name: stress, interventions: [stress]}
analysis:
  - {endpoint: cort_change, baseline: cort_base, control: placebo, treatment: stress}
  - {endpoint: latent_cort_change, control: placebo, treatment: stress}
`

// TestTrialUncertaintyCLI: trial --uncertainty N prints each analysis
// method with its intervals, writes uncertainty.json (in the manifest) and
// a report section, with the same bytes on 1 and 2 workers; --ensemble
// FILE serves a model without an ensemble; bad N, --shard, --ensemble
// alone and a model without an ensemble are clear errors before anything
// runs.
func TestTrialUncertaintyCLI(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "trial.yaml")
	os.WriteFile(spec, []byte(trialUncSpec), 0o644)
	var first map[string][]byte
	for _, w := range []string{"1", "2"} {
		o := filepath.Join(dir, "o"+w)
		msg, err := runCmd(t, newTrialCmd(), spec, "--out", o, "--workers", w, "--uncertainty", "4", "--progress", "never")
		if err != nil {
			t.Fatalf("%v\n%s", err, msg)
		}
		for _, want := range []string{"uncertainty: 4 runs (the point estimate and 3 parameter sets of shipped:gut-skin-brain.ensemble.tsv)",
			"cort_change stress vs placebo welch", "cort_change stress vs placebo ancova(cort_base)", "n per arm (80% power)"} {
			if !strings.Contains(msg, want) {
				t.Errorf("output lacks %q:\n%s", want, msg)
			}
		}
		files := map[string][]byte{}
		for _, f := range []string{"uncertainty.json", "report.html", "manifest.json"} {
			files[f], _ = os.ReadFile(filepath.Join(o, f))
		}
		if !bytes.Contains(files["manifest.json"], []byte(`"uncertainty.json"`)) || !bytes.Contains(files["report.html"], []byte("Uncertainty over the calibration ensemble")) {
			t.Errorf("manifest or report lacks the uncertainty")
		}
		var u struct {
			N       int      `json:"n"`
			Shifted []string `json:"shifted_distributions"`
			Methods []struct {
				Method string
				Effect struct{ Value, Lower, Upper float64 }
			} `json:"methods"`
		}
		if err := json.Unmarshal(files["uncertainty.json"], &u); err != nil || u.N != 4 || len(u.Shifted) != 1 || len(u.Methods) != 3 {
			t.Errorf("uncertainty.json: %v %+v", err, u)
		}
		for _, m := range u.Methods {
			if !(m.Effect.Lower <= m.Effect.Value && m.Effect.Value <= m.Effect.Upper && m.Effect.Lower < m.Effect.Upper) {
				t.Errorf("%s: effect interval %+v", m.Method, m.Effect)
			}
		}
		if first == nil {
			first = files
			continue
		}
		for f, b := range files {
			if f != "manifest.json" && !bytes.Equal(b, first[f]) {
				t.Errorf("%s differs between 1 and 2 workers", f)
			}
		}
	}

	// a model file without an ensemble beside it; then --ensemble
	mdata, err := models.Read(holobiont.DefaultModel)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "m.yaml"), mdata, 0o644)
	own := filepath.Join(dir, "own.yaml")
	os.WriteFile(own, []byte("model: m.yaml\n"+trialUncSpec), 0o644)
	ens, _ := models.Read("gut-skin-brain" + models.EnsembleSuffix)
	ensFile := filepath.Join(dir, "e.tsv")
	os.WriteFile(ensFile, ens, 0o644)
	if msg, err := runCmd(t, newTrialCmd(), own, "--out", filepath.Join(dir, "e"), "--uncertainty", "2", "--ensemble", ensFile, "--progress", "never"); err != nil || !strings.Contains(msg, "uncertainty: 2 runs (the point estimate and 1 parameter sets of e.tsv)") {
		t.Errorf("--ensemble FILE: %v\n%s", err, msg)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{spec, "--uncertainty", "-2"}, "--uncertainty -2: want the number of runs, at least 1"},
		{[]string{spec, "--uncertainty", "1000"}, "--uncertainty 1000: the ensemble shipped:gut-skin-brain.ensemble.tsv holds 100 parameter sets (want at most 101 runs"},
		{[]string{spec, "--uncertainty", "3", "--shard", "0/2"}, "--uncertainty 3 with --shard 0/2: the ensemble runs the whole trial"},
		{[]string{spec, "--ensemble", ensFile}, "--ensemble " + ensFile + " needs --uncertainty N"},
		{[]string{own, "--uncertainty", "3"}, "model " + filepath.Join(dir, "m.yaml") + " has no ensemble " + filepath.Join(dir, "m.ensemble.tsv")},
	} {
		out := filepath.Join(dir, "bad")
		if _, err := runCmd(t, newTrialCmd(), append(c.args, "--out", out)...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s before refusing", c.args, out)
		}
	}
}
