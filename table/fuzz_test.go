package table

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkTable verifies the CSR invariants of a table a parser returned.
func checkTable(t *testing.T, tb *Table) {
	t.Helper()
	if len(tb.Indptr) != tb.NumSamples()+1 || tb.Indptr[0] != 0 || tb.Indptr[tb.NumSamples()] != tb.NNZ() || len(tb.Indices) != len(tb.Data) {
		t.Fatalf("bad CSR shape")
	}
	for i := 0; i < tb.NumSamples(); i++ {
		idx, val := tb.Sample(i)
		for k := range idx {
			if int(idx[k]) >= tb.NumFeatures() || idx[k] < 0 || (k > 0 && idx[k] <= idx[k-1]) || !(val[k] > 0) {
				t.Fatalf("sample %d: bad entry %d (%g)", i, idx[k], val[k])
			}
		}
	}
	if tb.Taxonomy != nil && len(tb.Taxonomy) != tb.NumFeatures() {
		t.Fatalf("taxonomy length %d for %d features", len(tb.Taxonomy), tb.NumFeatures())
	}
}

func FuzzReadBIOMJSON(f *testing.F) {
	for _, n := range []string{"rich_sparse_otu_table.biom", "rich_dense_otu_table.biom", "min_dense_otu_table.biom"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"data":[[0,0,1]],"matrix_type":"sparse","rows":[{"id":"a","metadata":{"taxonomy":"k__B; p__F"}}],"columns":[{"id":"s"}]}`))
	f.Add([]byte(`{"rows":[{"id":"a\u00e9","metadata":["k","p",null]}],"columns":[{"id":"s"}],"matrix_type":"dense","data":[[1e3]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := ReadBIOMJSON(bytes.NewReader(b), "fuzz.biom")
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T is not *ParseError: %v", err, err)
			}
			return
		}
		checkTable(t, tb)
	})
}

func FuzzReadTSV(f *testing.F) {
	b, _ := os.ReadFile("testdata/rich_otu_table.tsv")
	f.Add(b)
	f.Add([]byte("#OTU ID\tS1\tS2\nA\t1\t0\nB\t0.5\t2e2\n"))
	f.Add([]byte("OTU\tS1\tConsensus Lineage\nA\t1\tk__B|p__F\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := ReadTSV(bytes.NewReader(b), "fuzz.tsv")
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T is not *ParseError: %v", err, err)
			}
			return
		}
		checkTable(t, tb)
	})
}

func FuzzParseMetadata(f *testing.F) {
	b, _ := os.ReadFile("testdata/moving_pictures_sample_metadata.tsv")
	f.Add(b)
	f.Add([]byte("# c\n#SampleID\ta\tb\n#q2:types\tnumeric\tcategorical\nS1\t1\tx\nS2\t\ty\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMetadata(bytes.NewReader(b), "fuzz.tsv")
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T is not *ParseError: %v", err, err)
			}
			return
		}
		if len(m.Types) != len(m.Columns) || len(m.Values) != len(m.IDs) {
			t.Fatalf("inconsistent metadata")
		}
		for _, row := range m.Values {
			if len(row) != len(m.Columns) {
				t.Fatalf("row length %d, %d columns", len(row), len(m.Columns))
			}
		}
	})
}

func FuzzReadMDSINE(f *testing.F) {
	var files [3][]byte
	for i, n := range []string{"counts.txt", "metadata.txt", "biomass.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "mdsine", n))
		if err != nil {
			f.Fatal(err)
		}
		files[i] = b
	}
	f.Add(files[0], files[1], files[2])
	f.Add([]byte("#OTU ID\ta\nx\t1\n"), []byte("sampleID\tisIncluded\tsubjectID\tmeasurementID\tperturbID\texptblock\tintv\na\t1\tm\t0.5\t0\t1\t\n"), []byte("mass\n1e9\n"))
	// The streams go to the parser in memory (ReadMDSINE only opens the
	// three files): writing a folder per input made every execution wait on
	// the file system. An empty biomass input means no biomass file.
	names := [3]string{"in/counts.txt", "in/metadata.txt", "in/biomass.txt"}
	f.Fuzz(func(t *testing.T, counts, meta, mass []byte) {
		br := namedReader{names[2], bytes.NewReader(mass)}
		if len(mass) == 0 {
			br.r = nil
		}
		d, err := parseMDSINE(namedReader{names[0], bytes.NewReader(counts)}, namedReader{names[1], bytes.NewReader(meta)}, br)
		if err != nil {
			if !strings.Contains(err.Error(), "in/") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkTable(t, d.Table)
		if len(d.Samples) != d.Table.NumSamples() || (d.Biomass != nil && len(d.Biomass) != d.Table.NumSamples()) || (d.Biomass == nil) != (br.r == nil) {
			t.Fatalf("misaligned samples")
		}
	})
}
