package da

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/holobiont/holobiont/stats"
)

// Stream purposes keyed into the seed.
const (
	purposeDirichlet = 0x616c6478 // "aldx"
	purposeEffect    = 0x65666663 // "effc"
	purposeSplit     = 0x73706c74 // "splt"
)

// gammaRand draws Gamma(a, 1) (Marsaglia & Tsang 2000; a < 1 by the
// u^(1/a) boost).
func gammaRand(r *rand.Rand, a float64) float64 {
	boost := 1.0
	if a < 1 {
		u := r.Float64()
		if a == 0.5 {
			boost = u * u // the zero counts' prior, without Pow
		} else {
			boost = math.Pow(u, 1/a)
		}
		a++
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		var x, v float64
		for {
			x = r.NormFloat64()
			v = 1 + c*x
			if v > 0 {
				break
			}
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v * boost
		}
	}
}

// aldexSampler regenerates the same Dirichlet instances on demand: the
// draws of taxa block b, sample j and instance k come from their own PCG
// stream, so a block can be redrawn without drawing the others.
type aldexSampler struct {
	seed  uint64
	k     int // instances
	block int
	c     *Counts
	// cache holds every log2 draw ([taxon][sample][instance]) when the
	// table is small enough, so pass 2 does not redraw.
	cache []float64
}

func (s *aldexSampler) seedFor(pcg *rand.PCG, j, k, b int) {
	pcg.Seed(s.seed^purposeDirichlet, uint64(j)<<40^uint64(k)<<24^uint64(b))
}

// logGammas writes log2 Gamma(count + 0.5) draws of taxa [lo, hi) for
// sample j, instance k into dst.
func (s *aldexSampler) logGammas(dst []float64, r *rand.Rand, pcg *rand.PCG, j, k, lo, hi int) {
	s.seedFor(pcg, j, k, lo/s.block)
	n := s.c.N()
	for i := lo; i < hi; i++ {
		g := gammaRand(r, s.c.X[i*n+j]+0.5)
		if g < 1e-300 {
			g = 1e-300
		}
		dst[i-lo] = math.Log2(g)
	}
}

func runALDEx2(ctx context.Context, c *Counts, d *Design, opt Options) (*Result, error) {
	m, n, K := c.M(), c.N(), opt.MCSamples
	if K < 2 {
		return nil, fmt.Errorf("da: aldex2 needs at least 2 Monte-Carlo instances")
	}
	block := max(1, min(256, (1<<22)/(n*K)))
	if int64(m)*int64(n)*int64(K) <= 1<<24 {
		block = max(1, min(64, m/(4*max(1, opt.Workers)))) // cached: small blocks balance the workers
	}
	smp := &aldexSampler{seed: opt.Seed, k: K, block: block, c: c}
	if int64(m)*int64(n)*int64(K) <= 1<<24 {
		smp.cache = make([]float64, m*n*K)
	}
	// Pass 1: the CLR denominator (mean log2 over all taxa) of every
	// sample and instance.
	denom := make([]float64, n*K)
	err := parallel(ctx, opt.Workers, n, func(j int) {
		pcg := rand.NewPCG(0, 0)
		r := rand.New(pcg)
		buf := make([]float64, block)
		for k := 0; k < K; k++ {
			var s float64
			for lo := 0; lo < m; lo += block {
				hi := min(lo+block, m)
				smp.logGammas(buf, r, pcg, j, k, lo, hi)
				for q, v := range buf[:hi-lo] {
					s += v
					if smp.cache != nil {
						smp.cache[((lo+q)*n+j)*K+k] = v
					}
				}
			}
			denom[j*K+k] = s / float64(m)
		}
	})
	if err != nil {
		return nil, err
	}
	if smp.cache != nil {
		// The cache becomes the CLR values.
		for q := range smp.cache {
			smp.cache[q] -= denom[q%(n*K)]
		}
	}
	// Mode: two-group t/Wilcoxon when the model is one two-level factor,
	// otherwise the per-instance linear model (aldex.glm).
	var pf *DesignTerm
	if d.P == 2 && len(d.Terms) == 2 && d.Terms[1].Factor && len(d.Terms[1].Levels) == 2 {
		pf = &d.Terms[1]
	}
	if pf != nil {
		return aldexTwoGroup(ctx, c, d, pf, smp, denom, opt)
	}
	return aldexGLM(ctx, c, d, smp, denom, opt)
}

// block returns the CLR instances of taxa [lo, hi) laid out
// [taxon][sample][instance]: a view of the cache, or drawn into buf.
func (s *aldexSampler) view(buf, denom []float64, r *rand.Rand, pcg *rand.PCG, lo, hi int, tmp []float64) []float64 {
	nk := s.c.N() * s.k
	if s.cache != nil {
		return s.cache[lo*nk : hi*nk]
	}
	s.fillBlock(buf, denom, r, pcg, lo, hi, tmp)
	return buf[:(hi-lo)*nk]
}

// fillBlock writes the CLR instances of taxa [lo, hi) into buf laid out
// [taxon][sample][instance].
func (s *aldexSampler) fillBlock(buf, denom []float64, r *rand.Rand, pcg *rand.PCG, lo, hi int, tmp []float64) {
	n, K := s.c.N(), s.k
	for j := 0; j < n; j++ {
		for k := 0; k < K; k++ {
			s.logGammas(tmp, r, pcg, j, k, lo, hi)
			dn := denom[j*K+k]
			for i := lo; i < hi; i++ {
				buf[((i-lo)*n+j)*K+k] = tmp[i-lo] - dn
			}
		}
	}
}

func aldexTwoGroup(ctx context.Context, c *Counts, d *Design, pf *DesignTerm, smp *aldexSampler, denom []float64, opt Options) (*Result, error) {
	m, n, K := c.M(), c.N(), smp.k
	groups := d.FactorGroups(pf)
	var ia, ib []int // reference, level
	for j, g := range groups {
		if g == 0 {
			ia = append(ia, j)
		} else {
			ib = append(ib, j)
		}
	}
	na, nb := len(ia), len(ib)
	// One-sided p per taxon and instance (Welch, Wilcoxon), as ALDEx2's
	// t.fast and wilcox.fast with group 1 = the first level.
	weP := make([]float64, m*K)
	wiP := make([]float64, m*K)
	type eff struct{ rabAll, rabA, rabB, btw, win, effect, overlap float64 }
	effs := make([]eff, m)
	rs := stats.NewRankSum(na, nb)
	nblocks := (m + smp.block - 1) / smp.block
	err := parallel(ctx, opt.Workers, nblocks, func(b int) {
		lo, hi := b*smp.block, min((b+1)*smp.block, m)
		pcg := rand.NewPCG(0, 0)
		r := rand.New(pcg)
		var buf, tmp []float64
		if smp.cache == nil {
			buf, tmp = make([]float64, (hi-lo)*n*K), make([]float64, smp.block)
		}
		buf = smp.view(buf, denom, r, pcg, lo, hi, tmp)
		xa, xb := make([]float64, na), make([]float64, nb)
		var sc stats.RankScratch
		all := make([]float64, n*K)
		va, vb := make([]float64, na*K), make([]float64, nb*K)
		epcg := rand.NewPCG(0, 0)
		er := rand.New(epcg)
		ew := newEffectWork(na*K, nb*K)
		for i := lo; i < hi; i++ {
			tb := buf[(i-lo)*n*K : (i-lo+1)*n*K]
			for k := 0; k < K; k++ {
				for a, j := range ia {
					xa[a] = tb[j*K+k]
				}
				for a, j := range ib {
					xb[a] = tb[j*K+k]
				}
				weP[i*K+k] = welchGreater(xa, xb)
				wiP[i*K+k] = rs.Test(xa, xb, stats.Greater, false, &sc).PValue
			}
			for a, j := range ia {
				copy(va[a*K:(a+1)*K], tb[j*K:(j+1)*K])
			}
			for a, j := range ib {
				copy(vb[a*K:(a+1)*K], tb[j*K:(j+1)*K])
			}
			copy(all, tb)
			e := &effs[i]
			e.rabAll = median(all)
			e.rabA = median(append(ew.tmp[:0], va...))
			e.rabB = median(append(ew.tmp[:0], vb...))
			epcg.Seed(smp.seed^purposeEffect, uint64(i))
			e.btw, e.win, e.effect, e.overlap = ew.effect(er, va, vb)
		}
	})
	if err != nil {
		return nil, err
	}
	weEP, weEBH := expectedTwoSided(weP, m, K)
	wiEP, wiEBH := expectedTwoSided(wiP, m, K)
	term := d.Names[1]
	res := &Result{Method: ALDEx2,
		EffectUnit: fmt.Sprintf("natural-log fold change: median CLR difference %s − %s over %d Dirichlet instances (ALDEx2 diff.btw × ln 2)", pf.Levels[1], pf.Levels[0], K),
		Extra:      []string{"we.ep", "we.eBH", "wi.ep", "wi.eBH", "rab.all", "rab.win.ref", "rab.win.level", "diff.btw", "diff.win", "effect", "overlap"},
		Notes: []string{fmt.Sprintf("ALDEx2-style: %d Dirichlet Monte-Carlo instances of counts + 0.5, CLR (log2, denominator all taxa), seed %d", K, opt.Seed),
			"p = expected Welch p (we.ep), q = expected BH (we.eBH); statistic = ALDEx2 effect size (median diff.btw / max diff.win)"}}
	for i := 0; i < m; i++ {
		e := effs[i]
		res.Rows = append(res.Rows, Row{Taxon: c.Taxa[i], Term: term, Effect: e.btw * math.Ln2, SE: math.NaN(), Statistic: e.effect,
			P: weEP[i], Q: weEBH[i],
			Extra: []float64{weEP[i], weEBH[i], wiEP[i], wiEBH[i], e.rabAll, e.rabA, e.rabB, e.btw, e.win, e.effect, e.overlap}})
	}
	return res, nil
}

// expectedTwoSided turns one-sided p-values (m taxa × K instances) into
// ALDEx2's expected p and expected BH: the smaller of the means of
// min(2p, 1) and min(2(1−p), 1), and likewise of their per-instance BH.
func expectedTwoSided(p []float64, m, K int) (ep, ebh []float64) {
	g, l := make([]float64, m), make([]float64, m)
	bg, bl := make([]float64, m), make([]float64, m)
	col, col2 := make([]float64, m), make([]float64, m)
	adj := make([]float64, m)
	for k := 0; k < K; k++ {
		for i := 0; i < m; i++ {
			col[i] = 2 * p[i*K+k]
			col2[i] = 2 * (1 - p[i*K+k])
			g[i] += math.Min(col[i], 1)
			l[i] += math.Min(col2[i], 1)
		}
		stats.AdjustBH(adj, col)
		for i := range adj {
			bg[i] += adj[i]
		}
		stats.AdjustBH(adj, col2)
		for i := range adj {
			bl[i] += adj[i]
		}
	}
	ep, ebh = make([]float64, m), make([]float64, m)
	for i := 0; i < m; i++ {
		ep[i] = math.Min(g[i], l[i]) / float64(K)
		ebh[i] = math.Min(bg[i], bl[i]) / float64(K)
	}
	return ep, ebh
}

// welchGreater is the one-sided p of Welch's t for mean(x) > mean(y).
func welchGreater(x, y []float64) float64 {
	mx, vx := meanVar(x)
	my, vy := meanVar(y)
	nx, ny := float64(len(x)), float64(len(y))
	sx, sy := vx/nx, vy/ny
	se := math.Sqrt(sx + sy)
	if se == 0 {
		return math.NaN()
	}
	t := (mx - my) / se
	df := (sx + sy) * (sx + sy) / (sx*sx/(nx-1) + sy*sy/(ny-1))
	p2 := stats.PValueT(t, df) // two-sided
	if t > 0 {
		return p2 / 2
	}
	return 1 - p2/2
}

func meanVar(x []float64) (float64, float64) {
	var s float64
	for _, v := range x {
		s += v
	}
	m := s / float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return m, ss / float64(len(x)-1)
}

// median returns the median of x, reordering x (quickselect, linear time).
func median(x []float64) float64 {
	n := len(x)
	if n == 0 {
		return math.NaN()
	}
	h := n / 2
	v := selectKth(x, h)
	if n%2 == 1 {
		return v
	}
	lo := x[0]
	for _, y := range x[1:h] {
		lo = math.Max(lo, y)
	}
	return (lo + v) / 2
}

// selectKth reorders x so that x[k] is its k-th smallest value (0-based),
// every x[:k] ≤ x[k] ≤ every x[k+1:], and returns it (Hoare's selection
// with a median-of-three pivot).
func selectKth(x []float64, k int) float64 {
	lo, hi := 0, len(x)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		p := x[mid]
		i, j := lo, hi
		for i <= j {
			for x[i] < p {
				i++
			}
			for x[j] > p {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return x[k]
		}
	}
	return x[k]
}

// effectWork computes aldex.effect's between/within summaries.
type effectWork struct {
	s1, s2, winA, winB, btw, eff, tmp []float64
}

func newEffectWork(na, nb int) *effectWork {
	mx := max(na, nb)
	return &effectWork{s1: make([]float64, mx), s2: make([]float64, mx), winA: make([]float64, na), winB: make([]float64, nb),
		btw: make([]float64, min(na, nb)), eff: make([]float64, min(na, nb)), tmp: make([]float64, 0, mx)}
}

// effect is aldex.effect (unpaired): within-group dispersion |a − a'| of
// two random orderings per group, its per-draw maximum over the groups,
// between-group difference b − a of random draws, and their ratio; it
// returns the medians of the difference, the dispersion and the ratio, and
// the overlap min(E[p]) of the ratio's signs.
func (w *effectWork) effect(r *rand.Rand, a, b []float64) (btw, win, eff, overlap float64) {
	// As aldex.effect, at most effectDraws draws per group.
	shuffleDiff := func(dst, x []float64) int {
		k := min(len(x), effectDraws)
		s1, s2 := w.s1[:len(x)], w.s2[:len(x)]
		copy(s1, x)
		copy(s2, x)
		partialShuffle(r, s1, k)
		partialShuffle(r, s2, k)
		for i := 0; i < k; i++ {
			dst[i] = math.Abs(s1[i] - s2[i])
		}
		return k
	}
	ka := shuffleDiff(w.winA, a)
	kb := shuffleDiff(w.winB, b)
	nw := min(ka, kb)
	winMax := w.winA[:nw]
	for i := range winMax {
		winMax[i] = math.Max(w.winA[i], w.winB[i])
	}
	// Between: nw draws without replacement from each group.
	sa, sb := w.s1[:len(a)], w.s2[:len(b)]
	copy(sa, a)
	copy(sb, b)
	partialShuffle(r, sa, nw)
	partialShuffle(r, sb, nw)
	var neg, pos float64
	for i := 0; i < nw; i++ {
		w.btw[i] = sb[i] - sa[i]
		e := w.btw[i] / winMax[i]
		if math.IsNaN(e) || math.IsInf(e, 0) {
			e = 0
		}
		w.eff[i] = e
		if e < 0 {
			neg++
		} else if e > 0 {
			pos++
		}
	}
	btw = median(w.btw[:nw])
	win = median(winMax)
	eff = median(w.eff[:nw])
	// aitchison.mean(c(neg, pos) + 0.5): digamma-based expected
	// proportions of round(count + 0.5) + 0.5 (R rounds half to even).
	a1, a2 := math.RoundToEven(neg+0.5)+0.5, math.RoundToEven(pos+0.5)+0.5
	l1, l2 := digamma(a1)-digamma(a1+a2), digamma(a2)-digamma(a1+a2)
	mid := (l1 + l2) / 2
	e1, e2 := math.Exp(l1-mid), math.Exp(l2-mid)
	overlap = math.Min(e1, e2) / (e1 + e2)
	return
}

// effectDraws caps aldex.effect's draws per group, as ALDEx2 does.
const effectDraws = 10000

// partialShuffle puts a uniformly random k-subset of x, in random order,
// into x[:k] (the first k steps of Fisher–Yates).
func partialShuffle(r *rand.Rand, x []float64, k int) {
	n := len(x)
	for i := 0; i < k && i < n-1; i++ {
		j := i + r.IntN(n-i)
		x[i], x[j] = x[j], x[i]
	}
}

// digamma is ψ(x) for x > 0 (recurrence to x ≥ 6, then the asymptotic
// series).
func digamma(x float64) float64 {
	var r float64
	for x < 6 {
		r -= 1 / x
		x++
	}
	f := 1 / (x * x)
	return r + math.Log(x) - 0.5/x - f*(1.0/12-f*(1.0/120-f*(1.0/252-f*(1.0/240-f/132))))
}

func aldexGLM(ctx context.Context, c *Counts, d *Design, smp *aldexSampler, denom []float64, opt Options) (*Result, error) {
	m, n, K, p := c.M(), c.N(), smp.k, d.P
	o, err := newOLS(d.X, n, p)
	if err != nil {
		return nil, err
	}
	coefs := testedCoefs(d)
	nc := len(coefs)
	pv := make([]float64, m*K*nc) // [taxon][instance][coef]
	est := make([]float64, m*nc*3)
	nblocks := (m + smp.block - 1) / smp.block
	err = parallel(ctx, opt.Workers, nblocks, func(b int) {
		lo, hi := b*smp.block, min((b+1)*smp.block, m)
		pcg := rand.NewPCG(0, 0)
		r := rand.New(pcg)
		var buf, tmp []float64
		if smp.cache == nil {
			buf, tmp = make([]float64, (hi-lo)*n*K), make([]float64, smp.block)
		}
		buf = smp.view(buf, denom, r, pcg, lo, hi, tmp)
		y := make([]float64, n)
		beta, se, t, pp := make([]float64, p), make([]float64, p), make([]float64, p), make([]float64, p)
		for i := lo; i < hi; i++ {
			tb := buf[(i-lo)*n*K : (i-lo+1)*n*K]
			for k := 0; k < K; k++ {
				for j := 0; j < n; j++ {
					y[j] = tb[j*K+k]
				}
				rss := o.fit(beta, nil, y)
				o.tTest(se, t, pp, beta, rss)
				for ci, a := range coefs {
					pv[(i*K+k)*nc+ci] = pp[a]
					est[(i*nc+ci)*3] += beta[a] / float64(K)
					est[(i*nc+ci)*3+1] += se[a] / float64(K)
					est[(i*nc+ci)*3+2] += t[a] / float64(K)
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	res := &Result{Method: ALDEx2, EffectUnit: fmt.Sprintf("natural-log fold change: mean CLR coefficient over %d Dirichlet instances (aldex.glm × ln 2)", K),
		Extra: []string{"glm.ep", "glm.eBH"},
		Notes: []string{fmt.Sprintf("ALDEx2-style glm: %d Dirichlet Monte-Carlo instances of counts + 0.5, CLR (log2), OLS per instance; p = mean p, q = mean per-instance BH; seed %d", K, opt.Seed)}}
	col, adj := make([]float64, m), make([]float64, m)
	for ci, a := range coefs {
		ep, ebh := make([]float64, m), make([]float64, m)
		for k := 0; k < K; k++ {
			for i := 0; i < m; i++ {
				col[i] = pv[(i*K+k)*nc+ci]
				ep[i] += col[i] / float64(K)
			}
			stats.AdjustBH(adj, col)
			for i := range adj {
				ebh[i] += adj[i] / float64(K)
			}
		}
		for i := 0; i < m; i++ {
			e := est[(i*nc+ci)*3 : (i*nc+ci)*3+3]
			res.Rows = append(res.Rows, Row{Taxon: c.Taxa[i], Term: d.Names[a], Effect: e[0] * math.Ln2, SE: e[1] * math.Ln2,
				Statistic: e[2], P: ep[i], Q: ebh[i], Extra: []float64{ep[i], ebh[i]}})
		}
	}
	return res, nil
}

// parallel runs f(0..n-1) on workers goroutines, stopping early when ctx
// is cancelled.
func parallel(ctx context.Context, workers, n int, f func(i int)) error {
	if workers < 1 {
		workers = 1
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	var err error
loop:
	for i := 0; i < n; i++ {
		select {
		case <-ctx.Done():
			err = ctx.Err()
			break loop
		case next <- i:
		}
	}
	close(next)
	wg.Wait()
	return err
}
