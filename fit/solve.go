package fit

import (
	"errors"
	"math"

	"github.com/holobiont/holobiont/internal/fmath"
	"github.com/holobiont/holobiont/stats"
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
	// scratch of polish
	sup           []int
	rhs, nb, nres []float64
}

func newSolver(lay layout) *solver {
	return &solver{lay: lay, a: make([]float64, lay.p*lay.p), l1: make([]float64, lay.p), l2: make([]float64, lay.p),
		beta: make([]float64, lay.p*lay.m), col: make([]float64, lay.p), res: make([]float64, lay.p),
		sup: make([]int, 0, lay.p), rhs: make([]float64, lay.p), nb: make([]float64, lay.p), nres: make([]float64, lay.p)}
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
	cholSolveRows(s.a, p, s.beta, m)
	return nil
}

// cholSolveRows solves L Lᵀ X = B in place for the p×m row-major B: the
// substitutions run over whole rows of B (axpy on contiguous memory).
func cholSolveRows(a []float64, n int, b []float64, m int) {
	for i := 0; i < n; i++ {
		bi := b[i*m : (i+1)*m]
		for k := 0; k < i; k++ {
			axpy(-a[i*n+k], b[k*m:(k+1)*m], bi)
		}
		scale(1/a[i*n+i], bi)
	}
	for i := n - 1; i >= 0; i-- {
		bi := b[i*m : (i+1)*m]
		for k := i + 1; k < n; k++ {
			axpy(-a[k*n+i], b[k*m:(k+1)*m], bi)
		}
		scale(1/a[i*n+i], bi)
	}
}

// axpy adds alpha·x to y (len(y) >= len(x)).
func axpy(alpha float64, x, y []float64) {
	if alpha == 0 {
		return
	}
	y = y[:len(x)]
	for j, v := range x {
		y[j] += alpha * v
	}
}

func scale(alpha float64, x []float64) {
	for j := range x {
		x[j] *= alpha
	}
}

// elasticNet minimises ½ βᵀGβ − Cᵀβ + Σ l1_j |β_j| + ½ Σ l2_j β_j² per
// response by cyclic coordinate descent, warm-started from the ridge
// solution with the same L2 part; every polishEvery sweeps it tries to
// finish exactly on the current support and signs (polish), which ends the
// slow tail of coordinate descent on correlated columns. Coordinates with
// zero curvature stay 0.
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
		for it := 0; it < maxIter; it += polishEvery {
			converged := s.sweeps(gram, b, polishEvery, tol*math.Sqrt(scale))
			if s.polish(gram, cross, i, b) || converged {
				break
			}
		}
		for j := 0; j < p; j++ {
			s.beta[j*m+i] = b[j]
		}
	}
	return nil
}

// polishEvery is the number of coordinate-descent sweeps between attempts
// to finish the elastic net exactly on the current support (polish).
const polishEvery = 10

// sweeps runs up to n cyclic coordinate-descent sweeps on b (with s.res
// holding C − Gb) and reports whether the largest change of a fitted value
// fell below tol.
func (s *solver) sweeps(gram, b []float64, n int, tol float64) bool {
	p := s.lay.p
	for it := 0; it < n; it++ {
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
		if maxd <= tol {
			return true
		}
	}
	return false
}

// polish solves the elastic net's optimality conditions exactly on the
// support and signs of b: (G_SS + diag l2_S) b_S = C_S − l1_S∘fmath.Sign(b_S). It
// accepts the solution, writing it into b and s.res, when the signs hold
// and every coefficient outside the support satisfies |C_j − (Gb)_j| <=
// l1_j; otherwise it leaves b alone and reports false.
func (s *solver) polish(gram, cross []float64, resp int, b []float64) bool {
	p, m := s.lay.p, s.lay.m
	sup := s.sup[:0]
	for j := 0; j < p; j++ {
		if b[j] != 0 || s.l1[j] == 0 {
			sup = append(sup, j)
		}
	}
	k := len(sup)
	if k == 0 {
		return false
	}
	a := s.a[:k*k]
	rhs := s.rhs[:k]
	for u, j := range sup {
		for v, l := range sup {
			a[u*k+v] = gram[j*p+l]
		}
		a[u*k+u] += s.l2[j]
		rhs[u] = cross[j*m+resp] - s.l1[j]*fmath.Sign(b[j])
	}
	if !cholesky(a, k) {
		return false
	}
	stats.CholSolve(rhs, a, rhs, k)
	for u, j := range sup {
		if s.l1[j] > 0 && rhs[u]*b[j] <= 0 {
			return false
		}
	}
	nb := s.nb
	clear(nb)
	for u, j := range sup {
		nb[j] = rhs[u]
	}
	res := s.nres
	for j := 0; j < p; j++ {
		r := cross[j*m+resp]
		for l := 0; l < p; l++ {
			r -= gram[j*p+l] * nb[l]
		}
		res[j] = r
		if nb[j] == 0 && math.Abs(r) > s.l1[j]*(1+1e-12)+1e-14*math.Abs(cross[j*m+resp]) {
			return false
		}
	}
	copy(b, nb)
	copy(s.res, res)
	return true
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
