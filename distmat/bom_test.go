package distmat

import "testing"

// TestByteOrderMark: a matrix file starting with a UTF-8 byte-order mark
// reads as if it were absent.
func TestByteOrderMark(t *testing.T) {
	m, err := ReadFile("testdata/bom.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if m.IDs[0] != "a" || m.At(0, 1) != 1 {
		t.Errorf("got %+v", m)
	}
}
