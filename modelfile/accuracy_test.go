package modelfile

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
)

// TestDefaultModelAccuracy: the default model under its shipped scenario,
// 365 days with daily outputs (the BenchmarkDefaultModel/auto/daily run),
// with Auto at rtol 1e-6, atol 1e-9 against DOP853 at rtol 1e-10, atol
// 1e-14 (the reference). Three measures, each with its bound:
//
//   - states above 1e-3: the relative difference at every day, at most
//     1e-3 (measured 6.6e-5, host.psoriasis_front);
//   - outputs: the difference relative to the output's largest magnitude
//     over the year, at most 1e-3 (measured 6.4e-5, host.psoriasis_bsa);
//   - every value: the difference in units of 1e-6·|ref| + 1e-9 (the
//     tolerance), at most 1e4 (2,600: pro_sat at day 113, 3.40e-4
//     against 3.35e-4, while the probiotic washes out).
//
// The outputs' day-by-day relative difference is logged, not bounded
// tightly: skin_inflammation is a sum of pos(inflammation − 1) terms, so
// as the post-antibiotic inflammation returns to its baseline of 1 (day
// 74: 1.07e-3, from 0.3 at day 55) it is the small difference of states
// near 1 and inherits their absolute error, a few rtol (3.4e-6; 3.1e-3 of
// the output's value on the calibrated model). Tightening atol does not
// remove it (3.8e-3 at atol 1e-11; 2.6e-4 at atol 1e-12, where pro_sat is
// the largest); the states themselves agree to 6.6e-5. That figure is held
// at 5e-3.
func TestDefaultModelAccuracy(t *testing.T) {
	sys, sched := gsbSystem(t, "../models/scenarios/gut-skin-brain.yaml")
	run := func(method ode.Method, rtol, atol float64) *sim.Trajectory {
		times := make([]float64, 366)
		for i := range times {
			times[i] = float64(i)
		}
		tr, err := sim.Run(context.Background(), sys, sched, sim.Options{Start: 0, End: 365, OutputTimes: times,
			ODE: ode.Options{Method: method, RTol: rtol, ATol: atol}})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	ref := run(ode.DOP853, 1e-10, 1e-14)
	got := run(ode.Auto, 1e-6, 1e-9)
	isState := map[string]bool{}
	for _, nm := range sys.StateNames() {
		isState[nm] = true
	}
	var state, scaled, point, tol worst
	for j, name := range ref.Names {
		var big float64 // the output's largest magnitude over the year
		for k := range ref.Values {
			big = math.Max(big, math.Abs(ref.Values[k][j]))
		}
		for k, row := range ref.Values {
			r, g := row[j], got.Values[k][j]
			if math.IsNaN(r) != math.IsNaN(g) {
				t.Fatalf("%s at day %g: %g, reference %g", name, ref.Times[k], g, r)
			}
			if math.IsNaN(r) {
				continue
			}
			d := math.Abs(g - r)
			at := func() string { return fmt.Sprintf("%s at day %g", name, ref.Times[k]) }
			switch {
			case isState[name] && math.Abs(r) > 1e-3:
				state.note(d/math.Abs(r), at)
			case !isState[name] && big > 1e-3:
				scaled.note(d/big, at)
				if math.Abs(r) > 1e-3 {
					point.note(d/math.Abs(r), at)
				}
			}
			tol.note(d/(1e-6*math.Abs(r)+1e-9), at)
		}
	}
	t.Logf("states > 1e-3, relative: %.3g (%s); outputs, relative to their largest magnitude: %.3g (%s); "+
		"outputs > 1e-3, relative: %.3g (%s); in units of 1e-6·|ref| + 1e-9: %.3g (%s)",
		state.v, state.at, scaled.v, scaled.at, point.v, point.at, tol.v, tol.at)
	for _, c := range []struct {
		what  string
		w     worst
		bound float64
	}{{"state relative difference", state, 1e-3}, {"output difference relative to its largest magnitude", scaled, 1e-3},
		{"output relative difference", point, 5e-3}, {"scaled difference", tol, 1e4}} {
		if c.w.v > c.bound {
			t.Errorf("%s %.3g at %s, want <= %g", c.what, c.w.v, c.w.at, c.bound)
		}
	}
}

// worst is the largest difference seen and where.
type worst struct {
	v  float64
	at string
}

func (w *worst) note(v float64, at func() string) {
	if v > w.v {
		w.v, w.at = v, at()
	}
}
