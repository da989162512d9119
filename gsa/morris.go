package gsa

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// MorrisDelta returns the grid jump of a p-level Morris design,
// p/(2(p−1)) (Morris 1991; SALib's choice).
func MorrisDelta(levels int) float64 {
	return float64(levels) / (2 * float64(levels-1))
}

// MorrisDesign writes r Morris (1991) trajectories for d parameters on a
// grid of levels (even, >= 2) values in [0, 1] into dst (r(d+1) rows of d
// coordinates, row-major). Each trajectory starts at a random grid point
// and moves each parameter once, in random order, by ±Δ = MorrisDelta
// (levels), staying on the grid: it is the rows of
// B* = (J x* + Δ/2((2B − J)D* + J)) P* of Morris's paper, drawn from rnd.
func MorrisDesign(dst []float64, r, d, levels int, rnd *rand.Rand) error {
	if levels < 2 || levels%2 != 0 {
		return fmt.Errorf("gsa: Morris levels must be even and >= 2, got %d", levels)
	}
	if r < 2 {
		return fmt.Errorf("gsa: Morris needs at least 2 trajectories, got %d", r)
	}
	if d < 1 {
		return fmt.Errorf("gsa: no parameters")
	}
	if len(dst) < r*(d+1)*d {
		return fmt.Errorf("gsa: dst holds %d values, want %d", len(dst), r*(d+1)*d)
	}
	delta := MorrisDelta(levels)
	step := 1 / float64(levels-1)
	low := levels / 2 // start levels 0..low-1 leave room for +Δ
	order := make([]int, d)
	up := make([]bool, d)
	x := make([]float64, d)
	for t := 0; t < r; t++ {
		for i := 0; i < d; i++ {
			x[i] = float64(rnd.IntN(low)) * step
			up[i] = rnd.IntN(2) == 0
			if !up[i] { // start high, move down
				x[i] += delta
			}
			order[i] = i
		}
		rnd.Shuffle(d, func(a, b int) { order[a], order[b] = order[b], order[a] })
		base := dst[t*(d+1)*d:]
		copy(base[:d], x)
		for k, i := range order {
			if up[i] {
				x[i] += delta
			} else {
				x[i] -= delta
			}
			copy(base[(k+1)*d:(k+2)*d], x)
		}
	}
	return nil
}

// MorrisOptions configure MorrisIndices.
type MorrisOptions struct {
	Levels     int     // grid levels of the design (Δ = MorrisDelta(Levels))
	Resamples  int     // bootstrap resamples of μ* (0: 1000, SALib's default; negative: none)
	Confidence float64 // 0: 0.95
}

// MorrisResult holds the elementary-effect statistics of d parameters:
// μ (mean), μ* (mean absolute value), σ (standard deviation, divisor
// r−1) and the bootstrap half-width of μ*'s confidence interval. N[i] is
// the number of elementary effects used (trajectories with finite
// outputs at both ends of parameter i's step).
type MorrisResult struct {
	Mu, MuStar, Sigma, MuStarConf []float64
	N                             []int
}

// MorrisIndices computes elementary effects from the design x (rows of d
// unit coordinates as MorrisDesign writes them, r(d+1) rows) and outputs
// y, one per row. The elementary effect of the parameter that changes
// between consecutive rows of a trajectory is Δy/Δ, signed by the
// direction of the move, with Δ = MorrisDelta(opt.Levels) on the unit
// scale (SALib's unscaled effects). The μ* interval resamples the effects
// with replacement (SALib's compute_mu_star_confidence).
func MorrisIndices(x, y []float64, d int, opt MorrisOptions, rnd *rand.Rand) (*MorrisResult, error) {
	if d < 1 {
		return nil, fmt.Errorf("gsa: no parameters")
	}
	if len(y) == 0 || len(y)%(d+1) != 0 || len(x) != len(y)*d {
		return nil, fmt.Errorf("gsa: %d outputs and %d design values do not form trajectories of %d rows with %d parameters", len(y), len(x), d+1, d)
	}
	if opt.Levels < 2 {
		return nil, fmt.Errorf("gsa: Morris levels must be >= 2, got %d", opt.Levels)
	}
	conf, R, err := bootstrapSettings(opt.Resamples, opt.Confidence)
	if err != nil {
		return nil, err
	}
	if opt.Resamples == 0 {
		R = 1000
	}
	delta := MorrisDelta(opt.Levels)
	r := len(y) / (d + 1)
	ee := make([][]float64, d)
	for t := 0; t < r; t++ {
		for k := 0; k < d; k++ {
			row0 := x[(t*(d+1)+k)*d : (t*(d+1)+k+1)*d]
			row1 := x[(t*(d+1)+k+1)*d : (t*(d+1)+k+2)*d]
			i, dir, err := changed(row0, row1)
			if err != nil {
				return nil, fmt.Errorf("gsa: trajectory %d step %d: %w", t, k, err)
			}
			y0, y1 := y[t*(d+1)+k], y[t*(d+1)+k+1]
			if math.IsNaN(y0) || math.IsNaN(y1) || math.IsInf(y0, 0) || math.IsInf(y1, 0) {
				continue
			}
			ee[i] = append(ee[i], (y1-y0)/(dir*delta))
		}
	}
	res := &MorrisResult{Mu: nanSlice(d), MuStar: nanSlice(d), Sigma: nanSlice(d), MuStarConf: nanSlice(d), N: make([]int, d)}
	z := distuv.UnitNormal.Quantile(0.5 + conf/2)
	boot := make([]float64, R)
	for i, e := range ee {
		res.N[i] = len(e)
		if len(e) == 0 {
			continue
		}
		var m, ma float64
		for _, v := range e {
			m += v
			ma += math.Abs(v)
		}
		res.Mu[i], res.MuStar[i] = m/float64(len(e)), ma/float64(len(e))
		res.Sigma[i] = sdev(e)
		if R == 0 {
			continue
		}
		for b := range boot {
			var s float64
			for range e {
				s += math.Abs(e[rnd.IntN(len(e))])
			}
			boot[b] = s / float64(len(e))
		}
		res.MuStarConf[i] = z * sdev(boot)
	}
	return res, nil
}

// changed returns the one coordinate that differs between two rows and the
// sign of its change.
func changed(a, b []float64) (int, float64, error) {
	at, dir := -1, 0.0
	for i := range a {
		if a[i] != b[i] {
			if at >= 0 {
				return 0, 0, fmt.Errorf("rows differ in more than one parameter (%d and %d)", at, i)
			}
			at, dir = i, 1
			if b[i] < a[i] {
				dir = -1
			}
		}
	}
	if at < 0 {
		return 0, 0, fmt.Errorf("consecutive rows are equal")
	}
	return at, dir, nil
}
