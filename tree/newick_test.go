package tree

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

func TestParse(t *testing.T) {
	tr, err := Parse(strings.NewReader("((A:1,B:2.5e-1)C:3,'D ''x''_y':4[&&NHX:S=1],E)F:0;\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Node{
		{Name: "A", Length: 1, HasLength: true, Parent: 2},
		{Name: "B", Length: 0.25, HasLength: true, Parent: 2},
		{Name: "C", Length: 3, HasLength: true, Parent: 5, Children: []int{0, 1}},
		{Name: "D 'x'_y", Length: 4, HasLength: true, Parent: 5},
		{Name: "E", Parent: 5},
		{Name: "F", Length: 0, HasLength: true, Parent: -1, Children: []int{2, 3, 4}},
	}
	if len(tr.Nodes) != len(want) {
		t.Fatalf("%d nodes, want %d", len(tr.Nodes), len(want))
	}
	for i, w := range want {
		g := tr.Nodes[i]
		if g.Name != w.Name || g.Length != w.Length || g.HasLength != w.HasLength || g.Parent != w.Parent || !slices.Equal(g.Children, w.Children) {
			t.Errorf("node %d = %+v, want %+v", i, g, w)
		}
	}
	if tr.Root() != 5 || !tr.IsTip(4) || tr.IsTip(2) {
		t.Errorf("root/tip accessors wrong")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"", "empty"},
		{"(A,B", "1:1: unclosed"},
		{"(A,B);x(", ""},
		{"(A:x,B);", "1:4: bad branch length"},
		{"(A,B)", "expected ';'"},
		{"(A,B));", "expected ';'"},
		{"('A,B);", "unterminated quoted label"},
		{"(A[x,B);", "unterminated [comment]"},
		{"(A,\nB:);", "2:3: missing branch length"},
		{"(A B);", "expected ',' or ')'"},
	} {
		_, err := ParseString(tc.in, "t.nwk")
		if err == nil {
			if tc.want != "" {
				t.Errorf("%q: no error, want %q", tc.in, tc.want)
			}
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "t.nwk:") {
			t.Errorf("%q: error %q, want a *ParseError containing %q", tc.in, err, tc.want)
		}
	}
}

// TestMovingPicturesTree reads QIIME 2's rooted tree of the moving pictures
// ASVs: 770 tips (one per table feature, 769 commas + 1) and 768 internal
// nodes (one per '(' in the file; one internal node has three children),
// and the root is named "root" (QIIME 2's midpoint rooting).
func TestMovingPicturesTree(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "data", "moving_pictures")
	tr, err := ReadFile(filepath.Join(dir, "moving_pictures_rooted_tree.nwk"))
	if err != nil {
		t.Fatal(err)
	}
	tips := 0
	for i := range tr.Nodes {
		if tr.IsTip(i) {
			tips++
		}
		if p := tr.Nodes[i].Parent; p != -1 && p <= i {
			t.Fatalf("node %d: parent %d not after child (not postorder)", i, p)
		}
	}
	if tips != 770 || len(tr.Nodes) != 770+768 || tr.Nodes[tr.Root()].Name != "root" {
		t.Errorf("%d tips, %d nodes, root %q; want 770, 1538, root", tips, len(tr.Nodes), tr.Nodes[tr.Root()].Name)
	}
}

func TestWriteRoundTrip(t *testing.T) {
	for _, s := range []string{"((A:1,B:2.5e-07)C:3,'D ''x''_y':4,E)F;", "A;", "(,);", "((a,b),(c,(d,e)x:0)y:1e+300);"} {
		tr, err := ParseString(s, "")
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := Write(&b, tr); err != nil {
			t.Fatal(err)
		}
		back, err := ParseString(b.String(), "")
		if err != nil {
			t.Fatalf("%q → %q: %v", s, b.String(), err)
		}
		if len(back.Nodes) != len(tr.Nodes) {
			t.Fatalf("%q → %q: node count", s, b.String())
		}
		for i := range tr.Nodes {
			a, c := tr.Nodes[i], back.Nodes[i]
			if a.Name != c.Name || a.Length != c.Length || a.HasLength != c.HasLength || a.Parent != c.Parent {
				t.Errorf("%q → %q: node %d %+v vs %+v", s, b.String(), i, a, c)
			}
		}
	}
}

// TestReadFileQZA reads a QIIME 2 Phylogeny artifact (zip) and the plain
// Newick file it holds to the same tree (skbio's QIIME 1.9.1 test tree).
func TestReadFileQZA(t *testing.T) {
	a, err := ReadFile("testdata/tree.qza")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadFile("testdata/small.nwk")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Nodes) != len(b.Nodes) || a.Nodes[0].Name != "879972" || a.Nodes[a.Root()].Name != "root" {
		t.Errorf("qza tree differs: %d vs %d nodes", len(a.Nodes), len(b.Nodes))
	}
}
