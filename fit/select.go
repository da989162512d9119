package fit

import (
	"context"
	"math"
	"runtime"
	"sync"
)

// DefaultGrid is the candidate λ of each penalty block: 10^-3 … 10^3 in
// half decades (the abundances of absolute methods are in units of the
// mean sample total, time in days).
func DefaultGrid() []float64 {
	var g []float64
	for e := -3.0; e <= 3.0001; e += 0.5 {
		g = append(g, math.Pow(10, e))
	}
	return g
}

// DefaultL1Ratios are the elastic-net mixing candidates ρ.
func DefaultL1Ratios() []float64 { return []float64{0.1, 0.5, 0.9} }

// Candidate is one penalty tried by the inner cross-validation and its
// score: the mean over inner held-out subjects of the mean square error of
// forecast relative abundances (+Inf when a forecast diverged).
type Candidate struct {
	Penalty Penalty
	Score   float64
}

// Selection records how the penalty was chosen.
type Selection struct {
	// Folds is the number of inner folds (leave-one-subject-out up to 10
	// subjects, else 10 folds by subject index modulo 10).
	Folds int
	Tried []Candidate // in the order evaluated
	Best  Candidate
}

// RMSE returns the root of the best score: the inner-CV root mean square
// error of forecast relative abundances.
func (s *Selection) RMSE() float64 { return math.Sqrt(s.Best.Score) }

// cvSet is a training set prepared for inner cross-validation.
type cvSet struct {
	tr    *transform
	lay   layout
	ps    []*prepared
	folds []int // fold of each subject
	nf    int
	gram  []float64 // all subjects
	cross []float64
}

func newCVSet(tr *transform, lay layout, ps []*prepared) *cvSet {
	c := &cvSet{tr: tr, lay: lay, ps: ps, folds: make([]int, len(ps)), nf: len(ps)}
	if c.nf > 10 {
		c.nf = 10
	}
	for i := range ps {
		c.folds[i] = i % c.nf
	}
	c.gram = make([]float64, lay.p*lay.p)
	c.cross = make([]float64, lay.p*lay.m)
	sums(ps, lay, -1, c.gram, c.cross)
	return c
}

// worker holds per-goroutine scratch for scoring candidates.
type worker struct {
	sol         *solver
	gram, cross []float64
}

func (c *cvSet) newWorker() *worker {
	return &worker{sol: newSolver(c.lay), gram: make([]float64, len(c.gram)), cross: make([]float64, len(c.cross))}
}

// fitParams solves the regression for the given Gram and cross products.
func (w *worker) fitParams(m Method, gram, cross []float64, pen Penalty) (*params, error) {
	var err error
	if pen.L1Ratio > 0 {
		err = w.sol.elasticNet(gram, cross, pen, 1e-8, 10000)
	} else {
		err = w.sol.ridge(gram, cross, pen)
	}
	if err != nil {
		return nil, err
	}
	return fromBeta(w.sol.lay, w.sol.beta), nil
}

// score returns the inner-CV score of pen.
func (c *cvSet) score(ctx context.Context, w *worker, pen Penalty) (float64, error) {
	tot, n := 0.0, 0
	for f := 0; f < c.nf; f++ {
		copy(w.gram, c.gram)
		copy(w.cross, c.cross)
		for i, s := range c.ps {
			if c.folds[i] != f {
				continue
			}
			for k, v := range s.gram {
				w.gram[k] -= v
			}
			for k, v := range s.cross {
				w.cross[k] -= v
			}
		}
		pr, err := w.fitParams(c.tr.method, w.gram, w.cross, pen)
		if err != nil {
			return math.Inf(1), nil
		}
		fc, err := newForecasterTol(c.tr, pr, scoreRTol, scoreATol)
		if err != nil {
			return 0, err
		}
		for i, s := range c.ps {
			if c.folds[i] != f {
				continue
			}
			rel, _, err := predictSubject(ctx, fc, c.tr, s.subject)
			if err != nil {
				if ctx.Err() != nil {
					return 0, ctx.Err()
				}
				return math.Inf(1), nil
			}
			r := RMSE(s.obs, rel)
			tot += r * r
			n++
		}
	}
	return tot / float64(n), nil
}

// selectPenalty searches the grid block by block (coordinate search: one
// block at a time, the others held, until a full pass changes nothing),
// starting from λ = 1 everywhere: first over every other grid value, then
// over the grid neighbours of the current value. Candidates of one line
// are scored in parallel.
func (c *cvSet) selectPenalty(ctx context.Context, grid, ratios []float64, workers int) (*Selection, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ps := &penaltySearch{c: c, seen: map[Penalty]float64{}, sel: &Selection{Folds: c.nf}}
	for range workers {
		ps.ws = append(ps.ws, c.newWorker())
	}
	ps.cur = Penalty{Growth: 1, Interaction: 1, Perturbation: 1}
	if c.lay.nu == 0 {
		ps.cur.Perturbation = 0
	}
	if c.tr.en {
		ps.cur.L1Ratio = ratios[len(ratios)/2]
	}
	sc, err := ps.eval(ctx, []Penalty{ps.cur})
	if err != nil {
		return nil, err
	}
	ps.best = sc[0]
	// Blocks: 0 interactions, 1 growth, 2 perturbations, 3 L1 ratio.
	blocks := []int{0, 1}
	if c.lay.nu > 0 {
		blocks = append(blocks, 2)
	}
	if c.tr.en {
		blocks = append(blocks, 3)
	}
	// Coarse passes over every other grid value, then passes over the
	// neighbours of the current value in the full grid.
	var coarse []float64
	for i := 0; i < len(grid); i += 2 {
		coarse = append(coarse, grid[i])
	}
	for _, fine := range []bool{false, true} {
		for pass := 0; pass < 6; pass++ {
			changed := false
			for _, b := range blocks {
				vals := coarse
				switch {
				case b == 3:
					vals = ratios
				case fine:
					vals = neighbours(grid, ps.cur.block(b))
				}
				moved, err := ps.line(ctx, b, vals)
				if err != nil {
					return nil, err
				}
				changed = changed || moved
			}
			if !changed {
				break
			}
		}
	}
	ps.sel.Best = Candidate{ps.cur, ps.best}
	return ps.sel, nil
}

// penaltySearch is selectPenalty's state: the workers, every score so far
// (each candidate is scored once), and the current best.
type penaltySearch struct {
	c    *cvSet
	ws   []*worker
	seen map[Penalty]float64
	sel  *Selection
	cur  Penalty
	best float64
}

// eval scores the candidates not seen before in parallel, records them in
// the selection's Tried in candidate order, and returns every candidate's
// score.
func (ps *penaltySearch) eval(ctx context.Context, cands []Penalty) ([]float64, error) {
	out := make([]float64, len(cands))
	var todo []int
	for i, p := range cands {
		if v, ok := ps.seen[p]; ok {
			out[i] = v
		} else {
			todo = append(todo, i)
		}
	}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	next := 0
	for _, w := range ps.ws {
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= len(todo) || firstErr != nil {
					mu.Unlock()
					return
				}
				i := todo[next]
				next++
				mu.Unlock()
				v, err := ps.c.score(ctx, w, cands[i])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				out[i] = v
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	for _, i := range todo {
		ps.seen[cands[i]] = out[i]
		ps.sel.Tried = append(ps.sel.Tried, Candidate{cands[i], out[i]})
	}
	return out, nil
}

// line scores block b at the values vals (the others held) and moves to
// the best candidate; it reports whether it moved.
func (ps *penaltySearch) line(ctx context.Context, b int, vals []float64) (bool, error) {
	cands := make([]Penalty, len(vals))
	for i, v := range vals {
		cands[i] = ps.cur.with(b, v)
	}
	scores, err := ps.eval(ctx, cands)
	if err != nil {
		return false, err
	}
	moved := false
	for i, s := range scores {
		if s < ps.best {
			ps.best, ps.cur, moved = s, cands[i], true
		}
	}
	return moved, nil
}

// block returns p's value in block b (0 interactions, 1 growth,
// 2 perturbations, 3 L1 ratio).
func (p Penalty) block(b int) float64 {
	return [4]float64{p.Interaction, p.Growth, p.Perturbation, p.L1Ratio}[b]
}

// with returns p with block b set to v.
func (p Penalty) with(b int, v float64) Penalty {
	switch b {
	case 0:
		p.Interaction = v
	case 1:
		p.Growth = v
	case 2:
		p.Perturbation = v
	case 3:
		p.L1Ratio = v
	}
	return p
}

// neighbours returns the values of grid next to v (v itself excluded).
func neighbours(grid []float64, v float64) []float64 {
	for i, g := range grid {
		if g == v {
			var out []float64
			if i > 0 {
				out = append(out, grid[i-1])
			}
			if i+1 < len(grid) {
				out = append(out, grid[i+1])
			}
			return out
		}
	}
	return nil
}
