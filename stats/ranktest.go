package stats

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/holobiont/holobiont/internal/fmath"
)

// RankTest is the result of a rank-sum or Kruskal–Wallis test.
type RankTest struct {
	Statistic float64 // Wilcoxon W (R's wilcox.test) or Kruskal–Wallis H
	DF        int     // Kruskal–Wallis degrees of freedom (groups − 1); 0 for Wilcoxon
	PValue    float64
	Exact     bool // p from the exact null distribution (Wilcoxon only)
}

// ErrTooFew is returned when a group has no observations.
var ErrTooFew = errors.New("stats: a group has no observations")

// WilcoxonRankSum is R's wilcox.test(x, y) (two-sided, correct = TRUE): W is
// the rank sum of x minus nx(nx+1)/2; the p-value is exact when both
// samples have fewer than 50 values and there are no ties, and otherwise
// from the normal approximation with tie and continuity corrections. NaNs
// are not allowed.
func WilcoxonRankSum(x, y []float64) (RankTest, error) {
	if len(x) == 0 || len(y) == 0 {
		return RankTest{}, ErrTooFew
	}
	return NewRankSum(len(x), len(y)).Test(x, y, TwoSided, true, nil), nil
}

// RankSum runs many Wilcoxon rank-sum tests with the same sample sizes m
// and n, caching the exact null distribution (used when m, n < 50 and there
// are no ties, as R does).
type RankSum struct {
	m, n int
	cdf  []float64 // P(W <= u), u = 0..mn; nil when the normal approximation is used
}

// NewRankSum returns a tester for samples of sizes m (x) and n (y).
func NewRankSum(m, n int) *RankSum {
	r := &RankSum{m: m, n: n}
	if m < 50 && n < 50 && m > 0 && n > 0 {
		c := wilcoxCounts(m, n)
		var tot float64
		for _, v := range c {
			tot += v
		}
		for u := 1; u < len(c); u++ {
			c[u] += c[u-1]
		}
		for u := range c {
			c[u] /= tot
		}
		r.cdf = c
	}
	return r
}

// RankScratch is reusable working memory for RankSum.Test.
type RankScratch struct {
	all, r, val []float64
	idx         []rankPair
	bucket, ord []int32
	count       []int32
}

type rankPair struct {
	v float64
	i int32
}

// Test returns R's wilcox.test(x, y, alternative = alt, correct = correct)
// statistic and p-value. len(x) and len(y) must be the sizes the tester was
// made for. s may be nil.
func (rs *RankSum) Test(x, y []float64, alt Alternative, correct bool, s *RankScratch) RankTest {
	nx, ny := rs.m, rs.n
	n := nx + ny
	if s == nil {
		s = &RankScratch{}
	}
	if cap(s.all) < n {
		s.all = make([]float64, n)
	}
	all := s.all[:n]
	copy(all, x)
	copy(all[nx:], y)
	rx, ties := rankSumFirst(all, nx, s)
	w := rx - float64(nx*(nx+1))/2
	if rs.cdf != nil && ties == 0 {
		pw := func(q float64) float64 { // P(W <= q)
			k := int(math.Floor(q + 1e-7))
			if k < 0 {
				return 0
			}
			if k >= len(rs.cdf) {
				return 1
			}
			return rs.cdf[k]
		}
		var p float64
		switch alt {
		case Greater:
			p = 1 - pw(w-1)
		case Less:
			p = pw(w)
		default:
			if w > float64(nx*ny)/2 {
				p = 1 - pw(w-1)
			} else {
				p = pw(w)
			}
			p = math.Min(2*p, 1)
		}
		return RankTest{Statistic: w, PValue: p, Exact: true}
	}
	mu := float64(nx*ny) / 2
	fn := float64(n)
	sigma := math.Sqrt(float64(nx*ny) / 12 * ((fn + 1) - ties/(fn*(fn-1))))
	if sigma == 0 {
		return RankTest{Statistic: w, PValue: math.NaN()}
	}
	z := w - mu
	cc := 0.0
	if correct {
		switch alt {
		case Greater:
			cc = 0.5
		case Less:
			cc = -0.5
		default:
			cc = 0.5 * fmath.Sign(z)
		}
	}
	z = (z - cc) / sigma
	var p float64
	switch alt {
	case Greater:
		p = normCDF(-z)
	case Less:
		p = normCDF(z)
	default:
		p = math.Min(1, 2*math.Min(normCDF(z), normCDF(-z)))
	}
	return RankTest{Statistic: w, PValue: p}
}

// rankSumFirst returns the sum of the average ranks of x[:nx] among all of
// x and Σ(t³ − t) over the tie groups. It sorts by equal-width buckets (two
// per value), which takes linear time on the continuous samples rank tests
// mostly see, and falls back to a comparison sort (rankInto) when a bucket
// holds more than 32 values (heavy tails, many ties) or a value is not
// finite.
func rankSumFirst(x []float64, nx int, s *RankScratch) (rx, ties float64) {
	n := len(x)
	if n == 0 {
		return 0, 0
	}
	lo, hi := x[0], x[0]
	for _, v := range x[1:] {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	nb := 2 * n
	scale := float64(nb) / (hi - lo)
	if !(hi > lo) || math.IsInf(scale, 0) || math.IsNaN(scale) || math.IsInf(hi-lo, 0) {
		return rankSumSorted(x, nx, s)
	}
	if cap(s.bucket) < n {
		s.bucket, s.ord, s.val = make([]int32, n), make([]int32, n), make([]float64, n)
	}
	if cap(s.count) < nb+1 {
		s.count = make([]int32, nb+1)
	}
	bucket, ord, val, count := s.bucket[:n], s.ord[:n], s.val[:n], s.count[:nb+1]
	clear(count)
	var most int32
	for i, v := range x {
		b := int32(min((v-lo)*scale, float64(nb-1))) // NaN converts to an arbitrary value: checked below
		if b < 0 || b >= int32(nb) || v != v {
			return rankSumSorted(x, nx, s)
		}
		bucket[i] = b
		count[b+1]++
		most = max(most, count[b+1])
	}
	if most > 32 {
		return rankSumSorted(x, nx, s)
	}
	for b := 1; b <= nb; b++ {
		count[b] += count[b-1]
	}
	for i, v := range x {
		p := count[bucket[i]]
		count[bucket[i]]++
		val[p], ord[p] = v, int32(i)
	}
	// Buckets are in order: insertion sort moves values only within theirs.
	for i := 1; i < n; i++ {
		v, o := val[i], ord[i]
		j := i
		for ; j > 0 && val[j-1] > v; j-- {
			val[j], ord[j] = val[j-1], ord[j-1]
		}
		val[j], ord[j] = v, o
	}
	// Rank sum of x[:nx]: ord < nx marks its values (branch-free when no
	// values tie).
	var rxi int
	for a := 0; a < n; {
		if a+1 == n || val[a+1] != val[a] {
			rxi += int(uint32(ord[a]-int32(nx))>>31) * (a + 1)
			a++
			continue
		}
		b := a + 1
		for b < n && val[b] == val[a] {
			b++
		}
		var inx int
		for _, o := range ord[a:b] {
			if int(o) < nx {
				inx++
			}
		}
		rx += float64(inx) * float64(a+b+1) / 2
		t := float64(b - a)
		ties += t*t*t - t
		a = b
	}
	return rx + float64(rxi), ties
}

// rankSumSorted is rankSumFirst by a comparison sort.
func rankSumSorted(x []float64, nx int, s *RankScratch) (rx, ties float64) {
	n := len(x)
	if cap(s.r) < n {
		s.r, s.idx = make([]float64, n), make([]rankPair, n)
	}
	r := s.r[:n]
	ties = rankInto(r, x, s.idx[:n])
	for _, v := range r[:nx] {
		rx += v
	}
	return rx, ties
}

// rankInto writes average ranks of x into dst (as Rank) without
// allocating, and returns Σ(t³ − t) over tie groups.
func rankInto(dst, x []float64, idx []rankPair) float64 {
	for i, v := range x {
		idx[i] = rankPair{v, int32(i)}
	}
	slices.SortFunc(idx, func(a, b rankPair) int { return cmp.Compare(a.v, b.v) })
	var ties float64
	for a := 0; a < len(idx); {
		b := a + 1
		for b < len(idx) && idx[b].v == idx[a].v {
			b++
		}
		r := float64(a+b+1) / 2
		for k := a; k < b; k++ {
			dst[idx[k].i] = r
		}
		if t := float64(b - a); t > 1 {
			ties += t*t*t - t
		}
		a = b
	}
	return ties
}

// tieSum returns Σ(t³ − t) over the tie groups of the ranks r.
func tieSum(r []float64) float64 {
	counts := make(map[float64]int, len(r))
	for _, v := range r {
		counts[v]++
	}
	var s float64
	for _, c := range counts {
		if c > 1 {
			t := float64(c)
			s += t*t*t - t
		}
	}
	return s
}

// wilcoxCounts returns the number of arrangements giving each value
// u = 0..mn of the Mann–Whitney statistic (a DP over the number of x and y
// values placed so far).
func wilcoxCounts(m, n int) []float64 {
	mn := m * n
	f := make([][]float64, m+1)
	for j := range f {
		f[j] = make([]float64, mn+1)
	}
	f[0][0] = 1
	for i := 1; i <= m+n; i++ {
		// Value i (in increasing order) goes to y (u unchanged) or to x
		// (u grows by the number of y's already placed, i − j).
		for j := min(i, m); j >= 1; j-- {
			ys := i - j
			if ys > n {
				continue
			}
			src, dst := f[j-1], f[j]
			for u := mn; u >= ys; u-- {
				dst[u] += src[u-ys]
			}
		}
	}
	return f[m]
}

// KruskalWallis is R's kruskal.test and scipy's kruskal: H from the average
// ranks of all values with the tie correction, p from χ² on k − 1 degrees
// of freedom. groups[i] is the group index (0..k−1) of x[i]; every group
// must be non-empty and there must be at least two.
func KruskalWallis(x []float64, groups []int, k int) (RankTest, error) {
	if len(x) != len(groups) {
		return RankTest{}, fmt.Errorf("stats: kruskal: %d values and %d group labels", len(x), len(groups))
	}
	if k < 2 {
		return RankTest{}, fmt.Errorf("stats: kruskal: %d groups (need at least 2)", k)
	}
	r := make([]float64, len(x))
	Rank(r, x)
	sum := make([]float64, k)
	cnt := make([]int, k)
	for i, g := range groups {
		if g < 0 || g >= k {
			return RankTest{}, fmt.Errorf("stats: kruskal: group label %d out of range", g)
		}
		sum[g] += r[i]
		cnt[g]++
	}
	n := float64(len(x))
	var h float64
	for g := range sum {
		if cnt[g] == 0 {
			return RankTest{}, ErrTooFew
		}
		h += sum[g] * sum[g] / float64(cnt[g])
	}
	h = 12/(n*(n+1))*h - 3*(n+1)
	c := 1 - tieSum(r)/(n*n*n-n)
	if c == 0 {
		return RankTest{Statistic: math.NaN(), DF: k - 1, PValue: math.NaN()}, nil
	}
	h /= c
	p := distuv.ChiSquared{K: float64(k - 1)}.Survival(h)
	return RankTest{Statistic: h, DF: k - 1, PValue: p}, nil
}
