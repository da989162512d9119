package modelfile

import (
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/system"
)

// BenchmarkDefaultRHS times one right-hand-side evaluation of the default
// model (the solver's inner kernel).
func BenchmarkDefaultRHS(b *testing.B) {
	m, err := LoadModel(gsbPath)
	if err != nil {
		b.Fatal(err)
	}
	sys, err := system.Compile(m)
	if err != nil {
		b.Fatal(err)
	}
	y := make([]float64, sys.Dim())
	if err := sys.InitialState(y); err != nil {
		b.Fatal(err)
	}
	dy := make([]float64, len(y))
	b.ReportAllocs()
	cpu0 := testutil.CPUSeconds()
	for b.Loop() {
		sys.RHS(1, y, dy)
	}
	// CPU time of this process per evaluation: on a shared machine wall
	// time overstates the cost per core.
	b.ReportMetric((testutil.CPUSeconds()-cpu0)*1e9/float64(b.N), "cpu-ns/op")
}
