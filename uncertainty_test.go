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
	p, err := Load("", ScenarioData("s.yaml", []byte("duration: 20\ninterventions:\n  - {type: stress, intensity: 1, start: 5, duration: 10}\n")))
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
