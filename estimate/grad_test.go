package estimate_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/petab"
)

func gradCheck(t *testing.T, yamlPath string, tol float64) {
	spec, err := petab.Load(yamlPath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := estimate.Compile(spec, estimate.Options{RTol: 1e-10, ATol: 1e-14})
	if err != nil {
		t.Fatal(err)
	}
	if !p.CanGradient() {
		t.Fatal("no analytic gradient")
	}
	ev, err := p.NewEvaluator()
	if err != nil {
		t.Fatal(err)
	}
	// the finite-difference reference: simulations at tighter tolerances,
	// so that their integration noise stays below the difference step
	evr := evaluator(t, spec, estimate.Options{RTol: 1e-11, ATol: 1e-15})
	ctx := context.Background()
	u := spec.Nominal()
	r, err := ev.Evaluate(ctx, u, true)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for k := range u {
		h := 1e-6
		up := append([]float64(nil), u...)
		up[k] += h
		rp, err := evr.Evaluate(ctx, up, false)
		if err != nil {
			t.Fatal(err)
		}
		up[k] -= 2 * h
		rm, err := evr.Evaluate(ctx, up, false)
		if err != nil {
			t.Fatal(err)
		}
		fd := (rp.LLH + rp.LogPrior - rm.LLH - rm.LogPrior) / (2 * h)
		e := math.Abs(fd-r.Grad[k]) / math.Max(1, math.Abs(fd))
		if e > worst {
			worst = e
		}
		if e > tol {
			t.Errorf("%s: d llh/d %s = %.8g, finite differences %.8g", filepath.Base(yamlPath), spec.Params[p.Free[k]].ID, r.Grad[k], fd)
		}
	}
	t.Logf("%s: %d parameters, worst relative gradient error %.2e", filepath.Base(yamlPath), len(u), worst)
}

// TestGradientBenchmarks compares the forward-sensitivity gradient of the
// log-likelihood with central differences (step 1e-6 on the parameters'
// scales, simulations at rtol 1e-11) on benchmark problems: pre-
// equilibration (Brannmark, Weber), time discontinuities (Weber, Fujita),
// log10 observables and noise parameters (Borghans, Elowitz), an
// oscillator (Borghans). HOLOBIONT_LONG=1 adds the slower ones.
func TestGradientBenchmarks(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "petab-benchmark")
	names := []string{"Boehm_JProteomeRes2014", "Bruno_JExpBot2016", "Borghans_BiophysChem1997", "Weber_BMC2015"}
	if os.Getenv("HOLOBIONT_LONG") != "" {
		names = append(names, "Fujita_SciSignal2010", "Brannmark_JBC2010", "Elowitz_Nature2000", "Zheng_PNAS2012")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) { gradCheck(t, filepath.Join(dir, name, name+".yaml"), 1e-3) })
	}
}

// TestGradientSuite does the same on PEtab test-suite problems (initial
// values from parameters, pre-equilibration, reinitialisation).
func TestGradientSuite(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "petab-test-suite", "petabtests", "cases")
	for _, c := range []string{"v1.0.0/sbml/0001", "v1.0.0/sbml/0009", "v1.0.0/sbml/0010", "v1.0.0/sbml/0019", "v2.0.0/sbml/0022", "v2.0.0/sbml/0028", "v2.0.0/sbml/0021", "v2.0.0/sbml/0024"} {
		t.Run(c, func(t *testing.T) {
			id := filepath.Base(c)
			gradCheck(t, filepath.Join(dir, c, "_"+id+".yaml"), 1e-5)
		})
	}
}

// TestSolversAgree: package ode's solver and the BDF give the same
// log-likelihood on benchmark problems with time discontinuities, among
// them measurements exactly at a breakpoint (Brannmark's two-step input at
// t = 4: the ode path once skipped that output and shifted the later ones).
func TestSolversAgree(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "petab-benchmark")
	for _, name := range []string{"Brannmark_JBC2010", "Weber_BMC2015"} {
		t.Run(name, func(t *testing.T) {
			spec, err := petab.Load(filepath.Join(dir, name, name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var llh [2]float64
			for i, solver := range []string{"bdf", "ode"} {
				ev := evaluator(t, spec, estimate.Options{Solver: solver, RTol: 1e-10, ATol: 1e-14})
				r, err := ev.Evaluate(context.Background(), spec.Nominal(), false)
				if err != nil {
					t.Fatal(err)
				}
				llh[i] = r.LLH
			}
			if d := math.Abs(llh[1]-llh[0]) / math.Abs(llh[0]); !(d < 1e-6) {
				t.Errorf("llh bdf %.10g, ode %.10g (relative difference %.2e)", llh[0], llh[1], d)
			}
		})
	}
}
