package diversity

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/holobiont/holobiont/table"
	"github.com/holobiont/holobiont/tree"
)

// refUniFrac computes UniFrac pair by pair straight from the definitions
// (scikit-bio's _unweighted_unifrac / _weighted_unifrac over all nodes).
func refUniFrac(tr *tree.Tree, t *table.Table, i, j int) (uw, w, wn float64) {
	nn := len(tr.Nodes)
	tip := map[string]int{}
	for k, nd := range tr.Nodes {
		if len(nd.Children) == 0 {
			tip[nd.Name] = k
		}
	}
	counts := func(s int) ([]float64, float64) {
		c := make([]float64, nn)
		idx, vals := t.Sample(s)
		var tot float64
		for q, f := range idx {
			c[tip[t.FeatureIDs[f]]] += vals[q]
			tot += vals[q]
		}
		for k := 0; k < nn; k++ {
			if p := tr.Nodes[k].Parent; p >= 0 {
				c[p] += c[k]
			}
		}
		return c, tot
	}
	ci, ti := counts(i)
	cj, tj := counts(j)
	dist := make([]float64, nn)
	for k := nn - 1; k >= 0; k-- {
		dist[k] = tr.Nodes[k].Length
		if p := tr.Nodes[k].Parent; p >= 0 {
			dist[k] += dist[p]
		}
	}
	var uniq, obs, u, den float64
	for k := 0; k < nn; k++ {
		L := tr.Nodes[k].Length
		a, b := ci[k] > 0, cj[k] > 0
		if a != b {
			uniq += L
		}
		if a || b {
			obs += L
		}
		var pa, pb float64
		if ti > 0 {
			pa = ci[k] / ti
		}
		if tj > 0 {
			pb = cj[k] / tj
		}
		u += L * math.Abs(pa-pb)
		if len(tr.Nodes[k].Children) == 0 {
			den += dist[k] * (pa + pb)
		}
	}
	if obs > 0 {
		uw = uniq / obs
	}
	wn = u / den
	if ti == 0 && tj == 0 {
		wn = 0
	}
	return uw, u, wn
}

// Random trees (with zero-length branches, single-child chains, a root
// length, extra tips) and random sparse tables against the reference.
func TestUniFracAgainstReference(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 12; seed++ {
		r := rand.New(rand.NewPCG(seed, 99))
		m := 5 + r.IntN(60)
		tb := randomTable(r, 3+r.IntN(40), m, 0.05+0.5*r.Float64())
		ids := append([]string(nil), tb.FeatureIDs...)
		for k := 0; k < r.IntN(5); k++ {
			ids = append(ids, "extra"+itoa(k))
		}
		tr := randomTree(r, ids)
		// Zero-length branches, a root length and single-child chains.
		for k := range tr.Nodes {
			if r.IntN(6) == 0 {
				tr.Nodes[k].Length = 0
			}
		}
		root := len(tr.Nodes) - 1
		tr.Nodes[root].Length, tr.Nodes[root].HasLength = 0.3, seed%2 == 0
		if !tr.Nodes[root].HasLength {
			tr.Nodes[root].Length = 0
		}
		tr = addChain(tr, r.IntN(root))
		// Sample 1 loses its counts.
		if tb.NumSamples() > 3 {
			lo, hi := tb.Indptr[1], tb.Indptr[2]
			tb.Indices = append(tb.Indices[:lo:lo], tb.Indices[hi:]...)
			tb.Data = append(tb.Data[:lo:lo], tb.Data[hi:]...)
			for q := 2; q < len(tb.Indptr); q++ {
				tb.Indptr[q] -= hi - lo
			}
		}
		ph, err := NewPhylo(tr, tb.FeatureIDs)
		if err != nil {
			t.Fatal(err)
		}
		uw, err := UnweightedUniFrac(ctx, tb, ph, BetaOptions{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		w, _ := WeightedUniFrac(ctx, tb, ph, false, BetaOptions{Workers: 2})
		wn, _ := WeightedUniFrac(ctx, tb, ph, true, BetaOptions{Workers: 2})
		for i := 0; i < tb.NumSamples(); i++ {
			for j := i + 1; j < tb.NumSamples(); j++ {
				ruw, rw, rwn := refUniFrac(tr, tb, i, j)
				for _, c := range [][3]float64{{uw.At(i, j), ruw, 0}, {w.At(i, j), rw, 1}, {wn.At(i, j), rwn, 2}} {
					if math.IsNaN(c[1]) && math.IsNaN(c[0]) {
						continue
					}
					if math.Abs(c[0]-c[1]) > 1e-12*math.Max(1, math.Abs(c[1])) {
						t.Fatalf("seed %d metric %v pair (%d,%d): %.17g, reference %.17g", seed, c[2], i, j, c[0], c[1])
					}
				}
			}
		}
	}
}

// addChain inserts a single-child node above node k (a "knee" in the tree).
func addChain(tr *tree.Tree, k int) *tree.Tree {
	// Rebuild in postorder with a new node right after k.
	old := tr.Nodes
	nn := len(old)
	newIdx := make([]int, nn)
	for i := 0; i < nn; i++ {
		newIdx[i] = i
		if i > k {
			newIdx[i] = i + 1
		}
	}
	out := &tree.Tree{Nodes: make([]tree.Node, nn+1)}
	for i, nd := range old {
		c := nd
		c.Children = nil
		for _, ch := range nd.Children {
			c.Children = append(c.Children, newIdx[ch])
		}
		if nd.Parent >= 0 {
			c.Parent = newIdx[nd.Parent]
		}
		out.Nodes[newIdx[i]] = c
	}
	// Node k+1 is the knee: child k, parent k's old parent.
	par := out.Nodes[k].Parent
	out.Nodes[k+1] = tree.Node{Name: "knee", Length: 0.7, HasLength: true, Parent: par, Children: []int{k}}
	for q, ch := range out.Nodes[par].Children {
		if ch == k {
			out.Nodes[par].Children[q] = k + 1
		}
	}
	out.Nodes[k].Parent = k + 1
	return out
}
