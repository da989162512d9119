package system

import "math"

// The generalised Lotka–Volterra kernel of community blocks: see the package
// documentation.

type community struct {
	members  []int     // state indices
	growth   []int     // env slots (-1: zero)
	inflow   []int     // env slots (-1: zero)
	shedding int       // env slot (-1: zero)
	a        []float64 // System.aFlat[aOff : aOff+len(aSlots)]
	aOff     int
	aSlots   []int // dense: len(members)^2, -1 where no interaction; sparse: one per stored entry
	// A large community with few interactions is stored sparse (CSR by
	// row: row i's entries are a[rowPtr[i]:rowPtr[i+1]] at member columns
	// col[...], in column order), so memory and work follow the number of
	// interactions instead of members² (see sparseCommunity).
	sparse    bool
	rowPtr    []int
	col       []int
	threshold float64
	x         []float64 // scratch: the members' values
}

// refreshA reads the community interaction matrices from the environment.
func (s *System) refreshA() {
	for ci := range s.comms {
		cc := &s.comms[ci]
		for k, sl := range cc.aSlots {
			if sl >= 0 {
				cc.a[k] = s.env[sl]
			} else {
				cc.a[k] = 0
			}
		}
	}
}

// rates writes the members' derivatives dydt[m_i] = x_i·(−shed + growth_i +
// Σ_j a_ij x_j) + inflow_i at the state y, with the growth, inflow and
// shedding expressions read from env.
func (cc *community) rates(env, y, dydt []float64) {
	if cc.sparse {
		cc.ratesSparse(env, y, dydt)
		return
	}
	k := len(cc.members)
	shed := 0.0
	if cc.shedding >= 0 {
		shed = env[cc.shedding]
	}
	// the community's slices in locals (registers): stores to dydt
	// would otherwise force reloading cc's fields
	members, inflow := cc.members[:k], cc.inflow[:k]
	x := cc.x[:k]
	for i, si := range members {
		x[i] = y[si]
	}
	growth := cc.growth[:k]
	a := cc.a[: k*k : k*k]
	// Products are rounded explicitly (float64(...)) so that no compiler
	// fuses them with the additions: the generated kernels (derivsGo) do
	// the same and must give the same bits on every architecture.
	// Each member's rate g_i = -shed + growth_i + Σ_j a_ij x_j is
	// summed in the same order as a plain loop would (bit for bit), but
	// six (then three) rows at a time: the sums are chains of dependent
	// additions, and interleaving independent chains hides their
	// latency.
	i := 0
	for ; i+6 <= k; i += 6 {
		// six chains (a six-member community in one block)
		g0, g1, g2 := rateStart(env, growth, shed, i), rateStart(env, growth, shed, i+1), rateStart(env, growth, shed, i+2)
		g3, g4, g5 := rateStart(env, growth, shed, i+3), rateStart(env, growth, shed, i+4), rateStart(env, growth, shed, i+5)
		r0 := a[i*k : i*k+k][:len(x)]
		r1 := a[(i+1)*k : (i+1)*k+k][:len(x)]
		r2 := a[(i+2)*k : (i+2)*k+k][:len(x)]
		r3 := a[(i+3)*k : (i+3)*k+k][:len(x)]
		r4 := a[(i+4)*k : (i+4)*k+k][:len(x)]
		r5 := a[(i+5)*k : (i+5)*k+k][:len(x)]
		for j, xj := range x {
			g0 += float64(r0[j] * xj)
			g1 += float64(r1[j] * xj)
			g2 += float64(r2[j] * xj)
			g3 += float64(r3[j] * xj)
			g4 += float64(r4[j] * xj)
			g5 += float64(r5[j] * xj)
		}
		commRate(x, members, inflow, env, dydt, i, g0)
		commRate(x, members, inflow, env, dydt, i+1, g1)
		commRate(x, members, inflow, env, dydt, i+2, g2)
		commRate(x, members, inflow, env, dydt, i+3, g3)
		commRate(x, members, inflow, env, dydt, i+4, g4)
		commRate(x, members, inflow, env, dydt, i+5, g5)
	}
	for ; i+3 <= k; i += 3 {
		g0, g1, g2 := rateStart(env, growth, shed, i), rateStart(env, growth, shed, i+1), rateStart(env, growth, shed, i+2)
		r0 := a[i*k : i*k+k][:len(x)]
		r1 := a[(i+1)*k : (i+1)*k+k][:len(x)]
		r2 := a[(i+2)*k : (i+2)*k+k][:len(x)]
		for j, xj := range x {
			g0 += float64(r0[j] * xj)
			g1 += float64(r1[j] * xj)
			g2 += float64(r2[j] * xj)
		}
		commRate(x, members, inflow, env, dydt, i, g0)
		commRate(x, members, inflow, env, dydt, i+1, g1)
		commRate(x, members, inflow, env, dydt, i+2, g2)
	}
	for ; i < k; i++ {
		g := rateStart(env, growth, shed, i)
		row := a[i*k : i*k+k][:len(x)]
		for j, xj := range x {
			g += float64(row[j] * xj)
		}
		commRate(x, members, inflow, env, dydt, i, g)
	}
}

// rateStart returns −shed + growth_i (growth_i read from env when member
// i has one), where member i's rate sum starts.
func rateStart(env []float64, growth []int, shed float64, i int) float64 {
	g := -shed
	if gs := growth[i]; gs >= 0 {
		g += env[gs]
	}
	return g
}

// ratesSparse is rates for a sparse community: each member's sum runs over
// its stored interactions in column order (the dense sum's order without
// its zero terms).
func (cc *community) ratesSparse(env, y, dydt []float64) {
	k := len(cc.members)
	shed := 0.0
	if cc.shedding >= 0 {
		shed = env[cc.shedding]
	}
	members, inflow := cc.members[:k], cc.inflow[:k]
	x := cc.x[:k]
	for i, si := range members {
		x[i] = y[si]
	}
	for i := range members {
		g := rateStart(env, cc.growth, shed, i)
		lo, hi := cc.rowPtr[i], cc.rowPtr[i+1]
		cols, a := cc.col[lo:hi], cc.a[lo:hi]
		for p, j := range cols {
			g += float64(a[p] * x[j])
		}
		commRate(x, members, inflow, env, dydt, i, g)
	}
}

// row returns member i's interaction coefficients and their member
// columns (nil: every column, dense).
func (cc *community) row(i int) ([]float64, []int) {
	if cc.sparse {
		lo, hi := cc.rowPtr[i], cc.rowPtr[i+1]
		return cc.a[lo:hi], cc.col[lo:hi]
	}
	m := len(cc.members)
	return cc.a[i*m : i*m+m], nil
}

// commRate writes member i's derivative x_i·g + inflow_i.
func commRate(x []float64, members, inflow []int, env, dydt []float64, i int, g float64) {
	v := float64(x[i] * g)
	if is := inflow[i]; is >= 0 {
		v += env[is]
	}
	dydt[members[i]] = v
}

// jacobianRows writes the members' rows of ∂f/∂y (row-major, n columns) into
// dfdy: the exact gLV part δ_ij·g_i + x_i·a_ij plus x_i·(∂growth_i − ∂shed) +
// ∂inflow_i from the sensitivity rows of those expressions (rows[3i],
// rows[3i+1], rows[3i+2] index sens; −1: constant). cols, when not nil,
// holds each sensitivity row's structure (it is +0 elsewhere): the rows
// are then added over their structure only, plus the diagonal column,
// which gives the same bits as adding them whole. Outside the structure
// the whole-row sum adds x·(+0) = ±0 (x finite; otherwise whole rows are
// added) to entries that are +0 or sums of x·a_ij onto +0, which are never
// −0, except the diagonal (g_i + x·a_ii may be −0), which is always added.
func (cc *community) jacobianRows(env, y, sens []float64, rows []int, cols [][]int, n int, dfdy []float64) {
	shed := 0.0
	if cc.shedding >= 0 {
		shed = env[cc.shedding]
	}
	for i, si := range cc.members {
		g := -shed
		if cc.growth[i] >= 0 {
			g += env[cc.growth[i]]
		}
		arow, acol := cc.row(i)
		member := func(p int) int {
			if acol == nil {
				return cc.members[p]
			}
			return cc.members[acol[p]]
		}
		for p, v := range arow {
			g += float64(v * y[member(p)])
		}
		dst := dfdy[si*n : si*n+n]
		clear(dst)
		x := y[si]
		dst[si] = g
		for p, v := range arow {
			dst[member(p)] += float64(x * v)
		}
		sparse := cols != nil && !math.IsInf(x, 0) && x == x
		for t, sign := range [3]float64{1, -1, 1} {
			r := rows[3*i+t]
			if r < 0 {
				continue
			}
			src := sens[r*n : r*n+n]
			f := x
			if t == 2 {
				f = 1
			}
			if sparse {
				for _, k := range cols[r] {
					if k != si {
						addScaled(dst, src, k, sign, f)
					}
				}
				addScaled(dst, src, si, sign, f)
				continue
			}
			for k := range dst {
				addScaled(dst, src, k, sign, f)
			}
		}
	}
}

// addScaled adds (sign < 0: subtracts) f·src[k] to dst[k]; f = 1 adds
// src[k] itself.
func addScaled(dst, src []float64, k int, sign, f float64) {
	v := src[k]
	if f != 1 {
		v = float64(f * v)
	}
	if sign < 0 {
		dst[k] -= v
	} else {
		dst[k] += v
	}
}
