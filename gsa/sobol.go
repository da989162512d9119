package gsa

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Estimator names a first-order index estimator.
type Estimator int

const (
	// Saltelli2010 estimates V_i as mean(f(B)·(f(AB_i) − f(A))) (Saltelli
	// et al. 2010, Table 2 (b)); SALib's estimator.
	Saltelli2010 Estimator = iota
	// Jansen estimates V_i as V − mean((f(B) − f(AB_i))²)/2 (Jansen 1999).
	Jansen
)

func (e Estimator) String() string {
	if e == Jansen {
		return "jansen"
	}
	return "saltelli2010"
}

// SobolOptions configure SobolIndices.
type SobolOptions struct {
	SecondOrder bool // the design has BA rows; estimate second-order indices
	FirstOrder  Estimator
	// Resamples is the number of bootstrap resamples (0: 100, SALib's
	// default; negative: no confidence intervals).
	Resamples int
	// Confidence is the level of the intervals (0: 0.95).
	Confidence float64
}

// SobolResult holds Sobol indices for d parameters. Conf fields are the
// half-widths of the bootstrap confidence intervals (NaN without
// resamples). S2 and S2Conf are d×d with entries only above the diagonal
// (NaN elsewhere), nil without second order.
type SobolResult struct {
	N              int     // base samples used (those with finite outputs in all their runs)
	Variance       float64 // of the outputs (before standardisation)
	S1, S1Conf     []float64
	ST, STConf     []float64
	S2, S2Conf     [][]float64
	FirstOrderName string
}

// SobolIndices estimates first-order and total Sobol indices (and
// second-order ones with opt.SecondOrder) from the outputs y of a Saltelli
// design (rows in the order Saltelli writes them) for d parameters. Total
// indices use Jansen's (1999) estimator mean((f(A) − f(AB_i))²)/2 and the
// variance is that of the A and B outputs together, as in SALib.
//
// The outputs are first standardised (mean 0, sd 1 over all kept runs), as
// SALib does. A base sample any of whose runs has a non-finite output is left out
// (Result.N says how many were used). Bootstrap resamples draw base samples
// with replacement from rnd; the interval half-width is z·sd of the
// resampled estimates, z the normal quantile of (1+Confidence)/2 (SALib's
// definition).
func SobolIndices(y []float64, d int, opt SobolOptions, rnd *rand.Rand) (*SobolResult, error) {
	if d < 1 {
		return nil, fmt.Errorf("gsa: no parameters")
	}
	step := d + 2
	if opt.SecondOrder {
		step = 2*d + 2
	}
	if len(y) == 0 || len(y)%step != 0 {
		return nil, fmt.Errorf("gsa: %d outputs is not a multiple of %d (runs per base sample for %d parameters)", len(y), step, d)
	}
	conf, R, err := bootstrapSettings(opt.Resamples, opt.Confidence)
	if err != nil {
		return nil, err
	}
	s := newSaltelliSplit(y, d, step, opt.SecondOrder)
	res := &SobolResult{N: s.n, FirstOrderName: opt.FirstOrder.String()}
	res.S1, res.ST = make([]float64, d), make([]float64, d)
	res.S1Conf, res.STConf = nanSlice(d), nanSlice(d)
	if opt.SecondOrder {
		res.S2, res.S2Conf = nanMatrix(d), nanMatrix(d)
	}
	idx := make([]int, s.n)
	for j := range idx {
		idx[j] = j
	}
	if s.n < 2 {
		for i := 0; i < d; i++ {
			res.S1[i], res.ST[i] = math.NaN(), math.NaN()
		}
		res.Variance = math.NaN()
		return res, nil
	}
	res.Variance = s.estimate(idx, opt.FirstOrder, res.S1, res.ST, res.S2) * s.sd * s.sd
	if R <= 0 {
		return res, nil
	}
	z := distuv.UnitNormal.Quantile(0.5 + conf/2)
	s1b, stb := make([][]float64, d), make([][]float64, d)
	for i := range s1b {
		s1b[i], stb[i] = make([]float64, R), make([]float64, R)
	}
	var s2b [][][]float64
	var s2r [][]float64
	if opt.SecondOrder {
		s2b = make([][][]float64, d)
		for i := range s2b {
			s2b[i] = make([][]float64, d)
			for k := i + 1; k < d; k++ {
				s2b[i][k] = make([]float64, R)
			}
		}
		s2r = nanMatrix(d)
	}
	s1r, str := make([]float64, d), make([]float64, d)
	for r := 0; r < R; r++ {
		for j := range idx {
			idx[j] = rnd.IntN(s.n)
		}
		s.estimate(idx, opt.FirstOrder, s1r, str, s2r)
		for i := 0; i < d; i++ {
			s1b[i][r], stb[i][r] = s1r[i], str[i]
			for k := i + 1; opt.SecondOrder && k < d; k++ {
				s2b[i][k][r] = s2r[i][k]
			}
		}
	}
	for i := 0; i < d; i++ {
		res.S1Conf[i] = z * sdev(s1b[i])
		res.STConf[i] = z * sdev(stb[i])
		for k := i + 1; opt.SecondOrder && k < d; k++ {
			res.S2Conf[i][k] = z * sdev(s2b[i][k])
		}
	}
	return res, nil
}

// saltelliSplit holds the outputs of a Saltelli design by matrix: a and b
// per kept base sample, ab and ba per parameter and base sample
// (ab[i*n+j]).
type saltelliSplit struct {
	n, d   int
	a, b   []float64
	ab, ba []float64
	pool   []float64 // scratch for the variance
	sd     float64   // the standardisation's scale
}

func newSaltelliSplit(y []float64, d, step int, second bool) *saltelliSplit {
	var keep []int
	for j := 0; j < len(y)/step; j++ {
		ok := true
		for _, v := range y[j*step : (j+1)*step] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, j)
		}
	}
	// Centre and scale the outputs as SALib does: Saltelli et al. (2010)'s
	// first-order estimator has a variance that grows with the output's
	// mean; the indices themselves do not change.
	var mean, ss float64
	for _, j := range keep {
		for _, v := range y[j*step : (j+1)*step] {
			mean += v
		}
	}
	cnt := float64(len(keep) * step)
	mean /= cnt
	for _, j := range keep {
		for _, v := range y[j*step : (j+1)*step] {
			ss += (v - mean) * (v - mean)
		}
	}
	sd := math.Sqrt(ss / cnt)
	if !(sd > 0) {
		sd = 1
	}
	norm := func(v float64) float64 { return (v - mean) / sd }
	n := len(keep)
	s := &saltelliSplit{n: n, d: d, a: make([]float64, n), b: make([]float64, n), ab: make([]float64, n*d)}
	if second {
		s.ba = make([]float64, n*d)
	}
	for jj, j := range keep {
		row := y[j*step : (j+1)*step]
		s.a[jj], s.b[jj] = norm(row[0]), norm(row[step-1])
		for i := 0; i < d; i++ {
			s.ab[i*n+jj] = norm(row[1+i])
			if second {
				s.ba[i*n+jj] = norm(row[1+d+i])
			}
		}
	}
	s.pool = make([]float64, 2*n)
	s.sd = sd
	return s
}

// estimate computes the indices over the base samples idx into s1, st
// (and s2 when the split has BA rows and s2 is not nil) and returns the
// variance used.
func (s *saltelliSplit) estimate(idx []int, est Estimator, s1, st []float64, s2 [][]float64) float64 {
	n := len(idx)
	for k, j := range idx {
		s.pool[k], s.pool[n+k] = s.a[j], s.b[j]
	}
	v := variance(s.pool[:2*n])
	fn := float64(n)
	for i := 0; i < s.d; i++ {
		ab := s.ab[i*s.n : (i+1)*s.n]
		var first, total float64
		for _, j := range idx {
			a, b, x := s.a[j], s.b[j], ab[j]
			if est == Jansen {
				first += (b - x) * (b - x)
			} else {
				first += b * (x - a)
			}
			total += (a - x) * (a - x)
		}
		if est == Jansen {
			s1[i] = (v - first/fn/2) / v
		} else {
			s1[i] = first / fn / v
		}
		st[i] = total / fn / 2 / v
	}
	if s.ba == nil || s2 == nil {
		return v
	}
	for i := 0; i < s.d; i++ {
		ba := s.ba[i*s.n : (i+1)*s.n]
		for k := i + 1; k < s.d; k++ {
			ab := s.ab[k*s.n : (k+1)*s.n]
			var sum float64
			for _, j := range idx {
				sum += ba[j]*ab[j] - s.a[j]*s.b[j]
			}
			s2[i][k] = sum/fn/v - s1[i] - s1[k]
		}
	}
	return v
}

// variance is the population variance (divisor n), as numpy's var.
func variance(x []float64) float64 {
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return ss / float64(len(x))
}

// sdev is the sample standard deviation (divisor n−1).
func sdev(x []float64) float64 {
	if len(x) < 2 {
		return math.NaN()
	}
	return math.Sqrt(variance(x) * float64(len(x)) / float64(len(x)-1))
}

func bootstrapSettings(resamples int, conf float64) (float64, int, error) {
	if conf == 0 {
		conf = 0.95
	}
	if !(conf > 0 && conf < 1) {
		return 0, 0, fmt.Errorf("gsa: confidence level %v not in (0, 1)", conf)
	}
	switch {
	case resamples == 0:
		resamples = 100
	case resamples < 0:
		resamples = 0
	}
	return conf, resamples, nil
}

func nanSlice(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.NaN()
	}
	return x
}

func nanMatrix(d int) [][]float64 {
	m := make([][]float64, d)
	for i := range m {
		m[i] = nanSlice(d)
	}
	return m
}
