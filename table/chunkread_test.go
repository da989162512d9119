package table

import (
	"bytes"
	"io"
	"os"
	"testing"
	"testing/iotest"
)

// TestReadBIOMJSONSmallReads feeds the parser one byte per Read call, so
// every token crosses a buffer refill.
func TestReadBIOMJSONSmallReads(t *testing.T) {
	b, err := os.ReadFile("testdata/rich_sparse_otu_table.biom")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadBIOMJSON(bytes.NewReader(b), "x")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadBIOMJSON(iotest.OneByteReader(bytes.NewReader(b)), "x")
	if err != nil {
		t.Fatal(err)
	}
	if d := sameTable(want, got); d != "" {
		t.Error(d)
	}
	// A read error is reported, not swallowed.
	_, err = ReadBIOMJSON(io.MultiReader(bytes.NewReader(b[:100]), iotest.ErrReader(io.ErrUnexpectedEOF)), "x")
	if err == nil {
		t.Error("read error swallowed")
	}
}
