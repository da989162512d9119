package da

import (
	"context"
	"fmt"
	"math"
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
func gammaRand(r *xoshiro, a float64) float64 {
	boost := 1.0
	if a < 1 {
		boost = math.Pow(r.float64(), 1/a)
		a++
	}
	d := a - 1.0/3
	return marsagliaTsang(r, d, 1/math.Sqrt(9*d)) * boost
}

// marsagliaTsang draws Gamma(d + 1/3, 1) for d ≥ 2/3 given c = 1/√(9d).
func marsagliaTsang(r *xoshiro, d, c float64) float64 {
	for {
		var x, v float64
		for {
			x = r.norm()
			v = 1 + c*x
			if v > 0 {
				break
			}
		}
		v = v * v * v
		u := r.float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// streamTaxa is the number of consecutive taxa drawn from one random
// stream (per sample and instance), so the draws do not depend on how the
// work is split between goroutines.
const streamTaxa = 64

// mtTable is the number of counts whose Marsaglia–Tsang constants are
// tabulated.
const mtTable = 4096

// aldexSampler regenerates the same Dirichlet instances on demand: the
// draws of a 64-taxon chunk, sample j and instance k come from their own
// PCG stream, so a block of taxa can be redrawn without drawing the others.
// CLR values are laid out [taxon][instance][column], where col maps a
// sample to its column (the two-group test puts the reference group first).
type aldexSampler struct {
	seed uint64
	k    int // instances
	c    *Counts
	col  []int
	// cache holds every CLR value when the table is small enough, so
	// pass 2 does not redraw.
	cache []float64
	mt    [][2]float64 // Marsaglia–Tsang d and c of count + 0.5 for counts < mtTable
	lg    log2Table
}

func newAldexSampler(c *Counts, seed uint64, K int, col []int) *aldexSampler {
	s := &aldexSampler{seed: seed, k: K, c: c, col: col, mt: make([][2]float64, mtTable), lg: newLog2Table()}
	for x := range s.mt {
		d := float64(x) + 0.5 - 1.0/3
		s.mt[x] = [2]float64{d, 1 / math.Sqrt(9*d)}
	}
	return s
}

// gamma draws Gamma(x + 0.5, 1) for the count x, at least 1e-300.
func (s *aldexSampler) gamma(r *xoshiro, x float64) float64 {
	var g float64
	switch i := int(x); {
	case x == 0:
		z := r.norm() // Gamma(1/2, 1) is Z²/2
		g = 0.5 * z * z
	case float64(i) == x && i > 0 && i < mtTable:
		g = marsagliaTsang(r, s.mt[i][0], s.mt[i][1])
	default:
		g = gammaRand(r, x+0.5)
	}
	return max(g, 1e-300)
}

// draw writes Gamma(count + 0.5) draws of taxa [lo, hi) of sample j,
// instance k into dst; the count of taxon i is x[i*stride]. lo must be a
// multiple of streamTaxa.
func (s *aldexSampler) draw(dst []float64, r *xoshiro, x []float64, stride, j, k, lo, hi int) {
	for c0 := lo; c0 < hi; c0 += streamTaxa {
		r.seed(s.seed^purposeDirichlet, uint64(j)<<40^uint64(k)<<24^uint64(c0/streamTaxa))
		for i := c0; i < min(c0+streamTaxa, hi); i++ {
			dst[i-lo] = s.gamma(r, x[i*stride])
		}
	}
}

// log2Table holds log2 c and 1/c at the centres c = 1 + (i + ½)/256 of
// the 256 intervals of the mantissa [1, 2).
type log2Table [256][2]float64

func newLog2Table() log2Table {
	var t log2Table
	for i := range t {
		c := 1 + (float64(i)+0.5)/256
		t[i] = [2]float64{math.Log2(c), 1 / c}
	}
	return t
}

// log2 returns log2 x for positive normal x, within about 1e-15 of
// math.Log2 (absolute): x = 2^e·m, m = c(1 + r) with |r| < 1/512 and
// log(1 + r) by its series to r⁵ (the next term is below 1e-17).
func (t *log2Table) log2(x float64) float64 {
	b := math.Float64bits(x)
	e := int(b>>52) - 1023
	tc := &t[(b>>44)&0xff]
	r := math.Float64frombits(b&(1<<52-1)|1023<<52)*tc[1] - 1
	l := r * (1 + r*(-1.0/2+r*(1.0/3+r*(-1.0/4+r*(1.0/5)))))
	return float64(e) + tc[0] + l*math.Log2E
}

// log2Prod accumulates Σ log2 g over positive normal g without a logarithm
// per term: a mantissa product in [1, 2) and a sum of binary exponents.
type log2Prod struct {
	mant float64
	exp  int
}

func (p *log2Prod) add(g float64) {
	b := math.Float64bits(p.mant * g)
	p.exp += int(b>>52) - 1023
	p.mant = math.Float64frombits(b&(1<<52-1) | 1023<<52)
}

func (p *log2Prod) sum() float64 { return float64(p.exp) + math.Log2(p.mant) }

func runALDEx2(ctx context.Context, c *Counts, d *Design, opt Options) (*Result, error) {
	m, n, K := c.M(), c.N(), opt.MCSamples
	if K < 2 {
		return nil, fmt.Errorf("da: aldex2 needs at least 2 Monte-Carlo instances")
	}
	// Mode: two-group t/Wilcoxon when the model is one two-level factor,
	// otherwise the per-instance linear model (aldex.glm).
	var pf *DesignTerm
	if d.P == 2 && len(d.Terms) == 2 && d.Terms[1].Factor && len(d.Terms[1].Levels) == 2 {
		pf = &d.Terms[1]
	}
	col := make([]int, n)
	for j := range col {
		col[j] = j
	}
	var na int
	if pf != nil {
		groups := d.FactorGroups(pf)
		for _, g := range groups {
			if g == 0 {
				na++
			}
		}
		a, b := 0, na
		for j, g := range groups {
			if g == 0 {
				col[j], a = a, a+1
			} else {
				col[j], b = b, b+1
			}
		}
	}
	smp := newAldexSampler(c, opt.Seed, K, col)
	cached := int64(m)*int64(n)*int64(K) <= opt.aldexCache
	if cached {
		smp.cache = make([]float64, m*n*K)
	}
	// Pass 1: the CLR denominator (mean log2 over all taxa) of every
	// sample and instance.
	denom := make([]float64, n*K)
	type work struct {
		r      xoshiro
		x, buf []float64
	}
	mk := func() *work {
		w := &work{x: make([]float64, m), buf: make([]float64, streamTaxa)}
		return w
	}
	err := parallelWith(ctx, opt.Workers, n, mk, func(w *work, j int) {
		r, x, buf := &w.r, w.x, w.buf
		for i := range x {
			x[i] = c.X[i*n+j]
		}
		for k := 0; k < K; k++ {
			p := log2Prod{mant: 1}
			for lo := 0; lo < m; lo += streamTaxa {
				hi := min(lo+streamTaxa, m)
				smp.draw(buf, r, x, 1, j, k, lo, hi)
				for q, g := range buf[:hi-lo] {
					p.add(g)
					if cached {
						smp.cache[((lo+q)*K+k)*n+col[j]] = smp.lg.log2(g)
					}
				}
			}
			denom[j*K+k] = p.sum() / float64(m)
		}
	})
	if err != nil {
		return nil, err
	}
	// Work blocks of pass 2: whole streams when drawing (about 32 MiB of
	// CLR values each), small blocks to balance the workers when cached.
	block := streamTaxa * max(1, (1<<22)/(n*K*streamTaxa))
	if cached {
		for i := 0; i < m; i++ {
			for k := 0; k < K; k++ {
				v := smp.cache[(i*K+k)*n : (i*K+k+1)*n]
				for j, cj := range col {
					v[cj] -= denom[j*K+k]
				}
			}
		}
		block = max(1, min(64, m/(4*max(1, opt.Workers))))
	}
	if pf != nil {
		return aldexTwoGroup(ctx, c, d, pf, smp, denom, na, block, opt)
	}
	return aldexGLM(ctx, c, d, smp, denom, block, opt)
}

// view returns the CLR values of taxa [lo, hi) laid out
// [taxon][instance][column]: a view of the cache, or drawn into buf.
func (s *aldexSampler) view(buf, denom []float64, r *xoshiro, lo, hi int, tmp []float64) []float64 {
	nk := s.c.N() * s.k
	if s.cache != nil {
		return s.cache[lo*nk : hi*nk]
	}
	// Instance-major so the writes of one instance stay within (hi − lo)
	// rows of the buffer.
	n, K := s.c.N(), s.k
	for k := 0; k < K; k++ {
		for j := 0; j < n; j++ {
			s.draw(tmp, r, s.c.X[j:], n, j, k, lo, hi)
			dn, cj := denom[j*K+k], s.col[j]
			for i := lo; i < hi; i++ {
				buf[((i-lo)*K+k)*n+cj] = s.lg.log2(tmp[i-lo]) - dn
			}
		}
	}
	return buf[:(hi-lo)*nk]
}

func aldexTwoGroup(ctx context.Context, c *Counts, d *Design, pf *DesignTerm, smp *aldexSampler, denom []float64, na, block int, opt Options) (*Result, error) {
	m, n, K := c.M(), c.N(), smp.k
	nb := n - na
	// One-sided p per taxon and instance (Welch, Wilcoxon), as ALDEx2's
	// t.fast and wilcox.fast with group 1 = the first level.
	weP := make([]float64, m*K)
	wiP := make([]float64, m*K)
	type eff struct{ rabAll, rabA, rabB, btw, win, effect, overlap float64 }
	effs := make([]eff, m)
	rs := stats.NewRankSum(na, nb)
	nblocks := (m + block - 1) / block
	type work struct {
		r, er    xoshiro
		buf, tmp []float64
		sc       stats.RankScratch
		va, vb   []float64
		ew       *effectWork
	}
	mk := func() *work {
		w := &work{va: make([]float64, na*K), vb: make([]float64, nb*K), ew: newEffectWork(na*K, nb*K)}
		if smp.cache == nil {
			w.buf, w.tmp = make([]float64, block*n*K), make([]float64, block)
		}
		return w
	}
	err := parallelWith(ctx, opt.Workers, nblocks, mk, func(w *work, b int) {
		lo, hi := b*block, min((b+1)*block, m)
		buf := smp.view(w.buf, denom, &w.r, lo, hi, w.tmp)
		va, vb, ew, er := w.va, w.vb, w.ew, &w.er
		for i := lo; i < hi; i++ {
			tb := buf[(i-lo)*n*K : (i-lo+1)*n*K]
			for k := 0; k < K; k++ {
				xa, xb := tb[k*n:k*n+na], tb[k*n+na:(k+1)*n]
				weP[i*K+k] = welchGreater(xa, xb)
				wiP[i*K+k] = rs.Test(xa, xb, stats.Greater, false, &w.sc).PValue
				copy(va[k*na:(k+1)*na], xa)
				copy(vb[k*nb:(k+1)*nb], xb)
			}
			e := &effs[i]
			e.rabAll = medianOf(tb, ew.tmp)
			e.rabA = medianOf(va, ew.tmp)
			e.rabB = medianOf(vb, ew.tmp)
			er.seed(smp.seed^purposeEffect, uint64(i))
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
	return selectMedian(x, n/2, n%2 == 0)
}

// selectMedian reorders x and returns its k-th smallest value (0-based), or
// with even, the mean of the (k−1)-th and k-th (k ≥ 1).
func selectMedian(x []float64, k int, even bool) float64 {
	v := selectKth(x, k)
	if !even {
		return v
	}
	lo := x[0]
	for _, y := range x[1:k] {
		if y > lo {
			lo = y
		}
	}
	return (lo + v) / 2
}

// medianOf returns the median of x without changing x; scratch must hold
// len(x) values. Large inputs take Floyd and Rivest's route: two pivots
// from a sample of 512 values of x bracket the median, one branch-free
// pass counts the values below the bracket and gathers those inside it,
// and the median is selected among those (about a fifth); when the
// bracket misses, x is selected in full.
func medianOf(x, scratch []float64) float64 {
	n := len(x)
	if n >= 4096 {
		const ns, delta = 512, 48
		var smp [ns]float64
		for i := range smp { // golden-ratio positions: no stride aliases the layout's period
			smp[i] = x[(uint64(i)*0x9e3779b97f4a7c15>>32)*uint64(n)>>32]
		}
		lo := selectKth(smp[:], ns/2-delta)
		hi := selectKth(smp[ns/2-delta:], 2*delta) // smp[ns/2+delta] of the sorted sample
		below, in := 0, 0
		for _, v := range x {
			below += b2i(v < lo)
			scratch[in] = v
			in += b2i(v >= lo) & b2i(v <= hi) // not &&: no branch
		}
		h := n / 2
		k := h - below            // the median's rank within the bracket
		if k >= 1-n%2 && k < in { // (even n also needs rank k − 1 inside)
			return selectMedian(scratch[:in], k, n%2 == 0)
		}
	}
	w := scratch[:n]
	copy(w, x)
	return median(w)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
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
		btw: make([]float64, min(na, nb)), eff: make([]float64, min(na, nb)), tmp: make([]float64, na+nb)}
}

// effect is aldex.effect (unpaired): within-group dispersion |a − a'| of
// two random orderings per group, its per-draw maximum over the groups,
// between-group difference b − a of random draws, and their ratio; it
// returns the medians of the difference, the dispersion and the ratio, and
// the overlap min(E[p]) of the ratio's signs.
func (w *effectWork) effect(r *xoshiro, a, b []float64) (btw, win, eff, overlap float64) {
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
		winMax[i] = max(w.winA[i], w.winB[i])
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
	btw = medianOf(w.btw[:nw], w.tmp)
	win = medianOf(winMax, w.tmp)
	eff = medianOf(w.eff[:nw], w.tmp)
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
func partialShuffle(r *xoshiro, x []float64, k int) {
	n := len(x)
	for i := 0; i < k && i < n-1; i++ {
		j := i + r.intN(n-i)
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

func aldexGLM(ctx context.Context, c *Counts, d *Design, smp *aldexSampler, denom []float64, block int, opt Options) (*Result, error) {
	m, n, K, p := c.M(), c.N(), smp.k, d.P
	o, err := newOLS(d.X, n, p)
	if err != nil {
		return nil, err
	}
	coefs := testedCoefs(d)
	nc := len(coefs)
	pv := make([]float64, m*K*nc) // [taxon][instance][coef]
	est := make([]float64, m*nc*3)
	nblocks := (m + block - 1) / block
	type work struct {
		r               xoshiro
		buf, tmp        []float64
		beta, se, t, pp []float64
	}
	mk := func() *work {
		w := &work{beta: make([]float64, p), se: make([]float64, p), t: make([]float64, p), pp: make([]float64, p)}
		if smp.cache == nil {
			w.buf, w.tmp = make([]float64, block*n*K), make([]float64, block)
		}
		return w
	}
	err = parallelWith(ctx, opt.Workers, nblocks, mk, func(w *work, b int) {
		lo, hi := b*block, min((b+1)*block, m)
		buf := smp.view(w.buf, denom, &w.r, lo, hi, w.tmp)
		beta, se, t, pp := w.beta, w.se, w.t, w.pp
		for i := lo; i < hi; i++ {
			tb := buf[(i-lo)*n*K : (i-lo+1)*n*K]
			for k := 0; k < K; k++ {
				rss := o.fit(beta, nil, tb[k*n:(k+1)*n]) // columns are samples in order
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

// parallelWith runs f(s, 0..n-1) on workers goroutines, stopping early
// when ctx is cancelled; each goroutine makes its working memory s once
// with mk and passes it to every f it runs.
func parallelWith[S any](ctx context.Context, workers, n int, mk func() S, f func(s S, i int)) error {
	if workers < 1 {
		workers = 1
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := mk()
			for i := range next {
				f(s, i)
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
