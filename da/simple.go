package da

import (
	"context"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/stats"
)

// logisticFit fits presence (0/1) on the design by iteratively reweighted
// least squares (R's glm(family = binomial), at most 25 iterations, relative
// deviance change 1e-8). It returns β, standard errors and whether it
// converged.
func logisticFit(y []float64, d *Design, beta, se []float64, w *logitWork) bool {
	n, p := d.N, d.P
	for a := range beta {
		beta[a] = 0
	}
	// Start as glm: μ = (y + 0.5)/2, η = logit μ.
	eta := w.eta
	for i, v := range y {
		mu := (v + 0.5) / 2
		eta[i] = math.Log(mu / (1 - mu))
	}
	devOld := math.Inf(1)
	conv := false
	for it := 0; it < 25; it++ {
		for a := range w.xtwx {
			w.xtwx[a] = 0
		}
		for a := range w.xtwz {
			w.xtwz[a] = 0
		}
		for i := 0; i < n; i++ {
			mu := 1 / (1 + math.Exp(-eta[i]))
			vv := math.Max(mu*(1-mu), 1e-300)
			z := eta[i] + (y[i]-mu)/vv
			row := d.X[i*p : i*p+p]
			for a, xa := range row {
				w.xtwz[a] += xa * vv * z
				for b, xb := range row {
					w.xtwx[a*p+b] += xa * vv * xb
				}
			}
		}
		copy(w.chol, w.xtwx)
		if _, ok := stats.Cholesky(w.chol, p); !ok {
			return false
		}
		stats.CholSolve(beta, w.chol, w.xtwz, p)
		var dev float64
		for i := 0; i < n; i++ {
			var e float64
			for a := 0; a < p; a++ {
				e += d.X[i*p+a] * beta[a]
			}
			eta[i] = e
			mu := 1 / (1 + math.Exp(-e))
			if y[i] == 1 {
				dev -= 2 * math.Log(math.Max(mu, 1e-300))
			} else {
				dev -= 2 * math.Log(math.Max(1-mu, 1e-300))
			}
		}
		if math.Abs(dev-devOld)/(math.Abs(dev)+0.1) < 1e-8 {
			conv = true
			break
		}
		devOld = dev
	}
	// Standard errors from the information at the final β.
	for a := range w.xtwx {
		w.xtwx[a] = 0
	}
	for i := 0; i < n; i++ {
		mu := 1 / (1 + math.Exp(-eta[i]))
		vv := mu * (1 - mu)
		row := d.X[i*p : i*p+p]
		for a, xa := range row {
			for b, xb := range row {
				w.xtwx[a*p+b] += xa * vv * xb
			}
		}
	}
	copy(w.chol, w.xtwx)
	if _, ok := stats.Cholesky(w.chol, p); !ok {
		for a := range se {
			se[a] = math.Inf(1)
		}
		return false
	}
	e := make([]float64, p)
	col := make([]float64, p)
	for a := 0; a < p; a++ {
		for b := range e {
			e[b] = 0
		}
		e[a] = 1
		stats.CholSolve(col, w.chol, e, p)
		se[a] = math.Sqrt(col[a])
	}
	return conv
}

type logitWork struct {
	eta, xtwz, xtwx, chol []float64
}

func runLogistic(ctx context.Context, c *Counts, d *Design, opt Options) (*Result, error) {
	m, n, p := c.M(), c.N(), d.P
	padj := opt.PAdjust
	if padj == "" {
		padj = "bh"
	}
	res := &Result{Method: Logistic, EffectUnit: "log odds ratio of presence (logistic regression on count > 0, Wald z)",
		Extra: []string{"prevalence", "converged"}}
	w := &logitWork{eta: make([]float64, n), xtwz: make([]float64, p), xtwx: make([]float64, p*p), chol: make([]float64, p*p)}
	y := make([]float64, n)
	beta, se := make([]float64, p), make([]float64, p)
	coefs := testedCoefs(d)
	type fit struct {
		beta, se []float64
		prev     float64
		conv     bool
	}
	fits := make([]fit, m)
	skipped := 0
	for i := 0; i < m; i++ {
		if err := checkCtx(ctx, i); err != nil {
			return nil, err
		}
		var np float64
		for j, v := range c.Row(i) {
			y[j] = 0
			if v > 0 {
				y[j] = 1
				np++
			}
		}
		fits[i].prev = np / float64(n)
		if np == 0 || np == float64(n) {
			skipped++
			continue
		}
		conv := logisticFit(y, d, beta, se, w)
		fits[i] = fit{beta: append([]float64(nil), beta...), se: append([]float64(nil), se...), prev: np / float64(n), conv: conv}
	}
	if skipped > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d taxa present in every sample (or none) have no presence contrast: NA", skipped))
	}
	for _, a := range coefs {
		rows := make([]Row, m)
		for i, f := range fits {
			r := Row{Taxon: c.Taxa[i], Term: d.Names[a], Effect: math.NaN(), SE: math.NaN(), Statistic: math.NaN(), P: math.NaN(),
				Extra: []float64{f.prev, 0}}
			if f.beta != nil {
				r.Effect, r.SE = f.beta[a], f.se[a]
				r.Statistic = r.Effect / r.SE
				r.P = normTwoSided(r.Statistic)
				if f.conv {
					r.Extra[1] = 1
				}
			}
			rows[i] = r
		}
		res.Rows = append(res.Rows, withQ(rows, padj)...)
	}
	return res, nil
}

// runWilcoxon tests the single factor of the design on relative abundance:
// Wilcoxon rank-sum for two levels (R's wilcox.test) and Kruskal–Wallis
// for more.
func runWilcoxon(ctx context.Context, c *Counts, d *Design, opt Options) (*Result, error) {
	m, n := c.M(), c.N()
	padj := opt.PAdjust
	if padj == "" {
		padj = "bh"
	}
	var pf *DesignTerm
	nTerms := 0
	for k := range d.Terms {
		if d.Terms[k].Name == "(Intercept)" {
			continue
		}
		nTerms++
		if d.Terms[k].Factor {
			pf = &d.Terms[k]
		}
	}
	if pf == nil || nTerms != 1 {
		return nil, fmt.Errorf("da: wilcoxon tests one categorical variable (formula \"~ group\"); use lm, linda or ancombc to adjust for covariates")
	}
	groups := d.FactorGroups(pf)
	k := len(pf.Levels)
	ra := relAbundance(c)
	minNZ := math.Inf(1)
	for _, v := range ra {
		if v > 0 && v < minNZ {
			minNZ = v
		}
	}
	eps := minNZ / 2
	res := &Result{Method: Wilcoxon, Extra: []string{"mean_ref", "mean_level"}}
	if k == 2 {
		res.EffectUnit = fmt.Sprintf("natural-log ratio of mean relative abundances (level / reference, each + %.3g); statistic W of wilcox.test", eps)
		var ix, iy []int
		for j, g := range groups {
			if g == 1 {
				ix = append(ix, j)
			} else {
				iy = append(iy, j)
			}
		}
		rs := stats.NewRankSum(len(ix), len(iy))
		var sc stats.RankScratch
		x, y := make([]float64, len(ix)), make([]float64, len(iy))
		rows := make([]Row, m)
		for i := 0; i < m; i++ {
			if err := checkCtx(ctx, i); err != nil {
				return nil, err
			}
			row := ra[i*n : i*n+n]
			for a, j := range ix {
				x[a] = row[j]
			}
			for a, j := range iy {
				y[a] = row[j]
			}
			rt := rs.Test(x, y, stats.TwoSided, true, &sc)
			mx, my := mean(x), mean(y)
			rows[i] = Row{Taxon: c.Taxa[i], Term: pf.Name + "[" + pf.Levels[1] + "]", Effect: math.Log((mx + eps) / (my + eps)),
				SE: math.NaN(), Statistic: rt.Statistic, P: rt.PValue, Extra: []float64{my, mx}}
		}
		res.Rows = withQ(rows, padj)
		return res, nil
	}
	res.EffectUnit = "none (Kruskal–Wallis across all levels; statistic H)"
	res.Extra = []string{"df"}
	rows := make([]Row, m)
	for i := 0; i < m; i++ {
		if err := checkCtx(ctx, i); err != nil {
			return nil, err
		}
		rt, err := stats.KruskalWallis(ra[i*n:i*n+n], groups, k)
		if err != nil {
			return nil, err
		}
		rows[i] = Row{Taxon: c.Taxa[i], Term: pf.Name, Effect: math.NaN(), SE: math.NaN(), Statistic: rt.Statistic, P: rt.PValue,
			Extra: []float64{float64(rt.DF)}}
	}
	res.Rows = withQ(rows, padj)
	return res, nil
}
