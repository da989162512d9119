package tree

import "testing"

// TestByteOrderMark: a Newick file starting with a UTF-8 byte-order mark
// reads as if it were absent (it was refused with a misleading message).
func TestByteOrderMark(t *testing.T) {
	tr, err := ReadFile("testdata/bom.nwk")
	if err != nil {
		t.Fatal(err)
	}
	var tips []string
	for _, n := range tr.Nodes {
		if n.Name != "" {
			tips = append(tips, n.Name)
		}
	}
	if len(tips) != 3 || tips[0] != "a" {
		t.Errorf("tips %q", tips)
	}
}
