package sbmlsuite

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sbml"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// network40 is a BioModels-size random network (40 species, 88 reactions)
// made by scripts/sbml_bench_gen.py, which also writes the same model as C
// for SUNDIALS CVODE; network40_ref.txt is CVODE BDF's solution at t = 100
// with rtol 1e-12, atol 1e-14.
func network40(tb testing.TB) (*system.System, []float64) {
	m, err := sbml.ReadFile(filepath.Join("..", "sbml", "testdata", "bench", "network40.xml"))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := system.Compile(m)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(filepath.Join("..", "sbml", "testdata", "bench", "network40_ref.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var ref []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v, err := strconv.ParseFloat(sc.Text(), 64)
		if err != nil {
			tb.Fatal(err)
		}
		ref = append(ref, v)
	}
	return s, ref
}

var benchOut = func() []float64 {
	out := make([]float64, 101)
	for i := range out {
		out[i] = float64(i)
	}
	return out
}()

func solveNetwork(tb testing.TB, s *system.System, method ode.Method) ([]float64, ode.Stats) {
	return solveNetworkTol(tb, s, method, 1e-6, 1e-9)
}

func solveNetworkTol(tb testing.TB, s *system.System, method ode.Method, rtol, atol float64) ([]float64, ode.Stats) {
	var last []float64
	tr, err := sim.Run(context.Background(), s, nil, sim.Options{Start: 0, End: 100, OutputTimes: benchOut,
		ODE: ode.Options{Method: method, RTol: rtol, ATol: atol},
		StateHook: func(t float64, y []float64) {
			if t == 100 {
				last = append(last[:0], y...)
			}
		}})
	if err != nil {
		tb.Fatal(err)
	}
	return last, tr.Stats
}

// TestNetwork40Accuracy: at rtol 1e-6, atol 1e-9 every species at t = 100
// is within 10 × (atol + rtol·|ref|) of CVODE's tight reference (CVODE
// itself reaches 1.2 × at these tolerances, see benchmarks/sbml.md).
func TestNetwork40Accuracy(t *testing.T) {
	s, ref := network40(t)
	for _, m := range []ode.Method{ode.Auto, ode.Rodas4} {
		y, st := solveNetwork(t, s, m)
		worst := 0.0
		for i, r := range ref {
			worst = math.Max(worst, math.Abs(y[i]-r)/(1e-9+1e-6*math.Abs(r)))
		}
		t.Logf("%v: max scaled error %.3g, %+v", m, worst, st)
		if worst > 10 {
			t.Errorf("%v: max scaled error %.3g > 10", m, worst)
		}
	}
}

func BenchmarkNetwork40(b *testing.B) {
	s, ref := network40(b)
	for _, c := range []struct {
		m          ode.Method
		rtol, atol float64
	}{{ode.Auto, 1e-6, 1e-9}, {ode.Rodas4, 1e-6, 1e-9}, {ode.DOPRI5, 1e-6, 1e-9}, {ode.Auto, 1e-5, 1e-8}, {ode.Rodas4, 1e-5, 1e-8}} {
		b.Run(fmt.Sprintf("%v/rtol=%g", c.m, c.rtol), func(b *testing.B) {
			var st ode.Stats
			var y []float64
			for i := 0; i < b.N; i++ {
				y, st = solveNetworkTol(b, s, c.m, c.rtol, c.atol)
			}
			worst := 0.0
			for i, r := range ref {
				worst = math.Max(worst, math.Abs(y[i]-r)/(1e-9+1e-6*math.Abs(r)))
			}
			b.ReportMetric(float64(st.RHSEvals), "rhs/solve")
			b.ReportMetric(worst, "err@1e-6")
		})
	}
}
