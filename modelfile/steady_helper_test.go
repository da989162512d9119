package modelfile

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/holobiont/holobiont/system"
)

// newtonSteady refines y0 to a zero of sys's right-hand side by Newton's
// method with the model's analytic Jacobian (inputs at their defaults) and
// returns the root and the Jacobian's eigenvalues there. It fails the test
// unless the residual's max-norm falls below tol relative to max(|y|, 1).
func newtonSteady(t *testing.T, sys *system.System, y0 []float64, tol float64) ([]float64, []complex128) {
	t.Helper()
	n := sys.Dim()
	y := append([]float64(nil), y0...)
	f := make([]float64, n)
	jac := make([]float64, n*n)
	res := func() float64 {
		sys.RHS(0, y, f)
		m := 0.0
		for i, v := range f {
			m = math.Max(m, math.Abs(v)/math.Max(math.Abs(y[i]), 1))
		}
		return m
	}
	for it := 0; it < 100 && res() > tol*1e-3; it++ {
		sys.Jacobian(0, y, jac)
		var dx mat.VecDense
		if err := dx.SolveVec(mat.NewDense(n, n, append([]float64(nil), jac...)), mat.NewVecDense(n, append([]float64(nil), f...))); err != nil {
			t.Fatalf("Newton: singular Jacobian at %v: %v", y, err)
		}
		for i := range y {
			y[i] -= dx.AtVec(i)
		}
	}
	if r := res(); r > tol {
		t.Fatalf("Newton did not converge from %v: residual %g", y0, r)
	}
	sys.Jacobian(0, y, jac)
	var eig mat.Eigen
	if !eig.Factorize(mat.NewDense(n, n, jac), mat.EigenNone) {
		t.Fatal("eigenvalues did not converge")
	}
	return y, eig.Values(nil)
}

// maxRealPart returns the largest real part of ev.
func maxRealPart(ev []complex128) float64 {
	m := math.Inf(-1)
	for _, v := range ev {
		m = math.Max(m, real(v))
	}
	return m
}

// stateIndex returns the index of state name in sys.
func stateIndex(t *testing.T, sys *system.System, name string) int {
	t.Helper()
	for i, n := range sys.StateNames() {
		if n == name {
			return i
		}
	}
	t.Fatalf("no state %s", name)
	return -1
}
