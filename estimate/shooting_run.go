package estimate

import (
	"context"
	"fmt"
	"math"
)

// ShootEvaluator evaluates a Shooting's segmented problem; one per
// goroutine.
type ShootEvaluator struct {
	sh *Shooting
	ev *Evaluator
}

// NewEvaluator returns an evaluator of the segmented problem.
func (sh *Shooting) NewEvaluator() (*ShootEvaluator, error) {
	ev, err := sh.Seg.NewEvaluator()
	if err != nil {
		return nil, err
	}
	ev.over = make([]float64, len(sh.Seg.Spec.Params))
	for i := range ev.over {
		ev.over[i] = math.NaN()
	}
	return &ShootEvaluator{sh: sh, ev: ev}, nil
}

// Evaluator returns the segmented problem's evaluator (its parameters: the
// base problem's Free parameters, then the node states).
func (se *ShootEvaluator) Evaluator() *Evaluator { return se.ev }

// NumNodes returns the number of node-state variables.
func (sh *Shooting) NumNodes() int { return len(sh.nodeK) }

// InitNodes returns the node states of the base problem's trajectory at u
// (Free order): the state at each node time, simulated segment by segment
// (with the horizon at t_k, the segments before t_k run from the node
// states already set, and the continuity measurements at t_k, x − s with
// s still 0, read x(t_k⁻)).
func (se *ShootEvaluator) InitNodes(ctx context.Context, u []float64) ([]float64, error) {
	sh, ev := se.sh, se.ev
	nf, nn := len(sh.Base.Free), len(sh.nodeK)
	full := make([]float64, nf+nn)
	copy(full, u)
	defer ev.SetHorizon(math.Inf(1))
	for k := 1; k <= len(sh.Times); k++ {
		ev.SetHorizon(sh.Times[k-1])
		sim, err := ev.Simulate(ctx, full)
		if err != nil {
			return nil, err
		}
		for i := range nn {
			if sh.nodeK[i] == k {
				full[nf+i] = sim[sh.contStart+i]
			}
		}
	}
	return full[nf:], nil
}

// Scales returns each state's continuity scale: the largest magnitude of
// its node values, at least 1e-6 of the largest state's (1 when all are 0).
func (sh *Shooting) Scales(nodes []float64) []float64 {
	sc := make([]float64, len(sh.States))
	for i, v := range nodes {
		x := sh.nodeX[i]
		sc[x] = math.Max(sc[x], math.Abs(v))
	}
	top := 0.0
	for _, v := range sc {
		top = math.Max(top, v)
	}
	if top == 0 {
		top = 1
	}
	for i := range sc {
		sc[i] = math.Max(sc[i], 1e-6*top)
	}
	return sc
}

// nodeBounds returns the node variables' bounds: within 100 times the
// state's scale, not below 0 for species.
func (sh *Shooting) nodeBounds(sc []float64) (lo, hi []float64) {
	for i := range sh.nodeK {
		x := sh.nodeX[i]
		h := 100 * sc[x]
		l := -h
		if sh.Base.mi.species[sh.States[x]] != nil {
			l = 0
		}
		lo, hi = append(lo, l), append(hi, h)
	}
	return lo, hi
}

// SetWeight sets the continuity terms' σ to scale/w.
func (se *ShootEvaluator) SetWeight(sc []float64, w float64) {
	for x, j := range se.sh.sigma {
		se.ev.over[j] = sc[x] / w
	}
}

// Gap returns the largest continuity gap |x(t_k⁻) − s_k|/scale at v (the
// base's Free parameters, then the node states).
func (se *ShootEvaluator) Gap(ctx context.Context, v, sc []float64) (float64, error) {
	sim, err := se.ev.Simulate(ctx, v)
	if err != nil {
		return math.Inf(1), err
	}
	g := 0.0
	for i, x := range se.sh.nodeX {
		g = math.Max(g, math.Abs(sim[se.sh.contStart+i])/sc[x])
	}
	return g, nil
}

// Minimize runs one multiple-shooting local optimisation from u0 (the base
// problem's Free parameters, within [lo, hi]): the node states start on
// u0's trajectory or, with NodeInitData, the observed ones from the data
// (DataNodes; the continuity scales and node bounds are the trajectory's
// either way), each penalty stage minimises the segmented objective at
// a weight (stopping once the gap is below the tolerance), and a last,
// ordinary local optimisation of the base problem (ev) from the
// parameters found gives the result, a true log-likelihood of the base
// problem. Stages lists the penalty stages (Weight > 0) and the final
// fit (Weight 0). A start where the trajectory cannot be simulated returns
// Minimize's "start point failed". With opt.MaxEvals the stages and the
// final fit share that budget, one evaluation of it kept for the final
// fit, so that the start reports the problem's log-likelihood.
func (se *ShootEvaluator) Minimize(ctx context.Context, ev *Evaluator, u0, lo, hi []float64, opt LocalOptions) (LocalResult, []Stage, error) {
	sh := se.sh
	nf := len(sh.Base.Free)
	u0 = clipTo(append([]float64(nil), u0...), lo, hi)
	traj, err := se.InitNodes(ctx, u0)
	nodes := traj
	if err == nil && sh.opt.NodeInit == NodeInitData {
		nodes, _, err = se.DataNodes(ctx, u0, traj)
	}
	if err != nil {
		return LocalResult{U: u0, F: math.Inf(1), LLH: math.Inf(-1), Status: "start point failed"}, nil, err
	}
	sc := sh.Scales(traj)
	nlo, nhi := sh.nodeBounds(sc)
	v := clipTo(append(append([]float64(nil), u0...), nodes...), append(append([]float64(nil), lo...), nlo...), append(append([]float64(nil), hi...), nhi...))
	var tot LocalResult
	var stages []Stage
	sopt := opt
	sopt.MaxIter = min(sh.opt.StageIter, opt.withDefaults().MaxIter)
	for si, w := range sh.opt.Weights {
		wopt, ok := stageOptions(sopt, tot.Evals, 1)
		if !ok {
			break // the evaluation budget is spent but for the final fit's one
		}
		se.SetWeight(sc, w)
		lr, err := se.ev.Minimize(ctx, v, append(append([]float64(nil), lo...), nlo...), append(append([]float64(nil), hi...), nhi...), wopt)
		addWork(&tot, lr)
		st := Stage{Horizon: math.Inf(1), Weight: w, F: lr.F, Iter: lr.Iter, Evals: lr.Evals, Status: lr.Status, Gap: math.Inf(1)}
		if err != nil {
			stages = append(stages, st)
			if ctx.Err() != nil || (si == 0 && lr.Status == "start point failed") {
				lr.Iter, lr.Evals, lr.Grads, lr.Failed = tot.Iter, tot.Evals, tot.Grads, tot.Failed
				return lr, stages, fmt.Errorf("multiple shooting, weight %g: %w", w, err)
			}
			break // go on to the final fit from the last stage's start
		}
		v = lr.U
		st.Gap, _ = se.Gap(ctx, v, sc)
		stages = append(stages, st)
		if st.Gap < sh.opt.Tol {
			break
		}
	}
	fopt, _ := stageOptions(opt, tot.Evals, 0)
	lr, err := ev.Minimize(ctx, v[:nf], lo, hi, fopt)
	addWork(&tot, lr)
	stages = append(stages, Stage{Horizon: math.Inf(1), F: lr.F, Iter: lr.Iter, Evals: lr.Evals, Status: lr.Status})
	lr.Iter, lr.Evals, lr.Grads, lr.Failed = tot.Iter, tot.Evals, tot.Grads, tot.Failed
	if err != nil && lr.Status == "start point failed" {
		lr.Status = "final start point failed"
		err = fmt.Errorf("multiple shooting: single-shooting fit from the parameters found: %w", err)
	}
	return lr, stages, err
}

// addWork adds lr's iterations, evaluations and failed trial points to tot.
func addWork(tot *LocalResult, lr LocalResult) {
	tot.Iter += lr.Iter
	tot.Evals += lr.Evals
	tot.Grads += lr.Grads
	tot.Failed += lr.Failed
}

// Options returns the options in force (defaults filled in).
func (sh *Shooting) Options() ShootingOptions { return sh.opt }
