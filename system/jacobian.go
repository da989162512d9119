package system

import (
	"math"
	"sort"

	"github.com/holobiont/holobiont/internal/fmath"

	"github.com/holobiont/holobiont/expr"
)

// jacobian is the analytic Jacobian: forward-mode differentiation over the
// main tape. Every assignment v = e(u_1, ..., u_k) of the tape gets its
// local partial derivatives ∂e/∂u (expr.Diff, compiled into one tape); at
// run time the sensitivities D[v] = Σ_u ∂e/∂u · D[u] (D[state_j] = e_j)
// are propagated in tape order, and the rows of ∂f/∂y are assembled from
// the rate-rule derivatives, the reactions (stoichiometry × conversion
// factor × D[rate]) and the community blocks, whose gLV part is exact:
// ∂f_i/∂x_j = δ_ij (g_i − shed + Σ_k a_ik x_k) + x_i (a_ij + ∂g_i/∂x_j −
// ∂shed/∂x_j) + ∂inflow_i/∂x_j.
type jacobian struct {
	nsens    int // len(sens) once allocated
	partials *tape
	nodes    []jnode
	rowOf    map[int]int // env slot -> row in sens
	sens     []float64   // rows of length n: sensitivities of the dynamic slots

	// sparse: every sensitivity row is written by one node, and the
	// propagation visits only the columns in each row's structure (see
	// sparseSens); dirty: a dense evaluation left values outside the
	// structures, which the next sparse one clears first
	sparse, dirty bool

	// rowCols: the structure of each sensitivity row (sparse only)
	rowCols [][]int

	// partialSlots: the env slots of every term's partial derivative, in
	// node order (sparseSens checks them all before propagating)
	partialSlots []int

	// rows looked up once (rowOf at build time; -1: none)
	derivRow []int   // per state: row of its rate-rule derivative
	rateRow  []int   // per reaction term: row of its rate
	commRow  [][]int // per community: growth, shedding (one), inflow rows per member: [3*i], [3*i+1], [3*i+2]
}

// row returns the sensitivity row of env slot sl, or -1 when sl is not
// dynamic (or negative).
func (j *jacobian) row(sl int) int {
	if sl < 0 {
		return -1
	}
	if r, ok := j.rowOf[sl]; ok {
		return r
	}
	return -1
}

type jnode struct {
	row   int // sensitivity row of the assigned slot
	terms []jterm
	cols  []int // structure of the row: the columns that can be non-zero
}

type jterm struct {
	partial int   // env slot of ∂e/∂u
	row     int   // sensitivity row of u
	cols    []int // structure of that row
}

func (j *jacobian) clone() *jacobian {
	c := *j
	c.partials = j.partials.Clone()
	c.sens = nil // allocated at the clone's first Jacobian
	return &c
}

// buildJacobian returns the analytic Jacobian, or nil when an expression
// cannot be differentiated or a stoichiometry or conversion factor depends
// on the state.
func (c *compiler) buildJacobian() *jacobian {
	s := c.s
	n := s.n
	j := &jacobian{rowOf: map[int]int{}}
	rows := 0
	for _, sl := range s.stateSlot {
		j.rowOf[sl] = rows
		rows++
	}
	pb := newBuilder(c)
	names := map[int]string{}
	for name, sl := range s.slot {
		names[sl] = name
	}
	b := c.mainB
	for k, dst := range b.dsts {
		e := b.nodes[k]
		nd := jnode{}
		for _, v := range expr.Vars(e) {
			sl, ok := s.slot[v]
			if !ok {
				return nil
			}
			ur, dyn := j.rowOf[sl]
			if !dyn {
				continue
			}
			d, err := expr.Diff(e, v, c.funcs)
			if err != nil {
				return nil
			}
			if d.Op == expr.OpNum && d.Value == 0 {
				continue
			}
			ps := c.newSlot("")
			if err := pb.Assign(ps, d); err != nil {
				return nil
			}
			nd.terms = append(nd.terms, jterm{partial: ps, row: ur})
		}
		if r, ok := j.rowOf[dst]; ok {
			nd.row = r // reassigned slot (should not happen): reuse
		} else {
			nd.row = rows
			j.rowOf[dst] = rows
			rows++
		}
		j.nodes = append(j.nodes, nd)
	}
	// stoichiometries and conversion factors must not depend on the state
	for _, r := range s.reac {
		if _, dyn := j.rowOf[r.stoich]; dyn {
			return nil
		}
		if _, dyn := j.rowOf[r.cf]; r.cf >= 0 && dyn {
			return nil
		}
	}
	// interaction parameters that are states (changed by events) are read
	// at refresh time: still constant between events, fine
	if !c.opt.denseJac {
		j.structure(n, rows)
	}
	for _, d := range s.derivSlot {
		j.derivRow = append(j.derivRow, j.row(d))
	}
	for _, r := range s.reac {
		j.rateRow = append(j.rateRow, j.row(r.rate))
	}
	for _, cc := range s.comms {
		rows := make([]int, 3*len(cc.members))
		for i := range cc.members {
			rows[3*i], rows[3*i+1], rows[3*i+2] = j.row(cc.growth[i]), j.row(cc.shedding), j.row(cc.inflow[i])
		}
		j.commRow = append(j.commRow, rows)
	}
	for _, nd := range j.nodes {
		for _, tm := range nd.terms {
			j.partialSlots = append(j.partialSlots, tm.partial)
		}
	}
	c.deferInPlace(pb, &j.partials)
	j.nsens = rows * n // allocated at the first Jacobian (model check never needs it)
	// the new partial slots extend the environment
	return j
}

// structure computes the sparsity structure of the sensitivity rows: a
// state's row has its own column, a node's row the union of its terms'
// rows. Sparse evaluation needs every row written by at most one node.
func (j *jacobian) structure(n, rows int) {
	cols := make([][]int, rows)
	for i := 0; i < n; i++ {
		cols[i] = []int{i}
	}
	written := make([]bool, rows)
	for k := range j.nodes {
		nd := &j.nodes[k]
		if nd.row < n || written[nd.row] {
			return // a state or a row written twice: dense only
		}
		set := map[int]bool{}
		for ti := range nd.terms {
			tm := &nd.terms[ti]
			if tm.row >= n && !written[tm.row] {
				return // reads a row before its node: dense only
			}
			tm.cols = cols[tm.row]
			for _, c := range tm.cols {
				set[c] = true
			}
		}
		for c := range set {
			nd.cols = append(nd.cols, c)
		}
		sort.Ints(nd.cols)
		cols[nd.row] = nd.cols
		written[nd.row] = true
	}
	j.sparse = true
	j.rowCols = cols
}

// sparseSens propagates the sensitivities over the rows' structures only
// and reports true, or reports false (having changed nothing) when a
// partial derivative is not finite, for which the caller runs the dense
// propagation. The results equal the dense ones bit for bit: outside its
// structure a row is +0 in both (the dense sum adds finite·(+0) = ±0 to +0,
// which stays +0), and inside, the dense sum adds the same products in the
// same order plus such ±0 terms, which leave a sum that starts at +0
// unchanged (round to nearest gives −0 only for −0 + −0).
func (j *jacobian) sparseSens(env []float64, n int) bool {
	if !fmath.AllFiniteAt(env, j.partialSlots) {
		return false
	}
	sens := j.sens
	if j.dirty {
		clear(sens)
		j.dirty = false
	}
	for i := 0; i < n; i++ {
		sens[i*n+i] = 1
	}
	for k := range j.nodes {
		nd := &j.nodes[k]
		row := sens[nd.row*n : nd.row*n+n]
		for _, c := range nd.cols {
			row[c] = 0
		}
		for ti := range nd.terms {
			tm := &nd.terms[ti] // not a copy of the term (five words)
			p := env[tm.partial]
			if p == 0 {
				continue
			}
			src := sens[tm.row*n : tm.row*n+n]
			for _, c := range tm.cols {
				row[c] += p * src[c]
			}
		}
	}
	return true
}

func (s *System) analyticJacobian(t float64, y []float64, dfdy []float64) {
	n := s.n
	j := s.jac
	if j.sens == nil {
		j.sens = make([]float64, j.nsens)
	}
	s.eval(t, y)
	env := s.env
	j.partials.Run(env)
	if !j.sparse || !j.sparseSens(env, n) {
		j.denseSens(env, n)
	}
	s.assembleJacobian(t, y, dfdy)
}

// denseSens propagates the sensitivities over whole rows.
func (j *jacobian) denseSens(env []float64, n int) {
	j.dirty = true
	sens := j.sens
	// states: unit rows
	for i := 0; i < n; i++ {
		row := sens[i*n : i*n+n]
		for k := range row {
			row[k] = 0
		}
		row[i] = 1
	}
	for _, nd := range j.nodes {
		row := sens[nd.row*n : nd.row*n+n]
		for k := range row {
			row[k] = 0
		}
		for _, tm := range nd.terms {
			p := env[tm.partial]
			if p == 0 {
				continue
			}
			src := sens[tm.row*n : tm.row*n+n]
			for k, v := range src {
				row[k] += p * v
			}
		}
	}
}

// assembleJacobian writes ∂f/∂y from the sensitivities.
func (s *System) assembleJacobian(t float64, y []float64, dfdy []float64) {
	n := s.n
	j := s.jac
	env := s.env
	sens := j.sens
	for k := range dfdy[:n*n] {
		dfdy[k] = 0
	}
	for i, r := range j.derivRow {
		if r >= 0 {
			copy(dfdy[i*n:i*n+n], sens[r*n:r*n+n])
		}
	}
	for ri, r := range s.reac {
		rr := j.rateRow[ri]
		if rr < 0 {
			continue
		}
		w := r.sign * env[r.stoich]
		if r.cf >= 0 {
			w *= env[r.cf]
		}
		if r.fast {
			w *= fastGain
		}
		dst := dfdy[r.state*n : r.state*n+n]
		for k, v := range sens[rr*n : rr*n+n] {
			dst[k] += w * v
		}
	}
	var cols [][]int // the rows' structures when this evaluation was sparse
	if j.sparse && !j.dirty {
		cols = j.rowCols
	}
	for ci := range s.comms {
		s.comms[ci].jacobianRows(env, y, sens, j.commRow[ci], cols, n, dfdy)
	}
	if fmath.AllFinite(dfdy[:n*n]) {
		return
	}
	for k := range dfdy[:n*n] {
		if math.IsNaN(dfdy[k]) {
			// a partial derivative is undefined here (e.g. sqrt at 0):
			// fall back to differences for this evaluation
			s.JacobianFD(t, y, dfdy)
			return
		}
	}
}

// AnalyticJacobian reports whether Jacobian is analytic (true) or uses
// finite differences (false).
func (s *System) AnalyticJacobian() bool { return s.jac != nil }
