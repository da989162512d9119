package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// MixedModel is a linear mixed model with one random intercept,
// y = Xβ + Z b + ε with b_g ~ N(0, σ_b²) per group and ε ~ N(0, σ²), fitted
// by REML as lme4's lmer(y ~ x + (1 | g), REML = TRUE) does.
type MixedModel struct {
	Names  []string  // coefficient names ("(Intercept)" first)
	Coef   []float64 // β
	SE     []float64 // standard errors from σ²(XᵀV⁻¹X)⁻¹
	T      []float64 // t values
	DF     []float64 // denominator degrees of freedom (nlme's between/within rule)
	P      []float64 // two-sided p-values on DF
	Sigma  float64   // residual standard deviation σ
	SigmaB float64   // random-intercept standard deviation σ_b
	Theta  float64   // σ_b/σ (lme4's θ)
	REML   float64   // REML criterion at the optimum (lme4's "REML criterion at convergence")
	N      int       // observations
	Groups int       // levels of the grouping factor
}

// LMMDesign is the part of a random-intercept model that does not depend on
// the response, so that many responses (one per taxon) share it.
type LMMDesign struct {
	n, p, g int
	names   []string
	x       []float64 // n×p row-major, intercept first
	group   []int
	size    []float64 // n_g
	s       []float64 // g×p: column sums within each group
	xtx     []float64 // p×p
	df      []float64
}

// NewLMMDesign builds the design for predictors (each of length n; an
// intercept is added) and the random-intercept grouping group[i] ∈ [0, g).
// A rank-deficient X, an empty group or fewer than two groups is an error.
func NewLMMDesign(names []string, predictors [][]float64, group []int, g int) (*LMMDesign, error) {
	n := len(group)
	p := len(predictors) + 1
	if len(names) != len(predictors) {
		return nil, fmt.Errorf("stats: lmm: %d names for %d predictors", len(names), len(predictors))
	}
	if g < 2 {
		return nil, fmt.Errorf("stats: lmm: the random effect has %d level(s); need at least 2", g)
	}
	d := &LMMDesign{n: n, p: p, g: g, names: append([]string{"(Intercept)"}, names...),
		x: make([]float64, n*p), group: append([]int(nil), group...), size: make([]float64, g),
		s: make([]float64, g*p), xtx: make([]float64, p*p)}
	for i := 0; i < n; i++ {
		d.x[i*p] = 1
	}
	for j, c := range predictors {
		if len(c) != n {
			return nil, fmt.Errorf("stats: lmm: predictor %q has %d values for %d observations", names[j], len(c), n)
		}
		for i, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("stats: lmm: predictor %q value %d is %g", names[j], i, v)
			}
			d.x[i*p+j+1] = v
		}
	}
	for i, gi := range group {
		if gi < 0 || gi >= g {
			return nil, fmt.Errorf("stats: lmm: group label %d out of range [0, %d)", gi, g)
		}
		d.size[gi]++
		row := d.x[i*p : i*p+p]
		for a, va := range row {
			d.s[gi*p+a] += va
			for b, vb := range row {
				d.xtx[a*p+b] += va * vb
			}
		}
	}
	for gi, s := range d.size {
		if s == 0 {
			return nil, fmt.Errorf("stats: lmm: group %d has no observations", gi)
		}
	}
	if n <= p {
		return nil, fmt.Errorf("stats: lmm: %d observations for %d coefficients", n, p)
	}
	if err := d.checkRank(); err != nil {
		return nil, err
	}
	d.df = d.betweenWithinDF()
	return d, nil
}

func (d *LMMDesign) checkRank() error {
	if j := AliasedColumn(mat.NewDense(d.n, d.p, append([]float64(nil), d.x...))); j >= 0 {
		return fmt.Errorf("stats: lmm: predictor %q is constant or a linear combination of the others", d.names[j])
	}
	return nil
}

// betweenWithinDF assigns each coefficient nlme's denominator degrees of
// freedom for one grouping level: a column constant within every group is
// a between-group term with G − 1 − (number of between columns) df; the
// intercept and within-group columns get n − G − (number of within columns).
func (d *LMMDesign) betweenWithinDF() []float64 {
	between := make([]bool, d.p)
	nb, nw := 0, 0
	for j := 1; j < d.p; j++ {
		first := make([]float64, d.g)
		seen := make([]bool, d.g)
		between[j] = true
		for i := 0; i < d.n && between[j]; i++ {
			gi, v := d.group[i], d.x[i*d.p+j]
			if !seen[gi] {
				seen[gi], first[gi] = true, v
			} else if v != first[gi] {
				between[j] = false
			}
		}
		if between[j] {
			nb++
		} else {
			nw++
		}
	}
	df := make([]float64, d.p)
	for j := range df {
		if j > 0 && between[j] {
			df[j] = float64(d.g - 1 - nb)
		} else {
			df[j] = float64(d.n - d.g - nw)
		}
	}
	return df
}

// lmmWork holds the per-response sums and scratch of one fit.
type lmmWork struct {
	xty, t     []float64 // Xᵀy (p), group sums of y (g)
	yty        float64
	a, b, chol []float64 // p×p XᵀV⁻¹X, p vector XᵀV⁻¹y, Cholesky factor
	beta       []float64
}

func (d *LMMDesign) newWork() *lmmWork {
	p := d.p
	return &lmmWork{xty: make([]float64, p), t: make([]float64, d.g), a: make([]float64, p*p),
		b: make([]float64, p), chol: make([]float64, p*p), beta: make([]float64, p)}
}

// FitLMM fits y ~ predictors + (1 | group) by REML.
func FitLMM(y []float64, names []string, predictors [][]float64, group []int, g int) (*MixedModel, error) {
	d, err := NewLMMDesign(names, predictors, group, g)
	if err != nil {
		return nil, err
	}
	return d.Fit(y)
}

// Fit fits one response on the design.
func (d *LMMDesign) Fit(y []float64) (*MixedModel, error) {
	if len(y) != d.n {
		return nil, fmt.Errorf("stats: lmm: %d responses for %d observations", len(y), d.n)
	}
	w := d.newWork()
	p := d.p
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("stats: lmm: response value %d is %g", i, v)
		}
		row := d.x[i*p : i*p+p]
		for a, xa := range row {
			w.xty[a] += xa * v
		}
		w.t[d.group[i]] += v
		w.yty += v * v
	}
	crit := func(u float64) float64 {
		th := 0.0
		if !math.IsInf(u, -1) {
			th = math.Exp(u)
		}
		dev, _ := d.deviance(w, th)
		return dev
	}
	// Coarse grid on log θ, then golden-section refinement; θ = 0 is the
	// boundary lme4 allows.
	best, bestU := crit(math.Inf(-1)), math.Inf(-1)
	for u := -8.0; u <= 4.0; u += 0.5 {
		if v := crit(u); v < best {
			best, bestU = v, u
		}
	}
	if !math.IsInf(bestU, -1) {
		lo, hi := bestU-0.5, bestU+0.5
		bestU = GoldenMin(crit, lo, hi, 1e-10)
		if bestU <= -8 { // fell to the lower edge: compare with θ = 0
			if crit(math.Inf(-1)) <= crit(bestU) {
				bestU = math.Inf(-1)
			}
		}
	}
	th := 0.0
	if !math.IsInf(bestU, -1) {
		th = math.Exp(bestU)
	}
	dev, r2 := d.deviance(w, th)
	if math.IsNaN(dev) {
		return nil, fmt.Errorf("stats: lmm: the model could not be fitted (singular XᵀV⁻¹X)")
	}
	df := float64(d.n - p)
	s2 := r2 / df
	m := &MixedModel{Names: append([]string(nil), d.names...), Sigma: math.Sqrt(s2), Theta: th,
		SigmaB: th * math.Sqrt(s2), REML: dev, N: d.n, Groups: d.g}
	// (XᵀV⁻¹X)⁻¹ from the Cholesky factor left in w.chol.
	inv := cholInverse(w.chol, p)
	for j := 0; j < p; j++ {
		b := w.beta[j]
		se := math.Sqrt(s2 * inv[j*p+j])
		t := b / se
		m.Coef = append(m.Coef, b)
		m.SE = append(m.SE, se)
		m.T = append(m.T, t)
		m.DF = append(m.DF, d.df[j])
		pv := math.NaN()
		if d.df[j] > 0 {
			pv = tPValue(t, d.df[j], TwoSided)
		}
		m.P = append(m.P, pv)
	}
	return m, nil
}

// deviance returns lme4's REML criterion at θ and the penalised residual
// sum of squares r², leaving β and the Cholesky factor of XᵀV⁻¹X in w.
// With V = I + θ²ZZᵀ block-diagonal, V⁻¹ = I − c_g 11ᵀ per group with
// c_g = θ²/(1 + n_g θ²) and log|V| = Σ log(1 + n_g θ²).
func (d *LMMDesign) deviance(w *lmmWork, th float64) (float64, float64) {
	p := d.p
	copy(w.a, d.xtx)
	copy(w.b, w.xty)
	yvy := w.yty
	var logdetV float64
	t2 := th * th
	for gi := 0; gi < d.g; gi++ {
		ng := d.size[gi]
		c := t2 / (1 + ng*t2)
		logdetV += math.Log1p(ng * t2)
		s := d.s[gi*p : gi*p+p]
		tg := w.t[gi]
		for a := 0; a < p; a++ {
			cs := c * s[a]
			for b := 0; b < p; b++ {
				w.a[a*p+b] -= cs * s[b]
			}
			w.b[a] -= cs * tg
		}
		yvy -= c * tg * tg
	}
	copy(w.chol, w.a)
	logdetX, ok := Cholesky(w.chol, p)
	if !ok {
		return math.NaN(), math.NaN()
	}
	CholSolve(w.beta, w.chol, w.b, p)
	r2 := yvy
	for a := 0; a < p; a++ {
		r2 -= w.beta[a] * w.b[a]
	}
	if r2 <= 0 {
		r2 = 1e-300
	}
	nf := float64(d.n - p)
	return logdetV + logdetX + nf*(1+math.Log(2*math.Pi*r2/nf)), r2
}

// Cholesky factors the p×p symmetric positive definite a in place (lower
// triangle L with a = LLᵀ) and returns log|a|.
func Cholesky(a []float64, p int) (float64, bool) {
	var logdet float64
	for j := 0; j < p; j++ {
		s := a[j*p+j]
		for k := 0; k < j; k++ {
			s -= a[j*p+k] * a[j*p+k]
		}
		if !(s > 1e-300) {
			return 0, false
		}
		ljj := math.Sqrt(s)
		a[j*p+j] = ljj
		logdet += 2 * math.Log(ljj)
		for i := j + 1; i < p; i++ {
			s := a[i*p+j]
			for k := 0; k < j; k++ {
				s -= a[i*p+k] * a[j*p+k]
			}
			a[i*p+j] = s / ljj
		}
	}
	return logdet, true
}

// CholSolve solves LLᵀ x = b for x, with L from Cholesky.
func CholSolve(x, l, b []float64, p int) {
	for i := 0; i < p; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i*p+k] * x[k]
		}
		x[i] = s / l[i*p+i]
	}
	for i := p - 1; i >= 0; i-- {
		s := x[i]
		for k := i + 1; k < p; k++ {
			s -= l[k*p+i] * x[k]
		}
		x[i] = s / l[i*p+i]
	}
}

// cholInverse returns (LLᵀ)⁻¹.
func cholInverse(l []float64, p int) []float64 {
	inv := make([]float64, p*p)
	e := make([]float64, p)
	col := make([]float64, p)
	for j := 0; j < p; j++ {
		for i := range e {
			e[i] = 0
		}
		e[j] = 1
		CholSolve(col, l, e, p)
		for i := 0; i < p; i++ {
			inv[i*p+j] = col[i]
		}
	}
	return inv
}

// GoldenMin minimises f on [lo, hi] by golden-section search to an
// interval of width tol and returns its midpoint.
func GoldenMin(f func(float64) float64, lo, hi, tol float64) float64 {
	const r = 0.6180339887498949
	a, b := lo, hi
	c, d := b-r*(b-a), a+r*(b-a)
	fc, fd := f(c), f(d)
	for b-a > tol {
		if fc < fd {
			b, d, fd = d, c, fc
			c = b - r*(b-a)
			fc = f(c)
		} else {
			a, c, fc = c, d, fd
			d = a + r*(b-a)
			fd = f(d)
		}
	}
	return (a + b) / 2
}

// PValueT is the two-sided p-value of Student's t on df degrees of freedom,
// accurate in the far tail.
func PValueT(t, df float64) float64 {
	if math.IsNaN(t) || !(df > 0) {
		return math.NaN()
	}
	return tPValue(t, df, TwoSided)
}
