package estimate_test

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/estimate"
)

// TestShootingNodesKnownAnswer: on the oscillator (x = cos wt, v = x' =
// −w sin wt) the node states read from the trajectory are the closed form
// at the node times (1e-7 absolute at rtol 1e-10), and with the nodes there
// the segmented log-likelihood is the base one plus the continuity terms
// at zero gap (−Σ log σ + ½ log 2π): 1e-7 relative.
func TestShootingNodesKnownAnswer(t *testing.T) {
	_, p := oscillatorProblem(t, 1e-10)
	sh, err := p.NewShooting(estimate.ShootingOptions{Segments: 5})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{6, 12, 18, 24}; !slices.Equal(sh.Times, want) {
		t.Fatalf("node times %v, want %v", sh.Times, want)
	}
	if len(sh.States) != 2 || sh.NumNodes() != 8 {
		t.Fatalf("states %v, %d nodes; want x and v, 8 nodes", sh.States, sh.NumNodes())
	}
	se, err := sh.NewEvaluator()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, w := range []float64{0.7, 1.3} {
		u := []float64{math.Log10(w)}
		nodes, err := se.InitNodes(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		for k, tk := range sh.Times {
			want := map[string]float64{"x": math.Cos(w * tk), "v": -w * math.Sin(w*tk)}
			for xi, x := range sh.States {
				if got := nodes[k*2+xi]; math.Abs(got-want[x]) > 1e-7 {
					t.Errorf("w %g: node %s(t=%g) = %.10g, closed form %.10g", w, x, tk, got, want[x])
				}
			}
		}
		sc := sh.Scales(nodes)
		se.SetWeight(sc, 10)
		rs, err := se.Evaluator().Evaluate(ctx, append(u, nodes...), false)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := p.NewEvaluator()
		if err != nil {
			t.Fatal(err)
		}
		rb, err := ev.Evaluate(ctx, u, false)
		if err != nil {
			t.Fatal(err)
		}
		want := rb.LLH
		for i := 0; i < sh.NumNodes(); i++ {
			want -= math.Log(sc[i%2]/10) + 0.5*math.Log(2*math.Pi)
		}
		if math.Abs(rs.LLH-want) > 1e-7*math.Abs(want) {
			t.Errorf("w %g: segmented llh %.10g, base plus continuity terms %.10g", w, rs.LLH, want)
		}
	}
}

// TestShootingGradient: the segmented objective's gradient with respect to
// w and the node states, away from continuity (nodes perturbed by up to
// 0.3), against central differences at rtol 1e-11 (relative 1e-5 of
// max(1, |fd|)); every component is at least 1 in magnitude.
func TestShootingGradient(t *testing.T) {
	_, p := oscillatorProblem(t, 1e-10)
	sh, err := p.NewShooting(estimate.ShootingOptions{Segments: 4})
	if err != nil {
		t.Fatal(err)
	}
	_, pr := oscillatorProblem(t, 1e-12)
	shr, err := pr.NewShooting(estimate.ShootingOptions{Segments: 4})
	if err != nil {
		t.Fatal(err)
	}
	se, err := sh.NewEvaluator()
	if err != nil {
		t.Fatal(err)
	}
	ser, err := shr.NewEvaluator()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := []float64{math.Log10(0.8)}
	nodes, err := se.InitNodes(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	sc := sh.Scales(nodes)
	se.SetWeight(sc, 3)
	ser.SetWeight(sc, 3)
	for i := range nodes {
		nodes[i] += 0.3 * math.Sin(float64(3*i+1))
	}
	v := append(u, nodes...)
	r, err := se.Evaluator().Evaluate(ctx, v, true)
	if err != nil {
		t.Fatal(err)
	}
	for k := range v {
		const h = 1e-6
		vp := append([]float64(nil), v...)
		vp[k] += h
		rp, err := ser.Evaluator().Evaluate(ctx, vp, false)
		if err != nil {
			t.Fatal(err)
		}
		vp[k] -= 2 * h
		rm, err := ser.Evaluator().Evaluate(ctx, vp, false)
		if err != nil {
			t.Fatal(err)
		}
		fd := (rp.LLH - rm.LLH) / (2 * h)
		if math.Abs(fd) < 1 { // measured: |fd| from 131 to 1,481
			t.Errorf("d llh/d v[%d]: central differences %.3g, want a component that matters", k, fd)
		}
		if e := math.Abs(fd-r.Grad[k]) / math.Max(1, math.Abs(fd)); e > 1e-5 {
			t.Errorf("d llh/d v[%d] = %.10g, central differences %.10g (error %.2g)", k, r.Grad[k], fd, e)
		}
	}
}

// TestShootingOscillator: from 20 Latin-hypercube starts the plain local
// method reaches the known optimum w = 1 (|log10 w| < 1e-6) from 1 start;
// with multiple shooting over 5 segments (nodes at t = 6, 12, 18, 24, the
// default weights 1, 10, 100, 1000, then the single-shooting fit) from 11
// (seed 1; seed 2: 1 and 13; M = 2, 3, 10 on seed 1: 4, 6, 14). The test
// asks for at least 5 times as many and at least 8. Six starts are the same
// on 1 and 2 workers.
//
// Node states initialised from the data (NodeInitData: x at the measured
// value, v, unobserved, on the trajectory), measured in this setting: 12
// of 20 at w = 1 on seed 1 and 13 on seed 2, against 11 and 13 with the
// trajectory (no failed start either way): 25 of 40 against 24 of 40, no
// measurable difference, so the default stays NodeInitTrajectory (decided
// on this test alone, before any benchmark run). The test asks for at
// least 9 on each seed with data, and the same result on 1 and 2 workers
// for four starts.
func TestShootingOscillator(t *testing.T) {
	_, p := oscillatorProblem(t, 1e-8) // calibrate's default
	ctx := context.Background()
	plain, err := p.MultiStart(ctx, estimate.MultiStartOptions{Starts: 20, Seed: 1, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	sh, err := p.NewShooting(estimate.ShootingOptions{Segments: 5})
	if err != nil {
		t.Fatal(err)
	}
	shot, err := p.MultiStart(ctx, estimate.MultiStartOptions{Starts: 20, Seed: 1, Workers: 2, Shooting: sh})
	if err != nil {
		t.Fatal(err)
	}
	np, ns := oscillatorAtOptimum(plain), oscillatorAtOptimum(shot)
	t.Logf("at w = 1: %d of 20 plain, %d of 20 with 5 shooting segments", np, ns)
	if ns < 5*np || ns < 8 {
		t.Errorf("%d of 20 shooting starts at w = 1, %d plain: want at least 5 times as many and at least 8", ns, np)
	}
	for _, r := range shot {
		last := r.Stages[len(r.Stages)-1]
		if r.Err != "" || len(r.Stages) < 2 || last.Weight != 0 || last.F != r.F || r.Stages[0].Weight != 1 {
			t.Fatalf("start %d: error %q, stages %+v, final objective %g", r.Index, r.Err, r.Stages, r.F)
		}
	}
	sameOnOneAndTwoWorkers(t, p, sh, 6)
	shd, err := p.NewShooting(estimate.ShootingOptions{Segments: 5, NodeInit: estimate.NodeInitData})
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []uint64{1, 2} {
		rs, err := p.MultiStart(ctx, estimate.MultiStartOptions{Starts: 20, Seed: seed, Workers: 2, Shooting: shd})
		if err != nil {
			t.Fatal(err)
		}
		n := oscillatorAtOptimum(rs)
		t.Logf("seed %d: %d of 20 at w = 1 with data-initialised nodes", seed, n)
		if n < 9 {
			t.Errorf("seed %d: %d of 20 starts with data-initialised nodes at w = 1: want at least 9 (measured 12 and 13 on seeds 1 and 2)", seed, n)
		}
	}
	sameOnOneAndTwoWorkers(t, p, shd, 4)
}

// sameOnOneAndTwoWorkers checks that n shooting starts are the same on 1
// and 2 workers (but for their seconds).
func sameOnOneAndTwoWorkers(t *testing.T, p *estimate.Problem, sh *estimate.Shooting, n int) {
	t.Helper()
	ctx := context.Background()
	one, err := p.MultiStart(ctx, estimate.MultiStartOptions{Starts: n, Seed: 1, Workers: 1, Shooting: sh})
	if err != nil {
		t.Fatal(err)
	}
	two, err := p.MultiStart(ctx, estimate.MultiStartOptions{Starts: n, Seed: 1, Workers: 2, Shooting: sh})
	if err != nil {
		t.Fatal(err)
	}
	for i := range one {
		one[i].Seconds, two[i].Seconds = 0, 0
	}
	if !reflect.DeepEqual(one, two) {
		t.Errorf("shooting starts (node initialisation %s) differ between 1 and 2 workers", sh.Options().NodeInit)
	}
}

// TestShootingRefusals: what multiple shooting does not handle is refused
// by name.
func TestShootingRefusals(t *testing.T) {
	_, p := oscillatorProblem(t, 1e-8)
	for _, c := range []struct {
		opt  estimate.ShootingOptions
		want string
	}{
		{estimate.ShootingOptions{Segments: 1}, "want at least 2"},
		{estimate.ShootingOptions{Segments: 62}, "62 segments for 61 distinct measurement times"},
		{estimate.ShootingOptions{Segments: 3, Weights: []float64{10, 1}}, "want positive and increasing"},
		{estimate.ShootingOptions{Segments: 3, NodeInit: "Data"}, `node initialisation "Data": want trajectory or data`},
	} {
		if _, err := p.NewShooting(c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.opt, err, c.want)
		}
	}
	spec, _ := oscillatorProblem(t, 1e-8)
	spec.Experiments[0].Periods = append([]estimate.Period{{Start: math.Inf(-1)}}, spec.Experiments[0].Periods...)
	pre, err := estimate.Compile(spec, estimate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pre.NewShooting(estimate.ShootingOptions{Segments: 3}); err == nil || !strings.Contains(err.Error(), "pre-equilibration (not supported)") {
		t.Errorf("pre-equilibration: error %v", err)
	}
	if _, err := p.MultiStart(context.Background(), estimate.MultiStartOptions{Starts: 2, Horizons: []float64{5}, Shooting: mustShoot(t, p)}); err == nil || !strings.Contains(err.Error(), "cannot be combined") {
		t.Errorf("shooting with horizons: error %v", err)
	}
}

func mustShoot(t *testing.T, p *estimate.Problem) *estimate.Shooting {
	t.Helper()
	sh, err := p.NewShooting(estimate.ShootingOptions{Segments: 3})
	if err != nil {
		t.Fatal(err)
	}
	return sh
}
