package sbmlsuite

import (
	"bytes"
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sbml"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

var writeKernels = flag.String("write-kernels", "", "write Go kernels for the shipped models and every SBML Test Suite case to this file (scripts/check_kernels_suite.sh)")

// suiteModels reads every case of the SBML Test Suite in ../shared that
// compiles (flux-balance cases aside).
func suiteModels(t *testing.T) (names []string, ms []*model.Model) {
	dir := filepath.Join(testutil.SharedDir(t), "sbml-test-suite", "cases")
	cases, err := ListCases(dir, nil)
	if err != nil {
		t.Skipf("no SBML Test Suite: %v", err)
	}
	for _, c := range cases {
		id := filepath.Base(c)
		for _, lv := range Levels {
			m, err := sbml.ReadFile(filepath.Join(c, id+"-sbml-"+lv+".xml"))
			if err != nil {
				continue
			}
			if m.FluxBalance == nil {
				if _, err := system.Compile(m); err == nil {
					names, ms = append(names, id), append(ms, m)
				}
			}
			break
		}
	}
	return names, ms
}

// TestKernelsSuite compares the generated-kernel path with the interpreter
// on every SBML Test Suite case that compiles. Kernels for the suite are
// not part of the build: scripts/check_kernels_suite.sh writes them
// (-write-kernels) and builds this test with them in place of
// system/kernels (go test -overlay), setting HOLOBIONT_SUITE_KERNELS=1;
// without it the test only checks that writing the kernels works. With it
// every case must run all its hot evaluations on kernels and give the same
// bits as the interpreter: the output variables at 101 times over the
// case's duration (auto solver, rtol 1e-10) and the solver's step counts.
func TestKernelsSuite(t *testing.T) {
	names, ms := suiteModels(t)
	if *writeKernels != "" {
		writeSuiteKernels(t, names, ms)
		return
	}
	if os.Getenv("HOLOBIONT_SUITE_KERNELS") != "1" {
		var buf bytes.Buffer
		n := min(len(ms), 40)
		var systems []*system.System
		for _, m := range ms[:n] {
			s, _ := system.Compile(m)
			systems = append(systems, s)
		}
		if err := system.WriteKernels(&buf, "kernels", names[:n], systems); err != nil {
			t.Fatal(err)
		}
		t.Skip("the kernels of the suite are compiled and compared by scripts/check_kernels_suite.sh")
	}
	compared := 0
	for k, m := range ms {
		gen, err := system.Compile(m)
		if err != nil {
			t.Fatal(err)
		}
		interp, err := system.CompileInterpreted(m)
		if err != nil {
			t.Fatal(err)
		}
		if g, h := gen.Kernels(); g != h {
			t.Errorf("case %s: %d of %d hot evaluations have kernels (stale kernel file?)", names[k], g, h)
			continue
		}
		if compareSuiteRun(t, names[k], gen, interp) {
			compared++
		}
	}
	t.Logf("%d cases compared bit for bit on generated kernels and the interpreter", compared)
}

// compareSuiteRun runs both systems and requires the same bits; it reports
// whether the runs completed (a case that fails fails the same way on both).
func compareSuiteRun(t *testing.T, name string, a, b *system.System) bool {
	end := 10.0
	times := make([]float64, 101)
	for i := range times {
		times[i] = end * float64(i) / 100
	}
	run := func(s *system.System) (*sim.Trajectory, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return sim.Run(ctx, s, nil, sim.Options{Start: 0, End: end, OutputTimes: times,
			ODE: ode.Options{RTol: 1e-10, ATol: 1e-12, MaxSteps: 200000}})
	}
	ta, ea := run(a)
	tb, eb := run(b)
	if (ea == nil) != (eb == nil) {
		t.Errorf("case %s: errors differ: %v, %v", name, ea, eb)
		return false
	}
	if ea != nil {
		return false
	}
	if ta.Stats != tb.Stats {
		t.Errorf("case %s: stats %+v, interpreter %+v", name, ta.Stats, tb.Stats)
		return false
	}
	for r := range ta.Values {
		for j, v := range ta.Values[r] {
			if w := tb.Values[r][j]; math.Float64bits(v) != math.Float64bits(w) && !(math.IsNaN(v) && math.IsNaN(w)) {
				t.Errorf("case %s: %s at t=%g: %v, interpreter %v", name, ta.Names[j], ta.Times[r], v, w)
				return false
			}
		}
	}
	return true
}

// writeSuiteKernels writes the kernels file: the shipped models first (so
// that a build with it keeps their kernels), then the suite's cases.
func writeSuiteKernels(t *testing.T, names []string, ms []*model.Model) {
	var allNames []string
	var systems []*system.System
	for _, n := range models.List() {
		src, err := models.Read(n)
		if err != nil {
			t.Fatal(err)
		}
		m, err := modelfile.ParseModel("shipped:"+n, src)
		if err != nil {
			t.Fatal(err)
		}
		s, err := system.Compile(m)
		if err != nil {
			t.Fatal(err)
		}
		allNames, systems = append(allNames, n), append(systems, s)
	}
	for k, m := range ms {
		s, err := system.Compile(m)
		if err != nil {
			t.Fatal(err)
		}
		allNames, systems = append(allNames, "SBML Test Suite case "+names[k]), append(systems, s)
	}
	var buf bytes.Buffer
	if err := system.WriteKernels(&buf, "kernels", allNames, systems); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*writeKernels, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote kernels for %d shipped models and %d suite cases to %s", len(models.List()), len(ms), *writeKernels)
}
