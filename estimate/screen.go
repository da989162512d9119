package estimate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// lhsStream is the stream of the Latin-hypercube start points (and of the
// screening candidates) for a seed.
func lhsStream(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed1a7)) }

// Screening is the outcome of ScreenStarts: every candidate's objective
// and which candidates the local starts begin at.
type Screening struct {
	Points [][]float64 // the M candidates (on the parameters' scales), in drawing order
	// F is the objective −(llh + log prior) at each candidate, +Inf where
	// the simulation failed or the value is not finite.
	F      []float64
	Chosen []int // the candidates the starts begin at, best first: start i at Points[Chosen[i]]
	Failed int   // candidates whose objective is +Inf
}

// ScreenStarts draws m Latin-hypercube candidates within the bounds (on
// the parameters' scales, from the same stream as MultiStart's start
// points for seed), evaluates the objective at each (no gradient) and
// returns the start points of the n best, best first: candidates rank by
// objective, failed ones last, ties by drawing order. The objective at a
// point does not depend on which evaluator computes it, so neither does
// the result on workers. A screening of m = n candidates runs the same
// points as unscreened starts, in another order.
func (p *Problem) ScreenStarts(ctx context.Context, n, m int, seed uint64, workers int) ([][]float64, Screening, error) {
	if n < 1 || m < n {
		return nil, Screening{}, fmt.Errorf("screening %d candidates for %d starts: want at least as many candidates as starts, and a start", m, n)
	}
	lo, hi, err := p.finiteBounds()
	if err != nil {
		return nil, Screening{}, err
	}
	evs, err := p.newEvaluators(workers)
	if err != nil {
		return nil, Screening{}, err
	}
	s := Screening{Points: LatinHypercube(m, lo, hi, lhsStream(seed)), F: make([]float64, m)}
	err = forEach(ctx, evs, m, func(ev *Evaluator, i int) {
		s.F[i], _, _, _, _ = ev.objective(ctx, s.Points[i], false)
	})
	if err != nil {
		return nil, Screening{}, err
	}
	return s.choose(n), s, nil
}

// ScreeningFromObjectives rebuilds the result of ScreenStarts(ctx, n,
// len(f), seed, ·) from the candidates' recorded objectives f (Screening.F
// of that run): the candidates are drawn again, which is cheap, and
// nothing is simulated. A resumed calibration uses it instead of screening
// again.
func (p *Problem) ScreeningFromObjectives(n int, f []float64, seed uint64) ([][]float64, Screening, error) {
	m := len(f)
	if n < 1 || m < n {
		return nil, Screening{}, fmt.Errorf("screening of %d candidates for %d starts: want at least as many candidates as starts, and a start", m, n)
	}
	lo, hi, err := p.finiteBounds()
	if err != nil {
		return nil, Screening{}, err
	}
	s := Screening{Points: LatinHypercube(m, lo, hi, lhsStream(seed)), F: append([]float64(nil), f...)}
	return s.choose(n), s, nil
}

// choose marks non-finite objectives as failed (+Inf), ranks the
// candidates and returns copies of the n best points, best first.
func (s *Screening) choose(n int) [][]float64 {
	s.Failed = 0
	for i, f := range s.F {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			s.F[i] = math.Inf(1)
			s.Failed++
		}
	}
	s.Chosen = rankCandidates(s.F)[:n]
	pts := make([][]float64, n)
	for i, c := range s.Chosen {
		pts[i] = append([]float64(nil), s.Points[c]...)
	}
	return pts
}

// rankCandidates returns the indices of f in ascending order of f, values
// that are NaN or ±Inf last (−Inf is a failure too: no likelihood reaches
// it), ties by index.
func rankCandidates(f []float64) []int {
	key := func(v float64) float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.Inf(1)
		}
		return v
	}
	idx := make([]int, len(f))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return key(f[idx[a]]) < key(f[idx[b]]) })
	return idx
}

// finiteBounds returns the bounds of the estimated parameters on their
// scales, or an error naming the first parameter whose bound is infinite.
func (p *Problem) finiteBounds() ([]float64, []float64, error) {
	lo, hi := p.Spec.Bounds()
	for i := range lo {
		if math.IsInf(lo[i], 0) || math.IsInf(hi[i], 0) {
			return nil, nil, errAt(p.Spec.Params[p.Free[i]].Src, p.Spec.Params[p.Free[i]].ID, "multi-start needs finite bounds on the estimation scale, got [%v, %v]", lo[i], hi[i])
		}
	}
	return lo, hi, nil
}
