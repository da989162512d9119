package da

import (
	"math"
	"sort"

	"github.com/holobiont/holobiont/stats"
)

// SizeFactorsRLE writes DESeq2's median-of-ratios size factors
// (estimateSizeFactors, type "ratio") of the counts into dst: for sample j,
// exp(median over taxa with a positive count in every sample of
// log x_ij − mean_j log x_ij). Taxa with a zero anywhere do not vote, as in
// DESeq2; when none is left every factor is NaN.
func SizeFactorsRLE(dst []float64, c *Counts) []float64 {
	m, n := c.M(), c.N()
	if dst == nil {
		dst = make([]float64, n)
	}
	lg := make([]float64, m)
	var use []int
	for i := 0; i < m; i++ {
		var s float64
		ok := true
		for _, v := range c.Row(i) {
			if v <= 0 {
				ok = false
				break
			}
			s += math.Log(v)
		}
		if ok {
			lg[i] = s / float64(n)
			use = append(use, i)
		}
	}
	r := make([]float64, 0, len(use))
	for j := 0; j < n; j++ {
		r = r[:0]
		for _, i := range use {
			r = append(r, math.Log(c.X[i*n+j])-lg[i])
		}
		if len(r) == 0 {
			dst[j] = math.NaN()
			continue
		}
		dst[j] = math.Exp(median(r))
	}
	return dst
}

// NormFactorsTMM writes edgeR's TMM normalisation factors
// (calcNormFactors(method = "TMM"), edgeR 3.x defaults: the reference is the
// sample whose upper-quartile scaled count is closest to the mean; M-values
// trimmed 30% and A-values 5% at each end; precision weights) into dst,
// scaled to a geometric mean of 1. The effective library size of sample j
// is total_j × dst[j].
func NormFactorsTMM(dst []float64, c *Counts) []float64 {
	m, n := c.M(), c.N()
	if dst == nil {
		dst = make([]float64, n)
	}
	lib := make([]float64, n)
	var rows []int
	for i := 0; i < m; i++ {
		any := false
		for j, v := range c.Row(i) {
			lib[j] += v
			if v > 0 {
				any = true
			}
		}
		if any {
			rows = append(rows, i)
		}
	}
	// Upper quartile of each sample's scaled counts (type-7 quantile).
	f75 := make([]float64, n)
	col := make([]float64, len(rows))
	for j := 0; j < n; j++ {
		for k, i := range rows {
			col[k] = c.X[i*n+j] / lib[j]
		}
		s := append([]float64(nil), col...)
		sort.Float64s(s)
		f75[j] = stats.QuantileSorted(s, 0.75)
	}
	mf := mean(f75)
	ref := 0
	for j := range f75 {
		if math.Abs(f75[j]-mf) < math.Abs(f75[ref]-mf) {
			ref = j
		}
	}
	obs := make([]float64, len(rows))
	refv := make([]float64, len(rows))
	for k, i := range rows {
		refv[k] = c.X[i*n+ref]
	}
	for j := 0; j < n; j++ {
		for k, i := range rows {
			obs[k] = c.X[i*n+j]
		}
		dst[j] = tmmFactor(obs, refv, lib[j], lib[ref])
	}
	var lm float64
	for _, f := range dst {
		lm += math.Log(f)
	}
	g := math.Exp(lm / float64(n))
	for j := range dst {
		dst[j] /= g
	}
	return dst
}

// tmmFactor is edgeR's .calcFactorTMM with logratioTrim 0.3, sumTrim 0.05,
// weighting on and no A cutoff.
func tmmFactor(obs, ref []float64, nO, nR float64) float64 {
	var logR, absE, v []float64
	for k := range obs {
		lr := math.Log2((obs[k] / nO) / (ref[k] / nR))
		ae := (math.Log2(obs[k]/nO) + math.Log2(ref[k]/nR)) / 2
		if math.IsNaN(lr) || math.IsInf(lr, 0) || math.IsNaN(ae) || math.IsInf(ae, 0) {
			continue
		}
		logR = append(logR, lr)
		absE = append(absE, ae)
		v = append(v, (nO-obs[k])/nO/obs[k]+(nR-ref[k])/nR/ref[k])
	}
	if len(logR) == 0 {
		return 1
	}
	mx := 0.0
	for _, x := range logR {
		mx = math.Max(mx, math.Abs(x))
	}
	if mx < 1e-6 {
		return 1
	}
	nn := float64(len(logR))
	loL := math.Floor(nn*0.3) + 1
	hiL := nn + 1 - loL
	loS := math.Floor(nn*0.05) + 1
	hiS := nn + 1 - loS
	rR, rE := make([]float64, len(logR)), make([]float64, len(absE))
	stats.Rank(rR, logR)
	stats.Rank(rE, absE)
	var num, den float64
	for k := range logR {
		if rR[k] >= loL && rR[k] <= hiL && rE[k] >= loS && rE[k] <= hiS {
			num += logR[k] / v[k]
			den += 1 / v[k]
		}
	}
	f := num / den
	if math.IsNaN(f) {
		f = 0
	}
	return math.Exp2(f)
}
