package da

import (
	"context"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/stats"
)

// Constants of DESeq2's estimateDispersions and nbinomWaldTest (1.38).
const (
	nbMinDisp   = 1e-8 // smallest dispersion
	nbMinMu     = 0.5  // fitted means are at least this
	nbRidge     = 1e-6 // ridge on each log2-scale coefficient
	nbOutlierSD = 2    // gene-wise estimates this many SDs above the trend keep their own value
	nbMaxIter   = 100  // IRLS iterations
	nbBetaTol   = 1e-8 // IRLS: relative deviance change
	nbLarge     = 30   // IRLS: a |coefficient| above this stops the fit (no convergence)
)

// nbModel is what every taxon's negative-binomial fit shares: the design,
// the size factors and the dispersion limits.
type nbModel struct {
	n, p    int
	x       []float64 // n×p design
	sf      []float64 // size factors
	ridge   float64   // natural-log scale ridge
	maxDisp float64
}

// nbWork is one goroutine's working memory.
type nbWork struct {
	mu, z, wt   []float64 // n
	a, l, b, bt []float64 // p×p, p×p, p, p
	beta        []float64 // p
}

func (md *nbModel) newWork() *nbWork {
	n, p := md.n, md.p
	return &nbWork{mu: make([]float64, n), z: make([]float64, n), wt: make([]float64, n),
		a: make([]float64, p*p), l: make([]float64, p*p), b: make([]float64, p), bt: make([]float64, p), beta: make([]float64, p)}
}

// xtwx writes XᵀWX (+ ridge on the diagonal) into w.a.
func (md *nbModel) xtwx(w *nbWork, wt []float64, ridge float64) {
	n, p := md.n, md.p
	clear(w.a)
	for j := 0; j < n; j++ {
		xr := md.x[j*p : j*p+p]
		for r := 0; r < p; r++ {
			v := wt[j] * xr[r]
			for s := 0; s <= r; s++ {
				w.a[r*p+s] += v * xr[s]
			}
		}
	}
	for r := 0; r < p; r++ {
		w.a[r*p+r] += ridge
		for s := 0; s < r; s++ {
			w.a[s*p+r] = w.a[r*p+s]
		}
	}
}

// logPost is DESeq2's Cox–Reid adjusted log likelihood of log dispersion
// la for counts y with means mu (its C++ log_posterior), plus the normal
// log prior (mean pm, variance pv) when pv > 0.
func (md *nbModel) logPost(w *nbWork, y, mu []float64, la, pm, pv float64) float64 {
	a := math.Exp(la)
	ia := 1 / a
	lgia, _ := math.Lgamma(ia)
	var ll float64
	for j, v := range y {
		lg, _ := math.Lgamma(v + ia)
		ll += lg - lgia - v*math.Log(mu[j]+ia) - ia*math.Log1p(mu[j]*a)
		w.wt[j] = 1 / (1/mu[j] + a)
	}
	md.xtwx(w, w.wt, 0)
	copy(w.l, w.a)
	logdet, ok := stats.Cholesky(w.l, md.p)
	if !ok {
		return math.Inf(-1)
	}
	lp := ll - 0.5*logdet
	if pv > 0 {
		lp -= 0.5 * (la - pm) * (la - pm) / pv
	}
	return lp
}

// dlogPost is the derivative of logPost with respect to log α (DESeq2's
// dlog_posterior).
func (md *nbModel) dlogPost(w *nbWork, y, mu []float64, la, pm, pv float64) float64 {
	p := md.p
	a := math.Exp(la)
	ia := 1 / a
	dia := digamma(ia)
	var ll float64
	for j, v := range y {
		ma := mu[j] * a
		ll += dia + math.Log1p(ma) - ma/(1+ma) - digamma(v+ia) + v/(mu[j]+ia)
		d := 1/mu[j] + a
		w.wt[j] = 1 / d
		w.z[j] = -1 / (d * d)
	}
	ll *= ia * ia
	md.xtwx(w, w.wt, 0)
	copy(w.l, w.a)
	if _, ok := stats.Cholesky(w.l, p); !ok {
		return math.NaN()
	}
	md.xtwx(w, w.z, 0) // dB/dα
	var tr float64     // trace(B⁻¹ dB)
	for r := 0; r < p; r++ {
		copy(w.b, w.a[r*p:r*p+p])
		stats.CholSolve(w.bt, w.l, w.b, p)
		tr += w.bt[r]
	}
	res := (ll - 0.5*tr) * a
	if pv > 0 {
		res -= (la - pm) / pv
	}
	return res
}

// lineSearch is DESeq2's fitDisp for one taxon: steepest ascent on log α
// from la with Armijo steps (κ₀ = 1, ε = 1e-4; κ grows by 1.1 after an
// accepted step and halves after a rejected one and every fifth accepted
// one), stopping when the log posterior rises by less than 1e-6, when log α
// falls below log(minDisp/10) or after 100 steps. It returns log α, the
// number of steps and the first and last log posterior.
func (md *nbModel) lineSearch(w *nbWork, y, mu []float64, la, pm, pv float64) (float64, int, float64, float64) {
	const eps, tol = 1e-4, 1e-6
	minLA := math.Log(nbMinDisp / 10)
	lp := md.logPost(w, y, mu, la, pm, pv)
	dlp := md.dlogPost(w, y, mu, la, pm, pv)
	lp0 := lp
	kappa := 1.0
	iter, accepted := 0, 0
	for t := 0; t < nbMaxIter; t++ {
		iter++
		prop := la + kappa*dlp
		if prop < -30 {
			kappa = (-30 - la) / dlp
		}
		if prop > 10 {
			kappa = (10 - la) / dlp
		}
		theta := -md.logPost(w, y, mu, la+kappa*dlp, pm, pv)
		if theta <= -lp-kappa*eps*dlp*dlp {
			accepted++
			la += kappa * dlp
			lpNew := md.logPost(w, y, mu, la, pm, pv)
			change := lpNew - lp
			if change < tol {
				lp = lpNew
				break
			}
			if la < minLA {
				break
			}
			lp = lpNew
			dlp = md.dlogPost(w, y, mu, la, pm, pv)
			kappa = min(kappa*1.1, 1)
			if accepted%5 == 0 {
				kappa /= 2
			}
		} else {
			kappa /= 2
		}
	}
	return la, iter, lp0, lp
}

// gridDisp is DESeq2's fitDispGrid: the best of 20 log α from
// log(minDisp) to log(maxDisp), then of 20 within one grid step of it.
func (md *nbModel) gridDisp(w *nbWork, y, mu []float64, pm, pv float64) float64 {
	const ng = 20
	lo, hi := math.Log(nbMinDisp), math.Log(md.maxDisp)
	delta := (hi - lo) / (ng - 1)
	best := func(from, step float64) float64 {
		bl, blp := from, math.Inf(-1)
		for k := 0; k < ng; k++ {
			la := from + float64(k)*step
			if lp := md.logPost(w, y, mu, la, pm, pv); lp > blp {
				bl, blp = la, lp
			}
		}
		return bl
	}
	a := best(lo, delta)
	return math.Exp(best(a-delta, 2*delta/(ng-1)))
}

// geneDisp is DESeq2's gene-wise estimate from the start a0: the line
// search (no prior), kept only if it raised the log posterior by more than
// a millionth; the grid when the search took one step or all 100 and the
// estimate exceeds 10 minDisp; clamped to [minDisp, maxDisp].
func (md *nbModel) geneDisp(w *nbWork, y, mu []float64, a0 float64) float64 {
	la, iter, lp0, lp := md.lineSearch(w, y, mu, math.Log(a0), 0, 0)
	a := min(math.Exp(la), md.maxDisp)
	if lp < lp0+math.Abs(lp0)/1e6 {
		a = a0
	}
	if (iter >= nbMaxIter || iter == 1) && a > 10*nbMinDisp {
		a = md.gridDisp(w, y, mu, 0, 0)
	}
	return min(max(a, nbMinDisp), md.maxDisp)
}

// mapDisp is DESeq2's MAP estimate: the line search with the normal prior
// on log α (mean log trend, variance pv) from the gene-wise estimate (or
// the trend when that is below a tenth of it); the grid when the search
// does not converge; clamped to [minDisp, maxDisp].
func (md *nbModel) mapDisp(w *nbWork, y, mu []float64, gene, trend, pv float64) float64 {
	init := trend
	if gene > 0.1*trend {
		init = gene
	}
	la, iter, _, _ := md.lineSearch(w, y, mu, math.Log(init), math.Log(trend), pv)
	a := math.Exp(la)
	if iter >= nbMaxIter {
		a = md.gridDisp(w, y, mu, math.Log(trend), pv)
	}
	return min(max(a, nbMinDisp), md.maxDisp)
}

// fitBeta fits the NB GLM of counts y with dispersion alpha by IRLS with
// DESeq2's ridge (its fitBeta), from beta0 (natural-log scale). It writes
// the coefficients and their variances (the sandwich (XᵀWX + Λ)⁻¹ XᵀWX
// (XᵀWX + Λ)⁻¹) into beta and vr, the fitted means into w.mu, and reports
// convergence.
func (md *nbModel) fitBeta(w *nbWork, y []float64, alpha float64, beta, vr []float64) bool {
	n, p := md.n, md.p
	md.means(w.mu, beta)
	conv := false
	var devOld float64
	for t := 0; t < nbMaxIter; t++ {
		for j := 0; j < n; j++ {
			m := w.mu[j]
			w.wt[j] = m / (1 + alpha*m)
			w.z[j] = math.Log(m/md.sf[j]) + (y[j]-m)/m
		}
		md.xtwx(w, w.wt, md.ridge)
		clear(w.b)
		for j := 0; j < n; j++ {
			for r := 0; r < p; r++ {
				w.b[r] += md.x[j*p+r] * w.wt[j] * w.z[j]
			}
		}
		copy(w.l, w.a)
		if _, ok := stats.Cholesky(w.l, p); !ok {
			return false
		}
		stats.CholSolve(beta, w.l, w.b, p)
		for _, v := range beta {
			if math.Abs(v) > nbLarge {
				return false
			}
		}
		md.means(w.mu, beta)
		var dev float64
		for j, v := range y {
			dev -= 2 * nbLogPMF(v, alpha, w.mu[j])
		}
		ct := math.Abs(dev-devOld) / (math.Abs(dev) + 0.1)
		if math.IsNaN(ct) {
			return false
		}
		if t > 0 && ct < nbBetaTol {
			conv = true
			break
		}
		devOld = dev
	}
	for j := 0; j < n; j++ {
		w.wt[j] = w.mu[j] / (1 + alpha*w.mu[j])
	}
	md.sandwich(w, vr)
	return conv
}

// sandwich writes the diagonal of (XᵀWX + Λ)⁻¹ XᵀWX (XᵀWX + Λ)⁻¹ (weights
// w.wt) into vr.
func (md *nbModel) sandwich(w *nbWork, vr []float64) {
	p := md.p
	md.xtwx(w, w.wt, md.ridge)
	copy(w.l, w.a)
	if _, ok := stats.Cholesky(w.l, p); !ok {
		for r := range vr {
			vr[r] = math.NaN()
		}
		return
	}
	md.xtwx(w, w.wt, 0)
	for r := 0; r < p; r++ { // column r of the inverse, then eᵣᵀ H A H eᵣ
		clear(w.b)
		w.b[r] = 1
		stats.CholSolve(w.bt, w.l, w.b, p)
		var q float64
		for s := 0; s < p; s++ {
			for u := 0; u < p; u++ {
				q += w.bt[s] * w.a[s*p+u] * w.bt[u]
			}
		}
		vr[r] = q
	}
}

// means writes sf_j exp(x_j β), at least nbMinMu, into mu.
func (md *nbModel) means(mu, beta []float64) {
	p := md.p
	for j := range mu {
		var eta float64
		for r := 0; r < p; r++ {
			eta += md.x[j*p+r] * beta[r]
		}
		mu[j] = max(md.sf[j]*math.Exp(eta), nbMinMu)
	}
}

// nbLogPMF is the log probability of count y under NB(mean mu, size 1/alpha).
func nbLogPMF(y, alpha, mu float64) float64 {
	r := 1 / alpha
	a, _ := math.Lgamma(y + r)
	b, _ := math.Lgamma(r)
	c, _ := math.Lgamma(y + 1)
	return a - b - c + r*math.Log(r/(r+mu)) + y*math.Log(mu/(r+mu))
}

// nbSizeFactors returns DESeq2's size factors: median of ratios ("ratio")
// when some taxon is positive in every sample, otherwise (or when asked)
// "poscounts".
func nbSizeFactors(c *Counts, norm string) ([]float64, string, error) {
	switch norm {
	case "", "rle", "ratio":
		sf := SizeFactorsRLE(nil, c)
		if !math.IsNaN(sf[0]) {
			return sf, "size factors: DESeq2 median of ratios (type \"ratio\")", nil
		}
		if norm != "" {
			return nil, "", fmt.Errorf("da: median-of-ratios size factors need a taxon with a positive count in every sample; none has (use --norm poscounts)")
		}
		fallthrough
	case "poscounts":
		return SizeFactorsPoscounts(nil, c), "size factors: DESeq2 \"poscounts\" (no taxon is positive in every sample, or asked for)", nil
	}
	return nil, "", fmt.Errorf("da: nbwald normalisation %q: want rle (median of ratios) or poscounts", norm)
}

// SizeFactorsPoscounts writes DESeq2's "poscounts" size factors into dst:
// the geometric mean of taxon i is exp(Σ_{x>0} ln x / n) (all samples in
// the denominator), the factor of sample j is exp(median over its positive
// counts of ln x_ij − ln geomean_i), and the factors are scaled to a
// geometric mean of 1.
func SizeFactorsPoscounts(dst []float64, c *Counts) []float64 {
	m, n := c.M(), c.N()
	if dst == nil {
		dst = make([]float64, n)
	}
	lg := make([]float64, m)
	for i := 0; i < m; i++ {
		var s float64
		pos := false
		for _, v := range c.Row(i) {
			if v > 0 {
				s += math.Log(v)
				pos = true
			}
		}
		lg[i] = math.Inf(-1)
		if pos {
			lg[i] = s / float64(n)
		}
	}
	r := make([]float64, 0, m)
	var mean float64
	for j := 0; j < n; j++ {
		r = r[:0]
		for i := 0; i < m; i++ {
			if v := c.X[i*n+j]; v > 0 && !math.IsInf(lg[i], -1) {
				r = append(r, math.Log(v)-lg[i])
			}
		}
		dst[j] = math.NaN()
		if len(r) > 0 {
			dst[j] = median(r)
		}
		mean += dst[j] / float64(n)
	}
	for j := range dst {
		dst[j] = math.Exp(dst[j] - mean)
	}
	return dst
}

// groupLike reports whether the design's rows take exactly p distinct
// values (DESeq2 then fits the gene-wise means by least squares on the
// normalised counts instead of a GLM).
func groupLike(d *Design) bool {
	seen := map[string]bool{}
	for j := 0; j < d.N; j++ {
		seen[fmt.Sprint(d.X[j*d.P:(j+1)*d.P])] = true
	}
	return len(seen) == d.P
}

// nbDisp holds the dispersion stages of every taxon.
type nbDisp struct {
	baseMean, gene, fit, mapd, final []float64
	outlier                          []bool
	asympt, extra                    float64 // trend α = asympt + extra / baseMean
	priorVar, varLogDisp             float64
	trendNote                        string
}

func runNBWald(ctx context.Context, c *Counts, d *Design, opt Options) (*Result, error) {
	m, n, p := c.M(), c.N(), d.P
	if n <= p {
		return nil, fmt.Errorf("da: nbwald needs more samples (%d) than coefficients (%d)", n, p)
	}
	sf, sfNote, err := nbSizeFactors(c, opt.Norm)
	if err != nil {
		return nil, err
	}
	md := &nbModel{n: n, p: p, x: d.X, sf: sf, ridge: nbRidge / (math.Ln2 * math.Ln2), maxDisp: max(10, float64(n))}
	mus := make([]float64, m*n) // gene-wise stage means
	disp, err := nbDispersions(ctx, c, d, md, mus, opt.Workers)
	if err != nil {
		return nil, err
	}
	// The Wald test with the final dispersions.
	beta := make([]float64, m*p)
	vr := make([]float64, m*p)
	conv := make([]bool, m)
	init := nbInitBeta(c, d, sf)
	err = parallelWith(ctx, opt.Workers, m, md.newWork, func(w *nbWork, i int) {
		b := beta[i*p : i*p+p]
		copy(b, init[i*p:i*p+p])
		conv[i] = md.fitBeta(w, c.Row(i), disp.final[i], b, vr[i*p:i*p+p])
	})
	if err != nil {
		return nil, err
	}
	padj := opt.PAdjust
	if padj == "" {
		padj = "bh"
	}
	res := &Result{Method: NBWald,
		EffectUnit: "natural-log fold change (negative-binomial GLM coefficient; log2FoldChange × ln 2)",
		Extra:      []string{"baseMean", "log2FoldChange", "lfcSE", "dispGeneEst", "dispFit", "dispMAP", "dispersion", "dispOutlier"},
		Notes: []string{sfNote,
			fmt.Sprintf("DESeq2-style: gene-wise Cox–Reid dispersions, %s, MAP shrinkage (prior variance %.6g, log-dispersion variance %.6g), Wald test of the NB GLM (ridge 1e-6 on log2 coefficients); no Cook's-distance filtering, no independent filtering",
				disp.trendNote, disp.priorVar, disp.varLogDisp)}}
	nc := 0
	for i := range conv {
		if !conv[i] {
			nc++
		}
	}
	if nc > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d taxa did not converge in %d IRLS iterations (statistic and p are NA)", nc, nbMaxIter))
	}
	for _, a := range testedCoefs(d) {
		rows := make([]Row, m)
		for i := 0; i < m; i++ {
			b, se := beta[i*p+a], math.Sqrt(vr[i*p+a])
			st, pv := b/se, normTwoSided(b/se)
			if !conv[i] {
				st, pv = math.NaN(), math.NaN()
			}
			outl := 0.0
			if disp.outlier[i] {
				outl = 1
			}
			rows[i] = Row{Taxon: c.Taxa[i], Term: d.Names[a], Effect: b, SE: se, Statistic: st, P: pv,
				Extra: []float64{disp.baseMean[i], b / math.Ln2, se / math.Ln2, disp.gene[i], disp.fit[i], disp.mapd[i], disp.final[i], outl}}
		}
		res.Rows = append(res.Rows, withQ(rows, padj)...)
	}
	return res, nil
}

// nbInitBeta is DESeq2's IRLS start: least squares of ln(normalised count
// + 0.1) on the design.
func nbInitBeta(c *Counts, d *Design, sf []float64) []float64 {
	m, n, p := c.M(), c.N(), d.P
	o, err := newOLS(d.X, n, p)
	out := make([]float64, m*p)
	if err != nil {
		return out
	}
	y := make([]float64, n)
	for i := 0; i < m; i++ {
		for j, v := range c.Row(i) {
			y[j] = math.Log(v/sf[j] + 0.1)
		}
		b := out[i*p : i*p+p]
		o.fit(b, nil, y)
		for r := range b {
			if math.Abs(b[r]) > nbLarge {
				b[r] = 1
			}
		}
	}
	return out
}

// nbDispersions runs DESeq2's estimateDispersions (parametric trend): a
// rough start, gene-wise Cox–Reid estimates with the means of a linear
// model on the normalised counts (or an NB GLM), the trend, the prior
// variance and the MAP estimates. mus receives the gene-wise means.
func nbDispersions(ctx context.Context, c *Counts, d *Design, md *nbModel, mus []float64, workers int) (*nbDisp, error) {
	m, n, p := c.M(), c.N(), d.P
	o, err := newOLS(d.X, n, p)
	if err != nil {
		return nil, err
	}
	ds := &nbDisp{baseMean: make([]float64, m), gene: make([]float64, m), fit: make([]float64, m), mapd: make([]float64, m),
		final: make([]float64, m), outlier: make([]bool, m)}
	var xim float64
	for _, s := range md.sf {
		xim += 1 / s / float64(n)
	}
	linear := groupLike(d)
	init := nbInitBeta(c, d, md.sf)
	type work struct {
		*nbWork
		q, fitted, beta, vr []float64
	}
	mk := func() *work {
		return &work{nbWork: md.newWork(), q: make([]float64, n), fitted: make([]float64, n), beta: make([]float64, p), vr: make([]float64, p)}
	}
	err = parallelWith(ctx, workers, m, mk, func(w *work, i int) {
		y, mu := c.Row(i), mus[i*n:i*n+n]
		for j, v := range y {
			w.q[j] = v / md.sf[j]
		}
		bm, bv := meanVar(w.q)
		ds.baseMean[i] = bm
		// Rough (least squares) and moments estimates; the smaller starts.
		o.fit(w.beta, w.fitted, w.q) // fitted holds residuals
		var rough float64
		for j := range w.q {
			f := max(w.q[j]-w.fitted[j], 1)
			r := w.q[j] - f
			rough += (r*r - f) / (f * f)
		}
		rough = max(rough/float64(n-p), 0)
		moments := (bv - xim*bm) / (bm * bm)
		a0 := min(max(min(rough, moments), nbMinDisp), md.maxDisp)
		if linear {
			for j := range mu {
				mu[j] = max((w.q[j]-w.fitted[j])*md.sf[j], nbMinMu)
			}
		} else {
			copy(w.beta, init[i*p:i*p+p])
			md.fitBeta(w.nbWork, y, a0, w.beta, w.vr)
			copy(mu, w.nbWork.mu)
		}
		ds.gene[i] = md.geneDisp(w.nbWork, y, mu, a0)
	})
	if err != nil {
		return nil, err
	}
	ds.trend()
	// Prior variance of log dispersion around the trend.
	var res []float64
	for i := range ds.gene {
		if ds.gene[i] >= 100*nbMinDisp {
			res = append(res, math.Log(ds.gene[i])-math.Log(ds.fit[i]))
		}
	}
	if len(res) == 0 { // DESeq2 stops here and suggests the gene-wise estimates
		copy(ds.fit, ds.gene)
		copy(ds.mapd, ds.gene)
		copy(ds.final, ds.gene)
		ds.priorVar, ds.varLogDisp = math.NaN(), math.NaN()
		ds.trendNote = "no trend (every gene-wise dispersion is below 1e-6, Poisson-like counts: the gene-wise estimates are final, as DESeq2 advises)"
		return ds, nil
	}
	ds.varLogDisp = mad(res) * mad(res)
	ds.priorVar = max(ds.varLogDisp-trigamma(float64(n-p)/2), 0.25)
	err = parallelWith(ctx, workers, m, md.newWork, func(w *nbWork, i int) {
		ds.mapd[i] = md.mapDisp(w, c.Row(i), mus[i*n:i*n+n], ds.gene[i], ds.fit[i], ds.priorVar)
		ds.outlier[i] = math.Log(ds.gene[i]) > math.Log(ds.fit[i])+nbOutlierSD*math.Sqrt(ds.varLogDisp)
		ds.final[i] = ds.mapd[i]
		if ds.outlier[i] {
			ds.final[i] = ds.gene[i]
		}
	})
	return ds, err
}

// trend fits DESeq2's parametric dispersion trend α = a + b / baseMean (a
// Gamma-family GLM with identity link, refitted on the taxa whose ratio to
// the trend lies in (1e-4, 15) until the coefficients settle); when it
// fails, the trend is the mean gene-wise dispersion (DESeq2's fitType
// "mean"; DESeq2 itself would fall back to a local regression).
func (ds *nbDisp) trend() {
	var xs, ys []float64
	for i, g := range ds.gene {
		if g >= 100*nbMinDisp {
			xs, ys = append(xs, 1/ds.baseMean[i]), append(ys, g)
		}
	}
	coef := [2]float64{0.1, 1}
	ok := false
	for iter := 0; iter <= 10; iter++ {
		var gx, gy []float64
		for k := range xs {
			r := ys[k] / (coef[0] + coef[1]*xs[k])
			if r > 1e-4 && r < 15 {
				gx, gy = append(gx, xs[k]), append(gy, ys[k])
			}
		}
		nc, conv := gammaIdentityGLM(gx, gy, coef)
		if !(nc[0] > 0 && nc[1] > 0) {
			break
		}
		d0, d1 := math.Log(nc[0]/coef[0]), math.Log(nc[1]/coef[1])
		coef = nc
		if d0*d0+d1*d1 < 1e-6 && conv {
			ok = true
			break
		}
	}
	if ok {
		ds.asympt, ds.extra = coef[0], coef[1]
		ds.trendNote = fmt.Sprintf("parametric trend α = %.6g + %.6g / baseMean", coef[0], coef[1])
	} else {
		var s float64
		var k int
		for _, g := range ds.gene {
			if g > 10*nbMinDisp {
				s += g
				k++
			}
		}
		ds.asympt, ds.extra = s/float64(max(k, 1)), 0
		ds.trendNote = fmt.Sprintf("the parametric trend did not converge: trend = mean gene-wise dispersion %.6g", ds.asympt)
	}
	for i := range ds.fit {
		ds.fit[i] = ds.asympt + ds.extra/ds.baseMean[i]
	}
}

// gammaIdentityGLM fits y ~ a + b x with a Gamma family and identity link
// by R's glm.fit IRLS from start (deviance tolerance 1e-8, 25 iterations,
// step halving when a fitted mean is not positive).
func gammaIdentityGLM(x, y []float64, start [2]float64) ([2]float64, bool) {
	dev := func(c [2]float64) float64 {
		var s float64
		for k := range x {
			mu := c[0] + c[1]*x[k]
			if !(mu > 0) {
				return math.Inf(1)
			}
			s += -2 * (math.Log(y[k]/mu) - (y[k]-mu)/mu)
		}
		return s
	}
	c := start
	devOld := dev(c)
	for it := 0; it < 25; it++ {
		// WLS of y on (1, x) with weights 1/μ².
		var s0, s1, s2, t0, t1 float64
		for k := range x {
			mu := c[0] + c[1]*x[k]
			w := 1 / (mu * mu)
			s0 += w
			s1 += w * x[k]
			s2 += w * x[k] * x[k]
			t0 += w * y[k]
			t1 += w * x[k] * y[k]
		}
		det := s0*s2 - s1*s1
		nc := [2]float64{(s2*t0 - s1*t1) / det, (s0*t1 - s1*t0) / det}
		dv := dev(nc)
		for h := 0; h < 30 && math.IsInf(dv, 1); h++ {
			nc = [2]float64{(nc[0] + c[0]) / 2, (nc[1] + c[1]) / 2}
			dv = dev(nc)
		}
		c = nc
		if math.Abs(dv-devOld)/(math.Abs(dv)+0.1) < 1e-8 {
			return c, true
		}
		devOld = dv
	}
	return c, false
}

// mad is R's mad: 1.4826 × the median absolute deviation from the median.
func mad(x []float64) float64 {
	s := append([]float64(nil), x...)
	med := median(s)
	for k := range s {
		s[k] = math.Abs(s[k] - med)
	}
	return 1.4826 * median(s)
}

// trigamma is ψ′(x) for x > 0 (recurrence to x ≥ 6, then the asymptotic
// series).
func trigamma(x float64) float64 {
	var r float64
	for x < 6 {
		r += 1 / (x * x)
		x++
	}
	f := 1 / (x * x)
	return r + 1/x + f/2 + f/x*(1.0/6-f*(1.0/30-f*(1.0/42-f/30)))
}
