package da

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// skbioToy is the table of scikit-bio's test_ancombc.py (6 samples × 7
// taxa, treatment/placebo).
func skbioToy(t *testing.T) (*Counts, *Design) {
	t.Helper()
	table := [][]float64{
		{12, 11, 10, 10, 10, 10, 10},
		{9, 11, 12, 10, 10, 10, 10},
		{1, 11, 10, 11, 10, 5, 9},
		{22, 21, 9, 10, 10, 10, 10},
		{20, 22, 10, 10, 13, 10, 10},
		{23, 21, 14, 10, 10, 10, 10},
	}
	ids := []string{"s1", "s2", "s3", "s4", "s5", "s6"}
	c := &Counts{Samples: ids}
	for f := 0; f < 7; f++ {
		c.Taxa = append(c.Taxa, "b"+string(rune('1'+f)))
		for s := 0; s < 6; s++ {
			c.X = append(c.X, table[s][f])
		}
	}
	fm, err := ParseFormula("grouping")
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDesign(fm, map[string]Column{"grouping": {Values: []string{"treatment", "treatment", "treatment", "placebo", "placebo", "placebo"}}}, ids, DesignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return c, d
}

func log1pCounts(c *Counts) []float64 {
	y := make([]float64, len(c.X))
	for k, v := range c.X {
		y[k] = math.Log1p(v)
	}
	return y
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.10g, want %.10g (tol %g)", what, got, want, tol)
	}
}

// TestEstimateParamsSkbio checks var_hat, beta and theta against
// scikit-bio's test_estimate_params values to 1e-5 (the values are printed
// to 8 significant digits there).
func TestEstimateParamsSkbio(t *testing.T) {
	c, d := skbioToy(t)
	ap, err := estimateParams(log1pCounts(c), 7, 6, d)
	if err != nil {
		t.Fatal(err)
	}
	varHat := [][2]float64{{0.00112214, 0.14814216}, {0.00031849, 0.00931848}, {0.00748883, 0.01449789},
		{0.00023415, 0.01428563}, {0.00420568, 0.01320567}, {0.00023415, 0.00516622}, {0.00023415, 0.00498806}}
	beta := [2][7]float64{{3.11935683, 3.10585971, 2.46951019, 2.39789527, 2.47828263, 2.39789527, 2.39789527},
		{-1.26579628, -0.62095306, -0.01593022, 0.02900379, -0.08038735, -0.20204527, -0.03177006}}
	theta := []float64{0.12293081, 0.10931507, -0.23224588, -0.03514176, 0.00627999, 0.02886177}
	// scikit-bio's design has placebo as reference: grouping[T.treatment].
	for i := 0; i < 7; i++ {
		for a := 0; a < 2; a++ {
			near(t, "var_hat", ap.varHat[i*2+a], varHat[i][a], 1e-5)
			near(t, "beta", ap.beta[i*2+a], beta[a][i], 1e-5)
		}
	}
	for j, w := range theta {
		near(t, "theta", ap.theta[j], w, 1e-5)
	}
}

// TestInitBiasParamsSkbio is scikit-bio's test_init_bias_params.
func TestInitBiasParamsSkbio(t *testing.T) {
	cases := []struct {
		beta []float64
		want [5]float64
	}{
		{[]float64{0.2, 0.75, 1.15, 1.4, 1.85, 2.05, 2.3, 3.2}, [5]float64{1.6125, 0.2, 3.2, 1, 1}},
		{[]float64{0, 1}, [5]float64{0.5, 0, 1, 1, 1}},
		{[]float64{0, 0, 0, 0, 1}, [5]float64{0, 0, 1, 1, 1}},
		{[]float64{0, 1, 1, 1, 1}, [5]float64{1, 0, 1, 1, 1}},
		{[]float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 10}, [5]float64{0, 0, 10, 1, 1}},
	}
	for _, c := range cases {
		d, l1, l2, k1, k2 := initBiasParams(c.beta)
		got := [5]float64{d, l1, l2, k1, k2}
		for k := range got {
			near(t, "init", got[k], c.want[k], 1e-12)
		}
	}
}

// TestCalcStatisticsSkbio checks se, W, p and q after one EM iteration
// (scikit-bio's test_calc_statistics, Holm) to 1e-3, and the full EM
// biases (test_estimate_bias_em) to its 1e-2.
func TestCalcStatisticsSkbio(t *testing.T) {
	c, d := skbioToy(t)
	f, err := fitANCOMBC(log1pCounts(c), 7, 6, d, ancombcSettings{tol: 1e-5, maxIter: 1, padj: "holm"})
	if err != nil {
		t.Fatal(err)
	}
	se := [][2]float64{{0.03349832, 0.38489241}, {0.01784618, 0.09653226}, {0.086538, 0.12040718}, {0.01530208, 0.11952252},
		{0.06485124, 0.11491594}, {0.01530208, 0.07187641}, {0.01530208, 0.07062619}}
	w := [][2]float64{{2.14805775e+01, -3.06882664e+00}, {3.95639779e+01, -5.55591315e+00}, {8.05617300e-01, 5.70547350e-01},
		{-1.24061800e-01, 9.50716360e-01}, {1.21029210e+00, 3.69040700e-02}, {-1.24061800e-01, -1.63359659e+00}, {-1.24061800e-01, 7.48421510e-01}}
	pv := [][2]float64{{2.36547636e-102, 2.14901260e-003}, {0, 2.76164163e-008}, {4.20463527e-001, 5.68306514e-001},
		{9.01266346e-001, 3.41748381e-001}, {2.26166816e-001, 9.70561497e-001}, {9.01266346e-001, 1.02343585e-001}, {9.01266346e-001, 4.54205953e-001}}
	q := [][2]float64{{1.41928582e-101, 1.28940756e-002}, {0, 1.93314914e-007}, {1, 1}, {1, 1}, {1, 1}, {1, 5.11717926e-001}, {1, 1}}
	for i := 0; i < 7; i++ {
		for a := 0; a < 2; a++ {
			k := i*2 + a
			near(t, "se", f.se[k], se[i][a], 1e-3)
			near(t, "W", f.w[k], w[i][a], 1e-3)
			near(t, "p", f.pv[k], pv[i][a], 1e-3)
			near(t, "q", f.q[k], q[i][a], 1e-3)
		}
	}
	sf := []float64{2.43809627, 2.42448053, 2.08291958, 2.36465192, 2.40607366, 2.42865545}
	for j := range sf {
		near(t, "sample fraction", f.sampleFractions[j], sf[j], 1e-3)
	}
	full, err := fitANCOMBC(log1pCounts(c), 7, 6, d, ancombcSettings{tol: 1e-5, maxIter: 100, padj: "holm"})
	if err != nil {
		t.Fatal(err)
	}
	want := [2][3]float64{{2.40007051, 2.4000710, 5.809086e-05}, {-0.08410937, -0.0847577, 1.395714e-03}}
	for a := 0; a < 2; a++ {
		b := full.bias[a]
		near(t, "delta_em", b.deltaEM, want[a][0], 1e-2)
		near(t, "delta_wls", b.deltaWLS, want[a][1], 1e-2)
		near(t, "var_delta", b.varDelta, want[a][2], 1e-2)
	}
	// Significance pattern of test_ancombc (Holm, alpha 0.05): b1 and b2
	// differ in both coefficients, the rest in neither.
	for i := 0; i < 7; i++ {
		for a := 0; a < 2; a++ {
			sig := full.q[i*2+a] <= 0.05
			if sig != (i < 2) {
				t.Errorf("taxon b%d coefficient %d: significant = %v", i+1, a, sig)
			}
		}
	}
}

func TestRunANCOMBCOutput(t *testing.T) {
	c, d := skbioToy(t)
	res, err := Run(context.Background(), ANCOMBC, c, d, Options{Sensitivity: true, StrucZero: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 7 || res.Rows[0].Term != "grouping[treatment]" {
		t.Fatalf("rows: %d, first term %q", len(res.Rows), res.Rows[0].Term)
	}
}

func TestMedianSelect(t *testing.T) {
	r := []float64{5, 1, 4, 4, 2, 9, 7, 3, 3, 8}
	for n := 1; n <= len(r); n++ {
		x := append([]float64(nil), r[:n]...)
		s := append([]float64(nil), r[:n]...)
		for i := 1; i < len(s); i++ {
			for j := i; j > 0 && s[j] < s[j-1]; j-- {
				s[j], s[j-1] = s[j-1], s[j]
			}
		}
		want := s[n/2]
		if n%2 == 0 {
			want = (s[n/2-1] + s[n/2]) / 2
		}
		if got := median(x); got != want {
			t.Errorf("n=%d: median %g, want %g", n, got, want)
		}
	}
	// medianOf (the sampled bracket for large inputs) against a full sort,
	// on continuous, tied, sorted and NaN-free skewed inputs.
	rg := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{4095, 4096, 5001, 51200} {
		for kind := 0; kind < 4; kind++ {
			x := make([]float64, n)
			for i := range x {
				switch kind {
				case 0:
					x[i] = rg.NormFloat64()
				case 1:
					x[i] = float64(rg.IntN(3))
				case 2:
					x[i] = float64(i)
				case 3:
					x[i] = math.Exp(3 * rg.NormFloat64())
				}
			}
			orig := append([]float64(nil), x...)
			s := append([]float64(nil), x...)
			slices.Sort(s)
			want := s[n/2]
			if n%2 == 0 {
				want = (s[n/2-1] + s[n/2]) / 2
			}
			if got := medianOf(x, make([]float64, n)); got != want {
				t.Errorf("medianOf n=%d kind %d: %g, want %g", n, kind, got, want)
			}
			if !slices.Equal(x, orig) {
				t.Errorf("medianOf n=%d kind %d changed its input", n, kind)
			}
		}
	}
}
