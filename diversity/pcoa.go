package diversity

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/holobiont/holobiont/distmat"
)

// PCoAResult is a principal coordinate analysis (classical multidimensional
// scaling) of a distance matrix.
type PCoAResult struct {
	IDs []string
	// Eigenvalues of the Gower-centred matrix in descending order, all n of
	// them, negative ones included (scikit-bio reports those as 0).
	Eigenvalues []float64
	// ProportionExplained is max(λ,0)/Σ max(λ,0) per axis, as scikit-bio
	// pcoa computes it (negative eigenvalues count as 0).
	ProportionExplained []float64
	// Axes is the number of axes with coordinates (the first Axes
	// eigenvalues).
	Axes int
	// Coordinates is n×Axes row-major: sample i on axis k at [i*Axes+k] =
	// u_ik √λ_k, and 0 on the axes with a non-positive eigenvalue.
	Coordinates []float64
}

// PCoA computes the principal coordinates of m on all n axes (Coordinates is
// n×n); it is PCoAAxes(ctx, m, 0).
func PCoA(ctx context.Context, m *distmat.Matrix) (*PCoAResult, error) {
	return PCoAAxes(ctx, m, 0)
}

// PCoAAxes computes the principal coordinates of m as scikit-bio 0.5.8 pcoa
// with method "eigh": E = −D²/2 is double-centred (Gower), F = E − row
// means − column means + grand mean, and F is decomposed with a symmetric
// eigen solver. All n eigenvalues are returned; coordinates for the first
// axes (axes <= 0 or axes >= n: all n). Eigenvalues with |λ| <= 1e-8 are set to 0
// (numpy isclose, as scikit-bio does).
//
// With all axes the full eigendecomposition (LAPACK dsyev) is used. With
// fewer axes F is reduced to tridiagonal form once (dsytrd), all eigenvalues
// come from dsterf and the requested eigenvectors from inverse iteration on
// the tridiagonal matrix, which is much faster for thousands of samples.
//
// The sign of each axis is arbitrary in every tool; here it is fixed so that
// the coordinate of largest magnitude on each axis (the first such sample
// on ties) is positive.
func PCoAAxes(ctx context.Context, m *distmat.Matrix, axes int) (*PCoAResult, error) {
	n := m.N()
	return pcoa(ctx, m, axes, axes > 0 && axes*4 < n && n > 64)
}

// pcoa is PCoA with the choice of method explicit (tri: tridiagonal
// reduction and inverse iteration).
func pcoa(ctx context.Context, m *distmat.Matrix, axes int, tri bool) (*PCoAResult, error) {
	n := m.N()
	if n < 1 {
		return nil, fmt.Errorf("pcoa: empty distance matrix")
	}
	if len(m.Data) != n*n {
		return nil, fmt.Errorf("pcoa: matrix data has %d values, want %d×%d", len(m.Data), n, n)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := m.Data[i*n+j]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("pcoa: distance (%s, %s) is %v", m.IDs[i], m.IDs[j], v)
			}
		}
	}
	if axes <= 0 || axes > n {
		axes = n
	}
	f := centre(m)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var vals []float64 // ascending
	var vecs func(k int) []float64
	if !tri || n < 2 {
		var es mat.EigenSym
		converged := false
		if err := aside(ctx, func() { converged = es.Factorize(mat.NewSymDense(n, f), true) }); err != nil {
			return nil, err
		}
		if !converged {
			return nil, fmt.Errorf("pcoa: eigen decomposition did not converge")
		}
		vals = es.Values(nil)
		var v mat.Dense
		es.VectorsTo(&v)
		vecs = func(k int) []float64 { return mat.Col(nil, k, &v) }
	} else {
		var err error
		vals, vecs, err = topEigen(ctx, f, n)
		if err != nil {
			return nil, err
		}
	}
	for k := range vals {
		if math.Abs(vals[k]) <= 1e-8 {
			vals[k] = 0
		}
	}
	res := &PCoAResult{
		IDs:                 m.IDs,
		Eigenvalues:         make([]float64, n),
		ProportionExplained: make([]float64, n),
		Axes:                axes,
		Coordinates:         make([]float64, n*axes),
	}
	var pos float64
	for _, v := range vals {
		if v > 0 {
			pos += v
		}
	}
	for k := 0; k < n; k++ {
		o := n - 1 - k // descending
		lam := vals[o]
		res.Eigenvalues[k] = lam
		if lam <= 0 {
			continue
		}
		if pos > 0 {
			res.ProportionExplained[k] = lam / pos
		}
		if k >= axes {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		u := vecs(o)
		best, bi := -1.0, 0
		for i, x := range u {
			if a := math.Abs(x); a > best {
				best, bi = a, i
			}
		}
		s := math.Sqrt(lam)
		if u[bi] < 0 {
			s = -s
		}
		for i, x := range u {
			res.Coordinates[i*axes+k] = x * s
		}
	}
	return res, nil
}

// centre returns the Gower-centred matrix of −D²/2, exactly symmetric.
func centre(m *distmat.Matrix) []float64 { return distmat.Gower(m) }

// topEigen reduces the symmetric n×n matrix f (overwritten) to tridiagonal
// form and returns all eigenvalues (ascending) and a function computing the
// eigenvector of eigenvalue index k by inverse iteration, back-transformed
// with the Householder reflectors. Vectors must be requested in descending
// order of eigenvalue (each is orthogonalized against the earlier ones).
func topEigen(ctx context.Context, f []float64, n int) ([]float64, func(k int) []float64, error) {
	impl := gonum.Implementation{}
	d := make([]float64, n)
	e := make([]float64, n-1)
	tau := make([]float64, n-1)
	work := make([]float64, 1)
	impl.Dsytrd(blas.Lower, n, f, n, d, e, tau, work, -1)
	work = make([]float64, int(work[0]))
	if err := aside(ctx, func() { impl.Dsytrd(blas.Lower, n, f, n, d, e, tau, work, len(work)) }); err != nil {
		return nil, nil, err
	}
	vals := slices.Clone(d)
	ecp := slices.Clone(e)
	if !impl.Dsterf(n, vals, ecp) {
		return nil, nil, fmt.Errorf("pcoa: tridiagonal eigenvalues did not converge")
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var tnorm float64
	for i := 0; i < n; i++ {
		r := math.Abs(d[i])
		if i > 0 {
			r += math.Abs(e[i-1])
		}
		if i < n-1 {
			r += math.Abs(e[i])
		}
		tnorm = math.Max(tnorm, r)
	}
	var done [][]float64 // tridiagonal eigenvectors computed so far
	rnd := rand.New(rand.NewPCG(1, 2))
	vec := func(k int) []float64 {
		z := invIter(d, e, vals[k], tnorm, done, rnd)
		done = append(done, slices.Clone(z))
		// x = Q z with Q = H_0 H_1 ... H_{n-2}: apply H_{n-2} first.
		for i := n - 2; i >= 0; i-- {
			if tau[i] == 0 {
				continue
			}
			// v[i+1] = 1, v[i+2:] = f[(i+2:)*n + i].
			dot := z[i+1]
			for r := i + 2; r < n; r++ {
				dot += f[r*n+i] * z[r]
			}
			dot *= tau[i]
			z[i+1] -= dot
			for r := i + 2; r < n; r++ {
				z[r] -= dot * f[r*n+i]
			}
		}
		return z
	}
	return vals, vec, nil
}

// invIter returns a unit eigenvector of the symmetric tridiagonal matrix
// (diagonal d, off-diagonal e) for the eigenvalue lam, by inverse iteration
// with partial pivoting, orthogonalized against prev.
func invIter(d, e []float64, lam, tnorm float64, prev [][]float64, rnd *rand.Rand) []float64 {
	n := len(d)
	tiny := tnorm * 1e-15
	if tiny == 0 {
		tiny = 1e-300
	}
	// LU factorization of T − lam·I with row interchanges.
	u0 := make([]float64, n)
	u1 := make([]float64, n)
	u2 := make([]float64, n)
	mult := make([]float64, n)
	swap := make([]bool, n)
	p0 := d[0] - lam
	p1 := 0.0
	if n > 1 {
		p1 = e[0]
	}
	p2 := 0.0
	for i := 0; i < n-1; i++ {
		c := e[i]
		a := d[i+1] - lam
		b := 0.0
		if i+2 < n {
			b = e[i+1]
		}
		var q0, q1, q2 float64 // the other row
		if math.Abs(c) > math.Abs(p0) {
			swap[i] = true
			q0, q1, q2 = p0, p1, p2
			p0, p1, p2 = c, a, b
		} else {
			q0, q1, q2 = c, a, b
		}
		if math.Abs(p0) < tiny {
			p0 = math.Copysign(tiny, p0)
		}
		mult[i] = q0 / p0
		u0[i], u1[i], u2[i] = p0, p1, p2
		p0, p1, p2 = q1-mult[i]*p1, q2-mult[i]*p2, 0
	}
	if math.Abs(p0) < tiny {
		p0 = math.Copysign(tiny, p0)
	}
	u0[n-1] = p0
	z := make([]float64, n)
	for i := range z {
		z[i] = rnd.Float64() - 0.5
	}
	normalize(z)
	for it := 0; it < 8; it++ {
		for i := 0; i < n-1; i++ {
			if swap[i] {
				z[i], z[i+1] = z[i+1], z[i]
			}
			z[i+1] -= mult[i] * z[i]
		}
		for i := n - 1; i >= 0; i-- {
			s := z[i]
			if i+1 < n {
				s -= u1[i] * z[i+1]
			}
			if i+2 < n {
				s -= u2[i] * z[i+2]
			}
			z[i] = s / u0[i]
		}
		for _, v := range prev {
			var dot float64
			for i := range z {
				dot += v[i] * z[i]
			}
			for i := range z {
				z[i] -= dot * v[i]
			}
		}
		normalize(z)
		// Residual ‖Tz − lam z‖.
		var res float64
		for i := 0; i < n; i++ {
			r := (d[i] - lam) * z[i]
			if i > 0 {
				r += e[i-1] * z[i-1]
			}
			if i < n-1 {
				r += e[i] * z[i+1]
			}
			res = math.Max(res, math.Abs(r))
		}
		if it >= 1 && res <= 1e-14*tnorm {
			break
		}
	}
	return z
}

func normalize(z []float64) {
	var s float64
	for _, x := range z {
		s += x * x
	}
	s = math.Sqrt(s)
	if s == 0 {
		return
	}
	for i := range z {
		z[i] /= s
	}
}

// aside runs f, an O(n³) LAPACK call without cancellation points, in its
// own goroutine and returns when it is done or ctx is cancelled, whichever
// comes first: an interrupted command stops at once. On cancellation f is
// abandoned (it finishes on its own, or with the process) and its results
// must not be read.
func aside(ctx context.Context, f func()) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-done:
		return nil
	}
}
