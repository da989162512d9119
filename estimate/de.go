package estimate

import (
	"context"
	"math"
	"math/rand/v2"
)

// DEOptions configure DifferentialEvolution.
type DEOptions struct {
	// Pop is the population size (default 10·d, at least 20).
	Pop int
	// Generations bounds the number of generations (default 200).
	Generations int
	// CR is the crossover probability (default 0.9); the differential
	// weight is drawn uniformly from [0.5, 1) per generation (dither).
	CR float64
	// Tol stops when the population's objective spread (max − min over
	// the finite values) is below Tol (default 1e-6·(1 + |best|)).
	Tol     float64
	Seed    uint64
	Workers int
	// Progress, if set, is called after each generation with the best
	// objective so far.
	Progress func(gen int, best float64)
}

// DEResult is the outcome of DifferentialEvolution.
type DEResult struct {
	U           []float64
	F           float64
	Generations int
	Evals       int
}

// DifferentialEvolution searches the box [lo, hi] (parameters on their
// scales) for the minimum of −(llh + log prior) with the DE/rand/1/bin
// scheme of Storn and Price (1997): each member x_i competes with the
// trial vector that takes, with probability CR per coordinate (and at
// least one), the mutant a + F·(b − c) of three other random members; a
// mutant coordinate outside the bounds is replaced by a uniform draw
// between the parent's coordinate and the violated bound. The population
// starts as a Latin hypercube. Trial vectors are drawn from one stream
// before each generation is evaluated (in parallel), so the result does
// not depend on the number of workers.
func (p *Problem) DifferentialEvolution(ctx context.Context, opt DEOptions) (DEResult, error) {
	lo, hi := p.Spec.Bounds()
	d := len(lo)
	if opt.Pop <= 0 {
		opt.Pop = max(20, 10*d)
	}
	if opt.Generations <= 0 {
		opt.Generations = 200
	}
	if opt.CR <= 0 {
		opt.CR = 0.9
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0xde))
	pop := LatinHypercube(opt.Pop, lo, hi, rng)
	evs, err := p.newEvaluators(opt.Workers)
	if err != nil {
		return DEResult{}, err
	}
	res := DEResult{}
	evalAll := func(xs [][]float64) ([]float64, error) {
		fs := make([]float64, len(xs))
		err := forEach(ctx, evs, len(xs), func(ev *Evaluator, i int) {
			fs[i], _, _, _, _ = ev.objective(ctx, xs[i], false)
		})
		res.Evals += len(xs)
		return fs, err
	}
	fit, err := evalAll(pop)
	if err != nil {
		return res, err
	}
	trial := make([][]float64, opt.Pop)
	for i := range trial {
		trial[i] = make([]float64, d)
	}
	for gen := 0; gen < opt.Generations; gen++ {
		res.Generations = gen + 1
		f := 0.5 + 0.5*rng.Float64()
		for i := range pop {
			a, b, c := pick3(rng, opt.Pop, i)
			jr := rng.IntN(d)
			for j := 0; j < d; j++ {
				v := pop[i][j]
				if j == jr || rng.Float64() < opt.CR {
					v = pop[a][j] + f*(pop[b][j]-pop[c][j])
					if v < lo[j] {
						v = lo[j] + rng.Float64()*(pop[i][j]-lo[j])
					} else if v > hi[j] {
						v = hi[j] - rng.Float64()*(hi[j]-pop[i][j])
					}
				}
				trial[i][j] = v
			}
		}
		ft, err := evalAll(trial)
		if err != nil {
			return res, err
		}
		for i := range pop {
			if ft[i] <= fit[i] {
				copy(pop[i], trial[i])
				fit[i] = ft[i]
			}
		}
		best, worst := math.Inf(1), math.Inf(-1)
		for _, v := range fit {
			if !math.IsInf(v, 0) && !math.IsNaN(v) {
				best = math.Min(best, v)
				worst = math.Max(worst, v)
			}
		}
		if opt.Progress != nil {
			opt.Progress(gen+1, best)
		}
		tol := opt.Tol
		if tol <= 0 {
			tol = 1e-6 * (1 + math.Abs(best))
		}
		if worst-best < tol {
			break
		}
	}
	bi := 0
	for i := range fit {
		if fit[i] < fit[bi] {
			bi = i
		}
	}
	res.U, res.F = append([]float64(nil), pop[bi]...), fit[bi]
	return res, nil
}

// pick3 draws three distinct indices in [0, n) different from i.
func pick3(rng *rand.Rand, n, i int) (int, int, int) {
	var r [3]int
	for k := 0; k < 3; {
		v := rng.IntN(n)
		if v == i || (k > 0 && v == r[0]) || (k > 1 && v == r[1]) {
			continue
		}
		r[k] = v
		k++
	}
	return r[0], r[1], r[2]
}
