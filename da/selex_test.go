package da

import (
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// selexRun runs ALDEx2 (S − NS, 128 Dirichlet instances) on ALDEx2's selex
// example table, testdata/selex.tsv (1,600 variants × 14 samples, made by
// scripts/selex_fixture.R; provenance in testdata/README.md).
func selexRun(t *testing.T, seed uint64) *Result {
	t.Helper()
	c := readCounts(t, "testdata/selex.tsv")
	g := make([]string, c.N())
	for j, s := range c.Samples {
		g[j] = "S"
		if strings.HasSuffix(s, "NS") {
			g[j] = "NS"
		}
	}
	fm, err := ParseFormula("~ group")
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDesign(fm, map[string]Column{"group": {Values: g}}, c.Samples, DesignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), ALDEx2, c, d, Options{Seed: seed, MCSamples: 128})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// selexPublished is the aldex.effect / aldex.ttest output for the first
// three selex features printed in ALDEx2's vignette ("Explaining the
// outputs", vignettes/ALDEx2_vignette.Rmd, ALDEx2 1.35.0): the full
// 1,600-feature table, NS vs S. sd is this implementation's Monte-Carlo
// standard deviation of the same quantity over seeds 1–20 (128 instances,
// xoshiro256** draws; TestSelexMonteCarloSD re-measures it; the SDs
// measured with the earlier math/rand PCG draws were 0.5–1.7× these, as
// expected of 20-seed estimates). Only quantities whose definition is
// unchanged since the table was printed are listed (see
// TestSelexPublished).
var selexPublished = []struct {
	taxon, col string
	pub, sd    float64
}{
	{"A:D:A:D", "rab.all", 1.42494, 0.00933},
	{"A:D:A:D", "rab.win.ref", 1.30886, 0.00711},
	{"A:D:A:D", "rab.win.level", 2.45384, 0.0647},
	{"A:D:A:D", "diff.btw", 1.12261, 0.0667},
	{"A:D:A:D", "diff.win", 1.72910, 0.118},
	{"A:D:A:D", "effect", 0.471043, 0.0457},
	{"A:D:A:D", "overlap", 0.267260701, 0.0162},
	{"A:D:A:D", "we.ep", 4.030e-01, 0.0453},
	{"A:D:A:D", "wi.ep", 0.239383, 0.0354},
	{"A:D:A:E", "rab.all", 1.71230, 0.00535},
	{"A:D:A:E", "rab.win.ref", 1.49767, 0.00442},
	{"A:D:A:E", "rab.win.level", 4.23315, 0.0495},
	{"A:D:A:E", "diff.btw", 2.73090, 0.0548},
	{"A:D:A:E", "diff.win", 2.38134, 0.0937},
	{"A:D:A:E", "effect", 1.034873, 0.0512},
	{"A:D:A:E", "overlap", 0.135857781, 0.00776},
	{"A:D:A:E", "we.ep", 1.154e-01, 0.0171},
	{"A:D:A:E", "wi.ep", 0.040901, 0.00628},
	{"A:E:A:D", "rab.all", 3.97484, 0.0528},
	{"A:E:A:D", "rab.win.ref", 1.41163, 0.00407},
	{"A:E:A:D", "rab.win.level", 11.02154, 0.01},
	{"A:E:A:D", "diff.btw", 9.64287, 0.0312},
	{"A:E:A:D", "diff.win", 2.85008, 0.0613},
	{"A:E:A:D", "effect", 3.429068, 0.1},
	{"A:E:A:D", "we.ep", 8.987e-05, 1.05e-06},
	{"A:E:A:D", "we.eBH", 0.00329, 4.01e-05},
}

// selexBand is the Monte-Carlo band in standard deviations of one run:
// the published table is itself one Monte-Carlo run, so ours minus it has
// standard deviation √2·sd, and 4 of those (two-sided 6e-5 per quantity)
// keeps a correct implementation from failing by chance.
const selexBand = 4 * math.Sqrt2

func selexValue(t *testing.T, res *Result, taxon, col string) float64 {
	t.Helper()
	k := -1
	for j, name := range res.Extra {
		if name == col {
			k = j
		}
	}
	for _, r := range res.Rows {
		if r.Taxon == taxon && k >= 0 {
			return r.Extra[k]
		}
	}
	t.Fatalf("selex: no %s %s in the result", taxon, col)
	return 0
}

// TestSelexPublished compares ALDEx2 on the selex example with the values
// ALDEx2's vignette prints, within selexBand Monte-Carlo standard
// deviations. Left out, because ALDEx2 has changed those definitions
// since the table was printed (the vignette: the expected p-values now
// require the one-sided tests to agree in sign): we.eBH and wi.eBH of the
// two weak features (1.35's per-side BH is larger than the old two-sided
// BH: ours 0.81 and 0.53 vs 0.631 and 0.347 published for we.eBH) and
// wi.ep/wi.eBH of A:E:A:D, where all 7 S values exceed all 7 NS values:
// the printed 0.000582 is the old two-sided exact Wilcoxon p 2/C(14,7),
// while 1.35's wilcox.fast gives the greater side pwilcox(−1, 7, 7,
// lower.tail = FALSE) = 1, so its less side 2(1 − 1) = 0, as here.
func TestSelexPublished(t *testing.T) {
	res := selexRun(t, 1)
	for _, c := range selexPublished {
		got := selexValue(t, res, c.taxon, c.col)
		if d := math.Abs(got - c.pub); d > selexBand*c.sd {
			t.Errorf("%s %s = %.6g, published %.6g: off by %.2f sd (band %.2f)", c.taxon, c.col, got, c.pub, d/c.sd, selexBand)
		}
	}
	// Almost free of Monte-Carlo noise (sd 2e-12): printed to 6 digits.
	if got := selexValue(t, res, "A:E:A:D", "overlap"); math.Abs(got-0.000156632) > 1e-9 {
		t.Errorf("A:E:A:D overlap = %.9g, published 0.000156632", got)
	}
	if got := selexValue(t, res, "A:E:A:D", "wi.ep"); got != 0 {
		t.Errorf("A:E:A:D wi.ep = %g, want 0 (complete separation, ALDEx2 1.35's sided Wilcoxon)", got)
	}
}

// TestSelexMonteCarloSD re-measures the standard deviations in
// selexPublished over SELEX_SEEDS seeds (e.g. 20; about 0.8 s each) and
// fails if a listed sd is below 0.6 × or above 1.6 × the measured one
// (the band would be too tight or too loose).
func TestSelexMonteCarloSD(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SELEX_SEEDS"))
	if n < 3 {
		t.Skip("set SELEX_SEEDS=20 to re-measure the selex Monte-Carlo standard deviations")
	}
	sum := make([]float64, len(selexPublished))
	sq := make([]float64, len(selexPublished))
	for seed := 1; seed <= n; seed++ {
		res := selexRun(t, uint64(seed))
		for i, c := range selexPublished {
			v := selexValue(t, res, c.taxon, c.col)
			sum[i] += v
			sq[i] += v * v
		}
	}
	for i, c := range selexPublished {
		m := sum[i] / float64(n)
		sd := math.Sqrt(math.Max(sq[i]-float64(n)*m*m, 0) / float64(n-1))
		t.Logf("%s %-13s published %-10.6g ours mean %-10.6g sd %-9.3g z %+.2f", c.taxon, c.col, c.pub, m, sd, (c.pub-m)/sd)
		if c.sd < 0.6*sd || c.sd > 1.6*sd {
			t.Errorf("%s %s: listed sd %.3g, measured %.3g over %d seeds", c.taxon, c.col, c.sd, sd, n)
		}
	}
}
