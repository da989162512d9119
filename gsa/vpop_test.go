package gsa

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestKDEScipy compares the density with scipy.stats.gaussian_kde
// (scripts/golden_gsa.py) to relative 1e-10.
func TestKDEScipy(t *testing.T) {
	f, err := os.Open("testdata/kde_scipy.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pts []float64
	var evals [][3]float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 || fs[0] == "#" {
			continue
		}
		var v []float64
		for _, s := range fs[1:] {
			x, _ := strconv.ParseFloat(s, 64)
			v = append(v, x)
		}
		if fs[0] == "pt" {
			pts = append(pts, v...)
		} else {
			evals = append(evals, [3]float64{v[0], v[1], v[2]})
		}
	}
	k, err := NewKDE(pts, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evals {
		if got := k.Density(e[:2]); math.Abs(got-e[2]) > 1e-10*e[2] {
			t.Errorf("density at %v = %v, scipy %v", e[:2], got, e[2])
		}
	}
	if _, err := NewKDE([]float64{1, 2, 1, 3, 1, 4}, 2); err == nil {
		t.Error("a constant coordinate was accepted")
	}
}

// TestSelectVPopUniform: plausible outputs uniform on [0, 1] (density 1)
// and a N(0.5, 0.1) target: p_i = φ(y_i), and for sf <= 1/max p the
// selected outputs are exactly N(0.5, 0.1) truncated to [0, 1] (mass
// 1 − 6e-7), with expected count sf·Σp. The one-sample KS test of the
// selection against the target must not reject, and weights reproduce
// the target's mean and sd.
func TestSelectVPopUniform(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 3))
	const n = 20000
	y := make([]float64, n)
	p := make([]float64, n)
	target := distuv.Normal{Mu: 0.5, Sigma: 0.1}
	for i := range y {
		y[i] = rnd.Float64()
		p[i] = target.Prob(y[i]) // plausible density is 1
	}
	score := func(sel []bool) float64 {
		var x []float64
		for i, s := range sel {
			if s {
				x = append(x, y[i])
			}
		}
		if len(x) < 2 {
			return 1
		}
		return ksD(x, target.CDF)
	}
	s, err := SelectVPop(p, score, SelectOptions{Runs: 20}, rnd)
	if err != nil {
		t.Fatal(err)
	}
	var x []float64
	for i, sel := range s.Selected {
		if sel {
			x = append(x, y[i])
		}
	}
	var sum float64
	for _, v := range p {
		sum += v
	}
	if want := s.ScaleFactor * sum; math.Abs(float64(len(x))-want) > 4*math.Sqrt(want) {
		t.Errorf("selected %d, expected %.0f", len(x), want)
	}
	d := ksD(x, target.CDF)
	crit := 1.63 / math.Sqrt(float64(len(x))) // 1% critical value
	if d > crit {
		t.Errorf("KS D = %.4f over %d selected, above the 1%% critical value %.4f", d, len(x), crit)
	}
	t.Logf("sf %.4g (max %.4g), %d selected, KS D %.4f (1%% critical %.4f)", s.ScaleFactor, s.MaxScale, len(x), d, crit)
	w := make([]float64, n)
	ess, err := ImportanceWeights(w, p)
	if err != nil {
		t.Fatal(err)
	}
	var m, v float64
	for i := range y {
		m += w[i] * y[i]
	}
	for i := range y {
		v += w[i] * (y[i] - m) * (y[i] - m)
	}
	if math.Abs(m-0.5) > 0.005 || math.Abs(math.Sqrt(v)-0.1) > 0.005 || ess < n/5 {
		t.Errorf("weighted mean %v sd %v ess %v", m, math.Sqrt(v), ess)
	}
}

func ksD(x []float64, cdf func(float64) float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	var d float64
	n := float64(len(s))
	for i, v := range s {
		f := cdf(v)
		d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
	}
	return d
}
