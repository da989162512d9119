package table

import (
	"fmt"
	"math"
	"path"
	"sort"
	"strings"

	"github.com/scigolib/hdf5"
)

// ReadHDF5 reads a BIOM 2.1 HDF5 table (as written by biom-format and
// QIIME 2: chunked, gzip-compressed datasets, variable-length string ids).
// The sample-compressed copy of the matrix (sample/matrix) is used directly;
// when it is absent the observation-compressed copy is transposed.
// Observation metadata "taxonomy" (N × ranks strings) fills Table.Taxonomy.
// The "type" attribute is not required (QIIME 2 leaves it empty).
//
// Damaged files: the HDF5 library (github.com/scigolib/hdf5 v0.13.18)
// trusts sizes stored in the file, so before every large read the reader
// checks what the read would allocate (dataset dimensions × element size,
// global-heap collection and string sizes) against a budget of 1032 × the
// file size (the largest DEFLATE expansion), checks the dimensions against
// the "shape" and "nnz" attributes and each other, and turns panics of the
// library into a *ParseError naming the file. Before hdf5.Open, local heaps
// and fractal-heap headers anywhere in the file are checked the same way
// (the library allocates their declared sizes while loading groups). What
// remains is listed in benchmarks/formats.md, "Corrupted BIOM 2.1 HDF5".
func ReadHDF5(file string) (*Table, error) {
	return readHDF5(file, 0)
}

// readHDF5 reads with the allocation budget capped at limit bytes (0: no cap
// beyond the one derived from the file size).
func readHDF5(file string, limit uint64) (t *Table, err error) {
	defer func() {
		// The HDF5 library is young; a malformed file must not crash the caller.
		if r := recover(); r != nil {
			t, err = nil, &ParseError{File: file, Msg: fmt.Sprintf("malformed HDF5 file (reader panic: %v)", r)}
		}
	}()
	size, err := fileSize(file)
	if err != nil {
		return nil, &ParseError{File: file, Msg: "open HDF5", Err: err}
	}
	guard := newH5Guard(size, limit)
	if err := prescanHDF5(file, guard); err != nil {
		return nil, &ParseError{File: file, Msg: "HDF5 preflight", Err: err}
	}
	f, err := hdf5.Open(file)
	if err != nil {
		return nil, &ParseError{File: file, Msg: "open HDF5", Err: err}
	}
	defer f.Close()
	offsetSize := int(f.Superblock().OffsetSize)
	guard.attach(f.Reader(), offsetSize)
	objs := map[string]hdf5.Object{}
	f.Walk(func(p string, o hdf5.Object) {
		objs[strings.Trim(path.Clean("/"+p), "/")] = o
	})
	perr := func(obj, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		if obj != "" {
			msg = "/" + obj + ": " + msg
		}
		return &ParseError{File: file, Msg: msg}
	}
	ds := func(name string) (*hdf5.Dataset, error) {
		o, ok := objs[name]
		if !ok {
			return nil, perr(name, "missing dataset (not a BIOM 2.1 file?)")
		}
		d, ok := o.(*hdf5.Dataset)
		if !ok {
			return nil, perr(name, "not a dataset")
		}
		return d, nil
	}
	shape, nnzAttr, hasShape, hasNNZ := rootShape(f)
	if hasShape && (shape[0] < 0 || shape[1] < 0) {
		return nil, perr("", "negative shape attribute %v", shape)
	}
	readIDs := func(name string, want int64, hasWant bool) ([]string, error) {
		d, err := ds(name)
		if err != nil {
			return nil, err
		}
		in, err := guard.strings(f.Reader(), d, name, 1, offsetSize)
		if err != nil {
			return nil, &ParseError{File: file, Msg: "/" + name, Err: err}
		}
		if hasWant && in.elems != uint64(want) {
			return nil, perr(name, "has %d ids but the shape attribute says %d", in.elems, want)
		}
		return readStringDataset(d, in, name, perr)
	}
	readNums := func(name string, want int64) ([]float64, error) {
		d, err := ds(name)
		if err != nil {
			return nil, err
		}
		if _, err := guard.numeric(d, name, want); err != nil {
			return nil, &ParseError{File: file, Msg: "/" + name, Err: err}
		}
		v, err := d.Read()
		if err != nil {
			return nil, &ParseError{File: file, Msg: "/" + name + ": read", Err: err}
		}
		return v, nil
	}
	sids, err := readIDs("sample/ids", shape[1], hasShape)
	if err != nil {
		return nil, err
	}
	fids, err := readIDs("observation/ids", shape[0], hasShape)
	if err != nil {
		return nil, err
	}
	t = &Table{SampleIDs: sids, FeatureIDs: fids, Created: rootDate(f)}
	if err := checkIDs(file, "sample", sids, nil, "/sample/ids"); err != nil {
		return nil, err
	}
	if err := checkIDs(file, "feature", fids, nil, "/observation/ids"); err != nil {
		return nil, err
	}
	ns, nf := len(sids), len(fids)
	major, minor := "sample", nf
	if _, ok := objs["sample/matrix/indptr"]; !ok {
		major, minor = "observation", ns
	}
	nmaj := ns
	if major == "observation" {
		nmaj = nf
	}
	// The number of stored entries: from the indices dataset's dataspace,
	// checked against the nnz attribute and the dense size before any read.
	nnz := int64(-1)
	if d, err := ds(major + "/matrix/indices"); err == nil {
		if in, err := guard.info(d); err == nil && len(in.dims) == 1 && in.dims[0] <= math.MaxInt32 {
			nnz = int64(in.dims[0])
		}
	}
	if nnz >= 0 && hasNNZ && nnz != nnzAttr {
		return nil, perr(major+"/matrix/indices", "has %d entries but the nnz attribute says %d", nnz, nnzAttr)
	}
	if nnz > int64(ns)*int64(nf) {
		return nil, perr(major+"/matrix/indices", "has %d entries, more than %d samples × %d features", nnz, ns, nf)
	}
	indptr, err := readNums(major+"/matrix/indptr", int64(nmaj)+1)
	if err != nil {
		return nil, err
	}
	indicesF, err := readNums(major+"/matrix/indices", nnz)
	if err != nil {
		return nil, err
	}
	data, err := readNums(major+"/matrix/data", int64(len(indicesF)))
	if err != nil {
		return nil, err
	}
	if len(indptr) != nmaj+1 {
		return nil, perr(major+"/matrix/indptr", "has %d entries, want %d", len(indptr), nmaj+1)
	}
	if len(indicesF) != len(data) {
		return nil, perr(major+"/matrix/indices", "has %d entries but data has %d", len(indicesF), len(data))
	}
	ip := make([]int, nmaj+1)
	for i, v := range indptr {
		if v != math.Trunc(v) || v < 0 || v > float64(len(data)) || (i > 0 && int(v) < ip[i-1]) {
			return nil, perr(major+"/matrix/indptr", "entry %d (%g) is not a valid non-decreasing offset", i, v)
		}
		ip[i] = int(v)
	}
	if ip[0] != 0 || ip[nmaj] != len(data) {
		return nil, perr(major+"/matrix/indptr", "must run from 0 to nnz=%d", len(data))
	}
	idx := make([]int32, len(indicesF))
	for k, v := range indicesF {
		if v != math.Trunc(v) || v < 0 || v >= float64(minor) {
			return nil, perr(major+"/matrix/indices", "entry %d (%g) outside [0, %d)", k, v, minor)
		}
		idx[k] = int32(v)
	}
	indicesF = nil
	name := func(maj, min int) string {
		if major == "sample" {
			return fids[min] + "/" + sids[maj]
		}
		return fids[maj] + "/" + sids[min]
	}
	for i := 0; i < nmaj; i++ {
		lo, hi := ip[i], ip[i+1]
		for p := lo; p < hi; p++ {
			if msg := checkCount(data[p]); msg != "" {
				return nil, &ParseError{File: file, ID: name(i, int(idx[p])), Msg: msg}
			}
		}
		if !sort.IsSorted(segment{idx[lo:hi], data[lo:hi]}) {
			sort.Sort(segment{idx[lo:hi], data[lo:hi]})
		}
		for p := lo + 1; p < hi; p++ {
			if idx[p] == idx[p-1] {
				return nil, &ParseError{File: file, ID: name(i, int(idx[p])), Msg: "duplicate matrix entry"}
			}
		}
	}
	if major == "sample" {
		t.Indptr, t.Indices, t.Data = ip, idx, data
	} else {
		var trip triplets
		feature := make([]int32, len(idx))
		for i := 0; i < nf; i++ {
			for p := ip[i]; p < ip[i+1]; p++ {
				feature[p] = int32(i)
			}
		}
		trip.setAll(idx, feature, data)
		t.Indptr, t.Indices, t.Data, _, _, _ = trip.csr(ns)
	}
	t.dropZeros()
	if o, ok := objs["observation/metadata/taxonomy"]; ok {
		if d, ok := o.(*hdf5.Dataset); ok && nf > 0 {
			const name = "observation/metadata/taxonomy"
			in, err := guard.info(d)
			if err != nil {
				return nil, &ParseError{File: file, Msg: "/" + name, Err: err}
			}
			if len(in.dims) == 0 || in.dims[0] != uint64(nf) {
				return nil, perr(name, "dataspace %v does not start with %d observations", in.dims, nf)
			}
			if in, err = guard.strings(f.Reader(), d, name, len(in.dims), offsetSize); err != nil {
				return nil, &ParseError{File: file, Msg: "/" + name, Err: err}
			}
			flat, err := readStringDataset(d, in, name, perr)
			if err != nil {
				return nil, err
			}
			if len(flat)%nf != 0 {
				return nil, perr("observation/metadata/taxonomy", "%d strings for %d observations", len(flat), nf)
			}
			k := len(flat) / nf
			tax := make([][]string, nf)
			for i := range tax {
				lin := make([]string, k)
				for j := range lin {
					lin[j] = strings.TrimSpace(flat[i*k+j])
				}
				if k == 1 {
					lin = SplitLineage(lin[0])
				}
				for len(lin) > 0 && lin[len(lin)-1] == "" {
					lin = lin[:len(lin)-1]
				}
				tax[i] = lin
			}
			t.Taxonomy = tax
		}
	}
	return t, nil
}

// readStringDataset reads variable-length or fixed-length strings.
// in is the dataset's checked description (h5Guard.strings).
func readStringDataset(d *hdf5.Dataset, in h5Info, name string, perr func(obj, format string, args ...any) error) ([]string, error) {
	if in.class == "class_9" {
		raw, err := d.ReadVLenBytes()
		if err != nil {
			return nil, perr(name, "cannot read strings: %v", err)
		}
		if uint64(len(raw)) != in.elems {
			return nil, perr(name, "read %d strings, dataspace has %d", len(raw), in.elems)
		}
		out := make([]string, len(raw))
		for i, b := range raw {
			out[i] = strings.TrimRight(string(b), "\x00")
		}
		return out, nil
	}
	s, err := d.ReadStrings()
	if err != nil {
		return nil, perr(name, "cannot read strings: %v", err)
	}
	if uint64(len(s)) != in.elems {
		return nil, perr(name, "read %d strings, dataspace has %d", len(s), in.elems)
	}
	for i := range s {
		s[i] = strings.TrimRight(s[i], "\x00 ")
	}
	return s, nil
}

// dropZeros removes explicitly stored zeros.
func (t *Table) dropZeros() {
	hasZero := false
	for _, v := range t.Data {
		if v == 0 {
			hasZero = true
			break
		}
	}
	if !hasZero {
		return
	}
	w := 0
	lo := 0
	for i := 0; i < t.NumSamples(); i++ {
		hi := t.Indptr[i+1]
		for p := lo; p < hi; p++ {
			if t.Data[p] != 0 {
				t.Indices[w] = t.Indices[p]
				t.Data[w] = t.Data[p]
				w++
			}
		}
		lo = hi
		t.Indptr[i+1] = w
	}
	t.Indices = t.Indices[:w]
	t.Data = t.Data[:w]
}
