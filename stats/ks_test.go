package stats

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestKSScipy compares D and the asymptotic p-value with
// scipy.stats.kstest(method='asymp') (scripts/golden_gsa.py) to 1e-12 and
// 1e-8.
func TestKSScipy(t *testing.T) {
	f, err := os.Open("testdata/ks_scipy.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		a, _ := strconv.ParseFloat(c[2], 64)
		b, _ := strconv.ParseFloat(c[3], 64)
		wantD, _ := strconv.ParseFloat(c[5], 64)
		wantP, _ := strconv.ParseFloat(c[6], 64)
		var x []float64
		for _, s := range strings.Fields(c[7]) {
			v, _ := strconv.ParseFloat(s, 64)
			x = append(x, v)
		}
		var cdf func(float64) float64
		switch c[1] {
		case "normal":
			cdf = distuv.Normal{Mu: a, Sigma: b}.CDF
		case "lognormal":
			cdf = distuv.LogNormal{Mu: math.Log(a), Sigma: b}.CDF
		case "uniform":
			cdf = func(v float64) float64 { return math.Min(math.Max((v-a)/(b-a), 0), 1) }
		}
		r, err := KSOneSample(x, nil, cdf)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.D-wantD) > 1e-12 || math.Abs(r.P-wantP) > 1e-8 {
			t.Errorf("%s: D %v p %v, scipy D %v p %v", c[0], r.D, r.P, wantD, wantP)
		}
		n++
	}
	if n != 5 {
		t.Fatalf("%d cases read", n)
	}
}

// TestKolmogorovSF: the critical values of the Kolmogorov distribution
// (Smirnov 1948): P(K > 1.2238) = 0.10, P(K > 1.3581) = 0.05,
// P(K > 1.6276) = 0.01; both series agree near x = 1.
func TestKolmogorovSF(t *testing.T) {
	for _, c := range [][2]float64{{1.2238, 0.10}, {1.3581, 0.05}, {1.6276, 0.01}} {
		if p := KolmogorovSF(c[0]); math.Abs(p-c[1]) > 1e-4 {
			t.Errorf("SF(%v) = %v, want %v", c[0], p, c[1])
		}
	}
	if a, b := KolmogorovSF(0.9999999), KolmogorovSF(1); math.Abs(a-b) > 1e-6 {
		t.Errorf("series disagree at 1: %v %v", a, b)
	}
}

// TestKSWeighted: integer weights equal repeating the values.
func TestKSWeighted(t *testing.T) {
	cdf := distuv.UnitNormal.CDF
	x := []float64{-1, 0.2, 0.5, 2}
	w := []float64{2, 1, 0, 3}
	rep := []float64{-1, -1, 0.2, 2, 2, 2}
	a, err := KSOneSample(x, w, cdf)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := KSOneSample(rep, nil, cdf)
	if math.Abs(a.D-b.D) > 1e-15 {
		t.Errorf("weighted D %v, repeated D %v", a.D, b.D)
	}
	if want := 36.0 / 14; math.Abs(a.N-want) > 1e-12 {
		t.Errorf("effective n %v, want %v", a.N, want)
	}
	if _, err := KSOneSample([]float64{math.NaN()}, nil, cdf); err == nil {
		t.Error("NaN accepted")
	}
}
