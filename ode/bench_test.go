package ode

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// BenchmarkStein2013 solves the 9 mice of Stein et al. 2013 (11-taxon gLV,
// clindamycin as a schedule segment) for 60 days at rtol 1e-6, atol 1e-9,
// with outputs every day, one op = 9 mouse-solves. It reports the time per
// mouse-solve and the maximum error against scipy DOP853 (rtol 1e-12) at the
// daily outputs (compare with scripts/cvode, see benchmarks/ode.md).
func BenchmarkStein2013(b *testing.B) {
	benchStein(b, 1e-6, 1e-9, []steinBench{
		{"dopri5", DOPRI5, false},
		{"auto", Auto, false},
		{"rodas4-jac", Rodas4, true},
		{"dop853", DOP853, false},
	})
}

// BenchmarkStein2013Tight is BenchmarkStein2013 at rtol 1e-8, 1e-9 and 1e-10
// (atol = rtol/1000): DOPRI5 against DOP853 (Auto's explicit method at
// rtol <= 1e-10); the scaled error metric uses that rtol·|ref| + atol.
func BenchmarkStein2013Tight(b *testing.B) {
	for _, tol := range [][2]float64{{1e-8, 1e-11}, {1e-9, 1e-12}, {1e-10, 1e-13}} {
		b.Run(fmt.Sprintf("rtol%g", tol[0]), func(b *testing.B) {
			benchStein(b, tol[0], tol[1], []steinBench{
				{"dopri5", DOPRI5, false},
				{"dop853", DOP853, false},
				{"auto", Auto, false},
			})
		})
	}
}

type steinBench struct {
	name string
	m    Method
	jac  bool
}

func benchStein(b *testing.B, rtol, atol float64, cases []steinBench) {
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			d := loadStein(b)
			outT := make([]float64, 61)
			for i := range outT {
				outT[i] = float64(i)
			}
			dst := make([][][]float64, len(d.mice))
			for k := range dst {
				dst[k] = make([][]float64, len(outT))
				for i := range dst[k] {
					dst[k][i] = make([]float64, 11)
				}
			}
			s, err := NewSolver(11, Options{Method: bc.m, RTol: rtol, ATol: atol})
			if err != nil {
				b.Fatal(err)
			}
			var sys System = d.sys
			if bc.jac {
				sys = glvJ{d.sys}
			}
			y := make([]float64, 11)
			ctx := context.Background()
			var st Stats
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := testutil.CPUSeconds()
			for it := 0; it < b.N; it++ {
				st = Stats{}
				for k, m := range d.mice {
					s1, err := solveMouse(ctx, s, sys, d.sys, m, outT, dst[k], y)
					if err != nil {
						b.Fatal(err)
					}
					st.Add(s1)
				}
			}
			b.StopTimer()
			cpu := testutil.CPUSeconds() - cpu0
			var maxAbs, maxScaled float64
			for k, m := range d.mice {
				for i, tt := range outT {
					r := int(math.Round(tt * 2)) // reference every 0.5 day
					if d.refT[m.id][r] != tt {
						b.Fatalf("reference time %g != %g", d.refT[m.id][r], tt)
					}
					for j, ref := range d.refX[m.id][r] {
						e := math.Abs(dst[k][i][j] - ref)
						maxAbs = math.Max(maxAbs, e)
						maxScaled = math.Max(maxScaled, e/(rtol*math.Abs(ref)+atol))
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/9/1e3, "µs/mouse")
			b.ReportMetric(cpu/float64(b.N)/9*1e6, "cpu-µs/mouse")
			b.ReportMetric(maxAbs, "maxabserr")
			b.ReportMetric(maxAbs*1e9, "maxabserr-1e-9")
			b.ReportMetric(maxScaled, "maxscalederr")
			b.ReportMetric(float64(st.RHSEvals)/9, "rhs/mouse")
		})
	}
}

// BenchmarkStepLoop is the zero-allocation step loop after setup: van der
// Pol (mu = 1) over t ∈ [0, 20] per op.
func BenchmarkStepLoop(b *testing.B) {
	for _, m := range []Method{DOPRI5, Rodas4, DOP853} {
		b.Run(m.String(), func(b *testing.B) {
			s, _ := NewSolver(2, Options{Method: m, RTol: 1e-6})
			y := make([]float64, 2)
			var sys System = &vanDerPol{mu: 1}
			b.ReportAllocs()
			for it := 0; it < b.N; it++ {
				y[0], y[1] = 2, 0
				if _, err := s.Integrate(context.Background(), sys, 0, y, 20, nil, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
