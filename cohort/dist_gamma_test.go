package cohort

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestGammaAgainstR compares the gamma distribution's quantile (the map from
// a design point or copula draw u to a value), CDF and density, truncated
// and not, with R's qgamma, pgamma and dgamma (scripts/golden_cohort_gamma.R
// → testdata/gamma_golden.tsv, 56 rows). Tolerance: relative 1e-12 (the
// largest measured error is printed with -v).
func TestGammaAgainstR(t *testing.T) {
	f, err := os.Open("testdata/gamma_golden.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	rows, worst := 0, 0.0
	for sc.Scan() {
		v := make([]float64, 9)
		for i, s := range strings.Split(sc.Text(), "\t") {
			if v[i], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatalf("row %d: %v", rows+2, err)
			}
		}
		d := &Dist{Dist: "gamma", Shape: &v[0], Scale: &v[1]}
		if !math.IsInf(v[2], 0) {
			d.Lower = &v[2]
		}
		if !math.IsInf(v[3], 0) {
			d.Upper = &v[3]
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("row %d: %v", rows+2, err)
		}
		q, _ := d.Quantile(v[4])
		cdf, err1 := d.CDF(v[6])
		pdf, err2 := d.PDF(v[6])
		if err1 != nil || err2 != nil {
			t.Fatalf("row %d: %v %v", rows+2, err1, err2)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"quantile", q, v[5]}, {"cdf", cdf, v[7]}, {"pdf", pdf, v[8]}} {
			e := math.Abs(c.got-c.want) / math.Max(math.Abs(c.want), 1e-300)
			worst = math.Max(worst, e)
			if e > 1e-12 {
				t.Errorf("row %d (shape %g scale %g [%g, %g] u %g): %s %.17g, R %.17g (rel %.2g)", rows+2, v[0], v[1], v[2], v[3], v[4], c.name, c.got, c.want, e)
			}
		}
		rows++
	}
	if rows != 56 {
		t.Fatalf("%d golden rows, want 56", rows)
	}
	t.Logf("largest relative difference from R: %.2g", worst)
}

// TestGammaRateAndErrors: rate is 1/scale; bad parameters are refused with
// the field named.
func TestGammaRateAndErrors(t *testing.T) {
	k, th, r := 2.0, 0.5, 2.0
	a := &Dist{Dist: "gamma", Shape: &k, Scale: &th}
	b := &Dist{Dist: "gamma", Shape: &k, Rate: &r}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, u := range []float64{0.05, 0.5, 0.95} {
		if qa, _ := a.Quantile(u); qa != func() float64 { q, _ := b.Quantile(u); return q }() {
			t.Errorf("u %g: scale and rate forms differ", u)
		}
	}
	if lo, hi := a.Support(); lo != 0 || !math.IsInf(hi, 1) {
		t.Errorf("support [%g, %g], want [0, +Inf]", lo, hi)
	}
	neg, zero, nan := -1.0, 0.0, math.NaN()
	for _, c := range []struct {
		d    Dist
		want string
	}{
		{Dist{Dist: "gamma", Scale: &th}, "gamma distribution needs shape"},
		{Dist{Dist: "gamma", Shape: &k}, "gamma distribution needs scale or rate"},
		{Dist{Dist: "gamma", Shape: &k, Scale: &th, Rate: &r}, "give scale or rate, not both"},
		{Dist{Dist: "gamma", Shape: &neg, Scale: &th}, "must be > 0"},
		{Dist{Dist: "gamma", Shape: &k, Rate: &zero}, "must be > 0"},
		{Dist{Dist: "gamma", Shape: &nan, Scale: &th}, "shape must be finite"},
		{Dist{Dist: "gamma", Shape: &k, Scale: &th, Upper: &neg}, "upper bound must be > 0"},
	} {
		if err := c.d.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.d, err, c.want)
		}
	}
}

// TestGammaInSpec: a spec may give a parameter a gamma distribution (scale
// or rate, truncated or not), and a misspelt field is refused with its
// file:line:col.
func TestGammaInSpec(t *testing.T) {
	spec := "name: g\nn: 3\nduration: 10\nparameters:\n" +
		"  sigma_S: {dist: gamma, shape: 2, scale: 0.5}\n" +
		"  r_Cu: {dist: gamma, shape: 9, rate: 7.5, lower: 0.5, upper: 2}\n"
	s, err := ParseSpec("g.yaml", []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	if d := s.Parameters["r_Cu"]; d.mu != 9 || d.sd != 1/7.5 || d.lo != 0.5 || d.hi != 2 {
		t.Errorf("r_Cu resolved to shape %g scale %g on [%g, %g]", d.mu, d.sd, d.lo, d.hi)
	}
	bad := strings.Replace(spec, "shape: 2, scale", "shape: 2, scael", 1)
	if _, err := ParseSpec("g.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), "g.yaml:5:") {
		t.Errorf("misspelt field: %v, want an error at g.yaml:5", err)
	}
}
