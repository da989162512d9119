package modelfile

import (
	"context"
	"math"
	"testing"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// runModel compiles m, applies settings, and runs it on sched.
func runModel(t testing.TB, m *model.Model, set map[string]float64, sched *sim.Schedule, opt sim.Options) (*system.System, *sim.Trajectory) {
	t.Helper()
	sys, err := system.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	if sched == nil {
		sched = &sim.Schedule{}
	}
	isInput := map[string]bool{}
	for _, in := range m.Inputs {
		isInput[in.ID] = true
	}
	for k, v := range set {
		if isInput[k] { // hold the input at v for the whole run
			sched.Signals = append(sched.Signals, sim.Signal{Input: k, Pieces: []sim.Piece{{Start: opt.Start, End: opt.End, Value: v}}})
			continue
		}
		if err := sys.SetParameter(k, v); err != nil {
			t.Fatalf("set %s: %v", k, err)
		}
	}
	if opt.ODE.RTol == 0 {
		opt.ODE.RTol, opt.ODE.ATol = 1e-8, 1e-10
	}
	tr, err := sim.Run(context.Background(), sys, sched, opt)
	if err != nil {
		t.Fatal(err)
	}
	return sys, tr
}

func col(t testing.TB, tr *sim.Trajectory, name string) []float64 {
	t.Helper()
	for j, n := range tr.Names {
		if n == name {
			out := make([]float64, len(tr.Times))
			for k := range tr.Times {
				out[k] = tr.Values[k][j]
			}
			return out
		}
	}
	t.Fatalf("no variable %s in %v", name, tr.Names)
	return nil
}

func last(x []float64) float64 { return x[len(x)-1] }

// TestKarinSimulatedSteadyState integrates the HPA model to steady state for
// several drives (Rodas, since CRH is fast) and compares with the analytic
// steady state: CRH = ACTH = 1 and x3 (1+(x3/4)^3) = u.
func TestKarinSimulatedSteadyState(t *testing.T) {
	m, err := LoadModel("../models/hpa-karin2020.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []float64{1, 2, 4} {
		set := map[string]float64{"drive": u, "K_P": 1e12, "K_A": 1e12}
		_, tr := runModel(t, m, set, nil, sim.Options{Start: 0, End: 600, OutputTimes: []float64{600},
			ODE: ode.Options{Method: ode.Rodas4, RTol: 1e-10, ATol: 1e-12}})
		x3 := cortisolSS(u)
		for name, want := range map[string]float64{"host.CRH": 1, "host.ACTH": 1, "host.cortisol": x3, "host.P": 1 + math.Pow(x3/4, 3), "host.A": x3} {
			if got := last(col(t, tr, name)); math.Abs(got-want) > 1e-6 {
				t.Errorf("u=%v: %s = %.8f at t=600 d, want %.8f", u, name, got, want)
			}
		}
	}
}

// TestKarinStressResponse: u = 2 for 30 days then u = 1 (gland turnover
// 7/14 days). Regression values from host-models.md §1.2 (independent
// Python RK4, h = 1e-3 d): cortisol peaks at 1.883; after the stress it
// undershoots baseline by 3.4%, with the trough about 58 days later.
// Tolerances: 0.002 on the peak, 0.3 percentage points on the undershoot,
// 5 days on the trough time.
func TestKarinStressResponse(t *testing.T) {
	m, err := LoadModel("../models/hpa-karin2020.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var times []float64
	for d := 0.0; d <= 150; d += 0.25 {
		times = append(times, d)
	}
	_, tr := runModel(t, m, map[string]float64{"K_P": 1e12, "K_A": 1e12}, &sim.Schedule{Signals: []sim.Signal{
		{Input: "drive", Pieces: []sim.Piece{{Start: 0, End: 30, Value: 2}}}}},
		sim.Options{Start: 0, End: 150, OutputTimes: times, ODE: ode.Options{Method: ode.Rodas4, RTol: 1e-9, ATol: 1e-11}})
	x := col(t, tr, "host.cortisol")
	base := cortisolSS(1)
	peak := maxOn(tr, x, 0, 30)
	trough, tTrough := math.Inf(1), 0.0
	for k, tk := range tr.Times {
		if tk > 30 && x[k] < trough {
			trough, tTrough = x[k], tk
		}
	}
	under := 100 * (1 - trough/base)
	t.Logf("peak %.4f, undershoot %.2f%% at %.1f days after stress", peak, under, tTrough-30)
	if math.Abs(peak-1.883) > 0.002 || math.Abs(under-3.4) > 0.3 || math.Abs(tTrough-30-58) > 5 {
		t.Errorf("peak %.4f (want 1.883), undershoot %.2f%% (want 3.4%%) at +%.1f d (want ~58)", peak, under, tTrough-30)
	}
}
