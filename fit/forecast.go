package fit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/series"
)

// params are fitted coefficients in the method's coordinates: per
// modelled coordinate i, the growth g_i, the interactions a_ij (one per
// regressor) and the input effects b_ik.
type params struct {
	lay    layout
	growth []float64   // m
	inter  [][]float64 // m × regs
	input  [][]float64 // m × nu
	flat   []float64   // inter row-major (m × regs), for the right-hand side
}

// fromBeta unpacks a solver solution (p×m, row-major by design column).
func fromBeta(lay layout, beta []float64) *params {
	pr := &params{lay: lay, growth: make([]float64, lay.m), inter: make([][]float64, lay.m), input: make([][]float64, lay.m)}
	pr.flat = make([]float64, lay.m*lay.regs)
	for i := 0; i < lay.m; i++ {
		pr.inter[i] = pr.flat[i*lay.regs : (i+1)*lay.regs : (i+1)*lay.regs]
		for j := 0; j < lay.regs; j++ {
			pr.inter[i][j] = beta[j*lay.m+i]
		}
		pr.growth[i] = beta[lay.regs*lay.m+i]
		pr.input[i] = make([]float64, lay.nu)
		for k := 0; k < lay.nu; k++ {
			pr.input[i][k] = beta[(lay.regs+1+k)*lay.m+i]
		}
	}
	return pr
}

// dynamics is the fitted ODE in the method's coordinates: dz/dt = g +
// A φ(z) + B u, with u set per integration segment.
type dynamics struct {
	tr  *transform
	pr  *params
	u   []float64
	phi []float64
	// cap bounds every coordinate: a state beyond it is reported as a
	// blow-up rather than integrated to overflow.
	cap float64
}

func (dy *dynamics) Dim() int { return dy.pr.lay.m }

func (dy *dynamics) RHS(_ float64, z, dz []float64) {
	phi := dy.phi
	dy.tr.regressors(z, phi)
	regs := len(phi)
	flat := dy.pr.flat
	growth := dy.pr.growth[:len(dz)]
	for i := range dz {
		dz[i] = growth[i] + dotUnrolled(flat[i*regs:(i+1)*regs], phi)
		for k, b := range dy.pr.input[i] {
			dz[i] += b * dy.u[k]
		}
	}
}

// dotUnrolled returns Σ a[j]·b[j] (len(b) >= len(a)) with four
// independent accumulators.
func dotUnrolled(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	j := 0
	for ; j+4 <= len(a); j += 4 {
		s0 += a[j] * b[j]
		s1 += a[j+1] * b[j+1]
		s2 += a[j+2] * b[j+2]
		s3 += a[j+3] * b[j+3]
	}
	for ; j < len(a); j++ {
		s0 += a[j] * b[j]
	}
	return (s0 + s1) + (s2 + s3)
}

// errBlowUp reports a forecast whose state left the bounded region.
var errBlowUp = errors.New("the fitted dynamics diverge (a population grows without bound)")

// forecaster integrates fitted dynamics; one per goroutine.
type forecaster struct {
	dy  dynamics
	sol *ode.Solver
	z   []float64
}

// Integration tolerances (in log coordinates) of forecasts, and of the
// forecasts that score penalty candidates, which need less precision.
const (
	forecastRTol, forecastATol = 1e-7, 1e-9
	scoreRTol, scoreATol       = 1e-5, 1e-7
)

func newForecaster(tr *transform, pr *params) (*forecaster, error) {
	return newForecasterTol(tr, pr, forecastRTol, forecastATol)
}

func newForecasterTol(tr *transform, pr *params, rtol, atol float64) (*forecaster, error) {
	sol, err := ode.NewSolver(pr.lay.m, ode.Options{Method: ode.DOPRI5, RTol: rtol, ATol: atol, MaxSteps: 200000})
	if err != nil {
		return nil, err
	}
	return &forecaster{dy: dynamics{tr: tr, pr: pr, u: make([]float64, pr.lay.nu), phi: make([]float64, pr.lay.regs), cap: 60},
		sol: sol, z: make([]float64, pr.lay.m)}, nil
}

// run integrates from z0 at times[0] through the subject's inputs and
// writes the coordinates at every time into out (out[0] = z0).
func (f *forecaster) run(ctx context.Context, s *series.Subject, z0 []float64, times []float64, out [][]float64) error {
	copy(f.z, z0)
	copy(out[0], z0)
	// Integration segments end at every sample time and input break.
	bounds := append([]float64(nil), times...)
	for _, sig := range s.Inputs {
		bounds = append(bounds, sig.Breaks(times[0], times[len(times)-1])...)
	}
	sort.Float64s(bounds)
	next := 1
	for b := 0; b+1 < len(bounds); b++ {
		a, e := bounds[b], bounds[b+1]
		if e <= a {
			continue
		}
		for k, sig := range s.Inputs {
			f.dy.u[k] = sig.At(a)
		}
		if _, err := f.sol.Integrate(ctx, &f.dy, a, f.z, e, nil, nil, nil); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// Non-finite states, vanishing or too many steps: the
			// fitted dynamics run away.
			return fmt.Errorf("%w (%v)", errBlowUp, err)
		}
		for _, v := range f.z {
			if !(math.Abs(v) < f.dy.cap) {
				return errBlowUp
			}
		}
		for next < len(times) && times[next] <= e {
			copy(out[next], f.z)
			next++
		}
	}
	if next < len(times) {
		return fmt.Errorf("fit: forecast reached %d of %d times", next, len(times))
	}
	return nil
}

// predictSubject forecasts subject s from its first sample; it returns
// relative abundances per sample (and absolute ones for absolute methods).
func predictSubject(ctx context.Context, f *forecaster, tr *transform, s *series.Subject) (rel, abs [][]float64, err error) {
	n := len(s.Times)
	z0 := make([]float64, f.dy.pr.lay.m)
	tr.state(s.Abundance[0], z0, make([]float64, tr.d))
	zs := make([][]float64, n)
	for k := range zs {
		zs[k] = make([]float64, len(z0))
	}
	if err := f.run(ctx, s, z0, s.Times, zs); err != nil {
		return nil, nil, err
	}
	rel = make([][]float64, n)
	for k := range zs {
		rel[k] = make([]float64, tr.d)
		tr.relative(zs[k], rel[k])
	}
	if tr.method.Absolute() {
		abs = make([][]float64, n)
		for k := range zs {
			abs[k] = make([]float64, tr.d)
			tr.absolute(zs[k], abs[k])
		}
	}
	return rel, abs, nil
}
