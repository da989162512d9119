package sim

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/ode"
)

// reseedModel is the two-member gLV community of glvModel with an
// antibiotic input u that kills B, a probiotic input p that is B's inflow,
// a non-viable third member C (net growth −0.6/day) dosed by input q, and
// an extinction threshold of 1e-3.
func reseedModel(t testing.TB) *model.Model {
	m := glvModel(t)
	m.Inputs = []*model.Input{{ID: "u"}, {ID: "p"}, {ID: "q"}}
	m.Species = append(m.Species, &model.Species{ID: "C", Compartment: "gut", Initial: 0, InitialSet: true})
	m.Parameters = append(m.Parameters, param("rC", -0.5))
	cm := m.Communities[0]
	cm.Members = append(cm.Members, "C")
	cm.Growth[1] = mustParse(t, "rB - u")
	cm.Growth = append(cm.Growth, mustParse(t, "rC"))
	cm.Inflow = []*expr.Node{nil, mustParse(t, "p"), mustParse(t, "q")}
	cm.ExtinctionThreshold = 1e-3
	return m
}

// TestExtinctionReseed: B goes extinct under the antibiotic (days 10–30),
// stays exactly zero, is re-seeded by a probiotic inflow pulse (days 40–42)
// that carries it up through the threshold, and grows back to the
// coexistence steady state of glvModel. C, dosed at a level whose
// equilibrium (q/0.6 ≈ 1.7e-4) lies below the threshold, is positive while
// dosed and zero once dosing stops. The solver must make progress: the run
// finishes within a deadline and a bounded number of steps.
func TestExtinctionReseed(t *testing.T) {
	s := compile(t, reseedModel(t))
	sched := &Schedule{Signals: []Signal{
		{Input: "u", Pieces: []Piece{{Start: 10, End: 30, Value: 5}}},
		{Input: "p", Pieces: []Piece{{Start: 40, End: 42, Value: 0.05}}},
		{Input: "q", Pieces: []Piece{{Start: 50, End: 70, Value: 1e-4}}},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, method := range []ode.Method{ode.DOPRI5, ode.Rodas4, ode.Auto} {
		tr, err := Run(ctx, s, sched, Options{Start: 0, End: 200, ODE: ode.Options{Method: method, RTol: 1e-8, ATol: 1e-12, MaxSteps: 20000}})
		if err != nil {
			t.Fatalf("method %d: %v", method, err)
		}
		b, c, a := col(tr, "B"), col(tr, "C"), col(tr, "A")
		if b[9] < 0.1 {
			t.Fatalf("method %d: B(9) = %g, want established", method, b[9])
		}
		for k := 12; k <= 40; k++ {
			if b[k] != 0 {
				t.Fatalf("method %d: B(%g) = %g, want exactly 0 between extinction and re-seeding", method, tr.Times[k], b[k])
			}
		}
		// During the pulse (inflow 0.05/day from zero) B passes the
		// threshold within the first day and keeps growing.
		if !(b[41] > 1e-3 && b[42] > b[41]) {
			t.Errorf("method %d: B(41) = %g, B(42) = %g: want re-seeded above 1e-3 and growing", method, b[41], b[42])
		}
		// steady state of glvModel: (r − d) + A x = 0
		wantA, wantB := (0.9-0.5*0.7)/0.9, (0.7-0.2*0.9)/0.9
		if math.Abs(b[200]-wantB) > 1e-5 || math.Abs(a[200]-wantA) > 1e-5 {
			t.Errorf("method %d: (A, B)(200) = (%g, %g), want (%g, %g)", method, a[200], b[200], wantA, wantB)
		}
		// C: x' = q − 0.6 x (no interactions, shedding 0.1): from 0,
		// x(t) = q/0.6 (1 − e^{−0.6 (t−50)}) while dosed; 0 after day 70.
		for _, k := range []int{55, 60, 69} {
			want := 1e-4 / 0.6 * (1 - math.Exp(-0.6*float64(k-50)))
			if math.Abs(c[k]-want) > 1e-6*want+1e-14 {
				t.Errorf("method %d: C(%d) = %g, want %g", method, k, c[k], want)
			}
		}
		for k := 70; k <= 200; k++ {
			if c[k] != 0 {
				t.Fatalf("method %d: C(%d) = %g, want 0 after dosing below the threshold stops", method, k, c[k])
			}
		}
		if tr.Stats.Steps > 5000 {
			t.Errorf("method %d: %d steps for 200 days: the solver is not making progress", method, tr.Stats.Steps)
		}
		t.Logf("method %d: %d steps, %d RHS evaluations", method, tr.Stats.Steps, tr.Stats.RHSEvals)
	}
}
