package da

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
)

// The R-ANCOMBC oracle: scripts/golden_ancombc_r.R runs ANCOMBC 2.6.1's
// own ancombc() on the HITChip Atlas families (scripts/atlas1006_fixture.R)
// in four cases (A–D, see the script) and writes the golden files read
// here.
//
// Tolerances. Everything but the bias δ̂ is a closed-form function of the
// data and δ̂. R minimises the EM's variance inflations κ₁, κ₂ by
// Nelder–Mead (nloptr's defaults, xtol_rel 1e-6) where holobiont solves
// the same one-dimensional problem exactly, and both stop the EM at
// tol = 1e-5, so δ̂ (and hence lfc) may differ by a few 1e-6: lfc and δ̂
// are held to 1e-5 absolute (measured ≤ 3.8e-6). se does not depend on κ
// without conserve, and with it only through the WLS variance of δ̂: 1e-6
// relative (measured ≤ 3.6e-9). W = lfc/se inherits lfc's difference
// divided by se (≥ 0.05 on these data): 2e-4 absolute (measured ≤ 4.7e-5);
// p and q then move by about |W|·ΔW relative: 5e-4 relative (measured
// ≤ 1.1e-4), or 1e-12 absolute for tiny p. The structural-zero pattern
// must match exactly.
const (
	rTolLFC  = 1e-5
	rTolSE   = 1e-6
	rTolW    = 2e-4
	rTolP    = 5e-4
	rTolPAbs = 1e-12
)

type rCase struct {
	formula, padj   string
	strucZero, neg  bool
	conserve        bool
	samples         []string
	lfc, se, w      map[string]float64 // by taxon + "\t" + R term
	p, q            map[string]float64
	zero            map[string]bool // taxon + "\t" + level
	deltaEM, dWLS   map[string]float64
	nZero, nResults int
}

func rKey(a, b string) string { return a + "\t" + b }

// rTerm maps a design coefficient name to R's: "bmi_group[lean]" →
// "bmi_grouplean".
func rTerm(s string) string { return strings.NewReplacer("[", "", "]", "").Replace(s) }

func readRCase(t *testing.T, id string) *rCase {
	t.Helper()
	cs := map[string]*rCase{
		"A": {formula: "~ age + nationality + bmi_group", padj: "holm", strucZero: true, conserve: true},
		"B": {formula: "~ age + nationality + bmi_group", padj: "bh"},
		"C": {formula: "~ age + bmi_group", padj: "holm", strucZero: true, conserve: true},
		"D": {formula: "~ age + bmi_group", padj: "holm", strucZero: true, neg: true},
		"U": {formula: "~ age + nationality + bmi_group", padj: "holm", strucZero: true, conserve: true},
	}[id]
	cs.lfc, cs.se, cs.w, cs.p, cs.q = map[string]float64{}, map[string]float64{}, map[string]float64{}, map[string]float64{}, map[string]float64{}
	cs.zero, cs.deltaEM, cs.dWLS = map[string]bool{}, map[string]float64{}, map[string]float64{}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("golden value %q: %v", s, err)
		}
		return v
	}
	for _, r := range readGolden(t, "testdata/golden_ancombc_r.tsv") {
		if r[0] == id {
			k := rKey(r[1], r[2])
			cs.lfc[k], cs.se[k], cs.w[k], cs.p[k], cs.q[k] = num(r[3]), num(r[4]), num(r[5]), num(r[6]), num(r[7])
			cs.nResults++
		}
	}
	for _, r := range readGolden(t, "testdata/golden_ancombc_r_zero.tsv") {
		if r[0] == id {
			cs.zero[rKey(r[1], r[2])] = r[3] == "1"
			if r[3] == "1" {
				cs.nZero++
			}
		}
	}
	for _, r := range readGolden(t, "testdata/golden_ancombc_r_bias.tsv") {
		if r[0] == id {
			cs.deltaEM[r[1]], cs.dWLS[r[1]] = num(r[2]), num(r[3])
		}
	}
	for _, r := range readGolden(t, "testdata/golden_ancombc_r_samples.tsv") {
		if r[0] == id {
			cs.samples = append(cs.samples, r[1])
		}
	}
	if cs.nResults == 0 || len(cs.samples) == 0 {
		t.Fatalf("case %s: no golden rows", id)
	}
	return cs
}

// atlasCase returns the family counts and design of one case's samples,
// filtered as ancombc(prv_cut = 0.10, lib_cut = 1000).
func atlasCase(t *testing.T, cs *rCase) (*Counts, *Design) {
	t.Helper()
	all := readCounts(t, "testdata/atlas1006_family.tsv")
	md := readGolden(t, "testdata/atlas1006_metadata.tsv")
	col := map[string]int{}
	for j, s := range all.Samples {
		col[s] = j
	}
	row := map[string][]string{}
	for _, r := range md {
		row[r[0]] = r
	}
	sub := &Counts{Taxa: all.Taxa, Samples: cs.samples}
	for i := range all.Taxa {
		for _, s := range cs.samples {
			sub.X = append(sub.X, all.X[i*all.N()+col[s]])
		}
	}
	cols := map[string]Column{"age": {Numeric: true}, "nationality": {}, "bmi_group": {}}
	for _, s := range cs.samples {
		for k, nm := range []string{"age", "nationality", "bmi_group"} {
			c := cols[nm]
			c.Values = append(c.Values, row[s][k+1])
			cols[nm] = c
		}
	}
	for j := 0; j < sub.N(); j++ {
		var lib float64
		for i := 0; i < sub.M(); i++ {
			lib += sub.X[i*sub.N()+j]
		}
		if lib < 1000 {
			t.Fatalf("sample %s: library %g < lib_cut 1000 (the cases assume none is dropped)", sub.Samples[j], lib)
		}
	}
	c, _ := Filter(sub, 0.10)
	fm, err := ParseFormula(cs.formula)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDesign(fm, cols, c.Samples, DesignOptions{Reference: map[string]string{"bmi_group": "underweight"}})
	if err != nil {
		t.Fatal(err)
	}
	return c, d
}

func closeRel(a, b, rel, abs float64) bool {
	return math.Abs(a-b) <= max(rel*math.Abs(b), abs)
}

// TestANCOMBCAgainstR compares analyze da --method ancombc with R's
// ANCOMBC 2.6.1 on the HITChip Atlas (cases A–D of
// scripts/golden_ancombc_r.R): 890 and 36 samples, with and without
// conserve, Holm and BH, structural zeros by both rules.
func TestANCOMBCAgainstR(t *testing.T) {
	for _, id := range []string{"A", "B", "C", "D"} {
		t.Run(id, func(t *testing.T) {
			cs := readRCase(t, id)
			c, d := atlasCase(t, cs)
			opt := Options{PAdjust: cs.padj, StrucZero: cs.strucZero, Group: "bmi_group", NegLB: cs.neg, Conserve: cs.conserve}
			res, err := Run(context.Background(), ANCOMBC, c, d, opt)
			if err != nil {
				t.Fatal(err)
			}
			var worst [5]float64
			n := 0
			for _, r := range res.Rows {
				k := rKey(r.Taxon, rTerm(r.Term))
				want, ok := cs.lfc[k]
				if !ok {
					t.Fatalf("%s: not in R's results", k)
				}
				n++
				worst[0] = max(worst[0], math.Abs(r.Effect-want))
				worst[1] = max(worst[1], relDiff(r.SE, cs.se[k]))
				worst[2] = max(worst[2], math.Abs(r.Statistic-cs.w[k]))
				worst[3] = max(worst[3], relDiff(r.P, cs.p[k]))
				worst[4] = max(worst[4], relDiff(r.Q, cs.q[k]))
				if math.Abs(r.Effect-want) > rTolLFC || !closeRel(r.SE, cs.se[k], rTolSE, 0) || math.Abs(r.Statistic-cs.w[k]) > rTolW ||
					!closeRel(r.P, cs.p[k], rTolP, rTolPAbs) || !closeRel(r.Q, cs.q[k], rTolP, rTolPAbs) {
					t.Errorf("%s: lfc %.10g se %.10g W %.10g p %.6g q %.6g, R %.10g %.10g %.10g %.6g %.6g",
						k, r.Effect, r.SE, r.Statistic, r.P, r.Q, want, cs.se[k], cs.w[k], cs.p[k], cs.q[k])
				}
			}
			// R also reports the intercept, which analyze da does not test.
			if want := cs.nResults * (d.P - 1) / d.P; n != want {
				t.Errorf("%d rows, R has %d (without the intercept)", n, want)
			}
			t.Logf("%d taxa × %d samples, %d rows: max |Δlfc| %.2g, se rel %.2g, |ΔW| %.2g, p rel %.2g, q rel %.2g",
				c.M(), c.N(), n, worst[0], worst[1], worst[2], worst[3], worst[4])
			checkRBias(t, cs, c, d)
			if cs.strucZero {
				checkRZeros(t, cs, c, d)
			}
		})
	}
}

// checkRBias compares every coefficient's EM and WLS bias estimates.
func checkRBias(t *testing.T, cs *rCase, c *Counts, d *Design) {
	t.Helper()
	f, err := fitANCOMBC(log1pCounts(c), c.M(), c.N(), d, ancombcSettings{tol: 1e-5, maxIter: 100, padj: "holm"})
	if err != nil {
		t.Fatal(err)
	}
	var worst float64
	for a, nm := range d.Names {
		em, wls := f.bias[a].deltaEM, f.bias[a].deltaWLS
		wantEM, ok := cs.deltaEM[rTerm(nm)]
		if !ok {
			t.Fatalf("coefficient %s: not in R's bias table", nm)
		}
		worst = max(worst, math.Abs(em-wantEM), math.Abs(wls-cs.dWLS[rTerm(nm)]))
		if math.Abs(em-wantEM) > rTolLFC || math.Abs(wls-cs.dWLS[rTerm(nm)]) > rTolLFC {
			t.Errorf("%s: delta_em %.10g delta_wls %.10g, R %.10g %.10g", nm, em, wls, wantEM, cs.dWLS[rTerm(nm)])
		}
	}
	t.Logf("bias: max |Δδ| (EM and WLS) %.2g over %d coefficients", worst, d.P)
}

// checkRZeros compares the structural-zero pattern of every taxon and
// bmi_group level.
func checkRZeros(t *testing.T, cs *rCase, c *Counts, d *Design) {
	t.Helper()
	pf := d.FactorTerm("bmi_group")
	sz := strucZeros(c, d.FactorGroups(pf), len(pf.Levels), cs.neg)
	nz := 0
	for i, tx := range c.Taxa {
		for g, lv := range pf.Levels {
			want, ok := cs.zero[rKey(tx, lv)]
			if !ok {
				t.Fatalf("%s %s: not in R's zero table", tx, lv)
			}
			if sz[i][g] != want {
				t.Errorf("%s at %s: structural zero %v, R %v", tx, lv, sz[i][g], want)
			}
			if sz[i][g] {
				nz++
			}
		}
	}
	if nz != cs.nZero {
		t.Errorf("%d structural zeros, R %d", nz, cs.nZero)
	}
}

// TestANCOMBCRUnitTest reproduces ANCOMBC's own unit test
// (tests/testthat/test-ancombc.R: round(W[1, 3], 2) == −4.9, the age
// coefficient of Actinobacteria) through holobiont's bias EM and conserve
// variance, and every other value of that run (case U of
// scripts/golden_ancombc_r.R) to the tolerances above. The run keeps the
// 115 samples with a missing covariate, which analyze da refuses; R's
// .iter_mle fits each taxon on the complete cases but still adds those
// samples to the sandwich's middle term, with residual y − mean_taxa(y)
// and the missing entries of x_j x_jᵀ set to 0.1. That rule is rebuilt
// here so that the EM, the conserve variance, W, p and q are compared on
// R's own inputs.
func TestANCOMBCRUnitTest(t *testing.T) {
	all := readCounts(t, "testdata/atlas1006_family.tsv")
	c, _ := Filter(all, 0.10) // prv_cut 0.10; every library is ≥ 1,900 (lib_cut 1000)
	m, n := c.M(), c.N()
	names, x, cc := rDesignWithNA(t, c.Samples)
	p := len(names)
	y := log1pCounts(c)
	beta, varHat := rIterMLE(t, y, x, cc, m, n, p)
	want := readRCase(t, "U")
	var worst [6]float64 // delta, lfc, se (rel), W, p, q (rel)
	for a, nm := range names {
		b, v := make([]float64, m), make([]float64, m)
		for i := 0; i < m; i++ {
			b[i], v[i] = beta[i*p+a], varHat[i*p+a]
		}
		br := estimateBiasEM(b, v, 1e-5, 100)
		worst[0] = max(worst[0], math.Abs(br.deltaEM-want.deltaEM[nm]))
		if math.Abs(br.deltaEM-want.deltaEM[nm]) > rTolLFC {
			t.Errorf("%s: delta_em %.10g, R %.10g", nm, br.deltaEM, want.deltaEM[nm])
		}
		pv := make([]float64, m)
		w := make([]float64, m)
		for i := 0; i < m; i++ {
			se := coefSE(v[i], br.varDelta, true)
			w[i] = (b[i] - br.deltaEM) / se
			pv[i] = normTwoSided(w[i])
			k := rKey(c.Taxa[i], nm)
			worst[1] = max(worst[1], math.Abs(b[i]-br.deltaEM-want.lfc[k]))
			worst[2] = max(worst[2], relDiff(se, want.se[k]))
			worst[3] = max(worst[3], math.Abs(w[i]-want.w[k]))
			if math.Abs(b[i]-br.deltaEM-want.lfc[k]) > rTolLFC || !closeRel(se, want.se[k], rTolSE, 0) || math.Abs(w[i]-want.w[k]) > rTolW {
				t.Errorf("%s: lfc %.10g se %.10g W %.10g, R %.10g %.10g %.10g", k, b[i]-br.deltaEM, se, w[i], want.lfc[k], want.se[k], want.w[k])
			}
		}
		for i, q := range adjust(pv, "holm") {
			k := rKey(c.Taxa[i], nm)
			worst[4] = max(worst[4], relDiff(pv[i], want.p[k]))
			worst[5] = max(worst[5], relDiff(q, want.q[k]))
			if !closeRel(pv[i], want.p[k], rTolP, rTolPAbs) || !closeRel(q, want.q[k], rTolP, rTolPAbs) {
				t.Errorf("%s: p %.6g q %.6g, R %.6g %.6g", k, pv[i], q, want.p[k], want.q[k])
			}
			if c.Taxa[i] == "Actinobacteria" && nm == "age" {
				t.Logf("unit test: W[Actinobacteria, age] = %.6f (R %.6f); ANCOMBC expects round(W, 2) = -4.9", w[i], want.w[k])
				if math.Round(w[i]*100)/100 != -4.9 {
					t.Errorf("W[Actinobacteria, age] = %.6f, ANCOMBC's test wants -4.9 at 2 decimals", w[i])
				}
			}
		}
	}
	t.Logf("%d taxa × %d samples (%d complete), %d coefficients: max |Δδ| %.2g, |Δlfc| %.2g, se rel %.2g, |ΔW| %.2g, p rel %.2g, q rel %.2g",
		m, n, len(cc), p, worst[0], worst[1], worst[2], worst[3], worst[4], worst[5])
}

// rDesignWithNA is R's model.matrix(~ age + nationality + bmi_group) with
// na.pass over the Atlas metadata: NaN where a covariate is missing. It
// returns R's coefficient names, X (n×p) and the complete-case rows.
func rDesignWithNA(t *testing.T, samples []string) ([]string, []float64, []int) {
	t.Helper()
	row := map[string][]string{}
	for _, r := range readGolden(t, "testdata/atlas1006_metadata.tsv") {
		row[r[0]] = r
	}
	nat, _ := levelsOf(columnOf(row, samples, 2))
	bmi := []string{"underweight", "lean", "overweight", "obese", "severeobese", "morbidobese"} // atlas1006's factor order
	names := []string{"(Intercept)", "age"}
	for _, l := range nat[1:] {
		names = append(names, "nationality"+l)
	}
	for _, l := range bmi[1:] {
		names = append(names, "bmi_group"+l)
	}
	p := len(names)
	x := make([]float64, len(samples)*p)
	var cc []int
	for j, s := range samples {
		r, xr := row[s], x[j*p:(j+1)*p]
		xr[0] = 1
		xr[1] = math.NaN()
		if r[1] != "" {
			xr[1], _ = strconv.ParseFloat(r[1], 64)
		}
		factorRow(xr[2:2+len(nat)-1], nat, r[2])
		factorRow(xr[2+len(nat)-1:], bmi, r[3])
		if r[1] != "" && r[2] != "" && r[3] != "" {
			cc = append(cc, j)
		}
	}
	return names, x, cc
}

func columnOf(row map[string][]string, samples []string, k int) []string {
	v := make([]string, len(samples))
	for j, s := range samples {
		v[j] = row[s][k]
	}
	return v
}

// factorRow writes the treatment-contrast indicators of value v (levels[0]
// the reference); all NaN when v is missing.
func factorRow(dst []float64, levels []string, v string) {
	for k := range dst {
		switch {
		case v == "":
			dst[k] = math.NaN()
		case v == levels[k+1]:
			dst[k] = 1
		default:
			dst[k] = 0
		}
	}
}

// rIterMLE is R ANCOMBC's .iter_mle at convergence with missing
// covariates: OLS on the complete cases, θ_j the mean residual of sample j
// (the mean of y over taxa where sample j has no fit), and the sandwich
// G (Σ_j e_ij² x_j x_jᵀ) G with G = (X_ccᵀX_cc)⁻¹, every missing entry of
// x_j x_jᵀ replaced by 0.1.
func rIterMLE(t *testing.T, y, x []float64, cc []int, m, n, p int) (beta, varHat []float64) {
	t.Helper()
	xcc := make([]float64, 0, len(cc)*p)
	for _, j := range cc {
		xcc = append(xcc, x[j*p:(j+1)*p]...)
	}
	o, err := newOLS(xcc, len(cc), p)
	if err != nil {
		t.Fatal(err)
	}
	beta, varHat = make([]float64, m*p), make([]float64, m*p)
	fitted := make([]float64, m*n) // 0 where a sample has no fit
	ycc, res := make([]float64, len(cc)), make([]float64, len(cc))
	for i := 0; i < m; i++ {
		for k, j := range cc {
			ycc[k] = y[i*n+j]
		}
		o.fit(beta[i*p:(i+1)*p], res, ycc)
		for k, j := range cc {
			fitted[i*n+j] = ycc[k] - res[k]
		}
	}
	theta := make([]float64, n)
	for j := range theta {
		for i := 0; i < m; i++ {
			theta[j] += (y[i*n+j] - fitted[i*n+j]) / float64(m)
		}
	}
	mid, tmp := make([]float64, p*p), make([]float64, p*p)
	for i := 0; i < m; i++ {
		clear(mid)
		for j := 0; j < n; j++ {
			e := y[i*n+j] - fitted[i*n+j] - theta[j]
			for a := 0; a < p; a++ {
				for b := 0; b < p; b++ {
					v := e * e * x[j*p+a] * x[j*p+b]
					if math.IsNaN(v) {
						v = 0.1
					}
					mid[a*p+b] += v
				}
			}
		}
		// diag(G mid G)
		for a := 0; a < p; a++ {
			for b := 0; b < p; b++ {
				var s float64
				for k := 0; k < p; k++ {
					s += o.g[a*p+k] * mid[k*p+b]
				}
				tmp[a*p+b] = s
			}
			var d float64
			for b := 0; b < p; b++ {
				d += tmp[a*p+b] * o.g[b*p+a]
			}
			varHat[i*p+a] = d
		}
	}
	return beta, varHat
}
