package sim

import (
	"context"
	"math"
	"testing"

	"github.com/holobiont/holobiont/ode"
)

// TestNoRows: with NoRows the hook sees the same states at the same times
// (x = 2·exp(-t/2)), and Run builds no rows; ValuesAt on the hooked states
// gives what the rows would have held.
func TestNoRows(t *testing.T) {
	opt := Options{Start: 0, End: 4, OutputTimes: []float64{0, 0.5, 1, 2.5, 4}, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}}
	full, err := Run(context.Background(), compile(t, decayModel(t)), nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	s := compile(t, decayModel(t))
	sel, err := s.Select([]string{"x"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var hookT, hookX []float64
	v := make([]float64, 1)
	opt.NoRows = true
	opt.StateHook = func(tt float64, y []float64) {
		s.ValuesAt(tt, y, sel, v)
		hookT, hookX = append(hookT, tt), append(hookX, v[0])
	}
	tr, err := Run(context.Background(), s, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Values != nil || !tr.Complete || len(tr.Times) != len(opt.OutputTimes) || len(tr.Names) == 0 {
		t.Fatalf("NoRows: Values %v, Complete %v, Times %v, Names %v", tr.Values, tr.Complete, tr.Times, tr.Names)
	}
	want := col(full, "x")
	for k, tt := range opt.OutputTimes {
		if hookT[k] != tt || tr.Times[k] != tt {
			t.Fatalf("time %d: hook %g, trajectory %g, want %g", k, hookT[k], tr.Times[k], tt)
		}
		exact := 2 * math.Exp(-tt/2)
		if hookX[k] != want[k] || math.Abs(hookX[k]-exact) > 1e-8 {
			t.Errorf("t=%g: x %g with NoRows, %g in the rows, exact %g", tt, hookX[k], want[k], exact)
		}
	}
}
