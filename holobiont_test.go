package holobiont

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/sim"
)

func mustLoad(t *testing.T, name string, opts ...Option) *Problem {
	t.Helper()
	p, err := Load(t.Context(), name, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRun(t *testing.T, p *Problem, o Options) *Result {
	t.Helper()
	res, err := p.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A Runner's run with values x equals a fresh Load with Set(x): same
// trajectory, same record (run id and settings included); and it does not
// leak values into the next run.
func TestRunnerMatchesLoad(t *testing.T) {
	base := mustLoad(t, "hpa-karin2020.yaml")
	r, err := base.NewRunner("K_GR", "t_half_P")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range [][]float64{{2, 5}, {4, 9}, {3, 7}} {
		got, err := r.Run(context.Background(), x, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := mustRun(t, mustLoad(t, "hpa-karin2020.yaml", Set("K_GR", x[0]), Set("t_half_P", x[1])), Options{})
		if !reflect.DeepEqual(got.Trajectory, want.Trajectory) {
			t.Errorf("%v: runner trajectory differs from Load+Set", x)
		}
		if !reflect.DeepEqual(got.Record, want.Record) {
			t.Errorf("%v: runner record %+v\nwant %+v", x, got.Record, want.Record)
		}
	}
	if _, err := base.NewRunner("no_such_param"); err == nil {
		t.Error("NewRunner accepted an unknown parameter")
	}
	if _, err := r.Run(context.Background(), []float64{1}, Options{}); err == nil {
		t.Error("Runner.Run accepted 1 value for 2 parameters")
	}
}

// New from the parsed IR runs the same as Load from the file; ModelSource
// records where the model came from.
func TestNewFromModel(t *testing.T) {
	data, _ := models.Read("stein2013.yaml")
	m, err := modelfile.ParseModel("stein2013.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	scen, _ := models.Read("scenarios/stein2013.yaml")
	p, err := New(t.Context(), m, ScenarioData("shipped:scenarios/stein2013.yaml", scen), ModelSource("shipped:stein2013.yaml", data))
	if err != nil {
		t.Fatal(err)
	}
	got := mustRun(t, p, Options{})
	want := mustRun(t, mustLoad(t, "stein2013.yaml"), Options{})
	if !reflect.DeepEqual(got.Trajectory, want.Trajectory) || !reflect.DeepEqual(got.Record, want.Record) {
		t.Errorf("New(IR) differs from Load(t.Context(), file)")
	}
	// Without ModelSource the record says the model was in memory.
	p2, err := New(t.Context(), m)
	if err != nil {
		t.Fatal(err)
	}
	if rec := mustRun(t, p2, Options{}).Record; rec.Model.SHA256 != "" || !strings.Contains(rec.Model.Source, "in memory") || rec.End != 365 {
		t.Errorf("in-memory model record: %+v", rec.Model)
	}
}

func TestSetErrors(t *testing.T) {
	_, err := Load(t.Context(), "gut-skin-brain.yaml", Set("no_such", 1))
	var se *SetError
	if !errors.As(err, &se) || se.Name != "no_such" {
		t.Errorf("unknown parameter: %v", err)
	}
	if _, err := Load(t.Context(), "gut-skin-brain.yaml", Set("sigma_S", -1)); !errors.As(err, &se) {
		t.Errorf("out-of-range value: %v", err)
	}
}

// A shipped scenario is found by the model's file name, with or without
// scenarios/; a missing name says so.
func TestReadScenario(t *testing.T) {
	for _, name := range []string{"hpa-karin2020.yaml", "scenarios/hpa-karin2020.yaml"} {
		s, err := ReadScenario(name)
		if err != nil || s.Name != "shipped:scenarios/hpa-karin2020.yaml" {
			t.Errorf("ReadScenario(%q) = %q, %v", name, s.Name, err)
		}
	}
	if _, err := ReadScenario("nope.yaml"); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing scenario: %v", err)
	}
}

// dx/dt = x² from x(0) = 1 blows up at t = 1: Run returns the partial
// result with the failure, and Write keeps it as trajectory.partial.csv and
// summary.json only.
func TestPartialRun(t *testing.T) {
	p, err := LoadData(t.Context(), "blowup.yaml", []byte("id: blowup\nstates:\n  x: {initial: 1, rate: \"x^2\"}\n"),
		ScenarioData("s.yaml", []byte("duration: 2\noutput: {step: 0.125}\n")))
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Run(context.Background(), Options{})
	var se *sim.Error
	if !errors.As(err, &se) || res == nil || res.Record.Complete || res.Record.Failure == nil {
		t.Fatalf("blow-up: %v, %+v", err, res)
	}
	dir := filepath.Join(t.TempDir(), "run")
	if err := res.Write(dir, CSV, File{Name: "report.html"}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, []string{"summary.json", "trajectory.partial.csv"}) {
		t.Errorf("partial run wrote %v", names)
	}
}

// Options are checked before anything runs.
func TestOptionsChecked(t *testing.T) {
	p := mustLoad(t, "stein2013.yaml")
	for _, o := range []Options{{RTol: 2}, {ATol: -1}, {Format: "xml"}, {Method: 99}} {
		if _, err := p.Run(context.Background(), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func TestRecordedName(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "m.yaml")
	for in, want := range map[string]string{abs: "m.yaml", "models/m.yaml": "models/m.yaml", "../x/m.yaml": "../x/m.yaml",
		"shipped:gut-skin-brain.yaml": "shipped:gut-skin-brain.yaml", "(in memory: model m)": "(in memory: model m)"} {
		if got := RecordedName(in); got != want {
			t.Errorf("RecordedName(%q) = %q, want %q", in, got, want)

		}
	}
}

// TestRunnerSimulateReuse: Runner.Simulate runs on the previous run's
// storage and gives the bits of a fresh sim.Run for each of several
// parameter sets in turn (sim's TestReuse covers a solver that ended the
// earlier run in Rodas4).
func TestRunnerSimulateReuse(t *testing.T) {
	p := mustLoad(t, "gut-skin-brain.yaml")
	r, err := p.NewRunner("sigma_S", "r_Cu")
	if err != nil {
		t.Fatal(err)
	}
	opt := p.simOptions(Options{}.withDefaults())
	ctx := context.Background()
	for _, x := range [][]float64{{1, 1.2}, {2.5, 0.7}, {0.4, 1.6}, {1, 1.2}} {
		sys, err := r.System(x)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Simulate(ctx, sys, p.schedule, opt)
		if err != nil {
			t.Fatal(err)
		}
		gotTimes, gotRows, gotStats := slices.Clone(got.Times), slices.Clone(got.Values), got.Stats
		for k := range gotRows {
			gotRows[k] = slices.Clone(gotRows[k])
		}
		fresh, err := p.NewRunner("sigma_S", "r_Cu")
		if err != nil {
			t.Fatal(err)
		}
		fsys, err := fresh.System(x)
		if err != nil {
			t.Fatal(err)
		}
		want, err := sim.Run(ctx, fsys, p.schedule, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotTimes, want.Times) || !reflect.DeepEqual(gotRows, want.Values) || gotStats != want.Stats {
			t.Errorf("%v: Simulate on reused storage differs from a fresh run (stats %+v, want %+v)", x, gotStats, want.Stats)
		}
	}
}

// A cancelled load returns the context's error before parsing or
// compiling.
func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Load(ctx, "gut-skin-brain.yaml"); !errors.Is(err, context.Canceled) {
		t.Errorf("Load: %v", err)
	}
	m, err := modelfile.ParseModel("x.yaml", []byte("id: x\nstates:\n  x: {initial: 1, rate: \"-x\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(ctx, m); !errors.Is(err, context.Canceled) {
		t.Errorf("New: %v", err)
	}
}
