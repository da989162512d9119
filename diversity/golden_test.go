package diversity

import (
	"bufio"
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/table"
	"github.com/holobiont/holobiont/tree"
)

// Agreement with scikit-bio 0.5.8 (scripts/golden_diversity.py) is required
// to this relative tolerance; values below absTol in magnitude are compared
// absolutely (identical samples give exactly 0 here, and 1e-17 in skbio).
const (
	relTol = 1e-9
	absTol = 1e-12
)

type golden struct {
	ids  []string
	vecs map[string][]float64 // "kind/name"
}

func readGolden(t *testing.T, name string) map[string]*golden {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]*golden{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		p := strings.Split(line, "\t")
		g := out[p[0]]
		if g == nil {
			g = &golden{vecs: map[string][]float64{}}
			out[p[0]] = g
		}
		if p[1] == "ids" {
			g.ids = p[3:]
			continue
		}
		v := make([]float64, len(p)-3)
		for k, s := range p[3:] {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			v[k] = x
		}
		g.vecs[p[1]+"/"+p[2]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	d := math.Abs(a - b)
	return d <= absTol || d <= relTol*math.Max(math.Abs(a), math.Abs(b))
}

func loadTable(t *testing.T, path string) *table.Table {
	t.Helper()
	tb, err := table.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func loadPhylo(t *testing.T, path string, tb *table.Table) *Phylo {
	t.Helper()
	tr, err := tree.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPhylo(tr, tb.FeatureIDs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// reorder maps the golden sample order onto the table's.
func reorder(t *testing.T, gids, ids []string) []int {
	t.Helper()
	pos := map[string]int{}
	for i, id := range ids {
		pos[id] = i
	}
	if len(gids) != len(ids) {
		t.Fatalf("golden has %d samples, table %d", len(gids), len(ids))
	}
	perm := make([]int, len(gids))
	for k, id := range gids {
		i, ok := pos[id]
		if !ok {
			t.Fatalf("golden sample %q not in table", id)
		}
		perm[k] = i
	}
	return perm
}

func compareMatrix(t *testing.T, what string, m *distmat.Matrix, want []float64, perm []int) {
	t.Helper()
	n := len(perm)
	if len(want) != n*(n-1)/2 {
		t.Fatalf("%s: golden has %d values, want %d", what, len(want), n*(n-1)/2)
	}
	bad, k := 0, 0
	for a := 0; a < n; a++ {
		if m.At(perm[a], perm[a]) != 0 {
			t.Errorf("%s: diagonal %d is %v", what, a, m.At(perm[a], perm[a]))
		}
		for b := a + 1; b < n; b++ {
			got := m.At(perm[a], perm[b])
			if got != m.At(perm[b], perm[a]) {
				t.Errorf("%s: not symmetric at (%d,%d)", what, a, b)
			}
			if !near(got, want[k]) {
				if bad < 5 {
					t.Errorf("%s: (%s,%s) = %.17g, scikit-bio %.17g", what, m.IDs[perm[a]], m.IDs[perm[b]], got, want[k])
				}
				bad++
			}
			k++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d distances differ", what, bad, k)
	}
}

type goldenCase struct {
	name, table, tree string
	shared            bool
}

func goldenCases(t *testing.T) []goldenCase {
	cases := []goldenCase{
		{name: "esophagus", table: "testdata/esophagus_otu_table.tsv", tree: "testdata/esophagus_tree.nwk"},
		{name: "qiime191", table: "testdata/qiime191_otu_table.tsv", tree: "testdata/qiime191_tree.nwk"},
	}
	if testing.Short() {
		return cases
	}
	if d := sharedData(t); d != "" {
		cases = append(cases,
			goldenCase{"gp500", filepath.Join(d, "gp500/GP500_otu_table.tsv"), filepath.Join(d, "gp500/GP500_tree.nwk"), true},
			goldenCase{"globalpatterns", filepath.Join(d, "globalpatterns/GlobalPatterns_otu_table.tsv"), filepath.Join(d, "globalpatterns/GlobalPatterns_tree.nwk"), true},
			goldenCase{"moving_pictures", filepath.Join(d, "moving_pictures/moving_pictures_table.tsv"), filepath.Join(d, "moving_pictures/moving_pictures_rooted_tree.nwk"), true},
		)
	}
	return cases
}

// sharedData returns ../shared/data, or "" (with a log line) when absent.
func sharedData(t *testing.T) string {
	var dir string
	t.Run("shared", func(t *testing.T) { dir = filepath.Join(testutil.SharedDir(t), "data") })
	if dir == "" {
		t.Log("../shared absent: GlobalPatterns, GP500 and moving pictures goldens skipped")
	}
	return dir
}

func TestGoldenSkbio(t *testing.T) {
	gold := readGolden(t, "golden_skbio.tsv")
	ctx := context.Background()
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			g := gold[c.name]
			if g == nil {
				t.Fatalf("no golden values for %s", c.name)
			}
			tb := loadTable(t, c.table)
			ph := loadPhylo(t, c.tree, tb)
			perm := reorder(t, g.ids, tb.SampleIDs)
			alphaCases := []struct {
				golden string
				metric string
				opt    AlphaOptions
			}{
				{"observed", MetricObserved, AlphaOptions{}},
				{"shannon", MetricShannon, AlphaOptions{}},
				{"shannon_base2", MetricShannon, AlphaOptions{Base: 2}},
				{"simpson", MetricSimpson, AlphaOptions{}},
				{"invsimpson", MetricInvSimpson, AlphaOptions{}},
				{"pielou", MetricPielou, AlphaOptions{}},
				{"chao1", MetricChao1, AlphaOptions{}},
				{"chao1_classic", MetricChao1, AlphaOptions{Chao1Classic: true}},
				{"ace", MetricACE, AlphaOptions{}},
				{"faith-pd", MetricFaithPD, AlphaOptions{Tree: ph}},
			}
			for _, ac := range alphaCases {
				want := g.vecs["alpha/"+ac.golden]
				if want == nil {
					t.Fatalf("golden alpha/%s missing", ac.golden)
				}
				got, err := Alpha(ctx, tb, []string{ac.metric}, ac.opt, nil)
				if err != nil {
					t.Fatalf("%s: %v", ac.golden, err)
				}
				for k, i := range perm {
					if !near(got[i], want[k]) {
						t.Errorf("alpha %s of %s = %.17g, scikit-bio %.17g", ac.golden, g.ids[k], got[i], want[k])
					}
				}
			}
			betas := []struct {
				golden string
				f      func() (*distmat.Matrix, error)
			}{
				{"braycurtis", func() (*distmat.Matrix, error) { return BrayCurtis(ctx, tb, BetaOptions{}) }},
				{"jaccard", func() (*distmat.Matrix, error) { return Jaccard(ctx, tb, false, BetaOptions{}) }},
				{"aitchison", func() (*distmat.Matrix, error) { return Aitchison(ctx, tb, 1, BetaOptions{}) }},
				{"unweighted-unifrac", func() (*distmat.Matrix, error) { return UnweightedUniFrac(ctx, tb, ph, BetaOptions{}) }},
				{"weighted-unifrac", func() (*distmat.Matrix, error) { return WeightedUniFrac(ctx, tb, ph, false, BetaOptions{}) }},
				{"weighted-unifrac-normalized", func() (*distmat.Matrix, error) { return WeightedUniFrac(ctx, tb, ph, true, BetaOptions{}) }},
			}
			var bc *distmat.Matrix
			for _, b := range betas {
				m, err := b.f()
				if err != nil {
					t.Fatalf("%s: %v", b.golden, err)
				}
				if b.golden == "braycurtis" {
					bc = m
				}
				compareMatrix(t, b.golden, m, g.vecs["beta/"+b.golden], perm)
			}
			comparePCoA(t, g, bc, perm)
		})
	}
}

func comparePCoA(t *testing.T, g *golden, bc *distmat.Matrix, perm []int) {
	t.Helper()
	// PCoA on the matrix in golden order so the axes are comparable.
	n := len(perm)
	ids := make([]string, n)
	for k, i := range perm {
		ids[k] = bc.IDs[i]
	}
	m := distmat.New(ids)
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			m.Data[a*n+b] = bc.At(perm[a], perm[b])
		}
	}
	for _, tri := range []bool{false, true} {
		comparePCoAAxes(t, g, m, ids, tri)
	}
}

func comparePCoAAxes(t *testing.T, g *golden, m *distmat.Matrix, ids []string, tri bool) {
	n := m.N()
	axes := 0
	if tri {
		axes = min(n, 5)
	}
	res, err := pcoa(context.Background(), m, axes, tri)
	if err != nil {
		t.Fatal(err)
	}
	// Eigenvalues are compared absolutely against the largest one: tiny
	// eigenvalues are rounding noise in both tools.
	raw := g.vecs["pcoa/eigvals_raw"]
	skb := g.vecs["pcoa/eigvals_skbio"]
	prop := g.vecs["pcoa/proportion"]
	scale := raw[0]
	for k := range raw {
		if d := math.Abs(res.Eigenvalues[k] - raw[k]); d > relTol*scale {
			t.Errorf("pcoa eigenvalue %d = %.17g, scipy eigh %.17g", k, res.Eigenvalues[k], raw[k])
		}
		if d := math.Abs(max(res.Eigenvalues[k], 0) - skb[k]); d > relTol*scale {
			t.Errorf("pcoa eigenvalue %d = %.17g, scikit-bio %.17g", k, res.Eigenvalues[k], skb[k])
		}
		if d := math.Abs(res.ProportionExplained[k] - prop[k]); d > relTol {
			t.Errorf("pcoa proportion %d = %.17g, scikit-bio %.17g", k, res.ProportionExplained[k], prop[k])
		}
	}
	naxes := 0
	for k := 0; k < res.Axes; k++ {
		want := g.vecs["pcoa/coords_PC"+strconv.Itoa(k+1)]
		if want == nil {
			continue
		}
		naxes++
		cs := math.Sqrt(res.Eigenvalues[0])
		for a := 0; a < n; a++ {
			if d := math.Abs(res.Coordinates[a*res.Axes+k] - want[a]); d > 1e-8*cs {
				t.Errorf("pcoa (axes %d) coordinate (%s, PC%d) = %.17g, scikit-bio %.17g", axes, ids[a], k+1, res.Coordinates[a*res.Axes+k], want[a])
			}
		}
	}
	if naxes == 0 {
		t.Error("no PCoA axis compared")
	}
}
