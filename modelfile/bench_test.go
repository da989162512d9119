package modelfile

import (
	"context"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// BenchmarkDefaultModel solves the default gut-skin-brain model for one
// subject over 365 days with the default scenario's interventions (stress,
// antibiotic, probiotic), at the `holobiont run` defaults (auto solver, rtol
// 1e-6, atol 1e-9) with daily outputs. It reports subject-years per second
// (one core: the benchmark is sequential) and RHS evaluations per solve,
// for daily and weekly outputs and each solver. Each solve reuses the
// previous one's trajectory storage (sim.Options.Reuse), as a loop over
// many subjects does; "auto/fresh/daily" allocates a new trajectory per
// solve, as a single `holobiont run` does.
func BenchmarkDefaultModel(b *testing.B) {
	for _, bc := range []struct {
		name   string
		method ode.Method
		every  float64
		rtol   float64
		fresh  bool
	}{{"auto/daily", ode.Auto, 1, 1e-6, false}, {"auto/fresh/daily", ode.Auto, 1, 1e-6, true}, {"auto/weekly", ode.Auto, 7, 1e-6, false}, {"dopri5/daily", ode.DOPRI5, 1, 1e-6, false},
		{"rodas4/daily", ode.Rodas4, 1, 1e-6, false}, {"auto/weekly/rtol1e-4", ode.Auto, 7, 1e-4, false}} {
		b.Run(bc.name, func(b *testing.B) { benchDefault(b, bc.method, bc.every, bc.rtol, bc.fresh) })
	}
}

func benchDefault(b *testing.B, method ode.Method, every, rtol float64, fresh bool) {
	sys, sched := gsbSystem(b, "../models/scenarios/gut-skin-brain.yaml")
	var times []float64
	for t := 0.0; t <= 365; t += every {
		times = append(times, t)
	}
	if times[len(times)-1] != 365 {
		times = append(times, 365)
	}
	opt := sim.Options{Start: 0, End: 365, OutputTimes: times, ODE: ode.Options{Method: method, RTol: rtol, ATol: 1e-9}}
	var rhs, steps int
	cpu0 := testutil.CPUSeconds()
	b.ResetTimer()
	for b.Loop() {
		tr, err := sim.Run(context.Background(), sys, sched, opt)
		if err != nil {
			b.Fatal(err)
		}
		if !fresh {
			opt.Reuse = tr
		}
		rhs, steps = tr.Stats.RHSEvals, tr.Stats.Steps
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "subject-years/s")
	// CPU time of this process: on a shared machine wall time overstates
	// the cost per core.
	b.ReportMetric(float64(b.N)/(testutil.CPUSeconds()-cpu0), "subject-years/cpu-s")
	b.ReportMetric(float64(rhs), "RHS/solve")
	b.ReportMetric(float64(steps), "steps/solve")
}

// gsbSystem compiles the default model and the schedule of the scenario
// file scenario (a path from this package's directory).
func gsbSystem(tb testing.TB, scenario string) (*system.System, *sim.Schedule) {
	tb.Helper()
	m, err := LoadModel(gsbPath)
	if err != nil {
		tb.Fatal(err)
	}
	sc, err := LoadScenario(scenario, m)
	if err != nil {
		tb.Fatal(err)
	}
	sched, err := sc.Schedule(m)
	if err != nil {
		tb.Fatal(err)
	}
	sys, err := system.Compile(m)
	if err != nil {
		tb.Fatal(err)
	}
	return sys, sched
}

// BenchmarkRepeated10y solves the default model for ten years with the
// default scenario's interventions repeated every year
// (testdata/scenarios/repeated-10y.yaml) with weekly outputs under each
// solver: the case for switching between the explicit and the stiff
// method in both directions (issue 13). It reports steps, Jacobians and
// switches per solve.
func BenchmarkRepeated10y(b *testing.B) {
	for _, bc := range []struct {
		name   string
		method ode.Method
	}{{"auto", ode.Auto}, {"dopri5", ode.DOPRI5}, {"rodas4", ode.Rodas4}} {
		b.Run(bc.name, func(b *testing.B) {
			sys, sched := gsbSystem(b, "../testdata/scenarios/repeated-10y.yaml")
			var times []float64
			for t := 0.0; t <= 3650; t += 7 {
				times = append(times, t)
			}
			opt := sim.Options{Start: 0, End: 3650, OutputTimes: times, ODE: ode.Options{Method: bc.method, RTol: 1e-6, ATol: 1e-9}}
			var st ode.Stats
			cpu0 := testutil.CPUSeconds()
			for b.Loop() {
				tr, err := sim.Run(context.Background(), sys, sched, opt)
				if err != nil {
					b.Fatal(err)
				}
				st = tr.Stats
				opt.Reuse = tr
			}
			b.ReportMetric((testutil.CPUSeconds()-cpu0)/float64(b.N)*1e3, "cpu-ms/solve")
			b.ReportMetric(float64(st.Steps), "steps/solve")
			b.ReportMetric(float64(st.JacEvals), "jac/solve")
			b.ReportMetric(float64(st.Switches), "switches/solve")
		})
	}
}
