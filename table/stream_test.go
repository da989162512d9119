package table

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// streamAll feeds tb to a StreamWriter (with a small transpose block so
// several passes are exercised) and returns its three outputs.
func streamAll(t *testing.T, tb *Table, block int, hopt HDF5Options) (js, tsv, tsvPlain, h5 []byte) {
	t.Helper()
	dir := t.TempDir()
	sw, err := NewStreamWriter(dir, tb.FeatureIDs, tb.Taxonomy)
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	sw.StreamBlock = block
	for i, id := range tb.SampleIDs {
		idx, val := tb.Sample(i)
		if err := sw.Add(id, idx, val); err != nil {
			t.Fatal(err)
		}
	}
	var jb, tb1, tb2 bytes.Buffer
	if err := sw.WriteBIOMJSON(&jb, JSONOptions{ID: "x", Now: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	if err := sw.WriteTSV(&tb1, true); err != nil {
		t.Fatal(err)
	}
	if err := sw.WriteTSV(&tb2, false); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "s.biom")
	if err := sw.WriteHDF5(p, hopt); err != nil {
		t.Fatal(err)
	}
	h5, err = os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return jb.Bytes(), tb1.Bytes(), tb2.Bytes(), h5
}

// wholeAll writes tb with the in-memory writers.
func wholeAll(t *testing.T, tb *Table, hopt HDF5Options) (js, tsv, tsvPlain, h5 []byte) {
	t.Helper()
	var jb, tb1, tb2 bytes.Buffer
	if err := WriteBIOMJSON(&jb, tb, JSONOptions{ID: "x", Now: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	if err := WriteTSV(&tb1, tb); err != nil {
		t.Fatal(err)
	}
	plain := *tb
	plain.Taxonomy = nil
	if err := WriteTSV(&tb2, &plain); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "w.biom")
	if err := WriteHDF5(p, tb, hopt); err != nil {
		t.Fatal(err)
	}
	h5, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return jb.Bytes(), tb1.Bytes(), tb2.Bytes(), h5
}

func compareStream(t *testing.T, name string, tb *Table, block int, hopt HDF5Options) {
	t.Helper()
	a := [4][]byte{}
	b := [4][]byte{}
	a[0], a[1], a[2], a[3] = wholeAll(t, tb, hopt)
	b[0], b[1], b[2], b[3] = streamAll(t, tb, block, hopt)
	for k, what := range []string{"BIOM JSON", "TSV", "TSV without taxonomy", "BIOM HDF5"} {
		if !bytes.Equal(a[k], b[k]) {
			n := 0
			for n < min(len(a[k]), len(b[k])) && a[k][n] == b[k][n] {
				n++
			}
			t.Errorf("%s: %s differs (%d vs %d bytes, first difference at byte %d)", name, what, len(a[k]), len(b[k]), n)
		}
	}
	// The HDF5 must read back as the table.
	p := filepath.Join(t.TempDir(), "back.biom")
	if err := os.WriteFile(p, b[3], 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := ReadHDF5(p)
	if err != nil {
		t.Fatalf("%s: read streamed HDF5: %v", name, err)
	}
	if d := sameTable(tb, back); d != "" {
		t.Errorf("%s: streamed HDF5 reads back different: %s", name, d)
	}
}

func TestStreamWriterFixtures(t *testing.T) {
	for _, f := range []string{"rich_sparse_otu_table.biom", "rich_otu_table.tsv", "min_dense_otu_table.biom", "min_sparse_otu_table_hdf5.biom", "rich_sparse_otu_table_hdf5.biom"} {
		tb, err := Read(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		tb.Data[0] += 0.1 // non-integer values too
		for _, block := range []int{1, 3, 0} {
			for _, lvl := range []int{0, -1, 9} {
				compareStream(t, fmt.Sprintf("%s block %d gzip %d", f, block, lvl), tb, block, HDF5Options{ID: f, Now: time.Unix(0, 0), GZIPLevel: lvl})
			}
		}
	}
}

// genTable returns a random sparse table of ns samples over nf features
// (about a quarter non-zero), with a taxonomy of uneven depth.
func genTable(rng *rand.Rand, ns, nf int) *Table {
	tb := &Table{Indptr: []int{0}}
	for j := 0; j < nf; j++ {
		tb.FeatureIDs = append(tb.FeatureIDs, fmt.Sprintf("OTU_%d", j))
		lin := []string{"k__Bacteria", fmt.Sprintf("p__P%d", j%5)}
		if j%3 != 0 {
			lin = append(lin, fmt.Sprintf("g__G%d", j))
		}
		tb.Taxonomy = append(tb.Taxonomy, lin)
	}
	for i := 0; i < ns; i++ {
		tb.SampleIDs = append(tb.SampleIDs, fmt.Sprintf("S%06d.face.d%d", i/20+1, i%20))
		for j := 0; j < nf; j++ {
			if rng.IntN(4) == 0 {
				tb.Indices = append(tb.Indices, int32(j))
				tb.Data = append(tb.Data, float64(1+rng.IntN(5000)))
			}
		}
		tb.Indptr = append(tb.Indptr, len(tb.Data))
	}
	return tb
}

func TestStreamWriterGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tb := genTable(rng, 2000, 60)
	// 2,000 samples: > 256 ids (several heap collections), > 64 HDF5 chunks'
	// worth of elements, and a block small enough for many transpose passes.
	compareStream(t, "generated 2000", tb, 997, HDF5Options{ID: "gen", GeneratedBy: "holobiont cohort", Now: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)})
	compareStream(t, "generated 2000, one pass", tb, 0, HDF5Options{ID: "gen", GZIPLevel: -1, Now: time.Unix(0, 0)})
	// No samples at all.
	empty := &Table{FeatureIDs: tb.FeatureIDs, Taxonomy: tb.Taxonomy, Indptr: []int{0}}
	compareStream(t, "empty", empty, 0, HDF5Options{Now: time.Unix(0, 0)})
}

func TestStreamWriterErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := NewStreamWriter(dir, []string{"a", "a"}, nil); err == nil {
		t.Error("duplicate feature ids accepted")
	}
	if _, err := NewStreamWriter(dir, []string{"a", "b"}, [][]string{{"k__B"}}); err == nil {
		t.Error("taxonomy of the wrong length accepted")
	}
	sw, err := NewStreamWriter(dir, []string{"a", "b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	for _, c := range []struct {
		id  string
		idx []int32
		val []float64
	}{
		{"", nil, nil},
		{"s", []int32{2}, []float64{1}},
		{"s", []int32{1, 0}, []float64{1, 1}},
		{"s", []int32{0}, []float64{-1}},
		{"s", []int32{0}, []float64{1, 2}},
		{"a\nb", nil, nil},
	} {
		if err := sw.Add(c.id, c.idx, c.val); err == nil {
			t.Errorf("Add(%q, %v, %v) accepted", c.id, c.idx, c.val)
		}
	}
	if err := sw.Add("s1", []int32{1}, []float64{3}); err != nil {
		t.Fatal(err)
	}
	if err := sw.WriteTSV(&bytes.Buffer{}, true); err != nil {
		t.Fatal(err)
	}
	if err := sw.Add("s2", nil, nil); err == nil {
		t.Error("Add after writing accepted")
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sw.dir); !os.IsNotExist(err) {
		t.Errorf("temporary directory left behind: %v", err)
	}
}

// BenchmarkStreamWriter: add 20,000 samples and write all three formats.
func BenchmarkStreamWriter(b *testing.B) {
	tb := genTable(rand.New(rand.NewPCG(3, 4)), 20000, 60)
	dir := b.TempDir()
	b.SetBytes(int64(tb.NNZ()) * 12)
	for b.Loop() {
		sw, err := NewStreamWriter(dir, tb.FeatureIDs, tb.Taxonomy)
		if err != nil {
			b.Fatal(err)
		}
		for i, id := range tb.SampleIDs {
			idx, val := tb.Sample(i)
			if err := sw.Add(id, idx, val); err != nil {
				b.Fatal(err)
			}
		}
		if err := sw.WriteBIOMJSON(io.Discard, JSONOptions{Now: time.Unix(0, 0)}); err != nil {
			b.Fatal(err)
		}
		if err := sw.WriteTSV(io.Discard, true); err != nil {
			b.Fatal(err)
		}
		if err := sw.WriteHDF5(filepath.Join(dir, "b.biom"), HDF5Options{Now: time.Unix(0, 0)}); err != nil {
			b.Fatal(err)
		}
		sw.Close()
	}
}
