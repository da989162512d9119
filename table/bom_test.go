package table

import (
	"reflect"
	"testing"
)

// TestByteOrderMark: files that start with a UTF-8 byte-order mark (as
// Windows editors write them) read as if it were absent, as biom-format and
// QIIME 2 read them; it was refused (JSON: "expected '{'") or taken into
// the first id (TSV: "ragged row").
func TestByteOrderMark(t *testing.T) {
	for _, n := range []string{"rich_sparse_otu_table.biom", "rich_otu_table.tsv"} {
		got, err := Read("testdata/bom/" + n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		want, err := Read("testdata/" + n)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: with a byte-order mark it reads differently", n)
		}
	}
	md, err := ReadMetadata("testdata/bom/metadata.tsv")
	if err != nil || md.IDs[0] != "Sample1" {
		t.Errorf("metadata: %v, %+v", err, md)
	}
	tax, err := ReadTaxonomy("testdata/bom/taxonomy.tsv")
	if err != nil || len(tax["GG_OTU_1"]) != 2 {
		t.Errorf("taxonomy: %v, %v", err, tax)
	}
}
