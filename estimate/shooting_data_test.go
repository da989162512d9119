package estimate_test

import (
	"context"
	"math"
	"testing"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/expr"
)

// oscillatorWith returns the oscillator problem with the observable formula
// h (over x, v and the fixed parameter scale = sc) and its 5-segment
// shooting with data-initialised nodes, and the data at the node times
// t = 6, 12, 18, 24.
func oscillatorWith(t *testing.T, h string, sc float64) (*estimate.Shooting, []float64) {
	t.Helper()
	spec, _ := oscillatorProblem(t, 1e-10)
	spec.Observables[0].Formula = expr.MustParse(h)
	spec.Params = append(spec.Params, estimate.Param{ID: "scale", Scale: estimate.Lin, Lower: -10, Upper: 10, Nominal: sc})
	p, err := estimate.Compile(spec, estimate.Options{RTol: 1e-10, ATol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	sh, err := p.NewShooting(estimate.ShootingOptions{Segments: 5, NodeInit: estimate.NodeInitData})
	if err != nil {
		t.Fatal(err)
	}
	var ys []float64
	for _, tk := range sh.Times {
		for _, m := range spec.Measurements {
			if m.Time == tk {
				ys = append(ys, m.Value)
			}
		}
	}
	if len(ys) != 4 {
		t.Fatalf("%d measurements at the node times, want 4", len(ys))
	}
	return sh, ys
}

// dataNodes returns the trajectory and the data-initialised node states at
// w = 0.7 (nodes k·2 + 0 are x, k·2 + 1 are v) and how many were set.
func dataNodes(t *testing.T, sh *estimate.Shooting) (traj, nodes []float64, set int) {
	t.Helper()
	se, err := sh.NewEvaluator()
	if err != nil {
		t.Fatal(err)
	}
	u := []float64{math.Log10(0.7)}
	ctx := context.Background()
	if traj, err = se.InitNodes(ctx, u); err != nil {
		t.Fatal(err)
	}
	if nodes, set, err = se.DataNodes(ctx, u, traj); err != nil {
		t.Fatal(err)
	}
	return traj, nodes, set
}

// TestShootingDataNodes: with y = a + b·x the node x(t_k) is (y_k − a)/b
// for the measured y_k (closed form), a and b read at the start point's
// parameters (b the fixed parameter scale in the third case); 1e-9
// absolute: b is the forward sensitivity at the segment's first point,
// whose initial value is a central difference of the model's
// initialisation (measured: b = 1 ± 4.1e-11 for h = x); v, unobserved,
// stays on the trajectory (bit for bit).
func TestShootingDataNodes(t *testing.T) {
	for _, c := range []struct {
		h        string
		sc, a, b float64
	}{{"x", 0, 0, 1}, {"2 + 3*x", 0, 2, 3}, {"0.5 + x*scale", -4, 0.5, -4}} {
		sh, ys := oscillatorWith(t, c.h, c.sc)
		traj, nodes, set := dataNodes(t, sh)
		if set != 4 {
			t.Errorf("%s: %d nodes set from the data, want 4 (x at each node time)", c.h, set)
		}
		for k, y := range ys {
			if want := (y - c.a) / c.b; math.Abs(nodes[2*k]-want) > 1e-9 {
				t.Errorf("%s: x(t_%d) = %.15g, want (y − a)/b = %.15g", c.h, k+1, nodes[2*k], want)
			}
			if nodes[2*k+1] != traj[2*k+1] {
				t.Errorf("%s: v(t_%d) = %g, trajectory %g: an unobserved state must stay", c.h, k+1, nodes[2*k+1], traj[2*k+1])
			}
		}
	}
}

// TestShootingDataNodesFallBack: observables that do not determine one
// state leave every node on the trajectory: x^2 (not affine), x + v (two
// states), x·scale with scale 0 (b = 0 at the start point), and two
// observables of x measured at the same times.
func TestShootingDataNodesFallBack(t *testing.T) {
	for _, c := range []struct {
		h  string
		sc float64
	}{{"x^2", 0}, {"x + v", 0}, {"1 + x*scale", 0}} {
		sh, _ := oscillatorWith(t, c.h, c.sc)
		traj, nodes, set := dataNodes(t, sh)
		if set != 0 || !slicesEqual(nodes, traj) {
			t.Errorf("%s: %d nodes set from the data (%v, trajectory %v), want none", c.h, set, nodes, traj)
		}
	}
	spec, _ := oscillatorProblem(t, 1e-10)
	o := spec.Observables[0]
	o.ID, o.Formula = "obs_2x", expr.MustParse("2*x")
	spec.Observables = append(spec.Observables, o)
	for _, m := range spec.Measurements {
		m.Obs, m.Value = 1, 2*m.Value
		spec.Measurements = append(spec.Measurements, m)
	}
	p, err := estimate.Compile(spec, estimate.Options{RTol: 1e-10, ATol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	sh, err := p.NewShooting(estimate.ShootingOptions{Segments: 5, NodeInit: estimate.NodeInitData})
	if err != nil {
		t.Fatal(err)
	}
	if traj, nodes, set := dataNodes(t, sh); set != 0 || !slicesEqual(nodes, traj) {
		t.Errorf("two observables of x: %d nodes set from the data, want none", set)
	}
}

// TestShootingDataNodesClamp: with y = x/1000 the data ask for x up to
// 1000, beyond 100 times the trajectory's largest |x| at the nodes (at
// most 1): those nodes sit on the bound ±100·scale, the others at 1000·y.
func TestShootingDataNodesClamp(t *testing.T) {
	sh, ys := oscillatorWith(t, "x/1000", 0)
	traj, nodes, set := dataNodes(t, sh)
	if set != 4 {
		t.Fatalf("%d nodes set from the data, want 4", set)
	}
	sc := sh.Scales(traj)[0]
	clamped := 0
	for k, y := range ys {
		want := 1000 * y
		if math.Abs(want) > 100*sc {
			want = math.Copysign(100*sc, y)
			clamped++
		}
		if math.Abs(nodes[2*k]-want) > 1e-9 {
			t.Errorf("x(t_%d) = %.12g, want %.12g (y %g, bound %g)", k+1, nodes[2*k], want, y, 100*sc)
		}
	}
	if clamped == 0 {
		t.Errorf("no node clamped (scale %g, data %v): the test does not test the clamp", sc, ys)
	}
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
