package modelfile

import "testing"

// TestByteOrderMark: a model file starting with a UTF-8 byte-order mark
// (as Windows editors write it) loads; the mark used to become part of the
// first key ("unknown field \ufeff...").
func TestByteOrderMark(t *testing.T) {
	m, err := LoadModel("testdata/bom.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "bom" {
		t.Errorf("id %q", m.ID)
	}
}
