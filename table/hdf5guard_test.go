package table

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scigolib/hdf5"
)

// patched writes a copy of a fixture with every occurrence of old replaced
// by new and returns its path, failing when old does not occur.
func patched(t *testing.T, fixture string, old, new []byte) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, old) {
		t.Fatalf("%s: pattern %x not found", fixture, old)
	}
	out := filepath.Join(t.TempDir(), "bad.biom")
	if err := os.WriteFile(out, bytes.ReplaceAll(b, old, new), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// dataspace1 is a version-1 dataspace message body of rank 1 with maximum
// dimensions: version, rank, flags, 5 reserved bytes, size, max size.
func dataspace1(size, maxSize uint64) []byte {
	b := []byte{1, 1, 1, 0, 0, 0, 0, 0}
	b = binary.LittleEndian.AppendUint64(b, size)
	return binary.LittleEndian.AppendUint64(b, maxSize)
}

// TestReadHDF5Corrupted plants sizes in a biom-format fixture that would
// make the HDF5 library allocate far more than the file can hold (or that
// contradict each other); the reader must refuse before reading.
func TestReadHDF5Corrupted(t *testing.T) {
	const fx = "rich_sparse_otu_table_hdf5.biom"
	heap := func(size uint64) []byte {
		return binary.LittleEndian.AppendUint64([]byte("GCOL\x01\x00\x00\x00"), size)
	}
	b, _ := os.ReadFile(filepath.Join("testdata", fx))
	i := bytes.Index(b, []byte("GCOL\x01"))
	if i < 0 {
		t.Fatal("no global heap in fixture")
	}
	heapSize := binary.LittleEndian.Uint64(b[i+8:])
	j := bytes.Index(b, []byte("HEAP\x00"))
	if j < 0 {
		t.Fatal("no local heap in fixture")
	}
	local := func(size uint64) []byte {
		return binary.LittleEndian.AppendUint64([]byte("HEAP\x00\x00\x00\x00"), size)
	}
	localSize := binary.LittleEndian.Uint64(b[j+8:])
	cases := []struct {
		name     string
		old, new []byte
		want     string
	}{
		// 15 stored values (data and indices of both copies) → 2^40.
		{"huge nnz", dataspace1(15, 15), dataspace1(1<<40, 1<<40), "exceed what a 46952-byte file can hold"},
		{"nnz against attribute", dataspace1(15, 15), dataspace1(31, 31), "nnz attribute says 15"},
		// 6 samples → 2^45 sample ids.
		{"huge id count", dataspace1(6, 6), dataspace1(1<<45, 1<<45), "exceed what a 46952-byte file can hold"},
		{"ids against shape", dataspace1(6, 6), dataspace1(7, 7), "shape attribute says 6"},
		{"huge heap collection", heap(heapSize), heap(1 << 50), "global heap collections declare"},
		{"huge local heap", local(localSize), local(1 << 50), "declares a 1125899906842624-byte data segment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := patched(t, fx, c.old, c.new)
			_, err := ReadHDF5(file)
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a *ParseError naming the file and containing %q", err, c.want)
			}
		})
	}
}

// TestReadHDF5Budget checks the allocation budget the fuzz test relies on:
// 100,000 sample ids fit in what the file could hold compressed, but not in
// a 1 MB budget.
func TestReadHDF5Budget(t *testing.T) {
	file := patched(t, "rich_sparse_otu_table_hdf5.biom", dataspace1(6, 6), dataspace1(100000, 100000))
	_, err := readHDF5(file, 1<<20)
	if err == nil || !strings.Contains(err.Error(), "/sample/ids: reading sample/ids would allocate") {
		t.Fatalf("got %v", err)
	}
	if _, err := readHDF5(filepath.Join("testdata", "rich_sparse_otu_table_hdf5.biom"), 1<<20); err != nil {
		t.Fatalf("intact file within 1 MB: %v", err)
	}
}

func TestParseH5Info(t *testing.T) {
	for _, c := range []struct {
		in     string
		class  string
		size   uint64
		dims   []uint64
		layout h5Layout
	}{
		{"Dataset: float (size=8 bytes), 1D array [15], chunked (chunks=[15 8])", "float", 8, []uint64{15}, layoutChunked},
		{"Dataset: class_9 (size=16 bytes), 2D array [5 x 7], chunked (chunks=[5 7 16])", "class_9", 16, []uint64{5, 7}, layoutChunked},
		{"Dataset: integer (size=4 bytes), 3D array [2 3 4], contiguous (address=0x1F0, size=96)", "integer", 4, []uint64{2, 3, 4}, layoutContiguous},
		{"Dataset: string (size=10 bytes), scalar, compact (size=10)", "string", 10, nil, layoutCompact},
	} {
		in, err := parseH5Info(c.in)
		if err != nil || in.class != c.class || in.elemSize != c.size || len(in.dims) != len(c.dims) || in.layout != c.layout {
			t.Errorf("parseH5Info(%q) = %+v, %v", c.in, in, err)
		}
	}
	if in, _ := parseH5Info("Dataset: integer (size=4 bytes), 3D array [2 3 4], contiguous (address=0x1F0, size=96)"); in.addr != 0x1f0 || in.size != 96 || in.elems != 24 {
		t.Errorf("contiguous: %+v", in)
	}
	for _, bad := range []string{"", "Dataset: float (size=8 bytes), 1D array [15], virtual", "Dataset: float (size=x bytes), 1D array [15], chunked (chunks=[15 8])",
		"Dataset: float (size=8 bytes), 2D array [18446744073709551615 x 3], chunked (chunks=[1 1 8])"} {
		if _, err := parseH5Info(bad); err == nil {
			t.Errorf("parseH5Info(%q): no error", bad)
		}
	}
}

// TestReadHDF5FractalHeap: a file with new-style groups (fractal heaps;
// h5diff_danglelinks1.h5 from the HDF5 test suite, shipped with
// github.com/scigolib/hdf5) passes the preflight intact (it is no BIOM
// table, so the reader then reports a missing dataset) and is refused when
// its fractal heap declares a 2^50-byte starting block.
func TestReadHDF5FractalHeap(t *testing.T) {
	const fx = "hdf5_newstyle_groups.h5"
	_, err := ReadHDF5(filepath.Join("testdata", fx))
	if err == nil || !strings.Contains(err.Error(), "missing dataset") {
		t.Fatalf("intact file: %v, want a missing-dataset error", err)
	}
	// Table width 4, starting block 512, maximum direct block 65,536.
	block := func(start uint64) []byte {
		b := binary.LittleEndian.AppendUint64([]byte{4, 0}, start)
		return binary.LittleEndian.AppendUint64(b, 65536)
	}
	file := patched(t, fx, block(512), block(1<<50))
	_, err = ReadHDF5(file)
	if err == nil || !strings.Contains(err.Error(), "fractal heap at 0x1060 declares blocks (start 1125899906842624") {
		t.Fatalf("got %v", err)
	}
}

// TestReadHDF5ObservationMajor renames the sample-major copy of the matrix
// (sample/matrix → sample/mbtrix) so the reader must transpose the
// observation-major copy; the table must not change.
func TestReadHDF5ObservationMajor(t *testing.T) {
	const fx = "rich_sparse_otu_table_hdf5.biom"
	want, err := ReadHDF5(filepath.Join("testdata", fx))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", fx))
	if err != nil {
		t.Fatal(err)
	}
	// The second "matrix" link name is the sample group's (the first is
	// the observation group's).
	first := bytes.Index(b, []byte("matrix\x00"))
	second := first + 1 + bytes.Index(b[first+1:], []byte("matrix\x00"))
	if first < 0 || second <= first {
		t.Fatal("link names not found")
	}
	copy(b[second:], "mbtrix")
	file := filepath.Join(t.TempDir(), "obs.biom")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := hdf5.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	f.Walk(func(p string, _ hdf5.Object) {
		if p == "/sample/matrix/indptr" {
			t.Error("sample-major matrix still present")
		}
	})
	f.Close()
	got, err := ReadHDF5(file)
	if err != nil {
		t.Fatal(err)
	}
	if d := sameTable(want, got); d != "" {
		t.Fatal(d)
	}
}

// TestChunkTreeCost checks the accounting of chunk B-trees: a leaf charges
// its chunks' stored sizes, a child shared by two parents is charged twice
// (the library reads it once per parent), and a child not below its parent
// (a cycle the library would follow until its stack overflows) is refused.
func TestChunkTreeCost(t *testing.T) {
	leaf := &btreeNode{level: 0, nbytes: []uint32{100, 50}, children: []uint64{900, 950}}
	root := &btreeNode{level: 1, nbytes: []uint32{0, 0, 0}, children: []uint64{10, 10, 7}} // 7: not a node
	nodes := map[uint64]*btreeNode{10: leaf, 20: root}
	cost := map[uint64]uint64{}
	if c, err := treeCost(nodes, cost, 20); err != nil || c != 300 {
		t.Fatalf("cost %d, %v; want 300", c, err)
	}
	self := &btreeNode{level: 1, nbytes: []uint32{0}, children: []uint64{30}}
	nodes[30] = self
	if _, err := treeCost(nodes, map[uint64]uint64{}, 30); err == nil || !strings.Contains(err.Error(), "not below it") {
		t.Fatalf("cycle: err %v", err)
	}
}
