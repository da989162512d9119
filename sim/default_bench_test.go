package sim_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// BenchmarkDefault solves the shipped default model
// (models/gut-skin-brain.yaml) for one subject over 365 days under its
// default scenario at the `holobiont run` defaults (auto solver, rtol 1e-6,
// atol 1e-9) with daily output rows. It reports subject-years per second
// (sequential: one core), RHS evaluations and output rows per solve. The
// "outputs" sub-benchmark times System.Outputs alone (one row).
func BenchmarkDefault(b *testing.B) {
	root := testutil.RepoRoot()
	m, err := modelfile.LoadModel(filepath.Join(root, "models", "gut-skin-brain.yaml"))
	if err != nil {
		b.Skipf("default model does not load: %v", err)
	}
	sc, err := modelfile.LoadScenario(filepath.Join(root, "models", "scenarios", "gut-skin-brain.yaml"), m)
	if err != nil {
		b.Skipf("default scenario does not load: %v", err)
	}
	sched, err := sc.Schedule(m)
	if err != nil {
		b.Fatal(err)
	}
	sys, err := system.Compile(m)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("solve365", func(b *testing.B) {
		opt := sim.Options{Start: 0, End: 365, ODE: ode.Options{RTol: 1e-6, ATol: 1e-9}}
		var st ode.Stats
		var rows int
		b.ReportAllocs()
		for b.Loop() {
			tr, err := sim.Run(context.Background(), sys, sched, opt)
			if err != nil {
				b.Fatal(err)
			}
			st, rows = tr.Stats, len(tr.Times)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "subject-years/s")
		b.ReportMetric(float64(st.RHSEvals), "RHS/solve")
		b.ReportMetric(float64(rows), "rows/solve")
	})
	b.Run("outputs", func(b *testing.B) {
		y := make([]float64, sys.Dim())
		if err := sys.InitialState(y); err != nil {
			b.Fatal(err)
		}
		dst := make([]float64, len(sys.VariableNames()))
		b.ReportAllocs()
		for b.Loop() {
			sys.Outputs(1, y, dst)
		}
		b.ReportMetric(float64(len(dst)), "variables")
	})
	b.Run("rhs", func(b *testing.B) {
		y := make([]float64, sys.Dim())
		if err := sys.InitialState(y); err != nil {
			b.Fatal(err)
		}
		dy := make([]float64, sys.Dim())
		b.ReportAllocs()
		for b.Loop() {
			sys.RHS(1, y, dy)
		}
		b.ReportMetric(float64(len(dy)), "states")
	})
}
