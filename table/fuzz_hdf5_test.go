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
const fuzzHDF5Limit = 16 << 20

// hdf5FuzzBases returns the valid files FuzzReadHDF5 damages: the
// biom-format fixtures, a file with new-style (fractal-heap) groups from the
// HDF5 test suite, and two small tables written by WriteHDF5 (contiguous
// with taxonomy, and chunked and compressed).
func hdf5FuzzBases(f *testing.F) [][]byte {
	var bases [][]byte
	for _, n := range []string{"rich_sparse_otu_table_hdf5.biom", "min_sparse_otu_table_hdf5.biom", "hdf5_newstyle_groups.h5"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		bases = append(bases, b)
	}
	small := &Table{SampleIDs: []string{"S1", "S2"}, FeatureIDs: []string{"F1", "F2", "F3"},
		Indptr: []int{0, 2, 3}, Indices: []int32{0, 2, 1}, Data: []float64{1, 5, 2},
		Taxonomy: [][]string{{"k__A", "p__B"}, {"k__A"}, {"k__C", "p__D"}}}
	for _, opt := range []HDF5Options{{GZIPLevel: -1}, {GZIPLevel: 4}} {
		out := filepath.Join(f.TempDir(), "seed.biom")
		if err := WriteHDF5(out, small, opt); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			f.Fatal(err)
		}
		bases = append(bases, b)
	}
	return bases
}

// FuzzReadHDF5 feeds damaged BIOM 2.1 HDF5 files to the reader. A fuzz
// input is small: which valid file to start from, how many bytes to cut
// from its end (up to 4 KB), and byte edits (4 bytes each: a 24-bit offset
// and a value XORed in there). The valid files are built once per worker
// and each damaged copy is written over the same file, so an execution
// costs one read of a file of a few tens of KB (the raw-bytes harness this
// replaces mutated 47 KB inputs and managed 2 executions a second).
// Each input must give a table satisfying the CSR invariants or a
// *ParseError naming the file, and the whole read (library included) must
// not allocate more than a few times the budget.
func FuzzReadHDF5(f *testing.F) {
	bases := hdf5FuzzBases(f)
	for i := range bases {
		f.Add(uint8(i), uint16(0), []byte{})
		f.Add(uint8(i), uint16(100), []byte{})
		f.Add(uint8(i), uint16(0), []byte{0x40, 0x00, 0x00, 0xff})
	}
	name := filepath.Join(f.TempDir(), "fuzz.biom")
	f.Fuzz(func(t *testing.T, base uint8, cut uint16, edits []byte) {
		b := damage(bases[int(base)%len(bases)], int(cut), edits)
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

// damage returns a copy of b with cut%4096 bytes cut from its end and each
// 4-byte edit (24-bit little-endian offset, value) XORed in.
func damage(b []byte, cut int, edits []byte) []byte {
	out := append([]byte(nil), b...)
	if c := cut % 4096; c < len(out) {
		out = out[:len(out)-c]
	}
	for i := 0; i+4 <= len(edits) && len(out) > 0; i += 4 {
		off := (int(edits[i]) | int(edits[i+1])<<8 | int(edits[i+2])<<16) % len(out)
		out[off] ^= edits[i+3]
	}
	return out
}
