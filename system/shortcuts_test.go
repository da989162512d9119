package system_test

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

// TestShortcutsBitExact compiles each shipped model twice, with the
// evaluation shortcuts (static sub-expressions and hill's K^n hoisted into
// the static tape, tapes running in place on the environment, sparse
// Jacobian sensitivities) and without them (CompileReference), and
// requires bit-identical results: the RHS, the output variables and the
// Jacobian at the states of a run of the shipped scenario, and the whole
// trajectory of that run under the auto and the Rosenbrock solvers (same
// rows, same step counts). Tolerance: none (float64 bits; NaN equals NaN).
func TestShortcutsBitExact(t *testing.T) {
	root := testutil.RepoRoot()
	for _, name := range []string{"gut-skin-brain", "stein2013", "hpa-karin2020", "lee2024"} {
		t.Run(name, func(t *testing.T) {
			m, err := modelfile.LoadModel(filepath.Join(root, "models", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			sc, err := modelfile.LoadScenario(filepath.Join(root, "models", "scenarios", name+".yaml"), m)
			if err != nil {
				t.Fatal(err)
			}
			sched, err := sc.Schedule(m)
			if err != nil {
				t.Fatal(err)
			}
			fast, err := system.Compile(m)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := system.CompileReference(m)
			if err != nil {
				t.Fatal(err)
			}
			if h, in, _ := fast.Shortcuts(); !in {
				t.Errorf("RHS tape does not run in place (%d hoisted)", h)
			}
			if h, in, sp := ref.Shortcuts(); h != 0 || in || sp {
				t.Fatalf("reference uses shortcuts: %d hoisted, in place %v, sparse Jacobian %v", h, in, sp)
			}
			if name == "gut-skin-brain" {
				if h, _, sp := fast.Shortcuts(); h == 0 || !sp {
					t.Errorf("default model: %d hoisted sub-expressions, sparse Jacobian %v; want some and true", h, sp)
				}
			}

			compareRuns(t, fast, ref, sc.Start, sc.End, sched)
		})
	}
}

// compareRuns requires fast and ref (two compilations of one model) to give
// the same bits: the whole trajectory of a run of sched from start to end
// under the auto and the Rosenbrock solvers (same rows, same step counts),
// and the RHS, outputs and Jacobian at every recorded state of the auto run.
func compareRuns(t *testing.T, fast, ref *system.System, start, end float64, sched *sim.Schedule) {
	t.Helper()
	// whole runs
	var states [][]float64
	for _, method := range []ode.Method{ode.Auto, ode.Rodas4} {
		opt := sim.Options{Start: start, End: end, ODE: ode.Options{Method: method, RTol: 1e-6, ATol: 1e-9}}
		trRef, errRef := sim.Run(context.Background(), ref.Clone(), sched, opt)
		if method == ode.Auto {
			opt.StateHook = func(_ float64, y []float64) { states = append(states, append([]float64(nil), y...)) }
		}
		trFast, errFast := sim.Run(context.Background(), fast.Clone(), sched, opt)
		if (errRef == nil) != (errFast == nil) {
			t.Fatalf("%v: errors differ: %v, %v", method, errRef, errFast)
		}
		if trRef.Stats != trFast.Stats {
			t.Errorf("%v: stats %+v, reference %+v", method, trFast.Stats, trRef.Stats)
		}
		if len(trRef.Values) != len(trFast.Values) {
			t.Fatalf("%v: %d rows, reference %d", method, len(trFast.Values), len(trRef.Values))
		}
		for k := range trRef.Values {
			if i := firstDiff(trFast.Values[k], trRef.Values[k]); i >= 0 {
				t.Fatalf("%v: row %d (t=%g) %s = %v, reference %v", method, k, trRef.Times[k], trRef.Names[i], trFast.Values[k][i], trRef.Values[k][i])
			}
		}
	}

	// the kernels at those states (default inputs)
	n := fast.Dim()
	dyF, dyR := make([]float64, n), make([]float64, n)
	outF, outR := make([]float64, len(fast.VariableNames())), make([]float64, len(ref.VariableNames()))
	jF, jR := make([]float64, n*n), make([]float64, n*n)
	for k, y := range states {
		tt := float64(k)
		fast.RHS(tt, y, dyF)
		ref.RHS(tt, y, dyR)
		if i := firstDiff(dyF, dyR); i >= 0 {
			t.Fatalf("state %d: dy[%d] = %v, reference %v", k, i, dyF[i], dyR[i])
		}
		fast.Outputs(tt, y, outF)
		ref.Outputs(tt, y, outR)
		if i := firstDiff(outF, outR); i >= 0 {
			t.Fatalf("state %d: output %s = %v, reference %v", k, fast.VariableNames()[i], outF[i], outR[i])
		}
		fast.Jacobian(tt, y, jF)
		ref.Jacobian(tt, y, jR)
		if i := firstDiff(jF, jR); i >= 0 {
			t.Fatalf("state %d: J[%d][%d] = %v, reference %v", k, i/n, i%n, jF[i], jR[i])
		}
	}
	if len(states) == 0 {
		t.Fatal("no states recorded")
	}
}

// firstDiff returns the first index where a and b differ in their bits
// (any NaN equals any NaN), or -1.
func firstDiff(a, b []float64) int {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return i
		}
	}
	return -1
}
