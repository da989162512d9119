package cohort

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// TestTysonCarrPerceivedStress checks the perceived-stress layer of
// examples/cohort-tyson-carr.yaml against published PSS-10 norms and the
// instrument's designed reliability: Cohen & Williamson 1988 (US probability
// sample, n = 2,387): PSS-10 mean ≈ 13, SD ≈ 6.2–6.4. The spec maps the
// chronic stress input s ~ N(0.25, 0.15) truncated to [0, 1] to PSS = 3 + 40 s
// with measurement noise SD 2.5, so the measured PSS must have mean 13 ± 1.2
// and SD 6.2 ± 0.9 (4 SE at n = 530 plus the truncation shift), and its
// correlation with the latent chronic stress 6/√(6² + 2.5²) = 0.92 ± 0.04.
//
// The Cutibacterium–stress correlation (Tyson-Carr 2025) is logged, not
// asserted: it is an outcome of the model's couplings, measured over 1,000
// replicate studies by scripts/golden_cohort_tysoncarr.sh (benchmarks/cohort.md).
func TestTysonCarrPerceivedStress(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const n = 530
	p, subs := runSubjects(t, "../examples/cohort-tyson-carr.yaml", n)
	mi, pi, ei := -1, -1, -1
	for i, m := range p.Measures {
		if m.Name == "pss" {
			mi = i
		}
	}
	for i, id := range p.ParamIDs {
		if id == "stress_chronic" {
			pi = i
		}
	}
	for i, e := range p.Endpoints {
		if e.Name == "face_cu_rel" {
			ei = i
		}
	}
	if mi < 0 || pi < 0 || ei < 0 {
		t.Fatalf("spec lacks pss measurement, stress_chronic parameter or face_cu_rel endpoint (%d %d %d)", mi, pi, ei)
	}
	pss := make([]float64, n)
	lat := make([]float64, n)
	cu := make([]float64, n)
	for k, s := range subs {
		pss[k] = s.Measures[mi][0]
		lat[k] = s.Params[pi]
		cu[k] = s.Endpoints[ei]
	}
	m, sd := stat.MeanStdDev(pss, nil)
	r := stat.Correlation(pss, lat, nil)
	rs := tcSpearman(cu, pss)
	t.Logf("PSS-10 mean %.2f SD %.2f (Cohen & Williamson 1988: ~13, ~6.2-6.4); corr(PSS, latent) %.3f (designed 0.92); "+
		"Spearman(true face Cutibacterium share, PSS) over %d subjects %.3f (not asserted)", m, sd, r, n, rs)
	if math.Abs(m-13) > 1.2 {
		t.Errorf("PSS mean %.2f, want 13 ± 1.2", m)
	}
	if math.Abs(sd-6.2) > 0.9 {
		t.Errorf("PSS SD %.2f, want 6.2 ± 0.9", sd)
	}
	if math.Abs(r-0.92) > 0.04 {
		t.Errorf("corr(PSS, latent chronic stress) %.3f, want 0.92 ± 0.04", r)
	}
}

// tcSpearman is Pearson's r of mid-ranks.
func tcSpearman(x, y []float64) float64 {
	return stat.Correlation(tcMidRanks(x), tcMidRanks(y), nil)
}

func tcMidRanks(x []float64) []float64 {
	n := len(x)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	// insertion sort by value (n is small)
	for i := 1; i < n; i++ {
		for j := i; j > 0 && x[idx[j]] < x[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	r := make([]float64, n)
	for i := 0; i < n; {
		j := i
		for j+1 < n && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			r[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return r
}
