package da

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
)

// nbGolden is one row of testdata/golden_deseq2.tsv (scripts/golden_deseq2.R).
type nbGolden struct {
	taxon, term string
	v           map[string]float64
}

// nbCase reads the simulated table and DESeq2's rows of one case.
func nbCase(t *testing.T, id string) (*Counts, *Design, []nbGolden, []float64) {
	t.Helper()
	c := readCounts(t, "testdata/nb_counts.tsv")
	cols := groupAgeColumns(t, "testdata/nb_metadata.tsv")
	formula := map[string]string{"A": "~ group", "B": "~ group + age", "C": "~ group"}[id]
	fm, err := ParseFormula(formula)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDesign(fm, cols, c.Samples, DesignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"baseMean", "dispGeneEst", "dispFit", "dispMAP", "dispersion", "dispOutlier", "log2FoldChange", "lfcSE", "stat", "pvalue", "padj"}
	var rows []nbGolden
	for _, r := range readGolden(t, "testdata/golden_deseq2.tsv") {
		if r[0] != id {
			continue
		}
		ng := nbGolden{taxon: r[1], term: r[2], v: map[string]float64{}}
		for k, nm := range names {
			ng.v[nm], _ = strconv.ParseFloat(r[3+k], 64)
		}
		rows = append(rows, ng)
	}
	var sf []float64
	for _, r := range readGolden(t, "testdata/golden_deseq2_fit.tsv") {
		if r[0] == id {
			v, _ := strconv.ParseFloat(r[4], 64)
			sf = append(sf, v)
		}
	}
	return c, d, rows, sf
}

// nbTerm maps DESeq2's coefficient names to the design's.
func nbTerm(s string) string {
	if strings.HasPrefix(s, "group_") {
		return "group[treat]"
	}
	return s
}

func relDiff(a, b float64) float64 { return math.Abs(a-b) / max(math.Abs(b), 1e-300) }

// TestNBWaldGLMGivenDispersions checks the NB GLM and Wald step alone:
// with DESeq2's final dispersions and size factors given, log2 fold
// changes and their SEs match nbinomWaldTest to 1e-6 relative (DESeq2
// stops IRLS at a relative deviance change of 1e-8, as here; measured
// ≤ 3e-12).
func TestNBWaldGLMGivenDispersions(t *testing.T) {
	for _, id := range []string{"A", "B", "C"} {
		c, d, rows, sf := nbCase(t, id)
		md := &nbModel{n: c.N(), p: d.P, x: d.X, sf: sf, ridge: nbRidge / (math.Ln2 * math.Ln2), maxDisp: max(10, float64(c.N()))}
		init := nbInitBeta(c, d, sf)
		w := md.newWork()
		beta, vr := make([]float64, d.P), make([]float64, d.P)
		idx := map[string]int{}
		for i, tx := range c.Taxa {
			idx[tx] = i
		}
		var worst, worstSE float64
		for _, g := range rows {
			i := idx[g.taxon]
			a := indexOf(d.Names, nbTerm(g.term))
			copy(beta, init[i*d.P:(i+1)*d.P])
			if !md.fitBeta(w, c.Row(i), g.v["dispersion"], beta, vr) {
				t.Errorf("case %s %s: IRLS did not converge", id, g.taxon)
			}
			worst = max(worst, relDiff(beta[a]/math.Ln2, g.v["log2FoldChange"]))
			worstSE = max(worstSE, relDiff(math.Sqrt(vr[a])/math.Ln2, g.v["lfcSE"]))
		}
		t.Logf("case %s: %d rows, largest relative difference log2FC %.2g, lfcSE %.2g", id, len(rows), worst, worstSE)
		if worst > 1e-6 || worstSE > 1e-6 {
			t.Errorf("case %s: log2FC off by %.2g, lfcSE by %.2g relative (tolerance 1e-6)", id, worst, worstSE)
		}
	}
}

// TestNBWaldDESeq2 runs the whole method (size factors, rough start,
// gene-wise Cox–Reid line search with DESeq2's stopping and fallback
// rules, parametric trend, prior variance, MAP, outliers, Wald, BH) against
// DESeq2 1.38.3 on testdata/nb_counts.tsv (scripts/golden_deseq2.R), cases
// "~ group" and "~ group + age" (a GLM for the gene-wise means) with
// median-of-ratios size factors and "~ group" with poscounts: size factors
// and baseMean to 1e-12 relative, every dispersion stage, log2 fold
// change, SE, Wald statistic, p and q to 1e-8 (measured: ≤ 8e-10; the
// same algorithm, so only floating-point order and the digamma series
// differ).
func TestNBWaldDESeq2(t *testing.T) {
	for _, id := range []string{"A", "B", "C"} {
		c, d, rows, sf := nbCase(t, id)
		norm := "rle"
		if id == "C" {
			norm = "poscounts"
		}
		got, _, err := nbSizeFactors(c, norm)
		if err != nil {
			t.Fatal(err)
		}
		for j := range sf {
			if relDiff(got[j], sf[j]) > 1e-12 {
				t.Errorf("case %s sample %d: size factor %.17g, DESeq2 %.17g", id, j, got[j], sf[j])
			}
		}
		res, err := Run(context.Background(), NBWald, c, d, Options{Norm: norm})
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for k, nm := range res.Extra {
			col[nm] = k
		}
		byKey := map[string]*Row{}
		for k := range res.Rows {
			byKey[res.Rows[k].Taxon+" "+res.Rows[k].Term] = &res.Rows[k]
		}
		worst := map[string]float64{}
		for _, g := range rows {
			r := byKey[g.taxon+" "+nbTerm(g.term)]
			if r == nil {
				t.Fatalf("case %s: no row %s %s", id, g.taxon, g.term)
			}
			ours := map[string]float64{"stat": r.Statistic, "pvalue": r.P, "padj": r.Q}
			for _, nm := range []string{"baseMean", "dispGeneEst", "dispFit", "dispMAP", "dispersion", "log2FoldChange", "lfcSE"} {
				ours[nm] = r.Extra[col[nm]]
			}
			for nm, v := range ours {
				want := g.v[nm]
				diff := relDiff(v, want)
				if nm == "dispGeneEst" && want < 1e-6 { // at the lower bound
					diff = math.Abs(v - want)
				}
				if nm == "pvalue" || nm == "padj" { // relative where small, absolute near 1
					diff = math.Abs(v-want) / max(want, 1e-2)
				}
				worst[nm] = max(worst[nm], diff)
			}
		}
		for nm, tol := range nbTol {
			t.Logf("case %s %-14s largest difference %.2g (tolerance %.0g)", id, nm, worst[nm], tol)
			if worst[nm] > tol {
				t.Errorf("case %s: %s differs from DESeq2 by %.2g (tolerance %.0g)", id, nm, worst[nm], tol)
			}
		}
	}
}

// nbTol is the largest relative difference from DESeq2 allowed per
// quantity (p and q: relative to max(value, 0.01)).
var nbTol = map[string]float64{
	"baseMean": 1e-12, "dispGeneEst": 1e-8, "dispFit": 1e-8, "dispMAP": 1e-8, "dispersion": 1e-8,
	"log2FoldChange": 1e-8, "lfcSE": 1e-8, "stat": 1e-8, "pvalue": 1e-8, "padj": 1e-8,
}

// TestNBWaldPoissonLike checks the fallback when no dispersion trend can
// be fitted (every gene-wise estimate at the lower bound): the gene-wise
// estimates become final and the header says so, where DESeq2 stops.
func TestNBWaldPoissonLike(t *testing.T) {
	c := &Counts{Samples: []string{"a1", "a2", "a3", "b1", "b2", "b3"}}
	for i, row := range [][]float64{{10, 10, 10, 20, 20, 20}, {5, 5, 5, 5, 5, 5}, {7, 7, 7, 3, 3, 3}} {
		c.Taxa = append(c.Taxa, "t"+strconv.Itoa(i))
		c.X = append(c.X, row...)
	}
	fm, _ := ParseFormula("~ group")
	d, err := NewDesign(fm, map[string]Column{"group": {Values: []string{"a", "a", "a", "b", "b", "b"}}}, c.Samples, DesignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), NBWald, c, d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Notes, " "), "gene-wise estimates are final") {
		t.Errorf("notes %q: want the no-trend fallback", res.Notes)
	}
	if r := res.Rows[0]; !(r.Effect > 0.69 && r.Effect < 0.70 && r.P < 0.05) {
		t.Errorf("t0: effect %g (want ln 2), p %g", r.Effect, r.P)
	}
}
