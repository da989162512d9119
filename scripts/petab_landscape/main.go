// Command petab_landscape describes where the local method's starts can
// begin on a PEtab problem and how wide the basin of a reference point is:
//
//	go build -o petab_landscape ./scripts/petab_landscape
//	./petab_landscape [-max-steps M] [-solver ode] [-screen M] PROBLEM.yaml box N SEED
//	./petab_landscape [-max-steps M] [-from P.tsv] PROBLEM.yaml basin K SEED SIGMA...
//	./petab_landscape [-max-steps M] [-max-iter K] PROBLEM.yaml start N SEED I
//
// "box" draws the same N Latin-hypercube points as holobiont calibrate
// --starts N --seed SEED and, at each, simulates without sensitivities:
// it prints how many simulations fail, the quantiles of the
// log-likelihood, and how many points give an output that varies in time
// (turning points of the simulated values, in measurement order, whose
// rise or fall exceeds 5% of the data's range) or is flat (spread below
// 1e-3 of the data's range). With -screen M they are instead the start
// points of holobiont calibrate --starts N --start-candidates M --seed
// SEED: the best N of M Latin-hypercube candidates by objective.
//
// "start" reruns start I of holobiont calibrate --starts N --seed SEED
// (its Latin-hypercube point; not a resampled one) and prints every
// objective evaluation: the iteration's llh, the BDF steps and the
// seconds it took, and the error of a failed one.
//
// "basin" runs the local method (defaults of holobiont calibrate) from K
// points drawn around the nominal parameters, or a parameters_best.tsv's
// values with -from, perturbed by N(0, SIGMA²) on every estimated
// parameter's scale and clipped to the bounds, for each SIGMA, and prints
// the final log-likelihoods' quantiles and how many ended within 0.1 of
// the best final value of any run from the reference point itself.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/petab"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "petab_landscape:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("petab_landscape", flag.ContinueOnError)
	from := fs.String("from", "", "basin: a parameter table whose values replace the nominal ones")
	maxSteps := fs.Int("max-steps", 0, "integration steps allowed in one period (default: estimate's)")
	maxIter := fs.Int("max-iter", 0, "start, basin: iteration limit of the local method (default: estimate's, 1000)")
	solver := fs.String("solver", "", "integrator: bdf or ode (default: estimate's choice)")
	screen := fs.Int("screen", 0, "box: the best N of this many screened candidates (calibrate --start-candidates)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) < 4 {
		return fmt.Errorf("usage: petab_landscape [-from P.tsv] [-max-steps N] PROBLEM.yaml box N SEED | basin K SEED SIGMA... | start N SEED I")
	}
	spec, err := petab.Load(args[0])
	if err != nil {
		return err
	}
	p, err := estimate.Compile(spec, estimate.Options{MaxSteps: *maxSteps, Solver: *solver})
	if err != nil {
		return err
	}
	ev, err := p.NewEvaluator()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(args[2])
	if err != nil {
		return fmt.Errorf("N: %w", err)
	}
	seed, err := strconv.ParseUint(args[3], 10, 64)
	if err != nil {
		return fmt.Errorf("SEED: %w", err)
	}
	switch args[1] {
	case "box":
		lo, hi := spec.Bounds()
		pts := estimate.LatinHypercube(n, lo, hi, rand.New(rand.NewPCG(seed, 0x5eed1a7)))
		if *screen > 0 {
			if pts, _, err = p.ScreenStarts(context.Background(), n, *screen, seed, 0); err != nil {
				return err
			}
		}
		return box(ev, spec, pts)
	case "start":
		if len(args) < 5 {
			return fmt.Errorf("start needs N SEED I")
		}
		i, err := strconv.Atoi(args[4])
		if err != nil || i < 0 || i >= n {
			return fmt.Errorf("I %q: want 0 <= I < N", args[4])
		}
		return trace(ev, spec, n, seed, i, estimate.LocalOptions{MaxIter: *maxIter})
	case "basin":
		u0 := spec.Nominal()
		if *from != "" {
			if u0, err = readValues(spec, *from); err != nil {
				return err
			}
		}
		var sigmas []float64
		for _, a := range args[4:] {
			s, err := strconv.ParseFloat(a, 64)
			if err != nil {
				return fmt.Errorf("SIGMA %q: %w", a, err)
			}
			sigmas = append(sigmas, s)
		}
		return basin(ev, spec, u0, n, seed, sigmas, estimate.LocalOptions{MaxIter: *maxIter})
	}
	return fmt.Errorf("mode %q: want box or basin", args[1])
}

// box evaluates the calibrate run's start points.
func box(ev *estimate.Evaluator, spec *estimate.Spec, pts [][]float64) error {
	lo, hi := spec.Bounds()
	n := len(pts)
	order, dataRange := measurementOrder(spec)
	meas := make([]float64, len(spec.Measurements))
	for i, m := range spec.Measurements {
		meas[i] = m.Value
	}
	dataTurns, _ := shape(meas, order, 0.05*dataRange)
	if r, err := ev.Evaluate(context.Background(), spec.Nominal(), false); err == nil {
		_, spread := shape(r.Sim, order, 0)
		turns, _ := shape(r.Sim, order, 0.05*spread)
		fmt.Printf("the nominal parameters: llh %.4f, %d turning points\n", r.LLH, turns)
	}
	var llhs []float64
	fails, varying, flat := 0, 0, 0
	why := map[string]int{}
	failPos := make([]float64, len(lo))
	var steps, failSteps []float64
	for _, u := range pts {
		before := ev.Stats().Steps
		r, err := ev.Evaluate(context.Background(), u, false)
		st := float64(ev.Stats().Steps - before)
		if err != nil || math.IsNaN(r.LLH) || math.IsInf(r.LLH, 0) {
			fails++
			failSteps = append(failSteps, st)
			why[reason(err)]++
			for i := range u {
				failPos[i] += (u[i] - lo[i]) / (hi[i] - lo[i])
			}
			continue
		}
		llhs = append(llhs, r.LLH)
		steps = append(steps, st)
		_, spread := shape(r.Sim, order, 0)
		if turns, _ := shape(r.Sim, order, 0.05*spread); turns >= 2 && spread > 1e-6*meanAbs(r.Sim) {
			varying++
		}
		if spread <= 1e-6*meanAbs(r.Sim) {
			flat++
		}
	}
	fmt.Printf("the data: %d turning points (swings >= 5%% of their range)\n", dataTurns)
	fmt.Printf("%d points: %d simulations failed; of the rest %d with >= 2 turning points (swings >= 5%% of the simulation's own spread), %d flat (spread <= 1e-6 of the mean)\n",
		n, fails, varying, flat)
	fmt.Printf("llh quantiles (0, 10, 50, 90, 100%%): %s\n", quantiles(llhs))
	fmt.Printf("BDF steps per simulation, quantiles (0, 10, 50, 90, 100%%): %s; of the failed ones: %s\n", quantiles(steps), quantiles(failSteps))
	for msg, c := range why {
		fmt.Printf("  %d failed: %s\n", c, msg)
	}
	if fails > 0 {
		free := spec.Free()
		fmt.Printf("mean position within the bounds (0 = lower, 1 = upper) of the failed points, where it is outside [0.35, 0.65]:")
		for i, v := range failPos {
			if m := v / float64(fails); m < 0.35 || m > 0.65 {
				fmt.Printf(" %s %.2f", spec.Params[free[i]].ID, m)
			}
		}
		fmt.Println()
	}
	return nil
}

// reason shortens an evaluation error to its last clause (without
// numbers that differ between points).
func reason(err error) string {
	if err == nil {
		return "log-likelihood not finite"
	}
	msg := err.Error()
	if len(msg) > 160 {
		msg = msg[:160]
	}
	return msg
}

// trace reruns one calibrate start and prints each evaluation.
func trace(ev *estimate.Evaluator, spec *estimate.Spec, n int, seed uint64, i int, opt estimate.LocalOptions) error {
	lo, hi := spec.Bounds()
	u0 := estimate.LatinHypercube(n, lo, hi, rand.New(rand.NewPCG(seed, 0x5eed1a7)))[i]
	obj := ev.Objective()
	k := 0
	traced := func(ctx context.Context, u []float64, grad bool) (float64, []float64, []float64, float64, error) {
		before, t0 := ev.Stats().Steps, time.Now()
		f, g, h, llh, err := obj(ctx, u, grad)
		k++
		msg := ""
		if err != nil {
			msg = reason(err)
		}
		fmt.Printf("eval %d: llh %.6g, %d steps, %.3fs %s\n", k, llh, ev.Stats().Steps-before, time.Since(t0).Seconds(), msg)
		return f, g, h, llh, err
	}
	r, err := estimate.MinimizeFunc(context.Background(), traced, u0, lo, hi, opt)
	fmt.Printf("start %d: llh %.6g, %d iterations, %d failed trial points, %s\n", i, r.LLH, r.Iter, r.Failed, r.Status)
	return err
}

// measurementOrder returns the measurements sorted by experiment,
// observable and time, and the range of the measured values.
func measurementOrder(spec *estimate.Spec) ([]int, float64) {
	ms := spec.Measurements
	order := make([]int, len(ms))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range order {
		order[i] = i
		lo, hi = math.Min(lo, ms[i].Value), math.Max(hi, ms[i].Value)
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := ms[order[a]], ms[order[b]]
		if x.Exp != y.Exp {
			return x.Exp < y.Exp
		}
		if x.Obs != y.Obs {
			return x.Obs < y.Obs
		}
		return x.Time < y.Time
	})
	return order, hi - lo
}

// shape counts the turning points of sim (in the given order) between
// which the value rises or falls by more than minSwing, and returns the
// spread (max − min) of sim.
func shape(sim []float64, order []int, minSwing float64) (turns int, spread float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, i := range order {
		lo, hi = math.Min(lo, sim[i]), math.Max(hi, sim[i])
	}
	dir, ext := 0, sim[order[0]]
	for _, i := range order[1:] {
		v := sim[i]
		switch {
		case dir >= 0 && v > ext:
			ext, dir = v, 1
		case dir <= 0 && v < ext:
			ext, dir = v, -1
		case dir >= 0 && ext-v > minSwing:
			turns++
			ext, dir = v, -1
		case dir <= 0 && v-ext > minSwing:
			turns++
			ext, dir = v, 1
		}
	}
	return turns, hi - lo
}

// basin runs the local method from perturbations of u0.
func basin(ev *estimate.Evaluator, spec *estimate.Spec, u0 []float64, k int, seed uint64, sigmas []float64, opt estimate.LocalOptions) error {
	lo, hi := spec.Bounds()
	ref, err := ev.Minimize(context.Background(), u0, lo, hi, opt)
	if err != nil {
		return fmt.Errorf("from the reference point: %w", err)
	}
	fmt.Printf("from the reference point: llh %.4f (%d iterations, %s)\n", ref.LLH, ref.Iter, ref.Status)
	for si, sigma := range sigmas {
		rng := rand.New(rand.NewPCG(seed, uint64(si)))
		var llhs []float64
		reached, failed := 0, 0
		for j := 0; j < k; j++ {
			u := make([]float64, len(u0))
			for i := range u {
				u[i] = math.Min(hi[i], math.Max(lo[i], u0[i]+sigma*rng.NormFloat64()))
			}
			r, err := ev.Minimize(context.Background(), u, lo, hi, opt)
			if err != nil {
				failed++
				continue
			}
			llhs = append(llhs, r.LLH)
			if r.LLH >= ref.LLH-0.1 {
				reached++
			}
		}
		fmt.Printf("sigma %g: %d starts, %d failed at the start, %d within 0.1 of the reference run's %.4f; final llh quantiles (0, 10, 50, 90, 100%%): %s\n",
			sigma, k, failed, reached, ref.LLH, quantiles(llhs))
	}
	return nil
}

// readValues reads a parameter table's nominal values (linear scale) of
// the estimated parameters and returns them on their scales.
func readValues(spec *estimate.Spec, path string) ([]float64, error) {
	vals, err := petab.ReadParameterValues(path)
	if err != nil {
		return nil, err
	}
	var u []float64
	for _, i := range spec.Free() {
		pr := spec.Params[i]
		v, ok := vals[pr.ID]
		if !ok {
			return nil, fmt.Errorf("%s: no value for estimated parameter %s", path, pr.ID)
		}
		u = append(u, pr.Scale.To(v))
	}
	return u, nil
}

func meanAbs(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += math.Abs(v)
	}
	return s / float64(len(x))
}

func quantiles(x []float64) string {
	if len(x) == 0 {
		return "none"
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	q := func(f float64) float64 { return s[int(math.Round(f*float64(len(s)-1)))] }
	return fmt.Sprintf("%.2f, %.2f, %.2f, %.2f, %.2f", q(0), q(0.1), q(0.5), q(0.9), q(1))
}
