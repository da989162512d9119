package da

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/holobiont/holobiont/stats"
)

// coefFit is one taxon's fitted coefficients with their tests.
type coefFit struct {
	beta, se, t, p, df []float64
}

// linearFitter fits every taxon's response on the design, by OLS or, with a
// random intercept, by REML.
type linearFitter struct {
	o   *ols
	lmm *stats.LMMDesign
	d   *Design
}

func newLinearFitter(d *Design) (*linearFitter, error) {
	lf := &linearFitter{d: d}
	if d.Random != nil {
		// LMMDesign adds its own intercept: pass the other columns.
		var names []string
		var cols [][]float64
		for j, nm := range d.Names {
			if nm == "(Intercept)" {
				continue
			}
			names = append(names, nm)
			cols = append(cols, d.Column(j))
		}
		if len(names) == len(d.Names) {
			return nil, fmt.Errorf("da: a random intercept needs a model with an intercept")
		}
		l, err := stats.NewLMMDesign(names, cols, d.Random, len(d.RandomLevels))
		if err != nil {
			return nil, fmt.Errorf("da: random effect %q: %w", d.RandomName, err)
		}
		lf.lmm = l
		return lf, nil
	}
	o, err := newOLS(d.X, d.N, d.P)
	if err != nil {
		return nil, err
	}
	lf.o = o
	return lf, nil
}

func (lf *linearFitter) fit(y []float64) (coefFit, error) {
	p := lf.d.P
	if lf.lmm != nil {
		mm, err := lf.lmm.Fit(y)
		if err != nil {
			return coefFit{}, err
		}
		// Reorder to the design's column order (intercept first in both).
		return coefFit{beta: mm.Coef, se: mm.SE, t: mm.T, p: mm.P, df: mm.DF}, nil
	}
	cf := coefFit{beta: make([]float64, p), se: make([]float64, p), t: make([]float64, p), p: make([]float64, p), df: make([]float64, p)}
	rss := lf.o.fit(cf.beta, nil, y)
	lf.o.tTest(cf.se, cf.t, cf.p, cf.beta, rss)
	for a := range cf.df {
		cf.df[a] = float64(lf.d.N - p)
	}
	return cf, nil
}

// fitAll fits each row of y (m×n) and returns the fits.
func (lf *linearFitter) fitAll(ctx context.Context, y []float64, m, n int) ([]coefFit, error) {
	out := make([]coefFit, m)
	for i := 0; i < m; i++ {
		if err := checkCtx(ctx, i); err != nil {
			return nil, err
		}
		f, err := lf.fit(y[i*n : i*n+n])
		if err != nil {
			return nil, fmt.Errorf("taxon %d: %w", i, err)
		}
		out[i] = f
	}
	return out, nil
}

// clrLog2 returns the per-sample centred log2 of x (m×n, all positive).
func clrLog2(x []float64, m, n int) []float64 {
	w := make([]float64, m*n)
	mu := make([]float64, n)
	for k, v := range x {
		w[k] = math.Log2(v)
		mu[k%n] += w[k]
	}
	for k := range w {
		w[k] -= mu[k%n] / float64(m)
	}
	return w
}

// runLinDA is LinDA (Zhou et al. 2022): a CLR (log2) linear model per
// taxon, each coefficient minus the mode of its estimates over taxa.
func runLinDA(ctx context.Context, c *Counts, d *Design, opt Options) (*Result, error) {
	m, n := c.M(), c.N()
	padj := opt.PAdjust
	if padj == "" {
		padj = "bh"
	}
	lf, err := newLinearFitter(d)
	if err != nil {
		return nil, err
	}
	res := &Result{Method: LinDA, EffectUnit: "bias-corrected natural-log fold change (LinDA: CLR linear model minus the mode of the coefficients)",
		Extra: []string{"log2FoldChange", "lfcSE", "df", "baseMean"}}
	y, note, err := lindaZeros(c, d, lf)
	if err != nil {
		return nil, err
	}
	if note != "" {
		res.Notes = append(res.Notes, note)
	}
	w := clrLog2(y, m, n)
	fits, err := lf.fitAll(ctx, w, m, n)
	if err != nil {
		return nil, err
	}
	base := lindaBaseMean(fits, d, n)
	for _, a := range testedCoefs(d) {
		bias := lindaBias(fits, a, n)
		res.Notes = append(res.Notes, fmt.Sprintf("bias %s: %.6g (mode of the CLR coefficients, log2)", d.Names[a], bias))
		rows := make([]Row, m)
		for i, f := range fits {
			lfc := f.beta[a] - bias
			st := lfc / f.se[a]
			rows[i] = Row{Taxon: c.Taxa[i], Term: d.Names[a], Effect: lfc * math.Ln2, SE: f.se[a] * math.Ln2, Statistic: st,
				P: stats.PValueT(st, f.df[a]), Extra: []float64{lfc, f.se[a], f.df[a], base[i]}}
		}
		res.Rows = append(res.Rows, withQ(rows, padj)...)
	}
	if d.Random != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("random intercept for %s (REML); df by nlme's between/within rule", d.RandomName))
	}
	return res, nil
}

// lindaZeros returns the counts with LinDA's adaptive zero handling and a
// note saying which rule applied ("" without zeros): imputation when the
// library size depends on the covariates (any p ≤ 0.1 for log N),
// otherwise a pseudo-count 0.5.
func lindaZeros(c *Counts, d *Design, lf *linearFitter) ([]float64, string, error) {
	m, n := c.M(), c.N()
	y := append([]float64(nil), c.X...)
	if !slices.Contains(y, 0) {
		return y, "", nil
	}
	libs := make([]float64, n)
	for i := 0; i < m; i++ {
		for j, v := range c.Row(i) {
			libs[j] += v
		}
	}
	logN := make([]float64, n)
	for j, v := range libs {
		logN[j] = math.Log(v)
	}
	lf0, err := lf.fit(logN)
	if err != nil {
		return nil, "", err
	}
	impute := false
	for a, nm := range d.Names {
		if nm != "(Intercept)" && lf0.p[a] <= 0.1 {
			impute = true
		}
	}
	if !impute {
		for k := range y {
			y[k] += 0.5
		}
		return y, "zeros: pseudo-count 0.5 (library size does not depend on the covariates)", nil
	}
	for i := 0; i < m; i++ {
		row := y[i*n : i*n+n]
		var mx float64
		for j, v := range row {
			if v == 0 {
				mx = math.Max(mx, libs[j])
			}
		}
		for j, v := range row {
			if v == 0 {
				row[j] = libs[j] / mx
			}
		}
	}
	return y, "zeros: imputation (library size depends on the covariates, p <= 0.1): a zero becomes N_j / max N over the taxon's zero samples", nil
}

// lindaBias is coefficient a's bias: the mode (mean-shift) of its
// estimates over taxa, on the √n scale as LinDA.
func lindaBias(fits []coefFit, a, n int) float64 {
	sqn := math.Sqrt(float64(n))
	x := make([]float64, len(fits))
	for i := range fits {
		x[i] = sqn * fits[i].beta[a]
	}
	return modeMeanShift(x) / sqn
}

// lindaBaseMean is LinDA's baseMean: 2^(intercept − its bias) scaled to
// sum to 1e6 (zeros without an intercept).
func lindaBaseMean(fits []coefFit, d *Design, n int) []float64 {
	base := make([]float64, len(fits))
	if d.Names[0] != "(Intercept)" {
		return base
	}
	bi := lindaBias(fits, 0, n)
	var s float64
	for i := range fits {
		base[i] = math.Exp2(fits[i].beta[0] - bi)
		s += base[i]
	}
	for i := range base {
		base[i] *= 1e6 / s
	}
	return base
}

// modeMeanShift is modeest's mlv(x, method = "meanshift") with a Gaussian
// kernel: the bandwidth is R's bw.nrd0, the start the shorth (mean of the
// shortest half), iterated to relative change below sqrt(eps).
func modeMeanShift(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n == 1 {
		return s[0]
	}
	bw := bwNrd0(s)
	// shorth start: k = ceil(n/2) − 1, shortest window s[i..i+k].
	k := (n+1)/2 - 1
	bi, bd := 0, math.Inf(1)
	for i := 0; i+k < n; i++ {
		if dd := s[i+k] - s[i]; dd < bd {
			bd, bi = dd, i
		}
	}
	par := mean(s[bi : bi+k+1])
	tol := math.Sqrt(2.220446049250313e-16)
	for it := 0; it < 1000; it++ {
		var num, den float64
		for _, v := range s {
			z := (v - par) / bw
			kz := math.Exp(-0.5 * z * z)
			num += v * kz
			den += kz
		}
		if den == 0 {
			break
		}
		mv := num / den
		done := par != 0 && math.Abs(mv/par-1) < tol || par == 0 && math.Abs(mv) < tol
		par = mv
		if done {
			break
		}
	}
	return par
}

// bwNrd0 is R's bw.nrd0 of the sorted s.
func bwNrd0(s []float64) float64 {
	n := float64(len(s))
	m := mean(s)
	var ss float64
	for _, v := range s {
		ss += (v - m) * (v - m)
	}
	hi := math.Sqrt(ss / (n - 1))
	lo := math.Min(hi, (stats.QuantileSorted(s, 0.75)-stats.QuantileSorted(s, 0.25))/1.34)
	if lo == 0 {
		lo = hi
		if lo == 0 {
			lo = math.Abs(s[0])
			if lo == 0 {
				lo = 1
			}
		}
	}
	return 0.9 * lo * math.Pow(n, -0.2)
}

func runLM(ctx context.Context, c *Counts, d *Design, opt Options) (*Result, error) {
	m, n := c.M(), c.N()
	padj := opt.PAdjust
	if padj == "" {
		padj = "bh"
	}
	lf, err := newLinearFitter(d)
	if err != nil {
		return nil, err
	}
	ra, normNote, err := normalized(c, opt.Norm)
	if err != nil {
		return nil, err
	}
	res := &Result{Method: LM, Extra: []string{"df", "mean_abundance"}, Notes: []string{normNote}}
	var y []float64
	switch opt.Transform {
	case "relative":
		y = ra
		res.EffectUnit = "difference in normalised abundance (linear model on count / effective library size)"
	case "log":
		// ln(relative abundance), zeros at half the smallest non-zero value.
		minNZ := math.Inf(1)
		for _, v := range ra {
			if v > 0 && v < minNZ {
				minNZ = v
			}
		}
		y = make([]float64, len(ra))
		for k, v := range ra {
			if v == 0 {
				v = minNZ / 2
			}
			y[k] = math.Log(v)
		}
		res.EffectUnit = fmt.Sprintf("natural-log fold change (linear model on ln normalised abundance; zeros at half the smallest non-zero, %.3g)", minNZ/2)
	case "clr":
		x := make([]float64, len(c.X))
		for k, v := range c.X {
			x[k] = v + 0.5
		}
		y = clrLog2(x, m, n)
		for k := range y {
			y[k] *= math.Ln2
		}
		res.EffectUnit = "natural-log fold change relative to the sample's geometric mean (linear model on CLR of counts + 0.5)"
	default:
		return nil, fmt.Errorf("da: lm transform %q: want relative, log or clr", opt.Transform)
	}
	fits, err := lf.fitAll(ctx, y, m, n)
	if err != nil {
		return nil, err
	}
	for _, a := range testedCoefs(d) {
		rows := make([]Row, m)
		for i, f := range fits {
			rows[i] = Row{Taxon: c.Taxa[i], Term: d.Names[a], Effect: f.beta[a], SE: f.se[a], Statistic: f.t[a], P: f.p[a],
				Extra: []float64{f.df[a], mean(ra[i*n : i*n+n])}}
		}
		res.Rows = append(res.Rows, withQ(rows, padj)...)
	}
	if d.Random != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("random intercept for %s (REML); df by nlme's between/within rule", d.RandomName))
	}
	return res, nil
}

// normalized returns count / effective library size (taxon-major): the
// total count (tss), the total times edgeR's TMM factor (tmm), or DESeq2's
// median-of-ratios size factor (rle).
func normalized(c *Counts, norm string) ([]float64, string, error) {
	m, n := c.M(), c.N()
	lib := make([]float64, n)
	for i := 0; i < m; i++ {
		for j, v := range c.Row(i) {
			lib[j] += v
		}
	}
	var note string
	switch norm {
	case "", "tss":
		note = "normalisation: total-sum scaling (relative abundance)"
	case "tmm":
		f := NormFactorsTMM(nil, c)
		for j := range lib {
			lib[j] *= f[j]
		}
		note = "normalisation: count / (library size × TMM factor), as edgeR's effective library size"
	case "rle":
		sf := SizeFactorsRLE(nil, c)
		for _, v := range sf {
			if math.IsNaN(v) {
				return nil, "", fmt.Errorf("da: RLE size factors need taxa with a positive count in every sample; none has")
			}
		}
		lib = sf
		note = "normalisation: count / DESeq2 median-of-ratios size factor"
	default:
		return nil, "", fmt.Errorf("da: normalisation %q: want tss, tmm or rle", norm)
	}
	out := make([]float64, len(c.X))
	for i := 0; i < m; i++ {
		for j, v := range c.Row(i) {
			out[i*n+j] = v / lib[j]
		}
	}
	return out, note, nil
}
