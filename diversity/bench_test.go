package diversity

import (
	"context"
	"math/rand/v2"
	"sort"
	"strconv"
	"testing"

	"github.com/holobiont/holobiont/table"
	"github.com/holobiont/holobiont/tree"
)

// profileTable draws n samples × m features: each sample picks one of k
// random profiles (a quarter of the features with Exp(1) weights),
// multiplies each weight by Exp(1) noise and draws depth reads.
func profileTable(r *rand.Rand, n, m, k, depth int) *table.Table {
	type prof struct {
		f []int32
		w []float64
	}
	profs := make([]prof, k)
	for p := range profs {
		for f := 0; f < m; f++ {
			if r.IntN(4) == 0 {
				profs[p].f = append(profs[p].f, int32(f))
				profs[p].w = append(profs[p].w, r.ExpFloat64())
			}
		}
	}
	t := &table.Table{Indptr: []int{0}}
	for f := 0; f < m; f++ {
		t.FeatureIDs = append(t.FeatureIDs, "f"+strconv.Itoa(f))
	}
	counts := make([]float64, m)
	cum := make([]float64, 0, m)
	for i := 0; i < n; i++ {
		t.SampleIDs = append(t.SampleIDs, "s"+strconv.Itoa(i))
		p := profs[r.IntN(k)]
		cum = cum[:0]
		var tot float64
		for q := range p.f {
			tot += p.w[q] * r.ExpFloat64()
			cum = append(cum, tot)
		}
		for d := 0; d < depth; d++ {
			q := min(sort.SearchFloat64s(cum, r.Float64()*tot), len(cum)-1)
			counts[p.f[q]]++
		}
		for _, f := range p.f {
			if counts[f] > 0 {
				t.Indices = append(t.Indices, f)
				t.Data = append(t.Data, counts[f])
				counts[f] = 0
			}
		}
		t.Indptr = append(t.Indptr, len(t.Data))
	}
	return t
}

// randomTree joins random pairs of nodes until one root is left: a random
// binary tree over ids with Exp-distributed branch lengths, in postorder.
func randomTree(r *rand.Rand, ids []string) *tree.Tree {
	tr := &tree.Tree{}
	pool := make([]int, len(ids))
	for i, id := range ids {
		tr.Nodes = append(tr.Nodes, tree.Node{Name: id, Length: 0.1 * r.ExpFloat64(), HasLength: true, Parent: -1})
		pool[i] = i
	}
	for len(pool) > 1 {
		a := r.IntN(len(pool))
		pa := pool[a]
		pool[a] = pool[len(pool)-1]
		pool = pool[:len(pool)-1]
		b := r.IntN(len(pool))
		pb := pool[b]
		nd := len(tr.Nodes)
		tr.Nodes = append(tr.Nodes, tree.Node{Length: 0.1 * r.ExpFloat64(), HasLength: true, Parent: -1, Children: []int{pa, pb}})
		tr.Nodes[pa].Parent = nd
		tr.Nodes[pb].Parent = nd
		pool[b] = nd
	}
	root := len(tr.Nodes) - 1
	tr.Nodes[root].HasLength = false
	tr.Nodes[root].Length = 0
	return tr
}

func benchData(b *testing.B) (*table.Table, *Phylo) {
	r := rand.New(rand.NewPCG(11, 12))
	t := profileTable(r, 500, 4000, 20, 5000)
	p, err := NewPhylo(randomTree(r, t.FeatureIDs), t.FeatureIDs)
	if err != nil {
		b.Fatal(err)
	}
	return t, p
}

func BenchmarkBrayCurtis(b *testing.B) {
	t, _ := benchData(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := BrayCurtis(context.Background(), t, BetaOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJaccard(b *testing.B) {
	t, _ := benchData(b)
	for b.Loop() {
		if _, err := Jaccard(context.Background(), t, false, BetaOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAitchison(b *testing.B) {
	t, _ := benchData(b)
	for b.Loop() {
		if _, err := Aitchison(context.Background(), t, 1, BetaOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnweightedUniFrac(b *testing.B) {
	t, p := benchData(b)
	for b.Loop() {
		if _, err := UnweightedUniFrac(context.Background(), t, p, BetaOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWeightedUniFrac(b *testing.B) {
	t, p := benchData(b)
	for b.Loop() {
		if _, err := WeightedUniFrac(context.Background(), t, p, true, BetaOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAlpha(b *testing.B) {
	t, p := benchData(b)
	ms := AlphaMetrics()
	dst := make([]float64, t.NumSamples()*len(ms))
	for b.Loop() {
		if _, err := Alpha(context.Background(), t, ms, AlphaOptions{Tree: p}, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPCoA(b *testing.B) {
	t, _ := benchData(b)
	m, err := BrayCurtis(context.Background(), t, BetaOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := PCoA(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPCoA10Axes(b *testing.B) {
	t, _ := benchData(b)
	m, err := BrayCurtis(context.Background(), t, BetaOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := PCoAAxes(context.Background(), m, 10); err != nil {
			b.Fatal(err)
		}
	}
}
