package fit

import (
	"errors"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/series"
)

// DefaultPseudoCount is the relative abundance added to every taxon of a
// sample before taking logarithms (to every sample for clv and alr-linear,
// to samples holding a zero for the gLV methods), as the cLV study did.
const DefaultPseudoCount = 1e-3

// prepared is one subject in a method's coordinates: the states z at the
// sample times, the regression rows of its intervals, and what a forecast
// needs (first state, inputs).
type prepared struct {
	subject *series.Subject
	z       [][]float64 // per sample, the method's coordinates
	obs     [][]float64 // per sample, the observed relative abundances
	// x and y are the regression rows: x[k] = [φ(z_k), 1, ū_k] and y[k] =
	// (z_{k+1} − z_k)/Δt_k for interval k.
	x, y [][]float64
	// gram = Σ x xᵀ (p×p, row-major) and cross = Σ x yᵀ (p×m, row-major).
	gram, cross []float64
	nrows       int
}

// layout gives the sizes of the regression: p columns = regs interaction
// regressors, 1 growth column, nu input columns; m responses.
type layout struct {
	regs, nu, m, p int
}

func (tr *transform) layout(nu int) layout {
	rows, regs := tr.dims()
	return layout{regs: regs, nu: nu, m: rows, p: regs + 1 + nu}
}

// newTransform fixes the transform for a training set: the abundance
// scale (the mean sample total, so that fitted interactions are of order
// one; absolute methods only) and the denominator of ratio methods.
func newTransform(m Method, d *series.Dataset, pseudo float64) (*transform, error) {
	tr := &transform{method: m, d: len(d.Taxa), denom: -1, scale: 1, pseudo: pseudo}
	if m.Absolute() {
		if !d.Absolute {
			return nil, fmt.Errorf("%s needs absolute abundances (qPCR or biomass), but %s has relative abundances only: use glv-relative, clv or alr-linear", m, d.Name)
		}
		s, n := 0.0, 0
		for _, sub := range d.Subjects {
			for _, row := range sub.Abundance {
				for _, v := range row {
					s += v
				}
				n++
			}
		}
		if !(s > 0) {
			return nil, errors.New("every abundance is zero")
		}
		tr.scale = s / float64(n)
	}
	if m.ratio() {
		k, err := chooseDenominator(d)
		if err != nil {
			return nil, err
		}
		tr.denom = k
	}
	if len(d.Taxa) < 2 {
		return nil, fmt.Errorf("%s has %d taxon; dynamics need at least two", d.Name, len(d.Taxa))
	}
	return tr, nil
}

// chooseDenominator picks the ALR denominator as the cLV study does: among
// the taxa never zero in the data, the one whose log relative abundance
// changes least between consecutive samples (smallest variance of the
// changes).
func chooseDenominator(d *series.Dataset) (int, error) {
	nt := len(d.Taxa)
	ok := make([]bool, nt)
	for i := range ok {
		ok[i] = true
	}
	var changes [][]float64 = make([][]float64, nt)
	for si := range d.Subjects {
		s := &d.Subjects[si]
		prev := s.Relative(0)
		for k := 1; k < len(s.Times); k++ {
			cur := s.Relative(k)
			for i := range cur {
				if cur[i] <= 0 || prev[i] <= 0 {
					ok[i] = false
					continue
				}
				changes[i] = append(changes[i], math.Log(cur[i])-math.Log(prev[i]))
			}
			prev = cur
		}
	}
	best, bestVar := -1, math.Inf(1)
	for i := range ok {
		if !ok[i] || len(changes[i]) == 0 {
			continue
		}
		m := 0.0
		for _, v := range changes[i] {
			m += v
		}
		m /= float64(len(changes[i]))
		v := 0.0
		for _, c := range changes[i] {
			v += (c - m) * (c - m)
		}
		v /= float64(len(changes[i]))
		if v < bestVar {
			best, bestVar = i, v
		}
	}
	if best < 0 {
		return -1, fmt.Errorf("no taxon of %s is present in every sample, so no additive log-ratio denominator exists; use a gLV method or filter the data", d.Name)
	}
	return best, nil
}

// prepare transforms one subject and accumulates its regression rows.
func (tr *transform) prepare(s *series.Subject, lay layout) *prepared {
	n := len(s.Times)
	ps := &prepared{subject: s, z: make([][]float64, n)}
	tmp := make([]float64, tr.d)
	ps.obs = make([][]float64, n)
	for k := range s.Times {
		ps.z[k] = make([]float64, lay.m)
		tr.state(s.Abundance[k], ps.z[k], tmp)
		ps.obs[k] = s.Relative(k)
	}
	ps.gram = make([]float64, lay.p*lay.p)
	ps.cross = make([]float64, lay.p*lay.m)
	next := make([]float64, lay.regs)
	for k := 0; k+1 < n; k++ {
		dt := s.Times[k+1] - s.Times[k]
		row := make([]float64, lay.p)
		tr.regressors(ps.z[k], row[:lay.regs])
		if tr.trapezoid {
			tr.regressors(ps.z[k+1], next)
			for j := range next {
				row[j] = (row[j] + next[j]) / 2
			}
		}
		row[lay.regs] = 1
		for j := 0; j < lay.nu; j++ {
			row[lay.regs+1+j] = s.Inputs[j].Mean(s.Times[k], s.Times[k+1])
		}
		resp := make([]float64, lay.m)
		for i := range resp {
			resp[i] = (ps.z[k+1][i] - ps.z[k][i]) / dt
		}
		if tr.dtPow != 0 {
			w := math.Pow(dt, tr.dtPow/2)
			for j := range row {
				row[j] *= w
			}
			for i := range resp {
				resp[i] *= w
			}
		}
		ps.x = append(ps.x, row)
		ps.y = append(ps.y, resp)
		for a := 0; a < lay.p; a++ {
			ra := row[a]
			if ra == 0 {
				continue
			}
			g := ps.gram[a*lay.p:]
			for b := 0; b < lay.p; b++ {
				g[b] += ra * row[b]
			}
			c := ps.cross[a*lay.m:]
			for i, v := range resp {
				c[i] += ra * v
			}
		}
	}
	ps.nrows = n - 1
	return ps
}

// sums adds up the Gram and cross-product matrices of the subjects whose
// index is not skip (skip < 0: all).
func sums(ps []*prepared, lay layout, skip int, gram, cross []float64) {
	clear(gram)
	clear(cross)
	for i, s := range ps {
		if i == skip {
			continue
		}
		for k, v := range s.gram {
			gram[k] += v
		}
		for k, v := range s.cross {
			cross[k] += v
		}
	}
}
