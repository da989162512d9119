package cohort

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/holobiont/holobiont/table"
)

// TestStreamedCountTables: the count tables that Assemble streams sample by
// sample are byte-identical to what the whole-table writers produce for the
// same table (read back from the emitted BIOM JSON), and no spill files are
// left in the output directory.
func TestStreamedCountTables(t *testing.T) {
	d := t.TempDir()
	if err := Run(context.Background(), loadPlan(t, "testdata/small.yaml"), d, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(d, FileBIOMJSON))
	if err != nil {
		t.Fatal(err)
	}
	tb, err := table.ReadBIOMJSON(bytes.NewReader(js), FileBIOMJSON)
	if err != nil {
		t.Fatal(err)
	}
	if tb.NumSamples() != 10*4 || tb.NNZ() == 0 || tb.Taxonomy == nil {
		t.Fatalf("unexpected table: %d samples, %d non-zeros, taxonomy %v", tb.NumSamples(), tb.NNZ(), tb.Taxonomy != nil)
	}
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	name := "small test cohort"
	var want bytes.Buffer
	if err := table.WriteBIOMJSON(&want, tb, table.JSONOptions{ID: name, GeneratedBy: "holobiont cohort", Now: epoch}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(js, want.Bytes()) {
		t.Errorf("%s differs from WriteBIOMJSON of the same table", FileBIOMJSON)
	}
	h5 := filepath.Join(t.TempDir(), "w.biom")
	if err := table.WriteHDF5(h5, tb, table.HDF5Options{ID: name, GeneratedBy: "holobiont cohort", Now: epoch}); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(h5)
	b, err := os.ReadFile(filepath.Join(d, FileBIOM))
	if err != nil || !bytes.Equal(a, b) {
		t.Errorf("%s differs from WriteHDF5 of the same table (%v)", FileBIOM, err)
	}
	plain := *tb
	plain.Taxonomy = nil
	want.Reset()
	if err := table.WriteTSV(&want, &plain); err != nil {
		t.Fatal(err)
	}
	wantTSV := want.String()
	wantTSV = wantTSV[strings.IndexByte(wantTSV, '\n')+1:]
	got, err := os.ReadFile(filepath.Join(d, FileMDSINECounts))
	if err != nil || string(got) != wantTSV {
		t.Errorf("%s differs from WriteTSV of the same table (%v)", FileMDSINECounts, err)
	}
	ents, _ := os.ReadDir(d)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".table-stream") {
			t.Errorf("spill directory %s left in the output", e.Name())
		}
	}
}
