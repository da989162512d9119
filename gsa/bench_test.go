package gsa

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkSobolNext: one 60-dimensional point (a Saltelli design of 30
// parameters).
func BenchmarkSobolNext(b *testing.B) {
	s, _ := NewSobol(60, rand.New(rand.NewPCG(1, 1)))
	x := make([]float64, 60)
	b.ReportAllocs()
	for b.Loop() {
		s.Next(x)
	}
}

// BenchmarkSobolIndices: first-order and total indices of 30 parameters
// from N = 1024 base samples (32,768 outputs) with 100 bootstrap
// resamples: one output column of the 30-parameter default-model study.
func BenchmarkSobolIndices(b *testing.B) {
	const n, d = 1024, 30
	seq, _ := NewSobol(2*d, rand.New(rand.NewPCG(2, 2)))
	x := make([]float64, SaltelliRuns(n, d, false)*d)
	if err := Saltelli(x, n, d, false, seq); err != nil {
		b.Fatal(err)
	}
	a := make([]float64, d)
	for i := range a {
		a[i] = float64(i)
	}
	y := make([]float64, len(x)/d)
	for r := range y {
		y[r] = gFunction(x[r*d:(r+1)*d], a)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SobolIndices(y, d, SobolOptions{Resamples: 100}, rand.New(rand.NewPCG(1, 1))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKDEDensity: the density of 4,096 two-dimensional points at one
// point (a vpop's probability of inclusion costs one per plausible
// patient).
func BenchmarkKDEDensity(b *testing.B) {
	rnd := rand.New(rand.NewPCG(3, 3))
	pts := make([]float64, 2*4096)
	for i := range pts {
		pts[i] = rnd.NormFloat64()
	}
	k, err := NewKDE(pts, 2)
	if err != nil {
		b.Fatal(err)
	}
	x := []float64{0.1, -0.2}
	b.ReportAllocs()
	for b.Loop() {
		k.Density(x)
	}
}
