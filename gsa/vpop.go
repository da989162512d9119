package gsa

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// KDE is a Gaussian kernel density estimate in d dimensions whose kernel
// covariance is the data covariance times Scott's factor squared,
// n^(−2/(d+4)): scipy.stats.gaussian_kde's default.
type KDE struct {
	d, n int
	z    []float64 // whitened points L⁻¹x, row-major
	linv *mat.TriDense
	h    float64 // Scott's factor
	norm float64 // 1/(n (2π)^(d/2) h^d det L)
}

// NewKDE estimates the density of the n points pts (row-major, d
// coordinates each). It fails when the points' covariance is singular
// (for example a coordinate that does not vary).
func NewKDE(pts []float64, d int) (*KDE, error) {
	if d < 1 || len(pts) == 0 || len(pts)%d != 0 {
		return nil, fmt.Errorf("gsa: KDE needs points of %d coordinates, got %d values", d, len(pts))
	}
	n := len(pts) / d
	if n < 2 {
		return nil, fmt.Errorf("gsa: KDE needs at least 2 points, got %d", n)
	}
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			mean[k] += pts[i*d+k] / float64(n)
		}
	}
	cov := mat.NewSymDense(d, nil)
	for a := 0; a < d; a++ {
		for b := a; b < d; b++ {
			var s float64
			for i := 0; i < n; i++ {
				s += (pts[i*d+a] - mean[a]) * (pts[i*d+b] - mean[b])
			}
			cov.SetSym(a, b, s/float64(n-1))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(cov) {
		return nil, fmt.Errorf("gsa: the points' covariance is singular (an output that does not vary, or outputs that are linear in each other)")
	}
	var l mat.TriDense
	ch.LTo(&l)
	var linv mat.TriDense
	if err := linv.InverseTri(&l); err != nil {
		return nil, fmt.Errorf("gsa: KDE: %w", err)
	}
	k := &KDE{d: d, n: n, linv: &linv, z: make([]float64, len(pts))}
	k.h = math.Pow(float64(n), -1/float64(d+4))
	logDet := 0.0
	for a := 0; a < d; a++ {
		logDet += math.Log(l.At(a, a))
	}
	k.norm = math.Exp(-math.Log(float64(n)) - float64(d)/2*math.Log(2*math.Pi) - float64(d)*math.Log(k.h) - logDet)
	for i := 0; i < n; i++ {
		k.whiten(k.z[i*d:(i+1)*d], pts[i*d:(i+1)*d])
	}
	return k, nil
}

func (k *KDE) whiten(dst, x []float64) {
	for a := 0; a < k.d; a++ {
		var s float64
		for b := 0; b <= a; b++ {
			s += k.linv.At(a, b) * x[b]
		}
		dst[a] = s
	}
}

// Density returns the estimate at x (d coordinates).
func (k *KDE) Density(x []float64) float64 {
	zx := make([]float64, k.d)
	k.whiten(zx, x)
	inv := 1 / (2 * k.h * k.h)
	var s float64
	for i := 0; i < k.n; i++ {
		var q float64
		for a, v := range k.z[i*k.d : (i+1)*k.d] {
			q += (v - zx[a]) * (v - zx[a])
		}
		s += math.Exp(-q * inv)
	}
	return s * k.norm
}

// SelectOptions configure SelectVPop.
type SelectOptions struct {
	// Runs is the number of selection draws whose scores are averaged for
	// each candidate scale factor (Allen et al. use 100).
	Runs int
	// Grid is the number of scale factors tried, log-spaced over three
	// decades below the largest admissible one, 1/max(p) (0: 61).
	Grid int
}

// Selection is a virtual population drawn from plausible patients.
type Selection struct {
	ScaleFactor float64 // sf: patient i is kept with probability min(1, sf p_i)
	MaxScale    float64 // 1/max(p): the largest sf at which no probability is capped
	MeanScore   float64 // the mean score of the Runs draws at ScaleFactor
	Selected    []bool
}

// SelectVPop implements Allen et al. (2016)'s selection of a virtual
// population: plausible patient i, with probability of inclusion
// proportional to p[i] (the ratio of the target density to the plausible
// population's density at its outputs), is kept when a uniform draw falls
// below sf·p[i]. The scale factor sf is chosen from a log-spaced grid
// below 1/max(p) to minimise the mean of score (lower is better, e.g. the
// sum of Kolmogorov–Smirnov distances to the targets) over opt.Runs draws;
// the returned selection is a fresh draw at that sf. All draws come from
// rnd.
func SelectVPop(p []float64, score func(selected []bool) float64, opt SelectOptions, rnd *rand.Rand) (*Selection, error) {
	n := len(p)
	if n == 0 {
		return nil, fmt.Errorf("gsa: no plausible patients")
	}
	var pmax float64
	for i, v := range p {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("gsa: probability of inclusion %d is %v", i, v)
		}
		pmax = math.Max(pmax, v)
	}
	if pmax == 0 {
		return nil, fmt.Errorf("gsa: every plausible patient has target density 0 (the targets lie outside the plausible outputs)")
	}
	if opt.Runs < 1 {
		return nil, fmt.Errorf("gsa: selection runs must be >= 1, got %d", opt.Runs)
	}
	grid := opt.Grid
	if grid == 0 {
		grid = 61
	}
	u := make([][]float64, opt.Runs)
	for r := range u {
		u[r] = make([]float64, n)
		for i := range u[r] {
			u[r][i] = rnd.Float64()
		}
	}
	sel := make([]bool, n)
	res := &Selection{MaxScale: 1 / pmax, MeanScore: math.Inf(1)}
	for g := 0; g < grid; g++ {
		sf := res.MaxScale * math.Pow(10, -3*float64(g)/float64(max(grid-1, 1)))
		var total float64
		for r := range u {
			for i := range sel {
				sel[i] = u[r][i] < sf*p[i]
			}
			total += score(sel)
		}
		if m := total / float64(len(u)); m < res.MeanScore {
			res.MeanScore, res.ScaleFactor = m, sf
		}
	}
	res.Selected = make([]bool, n)
	for i := range res.Selected {
		res.Selected[i] = rnd.Float64() < res.ScaleFactor*p[i]
	}
	return res, nil
}

// ImportanceWeights writes the self-normalised importance weights
// p_i/Σp into dst and returns their effective sample size
// (Σw)²/Σw² (Kish).
func ImportanceWeights(dst, p []float64) (ess float64, err error) {
	var s float64
	for i, v := range p {
		if !(v >= 0) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("gsa: probability of inclusion %d is %v", i, v)
		}
		s += v
	}
	if s == 0 {
		return 0, fmt.Errorf("gsa: every plausible patient has target density 0")
	}
	var s2 float64
	for i, v := range p {
		dst[i] = v / s
		s2 += dst[i] * dst[i]
	}
	return 1 / s2, nil
}
