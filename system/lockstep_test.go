package system_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/system"
)

// lockstepCase is one structure-of-arrays ("lock-step") variant of a
// shipped model's generated RHS kernel (lockstep_gen_test.go, written by
// scripts/lockstepgen from package kernels; the committed file holds the
// variants of hpa-karin2020.yaml's kernel, small enough to compile with
// every test run): form "fused" (the straight-line body in one loop over
// the subjects), "loops" (a loop over the subjects per statement, locals
// arrays of nb values) or "scratch" (as loops, locals in a scratch buffer
// the caller keeps), for nb subjects. prepare packs nb scalar
// environments into the variant's layout and returns a run of the kernel
// on them and an unpack of the results into nb scalar environments.
//
// The default model's measurement (benchmarks/run.md, issue 13 session
// 11) regenerates the file from its RHS kernel and runs the same test and
// benchmark:
//
//	go run ./scripts/lockstepgen -src system/kernels/kernels_gen.go -func k098276d3eb6e5176 \
//	    -b 1,4,8,16 -pkg system_test -out system/lockstep_gen_test.go
//	go test ./system -run Lockstep -bench LockstepRHS
//
//go:generate go run ../scripts/lockstepgen -src kernels/kernels_gen.go -func ke9b53c5545f4eac0 -b 1,4,16 -pkg system_test -out lockstep_gen_test.go
type lockstepCase struct {
	form    string
	nb      int
	prepare func(envs [][]float64) (run func(), unpack func(dst [][]float64))
}

// lockstepInputs returns the scalar RHS kernel of lockstepModel and nb
// copies of its environment after one RHS evaluation at the initial
// state, each copy perturbed by rng: every slot with probability 0.9 by a
// factor in [0.9, 1.1] when all, else only the slots holding non-integer
// values (states, rates; not the Hill exponents and switches) by a factor
// in [0.95, 1.05], as subjects of one virtual population differ. Subject
// 0 is left unperturbed.
func lockstepInputs(tb testing.TB, nb int, rng *rand.Rand, all bool) (func([]float64), [][]float64) {
	tb.Helper()
	m, err := modelfile.LoadModel(filepath.Join(testutil.RepoRoot(), "models", lockstepModel))
	if err != nil {
		tb.Fatal(err)
	}
	sys, err := system.Compile(m)
	if err != nil {
		tb.Fatal(err)
	}
	y := make([]float64, sys.Dim())
	if err := sys.InitialState(y); err != nil {
		tb.Fatal(err)
	}
	sys.RHS(0, y, make([]float64, len(y)))
	kernel, fp, env := sys.RHSKernel()
	if kernel == nil || !strings.HasPrefix(fp, lockstepFingerprint) {
		tb.Fatalf("%s: the RHS kernel is k%.16s, lockstep_gen_test.go was generated from k%s: regenerate it (go generate ./system, after go generate ./system/kernels)", lockstepModel, fp, lockstepFingerprint)
	}
	envs := make([][]float64, nb)
	for s := range envs {
		envs[s] = append([]float64(nil), env...)
		if s == 0 {
			continue
		}
		for i, v := range envs[s] {
			switch {
			case all && rng.Float64() < 0.9:
				envs[s][i] = v * (0.9 + 0.2*rng.Float64())
			case !all && v != math.Trunc(v):
				envs[s][i] = v * (0.95 + 0.1*rng.Float64())
			}
		}
	}
	return kernel, envs
}

// TestLockstepRHSBitIdentical runs every structure-of-arrays variant of
// lockstepModel's RHS kernel on nb randomly perturbed environments
// and requires each subject's environment afterwards to equal, bit for
// bit, what the scalar kernel leaves in that subject's environment run
// alone: a subject's result does not depend on who shares its batch.
func TestLockstepRHSBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	for _, c := range lockstepCases {
		for _, all := range []bool{false, true} {
			kernel, envs := lockstepInputs(t, c.nb, rng, all)
			want := make([][]float64, c.nb)
			for s, e := range envs {
				want[s] = append([]float64(nil), e...)
				kernel(want[s])
			}
			run, unpack := c.prepare(envs)
			run()
			got := make([][]float64, c.nb)
			for s := range got {
				got[s] = make([]float64, len(envs[s]))
			}
			unpack(got)
			for s := range got {
				for i := range got[s] {
					if math.Float64bits(got[s][i]) != math.Float64bits(want[s][i]) {
						t.Fatalf("%s, B=%d, all=%v: subject %d, slot %d: %v, scalar kernel %v", c.form, c.nb, all, s, i, got[s][i], want[s][i])
					}
				}
			}
		}
	}
}

// BenchmarkLockstepRHS times lockstepModel's RHS kernel for B subjects:
// B calls of the scalar kernel on B environments ("scalar") against one
// call of each structure-of-arrays variant on the same inputs. It reports CPU nanoseconds per subject-RHS
// (cpu-ns/subject) beside wall time per subject.
func BenchmarkLockstepRHS(b *testing.B) {
	sizes := []int{}
	for _, c := range lockstepCases {
		if len(sizes) == 0 || sizes[len(sizes)-1] != c.nb {
			sizes = append(sizes, c.nb)
		}
	}
	for _, nb := range sizes {
		kernel, envs := lockstepInputs(b, nb, rand.New(rand.NewPCG(13, 2)), false)
		b.Run(fmt.Sprintf("B=%d/scalar", nb), func(b *testing.B) {
			lockstepTime(b, nb, func() {
				for _, e := range envs {
					kernel(e)
				}
			})
		})
		for _, c := range lockstepCases {
			if c.nb != nb {
				continue
			}
			run, _ := c.prepare(envs)
			b.Run(fmt.Sprintf("B=%d/%s", nb, c.form), func(b *testing.B) { lockstepTime(b, nb, run) })
		}
	}
}

func lockstepTime(b *testing.B, nb int, run func()) {
	b.ReportAllocs()
	cpu0 := testutil.CPUSeconds()
	for b.Loop() {
		run()
	}
	n := float64(b.N * nb)
	b.ReportMetric((testutil.CPUSeconds()-cpu0)*1e9/n, "cpu-ns/subject")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/subject")
}
