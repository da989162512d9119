package estimate

import (
	"context"
	"fmt"
	"math"
	"sort"
)

// Time-horizon continuation (data-horizon homotopy): a local optimisation
// first fits only the measurements up to an early time T1, then from that
// end point those up to T2 > T1, and so on, and finally all of them. A
// short stretch of an oscillation can be matched by a trajectory whose
// period is still wrong; the full data set then prefers the flat curve at
// the data's mean, to which a start from a random point descends. Fitting
// the early data first moves the period and phase before the later
// measurements can pull the fit flat. Remedy of this kind for oscillatory
// and chaotic fits: incremental fitting of growing time windows (Bock 1981;
// Peifer and Timmer 2007 discuss it beside multiple shooting).

// Stage is one stage of a local optimisation: a horizon stage, or a
// multiple-shooting penalty stage (Weight > 0) or final fit.
type Stage struct {
	Horizon float64 // measurements with time ≤ Horizon were fitted (+Inf: all)
	F       float64 // objective over those measurements at the stage's end
	Iter    int
	Evals   int
	Status  string
	// multiple shooting: the continuity weight (0: none, the ordinary
	// objective) and the largest relative continuity gap at the end
	Weight, Gap float64
}

// SetHorizon leaves the measurements after time t out of ev's objective
// (their Sim and Sigma are NaN in Evaluate's Result) and stops the
// simulations at t; steady-state measurements (time inf) are left out for
// any finite t. t = +Inf (the default) restores the full objective.
func (ev *Evaluator) SetHorizon(t float64) { ev.horizon = t }

// HorizonStages returns the intermediate horizons of k-stage continuation:
// T_j = t0 + j/k·(t1 − t0) for j = 1..k−1, with t0 and t1 the earliest and
// latest finite measurement times, keeping those that add measurements
// (a horizon with no measurement, or the same measurements as the one
// before it, is dropped). k = 1 gives none (plain local optimisation).
func (p *Problem) HorizonStages(k int) ([]float64, error) {
	if k < 1 {
		return nil, fmt.Errorf("horizon stages %d: want at least 1", k)
	}
	var times []float64
	for _, m := range p.Spec.Measurements {
		if !math.IsInf(m.Time, 0) {
			times = append(times, m.Time)
		}
	}
	sort.Float64s(times)
	if k == 1 {
		return nil, nil
	}
	if len(times) == 0 || times[0] == times[len(times)-1] {
		return nil, fmt.Errorf("horizon stages %d: the measurements must span two or more finite times", k)
	}
	t0, t1 := times[0], times[len(times)-1]
	var hs []float64
	prev := 0
	for j := 1; j < k; j++ {
		h := t0 + float64(j)/float64(k)*(t1-t0)
		n := sort.Search(len(times), func(i int) bool { return times[i] > h })
		if n > prev && n < len(times) {
			hs = append(hs, h)
			prev = n
		}
	}
	return hs, nil
}

// MinimizeStaged runs Minimize once per horizon of hs (increasing), each
// from the previous stage's end point, and then on the full objective. The
// returned result is the last stage's, with the iterations, evaluations
// and failed trial points summed over the stages. Without horizons it is
// Minimize. A first stage whose start point fails returns Minimize's
// "start point failed" (the caller may redraw the point); a later stage
// whose start point fails (the longer simulation fails at the previous
// stage's end point) ends the start with status "stage N start point
// failed". With opt.MaxEvals the stages share that budget: each stage
// before the last may use what the earlier ones left but one evaluation,
// which is kept for the full objective (a stage with nothing left is
// skipped).
func (ev *Evaluator) MinimizeStaged(ctx context.Context, u0, lo, hi []float64, opt LocalOptions, hs []float64) (LocalResult, []Stage, error) {
	defer ev.SetHorizon(math.Inf(1))
	var stages []Stage
	var tot, lr LocalResult
	var err error
	u := u0
	for i := 0; i <= len(hs); i++ {
		h := math.Inf(1)
		if i < len(hs) {
			h = hs[i]
		}
		sopt, ok := stageOptions(opt, tot.Evals, min(len(hs)-i, 1))
		if !ok {
			continue // the evaluation budget is spent: on to the full objective
		}
		ev.SetHorizon(h)
		lr, err = ev.Minimize(ctx, u, lo, hi, sopt)
		stages = append(stages, Stage{Horizon: h, F: lr.F, Iter: lr.Iter, Evals: lr.Evals, Status: lr.Status})
		addWork(&tot, lr)
		lr.Iter, lr.Evals, lr.Grads, lr.Failed = tot.Iter, tot.Evals, tot.Grads, tot.Failed
		if err != nil {
			if len(stages) > 1 && lr.Status == "start point failed" {
				lr.Status = fmt.Sprintf("stage %d start point failed", i+1)
				err = fmt.Errorf("horizon stage %d of %d (t ≤ %g): %w", i+1, len(hs)+1, h, err)
			}
			break
		}
		u = lr.U
	}
	if len(hs) == 0 {
		stages = nil
	}
	return lr, stages, err
}
