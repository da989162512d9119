package stats

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestLMMLme4 checks FitLMM against lme4 1.1-31 (REML estimates, standard
// errors, t, residual and subject SDs, REML criterion) and nlme 3.1-162
// (denominator df and p) on three unbalanced random-intercept designs,
// one with the subject variance at the boundary 0
// (testdata/golden_lmm.tsv, scripts/golden_da.R). Tolerance: 1e-8
// relative on estimates and σ, 1e-7 on SEs and t, 1e-6 on the subject SD (lme4's
// bobyqa stops near 1e-7 in θ; ours refines log θ to 1e-10), 1e-8 on the
// REML criterion, 1e-6 absolute on p, df exactly.
func TestLMMLme4(t *testing.T) {
	rows := readTSV(t, "testdata/lmm_data.tsv")
	hdr := rows[0]
	col := func(name string) []string {
		for j, h := range hdr {
			if h == name {
				var out []string
				for _, r := range rows[1:] {
					out = append(out, r[j])
				}
				return out
			}
		}
		t.Fatalf("no column %s", name)
		return nil
	}
	num := func(name string) []float64 {
		var out []float64
		for _, s := range col(name) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	subj := col("subject")
	idx := map[string]int{}
	group := make([]int, len(subj))
	for i, s := range subj {
		if _, ok := idx[s]; !ok {
			idx[s] = len(idx)
		}
		group[i] = idx[s]
	}
	tm, age := num("time"), num("age")
	arm := make([]float64, len(subj))
	for i, a := range col("arm") {
		if a == "probiotic" {
			arm[i] = 1
		}
	}
	inter := make([]float64, len(tm))
	for i := range tm {
		inter[i] = tm[i] * arm[i]
	}
	cases := map[string]struct {
		y     []float64
		names []string
		x     [][]float64
	}{
		"A": {num("y"), []string{"time", "armprobiotic", "time:armprobiotic"}, [][]float64{tm, arm, inter}},
		"B": {num("y"), []string{"time", "armprobiotic", "age"}, [][]float64{tm, arm, age}},
		"C": {num("y2"), []string{"age", "time"}, [][]float64{age, tm}},
	}
	fits := map[string]*MixedModel{}
	for k, c := range cases {
		m, err := FitLMM(c.y, c.names, c.x, group, len(idx))
		if err != nil {
			t.Fatalf("case %s: %v", k, err)
		}
		fits[k] = m
	}
	gold := readTSV(t, "testdata/golden_lmm.tsv")
	n := 0
	for _, g := range gold[1:] {
		m := fits[g[0]]
		j := -1
		for k, nm := range m.Names {
			if nm == g[2] {
				j = k
			}
		}
		if j < 0 {
			t.Fatalf("case %s: no term %s in %v", g[0], g[2], m.Names)
		}
		f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
		rel := func(what string, got, want, tol float64) {
			if math.Abs(got-want) > tol*math.Max(math.Abs(want), 1e-3) {
				t.Errorf("case %s %s %s = %.12g, lme4 %.12g", g[0], g[2], what, got, want)
			}
		}
		rel("estimate", m.Coef[j], f(g[3]), 1e-8)
		rel("se", m.SE[j], f(g[4]), 1e-7)
		rel("t", m.T[j], f(g[5]), 1e-7)
		if m.DF[j] != f(g[6]) {
			t.Errorf("case %s %s df %g, nlme %s", g[0], g[2], m.DF[j], g[6])
		}
		if math.Abs(m.P[j]-f(g[7])) > 1e-6 {
			t.Errorf("case %s %s p %.10g, nlme %s", g[0], g[2], m.P[j], g[7])
		}
		rel("sigma", m.Sigma, f(g[8]), 1e-8)
		if f(g[9]) > 1e-4 {
			rel("sigma_subject", m.SigmaB, f(g[9]), 1e-6)
		} else if m.SigmaB > 1e-3 {
			t.Errorf("case %s sigma_subject %g, lme4 %s (boundary)", g[0], m.SigmaB, g[9])
		}
		rel("REML criterion", m.REML, f(g[10]), 1e-8)
		n++
	}
	if n != 11 {
		t.Errorf("%d golden rows", n)
	}
}

func readTSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		rows = append(rows, strings.Split(sc.Text(), "\t"))
	}
	return rows
}
