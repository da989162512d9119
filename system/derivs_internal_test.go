package system

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCommunityRatesBitExact checks the interleaved gLV kernel in derivs
// against the plain per-member loop, bit for bit, for community sizes 1–14
// (six-row blocks, then three-row blocks and their remainders), with zero, absent and non-finite
// entries and a zero shedding rate (whose negation is −0). NaN results
// need only both be NaN: which operand's payload an addition keeps is the
// compiler's choice of operand order, in either loop.
func TestCommunityRatesBitExact(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	val := func() float64 {
		switch rnd.IntN(12) {
		case 0:
			return 0
		case 1:
			return math.Copysign(0, -1)
		case 2:
			return math.Inf(1 - 2*rnd.IntN(2))
		case 3:
			return math.NaN()
		}
		return rnd.NormFloat64() * math.Pow(10, float64(rnd.IntN(9)-4))
	}
	for k := 1; k <= 14; k++ {
		for trial := 0; trial < 200; trial++ {
			nenv := 4 + 3*k
			env := make([]float64, nenv)
			for i := range env {
				env[i] = val()
			}
			cc := community{shedding: -1, a: make([]float64, k*k), x: make([]float64, k)}
			if rnd.IntN(2) == 0 {
				cc.shedding = 0
				if rnd.IntN(2) == 0 {
					env[0] = 0
				}
			}
			y := make([]float64, k+2)
			for i := range y {
				y[i] = val()
			}
			for i := 0; i < k; i++ {
				cc.members = append(cc.members, (i+1)%len(y))
				g, in := -1, -1
				if rnd.IntN(4) > 0 {
					g = 1 + i
				}
				if rnd.IntN(2) > 0 {
					in = 1 + k + i
				}
				cc.growth = append(cc.growth, g)
				cc.inflow = append(cc.inflow, in)
			}
			for i := range cc.a {
				cc.a[i] = val()
			}
			s := &System{env: env, comms: []community{cc}}
			got := make([]float64, len(y))
			s.derivs(y, got)

			want := make([]float64, len(y))
			shed := 0.0
			if cc.shedding >= 0 {
				shed = env[cc.shedding]
			}
			for i, si := range cc.members {
				g := -shed
				if cc.growth[i] >= 0 {
					g += env[cc.growth[i]]
				}
				for j, sj := range cc.members {
					g += float64(cc.a[i*k+j] * y[sj])
				}
				v := float64(y[si] * g)
				if cc.inflow[i] >= 0 {
					v += env[cc.inflow[i]]
				}
				want[si] = v
			}
			for i := range want {
				if math.IsNaN(got[i]) && math.IsNaN(want[i]) {
					continue // x86 may keep either operand's NaN payload
				}
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("k=%d trial %d: dydt[%d] = %v (%#x), plain loop %v (%#x)", k, trial, i, got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
				}
			}
		}
	}
}

// BenchmarkCommunityRates times derivs on five dense six-member
// communities (the default model's gut and four skin sites).
func BenchmarkCommunityRates(b *testing.B) {
	rnd := rand.New(rand.NewPCG(3, 4))
	const sites, k = 5, 6
	env := make([]float64, 1+2*sites*k)
	for i := range env {
		env[i] = rnd.Float64()
	}
	y := make([]float64, sites*k)
	for i := range y {
		y[i] = rnd.Float64()
	}
	s := &System{env: env}
	for c := 0; c < sites; c++ {
		cc := community{shedding: 0, a: make([]float64, k*k), x: make([]float64, k)}
		for i := 0; i < k; i++ {
			cc.members = append(cc.members, c*k+i)
			cc.growth = append(cc.growth, 1+c*k+i)
			cc.inflow = append(cc.inflow, 1+sites*k+c*k+i)
		}
		for i := range cc.a {
			cc.a[i] = -rnd.Float64()
		}
		s.comms = append(s.comms, cc)
	}
	dy := make([]float64, len(y))
	for b.Loop() {
		s.derivs(y, dy)
	}
}
