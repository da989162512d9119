package diversity

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/table"
	"github.com/holobiont/holobiont/tree"
)

// Hand-computed values.
func TestAlphaAnalytic(t *testing.T) {
	v := []float64{1, 1, 2, 4} // N = 8, S = 4, F1 = 2, F2 = 1
	ln := math.Log
	h := -(2*(1.0/8)*ln(1.0/8) + (2.0/8)*ln(2.0/8) + (4.0/8)*ln(4.0/8))
	d := 2*(1.0/64) + 4.0/64 + 16.0/64
	cases := []struct {
		name      string
		got, want float64
	}{
		{"observed", Observed(v), 4},
		{"shannon e", Shannon(v, math.E), h},
		{"shannon 2", Shannon(v, 2), h / ln(2)},
		{"simpson", Simpson(v), 1 - d},
		{"invsimpson", InvSimpson(v), 1 / d},
		{"pielou", Pielou(v), h / ln(4)},
		{"chao1", Chao1(v, true), 4 + 2*1/(2*2.0)},
		{"chao1 classic", Chao1(v, false), 4 + 4/2.0},
		{"chao1 classic without doubletons", Chao1([]float64{1, 1, 3}, false), 3 + 2*1/2.0},
		// ACE: all four rare; n_rare = 8, C = 1 − 2/8, Σi(i−1)F_i = 2 + 12 = 14,
		// γ = 4·14/(0.75·8·7) − 1.
		{"ace", ACE(v, 10), 4/0.75 + 2/0.75*(4*14/(0.75*8*7)-1)},
		{"ace abundant only", ACE([]float64{11, 20}, 10), 2},
		{"ace gamma clipped", ACE([]float64{1, 2, 2, 2, 2}, 10), 1/(1-1.0/9) + 5/(1-1.0/9) - 1/(1-1.0/9)},
	}
	for _, c := range cases {
		if math.Abs(c.got-c.want) > 1e-14*math.Abs(c.want) {
			t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
		}
	}
	for name, x := range map[string]float64{
		"shannon empty": Shannon(nil, math.E), "simpson empty": Simpson([]float64{0}),
		"pielou single": Pielou([]float64{5}), "ace only singletons": ACE([]float64{1, 1, 50}, 10),
	} {
		if !math.IsNaN(x) {
			t.Errorf("%s = %v, want NaN", name, x)
		}
	}
}

func tinyTable() *table.Table {
	return &table.Table{
		SampleIDs:  []string{"s1", "s2", "s3"},
		FeatureIDs: []string{"A", "B", "C"},
		Indptr:     []int{0, 2, 4, 4},
		Indices:    []int32{0, 1, 1, 2},
		Data:       []float64{3, 1, 2, 2},
	}
}

func mustTree(t *testing.T, s string) *tree.Tree {
	t.Helper()
	tr, err := tree.ParseString(s, "t.nwk")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// UniFrac on a tree small enough to do by hand:
// ((A:1,B:2):1,C:3); samples s1 = {A:3,B:1}, s2 = {B:2,C:2}, s3 empty.
func TestUniFracByHand(t *testing.T) {
	tb := tinyTable()
	ph, err := NewPhylo(mustTree(t, "((A:1,B:2):1,C:3);"), tb.FeatureIDs)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	uw, err := UnweightedUniFrac(ctx, tb, ph, BetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// s1 branches A,B,AB (4); s2 B,AB,C (6); shared B,AB = 3; union 7.
	if got, want := uw.At(0, 1), 4.0/7; math.Abs(got-want) > 1e-15 {
		t.Errorf("unweighted(s1,s2) = %v, want %v", got, want)
	}
	if uw.At(0, 2) != 1 || uw.At(1, 2) != 1 {
		t.Errorf("unweighted to the empty sample = %v, %v, want 1", uw.At(0, 2), uw.At(1, 2))
	}
	w, err := WeightedUniFrac(ctx, tb, ph, false, BetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// s1: A .75, B .25, AB 1; s2: B .5, C .5, AB .5.
	// 1·.75 + 2·.25 + 1·.5 + 3·.5 = 3.25
	if got := w.At(0, 1); math.Abs(got-3.25) > 1e-14 {
		t.Errorf("weighted(s1,s2) = %v, want 3.25", got)
	}
	wn, err := WeightedUniFrac(ctx, tb, ph, true, BetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// denominators: s1 .75·2 + .25·3 = 2.25; s2 .5·3 + .5·3 = 3.
	if got, want := wn.At(0, 1), 3.25/5.25; math.Abs(got-want) > 1e-15 {
		t.Errorf("weighted normalized(s1,s2) = %v, want %v", got, want)
	}
	if wn.At(0, 2) != 1 {
		t.Errorf("weighted normalized to the empty sample = %v, want 1", wn.At(0, 2))
	}
	pd, err := Alpha(ctx, tb, []string{MetricFaithPD}, AlphaOptions{Tree: ph}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pd[0] != 4 || pd[1] != 6 || pd[2] != 0 {
		t.Errorf("Faith PD = %v, want [4 6 0]", pd)
	}
}

func TestPhyloErrors(t *testing.T) {
	ids := []string{"A", "B", "C"}
	cases := []struct{ nwk, want string }{
		{"((A:1,B):1,C:3);", `node 1 ("B") has no branch length`},
		{"((A:1,B:2):1,D:3);", `1 table feature id(s) are not tip names of the tree: "C"`},
		{"((A:1,A:2):1,C:3,B:1);", `tip name "A" occurs more than once`},
		{"((A:1,B:-2):1,C:3);", "not a finite non-negative number"},
	}
	for _, c := range cases {
		_, err := NewPhylo(mustTree(t, c.nwk), ids)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.nwk, err, c.want)
		}
	}
	// Extra tips are fine.
	if _, err := NewPhylo(mustTree(t, "((A:1,B:2):1,(C:3,D:1):1);"), ids); err != nil {
		t.Error(err)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	tb := tinyTable()
	tb.Data[1] = -1
	if _, err := BrayCurtis(ctx, tb, BetaOptions{}); err == nil || !strings.Contains(err.Error(), `sample "s1", feature "B"`) {
		t.Errorf("negative count: %v", err)
	}
	tb = tinyTable()
	tb.Data[0] = 2.5
	if _, err := Alpha(ctx, tb, []string{MetricChao1}, AlphaOptions{}, nil); err == nil || !strings.Contains(err.Error(), "integer") {
		t.Errorf("non-integer chao1: %v", err)
	}
	if _, err := Alpha(ctx, tb, []string{"shannon", "nope"}, AlphaOptions{}, nil); err == nil || !strings.Contains(err.Error(), `unknown metric "nope"`) {
		t.Errorf("unknown metric: %v", err)
	}
	if _, err := Alpha(ctx, tb, []string{MetricFaithPD}, AlphaOptions{}, nil); err == nil {
		t.Error("faith-pd without a tree: no error")
	}
	if _, err := Aitchison(ctx, tinyTable(), 0, BetaOptions{}); err == nil {
		t.Error("aitchison pseudocount 0: no error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := BrayCurtis(cctx, randomTable(rand.New(rand.NewPCG(1, 2)), 50, 40, 0.3), BetaOptions{}); err == nil {
		t.Error("cancelled context: no error")
	}
}

// randomTable draws a table with the given fill; counts 1..50.
func randomTable(r *rand.Rand, n, m int, fill float64) *table.Table {
	t := &table.Table{Indptr: []int{0}}
	for j := 0; j < m; j++ {
		t.FeatureIDs = append(t.FeatureIDs, "f"+itoa(j))
	}
	for i := 0; i < n; i++ {
		t.SampleIDs = append(t.SampleIDs, "s"+itoa(i))
		for j := 0; j < m; j++ {
			if r.Float64() < fill {
				t.Indices = append(t.Indices, int32(j))
				t.Data = append(t.Data, float64(1+r.IntN(50)))
			}
		}
		t.Indptr = append(t.Indptr, len(t.Data))
	}
	return t
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// dense reference implementations, straight from the definitions.
func denseRow(t *table.Table, i int) []float64 {
	x := make([]float64, t.NumFeatures())
	idx, vals := t.Sample(i)
	for k, f := range idx {
		x[f] = vals[k]
	}
	return x
}

func TestAgainstDenseDefinitions(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	tb := randomTable(r, 40, 60, 0.2)
	ctx := context.Background()
	for _, w := range []int{1, 2, 3} {
		bc, err := BrayCurtis(ctx, tb, BetaOptions{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		jb, _ := Jaccard(ctx, tb, false, BetaOptions{Workers: w})
		ai, _ := Aitchison(ctx, tb, 0.5, BetaOptions{Workers: w})
		n, m := tb.NumSamples(), tb.NumFeatures()
		for i := 0; i < n; i++ {
			x := denseRow(tb, i)
			for j := 0; j < n; j++ {
				y := denseRow(tb, j)
				var num, den, inter, union float64
				cx, cy := make([]float64, m), make([]float64, m)
				var mx, my float64
				for k := range x {
					num += math.Abs(x[k] - y[k])
					den += x[k] + y[k]
					if x[k] > 0 && y[k] > 0 {
						inter++
					}
					if x[k] > 0 || y[k] > 0 {
						union++
					}
					cx[k], cy[k] = math.Log(x[k]+0.5), math.Log(y[k]+0.5)
					mx += cx[k] / float64(m)
					my += cy[k] / float64(m)
				}
				var e float64
				for k := range cx {
					d := (cx[k] - mx) - (cy[k] - my)
					e += d * d
				}
				want := map[string][2]float64{
					"braycurtis": {bc.At(i, j), num / den},
					"jaccard":    {jb.At(i, j), 1 - inter/union},
					"aitchison":  {ai.At(i, j), math.Sqrt(e)},
				}
				for name, gw := range want {
					if math.Abs(gw[0]-gw[1]) > 1e-12*math.Max(1, gw[1]) {
						t.Fatalf("workers %d %s(%d,%d) = %.17g, dense %.17g", w, name, i, j, gw[0], gw[1])
					}
				}
			}
		}
	}
}

// Results must not depend on the number of workers, bit for bit.
func TestDeterministicAcrossWorkers(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tb := randomTable(r, 300, 200, 0.1)
	nw := "(" + strings.Join(tb.FeatureIDs[:100], ":0.1,") + ":0.1):0.5,(" + strings.Join(tb.FeatureIDs[100:], ":0.2,") + ":0.3):0.25);"
	ph, err := NewPhylo(mustTree(t, "("+nw), tb.FeatureIDs)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run := func(w int) [][]float64 {
		o := BetaOptions{Workers: w}
		var out [][]float64
		for _, f := range []func() ([]float64, error){
			func() ([]float64, error) { m, err := BrayCurtis(ctx, tb, o); return m.Data, err },
			func() ([]float64, error) { m, err := Jaccard(ctx, tb, false, o); return m.Data, err },
			func() ([]float64, error) { m, err := Aitchison(ctx, tb, 1, o); return m.Data, err },
			func() ([]float64, error) { m, err := UnweightedUniFrac(ctx, tb, ph, o); return m.Data, err },
			func() ([]float64, error) { m, err := WeightedUniFrac(ctx, tb, ph, true, o); return m.Data, err },
		} {
			d, err := f()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, d)
		}
		return out
	}
	ref := run(1)
	for _, w := range []int{2, 5} {
		got := run(w)
		for k := range ref {
			for q := range ref[k] {
				if math.Float64bits(ref[k][q]) != math.Float64bits(got[k][q]) {
					t.Fatalf("metric %d entry %d: %v with 1 worker, %v with %d", k, q, ref[k][q], got[k][q], w)
				}
			}
		}
	}
}

// The tridiagonal + inverse-iteration PCoA path must agree with the full
// eigendecomposition on a matrix large enough to need it.
func TestPCoATridiagonalMatchesFull(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	tb := profileTable(r, 200, 600, 8, 2000)
	m, err := BrayCurtis(context.Background(), tb, BetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := pcoa(context.Background(), m, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := PCoAAxes(context.Background(), m, 10)
	if err != nil {
		t.Fatal(err)
	}
	if fast.Axes != 10 || full.Axes != 200 {
		t.Fatalf("axes %d, %d", fast.Axes, full.Axes)
	}
	n := m.N()
	neg := 0
	for k := 0; k < n; k++ {
		if math.Abs(fast.Eigenvalues[k]-full.Eigenvalues[k]) > 1e-11*full.Eigenvalues[0] {
			t.Errorf("eigenvalue %d: %.17g vs %.17g", k, fast.Eigenvalues[k], full.Eigenvalues[k])
		}
		if math.Abs(fast.ProportionExplained[k]-full.ProportionExplained[k]) > 1e-12 {
			t.Errorf("proportion %d: %v vs %v", k, fast.ProportionExplained[k], full.ProportionExplained[k])
		}
		if full.Eigenvalues[k] < 0 {
			neg++
		}
	}
	if neg == 0 {
		t.Error("expected negative eigenvalues from Bray–Curtis")
	}
	s := math.Sqrt(full.Eigenvalues[0])
	for k := 0; k < 10; k++ {
		gap := math.Min(full.Eigenvalues[k]-full.Eigenvalues[k+1], math.Inf(1))
		if k > 0 {
			gap = math.Min(gap, full.Eigenvalues[k-1]-full.Eigenvalues[k])
		}
		if gap < 1e-6*full.Eigenvalues[0] {
			continue
		}
		for i := 0; i < n; i++ {
			a, b := fast.Coordinates[i*10+k], full.Coordinates[i*n+k]
			if math.Abs(a-b) > 1e-9*s {
				t.Fatalf("coordinate (%d, PC%d): %.17g vs %.17g", i, k+1, a, b)
			}
		}
	}
}

// Explicitly stored zeros must not change any result.
func TestExplicitZeros(t *testing.T) {
	a := tinyTable()
	b := &table.Table{
		SampleIDs: a.SampleIDs, FeatureIDs: a.FeatureIDs,
		Indptr:  []int{0, 3, 5, 6},
		Indices: []int32{0, 1, 2, 1, 2, 0},
		Data:    []float64{3, 1, 0, 2, 2, 0},
	}
	ph, err := NewPhylo(mustTree(t, "((A:1,B:2):1,C:3);"), a.FeatureIDs)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, f := range map[string]func(tb *table.Table) ([]float64, error){
		"braycurtis": func(tb *table.Table) ([]float64, error) {
			m, err := BrayCurtis(ctx, tb, BetaOptions{})
			return m.Data, err
		},
		"jaccard": func(tb *table.Table) ([]float64, error) {
			m, err := Jaccard(ctx, tb, false, BetaOptions{})
			return m.Data, err
		},
		"aitchison": func(tb *table.Table) ([]float64, error) {
			m, err := Aitchison(ctx, tb, 1, BetaOptions{})
			return m.Data, err
		},
		"unweighted": func(tb *table.Table) ([]float64, error) {
			m, err := UnweightedUniFrac(ctx, tb, ph, BetaOptions{})
			return m.Data, err
		},
		"weighted": func(tb *table.Table) ([]float64, error) {
			m, err := WeightedUniFrac(ctx, tb, ph, true, BetaOptions{})
			return m.Data, err
		},
		"alpha": func(tb *table.Table) ([]float64, error) {
			return Alpha(ctx, tb, []string{"observed", "chao1", "ace", "faith-pd"}, AlphaOptions{Tree: ph}, nil)
		},
	} {
		x, err := f(a)
		if err != nil {
			t.Fatal(err)
		}
		y, err := f(b)
		if err != nil {
			t.Fatal(err)
		}
		for k := range x {
			if x[k] != y[k] && !(math.IsNaN(x[k]) && math.IsNaN(y[k])) {
				t.Errorf("%s: entry %d is %v without and %v with explicit zeros", name, k, x[k], y[k])
			}
		}
	}
}

// A root branch length counts like any other branch in scikit-bio 0.5.8
// (Faith PD, unweighted UniFrac, the normalized weighted UniFrac
// denominator). Values from skbio 0.5.8 with TreeNode.read of
// "((A:1,B:2):1,C:3):0.5;" and counts [[3,1,0],[0,2,2]]:
// weighted normalized 0.52, weighted 3.25, unweighted 0.5333333333333333,
// faith_pd [4.5, 6.5].
func TestRootLengthLikeSkbio(t *testing.T) {
	tb := tinyTable()
	ph, err := NewPhylo(mustTree(t, "((A:1,B:2):1,C:3):0.5;"), tb.FeatureIDs)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	wn, _ := WeightedUniFrac(ctx, tb, ph, true, BetaOptions{})
	w, _ := WeightedUniFrac(ctx, tb, ph, false, BetaOptions{})
	uw, _ := UnweightedUniFrac(ctx, tb, ph, BetaOptions{})
	pd, _ := Alpha(ctx, tb, []string{MetricFaithPD}, AlphaOptions{Tree: ph}, nil)
	for _, c := range [][2]float64{{wn.At(0, 1), 0.52}, {w.At(0, 1), 3.25}, {uw.At(0, 1), 0.5333333333333333}, {pd[0], 4.5}, {pd[1], 6.5}} {
		if math.Abs(c[0]-c[1]) > 1e-15 {
			t.Errorf("got %.17g, scikit-bio %.17g", c[0], c[1])
		}
	}
}

// With BetaOptions.Rows set (a distmat.CondensedFile on disk), every
// pairwise metric streams the same distances: the file's TSV is byte for
// byte the dense matrix's, with one and with three workers; the functions
// return a nil matrix then.
func TestRowsToCondensedFile(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	tb := randomTable(r, 300, 200, 0.1)
	nw := "((" + strings.Join(tb.FeatureIDs[:100], ":0.1,") + ":0.1):0.5,(" + strings.Join(tb.FeatureIDs[100:], ":0.2,") + ":0.3):0.25);"
	ph, err := NewPhylo(mustTree(t, nw), tb.FeatureIDs)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	metrics := []func(BetaOptions) (*distmat.Matrix, error){
		func(o BetaOptions) (*distmat.Matrix, error) { return BrayCurtis(ctx, tb, o) },
		func(o BetaOptions) (*distmat.Matrix, error) { return Jaccard(ctx, tb, false, o) },
		func(o BetaOptions) (*distmat.Matrix, error) { return Jaccard(ctx, tb, true, o) },
		func(o BetaOptions) (*distmat.Matrix, error) { return Aitchison(ctx, tb, 1, o) },
		func(o BetaOptions) (*distmat.Matrix, error) { return UnweightedUniFrac(ctx, tb, ph, o) },
		func(o BetaOptions) (*distmat.Matrix, error) { return WeightedUniFrac(ctx, tb, ph, true, o) },
	}
	for k, f := range metrics {
		dense, err := f(BetaOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := distmat.Write(&want, dense); err != nil {
			t.Fatal(err)
		}
		for _, w := range []int{1, 3} {
			c, err := distmat.NewCondensedFile(t.TempDir(), tb.SampleIDs)
			if err != nil {
				t.Fatal(err)
			}
			m, err := f(BetaOptions{Workers: w, Rows: c})
			if err != nil || m != nil {
				t.Fatalf("metric %d: %v, matrix %v", k, err, m)
			}
			var got bytes.Buffer
			if err := c.WriteTSV(&got); err != nil {
				t.Fatal(err)
			}
			c.Close()
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("metric %d, %d workers: streamed matrix differs from the dense one", k, w)
			}
		}
	}
}
