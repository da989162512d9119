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
