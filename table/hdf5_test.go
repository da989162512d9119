package table

import (
	"path/filepath"
	"testing"
	"time"
)

func TestWriteHDF5RoundTrip(t *testing.T) {
	for _, f := range []string{"rich_sparse_otu_table.biom", "rich_otu_table.tsv", "min_dense_otu_table.biom"} {
		tb, err := Read(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "out.biom")
		if err := WriteHDF5(out, tb, HDF5Options{Type: "OTU table", Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		back, err := Read(out)
		if err != nil {
			t.Fatalf("%s: read back: %v", f, err)
		}
		if d := sameTable(tb, back); d != "" {
			t.Errorf("%s: round trip differs: %s", f, d)
		}
		if (tb.Taxonomy == nil) != (back.Taxonomy == nil) {
			t.Errorf("%s: taxonomy lost", f)
		}
		for i := range tb.Taxonomy {
			if len(tb.Taxonomy[i]) != len(back.Taxonomy[i]) || tb.Taxonomy[i][len(tb.Taxonomy[i])-1] != back.Taxonomy[i][len(back.Taxonomy[i])-1] {
				t.Errorf("%s: lineage %d: %v vs %v", f, i, tb.Taxonomy[i], back.Taxonomy[i])
			}
		}
	}
}

func TestWriteHDF5Empty(t *testing.T) {
	tb := &Table{SampleIDs: []string{"a", "b"}, FeatureIDs: []string{"x"}, Indptr: []int{0, 0, 0}}
	out := filepath.Join(t.TempDir(), "e.biom")
	if err := WriteHDF5(out, tb, HDF5Options{}); err != nil {
		t.Fatal(err)
	}
	back, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if d := sameTable(tb, back); d != "" {
		t.Error(d)
	}
}

// TestWriteHDF5Chunked round-trips a table whose datasets span many
// compressed chunks (the last one partial), and the uncompressed layout.
func TestWriteHDF5Chunked(t *testing.T) {
	tb := benchTable(300, 2000, 37) // 11,100 non-zeros: 3 chunks of 4,096
	for _, level := range []int{0, 9, -1} {
		out := filepath.Join(t.TempDir(), "c.biom")
		if err := WriteHDF5(out, tb, HDF5Options{GZIPLevel: level}); err != nil {
			t.Fatal(err)
		}
		back, err := ReadHDF5(out)
		if err != nil {
			t.Fatalf("level %d: %v", level, err)
		}
		if d := sameTable(tb, back); d != "" {
			t.Errorf("level %d: %s", level, d)
		}
	}
}
