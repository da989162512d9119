package tree

// Tree is a rooted phylogenetic tree stored as a node array. Node 0..n-1
// are in postorder (children before parents), so Nodes[len-1] is the root.
type Tree struct {
	Nodes []Node
}

// Node is one tree node.
type Node struct {
	Name      string  // tip label or internal node name ("" when absent)
	Length    float64 // branch length to the parent
	HasLength bool    // false when the Newick string gave no length
	Parent    int     // index of the parent; -1 for the root
	Children  []int   // indices of children, in input order
}

// Root returns the index of the root node.
func (t *Tree) Root() int { return len(t.Nodes) - 1 }

// IsTip reports whether node i has no children.
func (t *Tree) IsTip(i int) bool { return len(t.Nodes[i].Children) == 0 }
