package fit

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/series"
)

func benchData(b testing.TB, name string) *series.Dataset {
	d, err := series.ReadLong(filepath.Join(testutil.SharedDir(b), "data", "forecast", name), false)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkFold times one leave-one-subject-out fold (inner CV on the
// other subjects, fit, forecast of the held-out subject) per benchmark
// data set and method.
func BenchmarkFold(b *testing.B) {
	for _, set := range []string{"stein2013", "bucci2016-cdiff-denoised", "bucci2016-diet"} {
		d := benchData(b, set)
		train := make([]int, len(d.Subjects)-1)
		for i := range train {
			train[i] = i + 1
		}
		for _, m := range []Method{GLVRidge, CLV, ALRLinear} {
			b.Run(set+"/"+string(m), func(b *testing.B) {
				for range b.N {
					mod, err := Fit(context.Background(), d.Select(train), Options{Method: m, Workers: 1})
					if err != nil {
						b.Fatal(err)
					}
					if _, _, err := mod.Forecast(context.Background(), &d.Subjects[0]); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRidge times one block-penalised ridge solve of the Stein design
// (13 columns, 11 responses).
func BenchmarkRidge(b *testing.B) {
	lay, gram, cross := peerDesign(b)
	s := newSolver(lay)
	pen := Penalty{Growth: 9, Interaction: 2.25, Perturbation: 0.25}
	for range b.N {
		if err := s.ridge(gram, cross, pen); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForecast times one forecast of a Stein subject (11 taxa, 23
// days) with a fitted gLV.
func BenchmarkForecast(b *testing.B) {
	d := benchData(b, "stein2013")
	m, err := Fit(context.Background(), d, Options{Method: GLVRidge, Penalty: &Penalty{Growth: 1, Interaction: 1, Perturbation: 1}})
	if err != nil {
		b.Fatal(err)
	}
	f, _ := newForecaster(m.tr, m.pr)
	for range b.N {
		if _, _, err := predictSubject(context.Background(), f, m.tr, &d.Subjects[2]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkElasticNet times one elastic-net solve of the Stein design with
// one penalty for every block (λ 0.5, ρ 0.5), from the ridge warm start.
func BenchmarkElasticNet(b *testing.B) {
	lay, gram, cross := peerDesign(b)
	s := newSolver(lay)
	pen := Penalty{Growth: 0.5, Interaction: 0.5, Perturbation: 0.5, L1Ratio: 0.5}
	for range b.N {
		if err := s.elasticNet(gram, cross, pen, 1e-10, 100000); err != nil {
			b.Fatal(err)
		}
	}
}
