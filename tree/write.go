package tree

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// Write writes t in Newick format followed by ";\n". Labels that contain
// Newick delimiters, quotes, spaces or underscores are single-quoted (quotes
// doubled); lengths are written when HasLength is set, with the shortest
// representation that reads back exactly.
func Write(w io.Writer, t *Tree) error {
	bw := bufio.NewWriter(w)
	if len(t.Nodes) == 0 {
		bw.WriteString(";\n")
		return bw.Flush()
	}
	// Iterative preorder walk with explicit state to survive deep trees.
	type frame struct{ node, next int }
	stack := []frame{{t.Root(), 0}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		n := &t.Nodes[top.node]
		if len(n.Children) > 0 && top.next == 0 {
			bw.WriteByte('(')
		}
		if top.next < len(n.Children) {
			if top.next > 0 {
				bw.WriteByte(',')
			}
			c := n.Children[top.next]
			top.next++
			stack = append(stack, frame{c, 0})
			continue
		}
		if len(n.Children) > 0 {
			bw.WriteByte(')')
		}
		bw.WriteString(quoteLabel(n.Name))
		if n.HasLength {
			bw.WriteByte(':')
			bw.WriteString(strconv.FormatFloat(n.Length, 'g', -1, 64))
		}
		stack = stack[:len(stack)-1]
	}
	bw.WriteString(";\n")
	return bw.Flush()
}

func quoteLabel(s string) string {
	if s == "" {
		return ""
	}
	if !strings.ContainsAny(s, "()[]':;, \t\n\r_") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
