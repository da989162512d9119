package ode

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// ou is the Ornstein–Uhlenbeck process dX = θ(μ − X) dt + σ dW.
type ou struct{ theta, mu, sigma float64 }

func (o *ou) Dim() int                            { return 1 }
func (o *ou) RHS(t float64, y, dy []float64)      { dy[0] = o.theta * (o.mu - y[0]) }
func (o *ou) Diffusion(t float64, y, g []float64) { g[0] = o.sigma }

// Mean and variance of the OU process at t = 0.5, 1, 3 over 10000 paths with
// dt = 0.01. They must match (1) the exact moments of the Euler–Maruyama
// recursion m' = m + θ(μ − m)h, v' = (1 − θh)²v + σ²h within 4 standard
// errors, and (2) the continuous moments μ + (x0 − μ)e^{−θt} and
// σ²(1 − e^{−2θt})/(2θ) within 4 standard errors plus the O(dt) bias.
func TestEulerMaruyamaOU(t *testing.T) {
	p := &ou{theta: 1.5, mu: 2, sigma: 0.8}
	const paths, dt, x0 = 10000, 0.01, -1.0
	tOut := []float64{0.5, 1, 3}
	sum := make([]float64, len(tOut))
	sum2 := make([]float64, len(tOut))
	em, _ := NewSDESolver(1, EulerMaruyama)
	rng := rand.New(rand.NewPCG(1, 2))
	y := []float64{0}
	for k := 0; k < paths; k++ {
		y[0] = x0
		i := 0
		err := em.Integrate(context.Background(), p, 0, y, 3, dt, rng, tOut, func(tt float64, yy []float64) error {
			sum[i] += yy[0]
			sum2[i] += yy[0] * yy[0]
			i++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// exact EM moments
	m, v := x0, 0.0
	step := 0
	for i, tt := range tOut {
		for ; float64(step)*dt < tt-1e-9; step++ {
			m += p.theta * (p.mu - m) * dt
			v = (1-p.theta*dt)*(1-p.theta*dt)*v + p.sigma*p.sigma*dt
		}
		mean := sum[i] / paths
		vr := sum2[i]/paths - mean*mean
		wm := p.mu + (x0-p.mu)*math.Exp(-p.theta*tt)
		wv := p.sigma * p.sigma * (1 - math.Exp(-2*p.theta*tt)) / (2 * p.theta)
		seM := math.Sqrt(v / paths)
		seV := v * math.Sqrt(2.0/(paths-1))
		t.Logf("t=%g mean %.5f (EM %.5f, exact %.5f, se %.2g) var %.5f (EM %.5f, exact %.5f, se %.2g)", tt, mean, m, wm, seM, vr, v, wv, seV)
		if math.Abs(mean-m) > 4*seM || math.Abs(vr-v) > 4*seV {
			t.Errorf("t=%g: mean %g var %g, want EM moments %g, %g", tt, mean, vr, m, v)
		}
		if math.Abs(mean-wm) > 4*seM+math.Abs(m-wm) || math.Abs(vr-wv) > 4*seV+math.Abs(v-wv) {
			t.Errorf("t=%g: mean %g var %g, want %g, %g", tt, mean, vr, wm, wv)
		}
		if math.Abs(m-wm) > 2*dt || math.Abs(v-wv) > 2*dt {
			t.Errorf("t=%g: EM bias too large: %g %g", tt, m-wm, v-wv)
		}
	}
	if err := em.Integrate(context.Background(), p, 0, y, 1, 0, rng, nil, nil); err == nil {
		t.Error("zero step accepted")
	}
}

// gbm is geometric Brownian motion dX = a X dt + b X dW.
type gbm struct{ a, b float64 }

func (p *gbm) Dim() int                            { return 1 }
func (p *gbm) RHS(t float64, y, dy []float64)      { dy[0] = p.a * y[0] }
func (p *gbm) Diffusion(t float64, y, g []float64) { g[0] = p.b * y[0] }

type gbmD struct{ gbm }

func (p *gbmD) DiffusionDerivative(t float64, y, dg []float64) { dg[0] = p.b }

// Strong convergence against the exact solution X_T = X0 exp((a − b²/2)T + b W_T),
// with W_T rebuilt by replaying the seeded normal stream: the mean absolute
// error over 2000 paths must fall with slope ≈ 1/2 (Euler–Maruyama) and ≈ 1
// (Milstein, analytic and finite-difference ∂g/∂y) as dt = 2^-4 … 2^-8
// (least-squares slope within ±0.15).
func TestSDEStrongOrder(t *testing.T) {
	const a, b, T, x0, paths = 1.5, 0.6, 1.0, 1.0, 2000
	for _, tc := range []struct {
		name   string
		scheme SDEScheme
		sys    SDESystem
		order  float64
	}{
		{"euler-maruyama", EulerMaruyama, &gbm{a: a, b: b}, 0.5},
		{"milstein", Milstein, &gbmD{gbm{a: a, b: b}}, 1},
		{"milstein-fd", Milstein, &gbm{a: a, b: b}, 1},
	} {
		var lx, ly []float64
		for k := 4; k <= 8; k++ {
			dt := math.Ldexp(1, -k)
			s, _ := NewSDESolver(1, tc.scheme)
			var sum float64
			for p := 0; p < paths; p++ {
				seed := uint64(1000*k + p)
				y := []float64{x0}
				if err := s.Integrate(context.Background(), tc.sys, 0, y, T, dt, rand.New(rand.NewPCG(seed, 7)), nil, nil); err != nil {
					t.Fatal(err)
				}
				r := rand.New(rand.NewPCG(seed, 7))
				var w float64
				for j := 0; j < 1<<k; j++ {
					w += math.Sqrt(dt) * r.NormFloat64()
				}
				exact := x0 * math.Exp((a-b*b/2)*T+b*w)
				sum += math.Abs(y[0] - exact)
			}
			lx = append(lx, math.Log(dt))
			ly = append(ly, math.Log(sum/paths))
		}
		// least-squares slope
		var mx, my float64
		for i := range lx {
			mx += lx[i] / float64(len(lx))
			my += ly[i] / float64(len(ly))
		}
		var sxy, sxx float64
		for i := range lx {
			sxy += (lx[i] - mx) * (ly[i] - my)
			sxx += (lx[i] - mx) * (lx[i] - mx)
		}
		slope := sxy / sxx
		t.Logf("%s: strong order %.3f (errors %v)", tc.name, slope, ly)
		if math.Abs(slope-tc.order) > 0.15 {
			t.Errorf("%s: strong order %.3f, want %g", tc.name, slope, tc.order)
		}
	}
}
