package diversity

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/holobiont/holobiont/tree"
)

// Phylo is a tree prepared for the features of one table: every table
// feature is mapped to a tip. Build it once with NewPhylo and reuse it for
// Faith PD and UniFrac. A Phylo is read-only and safe for concurrent use.
type Phylo struct {
	parent   []int32   // parent of each node (-1 for the root), postorder
	length   []float64 // branch length to the parent (0 when absent on the root)
	tipDist  []float64 // distance from the root (root length included) to each node
	featNode []int32   // node index of each table feature
	nfeat    int
}

// NewPhylo maps featureIDs (the table's feature ids) onto the tips of t.
// As in scikit-bio, every non-root node must have a branch length, tip names
// must be unique and every feature must be a tip; tips that are not table
// features are allowed. The root's branch length, when given, counts like
// any other branch (scikit-bio does the same). Negative or non-finite branch
// lengths are rejected.
func NewPhylo(t *tree.Tree, featureIDs []string) (*Phylo, error) {
	n := len(t.Nodes)
	if n < 2 {
		return nil, fmt.Errorf("tree: needs more than a root node (has %d node(s))", n)
	}
	p := &Phylo{
		parent:   make([]int32, n),
		length:   make([]float64, n),
		tipDist:  make([]float64, n),
		featNode: make([]int32, len(featureIDs)),
		nfeat:    len(featureIDs),
	}
	root := t.Root()
	tips := make(map[string]int32)
	for i := range t.Nodes {
		nd := &t.Nodes[i]
		if nd.Parent >= n || (i != root && (nd.Parent < 0 || nd.Parent <= i)) {
			return nil, fmt.Errorf("tree: node %d (%q): parent %d is not a later node in postorder", i, nd.Name, nd.Parent)
		}
		p.parent[i] = int32(nd.Parent)
		if i == root {
			p.parent[i] = -1
		}
		if nd.HasLength {
			if math.IsNaN(nd.Length) || math.IsInf(nd.Length, 0) || nd.Length < 0 {
				return nil, fmt.Errorf("tree: node %d (%s): branch length %v is not a finite non-negative number", i, nodeLabel(nd), nd.Length)
			}
			p.length[i] = nd.Length
		} else if i != root {
			return nil, fmt.Errorf("tree: node %d (%s) has no branch length; every non-root node needs one for phylogenetic metrics", i, nodeLabel(nd))
		}
		if len(nd.Children) == 0 {
			if _, dup := tips[nd.Name]; dup {
				return nil, fmt.Errorf("tree: tip name %q occurs more than once", nd.Name)
			}
			tips[nd.Name] = int32(i)
		}
	}
	for i := root; i >= 0; i-- {
		if i == root {
			p.tipDist[i] = p.length[i]
		} else {
			p.tipDist[i] = p.tipDist[p.parent[i]] + p.length[i]
		}
	}
	var missing []string
	nmiss := 0
	for f, id := range featureIDs {
		nd, ok := tips[id]
		if !ok {
			nmiss++
			if len(missing) < 5 {
				missing = append(missing, fmt.Sprintf("%q", id))
			}
			continue
		}
		p.featNode[f] = nd
	}
	if nmiss > 0 {
		more := ""
		if nmiss > len(missing) {
			more = ", ..."
		}
		return nil, fmt.Errorf("tree: %d table feature id(s) are not tip names of the tree: %s%s", nmiss, strings.Join(missing, ", "), more)
	}
	return p, nil
}

func nodeLabel(nd *tree.Node) string {
	if nd.Name == "" {
		return "unnamed"
	}
	return fmt.Sprintf("%q", nd.Name)
}

// NumFeatures returns the number of table features the tree was prepared for.
func (p *Phylo) NumFeatures() int { return p.nfeat }

// walker finds the nodes present in one sample (those with a positive count
// below them) and, optionally, their counts.
type walker struct {
	p       *Phylo
	mark    []uint64 // bitmap of the touched nodes
	count   []float64
	touched []int32
}

func newWalker(p *Phylo) *walker {
	nn := len(p.parent)
	return &walker{p: p, mark: make([]uint64, (nn+63)/64), count: make([]float64, nn)}
}

// walk records in w.touched the present nodes of the sample given by
// (idx, vals), in postorder, and their summed counts in w.count.
func (w *walker) walk(idx []int32, vals []float64, counts bool) {
	mark := w.mark
	for k, f := range idx {
		if vals[k] <= 0 {
			continue
		}
		for nd := w.p.featNode[f]; nd >= 0 && mark[nd>>6]&(1<<(nd&63)) == 0; nd = w.p.parent[nd] {
			mark[nd>>6] |= 1 << (nd & 63)
		}
	}
	// Collect the marked nodes in ascending (post)order and clear the
	// bitmap; scanning whole words is cheaper than sorting.
	w.touched = w.touched[:0]
	for q, word := range mark {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &= word - 1
			w.touched = append(w.touched, int32(q<<6+b))
		}
		mark[q] = 0
	}
	if !counts {
		return
	}
	for _, nd := range w.touched {
		w.count[nd] = 0
	}
	for k, f := range idx {
		if vals[k] > 0 {
			w.count[w.p.featNode[f]] += vals[k]
		}
	}
	for _, nd := range w.touched {
		if par := w.p.parent[nd]; par >= 0 {
			w.count[par] += w.count[nd]
		}
	}
}

// FaithPD returns Faith's phylogenetic diversity of one sample: the sum of
// the branch lengths of all nodes with a positive count below them (the
// union of the root-to-tip paths of the observed features, the root's own
// length included when the tree gives one), as scikit-bio faith_pd.
func (p *Phylo) FaithPD(idx []int32, vals []float64) float64 {
	w := newWalker(p)
	return w.faithPD(idx, vals)
}

func (w *walker) faithPD(idx []int32, vals []float64) float64 {
	w.walk(idx, vals, false)
	var s float64
	for _, nd := range w.touched {
		s += w.p.length[nd]
	}
	return s
}
