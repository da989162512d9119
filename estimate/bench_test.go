package estimate_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/petab"
)

func benchProblem(b *testing.B, name string, grad bool) {
	dir := filepath.Join(testutil.SharedDir(b), "petab-benchmark")
	spec, err := petab.Load(filepath.Join(dir, name, name+".yaml"))
	if err != nil {
		b.Fatal(err)
	}
	ev := evaluator(b, spec, estimate.Options{})
	u := spec.Nominal()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ev.Evaluate(ctx, u, grad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkObjective times one objective evaluation (all experiments) at
// the nominal parameters of benchmark problems, value only and with the
// gradient and Fisher information from forward sensitivities.
func BenchmarkObjective(b *testing.B) {
	for _, name := range []string{"Boehm_JProteomeRes2014", "Fujita_SciSignal2010", "Bachmann_MSB2011", "Zheng_PNAS2012"} {
		b.Run(name+"/value", func(b *testing.B) { benchProblem(b, name, false) })
		b.Run(name+"/gradient", func(b *testing.B) { benchProblem(b, name, true) })
	}
}
