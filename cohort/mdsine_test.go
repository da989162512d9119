package cohort

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/holobiont/holobiont/table"
)

// TestMDSINEOutput: the MDSINE set written next to the BIOM files reads back
// with table.ReadMDSINE to the same count table as the BIOM 2.1 file, with
// one metadata row per sample (subject, time) and the qPCR triplicates the
// run drew (exact: shortest round-trip formatting).
func TestMDSINEOutput(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), dir, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	md, err := table.ReadMDSINE(filepath.Join(dir, DirMDSINE))
	if err != nil {
		t.Fatal(err)
	}
	biom, err := table.ReadHDF5(filepath.Join(dir, FileBIOM))
	if err != nil {
		t.Fatal(err)
	}
	got, want := md.Table, biom
	if !reflect.DeepEqual(got.SampleIDs, want.SampleIDs) || !reflect.DeepEqual(got.FeatureIDs, want.FeatureIDs) {
		t.Fatalf("ids differ: samples %d vs %d, features %d vs %d", got.NumSamples(), want.NumSamples(), got.NumFeatures(), want.NumFeatures())
	}
	if got.Taxonomy != nil {
		t.Errorf("counts.txt has a taxonomy column (MDSINE's has sample columns only)")
	}
	tax, err := table.ReadTaxonomy(filepath.Join(dir, FileMDSINETaxonomy))
	if err != nil {
		t.Fatal(err)
	}
	if miss := got.SetTaxonomy(tax); miss != 0 || !reflect.DeepEqual(got.Taxonomy, want.Taxonomy) {
		t.Errorf("taxonomy.tsv: %d features missing; lineages equal: %v", miss, reflect.DeepEqual(got.Taxonomy, want.Taxonomy))
	}
	head, err := os.ReadFile(filepath.Join(dir, FileMDSINECounts))
	if err != nil || !bytes.HasPrefix(head, []byte("#OTU ID\t")) {
		t.Errorf("counts.txt does not start with the #OTU ID header: %.40q", head)
	}
	for i := 0; i < want.NumSamples(); i++ {
		wi, wv := want.Sample(i)
		gi, gv := got.Sample(i)
		if !reflect.DeepEqual(wi, gi) || !reflect.DeepEqual(wv, gv) {
			t.Errorf("sample %s: counts differ: %v %v vs %v %v", want.SampleIDs[i], gi, gv, wi, wv)
		}
	}
	// Expected design and biomass straight from the chunks.
	lay, _, err := readLayout(dir)
	if err != nil {
		t.Fatal(err)
	}
	if lay.N != 10 || len(lay.Sites) != 4 {
		t.Fatalf("layout: n %d, %d sample points", lay.N, len(lay.Sites))
	}
	if !reflect.DeepEqual(md.BiomassColumns, []string{"mass1", "mass2", "mass3"}) {
		t.Errorf("biomass columns %v", md.BiomassColumns)
	}
	row := 0
	for k := 0; k < lay.NumChunks(); k++ {
		cf, err := readChunk(chunkPath(dir, k))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range cf.Subjects {
			for j, smp := range s.Samples {
				ms := md.Samples[row]
				id := sampleID(s.Index, lay.Sites[j], lay.Times[j])
				want := table.MDSINESample{ID: id, Included: s.Err == "", Subject: strconv.Itoa(s.Index+1) + "-" + lay.Sites[j], Time: lay.Times[j], Block: 1, Intervention: "0"}
				if ms != want {
					t.Errorf("row %d: %+v, want %+v", row, ms, want)
				}
				if len(smp.QPCR) != 3 {
					t.Fatalf("sample %s: %d qPCR replicates", id, len(smp.QPCR))
				}
				for r, q := range smp.QPCR {
					if b := md.Biomass[row][r]; b != q && !(math.IsNaN(b) && math.IsNaN(q)) {
						t.Errorf("sample %s mass%d: %v, want %v", id, r+1, b, q)
					}
				}
				row++
			}
		}
	}
	if row != 40 || len(md.Samples) != 40 {
		t.Errorf("%d rows checked, %d read; want 40", row, len(md.Samples))
	}
}

// TestMDSINEMerge: the MDSINE files of 2 merged shards equal the unsharded
// run's, and the manifest lists them with their hashes.
func TestMDSINEMerge(t *testing.T) {
	ctx := context.Background()
	full, s0, s1, merged := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), full, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	for i, d := range []string{s0, s1} {
		if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, Options{Workers: 1, Shard: Shard{I: i, N: 2}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := Assemble(ctx, []string{s1, s0}, merged); err != nil {
		t.Fatal(err)
	}
	mb, err := os.ReadFile(filepath.Join(full, FileManifest))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{FileMDSINECounts, FileMDSINEMetadata, FileMDSINEBiomass, FileMDSINETaxonomy, FileManifest} {
		a, err1 := os.ReadFile(filepath.Join(full, f))
		b, err2 := os.ReadFile(filepath.Join(merged, f))
		if err1 != nil || err2 != nil || len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between unsharded and merged (%v %v)", f, err1, err2)
		}
		if f != FileManifest && !bytes.Contains(mb, []byte(`"`+f+`"`)) {
			t.Errorf("manifest does not list %s", f)
		}
	}
}
