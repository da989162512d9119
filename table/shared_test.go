package table

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

func tableTotal(t *Table) float64 {
	s := 0.0
	for _, v := range t.Data {
		s += v
	}
	return s
}

// sameTable reports the first difference between two tables, or "".
func sameTable(a, b *Table) string {
	if len(a.SampleIDs) != len(b.SampleIDs) || len(a.FeatureIDs) != len(b.FeatureIDs) {
		return "shape differs"
	}
	for i := range a.SampleIDs {
		if a.SampleIDs[i] != b.SampleIDs[i] {
			return "sample id " + a.SampleIDs[i] + " vs " + b.SampleIDs[i]
		}
	}
	for i := range a.FeatureIDs {
		if a.FeatureIDs[i] != b.FeatureIDs[i] {
			return "feature id " + a.FeatureIDs[i] + " vs " + b.FeatureIDs[i]
		}
	}
	if len(a.Data) != len(b.Data) {
		return "nnz differs"
	}
	for i := range a.Indptr {
		if a.Indptr[i] != b.Indptr[i] {
			return "indptr differs"
		}
	}
	for k := range a.Data {
		if a.Indices[k] != b.Indices[k] || a.Data[k] != b.Data[k] {
			return "entry differs"
		}
	}
	return ""
}

// TestMovingPicturesFormats checks that the JSON, HDF5 and TSV versions of
// the moving pictures table (QIIME 2 tutorial; biom convert made the JSON and
// TSV from the HDF5) read to identical matrices with the figures
// `biom summarize-table` prints: 770 features × 34 samples, 2,325 non-zeros,
// total 153,884, depth 898 to 9,820.
func TestMovingPicturesFormats(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "data", "moving_pictures")
	var tabs []*Table
	for _, f := range []string{"moving_pictures_table.biom.json", "moving_pictures_table.biom21.h5", "moving_pictures_table.tsv"} {
		tb, err := Read(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if tb.NumFeatures() != 770 || tb.NumSamples() != 34 || tb.NNZ() != 2325 || tableTotal(tb) != 153884 {
			t.Errorf("%s: %d features × %d samples, nnz %d, total %g; want 770 × 34, 2325, 153884",
				f, tb.NumFeatures(), tb.NumSamples(), tb.NNZ(), tableTotal(tb))
		}
		lo, hi := math.Inf(1), 0.0
		for i := 0; i < tb.NumSamples(); i++ {
			_, v := tb.Sample(i)
			s := 0.0
			for _, x := range v {
				s += x
			}
			lo, hi = math.Min(lo, s), math.Max(hi, s)
		}
		if lo != 898 || hi != 9820 {
			t.Errorf("%s: depth %g..%g, want 898..9820", f, lo, hi)
		}
		tabs = append(tabs, tb)
	}
	for i := 1; i < len(tabs); i++ {
		if d := sameTable(tabs[0], tabs[i]); d != "" {
			t.Errorf("format %d differs from JSON: %s", i, d)
		}
	}
}

// TestMovingPicturesWriteHDF5 writes the moving pictures table as BIOM 2.1
// HDF5 and reads it back unchanged.
func TestMovingPicturesWriteHDF5(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "data", "moving_pictures")
	tb, err := Read(filepath.Join(dir, "moving_pictures_table.biom21.h5"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "mp.biom")
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

// TestReadMDSINEBucci reads the MDSINE example inputs of Bucci et al. 2016:
// C. difficile infection (5 mice × 26 time points, 22 commensals + C.
// difficile, qPCR in triplicate) and the diet experiment (7 mice, 13 strains,
// one biomass column).
func TestReadMDSINEBucci(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "data", "bucci2016")
	d, err := ReadMDSINE(filepath.Join(dir, "cdiff"))
	if err != nil {
		t.Fatal(err)
	}
	subjects := map[string]int{}
	for _, s := range d.Samples {
		subjects[s.Subject]++
	}
	if d.Table.NumSamples() != 130 || d.Table.NumFeatures() != 23 || len(subjects) != 5 || subjects["1"] != 26 {
		t.Errorf("cdiff: %d samples, %d taxa, subjects %v", d.Table.NumSamples(), d.Table.NumFeatures(), subjects)
	}
	if len(d.BiomassColumns) != 3 || len(d.Biomass) != 130 || d.Biomass[0][0] != 4.46e9 {
		t.Errorf("cdiff biomass: %v %v", d.BiomassColumns, d.Biomass[0])
	}
	if _, ok := indexOfID(d.Table.FeatureIDs, "Clostridium-difficile"); !ok {
		t.Errorf("no Clostridium-difficile row")
	}
	diet, err := ReadMDSINE(filepath.Join(dir, "diet"))
	if err != nil {
		t.Fatal(err)
	}
	if diet.Table.NumSamples() != 330 || diet.Table.NumFeatures() != 13 || len(diet.BiomassColumns) != 1 {
		t.Errorf("diet: %d samples, %d strains, biomass %v", diet.Table.NumSamples(), diet.Table.NumFeatures(), diet.BiomassColumns)
	}
	if _, ok := diet.Metadata.Column("intv2"); !ok {
		t.Errorf("diet: extra metadata column intv2 lost")
	}
}

func indexOfID(ids []string, id string) (int, bool) {
	for i, x := range ids {
		if x == id {
			return i, true
		}
	}
	return -1, false
}

// TestGlobalPatternsFormats reads phyloseq's GlobalPatterns as exported to
// BIOM 1.0 JSON by R biomformat (dense, "id": {}, taxonomy as a bare list
// with nulls) and as classic TSV: the same 26 × 19,216 matrix (biom-format's
// summary of the TSV: nnz 104,578, total 28,216,678).
func TestGlobalPatternsFormats(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "data", "globalpatterns")
	js, err := Read(filepath.Join(dir, "GlobalPatterns.biom.json"))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := Read(filepath.Join(dir, "GlobalPatterns_otu_table.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if d := sameTable(js, ts); d != "" {
		t.Errorf("JSON and TSV differ: %s", d)
	}
	if js.NumSamples() != 26 || js.NumFeatures() != 19216 || js.NNZ() != 104578 || tableTotal(js) != 28216678 {
		t.Errorf("%d × %d, nnz %d, total %g", js.NumSamples(), js.NumFeatures(), js.NNZ(), tableTotal(js))
	}
	if js.Taxonomy == nil || len(js.Taxonomy[0]) != 3 || js.Taxonomy[0][0] != "Archaea" || js.Taxonomy[2][6] != "Sulfolobusacidocaldarius" {
		t.Errorf("taxonomy %v %v", js.Taxonomy[0], js.Taxonomy[2])
	}
}
