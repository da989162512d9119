package diversity

import (
	"context"
	"math"
	"testing"

	"github.com/holobiont/holobiont/distmat"
)

// TestGoldenVegan checks the vegan 2.6-4 definitions
// (scripts/golden_diversity_vegan.R), including the quantitative Jaccard
// that vegan uses by default, to relTol.
func TestGoldenVegan(t *testing.T) {
	gold := readGolden(t, "golden_vegan.tsv")
	ctx := context.Background()
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			g := gold[c.name]
			if g == nil {
				t.Fatalf("no vegan golden values for %s", c.name)
			}
			tb := loadTable(t, c.table)
			perm := reorder(t, g.ids, tb.SampleIDs)
			for golden, metric := range map[string]string{
				"shannon": MetricShannon, "simpson": MetricSimpson, "invsimpson": MetricInvSimpson,
				"chao1": MetricChao1, "ace": MetricACE,
			} {
				got, err := Alpha(ctx, tb, []string{metric}, AlphaOptions{}, nil)
				if err != nil {
					t.Fatal(err)
				}
				want := g.vecs["alpha/"+golden]
				for k, i := range perm {
					if golden == "ace" && math.IsNaN(want[k]) && !math.IsNaN(got[i]) {
						// Known difference: with no rare feature (N.rare = 0)
						// vegan's ACE is 0/0; scikit-bio, and holobiont,
						// return the number of abundant features.
						_, vals := tb.Sample(i)
						if got[i] != Observed(vals) {
							t.Errorf("ace of %s = %v; vegan NaN, but the sample has rare features", g.ids[k], got[i])
						}
						for _, v := range vals {
							if v > 0 && v <= 10 {
								t.Errorf("ace of %s: vegan NaN although feature count %v is rare", g.ids[k], v)
							}
						}
						continue
					}
					if !near(got[i], want[k]) {
						t.Errorf("alpha %s of %s = %.17g, vegan %.17g", golden, g.ids[k], got[i], want[k])
					}
				}
			}
			for golden, f := range map[string]func() (*distmat.Matrix, error){
				"bray":           func() (*distmat.Matrix, error) { return BrayCurtis(ctx, tb, BetaOptions{}) },
				"jaccard":        func() (*distmat.Matrix, error) { return Jaccard(ctx, tb, true, BetaOptions{}) },
				"jaccard_binary": func() (*distmat.Matrix, error) { return Jaccard(ctx, tb, false, BetaOptions{}) },
				"aitchison":      func() (*distmat.Matrix, error) { return Aitchison(ctx, tb, 1, BetaOptions{}) },
			} {
				m, err := f()
				if err != nil {
					t.Fatal(err)
				}
				compareMatrix(t, golden, m, g.vecs["beta/"+golden], perm)
			}
		})
	}
}
