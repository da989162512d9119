package stats

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/table"
)

// brayJaccard computes Bray–Curtis and binary Jaccard from a table (the
// definitions of vegan's vegdist; test-only, package diversity owns the
// production kernels).
func brayJaccard(t *table.Table) (bc, jac *distmat.Matrix) {
	dense := t.Dense()
	n := len(dense)
	bc, jac = distmat.New(t.SampleIDs), distmat.New(t.SampleIDs)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			var num, den float64
			var a, b, c float64
			for k := range dense[i] {
				x, y := dense[i][k], dense[j][k]
				num += math.Abs(x - y)
				den += x + y
				switch {
				case x > 0 && y > 0:
					a++
				case x > 0:
					b++
				case y > 0:
					c++
				}
			}
			bc.Set(i, j, num/den)
			jac.Set(i, j, (b+c)/(a+b+c))
		}
	}
	return bc, jac
}

func TestSharedMovingPictures(t *testing.T) {
	shared := testutil.SharedDir(t)
	dir := filepath.Join(shared, "data", "moving_pictures")
	tb, err := table.Read(filepath.Join(dir, "moving_pictures_table.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	md, err := table.ReadMetadata(filepath.Join(dir, "moving_pictures_sample_metadata.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	site, _ := md.Column("body-site")
	vals := make([]string, tb.NumSamples())
	for i, id := range tb.SampleIDs {
		vals[i] = site[md.Index(id)]
	}
	g, err := NewGrouping(vals)
	if err != nil {
		t.Fatal(err)
	}
	bc, jac := brayJaccard(tb)
	vg := readGolden(t, "testdata/golden_vegan.tsv")
	ctx := context.Background()
	const np = 999
	p, err := Permanova(ctx, bc, g, PermOptions{Permutations: np, Src: rand.NewPCG(1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Anosim(ctx, bc, g, PermOptions{})
	d, _ := Permdisp(ctx, bc, g, PermdispOptions{Type: Centroid, Scheme: PermuteResiduals, NegativeAxes: true}, PermOptions{})
	m, _ := Mantel(ctx, bc, jac, Spearman, TwoSided, PermOptions{})
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"permanova F", p.Statistic, g1(t, vg, "mpfull.permanova.F")},
		{"permanova R2", p.R2, g1(t, vg, "mpfull.permanova.R2")},
		{"anosim R", a.Statistic, g1(t, vg, "mpfull.anosim.R")},
		{"betadisper centroid F", d.Statistic, g1(t, vg, "mpfull.betadisper.centroid.F")},
		{"mantel spearman r", m.Statistic, g1(t, vg, "mpfull.mantel.spearman.r")},
	} {
		if e := relErr(c.got, c.want); e > 1e-9 {
			t.Errorf("%s = %.15g, vegan %.15g (rel %g)", c.name, c.got, c.want, e)
		}
	}
	if w := g1(t, vg, "mpfull.permanova.p"); math.Abs(p.PValue-w) > pBand(w, np, goldenPerms) {
		t.Errorf("permanova p = %g, vegan %g", p.PValue, w)
	}
}

func TestSharedGlobalPatterns(t *testing.T) {
	shared := testutil.SharedDir(t)
	dir := filepath.Join(shared, "data", "globalpatterns")
	tb, err := table.Read(filepath.Join(dir, "GlobalPatterns_otu_table.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	bc, _ := brayJaccard(tb)
	types := readColumn(t, "testdata/gp_meta.tsv", "SampleType", bc.IDs)
	g, _ := NewGrouping(types)
	vg := readGolden(t, "testdata/golden_vegan.tsv")
	r, err := Permanova(context.Background(), bc, g, PermOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(r.Statistic, g1(t, vg, "gp.permanova.F")); e > 1e-9 {
		t.Errorf("GlobalPatterns PERMANOVA F from the full table = %.15g, vegan %.15g", r.Statistic, g1(t, vg, "gp.permanova.F"))
	}
}
