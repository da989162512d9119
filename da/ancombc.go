package da

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/holobiont/holobiont/stats"
)

// ancombcParams are the initial (uncorrected) estimates of ANCOM-BC
// (Lin & Peddada 2020, eq. 2–4; scikit-bio's _estimate_params).
type ancombcParams struct {
	m, n, p int
	beta    []float64 // m×p coefficients of log(count+1) on X
	varHat  []float64 // m×p sandwich variances
	theta   []float64 // n mean residual per sample (before bias correction)
}

// estimateParams fits y (m×n, log scale) on the design by OLS and forms
// the heteroscedasticity-robust variances of R's ANCOMBC:
// Var(β̂) = G (Σ_j e_j² x_j x_jᵀ) G with G = (XᵀX)⁻¹ and e the residuals
// centred per sample (minus θ_j, the sample's mean residual over taxa).
func estimateParams(y []float64, m, n int, d *Design) (*ancombcParams, error) {
	p := d.P
	o, err := newOLS(d.X, n, p)
	if err != nil {
		return nil, err
	}
	ap := &ancombcParams{m: m, n: n, p: p, beta: make([]float64, m*p), varHat: make([]float64, m*p), theta: make([]float64, n)}
	res := make([]float64, m*n)
	for i := 0; i < m; i++ {
		o.fit(ap.beta[i*p:i*p+p], res[i*n:i*n+n], y[i*n:i*n+n])
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			ap.theta[j] += res[i*n+j]
		}
	}
	for j := range ap.theta {
		ap.theta[j] /= float64(m)
	}
	// Var = G M G with M = Σ_j e_ij² x_j x_jᵀ: the diagonal is
	// Σ_j e_ij² (G x_j)_a², and (G x_j)_a is o.h[a][j].
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			e := res[i*n+j] - ap.theta[j]
			e2 := e * e
			for a := 0; a < p; a++ {
				h := o.h[a*n+j]
				ap.varHat[i*p+a] += e2 * h * h
			}
		}
	}
	return ap, nil
}

// biasResult is the EM estimate of one coefficient's bias δ.
type biasResult struct {
	deltaEM, deltaWLS, varDelta float64
	iter                        int
}

// estimateBiasEM estimates the bias δ of one coefficient across taxa by
// the three-component Gaussian mixture EM of ANCOM-BC (null, negative and
// positive differentially abundant taxa; R's .bias_em, scikit-bio's
// _estimate_bias_em). The component variance inflations κ₁, κ₂ are
// minimised exactly in one dimension where R and scikit-bio use
// Nelder–Mead.
func estimateBiasEM(beta, v []float64, tol float64, maxIter int) biasResult {
	m := len(beta)
	pi := [3]float64{0.75, 0.125, 0.125}
	delta, l1, l2, k1, k2 := initBiasParams(beta)
	params := [8]float64{pi[0], pi[1], pi[2], delta, l1, l2, k1, k2}
	resp := [3][]float64{make([]float64, m), make([]float64, m), make([]float64, m)}
	loss, epoch := math.Inf(1), 0
	for loss > tol && epoch < maxIter {
		delta, l1, l2, k1, k2 = params[3], params[4], params[5], params[6], params[7]
		means := [3]float64{delta, delta + l1, delta + l2}
		kap := [3]float64{0, k1, k2}
		// E-step.
		for i := 0; i < m; i++ {
			var s float64
			for r := 0; r < 3; r++ {
				sd := math.Sqrt(v[i] + kap[r])
				z := (beta[i] - means[r]) / sd
				f := params[r] * math.Exp(-0.5*z*z) / (sd * math.Sqrt(2*math.Pi))
				resp[r][i] = f
				s += f
			}
			for r := 0; r < 3; r++ {
				if s > 0 {
					resp[r][i] /= s
				} else {
					resp[r][i] = 0
				}
			}
		}
		var upd [8]float64
		for r := 0; r < 3; r++ {
			var s float64
			for _, x := range resp[r] {
				s += x
			}
			upd[r] = s / float64(m)
		}
		var num, den float64
		var n1, d1, n2, d2 float64
		for i := 0; i < m; i++ {
			nu0, nu1, nu2 := 1/v[i], 1/(v[i]+k1), 1/(v[i]+k2)
			num += resp[0][i]*beta[i]*nu0 + resp[1][i]*(beta[i]-l1)*nu1 + resp[2][i]*(beta[i]-l2)*nu2
			den += resp[0][i]*nu0 + resp[1][i]*nu1 + resp[2][i]*nu2
			n1 += resp[1][i] * nu1 * (beta[i] - delta)
			d1 += resp[1][i] * nu1
			n2 += resp[2][i] * nu2 * (beta[i] - delta)
			d2 += resp[2][i] * nu2
		}
		upd[3] = num / den
		upd[4] = math.Min(n1/d1, 0)
		upd[5] = math.Max(n2/d2, 0)
		if d1 == 0 {
			upd[4] = 0
		}
		if d2 == 0 {
			upd[5] = 0
		}
		upd[6] = minKappa(beta, v, resp[1], means[1])
		upd[7] = minKappa(beta, v, resp[2], means[2])
		var l float64
		for k := range upd {
			dd := upd[k] - params[k]
			l += dd * dd
		}
		loss = math.Sqrt(l)
		params = upd
		epoch++
	}
	br := biasVar(beta, v, params)
	br.iter = epoch
	return br
}

// initBiasParams is ANCOM-BC's starting point: δ is the mean of the
// coefficients between the quartiles, l₁ and l₂ the means below the 12.5%
// and above the 87.5% quantile (κ their variances, 1 when undefined).
func initBiasParams(beta []float64) (delta, l1, l2, k1, k2 float64) {
	s := append([]float64(nil), beta...)
	sort.Float64s(s)
	e0, e1, e2, e3 := stats.QuantileSorted(s, 0.125), stats.QuantileSorted(s, 0.25), stats.QuantileSorted(s, 0.75), stats.QuantileSorted(s, 0.875)
	var mid []float64
	var lo, hi []float64
	for _, b := range beta {
		if b >= e1 && b <= e2 {
			mid = append(mid, b)
		}
		if b < e0 {
			lo = append(lo, b)
		}
		if b > e3 {
			hi = append(hi, b)
		}
	}
	if len(mid) > 0 {
		delta = mean(mid)
	} else {
		delta = mean(beta)
	}
	tail := func(x []float64, fallback float64) (float64, float64) {
		if len(x) == 0 {
			return fallback, 1
		}
		l := mean(x)
		if len(x) == 1 {
			return l, 1
		}
		var ss float64
		for _, b := range x {
			ss += (b - l) * (b - l)
		}
		k := ss / float64(len(x)-1)
		if k == 0 {
			k = 1
		}
		return l, k
	}
	l1, k1 = tail(lo, s[0])
	l2, k2 = tail(hi, s[len(s)-1])
	return
}

// biasVar is scikit-bio's _estimate_bias_var: the WLS estimate of δ and
// its variance given the EM parameters.
func biasVar(beta, v []float64, params [8]float64) biasResult {
	pi1, pi2, delta, l1, l2, k1, k2 := params[1], params[2], params[3], params[4], params[5], params[6], params[7]
	s := append([]float64(nil), beta...)
	sort.Float64s(s)
	q1, q2 := stats.QuantileSorted(s, pi1), stats.QuantileSorted(s, 1-pi2)
	var num, den float64
	for i, b := range beta {
		nu := v[i]
		bb := b
		if b < q1 {
			nu += k1
			bb -= l1
		}
		if b >= q2 {
			nu += k2
			bb -= l2
		}
		den += 1 / nu
		num += bb / nu
	}
	vd := 1 / den
	if math.IsNaN(vd) || math.IsInf(vd, 0) {
		vd = 0
	}
	return biasResult{deltaEM: delta, deltaWLS: num / den, varDelta: vd}
}

// minKappa minimises −Σ r_i log φ(β_i; loc, v_i + κ) over κ ≥ 0: the
// stationary point of g(κ) = Σ r_i [1/(v_i+κ) − d_i²/(v_i+κ)²] (d = β − loc)
// where g turns from negative to positive, found by bisection (g needs no
// logarithm). g ≥ 0 at 0 gives κ = 0; g > 0 beyond max d².
func minKappa(beta, v, r []float64, loc float64) float64 {
	g := func(k float64) float64 {
		var s float64
		for i, b := range beta {
			if r[i] == 0 {
				continue
			}
			w := 1 / (v[i] + k)
			d := b - loc
			s += r[i] * w * (1 - d*d*w)
		}
		return s
	}
	if g(0) >= 0 {
		return 0
	}
	var hi float64
	for i, b := range beta {
		if r[i] != 0 {
			hi = math.Max(hi, (b-loc)*(b-loc))
		}
	}
	lo := 0.0
	if hi == 0 || g(hi) < 0 {
		return hi
	}
	for it := 0; it < 200 && hi-lo > 1e-14*math.Max(1, hi); it++ {
		mid := (lo + hi) / 2
		if g(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// ancombcFit is the full ANCOM-BC fit of every coefficient.
type ancombcFit struct {
	params          *ancombcParams
	bias            []biasResult
	betaHat         []float64 // m×p, bias-corrected
	se, w, pv, q    []float64 // m×p
	sampleFractions []float64 // n
}

// ancombcSettings are the knobs of one ANCOM-BC fit (R's ancombc
// arguments tol, max_iter, p_adj_method and conserve).
type ancombcSettings struct {
	tol      float64
	maxIter  int
	padj     string
	conserve bool
}

// fitANCOMBC runs ANCOM-BC on y = log(counts + pseudocount).
func fitANCOMBC(y []float64, m, n int, d *Design, s ancombcSettings) (*ancombcFit, error) {
	ap, err := estimateParams(y, m, n, d)
	if err != nil {
		return nil, err
	}
	p := d.P
	f := &ancombcFit{params: ap, bias: make([]biasResult, p), betaHat: make([]float64, m*p),
		se: make([]float64, m*p), w: make([]float64, m*p), pv: make([]float64, m*p), q: make([]float64, m*p)}
	b := make([]float64, m)
	v := make([]float64, m)
	for a := 0; a < p; a++ {
		for i := 0; i < m; i++ {
			b[i], v[i] = ap.beta[i*p+a], ap.varHat[i*p+a]
		}
		f.bias[a] = estimateBiasEM(b, v, s.tol, s.maxIter)
	}
	col := make([]float64, m)
	for a := 0; a < p; a++ {
		for i := 0; i < m; i++ {
			k := i*p + a
			f.betaHat[k] = ap.beta[k] - f.bias[a].deltaEM
			f.se[k] = coefSE(ap.varHat[k], f.bias[a].varDelta, s.conserve)
			f.w[k] = f.betaHat[k] / f.se[k]
			f.pv[k] = normTwoSided(f.w[k])
			col[i] = f.pv[k]
		}
		qa := adjust(col, s.padj)
		for i := 0; i < m; i++ {
			f.q[i*p+a] = qa[i]
		}
	}
	f.sampleFractions = sampleFractions(y, m, n, d, f.betaHat)
	return f, nil
}

// coefSE is the standard error of a bias-corrected coefficient with
// sandwich variance v. conserve adds the variance vd of the bias estimate
// as R's ancombc(conserve = TRUE) does: v + vd + 2·sqrt(v·vd), that is
// se = sqrt(v) + sqrt(vd), the conservative bound that ignores the
// (unknown) covariance of β̂ and δ̂.
func coefSE(v, vd float64, conserve bool) float64 {
	if conserve {
		v += vd + 2*math.Sqrt(v*vd)
	}
	return math.Sqrt(v)
}

// sampleFractions is θ̂_j: the mean over taxa of y − Xβ̂ (log sampling
// fraction of each sample, up to a constant).
func sampleFractions(y []float64, m, n int, d *Design, betaHat []float64) []float64 {
	p := d.P
	th := make([]float64, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			f := 0.0
			for a := 0; a < p; a++ {
				f += d.X[j*p+a] * betaHat[i*p+a]
			}
			th[j] += y[i*n+j] - f
		}
	}
	for j := range th {
		th[j] /= float64(m)
	}
	return th
}

// strucZeros is the ANCOM-II rule (R's .get_struc_zero): taxon i is a
// structural zero in level g when its prevalence there is 0 (or, with
// negLB, when the lower 95% bound p − 1.96·sqrt(p(1−p)/n_g) is ≤ 0).
func strucZeros(c *Counts, groups []int, k int, negLB bool) [][]bool {
	nz := make([]float64, k)
	size := make([]float64, k)
	for _, g := range groups {
		size[g]++
	}
	out := make([][]bool, c.M())
	for i := range out {
		for g := range nz {
			nz[g] = 0
		}
		for j, v := range c.Row(i) {
			if v != 0 {
				nz[groups[j]]++
			}
		}
		out[i] = make([]bool, k)
		for g := 0; g < k; g++ {
			ph := nz[g] / size[g]
			if negLB {
				ph -= 1.96 * math.Sqrt(ph*(1-ph)/size[g])
			}
			out[i][g] = ph <= 0
		}
	}
	return out
}

func runANCOMBC(ctx context.Context, c *Counts, d *Design, opt Options) (*Result, error) {
	m, n, p := c.M(), c.N(), d.P
	padj := opt.PAdjust
	if padj == "" {
		padj = "holm"
	}
	y := make([]float64, m*n)
	for k, v := range c.X {
		y[k] = math.Log(v + 1)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := fitANCOMBC(y, m, n, d, ancombcSettings{tol: opt.Tol, maxIter: opt.MaxIter, padj: padj, conserve: opt.Conserve})
	if err != nil {
		return nil, err
	}
	res := &Result{Method: ANCOMBC, EffectUnit: "bias-corrected natural-log fold change (ANCOM-BC, log(count + 1))",
		Extra: []string{"W", "struc_zero"}}
	if opt.Sensitivity {
		res.Extra = append(res.Extra, "ss", "passed_ss")
	}
	for a := 0; a < p; a++ {
		res.Notes = append(res.Notes, fmt.Sprintf("bias %s: delta_em = %.6g, delta_wls = %.6g (EM iterations %d)",
			d.Names[a], f.bias[a].deltaEM, f.bias[a].deltaWLS, f.bias[a].iter))
	}
	sz, pf, err := ancombcStrucZeros(c, d, opt)
	if err != nil {
		return nil, err
	}
	if pf != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("structural zeros of %s (ANCOM-II rule%s): a taxon absent from a level but not from the reference gets se = p = q = 0",
			pf.Name, map[bool]string{true: ", lower confidence bound", false: ""}[opt.NegLB]))
	}
	if opt.Conserve {
		res.Notes = append(res.Notes, "conserve: se includes the variance of the bias estimate (se = sqrt(var) + sqrt(var_delta), as R's ancombc(conserve = TRUE))")
	}
	var ss []float64
	if opt.Sensitivity {
		ss, err = sensitivity(ctx, c, d, f.sampleFractions, opt.Alpha)
		if err != nil {
			return nil, err
		}
		res.Notes = append(res.Notes, "ss: fraction of pseudo-counts 0.01..0.50 (replacing zeros) with p > alpha (ANCOM-BC2 sensitivity score); passed_ss = 1 when the call does not depend on the pseudo-count")
	}
	for _, a := range testedCoefs(d) {
		for i := 0; i < m; i++ {
			k := i*p + a
			row := Row{Taxon: c.Taxa[i], Term: d.Names[a], Effect: f.betaHat[k], SE: f.se[k], Statistic: f.w[k], P: f.pv[k], Q: f.q[k]}
			zero := 0.0
			if sz != nil {
				for lv, col := range pf.Cols {
					if col == a && sz[i][lv+1] != sz[i][0] {
						zero = 1
						row.SE, row.P, row.Q = 0, 0, 0
					}
				}
			}
			row.Extra = []float64{f.w[k], zero}
			if ss != nil {
				s := ss[k]
				passed := 0.0
				if (s == 0 && row.P <= opt.Alpha) || (s == 1 && row.P > opt.Alpha) {
					passed = 1
				}
				row.Extra = append(row.Extra, s, passed)
			}
			res.Rows = append(res.Rows, row)
		}
	}
	return res, nil
}

// ancombcStrucZeros returns the structural zeros (taxon × level) of the
// group factor (opt.Group, else the first factor of the formula) and that
// factor's term, or nil, nil without opt.StrucZero.
func ancombcStrucZeros(c *Counts, d *Design, opt Options) ([][]bool, *DesignTerm, error) {
	if !opt.StrucZero {
		return nil, nil, nil
	}
	pf := d.PrimaryFactor()
	if opt.Group != "" {
		pf = d.FactorTerm(opt.Group)
		if pf == nil {
			return nil, nil, &ColumnError{Column: opt.Group, Msg: "the structural-zero group must be a categorical main term of the formula"}
		}
	}
	if pf == nil {
		return nil, nil, fmt.Errorf("da: structural zeros need a categorical term in the formula")
	}
	return strucZeros(c, d.FactorGroups(pf), len(pf.Levels), opt.NegLB), pf, nil
}

// sensitivity is ANCOM-BC2's pseudo-count sensitivity analysis: for each
// pseudo-count 0.01, 0.02, …, 0.50 replacing zeros, the log counts
// (centred per taxon, minus the sample fractions θ̂) are refitted by OLS,
// and each coefficient scores the fraction of pseudo-counts whose t-test p
// exceeds alpha.
func sensitivity(ctx context.Context, c *Counts, d *Design, theta []float64, alpha float64) ([]float64, error) {
	m, n, p := c.M(), c.N(), d.P
	o, err := newOLS(d.X, n, p)
	if err != nil {
		return nil, err
	}
	ss := make([]float64, m*p)
	y := make([]float64, n)
	beta, se, t, pv := make([]float64, p), make([]float64, p), make([]float64, p), make([]float64, p)
	const steps = 50
	for i := 0; i < m; i++ {
		if err := checkCtx(ctx, i); err != nil {
			return nil, err
		}
		row := c.Row(i)
		hasZero := false
		for _, v := range row {
			if v == 0 {
				hasZero = true
			}
		}
		ns := steps
		if !hasZero {
			ns = 1 // every pseudo-count gives the same fit
		}
		for s := 1; s <= ns; s++ {
			ps := float64(s) / 100
			var mu float64
			for j, v := range row {
				if v == 0 {
					v = ps
				}
				y[j] = math.Log(v)
				mu += y[j]
			}
			mu /= float64(n)
			for j := range y {
				y[j] -= mu + theta[j]
			}
			rss := o.fit(beta, nil, y)
			o.tTest(se, t, pv, beta, rss)
			for a := 0; a < p; a++ {
				if pv[a] > alpha {
					ss[i*p+a]++
				}
			}
		}
		for a := 0; a < p; a++ {
			ss[i*p+a] /= float64(ns)
		}
	}
	return ss, nil
}
