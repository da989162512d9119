package estimate

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/holobiont/holobiont/expr"
)

// Multiple shooting (Bock 1983; Peifer and Timmer 2007, IET Syst Biol
// 1:78): the time axis of every experiment is cut at M−1 measurement times
// (the nodes) into M segments; segment k ≥ 1 integrates from free node
// states s_k (extra optimisation variables) with the same parameters p. The
// objective adds to the data terms continuity terms, one per node and
// state, ((x(t_k⁻; s_{k−1}, p) − s_k)/σ)² with σ = scale/w, and the weight w
// is raised over penalty stages until continuity holds. A trajectory that
// has lost the phase of an oscillation is then corrected segment by
// segment instead of being pulled flat by the later data.
//
// The segmented problem is an ordinary Problem built from the Spec: segment
// k ≥ 1 of experiment e is an experiment whose only period starts at t_k
// and sets every node state to its node parameter (the first-period
// condition changes that enter the initialisation, so that the node
// parameters' sensitivities start as the identity through the existing
// initial-sensitivity path), and the continuity terms are measurements of
// value 0 of observables x − s_k with noise σ. Gradients and the Fisher
// information therefore come from the same forward sensitivities as every
// other problem's.

// ShootingOptions configure multiple shooting.
type ShootingOptions struct {
	// Segments M ≥ 2: the experiments are cut at M−1 node times.
	Segments int
	// Weights are the continuity weights w of the penalty stages, in
	// increasing order (default 1, 10, 100, 1000).
	Weights []float64
	// Tol ends the penalty stages once the largest continuity gap
	// |x(t_k⁻) − s_k|/scale is below it (default 1e-3).
	Tol float64
	// StageIter bounds the iterations of each penalty stage (default
	// 100; the final single-shooting fit has LocalOptions.MaxIter).
	StageIter int
	// NodeInit is how the node states start: NodeInitTrajectory (on the
	// start point's trajectory) or NodeInitData (observed states from the
	// data, Peifer and Timmer 2007; see ShootEvaluator.DataNodes). ""
	// means NodeInitTrajectory.
	NodeInit string
}

// The node initialisations of ShootingOptions.NodeInit.
const (
	NodeInitTrajectory = "trajectory"
	NodeInitData       = "data"
)

func (o ShootingOptions) withDefaults() ShootingOptions {
	if len(o.Weights) == 0 {
		o.Weights = []float64{1, 10, 100, 1000}
	}
	if o.Tol <= 0 {
		o.Tol = 1e-3
	}
	if o.StageIter <= 0 {
		o.StageIter = 100
	}
	if o.NodeInit == "" {
		o.NodeInit = NodeInitTrajectory
	}
	return o
}

// Shooting is a Problem recast for multiple shooting.
type Shooting struct {
	Base   *Problem  // the original problem
	Seg    *Problem  // the segmented problem
	Times  []float64 // node times t_1 < … < t_{M−1}
	States []string  // the node states (state variables of the model)
	opt    ShootingOptions
	// per extra Free position (after Base's Free): the node's time index
	// k (1-based) and state index
	nodeK, nodeX []int
	// the continuity measurements are Seg.Spec.Measurements[contStart:],
	// the i-th for node i (extra Free position i)
	contStart int
	// Seg.Spec.Params index of each state's σ parameter
	sigma []int
	// per node: the base measurements that determine it (NodeInitData;
	// see planDataNodes)
	nodeMeas [][]int
}

// NewShooting builds the segmented problem of p. It refuses, by name,
// what it does not handle: pre-equilibration, experiments with more than
// one period, steady-state measurements, SBML events, problems without
// analytic gradients, and fewer distinct measurement times than segments.
func (p *Problem) NewShooting(opt ShootingOptions) (*Shooting, error) {
	opt = opt.withDefaults()
	if opt.Segments < 2 {
		return nil, fmt.Errorf("multiple shooting: %d segments: want at least 2", opt.Segments)
	}
	for i := 1; i < len(opt.Weights); i++ {
		if !(opt.Weights[i] > opt.Weights[i-1]) || !(opt.Weights[0] > 0) {
			return nil, fmt.Errorf("multiple shooting: weights %v: want positive and increasing", opt.Weights)
		}
	}
	if opt.NodeInit != NodeInitTrajectory && opt.NodeInit != NodeInitData {
		return nil, fmt.Errorf("multiple shooting: node initialisation %q: want %s or %s", opt.NodeInit, NodeInitTrajectory, NodeInitData)
	}
	if err := p.shootingScope(); err != nil {
		return nil, fmt.Errorf("multiple shooting: %w", err)
	}
	sh := &Shooting{Base: p, opt: opt}
	var err error
	if sh.Times, err = p.nodeTimes(opt.Segments); err != nil {
		return nil, fmt.Errorf("multiple shooting: %w", err)
	}
	names := p.variants[0].sys.StateNames()
	for i, nm := range names {
		if !p.constState[i] && p.mi.changes(nm) {
			sh.States = append(sh.States, nm)
		}
	}
	if len(sh.States) == 0 {
		return nil, errors.New("multiple shooting: the model has no state variables")
	}
	spec := sh.segmentedSpec()
	if sh.Seg, err = Compile(spec, p.opt); err != nil {
		return nil, fmt.Errorf("multiple shooting: segmented problem: %w", err)
	}
	sh.planDataNodes()
	return sh, nil
}

// shootingScope refuses the problems multiple shooting does not handle.
func (p *Problem) shootingScope() error {
	s := p.Spec
	if p.hasEvents {
		return errors.New("the model has SBML events (not supported)")
	}
	if !p.CanGradient() {
		return errors.New("the problem has no analytic gradient (not supported)")
	}
	for _, e := range s.Experiments {
		if e.Periods[0].Start == math.Inf(-1) {
			return fmt.Errorf("experiment %s has a pre-equilibration (not supported)", e.ID)
		}
		if len(e.Periods) > 1 {
			return fmt.Errorf("experiment %s has %d periods (condition changes after the start are not supported)", e.ID, len(e.Periods))
		}
	}
	for _, m := range s.Measurements {
		if math.IsInf(m.Time, 0) {
			return errAt(m.Src, s.Observables[m.Obs].ID, "steady-state measurement (time inf) not supported")
		}
	}
	return nil
}

// nodeTimes picks M−1 node times among the distinct measurement times,
// cutting them into M runs of (nearly) equal length; every node is after
// every experiment's start.
func (p *Problem) nodeTimes(m int) ([]float64, error) {
	seen := map[float64]bool{}
	var ts []float64
	for _, ms := range p.Spec.Measurements {
		if !seen[ms.Time] {
			seen[ms.Time] = true
			ts = append(ts, ms.Time)
		}
	}
	sort.Float64s(ts)
	if len(ts) < m {
		return nil, fmt.Errorf("%d segments for %d distinct measurement times: want at most as many segments as times", m, len(ts))
	}
	var nodes []float64
	for k := 1; k < m; k++ {
		nodes = append(nodes, ts[k*len(ts)/m])
	}
	for _, e := range p.Spec.Experiments {
		if st := e.Periods[0].Start; st >= nodes[0] {
			return nil, fmt.Errorf("experiment %s starts at %g, not before the first node time %g", e.ID, st, nodes[0])
		}
	}
	return nodes, nil
}

// segment returns the segment (0…M−1) that holds time t.
func (sh *Shooting) segment(t float64) int {
	return sort.Search(len(sh.Times), func(i int) bool { return sh.Times[i] > t })
}

// segmentedSpec builds the segmented Spec: the base parameters, one fixed
// σ parameter per state, then the node parameters (estimated, so they
// follow the base's Free parameters); the base experiments as segment 0
// and one experiment per later segment; the data measurements moved to
// their segments, then the continuity measurements.
func (sh *Shooting) segmentedSpec() *Spec {
	b := sh.Base.Spec
	s := &Spec{Version: b.Version, Model: b.Model, ModelFile: b.ModelFile}
	s.Params = append(s.Params, b.Params...)
	for _, x := range sh.States {
		sh.sigma = append(sh.sigma, len(s.Params))
		s.Params = append(s.Params, Param{ID: "__shoot_sigma_" + x, Scale: Lin, Lower: 0, Upper: math.MaxFloat64, Nominal: 1})
	}
	s.Observables = append(s.Observables, b.Observables...)
	s.Experiments = append(s.Experiments, b.Experiments...)
	nk := len(sh.Times)
	segExp := make([][]int, len(b.Experiments)) // [e][k]: experiment index of segment k
	var cont []Measurement
	for ei, e := range b.Experiments {
		segExp[ei] = []int{ei}
		for k := 1; k <= nk; k++ {
			var chs []Change
			for _, ch := range e.Periods[0].Changes {
				if !slices.Contains(sh.States, ch.Target) {
					chs = append(chs, ch)
				}
			}
			for xi, x := range sh.States {
				id := fmt.Sprintf("__shoot_node_%s_%d_%s", e.ID, k, x)
				sh.nodeK, sh.nodeX = append(sh.nodeK, k), append(sh.nodeX, xi)
				s.Params = append(s.Params, Param{ID: id, Scale: Lin, Lower: -math.MaxFloat64 / 4, Upper: math.MaxFloat64 / 4, Nominal: 0, Estimate: true})
				chs = append(chs, Change{Target: x, Value: expr.Var(id), Cond: id})
				oi := len(s.Observables)
				s.Observables = append(s.Observables, Observable{ID: "__shoot_gap_" + id, Formula: expr.New(expr.OpSub, expr.Var(x), expr.Var(id)),
					Noise: expr.Var(s.Params[sh.sigma[xi]].ID), Transform: Lin, Dist: Normal})
				cont = append(cont, Measurement{Obs: oi, Exp: -k, Time: sh.Times[k-1], Value: 0})
			}
			segExp[ei] = append(segExp[ei], len(s.Experiments))
			s.Experiments = append(s.Experiments, Experiment{ID: fmt.Sprintf("%s__shoot_%d", e.ID, k), PreeqID: e.PreeqID, SimID: e.SimID,
				Periods: []Period{{Start: sh.Times[k-1], Changes: chs}}})
		}
		for i := range cont {
			if cont[i].Exp < 0 { // the continuity measurement belongs to the segment before the node
				cont[i].Exp = segExp[ei][-cont[i].Exp-1]
			}
		}
	}
	for _, m := range b.Measurements {
		m.Exp = segExp[m.Exp][sh.segment(m.Time)]
		s.Measurements = append(s.Measurements, m)
	}
	sh.contStart = len(s.Measurements)
	s.Measurements = append(s.Measurements, cont...)
	return s
}
