package system

import (
	"math"

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
	partials *tape
	nodes    []jnode
	rowOf    map[int]int // env slot -> row in sens
	sens     []float64   // rows of length n: sensitivities of the dynamic slots
}

type jnode struct {
	row   int // sensitivity row of the assigned slot
	terms []jterm
}

type jterm struct {
	partial int // env slot of ∂e/∂u
	row     int // sensitivity row of u
}

func (j *jacobian) clone() *jacobian {
	c := *j
	c.partials = j.partials.Clone()
	c.sens = make([]float64, len(j.sens))
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
	j.partials = pb.Build()
	j.sens = make([]float64, rows*n)
	// the new partial slots extend the environment
	return j
}

func (s *System) analyticJacobian(t float64, y []float64, dfdy []float64) {
	n := s.n
	j := s.jac
	s.eval(t, y)
	env := s.env
	j.partials.Run(env)
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
	for k := range dfdy[:n*n] {
		dfdy[k] = 0
	}
	for i, d := range s.derivSlot {
		if d < 0 {
			continue
		}
		if r, ok := j.rowOf[d]; ok {
			copy(dfdy[i*n:i*n+n], sens[r*n:r*n+n])
		}
	}
	for _, r := range s.reac {
		rr, ok := j.rowOf[r.rate]
		if !ok {
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
	for ci := range s.comms {
		cc := &s.comms[ci]
		m := len(cc.members)
		shed := 0.0
		if cc.shedding >= 0 {
			shed = env[cc.shedding]
		}
		for i, si := range cc.members {
			g := -shed
			if cc.growth[i] >= 0 {
				g += env[cc.growth[i]]
			}
			arow := cc.a[i*m : i*m+m]
			for k, sk := range cc.members {
				g += arow[k] * y[sk]
			}
			dst := dfdy[si*n : si*n+n]
			for k := range dst {
				dst[k] = 0
			}
			x := y[si]
			dst[si] = g
			for k, sk := range cc.members {
				dst[sk] += x * arow[k]
			}
			if cc.growth[i] >= 0 {
				if r, ok := j.rowOf[cc.growth[i]]; ok {
					for k, v := range sens[r*n : r*n+n] {
						dst[k] += x * v
					}
				}
			}
			if cc.shedding >= 0 {
				if r, ok := j.rowOf[cc.shedding]; ok {
					for k, v := range sens[r*n : r*n+n] {
						dst[k] -= x * v
					}
				}
			}
			if cc.inflow[i] >= 0 {
				if r, ok := j.rowOf[cc.inflow[i]]; ok {
					for k, v := range sens[r*n : r*n+n] {
						dst[k] += v
					}
				}
			}
		}
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
