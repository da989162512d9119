package ode

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// SDESystem is a stochastic differential equation with diagonal noise,
//
//	dX_i = f_i(t, X) dt + g_i(t, X) dW_i,
//
// where f is System.RHS and Diffusion writes g(t, X) into g. Neither may
// allocate.
type SDESystem interface {
	System
	Diffusion(t float64, y, g []float64)
}

// DiffusionDerivative is optionally implemented by SDESystems used with the
// Milstein scheme: it writes ∂g_i/∂y_i into dg.
type DiffusionDerivative interface {
	DiffusionDerivative(t float64, y, dg []float64)
}

// SDEScheme selects the fixed-step SDE scheme.
type SDEScheme int

const (
	// EulerMaruyama: X += f h + g ΔW (strong order 1/2, weak order 1).
	EulerMaruyama SDEScheme = iota
	// Milstein: Euler–Maruyama plus ½ g ∂g/∂y (ΔW² − h) per component
	// (strong order 1 for diagonal noise where g_i depends on y_i only).
	// Without DiffusionDerivative, ∂g_i/∂y_i is a forward difference that
	// perturbs all components at once, which is exact only under that
	// diagonal-noise assumption.
	Milstein
)

// SDESolver integrates SDESystems on a fixed step. The random source is
// passed to Integrate, so a path is reproducible from its stream: each step
// draws one standard normal per component, in component order.
type SDESolver struct {
	n           int
	scheme      SDEScheme
	f, g, dg    []float64
	yp, gp      []float64
	NonNegative []bool // optional per component: clip to >= 0 after each step
}

// NewSDESolver returns a fixed-step SDE solver for dimension n.
func NewSDESolver(n int, scheme SDEScheme) (*SDESolver, error) {
	if n <= 0 {
		return nil, fmt.Errorf("ode: dimension %d must be positive", n)
	}
	if scheme != EulerMaruyama && scheme != Milstein {
		return nil, fmt.Errorf("ode: unknown SDE scheme %d", int(scheme))
	}
	v := func() []float64 { return make([]float64, n) }
	return &SDESolver{n: n, scheme: scheme, f: v(), g: v(), dg: v(), yp: v(), gp: v()}, nil
}

// Integrate advances y from t0 to tEnd with steps of at most dt (steps are
// shortened to land on tEnd and on each output time). For each time in tOut
// (ascending, within (t0, tEnd]) out(t, y) is called with the current state
// (scratch: copy it); a nil out ignores tOut.
func (e *SDESolver) Integrate(ctx context.Context, sys SDESystem, t0 float64, y []float64, tEnd, dt float64,
	rng *rand.Rand, tOut []float64, out func(t float64, y []float64) error) error {
	if sys.Dim() != e.n || len(y) != e.n {
		return fmt.Errorf("ode: dimension mismatch: system %d, state %d, solver %d", sys.Dim(), len(y), e.n)
	}
	if e.NonNegative != nil && len(e.NonNegative) != e.n {
		return fmt.Errorf("ode: NonNegative has %d entries, want %d", len(e.NonNegative), e.n)
	}
	if !(dt > 0) || math.IsInf(dt, 0) {
		return fmt.Errorf("ode: step %g must be positive and finite", dt)
	}
	if !(tEnd >= t0) || math.IsInf(tEnd, 0) || math.IsInf(t0, 0) {
		return fmt.Errorf("ode: bad interval [%g, %g]", t0, tEnd)
	}
	if rng == nil {
		return fmt.Errorf("ode: nil random source")
	}
	if out == nil {
		tOut = nil
	}
	dd, _ := sys.(DiffusionDerivative)
	oi := 0
	for oi < len(tOut) && tOut[oi] <= t0 {
		oi++
	}
	t := t0
	for nstep := 0; t < tEnd; nstep++ {
		if nstep&255 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("ode: integration cancelled at t=%g: %w", t, err)
			}
		}
		next := math.Min(t+dt, tEnd)
		if oi < len(tOut) && tOut[oi] < next {
			next = tOut[oi]
		}
		if tEnd-next < 1e-9*dt {
			next = tEnd
		}
		h := next - t
		sys.RHS(t, y, e.f)
		sys.Diffusion(t, y, e.g)
		if e.scheme == Milstein {
			if dd != nil {
				dd.DiffusionDerivative(t, y, e.dg)
			} else {
				for i, v := range y {
					d := sqrtEps * math.Max(math.Abs(v), 1e-8)
					e.yp[i] = v + d
				}
				sys.Diffusion(t, e.yp, e.gp)
				for i, v := range y {
					e.dg[i] = (e.gp[i] - e.g[i]) / (e.yp[i] - v)
				}
			}
		}
		sq := math.Sqrt(h)
		for i := range y {
			dw := sq * rng.NormFloat64()
			y[i] += e.f[i]*h + e.g[i]*dw
			if e.scheme == Milstein {
				y[i] += 0.5 * e.g[i] * e.dg[i] * (dw*dw - h)
			}
			if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
				return &NonFiniteError{T: next, Index: i}
			}
			if e.NonNegative != nil && e.NonNegative[i] && y[i] < 0 {
				y[i] = 0
			}
		}
		t = next
		for oi < len(tOut) && tOut[oi] <= t {
			if tOut[oi] <= tEnd {
				if err := out(tOut[oi], y); err != nil {
					return fmt.Errorf("ode: output at t=%g: %w", tOut[oi], err)
				}
			}
			oi++
		}
	}
	return nil
}
