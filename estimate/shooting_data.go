package estimate

import (
	"context"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/holobiont/holobiont/expr"
)

// Data-initialised node states (Peifer and Timmer 2007, IET Syst Biol
// 1:78, sec. 2.2; Bock 1983): a node state that an observable measures is
// started at the value that reproduces the data at the node time, so the
// segments follow the data from the first penalty stage on; the others
// start on the start point's trajectory.
//
// Which observables determine a state is decided symbolically, once: the
// observable's resolved formula (placeholders are parameters, so the
// measurement's observable parameters do not change its form) must read
// exactly one node state x and its derivative ∂h/∂x (expr.Diff) none, so
// that h = a + b·x with a and b free of node states (other reads:
// parameters, placeholders, model constants, constant states, time). The
// values of a and b are read at the start point, at each node, from one
// simulation of the segmented problem with sensitivities (the measurement
// at t_k is the first point of segment k, so h there is a function of the
// node states alone and ∂h/∂s_k its sensitivity).

// planDataNodes fills nodeMeas: for the node of experiment e, node time
// t_k and state x, the base measurements of e at t_k whose observable is
// affine in x. A node measured by more than one observable (distinct
// observable ids) gets none: it stays on the trajectory (two observables
// of one state need not agree, and the mean of two calibrations is not a
// measurement of either).
func (sh *Shooting) planDataNodes() {
	p := sh.Base
	names := p.variants[0].sys.StateNames()
	vars := make([]string, len(sh.States))
	for xi, x := range sh.States {
		i := slices.Index(names, x)
		vars[xi] = varState + strconv.Itoa(i)
	}
	obsState := make([]int, len(p.obs))
	for oi, o := range p.obs {
		obsState[oi] = affineState(o.h.src, vars)
	}
	nk, nx := len(sh.Times), len(sh.States)
	sh.nodeMeas = make([][]int, len(sh.nodeK))
	obsOf := make([]int, len(sh.nodeK)) // the observable of nodeMeas[i], or -1
	for i := range obsOf {
		obsOf[i] = -1
	}
	conflict := make([]bool, len(sh.nodeK))
	for mi, m := range p.Spec.Measurements {
		k := sort.SearchFloat64s(sh.Times, m.Time)
		x := obsState[m.Obs]
		if k == nk || sh.Times[k] != m.Time || x < 0 {
			continue
		}
		i := (m.Exp*nk+k)*nx + x
		if obsOf[i] >= 0 && obsOf[i] != m.Obs {
			conflict[i] = true
		}
		obsOf[i] = m.Obs
		sh.nodeMeas[i] = append(sh.nodeMeas[i], mi)
	}
	for i, c := range conflict {
		if c {
			sh.nodeMeas[i] = nil
		}
	}
}

// affineState returns the index (into vars, the node states' variable
// names) of the one node state that e is affine in, or -1: e reads exactly
// one of vars and its derivative with respect to it reads none (and can
// be taken).
func affineState(e *expr.Node, vars []string) int {
	read := func(n *expr.Node) []int {
		var out []int
		for _, v := range expr.Vars(n) {
			if i := slices.Index(vars, v); i >= 0 {
				out = append(out, i)
			}
		}
		return out
	}
	r := read(e)
	if len(r) != 1 {
		return -1
	}
	d, err := expr.Diff(e, vars[r[0]], nil)
	if err != nil || len(read(d)) != 0 {
		return -1
	}
	return r[0]
}

// DataNodes returns the node states initialised from the data
// (NodeInitData) at u (the base problem's Free parameters), given the
// trajectory's node states traj (InitNodes), and how many were set from
// the data. A node that observables determine (planDataNodes) is set to
// the mean over its measurements m of (y_m − a_m)/b_m, the state value at
// which h_m = a_m + b_m·x equals the measured value y_m (a, b evaluated at
// u; the mean of the measurements when they share a and b); it is clamped
// into the node bounds (within 100 times the state's scale from the
// trajectory, Scales(traj); species not below 0). A node stays on the
// trajectory when some |b_m|·scale is at most 1e-10·max(|h_m|, |y_m|)
// (the observable hardly depends on the state there) or the value is not
// finite. Unobserved states stay on the trajectory.
func (se *ShootEvaluator) DataNodes(ctx context.Context, u, traj []float64) ([]float64, int, error) {
	sh := se.sh
	nf := len(sh.Base.Free)
	v := append(append([]float64(nil), u...), traj...)
	sim, dsim, err := se.ev.SimulateSens(ctx, v)
	if err != nil {
		return nil, 0, err
	}
	sc := sh.Scales(traj)
	lo, hi := sh.nodeBounds(sc)
	nodes := append([]float64(nil), traj...)
	set := 0
	for i, ms := range sh.nodeMeas {
		if len(ms) == 0 {
			continue
		}
		sum := 0.0
		for _, m := range ms {
			y, h, b := sh.Base.Spec.Measurements[m].Value, sim[m], dsim[m*len(v)+nf+i]
			if !(math.Abs(b)*sc[sh.nodeX[i]] > 1e-10*math.Max(math.Abs(h), math.Abs(y))) {
				sum = math.NaN()
				break
			}
			sum += (y - h) / b
		}
		x := traj[i] + sum/float64(len(ms))
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		nodes[i] = min(max(x, lo[i]), hi[i])
		set++
	}
	return nodes, set, nil
}
