package estimate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"time"
)

// LatinHypercube returns n points in the box [lo, hi] (rows of d
// coordinates): each coordinate's range is cut into n equal strata, each
// stratum holds exactly one point (at a uniform position within it), and
// the strata are matched across coordinates by independent random
// permutations drawn from rng.
func LatinHypercube(n int, lo, hi []float64, rng *rand.Rand) [][]float64 {
	d := len(lo)
	pts := make([][]float64, n)
	for i := range pts {
		pts[i] = make([]float64, d)
	}
	for j := 0; j < d; j++ {
		perm := rng.Perm(n)
		for i := 0; i < n; i++ {
			v := (float64(perm[i]) + rng.Float64()) / float64(n)
			pts[i][j] = lo[j] + v*(hi[j]-lo[j])
		}
	}
	return pts
}

// StartResult is one local optimisation of a multi-start run.
type StartResult struct {
	Index     int       // start number (0-based; Global marks the global method's start)
	Global    bool      // started from the global method's best point
	U0        []float64 // start point on the parameters' scales
	Resampled int       // start points drawn again because the simulation failed there
	LocalResult
	Stages  []Stage // with horizon continuation: each stage's outcome (the last is LocalResult's)
	Seconds float64 // wall time of this start
	Err     string  // why the start failed, if it did
}

// MultiStartOptions configure MultiStart.
type MultiStartOptions struct {
	Starts  int    // number of local optimisations (default 10)
	Seed    uint64 // seed of the Latin-hypercube start points
	Workers int    // parallel workers (default GOMAXPROCS)
	Local   LocalOptions
	// Resample: a start point where the simulation fails is replaced by a
	// uniform draw within the bounds (at most this many times; default 20).
	Resample int
	// Progress, if set, is called after each start completes (from the
	// worker goroutines, serialised).
	Progress func(done, total int, r StartResult)
	// Points, if set, are the Starts start points (ScreenStarts's) in
	// place of the Latin hypercube.
	Points [][]float64
	// Horizons, if set, are the intermediate horizons of time-horizon
	// continuation (HorizonStages): each start runs MinimizeStaged.
	Horizons []float64
	// Shooting, if set, fits each start by multiple shooting
	// (ShootEvaluator.Minimize); not with Horizons.
	Shooting *Shooting
	// Done holds starts finished earlier (by index, e.g. read back from a
	// calibration's starts.jsonl): they are not run again, and they count
	// towards Progress's done.
	Done map[int]StartResult
}

// MultiStart runs local optimisations (Minimize) from Latin-hypercube
// points within the bounds of the estimated parameters (on their scales),
// or from opt.Points.
// Start i depends only on (Seed, i), so the results do not depend on the
// number of workers. Results are sorted by their final objective, best
// first (failed starts last).
func (p *Problem) MultiStart(ctx context.Context, opt MultiStartOptions) ([]StartResult, error) {
	if opt.Starts <= 0 {
		opt.Starts = 10
	}
	if opt.Resample <= 0 {
		opt.Resample = 20
	}
	lo, hi, err := p.finiteBounds()
	if err != nil {
		return nil, err
	}
	pts := opt.Points
	if pts == nil {
		pts = LatinHypercube(opt.Starts, lo, hi, lhsStream(opt.Seed))
	} else if len(pts) != opt.Starts {
		return nil, fmt.Errorf("multi-start: %d start points for %d starts", len(pts), opt.Starts)
	}
	if err := checkDone(opt.Done, opt.Starts, len(lo)); err != nil {
		return nil, err
	}
	evs, err := p.newEvaluators(opt.Workers)
	if err != nil {
		return nil, err
	}
	shoot, err := shootEvaluators(evs, opt)
	if err != nil {
		return nil, err
	}
	results := make([]StartResult, opt.Starts)
	var todo []int
	for i := range results {
		if r, ok := opt.Done[i]; ok {
			results[i] = r
		} else {
			todo = append(todo, i)
		}
	}
	var mu sync.Mutex
	done := opt.Starts - len(todo)
	err = forEach(ctx, evs, len(todo), func(ev *Evaluator, k int) {
		i := todo[k]
		r := ev.runStart(ctx, i, pts[i], lo, hi, opt, shoot[ev])
		mu.Lock()
		defer mu.Unlock()
		results[i] = r
		done++
		if opt.Progress != nil {
			opt.Progress(done, opt.Starts, r)
		}
	})
	if err != nil {
		return nil, err
	}
	SortStarts(results)
	return results, nil
}

// runStart runs one start: resamples the start point (from a stream keyed
// by the start's index) while the simulation fails there.
func (ev *Evaluator) runStart(ctx context.Context, i int, u0, lo, hi []float64, opt MultiStartOptions, se *ShootEvaluator) StartResult {
	t0 := time.Now()
	r := StartResult{Index: i, U0: append([]float64(nil), u0...)}
	rng := rand.New(rand.NewPCG(opt.Seed^0x7e5a3b1e, uint64(i)))
	for {
		var lr LocalResult
		var st []Stage
		var err error
		if se != nil {
			lr, st, err = se.Minimize(ctx, ev, r.U0, lo, hi, opt.Local)
		} else {
			lr, st, err = ev.MinimizeStaged(ctx, r.U0, lo, hi, opt.Local, opt.Horizons)
		}
		r.LocalResult, r.Stages = lr, st
		if err == nil || lr.Status != "start point failed" || r.Resampled >= opt.Resample || ctx.Err() != nil {
			if err != nil {
				r.Err = err.Error()
			}
			break
		}
		r.Resampled++
		for j := range r.U0 {
			r.U0[j] = lo[j] + rng.Float64()*(hi[j]-lo[j])
		}
	}
	if r.U == nil {
		r.U = append([]float64(nil), r.U0...)
	}
	r.Seconds = time.Since(t0).Seconds()
	return r
}

// shootEvaluators pairs each evaluator with an evaluator of the segmented
// problem when opt.Shooting is set (nil map otherwise).
func shootEvaluators(evs []*Evaluator, opt MultiStartOptions) (map[*Evaluator]*ShootEvaluator, error) {
	if opt.Shooting == nil {
		return nil, nil
	}
	if len(opt.Horizons) > 0 {
		return nil, fmt.Errorf("multi-start: multiple shooting and horizon continuation cannot be combined")
	}
	m := map[*Evaluator]*ShootEvaluator{}
	for _, ev := range evs {
		if ev.p != opt.Shooting.Base {
			return nil, fmt.Errorf("multi-start: the multiple-shooting problem was built from another problem")
		}
		se, err := opt.Shooting.NewEvaluator()
		if err != nil {
			return nil, err
		}
		m[ev] = se
	}
	return m, nil
}

// SortStarts orders start results by final objective (failed starts, with
// an infinite or NaN objective, last; ties by index).
func SortStarts(rs []StartResult) {
	key := func(r StartResult) float64 {
		if r.Err != "" || math.IsNaN(r.F) {
			return math.Inf(1)
		}
		return r.F
	}
	sort.SliceStable(rs, func(a, b int) bool {
		ka, kb := key(rs[a]), key(rs[b])
		if ka != kb {
			return ka < kb
		}
		return rs[a].Index < rs[b].Index
	})
}

// checkDone refuses earlier starts that cannot belong to this run: an index
// outside [0, starts) or a start or final point of another dimension.
func checkDone(done map[int]StartResult, starts, dim int) error {
	for i, r := range done {
		switch {
		case i < 0 || i >= starts:
			return fmt.Errorf("multi-start: finished start %d is outside 0..%d", i, starts-1)
		case r.Index != i:
			return fmt.Errorf("multi-start: finished start %d records index %d", i, r.Index)
		case len(r.U0) != dim || len(r.U) != dim:
			return fmt.Errorf("multi-start: finished start %d has %d start and %d final values for %d parameters", i, len(r.U0), len(r.U), dim)
		}
	}
	return nil
}
