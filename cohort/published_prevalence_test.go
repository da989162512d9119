package cohort

import (
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// severityCase is one condition of TestGeneralAdultsSeverity: the
// susceptibility parameter, the bound beyond which nobody has the condition
// (on the fit's proposal cohorts, scripts/fit_skin_severity.py: no eczema
// case above gamma_AB 23.8 among 6,000 subjects, no psoriasis case below
// ps_D0 1.19 among 2,000), the values the fit reached there and the
// published intervals.
type severityCase struct {
	cond, param, other string
	bound              string // "upper: 60" or "lower: 0.3"
	n                  int
	fit                map[string][2]float64 // prevalence and shares the fit reached, and their Monte Carlo SE there
	published          map[string][2]float64 // targets the fit meets (95% intervals)
}

// TestGeneralAdultsSeverity pins the prevalence and severity split of eczema
// and psoriasis in the general-adult population (examples/
// cohort-general-adults.yaml, whose gamma_AB and ps_D0 log-normals
// scripts/fit_skin_severity.py fitted to them: FIT targets, see
// benchmarks/prevalence.md). It simulates n subjects of the spec with the
// parameter's log-normal truncated to the side where the condition occurs
// (the other skin parameter at its model default), so prevalence = P(side)
// × the share of cases, and every case is drawn from the spec's own
// distribution. Tolerance around the fit's values: 3 standard errors, the
// binomial SE of these n subjects and the fit's own Monte Carlo SE (its
// effective sample size, ~1,160 eczema and ~260 psoriasis cases; the
// shares' SE is binomial at that size) in quadrature; the published
// intervals are checked, widened by the same amount, where the fit meets
// them (eczema's moderate share, 24.7% against 28.9% [25.3, 32.7], is the
// known miss: benchmarks/prevalence.md). The spreads set by hand before the
// first fit (80% / 14% / 6% eczema, 2% moderate-to-severe psoriasis) fail it.
func TestGeneralAdultsSeverity(t *testing.T) {
	const path = "../examples/cohort-general-adults.yaml"
	cases := []severityCase{
		{cond: "eczema", param: "gamma_AB", other: "ps_D0", bound: "upper: 30", n: 1500,
			fit: map[string][2]float64{"prevalence": {0.0739, 0.0019}, "mild": {0.636, 0.0140},
				"moderate": {0.2466, 0.0125}, "severe": {0.1173, 0.0094}},
			published: map[string][2]float64{"prevalence": {0.059, 0.088}, "severe": {0.086, 0.137}}},
		{cond: "psoriasis", param: "ps_D0", other: "gamma_AB", bound: "lower: 0.8", n: 800,
			fit:       map[string][2]float64{"prevalence": {0.0300, 0.0017}, "moderate-severe": {0.1700, 0.0230}},
			published: map[string][2]float64{"prevalence": {0.026, 0.034}, "moderate-severe": {0.12, 0.22}}},
	}
	for _, c := range cases {
		t.Run(c.cond, func(t *testing.T) { checkSeverity(t, path, c) })
	}
}

// TestGeneralAdultsPrevalence pins the prevalence of acne, depression and
// anxiety in the general-adult population, whose acne_s0 median and D0 and
// A0 gamma distributions (session 10; log-normal before)
// scripts/fit_skin_severity.py fitted to Goulden 1999 (7.5%,
// the mean of men and women), Brody 2018 (8.1% PHQ-9 >= 10) with MMWR 2018
// (76.3% PHQ-9 0-4), and Loewe 2008 (5% GAD-7 >= 10, mean GAD-7 2.95): FIT
// targets (benchmarks/prevalence.md; the mood shares of cases at >= 15 are
// compared there, not checked here). Acne is checked as the skin conditions
// are, on subjects drawn above acne_s0 = 0.09, where all but 1.7% of the
// fit's weighted cases lie (cases begin at 0.083 among its 4,000 proposal
// subjects): the expected value there is 7.5% x 0.983 = 7.37%. Depression
// and anxiety have no such bound (people with a low baseline load are ill
// through skin burden, stress and the HPA switch), so their prevalence, the
// share scoring PHQ-9 < 5 and the mean GAD-7 are read off the spec's first
// n subjects as drawn. Tolerance: 3 standard errors, this test's SE and the
// fit's Monte Carlo SE (printed by the script; session 10, 12,000-subject mood
// proposals) in quadrature. The published intervals are checked, widened by
// the same amount. The acne check fails the median set by hand before the
// fit (0.07: 9.85% against 7.37% ± 1.7); the mood checks are coarse (± 2.6
// and ± 1.9 points of prevalence, ± 4.1 points of the PHQ-9 < 5 share, ± 0.31
// of the mean GAD-7 at n = 1,200, what ~4 CPU-s buys): they catch a drift of
// the model, not the refit itself (session 8's spec, hand-set spreads 0.97
// and 0.9, passes them: 73.9% below 5 and a mean GAD-7 of 3.18 on these
// 1,200, 75.1% and 3.26 in 5,000 adults).
func TestGeneralAdultsPrevalence(t *testing.T) {
	const path = "../examples/cohort-general-adults.yaml"
	t.Run("acne", func(t *testing.T) {
		checkSeverity(t, path, severityCase{cond: "acne", param: "acne_s0", bound: "lower: 0.09", n: 500,
			fit:       map[string][2]float64{"prevalence": {0.0737, 0.0034}},
			published: map[string][2]float64{"prevalence": {0.0575, 0.0925}}})
	})
	const n = 1200
	p := editedPlan(t, path, "n: 5000", "n: "+strconv.Itoa(n))
	subs := simulateConditions(t, p, n)
	for _, c := range []moodPin{
		{"depression prevalence", "depression", nil, 0.081, 0.0020, [2]float64{0.073, 0.089}},
		{"anxiety prevalence", "anxiety", nil, 0.050, 0.0014, [2]float64{0.044, 0.056}},
		{"share with PHQ-9 < 5", "phq9", below5, 0.763, 0.0053, [2]float64{0.749, 0.777}},
		{"mean GAD-7", "gad7", nil, 2.95, 0.0284, [2]float64{2.85, 3.05}},
	} {
		k := conditionIndex(t, p, c.col)
		x := make([]float64, n)
		for i, sub := range subs {
			x[i] = sub[k]
			if c.f != nil {
				x[i] = c.f(x[i])
			}
		}
		v, sd := stat.MeanStdDev(x, nil)
		tol := 3 * math.Hypot(sd/math.Sqrt(n), c.fse)
		t.Logf("%s %.4f (SE %.4f); fit %.3f ± %.3f", c.name, v, sd/math.Sqrt(n), c.fit, tol)
		if math.Abs(v-c.fit) > tol {
			t.Errorf("%s %.4f, want the fit's %.3f ± %.3f", c.name, v, c.fit, tol)
		}
		if v < c.published[0]-tol || v > c.published[1]+tol {
			t.Errorf("%s %.4f outside the published %v widened by %.3f", c.name, v, c.published, tol)
		}
	}
}

// moodPin is one population quantity TestGeneralAdultsPrevalence checks:
// the mean of f(column) over the subjects (f nil: the column itself), the
// value the fit reached, its Monte Carlo SE there and the published interval.
type moodPin struct {
	name, col string
	f         func(float64) float64
	fit, fse  float64
	published [2]float64
}

func below5(v float64) float64 {
	if v < 5 {
		return 1
	}
	return 0
}

func checkSeverity(t *testing.T, path string, c severityCase) {
	mu, s := specLogNormal(t, path, c.param)
	line := specLine(t, path, c.param)
	edits := []string{"n: 5000", "n: " + strconv.Itoa(c.n), line, strings.Replace(line, "}", ", "+c.bound+"}", 1)}
	if c.other != "" {
		edits = append(edits, specLine(t, path, c.other), "") // the other skin condition at the model default
	}
	grades := severityGrades(t, editedPlan(t, path, edits...), c)
	bv, _ := strconv.ParseFloat(strings.Fields(c.bound)[1], 64)
	side := distuv.UnitNormal.CDF((math.Log(bv) - mu) / s) // P(below the upper bound)
	if strings.HasPrefix(c.bound, "lower") {
		side = 1 - side
	}
	n, k := float64(c.n), float64(len(grades))
	est := map[string][2]float64{"prevalence": {side * k / n, side * math.Sqrt(k/n*(1-k/n)/n)}}
	for name, in := range map[string]func(g float64) bool{"mild": func(g float64) bool { return g == 1 },
		"moderate": func(g float64) bool { return g == 2 }, "severe": func(g float64) bool { return g == 3 },
		"moderate-severe": func(g float64) bool { return g >= 2 }} {
		var m float64
		for _, g := range grades {
			if in(g) {
				m++
			}
		}
		est[name] = [2]float64{m / k, math.Sqrt(m / k * (1 - m/k) / k)}
	}
	for name, f := range c.fit {
		v, se := est[name][0], est[name][1]
		want, tol := f[0], 3*math.Hypot(se, f[1])
		t.Logf("%s %s %.4f (SE %.4f); fit %.3f ± %.3f", c.cond, name, v, se, want, tol)
		if math.Abs(v-want) > tol {
			t.Errorf("%s %s %.4f, want the fit's %.3f ± %.3f", c.cond, name, v, want, tol)
		}
		if iv, ok := c.published[name]; ok && (v < iv[0]-tol || v > iv[1]+tol) {
			t.Errorf("%s %s %.4f outside the published %v widened by %.3f", c.cond, name, v, iv, tol)
		}
	}
}

// severityGrades simulates the plan's subjects and returns the grade of
// each case of c.cond.
func severityGrades(t *testing.T, p *Plan, c severityCase) []float64 {
	t.Helper()
	ci, gi := conditionIndex(t, p, c.cond), conditionIndex(t, p, c.cond+"_severity")
	var grades []float64
	for _, sub := range simulateConditions(t, p, c.n) {
		if sub[ci] == 1 {
			grades = append(grades, sub[gi])
		}
	}
	return grades
}

// conditionIndex returns the position of the condition column name in the
// plan's Conditions.
func conditionIndex(t *testing.T, p *Plan, name string) int {
	t.Helper()
	for k, e := range p.Conditions {
		if e.Name == name {
			return k
		}
	}
	t.Fatalf("plan lacks the %s column", name)
	return -1
}

// simulateConditions simulates the plan's first n subjects and returns
// each one's condition columns.
func simulateConditions(t *testing.T, p *Plan, n int) [][]float64 {
	t.Helper()
	r, err := p.NewRunner()
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]float64, n)
	for i := range out {
		sub, err := p.Simulate(context.Background(), r, i, nil)
		if err != nil || sub.Err != "" {
			t.Fatalf("subject %d: %v %s", i, err, sub.Err)
		}
		out[i] = append([]float64(nil), sub.Conditions...)
	}
	return out
}

// specLine returns the spec's parameter line for id (with its newline).
func specLine(t *testing.T, path, id string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if strings.HasPrefix(l, "  "+id+": ") {
			return l
		}
	}
	t.Fatalf("%s: no parameter line for %s", path, id)
	return ""
}

// specLogNormal returns the location and scale of ln(id) in the spec.
func specLogNormal(t *testing.T, path, id string) (mu, s float64) {
	t.Helper()
	sp, err := LoadSpec(path)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := sp.Parameters[id]
	if !ok || d.Dist != "lognormal" || d.Median == nil || d.SDLog == nil {
		t.Fatalf("%s: %s is not a log-normal with median and sdlog", path, id)
	}
	return math.Log(*d.Median), *d.SDLog
}

// TestSkinMoodContrast pins the skin-burden -> mood gain a_skinD, which
// scripts/fit_skin_mood.py fitted (20,000 general adults) to Cohen 2016
// (JAMA Dermatol 152:73, NHANES 2009-2012): mean PHQ-9 4.54 with psoriasis
// against 3.22 without, a difference of 1.32 [0.72, 1.92] (a FIT target,
// cohen2016_psoriasis_phq9). The model's contrast is the mean PHQ-9 of the
// psoriasis cases among subjects of the general-adult spec drawn with ps_D0
// truncated above 0.8 (where every case of the fit's proposals lies; every
// other line as the spec draws it) minus that of the subjects without
// psoriasis among the spec's first n as drawn. Tolerance: 3 standard
// errors, the two groups' and the fit's own (0.21, its 640 cases and
// 19,360 others) in quadrature; the published interval is checked widened
// by the same amount. It is coarse (± 0.84; ~8 CPU-s): on its own subjects,
// with the gains fixed in the spec, a_skinD = a_skinA = 5 fails it (0.05)
// while the hand-set 20 does not (1.05: these 3,000 + 3,000 subjects read
// lower than the fit's 20,000, where 20 gave 2.21 and 14.22 gives 1.32).
// The fit itself is reproduced by the script, not here.
func TestSkinMoodContrast(t *testing.T) {
	const path = "../examples/cohort-general-adults.yaml"
	const n, fit, fitSE = 3000, 1.32, 0.21
	line := specLine(t, path, "ps_D0")
	ps := editedPlan(t, path, "n: 5000", "n: "+strconv.Itoa(n), line, strings.Replace(line, "}", ", lower: 0.8}", 1))
	all := editedPlan(t, path, "n: 5000", "n: "+strconv.Itoa(n))
	var cases, rest []float64
	k, q := conditionIndex(t, ps, "psoriasis"), conditionIndex(t, ps, "phq9")
	for _, sub := range simulateConditions(t, ps, n) {
		if sub[k] == 1 {
			cases = append(cases, sub[q])
		}
	}
	for _, sub := range simulateConditions(t, all, n) {
		if sub[k] != 1 {
			rest = append(rest, sub[q])
		}
	}
	mc, sc := stat.MeanStdDev(cases, nil)
	mr, sr := stat.MeanStdDev(rest, nil)
	v := mc - mr
	se := math.Hypot(sc/math.Sqrt(float64(len(cases))), sr/math.Sqrt(float64(len(rest))))
	tol := 3 * math.Hypot(se, fitSE)
	t.Logf("PHQ-9 %.3f with psoriasis (%d) - %.3f without (%d) = %.3f (SE %.3f); fit %.2f ± %.2f", mc, len(cases), mr, len(rest), v, se, fit, tol)
	if math.Abs(v-fit) > tol {
		t.Errorf("psoriasis PHQ-9 contrast %.3f, want the fit's %.2f ± %.2f", v, fit, tol)
	}
	if v < 0.72-tol || v > 1.92+tol {
		t.Errorf("psoriasis PHQ-9 contrast %.3f outside Cohen 2016's [0.72, 1.92] widened by %.2f", v, tol)
	}
}
