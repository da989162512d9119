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
		if rec := recover(); rec != nil {
			t, err = nil, &ParseError{File: file, Msg: fmt.Sprintf("malformed HDF5 file (reader panic: %v)", rec)}
		}
	}()
	r, err := openBIOMHDF5(file, limit)
	if err != nil {
		return nil, err
	}
	defer r.f.Close()
	r.index()
	shape, nnzAttr, hasShape, hasNNZ := rootShape(r.f)
	if hasShape && (shape[0] < 0 || shape[1] < 0) {
		return nil, r.errf("", "negative shape attribute %v", shape)
	}
	sids, err := r.ids("sample/ids", shape[1], hasShape)
	if err != nil {
		return nil, err
	}
	fids, err := r.ids("observation/ids", shape[0], hasShape)
	if err != nil {
		return nil, err
	}
	t = &Table{SampleIDs: sids, FeatureIDs: fids, Created: rootDate(r.f)}
	if err := checkIDs(file, "sample", sids, nil, "/sample/ids"); err != nil {
		return nil, err
	}
	if err := checkIDs(file, "feature", fids, nil, "/observation/ids"); err != nil {
		return nil, err
	}
	if err := r.matrix(t, nnzAttr, hasNNZ); err != nil {
		return nil, err
	}
	t.dropZeros()
	if err := r.taxonomy(t); err != nil {
		return nil, err
	}
	return t, nil
}

// h5Reader is a BIOM 2.1 HDF5 file open for reading, with the guard that
// checks every large read against the allocation budget.
type h5Reader struct {
	file       string
	f          *hdf5.File
	guard      *h5Guard
	objs       map[string]hdf5.Object // by path without leading or trailing "/"
	offsetSize int
}

// openBIOMHDF5 checks the file's heaps against the budget and opens it. The
// caller closes r.f, then calls r.index.
func openBIOMHDF5(file string, limit uint64) (h5Reader, error) {
	size, err := fileSize(file)
	if err != nil {
		return h5Reader{}, &ParseError{File: file, Msg: "open HDF5", Err: err}
	}
	guard := newH5Guard(size, limit)
	if err := prescanHDF5(file, guard); err != nil {
		return h5Reader{}, &ParseError{File: file, Msg: "HDF5 preflight", Err: err}
	}
	f, err := hdf5.Open(file)
	if err != nil {
		return h5Reader{}, &ParseError{File: file, Msg: "open HDF5", Err: err}
	}
	return h5Reader{file: file, f: f, guard: guard}, nil
}

// index reads the file's offset size, lets the guard read the file, and
// lists the file's objects by path.
func (r *h5Reader) index() {
	r.offsetSize = int(r.f.Superblock().OffsetSize)
	r.guard.attach(r.f.Reader(), r.offsetSize)
	r.objs = map[string]hdf5.Object{}
	r.f.Walk(func(p string, o hdf5.Object) {
		r.objs[strings.Trim(path.Clean("/"+p), "/")] = o
	})
}

// errf returns a *ParseError for the file whose message names the object
// obj (none when empty).
func (r *h5Reader) errf(obj, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if obj != "" {
		msg = "/" + obj + ": " + msg
	}
	return &ParseError{File: r.file, Msg: msg}
}

// dataset returns the dataset at name.
func (r *h5Reader) dataset(name string) (*hdf5.Dataset, error) {
	o, ok := r.objs[name]
	if !ok {
		return nil, r.errf(name, "missing dataset (not a BIOM 2.1 file?)")
	}
	d, ok := o.(*hdf5.Dataset)
	if !ok {
		return nil, r.errf(name, "not a dataset")
	}
	return d, nil
}

// ids reads the id strings at name; when hasWant, there must be want of them.
func (r *h5Reader) ids(name string, want int64, hasWant bool) ([]string, error) {
	d, err := r.dataset(name)
	if err != nil {
		return nil, err
	}
	in, err := r.guard.strings(r.f.Reader(), d, name, 1, r.offsetSize)
	if err != nil {
		return nil, &ParseError{File: r.file, Msg: "/" + name, Err: err}
	}
	if hasWant && in.elems != uint64(want) {
		return nil, r.errf(name, "has %d ids but the shape attribute says %d", in.elems, want)
	}
	return readStringDataset(d, in, name, r.errf)
}

// nums reads the numeric dataset at name, which should hold want values
// (negative: not known).
func (r *h5Reader) nums(name string, want int64) ([]float64, error) {
	d, err := r.dataset(name)
	if err != nil {
		return nil, err
	}
	if _, err := r.guard.numeric(d, name, want); err != nil {
		return nil, &ParseError{File: r.file, Msg: "/" + name, Err: err}
	}
	v, err := d.Read()
	if err != nil {
		return nil, &ParseError{File: r.file, Msg: "/" + name + ": read", Err: err}
	}
	return v, nil
}

// matrix reads the compressed sparse matrix into t, whose ids are set: the
// sample-compressed copy when present, else the observation-compressed one
// transposed.
func (r *h5Reader) matrix(t *Table, nnzAttr int64, hasNNZ bool) error {
	ns, nf := len(t.SampleIDs), len(t.FeatureIDs)
	major, nmaj, minor := "sample", ns, nf
	if _, ok := r.objs["sample/matrix/indptr"]; !ok {
		major, nmaj, minor = "observation", nf, ns
	}
	nnz, err := r.storedEntries(major, ns, nf, nnzAttr, hasNNZ)
	if err != nil {
		return err
	}
	ip, idx, data, err := r.compressed(major, nmaj, minor, nnz)
	if err != nil {
		return err
	}
	name := func(maj, min int) string {
		if major == "sample" {
			return t.FeatureIDs[min] + "/" + t.SampleIDs[maj]
		}
		return t.FeatureIDs[maj] + "/" + t.SampleIDs[min]
	}
	if err := r.checkSegments(ip, idx, data, name); err != nil {
		return err
	}
	if major == "sample" {
		t.Indptr, t.Indices, t.Data = ip, idx, data
		return nil
	}
	var trip triplets
	feature := make([]int32, len(idx))
	for i := 0; i < nf; i++ {
		for p := ip[i]; p < ip[i+1]; p++ {
			feature[p] = int32(i)
		}
	}
	trip.setAll(idx, feature, data)
	t.Indptr, t.Indices, t.Data, _, _, _ = trip.csr(ns)
	return nil
}

// storedEntries returns the number of stored entries of the major-compressed
// matrix (-1: not known) from the indices dataset's dataspace, checked
// against the nnz attribute and the dense size before any read.
func (r *h5Reader) storedEntries(major string, ns, nf int, nnzAttr int64, hasNNZ bool) (int64, error) {
	nnz := int64(-1)
	if d, err := r.dataset(major + "/matrix/indices"); err == nil {
		if in, err := r.guard.info(d); err == nil && len(in.dims) == 1 && in.dims[0] <= math.MaxInt32 {
			nnz = int64(in.dims[0])
		}
	}
	if nnz >= 0 && hasNNZ && nnz != nnzAttr {
		return 0, r.errf(major+"/matrix/indices", "has %d entries but the nnz attribute says %d", nnz, nnzAttr)
	}
	if nnz > int64(ns)*int64(nf) {
		return 0, r.errf(major+"/matrix/indices", "has %d entries, more than %d samples × %d features", nnz, ns, nf)
	}
	return nnz, nil
}

// compressed reads the major-compressed matrix's indptr, indices and data
// (nmaj rows of minor columns, nnz entries) and checks the offsets and
// indices.
func (r *h5Reader) compressed(major string, nmaj, minor int, nnz int64) (ip []int, idx []int32, data []float64, err error) {
	indptr, err := r.nums(major+"/matrix/indptr", int64(nmaj)+1)
	if err != nil {
		return nil, nil, nil, err
	}
	indicesF, err := r.nums(major+"/matrix/indices", nnz)
	if err != nil {
		return nil, nil, nil, err
	}
	data, err = r.nums(major+"/matrix/data", int64(len(indicesF)))
	if err != nil {
		return nil, nil, nil, err
	}
	if len(indptr) != nmaj+1 {
		return nil, nil, nil, r.errf(major+"/matrix/indptr", "has %d entries, want %d", len(indptr), nmaj+1)
	}
	if len(indicesF) != len(data) {
		return nil, nil, nil, r.errf(major+"/matrix/indices", "has %d entries but data has %d", len(indicesF), len(data))
	}
	ip = make([]int, nmaj+1)
	for i, v := range indptr {
		if v != math.Trunc(v) || v < 0 || v > float64(len(data)) || (i > 0 && int(v) < ip[i-1]) {
			return nil, nil, nil, r.errf(major+"/matrix/indptr", "entry %d (%g) is not a valid non-decreasing offset", i, v)
		}
		ip[i] = int(v)
	}
	if ip[0] != 0 || ip[nmaj] != len(data) {
		return nil, nil, nil, r.errf(major+"/matrix/indptr", "must run from 0 to nnz=%d", len(data))
	}
	idx = make([]int32, len(indicesF))
	for k, v := range indicesF {
		if v != math.Trunc(v) || v < 0 || v >= float64(minor) {
			return nil, nil, nil, r.errf(major+"/matrix/indices", "entry %d (%g) outside [0, %d)", k, v, minor)
		}
		idx[k] = int32(v)
	}
	return ip, idx, data, nil
}

// checkSegments checks every stored count, sorts each row's entries by
// index and refuses a repeated index; name(row, index) names an entry.
func (r *h5Reader) checkSegments(ip []int, idx []int32, data []float64, name func(maj, min int) string) error {
	for i := 0; i+1 < len(ip); i++ {
		lo, hi := ip[i], ip[i+1]
		for p := lo; p < hi; p++ {
			if msg := checkCount(data[p]); msg != "" {
				return &ParseError{File: r.file, ID: name(i, int(idx[p])), Msg: msg}
			}
		}
		if !sort.IsSorted(segment{idx[lo:hi], data[lo:hi]}) {
			sort.Sort(segment{idx[lo:hi], data[lo:hi]})
		}
		for p := lo + 1; p < hi; p++ {
			if idx[p] == idx[p-1] {
				return &ParseError{File: r.file, ID: name(i, int(idx[p])), Msg: "duplicate matrix entry"}
			}
		}
	}
	return nil
}

// taxonomy fills t.Taxonomy from the observation metadata "taxonomy"
// (N × ranks strings, or N lineage strings), when present.
func (r *h5Reader) taxonomy(t *Table) error {
	const name = "observation/metadata/taxonomy"
	nf := len(t.FeatureIDs)
	d, ok := r.objs[name].(*hdf5.Dataset)
	if !ok || nf == 0 {
		return nil
	}
	in, err := r.guard.info(d)
	if err != nil {
		return &ParseError{File: r.file, Msg: "/" + name, Err: err}
	}
	if len(in.dims) == 0 || in.dims[0] != uint64(nf) {
		return r.errf(name, "dataspace %v does not start with %d observations", in.dims, nf)
	}
	if in, err = r.guard.strings(r.f.Reader(), d, name, len(in.dims), r.offsetSize); err != nil {
		return &ParseError{File: r.file, Msg: "/" + name, Err: err}
	}
	flat, err := readStringDataset(d, in, name, r.errf)
	if err != nil {
		return err
	}
	if len(flat)%nf != 0 {
		return r.errf(name, "%d strings for %d observations", len(flat), nf)
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
	return nil
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
