package table

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteRoundTrip(t *testing.T) {
	for _, f := range []string{"rich_sparse_otu_table.biom", "rich_otu_table.tsv", "min_dense_otu_table.biom", "min_sparse_otu_table_hdf5.biom"} {
		tb, err := Read(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		// Non-integer values must survive exactly.
		tb.Data[0] += 0.1
		var js, ts bytes.Buffer
		if err := WriteBIOMJSON(&js, tb, JSONOptions{Now: time.Unix(0, 0)}); err != nil {
			t.Fatal(err)
		}
		if err := WriteTSV(&ts, tb); err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{"json": js.Bytes(), "tsv": ts.Bytes()} {
			var back *Table
			if name == "json" {
				back, err = ReadBIOMJSON(bytes.NewReader(b), f+".json")
			} else {
				back, err = ReadTSV(bytes.NewReader(b), f+".tsv")
			}
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", f, name, err, b)
			}
			if d := sameTable(tb, back); d != "" {
				t.Errorf("%s via %s: %s", f, name, d)
			}
			if (tb.Taxonomy == nil) != (back.Taxonomy == nil) {
				t.Errorf("%s via %s: taxonomy presence changed", f, name)
			}
			for j := range tb.Taxonomy {
				if strings.Join(tb.Taxonomy[j], ";") != strings.Join(back.Taxonomy[j], ";") {
					t.Errorf("%s via %s: lineage %d %v vs %v", f, name, j, tb.Taxonomy[j], back.Taxonomy[j])
				}
			}
		}
	}
}

func TestWriteMetadataRoundTrip(t *testing.T) {
	m, err := ReadMetadata("testdata/moving_pictures_sample_metadata.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteMetadata(&b, m); err != nil {
		t.Fatal(err)
	}
	back, err := ParseMetadata(&b, "back.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(back.IDs, ",") != strings.Join(m.IDs, ",") || strings.Join(back.Types, ",") != strings.Join(m.Types, ",") ||
		strings.Join(back.Columns, ",") != strings.Join(m.Columns, ",") {
		t.Fatalf("round trip changed the header")
	}
	for i := range m.Values {
		if strings.Join(m.Values[i], "\t") != strings.Join(back.Values[i], "\t") {
			t.Errorf("row %d changed", i)
		}
	}
}

func TestValidate(t *testing.T) {
	good := func() *Table {
		return &Table{SampleIDs: []string{"a", "b"}, FeatureIDs: []string{"x", "y"},
			Indptr: []int{0, 2, 3}, Indices: []int32{0, 1, 1}, Data: []float64{1, 2, 3}}
	}
	if err := good().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*Table){
		"unsorted": func(t *Table) { t.Indices[0], t.Indices[1] = 1, 0 },
		"range":    func(t *Table) { t.Indices[2] = 5 },
		"negative": func(t *Table) { t.Data[1] = -1 },
		"nan":      func(t *Table) { t.Data[1] = math.NaN() },
		"indptr":   func(t *Table) { t.Indptr = []int{0, 2} },
		"dup":      func(t *Table) { t.SampleIDs[1] = "a" },
		"empty id": func(t *Table) { t.FeatureIDs[1] = "" },
		"taxonomy": func(t *Table) { t.Taxonomy = [][]string{{"k__B"}} },
		"lengths":  func(t *Table) { t.Data = t.Data[:2] },
	} {
		tb := good()
		mut(tb)
		if err := tb.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if err := WriteTSV(&bytes.Buffer{}, tb); err == nil {
			t.Errorf("%s: WriteTSV accepted", name)
		}
	}
}
