package table

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"time"
)

// HDF5Options controls WriteHDF5.
type HDF5Options struct {
	ID          string // table id attribute ("No Table ID" when empty)
	Type        string // table type attribute, e.g. "OTU table" (QIIME 2 writes "")
	GeneratedBy string // "holobiont" when empty
	// Date is the creation-date attribute, written verbatim (e.g. the
	// input's Table.Created); when empty, Now formatted as biom-format
	// writes dates; when both are zero the attribute is "" (no date), so
	// the same table gives the same bytes.
	Date string
	Now  time.Time
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
func WriteHDF5(path string, t *Table, opt HDF5Options) error {
	return WriteHDF5Context(context.Background(), path, t, opt)
}

// WriteHDF5Context is WriteHDF5 for an interruptible command: once ctx is
// cancelled the file is not published.
func WriteHDF5Context(ctx context.Context, path string, t *Table, opt HDF5Options) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if t.NNZ() > 1<<31-1 {
		return fmt.Errorf("write %s: %d non-zeros exceed BIOM's int32 indptr", path, t.NNZ())
	}
	return writeFileAtomic(ctx, path, func(f *os.File) error { return writeHDF5(f, t, opt) })
}

func writeHDF5(f *os.File, t *Table, opt HDF5Options) error {
	opt = opt.withDefaults()
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
	i32 := func(n int, at func(int) int32) uint64 { return w.int32sLevel(level, n, at) }

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

	return writeBIOMHDF5(w, opt, t.FeatureIDs, t.Taxonomy, ns, nnz,
		func() (uint64, uint64, uint64) {
			d := f64(obsData)
			x := i32(nnz, func(k int) int32 { return obsIdx[k] })
			p := i32(nf+1, func(k int) int32 { return obsPtr[k] })
			obsData, obsIdx = nil, nil
			return d, x, p
		},
		func() (uint64, uint64, uint64) {
			return f64(t.Data),
				i32(nnz, func(k int) int32 { return t.Indices[k] }),
				i32(ns+1, func(k int) int32 { return int32(t.Indptr[k]) })
		},
		func() uint64 { return w.strings(t.SampleIDs) }, nil)
}
