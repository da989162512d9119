package da

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// rowsText renders every number of a result (NaN included) so two runs
// can be compared bit for bit.
func rowsText(r *Result) string {
	var s []byte
	for _, row := range r.Rows {
		s = fmt.Appendf(s, "%s %s %x %x %x %x %x", row.Taxon, row.Term, math.Float64bits(row.Effect), math.Float64bits(row.SE),
			math.Float64bits(row.Statistic), math.Float64bits(row.P), math.Float64bits(row.Q))
		for _, v := range row.Extra {
			s = fmt.Appendf(s, " %x", math.Float64bits(v))
		}
		s = append(s, '\n')
	}
	return string(s)
}

// TestALDEx2Reproducible checks that ALDEx2's output depends only on the
// seed: identical bits on 1 and 3 workers, and whether the CLR values are
// kept in memory or drawn twice (a table past the cache limit), for the
// two-group test and the glm.
func TestALDEx2Reproducible(t *testing.T) {
	c, d := synthetic(150, 24, 3, 0)
	x := make([]string, c.N())
	for j := range x {
		x[j] = fmt.Sprint(j % 5)
	}
	fm, _ := ParseFormula("~ group + x")
	dGLM, err := NewDesign(fm, map[string]Column{"group": {Values: groupsOf(d)}, "x": {Values: x, Numeric: true}}, c.Samples, DesignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, des := range map[string]*Design{"two-group": d, "glm": dGLM} {
		var want string
		for _, o := range []Options{{Workers: 1}, {Workers: 3}, {Workers: 1, aldexCache: 1}, {Workers: 3, aldexCache: 1}} {
			o.Seed, o.MCSamples = 7, 16
			res, err := Run(context.Background(), ALDEx2, c, des, o)
			if err != nil {
				t.Fatal(err)
			}
			got := rowsText(res)
			if want == "" {
				want = got
			} else if got != want {
				t.Errorf("%s: workers %d, cache limit %d: output differs from 1 worker with the cache", name, o.Workers, o.aldexCache)
			}
		}
	}
}

// groupsOf returns the "group" labels of the synthetic design's samples.
func groupsOf(d *Design) []string {
	g := d.FactorGroups(&d.Terms[1])
	out := make([]string, len(g))
	for j, v := range g {
		out[j] = d.Terms[1].Levels[v]
	}
	return out
}

// TestLog2Gamma checks the Dirichlet draws' log Gamma(x + 0.5) against
// the exact mean ψ(a) and variance ψ′(a) of log Gamma(a), to
// 5 standard errors over 200,000 draws, for the zero-count shortcut
// (Z²/2), tabulated and untabulated counts.
func TestLog2Gamma(t *testing.T) {
	s := newAldexSampler(&Counts{}, 1, 1, nil)
	var r xoshiro
	r.seed(5, 6)
	const N = 200000
	for _, x := range []float64{0, 1, 7, 250, 5000, 0.25} {
		var sum, ss float64
		v := make([]float64, N)
		for i := range v {
			v[i] = math.Log(s.gamma(&r, x))
			sum += v[i]
		}
		mean := sum / N
		for _, y := range v {
			ss += (y - mean) * (y - mean)
		}
		vr := ss / (N - 1)
		a := x + 0.5
		wm, wv := digamma(a), trigamma(a)
		// SE of the variance from the sample's fourth central moment.
		var m4 float64
		for _, y := range v {
			m4 += math.Pow(y-mean, 4)
		}
		m4 /= N
		if se := math.Sqrt(wv / N); math.Abs(mean-wm) > 5*se {
			t.Errorf("count %g: mean ln draw %.6f, want ψ(%g) = %.6f (SE %.2g)", x, mean, a, wm, se)
		}
		if se := math.Sqrt((m4 - vr*vr) / N); math.Abs(vr-wv) > 5*se {
			t.Errorf("count %g: variance %.6f, want ψ′(%g) = %.6f (SE %.2g)", x, vr, a, wv, se)
		}
	}
}

// TestLog2Table checks the table logarithm against math.Log2 over the
// range of Gamma draws (1e-300 up to 1e12) to 2e-15·max(1, |log2 x|).
func TestLog2Table(t *testing.T) {
	lg := newLog2Table()
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 1000000; i++ {
		x := math.Exp2(-996 + 1036*r.Float64())
		if i < 1000 {
			x = 1 + float64(i)*1e-3*r.Float64() // near 1, where the value is small
		}
		got, want := lg.log2(x), math.Log2(x)
		if d := math.Abs(got - want); d > 2e-15*max(1, math.Abs(want)) {
			t.Fatalf("log2(%g) = %.17g, math.Log2 %.17g (difference %.2g)", x, got, want, d)
		}
	}
}

// TestLog2Prod checks the exponent-and-mantissa sum of logarithms against
// a plain sum of math.Log2 over draws as small as 1e-300.
func TestLog2Prod(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	p := log2Prod{mant: 1}
	var want float64
	for i := 0; i < 100000; i++ {
		g := math.Exp2(-996 + 1036*r.Float64())
		p.add(g)
		want += math.Log2(g)
	}
	if got := p.sum(); math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("log2 product %.17g, sum of log2 %.17g", got, want)
	}
}
