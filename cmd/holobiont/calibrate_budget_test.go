package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestCalibrateMaxEvals: --max-evals 2 ends every start of the decay
// problem (which needs 3 or 4 evaluations) at the limit, reported as the
// start's status and recorded in the settings, with the same result.json
// on 1 and 2 workers; a budget no start reaches (1,000) writes the same
// starts, best parameters and simulations as no budget, and result.json
// differs only by the recorded setting. Bad values are refused by name.
func TestCalibrateMaxEvals(t *testing.T) {
	run := func(dir string, args ...string) []byte {
		t.Helper()
		base := []string{"calibrate", decayProblem, "--starts", "4", "--seed", "2", "--out", dir, "--quiet"}
		if out, err := runCLI(t, append(base, args...)...); err != nil {
			t.Fatal(err, out)
		}
		b, err := os.ReadFile(filepath.Join(dir, "result.json"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	type result struct {
		Settings map[string]any `json:"settings"`
		Starts   []struct {
			Status    string `json:"status"`
			Evals     int    `json:"evaluations"`
			Converged bool   `json:"converged"`
		} `json:"starts"`
	}
	d1, d2 := t.TempDir(), t.TempDir()
	b1, b2 := run(d1, "--max-evals", "2", "--workers", "1"), run(d2, "--max-evals", "2", "--workers", "2")
	if !bytes.Equal(b1, b2) {
		t.Error("--max-evals 2: result.json differs between 1 and 2 workers")
	}
	var r result
	if err := json.Unmarshal(b1, &r); err != nil {
		t.Fatal(err)
	}
	if r.Settings["max_evaluations"] != 2.0 || len(r.Starts) != 4 {
		t.Errorf("--max-evals 2: settings %v, %d starts", r.Settings, len(r.Starts))
	}
	for i, s := range r.Starts {
		if s.Status != "evaluation limit" || s.Evals != 2 {
			t.Errorf("--max-evals 2: start %d: %s after %d evaluations", i, s.Status, s.Evals)
		}
	}
	tsv, _ := os.ReadFile(filepath.Join(d1, "starts.tsv"))
	if strings.Count(string(tsv), "\tevaluation limit\t") != 4 {
		t.Errorf("starts.tsv does not report the limit for every start:\n%s", tsv)
	}

	dn, db := t.TempDir(), t.TempDir()
	bn, bb := run(dn), run(db, "--max-evals", "1000")
	for _, f := range []string{"starts.tsv", "parameters_best.tsv", "simulations_best.tsv"} {
		x, _ := os.ReadFile(filepath.Join(dn, f))
		y, _ := os.ReadFile(filepath.Join(db, f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between no budget and --max-evals 1000", f)
		}
	}
	var rn, rb map[string]any
	if err := json.Unmarshal(bn, &rn); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(bb, &rb); err != nil {
		t.Fatal(err)
	}
	if _, ok := rn["settings"].(map[string]any)["max_evaluations"]; ok {
		t.Error("no budget: settings record max_evaluations")
	}
	if s := rb["settings"].(map[string]any); s["max_evaluations"] != 1000.0 {
		t.Errorf("--max-evals 1000: settings %v", s)
	} else {
		delete(s, "max_evaluations")
	}
	if !reflect.DeepEqual(rn, rb) {
		t.Error("result.json with --max-evals 1000 (no start reaches it) differs from no budget by more than the setting")
	}

	targets := filepath.Join(t.TempDir(), "small.targets.yaml")
	if err := os.WriteFile(targets, []byte(smallTargets), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{targets, "--max-evals", "5"}, "--max-evals 5: for PEtab problems only"},
		{[]string{decayProblem, "--max-evals", "-1"}, "--max-evals -1: want at least 1, or 0 for no limit"},
		{[]string{decayProblem, "--max-steps", "0"}, "--max-steps 0: want at least 1"},
		{[]string{decayProblem, "--max-evals", "x"}, `invalid argument "x" for "--max-evals"`},
	} {
		out, err := runCLI(t, append(append([]string{"calibrate"}, c.args...), "--out", t.TempDir())...)
		if err == nil || !strings.Contains(err.Error()+out, c.want) {
			t.Errorf("calibrate %v: error %v, output %q; want %q", c.args, err, out, c.want)
		}
	}
}
