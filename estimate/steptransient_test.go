package estimate_test

import (
	"context"
	"math"
	"testing"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/petab"
)

// TestTransientShorterThanTimeResolution: dx/dt = k·(u(t) − x) with a
// step input at T = 24 and k = 1e12 (testdata/steptransient), whose
// solution after T is x = 1 − exp(−k·(t − T)). Resolving it needs steps
// near 1e-15, below 10 ulp of 24 (3.6e-14): the BDF used to fail there
// with "step size too small at t=24" (40 of 100 Weber_BMC2015 start points
// failed so, at its dose time). It steps in the time since its restart at
// the breakpoint now. Tolerance 1e-7 of the analytic value (rtol 1e-8).
func TestTransientShorterThanTimeResolution(t *testing.T) {
	spec, err := petab.Load("testdata/steptransient/problem.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ev := evaluator(t, spec, estimate.Options{})
	for _, grad := range []bool{false, true} {
		r, err := ev.Evaluate(context.Background(), spec.Nominal(), grad)
		if err != nil {
			t.Fatalf("gradient %v: %v", grad, err)
		}
		for i, m := range spec.Measurements {
			want := 0.0
			if m.Time >= 24 {
				want = -math.Expm1(-1e12 * (m.Time - 24))
			}
			if d := math.Abs(r.Sim[i] - want); !(d <= 1e-7*math.Max(want, 1e-3)) {
				t.Errorf("gradient %v, t = %.16g: x = %.10g, want %.10g", grad, m.Time, r.Sim[i], want)
			}
		}
	}
}
