package sim_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// TestReuse: a run that takes over an earlier run's storage
// (Options.Reuse: rows, times and the solver, which ended that run in
// Rodas4) gives the same bits as a fresh run, rows, times and step counts
// alike; so does one whose output grid needs more storage than the
// earlier run had.
func TestReuse(t *testing.T) {
	root := testutil.RepoRoot()
	m, err := modelfile.LoadModel(filepath.Join(root, "models", "gut-skin-brain.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := modelfile.LoadScenario(filepath.Join(root, "models", "scenarios", "gut-skin-brain.yaml"), m)
	if err != nil {
		t.Fatal(err)
	}
	sched, err := sc.Schedule(m)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := system.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	opt := sim.Options{Start: 0, End: 365, ODE: ode.Options{RTol: 1e-6, ATol: 1e-9}}
	first, err := sim.Run(context.Background(), sys.Clone(), sched, opt)
	if err != nil {
		t.Fatal(err)
	}
	if first.Stats.Switches == 0 {
		t.Fatal("the first run never switched to Rodas4: the test needs a solver that ends stiff")
	}
	for _, every := range []float64{1, 0.25} {
		var times []float64
		for x := 0.0; x <= 365; x += every {
			times = append(times, x)
		}
		o := opt
		o.OutputTimes = times
		s2 := sys.Clone()
		if err := s2.SetParameter("sigma_S", 0); err != nil {
			t.Fatal(err)
		}
		fresh, err := sim.Run(context.Background(), s2.Clone(), sched, o)
		if err != nil {
			t.Fatal(err)
		}
		o.Reuse = first
		reused, err := sim.Run(context.Background(), s2.Clone(), sched, o)
		if err != nil {
			t.Fatal(err)
		}
		if fresh.Stats != reused.Stats || len(fresh.Times) != len(reused.Times) {
			t.Fatalf("every %g: stats %+v, %d rows; fresh %+v, %d rows", every, reused.Stats, len(reused.Times), fresh.Stats, len(fresh.Times))
		}
		for k := range fresh.Values {
			if fresh.Times[k] != reused.Times[k] {
				t.Fatalf("every %g: row %d at t=%g, fresh %g", every, k, reused.Times[k], fresh.Times[k])
			}
			for j, v := range fresh.Values[k] {
				if w := reused.Values[k][j]; math.Float64bits(v) != math.Float64bits(w) && !(math.IsNaN(v) && math.IsNaN(w)) {
					t.Fatalf("every %g: row %d %s = %v, fresh %v", every, k, fresh.Names[j], w, v)
				}
			}
		}
		first = reused
	}
}
