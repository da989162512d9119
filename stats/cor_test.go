package stats

import (
	"math"
	"testing"
)

func TestCorrelationTestGolden(t *testing.T) {
	vg := readGolden(t, "testdata/golden_vegan.tsv")
	for _, nm := range []string{"n7", "n9", "n12", "n30", "ties"} {
		x, y := vg["cor."+nm+".x"], vg["cor."+nm+".y"]
		for _, m := range []CorMethod{Pearson, Spearman} {
			for _, alt := range []struct {
				a Alternative
				r string
			}{{TwoSided, "two.sided"}, {Greater, "greater"}, {Less, "less"}} {
				key := "cor." + nm + "." + m.String() + "." + alt.r
				ct, err := CorrelationTest(x, y, m, alt.a, 0.95)
				if err != nil {
					t.Fatal(err)
				}
				if e := relErr(ct.Estimate, g1(t, vg, key+".est")); e > 1e-12 {
					t.Errorf("%s estimate %.15g, want %.15g", key, ct.Estimate, g1(t, vg, key+".est"))
				}
				// p-values: 1e-9 relative (they are computed, not sampled).
				if e := relErr(ct.PValue, g1(t, vg, key+".p")); e > 1e-9 {
					t.Errorf("%s p %.15g, want %.15g (exact=%v)", key, ct.PValue, g1(t, vg, key+".p"), ct.Exact)
				}
				if m == Pearson {
					ci := vg[key+".ci"]
					if relErr(ct.CILow, ci[0]) > 1e-9 || relErr(ct.CIHigh, ci[1]) > 1e-9 {
						t.Errorf("%s CI [%g, %g], want %v", key, ct.CILow, ct.CIHigh, ci)
					}
				}
			}
		}
	}
}

func TestPAdjustGolden(t *testing.T) {
	vg := readGolden(t, "testdata/golden_vegan.tsv")
	p := vg["padj.p"]
	for _, c := range []struct {
		name string
		f    func(dst, p []float64) []float64
	}{{"BH", AdjustBH}, {"holm", AdjustHolm}} {
		got := c.f(nil, p)
		want := vg["padj."+c.name]
		for i := range want {
			if math.IsNaN(want[i]) != math.IsNaN(got[i]) || (!math.IsNaN(want[i]) && relErr(got[i], want[i]) > 1e-14) {
				t.Errorf("%s[%d] = %g, want %g", c.name, i, got[i], want[i])
			}
		}
	}
}

func TestFitLMGolden(t *testing.T) {
	vg := readGolden(t, "testdata/golden_vegan.tsv")
	lm, err := FitLM(vg["lm.y"], []string{"x1", "x2", "x3"}, [][]float64{vg["lm.x1"], vg["lm.x2"], vg["lm.x3"]}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key string
		got []float64
	}{{"lm.coef", lm.Coef}, {"lm.se", lm.SE}, {"lm.t", lm.T}, {"lm.p", lm.P}, {"lm.ci.lo", lm.CILow}, {"lm.ci.hi", lm.CIHigh}} {
		for i, w := range vg[c.key] {
			if e := relErr(c.got[i], w); e > 1e-9 {
				t.Errorf("%s[%d] = %.15g, want %.15g", c.key, i, c.got[i], w)
			}
		}
	}
	if relErr(lm.Sigma, g1(t, vg, "lm.sigma")) > 1e-9 || relErr(lm.RSquared, g1(t, vg, "lm.r2")) > 1e-9 {
		t.Errorf("sigma %g r2 %g", lm.Sigma, lm.RSquared)
	}
	// Aliased predictor.
	if _, err := FitLM(vg["lm.y"], []string{"x1", "x1copy"}, [][]float64{vg["lm.x1"], vg["lm.x1"]}, 0); err == nil {
		t.Error("aliased predictor: no error")
	}
}

func TestCLRGolden(t *testing.T) {
	vg := readGolden(t, "testdata/golden_vegan.tsv")
	x := vg["clr.x"] // 3 samples × 5 parts, stored sample by sample
	const parts = 5
	for s := 0; s < 3; s++ {
		row := x[s*parts : (s+1)*parts]
		got := make([]float64, parts)
		if err := CLR(got, row, 1); err != nil {
			t.Fatal(err)
		}
		for j := range got {
			if w := vg["clr.pc1"][s*parts+j]; math.Abs(got[j]-w) > 1e-12 {
				t.Errorf("clr[%d][%d] = %g, want %g", s, j, got[j], w)
			}
		}
		if err := RCLR(got, row); err != nil {
			t.Fatal(err)
		}
		for j := range got {
			w := vg["rclr"][s*parts+j]
			if row[j] == 0 {
				if !math.IsNaN(got[j]) || w != 0 {
					t.Errorf("rclr zero [%d][%d] = %g (vegan %g)", s, j, got[j], w)
				}
				continue
			}
			if math.Abs(got[j]-w) > 1e-12 {
				t.Errorf("rclr[%d][%d] = %g, want %g", s, j, got[j], w)
			}
		}
	}
	if err := CLR(make([]float64, 2), []float64{0, 1}, 0); err == nil {
		t.Error("clr of a zero without pseudocount: no error")
	}
}
