package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/modelfile"
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
	var sum holobiont.Record
	if err := json.Unmarshal(files["summary.json"], &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Model.SHA256 == "" || sum.Scenario.SHA256 == "" || !sum.Complete || sum.End != 180 || len(sum.Interventions) != 3 {
		t.Errorf("summary incomplete: %+v", sum)
	}
	for _, want := range []string{"<svg", "exam stress", "oral antibiotic course", "Cortisol", "Gut permeability", "Wellbeing", "Skin disease", "Depression and anxiety", "forearm", "Community composition, log scale"} {
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
	if _, err = execRoot(t, dir, "run", "--set", "sigma_S=-1", "--out", filepath.Join(dir, "out")); err == nil || !strings.Contains(err.Error(), "--set sigma_S: value -1 outside its range [0, +inf)") {
		t.Errorf("out-of-range --set: %v", err)
	}
	if _, err = execRoot(t, dir, "run", "--set", "sigma_s=0", "--out", filepath.Join(dir, "out")); err == nil || !strings.Contains(err.Error(), "no such parameter (did you mean sigma_S?)") {
		t.Errorf("misspelled --set: %v", err)
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
	var d modelfile.Description
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

// TestRunFailureKeepsPartial: dx/dt = x² from x(0) = 1 has the solution
// 1/(1 - t), which blows up at t = 1. The run must fail with an error naming
// the simulated time (just before 1) and keep the rows before it in
// trajectory.partial.csv, with summary.json marked incomplete, and no
// complete-looking output.
func TestRunFailureKeepsPartial(t *testing.T) {
	dir := t.TempDir()
	mf := filepath.Join(dir, "blowup.yaml")
	os.WriteFile(mf, []byte("id: blowup\nstates:\n  x: {initial: 1, rate: \"x^2\"}\n"), 0o644)
	sf := filepath.Join(dir, "s.yaml")
	os.WriteFile(sf, []byte("duration: 2\noutput: {step: 0.125}\n"), 0o644)
	for _, solver := range []string{"dopri5", "rosenbrock"} {
		out := filepath.Join(dir, "out-"+solver)
		var stdout, stderr bytes.Buffer
		res, err := runMain(context.Background(), mf, runOptions{scenario: sf, out: out, format: "csv", rtol: 1e-6, atol: 1e-9, solver: solver, progress: "never"}, &stdout, &stderr)
		if err == nil {
			t.Fatalf("%s: blow-up run succeeded", solver)
		}
		if !strings.Contains(err.Error(), "simulation failed at t=") {
			t.Errorf("%s: error %q does not name the simulated time", solver, err)
		}
		if res == nil || res.Summary == nil || res.Summary.Failure == nil {
			t.Fatalf("%s: no failure summary", solver)
		}
		f := res.Summary.Failure
		// The step-size controller may step a hair past the singularity
		// before it gives up; the failure time is at the blow-up.
		if !(math.Abs(f.T-1) < 1e-3) || res.Summary.Complete {
			t.Errorf("%s: failure at t=%g complete=%v, want t = 1 ± 1e-3, incomplete", solver, f.T, res.Summary.Complete)
		}
		if f.Variable != "" && f.Variable != "x" || f.Variable == "" && f.FastestChanging != "x" {
			t.Errorf("%s: failure variable %q (fastest changing %q), want x", solver, f.Variable, f.FastestChanging)
		}
		for _, name := range []string{"trajectory.csv", "report.html"} {
			if _, err := os.Stat(filepath.Join(res.Dir, name)); !os.IsNotExist(err) {
				t.Errorf("%s: %s written by a failed run", solver, name)
			}
		}
		b, err := os.ReadFile(filepath.Join(res.Dir, "trajectory.partial.csv"))
		if err != nil {
			t.Fatal(err)
		}
		// Rows at t = 0, 0.125, ..., 0.875 (8 rows) and possibly t = 1 if
		// the solver stepped past it: x = 1/(1-t) within rtol 1e-4 for t < 1.
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if lines[0] != "time,variable,value" || len(lines) < 9 || len(lines) > 10 {
			t.Fatalf("%s: partial trajectory has %d lines, want header + 8 or 9 rows:\n%s", solver, len(lines), b)
		}
		for _, l := range lines[1:] {
			var tt, x float64
			var name string
			parts := strings.Split(l, ",")
			tt, _ = strconv.ParseFloat(parts[0], 64)
			name = parts[1]
			x, _ = strconv.ParseFloat(parts[2], 64)
			if tt >= 1 {
				continue
			}
			if want := 1 / (1 - tt); name != "x" || math.Abs(x-want) > 1e-4*want {
				t.Errorf("%s: row %q: want x = %g", solver, l, want)
			}
		}
		var sum holobiont.Record
		sb, err := os.ReadFile(filepath.Join(res.Dir, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(sb, &sum); err != nil {
			t.Fatal(err)
		}
		if sum.Complete || sum.Failure == nil || sum.Failure.T != f.T || !strings.Contains(sum.Failure.Error, "simulation failed") || sum.Outputs != len(lines)-1 {
			t.Errorf("%s: summary.json %s", solver, sb)
		}
		if !strings.Contains(stderr.String(), "FAILED at t=") || !strings.Contains(stderr.String(), "trajectory.partial.csv") {
			t.Errorf("%s: stderr %q", solver, stderr.String())
		}
	}
	// Parquet: the partial file is trajectory.partial.parquet.
	res, err := runMain(context.Background(), mf, runOptions{scenario: sf, out: filepath.Join(dir, "pq"), format: "parquet", rtol: 1e-6, atol: 1e-9, solver: "dopri5", progress: "never"}, io.Discard, io.Discard)
	if err == nil || res == nil {
		t.Fatalf("parquet: run did not fail: %v", err)
	}
	if st, err := os.Stat(filepath.Join(res.Dir, "trajectory.partial.parquet")); err != nil || st.Size() == 0 {
		t.Errorf("parquet: no trajectory.partial.parquet: %v", err)
	}
	if _, err := os.Stat(filepath.Join(res.Dir, "trajectory.parquet")); !os.IsNotExist(err) {
		t.Errorf("parquet: trajectory.parquet written by a failed run")
	}
	// Two states, one blowing up: the hint names the one that blows up.
	mf2 := filepath.Join(dir, "blowup2.yaml")
	os.WriteFile(mf2, []byte("id: blowup2\nstates:\n  slow: {initial: 1, rate: \"-0.5*slow\"}\n  x: {initial: 1, rate: \"x^2\"}\n"), 0o644)
	res, err = runMain(context.Background(), mf2, runOptions{scenario: sf, out: filepath.Join(dir, "two"), format: "csv", rtol: 1e-6, atol: 1e-9, solver: "dopri5", progress: "never"}, io.Discard, io.Discard)
	if err == nil || res == nil || res.Summary.Failure == nil {
		t.Fatalf("two states: run did not fail: %v", err)
	}
	if f := res.Summary.Failure; f.Variable != "x" && f.FastestChanging != "x" {
		t.Errorf("two states: failure names %q / fastest changing %q, want x", f.Variable, f.FastestChanging)
	}
	// Through the command: non-nil error (exit status 1 in main).
	if _, err := execRoot(t, dir, "run", mf, "--scenario", sf, "--out", filepath.Join(dir, "cli"), "--progress", "never"); err == nil {
		t.Errorf("command returned no error for a failed run")
	}
}

// TestRunReportWindowLabels: in every chart of the default report the
// labels of the intervention windows ("exam stress", "oral antibiotic
// course", "probiotic course": adjacent windows 7 days apart) do not
// overlap. The report package staggers labels into rows; labels on one row
// must be apart by their width at a conservative 0.62 em per character
// (DejaVu Sans averages ~0.55 em).
func TestRunReportWindowLabels(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	res, err := runMain(context.Background(), "", runOptions{out: dir, format: "csv", rtol: 1e-6, atol: 1e-9, solver: "auto", progress: "never"}, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(res.Dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	groups := regexp.MustCompile(`(?s)<g class="windows">(.*?)</g>`).FindAllSubmatch(b, -1)
	if len(groups) < 10 {
		t.Fatalf("only %d charts with intervention windows", len(groups))
	}
	textRe := regexp.MustCompile(`<text x="([-\d.]+)" y="([-\d.]+)" font-size="([\d.]+)"[^>]*>([^<]*)</text>`)
	for gi, g := range groups {
		type lbl struct {
			x, y, size float64
			s          string
		}
		var ls []lbl
		for _, m := range textRe.FindAllSubmatch(g[1], -1) {
			x, _ := strconv.ParseFloat(string(m[1]), 64)
			y, _ := strconv.ParseFloat(string(m[2]), 64)
			sz, _ := strconv.ParseFloat(string(m[3]), 64)
			ls = append(ls, lbl{x, y, sz, string(m[4])})
		}
		if len(ls) < 3 {
			t.Errorf("chart %d: %d window labels, want 3", gi, len(ls))
		}
		for i := range ls {
			for j := range ls {
				a, c := ls[i], ls[j]
				if i == j || a.y != c.y || a.x > c.x {
					continue
				}
				if end := a.x + 0.62*a.size*float64(len([]rune(a.s))); end > c.x {
					t.Errorf("chart %d: label %q (x %.1f..%.1f) overlaps %q at x %.1f on the same row", gi, a.s, a.x, end, c.s, c.x)
				}
			}
		}
	}
}

// `model check` and `model describe` count the same parameters.
func TestModelParameterCountsAgree(t *testing.T) {
	for _, m := range []string{"gut-skin-brain.yaml", "hpa-karin2020.yaml"} {
		chk, err := execRoot(t, "", "model", "check", m)
		if err != nil {
			t.Fatal(err)
		}
		desc, err := execRoot(t, "", "model", "describe", m)
		if err != nil {
			t.Fatal(err)
		}
		a := regexp.MustCompile(`, (\d+) parameters \(\+(\d+) derived`).FindStringSubmatch(chk)
		b := regexp.MustCompile(`\n(\d+) parameters: .* (\d+) more are derived`).FindStringSubmatch(desc)
		if a == nil || b == nil || a[1] != b[1] || a[2] != b[2] {
			t.Errorf("%s: check %q, describe %q", m, a, b)
		}
	}
}

// `model list` shows the shipped models and scenarios; the kind of a file
// given to the wrong command is named.
func TestModelListAndKinds(t *testing.T) {
	out, err := execRoot(t, "", "model", "list")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"MODELS", "gut-skin-brain.yaml", "SCENARIOS", "scenarios/hpa-karin2020.yaml"} {
		if !strings.Contains(out, want) {
			t.Errorf("model list lacks %q:\n%s", want, out)
		}
	}
	for _, c := range []struct{ args []string }{
		{[]string{"cohort", "../../examples/trial-arms.yaml", "--out", t.TempDir()}},
		{[]string{"trial", "../../models/stein2013.yaml", "--out", t.TempDir()}},
		{[]string{"run", "../../examples/cohort-tyson-carr.yaml", "--out", t.TempDir()}},
	} {
		if _, err := execRoot(t, "", c.args...); err == nil || !strings.Contains(err.Error(), "this is a") {
			t.Errorf("%v: %v", c.args, err)
		}
	}
}

// A run of a model and scenario given by absolute paths records their base
// names: no output file holds the directory they were read from.
func TestRunNoLocalPaths(t *testing.T) {
	dir := t.TempDir()
	mf := filepath.Join(dir, "decay.yaml")
	os.WriteFile(mf, []byte("id: decay\nstates:\n  x: {initial: 1, rate: \"-x\"}\n"), 0o644)
	sf := filepath.Join(dir, "s.yaml")
	os.WriteFile(sf, []byte("duration: 2\noutput: {step: 0.5}\n"), 0o644)
	var stdout, stderr bytes.Buffer
	res, err := runMain(context.Background(), mf, runOptions{scenario: sf, out: filepath.Join(dir, "out"), format: "csv", rtol: 1e-6, atol: 1e-9, solver: "auto", progress: "never"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if res.Summary.Model.Source != "decay.yaml" || res.Summary.Scenario.Source != "s.yaml" {
		t.Errorf("sources recorded as %q and %q, want the base names", res.Summary.Model.Source, res.Summary.Scenario.Source)
	}
	noLocalPaths(t, filepath.Join(dir, "out"), dir)
}
