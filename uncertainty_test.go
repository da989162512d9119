package holobiont

import (
	"context"
	"math"
	"reflect"
	"testing"
)

// TestRunSetsWorkers: the same parameter sets give the same results with
// one or three workers, in set order.
func TestRunSetsWorkers(t *testing.T) {
	p, err := Load(t.Context(), "", ScenarioData("s.yaml", []byte("duration: 20\ninterventions:\n  - {type: stress, intensity: 1, start: 5, duration: 10}\n")))
	if err != nil {
		t.Fatal(err)
	}
	sets := [][]float64{{0.5, 1}, {1.5, 0.8}, {0.9, 2}, {0.2, 1.1}}
	run := func(w int) [][]float64 {
		out := make([][]float64, len(sets))
		err := p.RunSets(context.Background(), []string{"a_ID", "sigma_S"}, sets, Options{Variables: []string{"host.phq9", "host.cortisol"}}, w, func(i int, r *Result) error {
			out[i] = append(r.Series("host.phq9"), r.Series("host.cortisol")...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	one, three := run(1), run(3)
	if !reflect.DeepEqual(one, three) {
		t.Fatal("1 and 3 workers differ")
	}
	if reflect.DeepEqual(one[0], one[1]) {
		t.Fatal("different parameter sets gave the same run")
	}
}

// TestBandOf: the interval of a quantity is the 2.5-97.5% quantile range
// of the ensemble's values (R type 7, as numpy's default), widened to hold
// the point estimate; with no ensemble it is the point itself.
func TestBandOf(t *testing.T) {
	x := make([]float64, 41)
	for i := range x {
		x[i] = float64(40 - i) // 0..40 in reverse
	}
	b := BandOf(20, x) // quantiles 1 and 39
	if b.Lower != 1 || b.Upper != 39 || b.Value != 20 {
		t.Errorf("band %+v, want [1, 39] around 20", b)
	}
	if b := BandOf(50, x); b.Upper != 50 || b.Lower != 1 {
		t.Errorf("a point estimate above the ensemble widens the band: %+v", b)
	}
	if b := BandOf(3, nil); b != (Interval{3, 3, 3}) {
		t.Errorf("no ensemble: %+v", b)
	}
	if b := BandOf(0, []float64{1, 2}); math.Abs(b.Upper-1.975) > 1e-12 || b.Lower != 0 {
		t.Errorf("two values: %+v, want [0 (the point), 1.975]", b)
	}
}

// TestBurnIn: a burn-in before the scenario keeps its output times and, at
// the model's own values (its steady state), its trajectory within the
// steady state's drift; at other values the run starts from their own
// state, not the model's initial one. A negative burn-in is refused, and
// the burn-in is part of the run's identity.
func TestBurnIn(t *testing.T) {
	p, err := Load(t.Context(), "", ScenarioData("s.yaml", []byte("duration: 20\ninterventions:\n  - {type: stress, intensity: 1, start: 5, duration: 10}\n")))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	vars := []string{"host.inflammation", "host.cortisol"}
	plain, err := p.Run(ctx, Options{Variables: vars})
	if err != nil {
		t.Fatal(err)
	}
	burnt, err := p.Run(ctx, Options{Variables: vars, BurnIn: 730})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain.Times(), burnt.Times()) || burnt.Record.BurnIn != 730 || burnt.Record.RunID == plain.Record.RunID {
		t.Fatalf("times %v vs %v, record burn-in %g, ids %s %s", plain.Times(), burnt.Times(), burnt.Record.BurnIn, plain.Record.RunID, burnt.Record.RunID)
	}
	for _, v := range vars {
		a, b := plain.Series(v), burnt.Series(v)
		for k := range a {
			if math.Abs(a[k]-b[k]) > 1e-4*math.Abs(a[k]) {
				t.Errorf("%s at %g: %g without a burn-in, %g with one", v, plain.Times()[k], a[k], b[k])
			}
		}
	}
	r, err := p.NewRunner("beta_I", "alpha_Pi")
	if err != nil {
		t.Fatal(err)
	}
	other, err := r.Run(ctx, []float64{2.5, 3}, Options{Variables: vars, BurnIn: 730})
	if err != nil {
		t.Fatal(err)
	}
	if x0, y0 := plain.Series("host.inflammation")[0], other.Series("host.inflammation")[0]; math.Abs(y0-x0) < 0.01 {
		t.Errorf("other values start at inflammation %g, the model's initial %g: no burn-in", y0, x0)
	}
	if _, err := p.Run(ctx, Options{BurnIn: -1}); err == nil {
		t.Error("negative burn-in accepted")
	}
}
