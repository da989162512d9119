package estimate

import (
	"context"
	"fmt"
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
	// Checkpoint, if set, is called with the state after the initial
	// population is evaluated (generation 0) and after each generation;
	// the state is the caller's to keep. An error stops the search and is
	// returned.
	Checkpoint func(DEState) error
	// Resume, if set, continues the search from a state that Checkpoint
	// received from a run with the same problem and options (Seed is then
	// unused: the state carries the random stream): the result is the one
	// the uninterrupted run gives, bit for bit.
	Resume *DEState
}

// DEState is differential evolution between two generations: everything
// the rest of the search depends on.
type DEState struct {
	// Generation is the number of generations done (0: the initial
	// population only).
	Generation int
	// Pop holds the members (on the parameters' scales) and F their
	// objectives (+Inf where the simulation failed).
	Pop [][]float64
	F   []float64
	// Evals counts the objective evaluations so far.
	Evals int
	// RNG is the random stream's state (PCG's MarshalBinary form).
	RNG []byte
	// Converged is set when the objective spread fell below the tolerance:
	// the search is over.
	Converged bool
}

// Done reports whether the search that state belongs to is over after
// at most generations generations.
func (s *DEState) Done(generations int) bool { return s.Converged || s.Generation >= generations }

// Best returns the index of the member with the least objective (the
// first of equals).
func (s *DEState) Best() int {
	bi := 0
	for i := range s.F {
		if s.F[i] < s.F[bi] {
			bi = i
		}
	}
	return bi
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
// not depend on the number of workers, nor on whether the search was
// interrupted and resumed (DEOptions.Checkpoint, DEOptions.Resume).
func (p *Problem) DifferentialEvolution(ctx context.Context, opt DEOptions) (DEResult, error) {
	lo, hi := p.Spec.Bounds()
	opt = opt.withDefaults(len(lo))
	if opt.Pop < 4 {
		return DEResult{}, fmt.Errorf("differential evolution: population %d: want at least 4 (a mutant takes three members other than its parent)", opt.Pop)
	}
	r := &deRun{opt: opt, lo: lo, hi: hi}
	if opt.Resume != nil {
		if err := p.CheckDEState(opt.Resume, opt); err != nil {
			return DEResult{}, err
		}
		if err := r.resume(*opt.Resume); err != nil {
			return DEResult{}, err
		}
	}
	if r.st.Done(opt.Generations) && opt.Resume != nil {
		return r.result(), nil
	}
	var err error
	if r.evs, err = p.newEvaluators(opt.Workers); err != nil {
		return DEResult{}, err
	}
	if opt.Resume == nil {
		if err := r.start(ctx); err != nil {
			return r.result(), err
		}
	}
	for !r.st.Done(opt.Generations) {
		if err := r.generation(ctx); err != nil {
			return r.result(), err
		}
	}
	return r.result(), nil
}

func (opt DEOptions) withDefaults(d int) DEOptions {
	if opt.Pop <= 0 {
		opt.Pop = max(20, 10*d)
	}
	if opt.Generations <= 0 {
		opt.Generations = 200
	}
	if opt.CR <= 0 {
		opt.CR = 0.9
	}
	return opt
}

// deRun is one differential evolution search.
type deRun struct {
	opt    DEOptions
	lo, hi []float64
	pcg    *rand.PCG
	rng    *rand.Rand
	evs    []*Evaluator
	st     DEState
}

// CheckDEState reports whether s can resume the search that opt
// describes on p: the same population size, parameter count and bounds,
// no more generations than opt allows, and a random stream that decodes.
func (p *Problem) CheckDEState(s *DEState, opt DEOptions) error {
	lo, hi := p.Spec.Bounds()
	opt = opt.withDefaults(len(lo))
	if len(s.Pop) != opt.Pop || len(s.F) != opt.Pop {
		return fmt.Errorf("differential evolution: resuming a population of %d members (%d objectives), the search has %d", len(s.Pop), len(s.F), opt.Pop)
	}
	if s.Generation < 0 || s.Generation > opt.Generations || s.Evals < 0 {
		return fmt.Errorf("differential evolution: resuming generation %d (%d evaluations), the search has %d generations", s.Generation, s.Evals, opt.Generations)
	}
	for i, x := range s.Pop {
		if len(x) != len(lo) {
			return fmt.Errorf("differential evolution: resumed member %d has %d parameters, the problem %d", i, len(x), len(lo))
		}
		for j, v := range x {
			if !(v >= lo[j] && v <= hi[j]) {
				return fmt.Errorf("differential evolution: resumed member %d's parameter %d is %g, outside [%g, %g]", i, j, v, lo[j], hi[j])
			}
		}
	}
	if err := new(rand.PCG).UnmarshalBinary(s.RNG); err != nil {
		return fmt.Errorf("differential evolution: resumed random stream: %w", err)
	}
	return nil
}

// resume takes over s (checked by CheckDEState).
func (r *deRun) resume(s DEState) error {
	r.pcg = new(rand.PCG)
	if err := r.pcg.UnmarshalBinary(s.RNG); err != nil {
		return err
	}
	r.rng = rand.New(r.pcg)
	r.st = s.clone()
	return nil
}

// start draws and evaluates the initial population.
func (r *deRun) start(ctx context.Context) error {
	r.pcg = rand.NewPCG(r.opt.Seed, 0xde)
	r.rng = rand.New(r.pcg)
	pop := LatinHypercube(r.opt.Pop, r.lo, r.hi, r.rng)
	r.st = DEState{Pop: pop}
	fit, err := r.evalAll(ctx, pop)
	if err != nil {
		return err
	}
	r.st.F = fit
	return r.checkpoint()
}

func (r *deRun) evalAll(ctx context.Context, xs [][]float64) ([]float64, error) {
	fs := make([]float64, len(xs))
	err := forEach(ctx, r.evs, len(xs), func(ev *Evaluator, i int) {
		fs[i], _, _, _, _ = ev.objective(ctx, xs[i], false)
	})
	r.st.Evals += len(xs)
	return fs, err
}

// generation draws the trial vectors, evaluates them, keeps each one that
// is no worse than its parent and checks the objective spread.
func (r *deRun) generation(ctx context.Context) error {
	trial := r.trials()
	ft, err := r.evalAll(ctx, trial)
	if err != nil {
		return err
	}
	s := &r.st
	for i := range s.Pop {
		if ft[i] <= s.F[i] {
			copy(s.Pop[i], trial[i])
			s.F[i] = ft[i]
		}
	}
	s.Generation++
	best, worst := math.Inf(1), math.Inf(-1)
	for _, v := range s.F {
		if !math.IsInf(v, 0) && !math.IsNaN(v) {
			best = math.Min(best, v)
			worst = math.Max(worst, v)
		}
	}
	if r.opt.Progress != nil {
		r.opt.Progress(s.Generation, best)
	}
	tol := r.opt.Tol
	if tol <= 0 {
		tol = 1e-6 * (1 + math.Abs(best))
	}
	s.Converged = worst-best < tol
	return r.checkpoint()
}

// trials draws one trial vector per member from the stream.
func (r *deRun) trials() [][]float64 {
	pop, lo, hi, rng := r.st.Pop, r.lo, r.hi, r.rng
	d := len(lo)
	trial := make([][]float64, len(pop))
	f := 0.5 + 0.5*rng.Float64()
	for i := range pop {
		trial[i] = make([]float64, d)
		a, b, c := pick3(rng, len(pop), i)
		jr := rng.IntN(d)
		for j := 0; j < d; j++ {
			v := pop[i][j]
			if j == jr || rng.Float64() < r.opt.CR {
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
	return trial
}

// checkpoint hands a copy of the state to opt.Checkpoint.
func (r *deRun) checkpoint() error {
	if r.opt.Checkpoint == nil {
		return nil
	}
	b, err := r.pcg.MarshalBinary()
	if err != nil {
		return err
	}
	s := r.st.clone()
	s.RNG = b
	if err := r.opt.Checkpoint(s); err != nil {
		return fmt.Errorf("differential evolution: checkpoint after generation %d: %w", s.Generation, err)
	}
	return nil
}

// result is the best member so far.
func (r *deRun) result() DEResult {
	res := DEResult{Generations: r.st.Generation, Evals: r.st.Evals}
	if len(r.st.F) == len(r.st.Pop) && len(r.st.Pop) > 0 {
		bi := r.st.Best()
		res.U, res.F = append([]float64(nil), r.st.Pop[bi]...), r.st.F[bi]
	}
	return res
}

func (s DEState) clone() DEState {
	c := s
	c.Pop = make([][]float64, len(s.Pop))
	for i, x := range s.Pop {
		c.Pop[i] = append([]float64(nil), x...)
	}
	c.F = append([]float64(nil), s.F...)
	c.RNG = append([]byte(nil), s.RNG...)
	return c
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
