package table

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
)

// WriteHDF5 writes the table as WriteHDF5 does (same bytes), reading the
// samples back from the spill files.
func (s *StreamWriter) WriteHDF5(path string, opt HDF5Options) error {
	if err := s.transpose(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if s.nnz > 1<<31-1 {
		return fmt.Errorf("write %s: %d non-zeros exceed BIOM's int32 indptr", path, s.nnz)
	}
	return writeFileAtomic(context.Background(), path, func(f *os.File) error { return s.writeHDF5(f, opt) })
}

func (s *StreamWriter) writeHDF5(f *os.File, opt HDF5Options) error {
	opt = opt.withDefaults()
	w := newH5Writer(f)
	ns, nf, nnz := s.ns, len(s.features), s.nnz
	level := opt.GZIPLevel
	if level == 0 {
		level = 4
	}
	level = min(level, 9)
	var rerr error
	open := func(sp *spill) *binReader {
		r, err := s.open(sp)
		if err != nil && rerr == nil {
			rerr = err
		}
		if r == nil {
			r = &binReader{err: err}
		}
		return r
	}
	check := func(r *binReader) {
		if r.err != nil && rerr == nil {
			rerr = fmt.Errorf("reading spill: %w", r.err)
		}
	}
	// Sequential sources: at(k) is called for k = 0, 1, ... in order by
	// both the chunked and the contiguous writers.
	f64 := func(sp *spill) uint64 {
		r := open(sp)
		defer check(r)
		if level < 0 || nnz == 0 {
			return w.dataset(h5Float64(), []uint64{uint64(nnz)}, uint64(8*nnz), func(bw *bufio.Writer) error {
				var b [8]byte
				for k := 0; k < nnz; k++ {
					binary.LittleEndian.PutUint64(b[:], math.Float64bits(r.f64()))
					if _, err := bw.Write(b[:]); err != nil {
						return err
					}
				}
				return nil
			})
		}
		return w.chunked(h5Float64(), nnz, 8, level, func(dst []byte, lo, hi int) []byte {
			for k := lo; k < hi; k++ {
				dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(r.f64()))
			}
			return dst
		})
	}
	i32 := func(n int, at func(int) int32) uint64 { return w.int32sLevel(level, n, at) }
	seqU32 := func(sp *spill) (func(int) int32, func()) {
		r := open(sp)
		return func(int) int32 { return int32(r.u32()) }, func() { check(r) }
	}

	return writeBIOMHDF5(w, opt, s.features, s.taxonomy, ns, nnz,
		func() (uint64, uint64, uint64) {
			// observation/ (CSR by feature: the transposed spill).
			odata := f64(s.cval)
			oidxAt, oidxDone := seqU32(s.cidx)
			oidx := i32(nnz, oidxAt)
			oidxDone()
			var optr int64
			oind := i32(nf+1, func(k int) int32 {
				v := optr
				if k < nf {
					optr += s.featNNZ[k]
				}
				return int32(v)
			})
			return odata, oidx, oind
		},
		func() (uint64, uint64, uint64) {
			// sample/ (CSR by sample: the spill as added).
			sdata := f64(s.val)
			sidxAt, sidxDone := seqU32(s.idx)
			sidx := i32(nnz, sidxAt)
			sidxDone()
			pr := open(s.ptr)
			var sptr int64
			sind := i32(ns+1, func(k int) int32 {
				v := sptr
				if k < ns {
					sptr += int64(pr.u64())
				}
				return int32(v)
			})
			check(pr)
			return sdata, sidx, sind
		},
		func() uint64 { return s.streamStrings(w, open, check) },
		func() error { return rerr })
}

// streamStrings writes the sample ids as h5writer.strings does, reading
// them twice from the spill (heap collections, then the heap ids).
func (s *StreamWriter) streamStrings(w *h5writer, open func(*spill) *binReader, check func(*binReader)) uint64 {
	const perColl = perHeapCollection
	ns := s.ns
	colls := make([]uint64, 0, (ns+perColl-1)/perColl)
	r := open(s.ids)
	batch := make([]string, 0, perColl)
	for start := 0; start < ns; start += perColl {
		end := min(start+perColl, ns)
		batch = batch[:0]
		for k := start; k < end; k++ {
			batch = append(batch, r.line())
		}
		colls = append(colls, w.put(heapCollection(batch)))
	}
	check(r)
	r = open(s.ids)
	defer check(r)
	return w.dataset(h5VlenString(), []uint64{uint64(ns)}, uint64(16*ns), func(bw *bufio.Writer) error {
		var b [16]byte
		for i := 0; i < ns; i++ {
			x := r.line()
			binary.LittleEndian.PutUint32(b[0:], uint32(len(x)))
			binary.LittleEndian.PutUint64(b[4:], colls[i/perColl])
			binary.LittleEndian.PutUint32(b[12:], uint32(i%perColl+1))
			if _, err := bw.Write(b[:]); err != nil {
				return err
			}
		}
		return nil
	})
}
