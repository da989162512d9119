package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func execRoot(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	wd, _ := os.Getwd()
	if dir != "" {
		if err := os.Chdir(dir); err != nil {
			t.Fatal(err)
		}
		defer os.Chdir(wd)
	}
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// TestRunDefault: `holobiont run` with no arguments simulates the shipped
// model and scenario and writes report.html, trajectory.csv and
// summary.json under holobiont-out/<run-id>/; a second run with the same
// inputs writes the same bytes.
func TestRunDefault(t *testing.T) {
	dir := t.TempDir()
	out, err := execRoot(t, dir, "run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "report: holobiont-out/") {
		t.Errorf("summary does not print the report path:\n%s", out)
	}
	runs, _ := filepath.Glob(filepath.Join(dir, "holobiont-out", "*"))
	if len(runs) != 1 {
		t.Fatalf("want one run directory, got %v", runs)
	}
	files := map[string][]byte{}
	for _, name := range []string{"report.html", "trajectory.csv", "summary.json"} {
		b, err := os.ReadFile(filepath.Join(runs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	if !bytes.HasPrefix(files["trajectory.csv"], []byte("time,variable,value\n0,")) || !bytes.Contains(files["trajectory.csv"], []byte(",axilla.S_aureus,")) ||
		!bytes.Contains(files["trajectory.csv"], []byte(",host.cortisol,")) {
		t.Errorf("trajectory.csv is not long format with model variable names")
	}
	var sum runSummary
	if err := json.Unmarshal(files["summary.json"], &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Model.SHA256 == "" || sum.Scenario.SHA256 == "" || !sum.Complete || sum.End != 180 || len(sum.Interventions) != 3 {
		t.Errorf("summary incomplete: %+v", sum)
	}
	for _, want := range []string{"<svg", "exam stress", "oral antibiotic course", "Cortisol", "Gut permeability", "Wellbeing", "Eczema severity", "forearm"} {
		if !bytes.Contains(files["report.html"], []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	// Same inputs, same bytes, in another directory.
	dir2 := t.TempDir()
	if _, err := execRoot(t, dir2, "run"); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		b2, err := os.ReadFile(filepath.Join(dir2, "holobiont-out", filepath.Base(runs[0]), name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, b2) {
			t.Errorf("%s differs between two runs with the same inputs", name)
		}
	}
}

// TestRunBadInputWritesNothing: a model error is reported as file:line:col
// and no output directory appears.
func TestRunBadInputWritesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("id: x\nstates:\n  a: {initial: 1, rate: \"-k*a\"}\n"), 0o644)
	_, err := execRoot(t, dir, "run", bad, "--out", filepath.Join(dir, "out"))
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:3:") || !strings.Contains(err.Error(), `unknown name "k"`) {
		t.Fatalf("error %v, want bad.yaml:3:..: unknown name \"k\"", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("output directory written despite the error")
	}
	scen := filepath.Join(dir, "s.yaml")
	os.WriteFile(scen, []byte("duration: 10\ninterventions:\n  - {type: emollient, site: elbow, start: 1, duration: 2}\n"), 0o644)
	_, err = execRoot(t, dir, "run", "--scenario", scen, "--out", filepath.Join(dir, "out"))
	if err == nil || !strings.Contains(err.Error(), "s.yaml:3:") || !strings.Contains(err.Error(), `no site "elbow"`) {
		t.Fatalf("error %v, want s.yaml:3:..: no site \"elbow\"", err)
	}
	if _, err = execRoot(t, dir, "run", "--set", "sigma_S=-1", "--out", filepath.Join(dir, "out")); err == nil {
		t.Errorf("out-of-range --set accepted")
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("output directory written despite the error")
	}
}

// TestRunParquetAndSet: --format parquet writes trajectory.parquet; --set
// changes the run id and the result.
func TestRunParquetAndSet(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	r1, err := runMain(context.Background(), "hpa-karin2020.yaml", runOptions{out: dir, format: "parquet", rtol: 1e-6, atol: 1e-9, solver: "rosenbrock", progress: "never"}, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(r1.Dir, "trajectory.parquet")); err != nil || st.Size() == 0 {
		t.Fatalf("no trajectory.parquet: %v", err)
	}
	r2, err := runMain(context.Background(), "hpa-karin2020.yaml", runOptions{out: dir, format: "csv", sets: []string{"K_GR=5"}, rtol: 1e-6, atol: 1e-9, solver: "rosenbrock", progress: "never"}, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	if _, err := runMain(context.Background(), "lee2024.yaml", runOptions{out: dir, format: "csv", rtol: 1e-6, atol: 1e-9, solver: "auto", progress: "always"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "simulating") {
		t.Errorf("--progress always drew no progress bar: %q", errb.String())
	}
	if r1.Dir == r2.Dir || r2.Summary.Set["K_GR"] != 5 {
		t.Errorf("--set not reflected: %s vs %s, %v", r1.Dir, r2.Dir, r2.Summary.Set)
	}
}

func TestModelDescribeCheck(t *testing.T) {
	out, err := execRoot(t, "", "model", "describe", "gut-skin-brain.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"COUPLINGS", "S (sign only; conservative default)", "Vanuytsel 2014", "beta_K", "forearm", "Cutibacterium acnes"} {
		if !strings.Contains(out, want) {
			t.Errorf("describe output lacks %q", want)
		}
	}
	out, err = execRoot(t, "", "model", "describe", "lee2024.yaml", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var d jsonDescribe
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Parameters) != 17 || len(d.HostStates) != 3 || d.Parameters[0].Citation == "" {
		t.Errorf("json describe: %d parameters, %d host states", len(d.Parameters), len(d.HostStates))
	}
	if _, err := execRoot(t, "", "model", "check", "stein2013.yaml"); err != nil {
		t.Error(err)
	}
}
