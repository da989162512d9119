package petab

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/testutil"
)

// readReference reads ../shared/petab-benchmark/reference_llh.tsv: AMICI's
// log-likelihood of each benchmark problem at its nominal parameters.
func readReference(t *testing.T, dir string) map[string]float64 {
	return testutil.KeyedValues(t, filepath.Join(dir, "reference_llh.tsv"))
}

// TestBenchmarkNominalLLH checks the log-likelihood of the ten shared
// benchmark problems at their nominal parameters against AMICI's
// reference values, to relative 1e-3 (the tolerance AMICI and the PEtab
// test suite use).
func TestBenchmarkNominalLLH(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "petab-benchmark")
	ref := readReference(t, dir)
	for name, want := range ref {
		t.Run(name, func(t *testing.T) {
			spec, err := Load(filepath.Join(dir, name, name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := estimate.Compile(spec, estimate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ev, err := p.NewEvaluator()
			if err != nil {
				t.Fatal(err)
			}
			t0 := time.Now()
			r, err := ev.Evaluate(context.Background(), spec.Nominal(), false)
			if err != nil {
				t.Fatal(err)
			}
			rel := math.Abs(r.LLH-want) / math.Abs(want)
			t.Logf("llh %.10g, AMICI %.10g, relative difference %.2e (%v)", r.LLH, want, rel, time.Since(t0))
			if !(rel <= 1e-3) {
				t.Errorf("llh %.10g, want %.10g (relative difference %.2e > 1e-3)", r.LLH, want, rel)
			}
		})
	}
}
