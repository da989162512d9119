package expr

// Walk calls f for n and every node below it, parents before children.
func Walk(n *Node, f func(*Node)) {
	if n == nil {
		return
	}
	f(n)
	for _, a := range n.Args {
		Walk(a, f)
	}
}

// Map rewrites n top-down: where f returns a node it replaces the sub-tree
// (not visited further); where f returns nil the node is kept and its
// arguments are mapped. Unchanged sub-trees are shared with n, which is
// never modified.
func Map(n *Node, f func(*Node) *Node) *Node {
	if n == nil {
		return nil
	}
	if r := f(n); r != nil {
		return r
	}
	if len(n.Args) == 0 {
		return n
	}
	var args []*Node
	for i, a := range n.Args {
		r := Map(a, f)
		if r != a && args == nil {
			args = append(make([]*Node, 0, len(n.Args)), n.Args[:i]...)
		}
		if args != nil {
			args = append(args, r)
		}
	}
	if args == nil {
		return n
	}
	cp := *n
	cp.Args = args
	return &cp
}
