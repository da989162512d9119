package assoc

import (
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/stats"
	"github.com/holobiont/holobiont/table"
)

// loadFixture reads the synthetic Tyson-Carr-design study written by
// scripts/golden_stats_assoc.R and collapses it to genus with the default
// synonyms (Propionibacterium → Cutibacterium), as the CLI does.
func loadFixture(t *testing.T, covariates bool) (*table.Table, Design) {
	t.Helper()
	tb, err := table.Read("testdata/table.tsv")
	if err != nil {
		t.Fatal(err)
	}
	tb, err = table.Collapse(tb, table.Genus, table.CollapseOptions{Synonyms: table.NewSynonyms(table.DefaultSynonyms()), ShortIDs: true})
	if err != nil {
		t.Fatal(err)
	}
	md, err := table.ReadMetadata("testdata/metadata.tsv")
	if err != nil {
		t.Fatal(err)
	}
	get := func(name string) []string {
		v, ok := md.Column(name)
		if !ok {
			t.Fatalf("no column %s", name)
		}
		out := make([]string, tb.NumSamples())
		for i, id := range tb.SampleIDs {
			out[i] = v[md.Index(id)]
		}
		return out
	}
	num := func(name string) []float64 {
		s := get(name)
		x := make([]float64, len(s))
		for i, v := range s {
			if v == "" {
				x[i] = math.NaN()
			} else {
				x[i], _ = strconv.ParseFloat(v, 64)
			}
		}
		return x
	}
	d := Design{Strata: get("body-site"), VarNames: []string{"stress", "mood"}, Vars: [][]float64{num("stress"), num("mood")}}
	if covariates {
		d.CovNames = []string{"age", "sex[M]"}
		d.Covariates = [][]float64{num("age"), stats.FactorTerm("sex", get("sex")).Columns[0]}
	}
	return tb, d
}

type goldRow struct {
	n                    int
	effect, lo, hi, p, q float64
}

func readGoldenRows(t *testing.T, path string) map[string]goldRow {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]goldRow{}
	for i, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if i == 0 {
			continue
		}
		f := strings.Split(l, "\t")
		var g goldRow
		g.n, _ = strconv.Atoi(f[3])
		vals := []*float64{&g.effect, &g.lo, &g.hi, &g.p, &g.q}
		for k, p := range vals {
			*p, _ = strconv.ParseFloat(f[4+k], 64)
		}
		out[f[0]+"|"+f[1]+"|"+f[2]] = g
	}
	return out
}

func TestRunGolden(t *testing.T) {
	for _, c := range []struct {
		file string
		opt  Options
		cov  bool
	}{
		{"spearman_clr", Options{Method: Spearman, Transform: CLR, Pseudocount: 1, MinPrevalence: 0.1}, false},
		{"pearson_clr", Options{Method: Pearson, Transform: CLR, Pseudocount: 1, MinPrevalence: 0.1}, false},
		{"spearman_relative", Options{Method: Spearman, Transform: Relative, MinPrevalence: 0.1}, false},
		{"pearson_relative", Options{Method: Pearson, Transform: Relative, MinPrevalence: 0.1}, false},
		{"lm_clr", Options{Method: LM, Transform: CLR, Pseudocount: 1, MinPrevalence: 0.1}, true},
		{"lm_relative", Options{Method: LM, Transform: Relative, MinPrevalence: 0.1}, true},
	} {
		tb, d := loadFixture(t, c.cov)
		rows, err := Run(context.Background(), tb, d, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		want := readGoldenRows(t, "testdata/golden_"+c.file+".tsv")
		if len(rows) != len(want) {
			t.Errorf("%s: %d rows, want %d", c.file, len(rows), len(want))
		}
		for _, r := range rows {
			w, ok := want[r.Stratum+"|"+r.Taxon+"|"+r.Variable]
			if !ok {
				t.Errorf("%s: unexpected row %s %s %s", c.file, r.Stratum, r.Taxon, r.Variable)
				continue
			}
			// Tolerance 1e-9 relative (p-values are computed, not sampled).
			if r.N != w.n || relErr(r.Effect, w.effect) > 1e-9 || relErr(r.CILow, w.lo) > 1e-9 || relErr(r.CIHigh, w.hi) > 1e-9 ||
				relErr(r.P, w.p) > 1e-9 || relErr(r.Q, w.q) > 1e-9 {
				t.Errorf("%s %s %s %s: got n=%d %.12g [%.12g, %.12g] p=%.12g q=%.12g; R: n=%d %.12g [%.12g, %.12g] p=%.12g q=%.12g",
					c.file, r.Stratum, r.Taxon, r.Variable, r.N, r.Effect, r.CILow, r.CIHigh, r.P, r.Q, w.n, w.effect, w.lo, w.hi, w.p, w.q)
			}
		}
	}
}

func TestRunRCLRMissingZeros(t *testing.T) {
	// Under rclr a taxon is tested only where it was observed.
	tb := &table.Table{SampleIDs: []string{"a", "b", "c", "d", "e", "f"}, FeatureIDs: []string{"x", "y", "z"},
		Indptr: []int{0, 3, 5, 8, 10, 13, 15}, Indices: []int32{0, 1, 2, 0, 1, 0, 1, 2, 1, 2, 0, 1, 2, 1, 2},
		Data: []float64{5, 3, 1, 4, 4, 9, 2, 2, 7, 1, 3, 3, 3, 6, 2}}
	d := Design{Strata: []string{"s", "s", "s", "s", "s", "s"}, VarNames: []string{"v"}, Vars: [][]float64{{1, 2, 3, 4, 5, 6}}}
	rows, err := Run(context.Background(), tb, d, Options{Method: Spearman, Transform: RCLR})
	if err != nil {
		t.Fatal(err)
	}
	ns := map[string]int{}
	for _, r := range rows {
		ns[r.Taxon] = r.N
	}
	if ns["x"] != 4 || ns["y"] != 6 || ns["z"] != 5 {
		t.Errorf("n per taxon = %v, want x:4 y:6 z:5", ns)
	}
}

func TestRunErrors(t *testing.T) {
	tb, d := loadFixture(t, true)
	if _, err := Run(context.Background(), tb, d, Options{Method: Spearman}); err == nil {
		t.Error("covariates with a correlation: no error")
	}
	d.Strata = d.Strata[:3]
	if _, err := Run(context.Background(), tb, d, Options{Method: LM}); err == nil {
		t.Error("short strata: no error")
	}
}

func relErr(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}
