package table

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"
)

// HDF5Options controls WriteHDF5.
type HDF5Options struct {
	ID          string // table id attribute ("No Table ID" when empty)
	Type        string // table type attribute, e.g. "OTU table" (QIIME 2 writes "")
	GeneratedBy string // "holobiont" when empty
	// Now is the creation date (time.Now when zero); set it for reproducible files.
	Now time.Time
	// GZIPLevel is the DEFLATE level (1..9) of the chunked numeric datasets,
	// as QIIME 2 writes them; 0 means 4 (QIIME 2's level) and a negative
	// value stores them contiguous and uncompressed.
	GZIPLevel int
}

// WriteHDF5 writes t as a BIOM 2.1 HDF5 file at path: root attributes (id,
// type, format-url, format-version [2 1], generated-by, creation-date, shape,
// nnz), observation/ and sample/ groups each holding ids (variable-length
// UTF-8 strings), matrix/{data (float64), indices (int32), indptr (int32)} —
// CSR by observation under observation/, CSC (= this table's CSR by sample)
// under sample/ — empty metadata/ and group-metadata/ groups, and
// observation/metadata/taxonomy (N × ranks strings, padded with "") when t has
// a taxonomy.
//
// The numeric datasets are chunked and DEFLATE-compressed as QIIME 2 writes
// them (see HDF5Options.GZIPLevel); ids and taxonomy are contiguous. The file
// is written under a temporary name and renamed when complete.
func WriteHDF5(path string, t *Table, opt HDF5Options) (err error) {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if t.NNZ() > 1<<31-1 {
		return fmt.Errorf("write %s: %d non-zeros exceed BIOM's int32 indptr", path, t.NNZ())
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := writeHDF5(tmp, t, opt); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func writeHDF5(f *os.File, t *Table, opt HDF5Options) error {
	if opt.ID == "" {
		opt.ID = "No Table ID"
	}
	if opt.GeneratedBy == "" {
		opt.GeneratedBy = "holobiont"
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	w := newH5Writer(f)
	ns, nf, nnz := t.NumSamples(), t.NumFeatures(), t.NNZ()
	level := opt.GZIPLevel
	if level == 0 {
		level = 4
	}
	level = min(level, 9)
	f64 := func(v []float64) uint64 {
		if level < 0 || len(v) == 0 {
			return w.float64s(v)
		}
		return w.chunked(h5Float64(), len(v), 8, level, func(dst []byte, lo, hi int) []byte {
			for _, x := range v[lo:hi] {
				dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(x))
			}
			return dst
		})
	}
	i32 := func(n int, at func(int) int32) uint64 {
		if level < 0 || n == 0 {
			return w.int32s(n, at)
		}
		return w.chunked(h5Int(4, true), n, 4, level, func(dst []byte, lo, hi int) []byte {
			for k := lo; k < hi; k++ {
				dst = binary.LittleEndian.AppendUint32(dst, uint32(at(k)))
			}
			return dst
		})
	}

	// Observation-major (CSR by feature) copy: transpose.
	obsPtr := make([]int32, nf+1)
	for _, j := range t.Indices {
		obsPtr[j+1]++
	}
	for j := 0; j < nf; j++ {
		obsPtr[j+1] += obsPtr[j]
	}
	obsIdx := make([]int32, nnz)
	obsData := make([]float64, nnz)
	next := make([]int32, nf)
	copy(next, obsPtr[:nf])
	for i := 0; i < ns; i++ {
		idx, val := t.Sample(i)
		for k, j := range idx {
			p := next[j]
			obsIdx[p] = int32(i)
			obsData[p] = val[k]
			next[j] = p + 1
		}
	}
	next = nil

	emptyGroup := func() h5child {
		g, _ := w.group(nil, nil)
		return h5child{header: g.header, group: true, btree: g.btree, heap: g.heap}
	}
	sub := func(name string, g h5group) h5child {
		return h5child{name: name, header: g.header, group: true, btree: g.btree, heap: g.heap}
	}
	// observation/
	omat, err := w.group([]h5child{
		{name: "data", header: f64(obsData)},
		{name: "indices", header: i32(nnz, func(k int) int32 { return obsIdx[k] })},
		{name: "indptr", header: i32(nf+1, func(k int) int32 { return obsPtr[k] })},
	}, nil)
	if err != nil {
		return err
	}
	obsData, obsIdx = nil, nil
	var omdChildren []h5child
	if t.Taxonomy != nil {
		k := 0
		for _, lin := range t.Taxonomy {
			k = max(k, len(lin))
		}
		if k > 0 {
			flat := make([]string, 0, nf*k)
			for _, lin := range t.Taxonomy {
				for r := 0; r < k; r++ {
					s := ""
					if r < len(lin) {
						s = lin[r]
					}
					flat = append(flat, s)
				}
			}
			omdChildren = append(omdChildren, h5child{name: "taxonomy", header: w.strings(flat, uint64(nf), uint64(k))})
		}
	}
	omd, err := w.group(omdChildren, nil)
	if err != nil {
		return err
	}
	gm1 := emptyGroup()
	gm1.name = "group-metadata"
	obs, err := w.group([]h5child{
		{name: "ids", header: w.strings(t.FeatureIDs)},
		sub("matrix", omat), sub("metadata", omd), gm1,
	}, nil)
	if err != nil {
		return err
	}
	// sample/
	smat, err := w.group([]h5child{
		{name: "data", header: f64(t.Data)},
		{name: "indices", header: i32(nnz, func(k int) int32 { return t.Indices[k] })},
		{name: "indptr", header: i32(ns+1, func(k int) int32 { return int32(t.Indptr[k]) })},
	}, nil)
	if err != nil {
		return err
	}
	smd := emptyGroup()
	smd.name = "metadata"
	gm2 := emptyGroup()
	gm2.name = "group-metadata"
	smp, err := w.group([]h5child{
		{name: "ids", header: w.strings(t.SampleIDs)},
		sub("matrix", smat), smd, gm2,
	}, nil)
	if err != nil {
		return err
	}
	root, err := w.group([]h5child{sub("observation", obs), sub("sample", smp)}, []h5msg{
		h5StringAttr("id", opt.ID),
		h5StringAttr("type", opt.Type),
		h5StringAttr("format-url", "http://biom-format.org"),
		h5Int64Attr("format-version", 2, 1),
		h5StringAttr("generated-by", opt.GeneratedBy),
		h5StringAttr("creation-date", opt.Now.UTC().Format("2006-01-02T15:04:05.000000")),
		h5Int64Attr("shape", int64(nf), int64(ns)),
		h5Int64Attr("nnz", int64(nnz)),
	})
	if err != nil {
		return err
	}
	return w.finish(root)
}
