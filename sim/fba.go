package sim

import (
	"errors"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/system"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// FluxBalance solves the model's flux-balance problem (m.FluxBalance):
// optimise the objective over the reaction fluxes v subject to S·v = 0 for
// the non-boundary species and the flux bounds, with gonum's simplex
// method. It returns the fluxes by reaction id and the objective value.
// When the optimum is not unique, the fluxes are one optimal vertex.
func FluxBalance(m *model.Model) (map[string]float64, float64, error) {
	fb := m.FluxBalance
	if fb == nil {
		return nil, 0, errors.New("fba: the model has no flux-balance problem")
	}
	lower, upper, stoich, err := fbaBounds(m)
	if err != nil {
		return nil, 0, err
	}
	vm, ncol, err := fbaColumns(m, lower, upper)
	if err != nil {
		return nil, 0, err
	}
	rows, rhs, total := fbaRows(m, vm, ncol, stoich)
	// objective (minimise)
	c := make([]float64, total)
	sense := -1.0
	if !fb.Maximize {
		sense = 1
	}
	for j, r := range m.Reactions {
		w := fb.Coefficients[r.ID]
		if w == 0 {
			continue
		}
		v := vm[j]
		if v.p >= 0 {
			c[v.p] += sense * w * v.sgn
		}
		if v.q >= 0 {
			c[v.q] -= sense * w
		}
	}
	x, err := solveLP(rows, rhs, c)
	if err != nil {
		return nil, 0, err
	}
	flux := map[string]float64{}
	obj := 0.0
	for j, r := range m.Reactions {
		v := vm[j]
		f := v.off
		if v.p >= 0 {
			f += v.sgn * x[v.p]
		}
		if v.q >= 0 {
			f -= x[v.q]
		}
		if f == 0 {
			f = 0 // no negative zero
		}
		flux[r.ID] = f
		obj += fb.Coefficients[r.ID] * f
	}
	return flux, obj, nil
}

// fbaBounds returns the flux bounds by reaction id (parameter bounds
// from the initial values, initial assignments included) and the
// stoichiometry of a species reference (its value when it has an id).
func fbaBounds(m *model.Model) (lower, upper map[string]float64, stoich func(model.SpeciesRef) float64, err error) {
	fb := m.FluxBalance
	sys, err := system.Compile(m)
	if err != nil {
		return nil, nil, nil, err
	}
	y := make([]float64, sys.Dim())
	if err := sys.InitialState(y); err != nil {
		return nil, nil, nil, err
	}
	value := func(id string) (float64, error) {
		v := make([]float64, 1)
		if err := sys.Values(0, y, []string{id}, nil, v); err != nil {
			return 0, err
		}
		return v[0], nil
	}
	lower, upper = map[string]float64{}, map[string]float64{}
	for k, v := range fb.Lower {
		lower[k] = v
	}
	for k, v := range fb.Upper {
		upper[k] = v
	}
	for dst, src := range map[*map[string]float64]map[string]string{&lower: fb.LowerParam, &upper: fb.UpperParam} {
		for rx, pid := range src {
			v, err := value(pid)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("fba: bound of %s: %w", rx, err)
			}
			(*dst)[rx] = v
		}
	}
	stoich = func(sr model.SpeciesRef) float64 {
		if sr.ID != "" {
			if v, err := value(sr.ID); err == nil {
				return v
			}
		}
		return sr.Stoichiometry
	}
	return lower, upper, stoich, nil
}

// fbaVar is the variable layout of one reaction's flux: v = off + sgn·p
// (+ −q for a free flux); p and q are column indices (-1: none); a doubly
// bounded flux gets a slack row p + s = width.
type fbaVar struct {
	off      float64
	p, q     int
	sgn      float64
	slackRow bool
	width    float64
}

// fbaColumns lays out the LP's non-negative columns for each reaction's
// bounds and returns the number of columns.
func fbaColumns(m *model.Model, lower, upper map[string]float64) ([]fbaVar, int, error) {
	vm := make([]fbaVar, len(m.Reactions))
	ncol := 0
	for j, r := range m.Reactions {
		lo, hasLo := lower[r.ID]
		hi, hasHi := upper[r.ID]
		if !hasLo {
			lo = math.Inf(-1)
		}
		if !hasHi {
			hi = math.Inf(1)
		}
		if lo > hi {
			return nil, 0, fmt.Errorf("fba: reaction %s: lower bound %g above upper bound %g", r.ID, lo, hi)
		}
		v := fbaVar{p: -1, q: -1, sgn: 1}
		switch {
		case lo == hi:
			v.off = lo
		case !math.IsInf(lo, 0):
			v.off, v.p = lo, ncol
			ncol++
			if !math.IsInf(hi, 0) {
				v.slackRow, v.width = true, hi-lo
			}
		case !math.IsInf(hi, 0):
			v.off, v.p, v.sgn = hi, ncol, -1
			ncol++
		default:
			v.p, v.q = ncol, ncol+1
			ncol += 2
		}
		vm[j] = v
	}
	return vm, ncol, nil
}

// fbaRows returns the equality rows: a balance row per non-boundary
// species, then a slack row per doubly bounded flux, over total columns.
func fbaRows(m *model.Model, vm []fbaVar, ncol int, stoich func(model.SpeciesRef) float64) (rows [][]float64, rhs []float64, total int) {
	species := map[string]int{}
	var spIDs []string
	for _, s := range m.Species {
		if !s.BoundaryCondition {
			species[s.ID] = len(spIDs)
			spIDs = append(spIDs, s.ID)
		}
	}
	bal := make([][]float64, len(spIDs))
	brhs := make([]float64, len(spIDs))
	for i := range bal {
		bal[i] = make([]float64, ncol)
	}
	for j, r := range m.Reactions {
		add := func(sr model.SpeciesRef, sign float64) {
			i, ok := species[sr.Species]
			if !ok {
				return
			}
			st := sign * stoich(sr)
			v := vm[j]
			brhs[i] -= st * v.off
			if v.p >= 0 {
				bal[i][v.p] += st * v.sgn
			}
			if v.q >= 0 {
				bal[i][v.q] -= st
			}
		}
		for _, sr := range r.Reactants {
			add(sr, -1)
		}
		for _, sr := range r.Products {
			add(sr, 1)
		}
	}
	rows = append(rows, bal...)
	rhs = append(rhs, brhs...)
	// slack rows for doubly bounded variables
	nslack := 0
	for _, v := range vm {
		if v.slackRow {
			nslack++
		}
	}
	total = ncol + nslack
	for i := range rows {
		rows[i] = append(rows[i], make([]float64, nslack)...)
	}
	k := 0
	for _, v := range vm {
		if !v.slackRow {
			continue
		}
		row := make([]float64, total)
		row[v.p] = 1
		row[ncol+k] = 1
		k++
		rows = append(rows, row)
		rhs = append(rhs, v.width)
	}
	return rows, rhs, total
}

// solveLP minimises c·x subject to rows·x = rhs, x >= 0, with gonum's
// simplex after dropping linearly dependent rows (consistent ones;
// inconsistent ones mean infeasibility) and unused columns.
func solveLP(rows [][]float64, rhs, c []float64) ([]float64, error) {
	total := len(c)
	keepRows, err := independentRows(rows, rhs)
	if err != nil {
		return nil, err
	}
	used := make([]bool, total)
	for _, i := range keepRows {
		for jj, a := range rows[i] {
			if a != 0 {
				used[jj] = true
			}
		}
	}
	var cols []int
	for jj := 0; jj < total; jj++ {
		if used[jj] {
			cols = append(cols, jj)
			continue
		}
		if c[jj] < 0 {
			return nil, errors.New("fba: the objective is unbounded")
		}
	}
	x := make([]float64, total)
	if len(keepRows) > 0 {
		A := mat.NewDense(len(keepRows), len(cols), nil)
		b := make([]float64, len(keepRows))
		cc := make([]float64, len(cols))
		for ii, i := range keepRows {
			for jj, col := range cols {
				A.Set(ii, jj, rows[i][col])
			}
			b[ii] = rhs[i]
		}
		for jj, col := range cols {
			cc[jj] = c[col]
		}
		if len(cols) < len(keepRows) {
			return nil, errors.New("fba: more independent constraints than variables")
		}
		_, sol, err := lp.Simplex(cc, A, b, 1e-10, nil)
		if err != nil {
			return nil, fmt.Errorf("fba: %w", err)
		}
		for jj, col := range cols {
			x[col] = sol[jj]
		}
	}
	return x, nil
}

// independentRows returns the indices of a maximal set of linearly
// independent rows of [rows | rhs] (Gram–Schmidt with a relative
// tolerance); a dependent row whose right-hand side disagrees makes the
// problem infeasible.
func independentRows(rows [][]float64, rhs []float64) ([]int, error) {
	var basis [][]float64 // orthonormalised augmented rows
	var keep []int
	for i, r := range rows {
		v := append(append([]float64(nil), r...), rhs[i])
		norm0 := 0.0
		for _, a := range v {
			norm0 += a * a
		}
		if norm0 == 0 {
			continue
		}
		for _, q := range basis {
			d := 0.0
			for k := range v {
				d += v[k] * q[k]
			}
			for k := range v {
				v[k] -= d * q[k]
			}
		}
		norm := 0.0
		for _, a := range v {
			norm += a * a
		}
		if norm <= 1e-20*norm0 {
			continue // dependent and consistent
		}
		// dependent in the coefficients but not in the rhs: infeasible
		coef := 0.0
		for _, a := range v[:len(v)-1] {
			coef += a * a
		}
		if coef <= 1e-20*norm0 {
			return nil, errors.New("fba: the steady-state constraints are infeasible")
		}
		n := math.Sqrt(norm)
		for k := range v {
			v[k] /= n
		}
		basis = append(basis, v)
		keep = append(keep, i)
	}
	return keep, nil
}
