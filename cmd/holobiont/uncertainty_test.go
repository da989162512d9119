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
