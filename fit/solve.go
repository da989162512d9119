package fit

import (
	"errors"
	"math"
)

// Penalty holds the block-wise regularisation of a fit, as Stein et al.
// 2013 penalised growth rates, interactions and perturbation effects
// separately. For ridge methods the objective is
//
//	Σ_rows ‖y − βᵀx‖² + Σ_blocks λ_b ‖β_b‖²
//
// and for the elastic net
//
//	½ Σ_rows ‖y − βᵀx‖² + Σ_blocks λ_b (ρ ‖β_b‖₁ + (1−ρ)/2 ‖β_b‖²),
//
// which equals the ridge objective (halved) when ρ = 0.
type Penalty struct {
	Growth, Interaction, Perturbation float64 // λ per block
	L1Ratio                           float64 // ρ, elastic net only
}

// columnPenalties writes λ_j per design column into l1 and l2 (the L1 and
// L2 weights of the half objective).
func (pen Penalty) columnPenalties(lay layout, l1, l2 []float64) {
	for j := 0; j < lay.p; j++ {
		var lam float64
		switch {
		case j < lay.regs:
			lam = pen.Interaction
		case j == lay.regs:
			lam = pen.Growth
		default:
			lam = pen.Perturbation
		}
		l1[j] = lam * pen.L1Ratio
		l2[j] = lam * (1 - pen.L1Ratio)
	}
}

// errSingular reports a regression whose penalised Gram matrix is singular.
var errSingular = errors.New("fit: the regression is singular (too few samples for the parameters; use a positive penalty)")

// solver holds the work space of one regression size.
type solver struct {
	lay      layout
	a        []float64 // p×p work matrix
	l1, l2   []float64
	beta     []float64 // p×m solution, row-major (column j of the design, response i at j*m+i)
	col, res []float64
}

func newSolver(lay layout) *solver {
	return &solver{lay: lay, a: make([]float64, lay.p*lay.p), l1: make([]float64, lay.p), l2: make([]float64, lay.p),
		beta: make([]float64, lay.p*lay.m), col: make([]float64, lay.p), res: make([]float64, lay.p)}
}

// ridge solves (G + 2Λ/2) β = C, i.e. min Σ‖y − βᵀx‖² + Σ λ_j β_j², by
// Cholesky factorisation; the result is in s.beta.
func (s *solver) ridge(gram, cross []float64, pen Penalty) error {
	p, m := s.lay.p, s.lay.m
	pen.L1Ratio = 0
	pen.columnPenalties(s.lay, s.l1, s.l2)
	copy(s.a, gram)
	for j := 0; j < p; j++ {
		s.a[j*p+j] += s.l2[j]
	}
	if !cholesky(s.a, p) {
		return errSingular
	}
	copy(s.beta, cross)
	for i := 0; i < m; i++ {
		for j := 0; j < p; j++ {
			s.col[j] = s.beta[j*m+i]
		}
		cholSolve(s.a, p, s.col)
		for j := 0; j < p; j++ {
			s.beta[j*m+i] = s.col[j]
		}
	}
	return nil
}

// elasticNet minimises ½ βᵀGβ − Cᵀβ + Σ l1_j |β_j| + ½ Σ l2_j β_j² per
// response by cyclic coordinate descent, warm-started from the ridge
// solution with the same L2 part. Coordinates with zero curvature stay 0.
func (s *solver) elasticNet(gram, cross []float64, pen Penalty, tol float64, maxIter int) error {
	p, m := s.lay.p, s.lay.m
	warm := pen
	warm.L1Ratio = 0
	warm.Growth *= 1 - pen.L1Ratio
	warm.Interaction *= 1 - pen.L1Ratio
	warm.Perturbation *= 1 - pen.L1Ratio
	if err := s.ridge(gram, cross, warm); err != nil {
		clear(s.beta)
	}
	pen.columnPenalties(s.lay, s.l1, s.l2)
	scale := 0.0
	for j := 0; j < p; j++ {
		scale = math.Max(scale, gram[j*p+j])
	}
	for i := 0; i < m; i++ {
		b := s.col
		for j := 0; j < p; j++ {
			b[j] = s.beta[j*m+i]
		}
		// r_j = C_j − Σ_k G_jk β_k, kept up to date.
		for j := 0; j < p; j++ {
			r := cross[j*m+i]
			for k := 0; k < p; k++ {
				r -= gram[j*p+k] * b[k]
			}
			s.res[j] = r
		}
		for it := 0; it < maxIter; it++ {
			maxd := 0.0
			for j := 0; j < p; j++ {
				gjj := gram[j*p+j]
				den := gjj + s.l2[j]
				if den <= 0 {
					continue
				}
				rho := s.res[j] + gjj*b[j]
				nb := softThreshold(rho, s.l1[j]) / den
				d := nb - b[j]
				if d == 0 {
					continue
				}
				b[j] = nb
				g := gram[j*p:]
				for k := 0; k < p; k++ {
					s.res[k] -= g[k] * d
				}
				maxd = math.Max(maxd, math.Abs(d)*math.Sqrt(gjj))
			}
			if maxd <= tol*math.Sqrt(scale) {
				break
			}
		}
		for j := 0; j < p; j++ {
			s.beta[j*m+i] = b[j]
		}
	}
	return nil
}

func softThreshold(x, l float64) float64 {
	switch {
	case x > l:
		return x - l
	case x < -l:
		return x + l
	}
	return 0
}

// cholesky factorises the symmetric positive definite n×n matrix a in
// place (lower triangle L with a = L Lᵀ). It reports false when a is not
// positive definite to working precision.
func cholesky(a []float64, n int) bool {
	for j := 0; j < n; j++ {
		d := a[j*n+j]
		for k := 0; k < j; k++ {
			d -= a[j*n+k] * a[j*n+k]
		}
		if !(d > 1e-13*math.Abs(a[j*n+j])) || d <= 0 {
			return false
		}
		d = math.Sqrt(d)
		a[j*n+j] = d
		for i := j + 1; i < n; i++ {
			v := a[i*n+j]
			for k := 0; k < j; k++ {
				v -= a[i*n+k] * a[j*n+k]
			}
			a[i*n+j] = v / d
		}
	}
	return true
}

// cholSolve solves L Lᵀ x = b in place.
func cholSolve(a []float64, n int, b []float64) {
	for i := 0; i < n; i++ {
		v := b[i]
		for k := 0; k < i; k++ {
			v -= a[i*n+k] * b[k]
		}
		b[i] = v / a[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		v := b[i]
		for k := i + 1; k < n; k++ {
			v -= a[k*n+i] * b[k]
		}
		b[i] = v / a[i*n+i]
	}
}
