package system_test

import (
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/system"
)

// TestKernels runs every shipped model with its shipped scenario on the
// generated kernels (package kernels) and on the interpreter and requires
// the same bits everywhere (compareRuns: trajectories under two solvers,
// RHS, outputs and Jacobian at every recorded state; tolerance: none). It
// also requires every hot tape of a shipped model to have its kernel: a
// failure there means the kernels are stale (go generate ./system/kernels).
func TestKernels(t *testing.T) {
	root := testutil.RepoRoot()
	for _, name := range models.List() {
		t.Run(name, func(t *testing.T) {
			m, err := modelfile.LoadModel(filepath.Join(root, "models", name))
			if err != nil {
				t.Fatal(err)
			}
			sc, err := modelfile.LoadScenario(filepath.Join(root, "models", "scenarios", name), m)
			if err != nil {
				t.Fatal(err)
			}
			sched, err := sc.Schedule(m)
			if err != nil {
				t.Fatal(err)
			}
			gen, err := system.Compile(m)
			if err != nil {
				t.Fatal(err)
			}
			interp, err := system.CompileInterpreted(m)
			if err != nil {
				t.Fatal(err)
			}
			if g, h := gen.Kernels(); g != h || h == 0 {
				t.Errorf("%d of %d hot tapes have generated kernels: run go generate ./system/kernels", g, h)
			}
			if g, _ := interp.Kernels(); g != 0 {
				t.Fatalf("CompileInterpreted uses %d kernels", g)
			}
			compareRuns(t, gen, interp, sc.Start, sc.End, sched)
		})
	}
}
