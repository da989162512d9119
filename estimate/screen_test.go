package estimate_test

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/petab"
)

// TestScreenStartsKnownAnswer screens 200 Latin-hypercube candidates of
// the line problem (x = a + b·t, Gaussian noise of known σ = 0.5), whose
// objective is known in closed form: ½Σ(y − a − b·t)²/σ² + ½N·log(2πσ²).
// Every candidate's screened objective must equal it (relative 1e-8; the
// BDF runs at rtol 1e-10 on a linear trajectory), the 5 chosen candidates
// must be the 5 with the smallest closed-form objective, best first, the
// result must be the same on 1 and 2 workers, and the local method from
// the best chosen point must reach the least-squares line.
func TestScreenStartsKnownAnswer(t *testing.T) {
	spec, p := linearProblem(t)
	const sigma, n, m = 0.5, 5, 200
	closed := func(u []float64) float64 { // u = (a, b): both lin, in this order
		f := 0.0
		for _, ms := range spec.Measurements {
			r := ms.Value - u[0] - u[1]*ms.Time
			f += 0.5*r*r/(sigma*sigma) + 0.5*math.Log(2*math.Pi*sigma*sigma)
		}
		return f
	}
	ctx := context.Background()
	pts, s, err := p.ScreenStarts(ctx, n, m, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != m || len(s.F) != m || len(pts) != n || s.Failed != 0 {
		t.Fatalf("%d candidates, %d values, %d starts, %d failed: want %d, %d, %d, 0", len(s.Points), len(s.F), len(pts), s.Failed, m, m, n)
	}
	want := make([]float64, m)
	for i, u := range s.Points {
		want[i] = closed(u)
		if math.Abs(s.F[i]-want[i]) > 1e-8*math.Abs(want[i]) {
			t.Errorf("candidate %d at %v: objective %.12g, closed form %.12g", i, u, s.F[i], want[i])
		}
	}
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return want[order[a]] < want[order[b]] })
	if !reflect.DeepEqual(s.Chosen, order[:n]) {
		t.Errorf("chosen candidates %v, the %d best by the closed form %v", s.Chosen, n, order[:n])
	}
	for i, c := range s.Chosen {
		if !reflect.DeepEqual(pts[i], s.Points[c]) {
			t.Errorf("start %d at %v, not at candidate %d %v", i, pts[i], c, s.Points[c])
		}
	}
	t.Logf("best candidate objective %.6g, 5th %.6g, median %.6g", want[order[0]], want[order[n-1]], want[order[m/2]])
	pts2, s2, err := p.ScreenStarts(ctx, n, m, 7, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(pts, pts2) || !reflect.DeepEqual(s, s2) {
		t.Error("screening differs between 1 and 2 workers")
	}
	pts3, s3, err := p.ScreeningFromObjectives(n, s.F, 7) // a resumed run: the recorded objectives, no simulation
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(pts, pts3) || !reflect.DeepEqual(s, s3) {
		t.Error("screening rebuilt from its objectives differs from the screening")
	}
	rs, err := p.MultiStart(ctx, estimate.MultiStartOptions{Starts: n, Seed: 7, Workers: 2, Points: pts})
	if err != nil {
		t.Fatal(err)
	}
	var ts, ys []float64
	for _, ms := range spec.Measurements {
		ts, ys = append(ts, ms.Time), append(ys, ms.Value)
	}
	slope, _ := ols(ts, ys, sigma)
	if b := rs[0].U[1]; math.Abs(b-slope) > 1e-5 {
		t.Errorf("best start's slope %.8g, least squares %.8g", b, slope)
	}
	if _, _, err := p.ScreenStarts(ctx, n, n-1, 7, 1); err == nil {
		t.Error("fewer candidates than starts: no error")
	}
}

// TestMultiStartRefusesForeignDone: starts finished earlier (read back by
// calibrate --resume) must belong to this run: an index outside the run, a
// key that is not the start's index, or points of another dimension are
// refused by name; a start that fits is kept as given and not run again.
func TestMultiStartRefusesForeignDone(t *testing.T) {
	_, p := linearProblem(t)
	ctx := context.Background()
	fit := func(i int) estimate.StartResult {
		return estimate.StartResult{Index: i, U0: []float64{0, 0}, LocalResult: estimate.LocalResult{U: []float64{1, 2}, F: -1e9, Status: "kept"}}
	}
	short := fit(1)
	short.U = short.U[:1]
	for _, c := range []struct {
		done map[int]estimate.StartResult
		want string
	}{
		{map[int]estimate.StartResult{3: fit(3)}, "finished start 3 is outside 0..2"},
		{map[int]estimate.StartResult{1: fit(2)}, "finished start 1 records index 2"},
		{map[int]estimate.StartResult{1: short}, "finished start 1 has 2 start and 1 final values for 2 parameters"},
	} {
		_, err := p.MultiStart(ctx, estimate.MultiStartOptions{Starts: 3, Seed: 1, Workers: 1, Done: c.done})
		if err == nil || err.Error() != "multi-start: "+c.want {
			t.Errorf("Done %v: error %v, want %q", c.done, err, c.want)
		}
	}
	rs, err := p.MultiStart(ctx, estimate.MultiStartOptions{Starts: 3, Seed: 1, Workers: 1, Done: map[int]estimate.StartResult{1: fit(1)}})
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].Status != "kept" || rs[0].Index != 1 {
		t.Errorf("best start %+v: want the kept start 1 (objective -1e9) as given", rs[0])
	}
}

// linearProblem compiles the line problem (x = a + b·t, σ = 0.5) with the
// BDF at rtol 1e-10, which is exact to rounding on a linear trajectory.
func linearProblem(t *testing.T) (*estimate.Spec, *estimate.Problem) {
	t.Helper()
	spec, err := petab.Load(filepath.Join("testdata", "linear", "problem.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := estimate.Compile(spec, estimate.Options{RTol: 1e-10, ATol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	return spec, p
}
