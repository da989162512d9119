package da

import (
	"bufio"
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func readGolden(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "#") {
			rows = append(rows, strings.Split(sc.Text(), "\t"))
		}
	}
	return rows[1:]
}

// normCounts reads testdata/norm_counts.tsv (40 taxa × 12 samples, made by
// scripts/golden_da.R) and its metadata.
func normCounts(t *testing.T) (*Counts, map[string]Column) {
	t.Helper()
	c := readCounts(t, "testdata/norm_counts.tsv")
	return c, groupAgeColumns(t, "testdata/norm_metadata.tsv")
}

// groupAgeColumns reads a golden metadata table (sample, group, age) into
// the design columns "group" and "age" (numeric).
func groupAgeColumns(t *testing.T, path string) map[string]Column {
	t.Helper()
	md := readGolden(t, path)
	cols := map[string]Column{"group": {}, "age": {Numeric: true}}
	g, a := cols["group"], cols["age"]
	for _, r := range md {
		g.Values = append(g.Values, r[1])
		a.Values = append(a.Values, r[2])
	}
	cols["group"], cols["age"] = g, a
	return cols
}

// readCounts reads a taxon × sample count table: a header of sample names
// after one label cell, then one row per taxon.
func readCounts(t *testing.T, path string) *Counts {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	c := &Counts{}
	first := true
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "\t")
		if first {
			c.Samples = cells[1:]
			first = false
			continue
		}
		c.Taxa = append(c.Taxa, cells[0])
		for _, s := range cells[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			c.X = append(c.X, v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

// TestNormFactorsPeers checks TMM against edgeR 3.40.2 calcNormFactors and
// RLE against DESeq2 1.38.3 estimateSizeFactors (testdata/golden_norm.tsv)
// to 1e-12 relative.
func TestNormFactorsPeers(t *testing.T) {
	c, _ := normCounts(t)
	tmm := NormFactorsTMM(nil, c)
	rle := SizeFactorsRLE(nil, c)
	for j, r := range readGolden(t, "testdata/golden_norm.tsv") {
		wt, _ := strconv.ParseFloat(r[1], 64)
		wr, _ := strconv.ParseFloat(r[2], 64)
		if math.Abs(tmm[j]-wt) > 1e-12*wt {
			t.Errorf("%s: TMM %.17g, edgeR %.17g", r[0], tmm[j], wt)
		}
		if math.Abs(rle[j]-wr) > 1e-12*wr {
			t.Errorf("%s: RLE %.17g, DESeq2 %.17g", r[0], rle[j], wr)
		}
	}
}

// TestLMLimma checks lm --transform log --norm tmm against limma 3.54
// lmFit's ordinary t on ln(count / (library × TMM)) (taxa without zeros;
// testdata/golden_limma.tsv) to 1e-9 relative.
func TestLMLimma(t *testing.T) {
	c, cols := normCounts(t)
	fm, _ := ParseFormula("~ group + age")
	d, err := NewDesign(fm, cols, c.Samples, DesignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), LM, c, d, Options{Transform: "log", Norm: "tmm"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Row{}
	for _, r := range res.Rows {
		got[r.Taxon+"|"+r.Term] = r
	}
	n := 0
	for _, g := range readGolden(t, "testdata/golden_limma.tsv") {
		term := map[string]string{"grouptreat": "group[treat]", "age": "age"}[g[1]]
		r, ok := got[g[0]+"|"+term]
		if !ok {
			t.Fatalf("no row %s %s", g[0], term)
		}
		for k, v := range []float64{r.Effect, r.Statistic, r.P} {
			w, _ := strconv.ParseFloat(g[2+k], 64)
			if math.Abs(v-w) > 1e-9*math.Max(math.Abs(w), 1e-12) {
				t.Errorf("%s %s column %d: %.15g, limma %.15g", g[0], term, k, v, w)
			}
		}
		n++
	}
	if n == 0 {
		t.Fatal("no golden rows")
	}
}
