package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/table"
)

func TestAnalyzeRarefyFilterCollapse(t *testing.T) {
	mp := filepath.Join(testutil.SharedDir(t), "data", "moving_pictures")
	tbl := filepath.Join(mp, "moving_pictures_table.biom.json")
	dir := t.TempDir()
	r1, r2 := filepath.Join(dir, "r1.tsv"), filepath.Join(dir, "r2.tsv")
	curve := filepath.Join(dir, "curve.html")
	for _, out := range []string{r1, r2} {
		if _, err := runStats(t, "analyze", "rarefy", tbl, "--depth", "1000", "--seed", "7", "--out", out, "--curve", curve); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := os.ReadFile(r1)
	b, _ := os.ReadFile(r2)
	if string(a) != string(b) {
		t.Error("rarefy with the same seed gave different tables")
	}
	rt, err := table.Read(r1)
	if err != nil {
		t.Fatal(err)
	}
	if rt.NumSamples() != 31 {
		t.Errorf("rarefied samples %d, want 31 (3 below 1000 reads)", rt.NumSamples())
	}
	for i := 0; i < rt.NumSamples(); i++ {
		_, v := rt.Sample(i)
		var s float64
		for _, x := range v {
			s += x
		}
		if s != 1000 {
			t.Errorf("sample %s has %g reads", rt.SampleIDs[i], s)
		}
	}
	if h, err := os.ReadFile(curve); err != nil || !strings.Contains(string(h), "Rarefaction") {
		t.Errorf("curve: %v", err)
	}
	fo := filepath.Join(dir, "f.tsv")
	if _, err := runStats(t, "analyze", "filter", tbl, "--min-prevalence", "0.2", "--out", fo); err != nil {
		t.Fatal(err)
	}
	ft, err := table.Read(fo)
	if err != nil || ft.NumFeatures() != 82 {
		t.Errorf("filter: %v, %d features (want 82)", err, ft.NumFeatures())
	}
	co := filepath.Join(dir, "g.tsv")
	if _, err := runStats(t, "analyze", "collapse", tbl, "--taxonomy", filepath.Join(mp, "moving_pictures_taxonomy.tsv"), "--rank", "genus", "--out", co); err != nil {
		t.Fatal(err)
	}
	ct, err := table.Read(co)
	if err != nil || ct.NumFeatures() >= 770 || indexString(ct.FeatureIDs, "Bacteroides") < 0 {
		t.Errorf("collapse: %v", err)
	}
}

func TestExpectedRichness(t *testing.T) {
	// By hand: N = 10, d = 4, C(10,4) = 210; 1 − C(5,4)/210 + 1 − C(7,4)/210
	// + 2 (1 − C(9,4)/210) = 205/210 + 175/210 + 2·84/210 = 548/210.
	got := expectedRichness([]float64{5, 3, 1, 1}, 4)
	if d := got - 548.0/210; d > 1e-12 || d < -1e-12 {
		t.Errorf("expected richness %.16g", got)
	}
}
