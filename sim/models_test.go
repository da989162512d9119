package sim_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/system"
)

// TestShippedModelsJacobian: for every shipped model the Jacobian agrees
// with (Richardson-extrapolated) central differences of the RHS at the initial state
// (|Δ| ≤ 1e-5·(1 + |J|)), or at a kink (the central difference's one-sided
// derivatives differ) with one of the one-sided derivatives, and reports
// whether it is analytic.
func TestShippedModelsJacobian(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testutil.RepoRoot(), "models", "*.yaml"))
	if len(files) == 0 {
		t.Skip("no models/*.yaml")
	}
	for _, f := range files {
		m, err := modelfile.LoadModel(f)
		if err != nil {
			t.Logf("%s does not load (front end mid-edit?): %v", filepath.Base(f), err)
			continue
		}
		s, err := system.Compile(m)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		n := s.Dim()
		y := make([]float64, n)
		if err := s.InitialState(y); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		t.Logf("%s: %d states, analytic Jacobian: %v", filepath.Base(f), n, s.AnalyticJacobian())
		ja := make([]float64, n*n)
		s.Jacobian(1, y, ja)
		yp := append([]float64(nil), y...)
		fp, fm := make([]float64, n), make([]float64, n)
		cd := func(j int, h float64, dst []float64) {
			yp[j] = y[j] + h
			s.RHS(1, yp, fp)
			yp[j] = y[j] - h
			s.RHS(1, yp, fm)
			yp[j] = y[j]
			for i := range dst {
				dst[i] = (fp[i] - fm[i]) / (2 * h)
			}
		}
		// side returns the Richardson-extrapolated one-sided derivative of
		// RHS i in state j (sign +1 forward, -1 backward).
		f0 := make([]float64, n)
		s.RHS(1, y, f0)
		side := func(i, j int, h, sign float64) float64 {
			d := func(h float64) float64 {
				yp[j] = y[j] + sign*h
				s.RHS(1, yp, fp)
				yp[j] = y[j]
				return sign * (fp[i] - f0[i]) / h
			}
			return 2*d(h/2) - d(h)
		}
		d1, d2 := make([]float64, n), make([]float64, n)
		bad := 0
		for j := 0; j < n; j++ {
			// Richardson-extrapolated central differences (error O(h⁴)):
			// Hill terms with small half-saturation constants at a zero
			// population are too curved for a plain central difference
			h := 1e-6 * math.Max(1e-3, math.Abs(y[j]))
			cd(j, h, d1)
			cd(j, h/2, d2)
			for i := 0; i < n; i++ {
				c := (4*d2[i] - d1[i]) / 3
				a := ja[i*n+j]
				if math.Abs(a-c) <= 1e-5*(1+math.Abs(a)) {
					continue
				}
				// At a kink of pos/max/min (a model state started exactly on
				// one, e.g. a ratchet's front at its driver) the central
				// difference averages the two sides; the Jacobian must then
				// equal one of the one-sided derivatives.
				if fw, bw := side(i, j, h, 1), side(i, j, h, -1); math.Abs(fw-bw) > 1e-5*(1+math.Abs(c)) &&
					(math.Abs(a-fw) <= 1e-5*(1+math.Abs(a)) || math.Abs(a-bw) <= 1e-5*(1+math.Abs(a))) {
					t.Logf("%s: J[%s][%s] = %g at a kink (one-sided %g, %g)", filepath.Base(f), s.StateNames()[i], s.StateNames()[j], a, fw, bw)
					continue
				}
				if bad < 5 {
					bad++
					t.Errorf("%s: J[%s][%s] = %g, central difference %g", filepath.Base(f), s.StateNames()[i], s.StateNames()[j], a, c)
				}
			}
		}
	}
}
