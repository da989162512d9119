package table

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// biomExample is the dense example table of the BIOM format documentation
// (biom-format.org, "rich"/"min" dense examples shipped with R biomformat):
// features GG_OTU_1..5 × Sample1..6, shown here samples × features.
var biomExample = [][]float64{
	{0, 5, 0, 2, 0},
	{0, 1, 0, 1, 1},
	{1, 0, 1, 1, 1},
	{0, 2, 4, 0, 0},
	{0, 3, 2, 0, 0},
	{0, 1, 0, 1, 0},
}

// biomSparseExample is the documentation's sparse example, which differs
// from the dense one in GG_OTU_3: 2 reads in Sample6 instead of Sample5.
var biomSparseExample = [][]float64{
	{0, 5, 0, 2, 0},
	{0, 1, 0, 1, 1},
	{1, 0, 1, 1, 1},
	{0, 2, 4, 0, 0},
	{0, 3, 0, 0, 0},
	{0, 1, 2, 1, 0},
}

func equalDense(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func TestReadBIOMExamples(t *testing.T) {
	for _, f := range []string{
		"rich_sparse_otu_table.biom", "rich_dense_otu_table.biom", "min_dense_otu_table.biom",
		"min_sparse_otu_table_hdf5.biom", "rich_sparse_otu_table_hdf5.biom", "rich_otu_table.tsv",
		"table.qza", // zip holding rich_sparse_otu_table_hdf5.biom as data/feature-table.biom
		"rich_otu_table.tsv.gz",
	} {
		tb, err := Read(filepath.Join("testdata", f))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		want := biomExample
		if strings.Contains(f, "sparse") || f == "table.qza" {
			want = biomSparseExample
		}
		if got := tb.Dense(); !equalDense(got, want) {
			t.Errorf("%s: matrix %v, want %v", f, got, want)
		}
		if tb.SampleIDs[5] != "Sample6" || tb.FeatureIDs[3] != "GG_OTU_4" {
			t.Errorf("%s: ids %v %v", f, tb.SampleIDs, tb.FeatureIDs)
		}
		if strings.HasPrefix(f, "rich") || f == "table.qza" {
			if tb.Taxonomy == nil || len(tb.Taxonomy[3]) != 7 || tb.Taxonomy[3][5] != "g__Halanaerobium" || tb.Taxonomy[2][0] != "k__Archaea" {
				t.Errorf("%s: taxonomy %v", f, tb.Taxonomy)
			}
		} else if tb.Taxonomy != nil {
			t.Errorf("%s: unexpected taxonomy", f)
		}
		// CSR invariants.
		for i := 0; i < tb.NumSamples(); i++ {
			idx, _ := tb.Sample(i)
			for k := 1; k < len(idx); k++ {
				if idx[k] <= idx[k-1] {
					t.Errorf("%s: sample %d indices not ascending", f, i)
				}
			}
		}
	}
}

func TestDetectFormat(t *testing.T) {
	for f, want := range map[string]Format{
		"rich_sparse_otu_table.biom":          FormatBIOMJSON,
		"min_sparse_otu_table_hdf5.biom":      FormatBIOMHDF5,
		"rich_otu_table.tsv":                  FormatTSV,
		"mdsine":                              FormatMDSINE,
		"moving_pictures_sample_metadata.tsv": FormatTSV,
	} {
		got, err := DetectFormat(filepath.Join("testdata", f))
		if err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", f, got, err, want)
		}
	}
}

func TestReadMetadata(t *testing.T) {
	m, err := ReadMetadata("testdata/moving_pictures_sample_metadata.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.IDs) != 34 || len(m.Columns) != 9 || m.IDs[0] != "L1S8" {
		t.Fatalf("got %d ids, %d columns, first %q", len(m.IDs), len(m.Columns), m.IDs[0])
	}
	site, ok := m.Column("body-site")
	if !ok {
		t.Fatal("no body-site column")
	}
	count := map[string]int{}
	for _, s := range site {
		count[s]++
	}
	// QIIME 2 moving pictures tutorial: gut 8, left palm 8, right palm 9, tongue 9.
	if count["gut"] != 8 || count["left palm"] != 8 || count["right palm"] != 9 || count["tongue"] != 9 {
		t.Errorf("body-site counts %v", count)
	}
	if m.Types[2] != Numeric || m.Types[1] != Categorical {
		t.Errorf("types %v", m.Types)
	}
	days, err := m.NumericColumn("days-since-experiment-start")
	if err != nil || days[1] != 84 {
		t.Errorf("days %v %v", days, err)
	}

	// Header variants, comments, inferred types, padding.
	in := "# a comment\n#SampleID\tgroup\tdepth\n#another comment\nS1\ta\t1.5\n\nS2\tb\nS3\t\t-2e3\n"
	m, err = ParseMetadata(strings.NewReader(in), "m.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.IDs, ",") != "S1,S2,S3" || m.Types[0] != Categorical || m.Types[1] != Numeric || m.Values[1][1] != "" {
		t.Errorf("parsed %+v", m)
	}
	for _, h := range []string{"id", "sample-id", "sampleid", "feature-id"} {
		m, err := ParseMetadata(strings.NewReader(h+"\tx\n#q2:types\tcategorical\nA\t1\n"), "m.tsv")
		if err != nil || m.Types[0] != Categorical || m.IDs[0] != "A" {
			t.Errorf("header %q: %v %+v", h, err, m)
		}
	}
}

func TestReadMDSINE(t *testing.T) {
	d, err := ReadMDSINE("testdata/mdsine")
	if err != nil {
		t.Fatal(err)
	}
	if d.Table.NumSamples() != 8 || d.Table.NumFeatures() != 5 || d.Table.FeatureIDs[2] != "Clostridium-difficile" {
		t.Fatalf("table %d × %d", d.Table.NumSamples(), d.Table.NumFeatures())
	}
	s := d.Samples[2]
	if s.ID != "3" || !s.Included || s.Subject != "1" || s.Time != 2 || s.Perturbation != 0 || s.Block != 1 || s.Intervention != "14" {
		t.Errorf("sample 3: %+v", s)
	}
	if d.Samples[0].Time != 0.75 {
		t.Errorf("time of sample 1 = %g, want 0.75", d.Samples[0].Time)
	}
	if len(d.Biomass) != 8 || d.Biomass[5][0] != 2.53e8 || d.Biomass[7][2] != 7.76e9 || d.BiomassColumns[1] != "mass2" {
		t.Errorf("biomass %v %v", d.Biomass, d.BiomassColumns)
	}
	dense := d.Table.Dense()
	if dense[0][1] != 1483 || dense[5][2] != 1 || dense[7][4] != 234 {
		t.Errorf("counts %v", dense)
	}
	// Read on the folder gives the same table.
	tb, err := Read("testdata/mdsine")
	if err != nil || sameTable(tb, d.Table) != "" {
		t.Errorf("Read(folder): %v", err)
	}
}

// TestBadInput checks that malformed input gives a *ParseError naming the
// place and the id, not a panic.
func TestBadInput(t *testing.T) {
	tsvHead := "#OTU ID\tS1\tS2\n"
	for _, tc := range []struct {
		name, format, in string
		want             []string
	}{
		{"ragged", "tsv", tsvHead + "A\t1\t2\nB\t3\n", []string{":3:", `"B"`, "ragged"}},
		{"too long", "tsv", tsvHead + "A\t1\t2\t3\n", []string{":2:4:", `"A"`, "ragged"}},
		{"dup feature", "tsv", tsvHead + "A\t1\t2\nA\t3\t4\n", []string{":3", `"A"`, "duplicate feature"}},
		{"dup sample", "tsv", "#OTU ID\tS1\tS1\nA\t1\t2\n", []string{":1", `"S1"`, "duplicate sample"}},
		{"negative", "tsv", tsvHead + "A\t1\t-2\n", []string{":2:3:", `"A"`, "negative", `"S2"`}},
		{"non-numeric", "tsv", tsvHead + "A\tx\t2\n", []string{":2:2:", `"A"`, "non-numeric"}},
		{"blank cell", "tsv", tsvHead + "A\t\t2\n", []string{":2:2:", "blank"}},
		{"nan", "tsv", tsvHead + "A\tNaN\t2\n", []string{":2:2:", "NaN"}},
		{"json syntax", "json", "{\"rows\": [\n{\"id\": \"a\"}\n,,", []string{":3:2:"}},
		{"json negative", "json", `{"rows":[{"id":"f"}],"columns":[{"id":"s"}],"matrix_type":"sparse","data":[[0,0,-1]]}`, []string{"negative"}},
		{"json outside", "json", `{"rows":[{"id":"f"}],"columns":[{"id":"s"}],"matrix_type":"sparse","data":[[0,1,1]]}`, []string{"outside shape"}},
		{"json dup", "json", `{"rows":[{"id":"f"},{"id":"f"}],"columns":[{"id":"s"}],"matrix_type":"sparse","data":[]}`, []string{`"f"`, "duplicate feature"}},
		{"json dup entry", "json", `{"rows":[{"id":"f"},{"id":"g"}],"columns":[{"id":"s"}],"matrix_type":"sparse","data":[[1,0,1],[0,0,1],[1,0,2]]}`, []string{`"g/s"`, "duplicate"}},
		{"json ragged dense", "json", `{"rows":[{"id":"f"},{"id":"g"}],"columns":[{"id":"s"},{"id":"t"}],"matrix_type":"dense","data":[[1,2],[3]]}`, []string{`"g"`, "ragged"}},
		{"json shape", "json", `{"rows":[{"id":"f"}],"columns":[{"id":"s"}],"shape":[2,1],"matrix_type":"dense","data":[[1]]}`, []string{"shape"}},
		{"json trailing", "json", `{"rows":[],"columns":[],"matrix_type":"dense","data":[]} x`, []string{"after the BIOM object"}},
		{"metadata dup", "meta", "id\tx\nA\t1\nA\t2\n", []string{":3:1:", `"A"`, "duplicate id"}},
		{"metadata ragged", "meta", "id\tx\nA\t1\t2\n", []string{":2:3:", `"A"`, "ragged"}},
		{"metadata numeric", "meta", "id\tx\n#q2:types\tnumeric\nA\tfoo\n", []string{":3:2:", `"A"`, "numeric"}},
		{"metadata types", "meta", "id\tx\n#q2:types\tdate\nA\t1\n", []string{":2:2:", "categorical or numeric"}},
	} {
		var err error
		switch tc.format {
		case "tsv":
			_, err = ReadTSV(strings.NewReader(tc.in), "bad.tsv")
		case "json":
			_, err = ReadBIOMJSON(strings.NewReader(tc.in), "bad.biom")
		case "meta":
			_, err = ParseMetadata(strings.NewReader(tc.in), "bad.tsv")
		}
		var pe *ParseError
		if err == nil || !errors.As(err, &pe) {
			t.Errorf("%s: error %v, want a *ParseError", tc.name, err)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "bad.") {
			t.Errorf("%s: %q does not start with the file name", tc.name, msg)
		}
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q lacks %q", tc.name, msg, w)
			}
		}
	}
}

func TestReadBadFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.h5")
	if err := os.WriteFile(bad, append([]byte("\x89HDF\r\n\x1a\n"), make([]byte, 100)...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(bad); err == nil || !strings.Contains(err.Error(), "bad.h5") {
		t.Errorf("truncated HDF5: %v", err)
	}
	empty := filepath.Join(dir, "empty.tsv")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Read(empty); err == nil {
		t.Errorf("empty file: no error")
	}
	if _, err := Read(filepath.Join(dir, "missing.tsv")); err == nil {
		t.Errorf("missing file: no error")
	}
}

func TestParseNumber(t *testing.T) {
	for _, s := range []string{"0", "1", "2183.0", "0.1", "123456789012345", "1.7976931348623157e308", "5e-324",
		"-3.25", "+7", "0.000001", ".5", "1.", "123456789.123456789", "9007199254740993"} {
		got, ok := parseNumber([]byte(s))
		want, err := parseFloatSlow([]byte(s))
		if !ok || err != nil || got != want {
			t.Errorf("parseNumber(%q) = %v %v, want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "-", ".", "-.", "1..2", "x", "1e", "--1"} {
		if _, ok := parseNumber([]byte(s)); ok {
			t.Errorf("parseNumber(%q) accepted", s)
		}
	}
	if v, ok := parseNumber([]byte("inf")); ok && !math.IsInf(v, 1) {
		t.Errorf("inf")
	}
}

// TestReadBIOMJSONKeyOrder: JSON objects are unordered, so "data" may come
// before "matrix_type", "rows" and "columns".
func TestReadBIOMJSONKeyOrder(t *testing.T) {
	for _, in := range []string{
		`{"data":[[1,0,5],[0,1,2]],"shape":[2,2],"matrix_type":"sparse","columns":[{"id":"s1","metadata":null},{"id":"s2"}],"rows":[{"id":"f1"},{"id":"f2"}]}`,
		`{"data":[[0,2],[5,0]],"matrix_type":"dense","columns":[{"id":"s1"},{"id":"s2"}],"rows":[{"id":"f1"},{"id":"f2"}]}`,
	} {
		tb, err := ReadBIOMJSON(strings.NewReader(in), "k.biom")
		if err != nil {
			t.Fatal(err)
		}
		if want := [][]float64{{0, 5}, {2, 0}}; !equalDense(tb.Dense(), want) {
			t.Errorf("%s: %v, want %v", in, tb.Dense(), want)
		}
	}
}

func TestMetadataAlign(t *testing.T) {
	m, err := ParseMetadata(strings.NewReader("id\tg\nA\tx\nB\ty\nC\tz\n"), "m.tsv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := m.Align([]string{"C", "A"})
	if err != nil || !slices.Equal(rows, []int{2, 0}) {
		t.Errorf("Align = %v %v", rows, err)
	}
	if _, err := m.Align([]string{"A", "D", "E"}); err == nil || !strings.Contains(err.Error(), `"D" (and 1 more)`) {
		t.Errorf("missing ids: %v", err)
	}
}

// TestMetadataIDNotUTF8: a sample id with a flipped byte is refused at its
// line.
func TestMetadataIDNotUTF8(t *testing.T) {
	_, err := ParseMetadata(strings.NewReader("sample-id\tgroup\nS1\ta\nS\xff\tb\n"), "md.tsv")
	if err == nil || !strings.Contains(err.Error(), "md.tsv:3:1: ") || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("error %v, want md.tsv:3:1: ... not valid UTF-8", err)
	}
}
