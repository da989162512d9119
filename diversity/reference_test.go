package diversity

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/table"
)

// compareRef checks every pair of table samples against a reference matrix
// read from a file (which may hold more samples), to tolerance tol relative.
func compareRef(t *testing.T, what string, got *distmat.Matrix, refPath string, tol float64) {
	t.Helper()
	ref, err := distmat.ReadFile(refPath)
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, id := range ref.IDs {
		pos[id] = i
	}
	n := got.N()
	for i := 0; i < n; i++ {
		ri, ok := pos[got.IDs[i]]
		if !ok {
			t.Fatalf("%s: sample %q not in %s", what, got.IDs[i], refPath)
		}
		for j := i + 1; j < n; j++ {
			rj := pos[got.IDs[j]]
			g, w := got.At(i, j), ref.At(ri, rj)
			if d := g - w; d > tol*w+absTol || -d > tol*w+absTol {
				t.Errorf("%s (%s, %s) = %.15g, reference %.15g", what, got.IDs[i], got.IDs[j], g, w)
			}
		}
	}
}

// TestQIIME191 compares with the QIIME 1.9.1 outputs shipped in
// scikit-bio's tests (printed with 12 significant digits; Faith PD with 5-6).
func TestQIIME191(t *testing.T) {
	ctx := context.Background()
	tb := loadTable(t, "testdata/qiime191_otu_table.tsv")
	ph := loadPhylo(t, "testdata/qiime191_tree.nwk", tb)
	uw, err := UnweightedUniFrac(ctx, tb, ph, BetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	compareRef(t, "unweighted UniFrac", uw, "testdata/qiime191_unweighted_unifrac_dm.tsv", 1e-9)
	w, err := WeightedUniFrac(ctx, tb, ph, false, BetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	compareRef(t, "weighted UniFrac", w, "testdata/qiime191_weighted_unifrac_dm.tsv", 1e-9)
	wn, err := WeightedUniFrac(ctx, tb, ph, true, BetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	compareRef(t, "weighted normalized UniFrac", wn, "testdata/qiime191_weighted_normalized_unifrac_dm.tsv", 1e-9)

	pd, err := Alpha(ctx, tb, []string{MetricFaithPD}, AlphaOptions{Tree: ph}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"f2": 0.64607, "f1": 0.47803, "f3": 0.47803, "f4": 0.306525} // qiime191_faith_pd.txt
	for i, id := range tb.SampleIDs {
		if w, ok := want[id]; ok {
			if d := pd[i] - w; d > 5e-6 || d < -5e-6 {
				t.Errorf("Faith PD %s = %.10g, QIIME 1.9.1 %.6g", id, pd[i], w)
			}
		}
	}
}

// TestPyCogentGP500 compares with phyloseq's bundled PyCogent fast_unifrac
// matrices for GP500 (15 significant digits).
func TestPyCogentGP500(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	d := sharedData(t)
	if d == "" {
		return
	}
	ctx := context.Background()
	tb, err := table.Read(filepath.Join(d, "gp500/GP500_otu_table.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	ph := loadPhylo(t, filepath.Join(d, "gp500/GP500_tree.nwk"), tb)
	uw, err := UnweightedUniFrac(ctx, tb, ph, BetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	compareRef(t, "unweighted UniFrac", uw, filepath.Join(d, "gp500/GP500_pycogent_uuf.tsv"), 1e-12)
	wn, err := WeightedUniFrac(ctx, tb, ph, true, BetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	compareRef(t, "weighted normalized UniFrac", wn, filepath.Join(d, "gp500/GP500_pycogent_wuf.tsv"), 1e-12)
	w, err := WeightedUniFrac(ctx, tb, ph, false, BetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	compareRef(t, "weighted UniFrac", w, filepath.Join(d, "gp500/GP500_pycogent_wufu.tsv"), 1e-12)
}
