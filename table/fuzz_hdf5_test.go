package table

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fuzzHDF5Limit caps what one fuzzed file may make the reader allocate: the
// preflight checks must reject every input whose declared sizes exceed it
// before the large reads happen.
const fuzzHDF5Limit = 64 << 20

// FuzzReadHDF5 feeds damaged BIOM 2.1 HDF5 files to the reader. Seeds: the
// biom-format fixtures, a file with new-style (fractal-heap) groups from the
// HDF5 test suite, and a chunked, compressed file written by WriteHDF5.
// Each input must give a table satisfying the CSR invariants or a
// *ParseError naming the file, and the whole read (library included) must
// not allocate more than a few times the budget.
func FuzzReadHDF5(f *testing.F) {
	for _, n := range []string{"rich_sparse_otu_table_hdf5.biom", "min_sparse_otu_table_hdf5.biom", "hdf5_newstyle_groups.h5"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	out := filepath.Join(f.TempDir(), "seed.biom")
	if err := WriteHDF5(out, benchTable(40, 300, 7), HDF5Options{}); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		name := filepath.Join(t.TempDir(), "fuzz.biom")
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		tb, err := readHDF5(name, fuzzHDF5Limit)
		runtime.ReadMemStats(&after)
		if d := after.TotalAlloc - before.TotalAlloc; d > 4*fuzzHDF5Limit {
			t.Fatalf("reading a %d-byte file allocated %d bytes (budget %d); err=%v", len(b), d, fuzzHDF5Limit, err)
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *ParseError: %v", err, err)
			}
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkTable(t, tb)
	})
}
