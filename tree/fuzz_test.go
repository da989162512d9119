package tree

import (
	"os"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"((A:1,B:2)C:3,'D''x':4[c],E)F;", "(,);", "A;", "((a,b),(c,d))root:0;\n", "[x](a:1e-3,b:.5);"} {
		f.Add(s)
	}
	if b, err := os.ReadFile("testdata/small.nwk"); err == nil {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := ParseString(s, "fuzz.nwk")
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T is not *ParseError: %v", err, err)
			}
			return
		}
		n := len(tr.Nodes)
		if n == 0 || tr.Nodes[n-1].Parent != -1 {
			t.Fatalf("bad root")
		}
		for i, nd := range tr.Nodes[:n-1] {
			if nd.Parent <= i || nd.Parent >= n {
				t.Fatalf("node %d: parent %d breaks postorder", i, nd.Parent)
			}
		}
		for i, nd := range tr.Nodes {
			for _, c := range nd.Children {
				if tr.Nodes[c].Parent != i {
					t.Fatalf("child %d of %d has parent %d", c, i, tr.Nodes[c].Parent)
				}
			}
		}
	})
}
