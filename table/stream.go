package table

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// StreamWriter assembles a count table one sample at a time, with the
// feature set fixed up front, and writes it as BIOM 1.0 JSON, BIOM 2.1 HDF5
// and TSV byte-identical to WriteBIOMJSON, WriteHDF5 and WriteTSV on the
// equivalent Table. Samples are spilled to temporary files, so memory does
// not grow with the number of samples (apart from the HDF5 chunk buffers,
// 1/64 of a dataset, which the file layout fixes); the feature-major copy
// the formats need is built in passes over the spill of at most
// StreamBlock non-zeros each.
//
// Unlike Table.Validate, StreamWriter does not check that sample ids are
// unique (that would need them all in memory); callers must ensure it.
type StreamWriter struct {
	features []string
	taxonomy [][]string
	dir      string
	// sample-major spill: ids (one per line), nnz per sample (int64),
	// feature indices (int32) and values (float64).
	ids, ptr, idx, val *spill
	featNNZ            []int64
	ns, nnz            int
	// feature-major copy, built on first use.
	cidx, cval *spill
	done       bool
	err        error
	// StreamBlock bounds the non-zeros held in memory while transposing
	// (0 means 1<<20).
	StreamBlock int
}

type spill struct {
	f  *os.File
	bw *bufio.Writer
}

func newSpill(dir, name string) (*spill, error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	return &spill{f: f, bw: bufio.NewWriterSize(f, 1<<16)}, nil
}

// reader flushes pending writes and returns a reader from the start.
func (s *spill) reader() (*bufio.Reader, error) {
	if err := s.bw.Flush(); err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(io.NewSectionReader(s.f, 0, math.MaxInt64), 1<<16), nil
}

// NewStreamWriter returns a writer for tables over featureIDs (with
// taxonomy, one lineage per feature, or nil) whose temporary files live
// in a new directory under dir (os.TempDir when dir is ""). Close removes them.
func NewStreamWriter(dir string, featureIDs []string, taxonomy [][]string) (*StreamWriter, error) {
	if taxonomy != nil && len(taxonomy) != len(featureIDs) {
		return nil, fmt.Errorf("table: %d lineages for %d features", len(taxonomy), len(featureIDs))
	}
	seen := make(map[string]bool, len(featureIDs))
	for k, id := range featureIDs {
		if id == "" {
			return nil, fmt.Errorf("table: feature %d has an empty id", k+1)
		}
		if seen[id] {
			return nil, fmt.Errorf("table: duplicate feature id %q", id)
		}
		seen[id] = true
	}
	tmp, err := os.MkdirTemp(dir, ".table-stream-*")
	if err != nil {
		return nil, err
	}
	s := &StreamWriter{features: featureIDs, taxonomy: taxonomy, dir: tmp, featNNZ: make([]int64, len(featureIDs))}
	for _, p := range []struct {
		dst  **spill
		name string
	}{{&s.ids, "ids"}, {&s.ptr, "ptr"}, {&s.idx, "idx"}, {&s.val, "val"}} {
		if *p.dst, err = newSpill(tmp, p.name); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close removes the temporary files.
func (s *StreamWriter) Close() error {
	for _, sp := range []*spill{s.ids, s.ptr, s.idx, s.val, s.cidx, s.cval} {
		if sp != nil {
			sp.f.Close()
		}
	}
	return os.RemoveAll(s.dir)
}

// NumSamples returns the number of samples added.
func (s *StreamWriter) NumSamples() int { return s.ns }

// NNZ returns the number of non-zeros added.
func (s *StreamWriter) NNZ() int { return s.nnz }

// Add appends sample id with the non-zeros vals at feature indices idx
// (strictly ascending). It must not be called after a Write method.
func (s *StreamWriter) Add(id string, idx []int32, vals []float64) error {
	if s.err != nil {
		return s.err
	}
	if s.done {
		return fmt.Errorf("table: StreamWriter.Add after writing")
	}
	if id == "" {
		return fmt.Errorf("table: sample %d has an empty id", s.ns+1)
	}
	if strings.ContainsAny(id, "\n") {
		return fmt.Errorf("table: sample id %q contains a newline", id)
	}
	if len(idx) != len(vals) {
		return fmt.Errorf("table: sample %q: %d indices for %d values", id, len(idx), len(vals))
	}
	nf := len(s.features)
	var b [8]byte
	for p, j := range idx {
		if j < 0 || int(j) >= nf {
			return fmt.Errorf("table: sample %q: feature index %d out of range", id, j)
		}
		if p > 0 && j <= idx[p-1] {
			return fmt.Errorf("table: sample %q: feature indices not strictly ascending at feature %q", id, s.features[j])
		}
		if v := vals[p]; v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("table: sample %q, feature %q: invalid count %g", id, s.features[j], v)
		}
	}
	for p, j := range idx {
		binary.LittleEndian.PutUint32(b[:4], uint32(j))
		s.idx.bw.Write(b[:4])
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(vals[p]))
		s.val.bw.Write(b[:])
		s.featNNZ[j]++
	}
	binary.LittleEndian.PutUint64(b[:], uint64(len(idx)))
	s.ptr.bw.Write(b[:])
	s.ids.bw.WriteString(id)
	if err := s.ids.bw.WriteByte('\n'); err != nil {
		s.err = err
		return err
	}
	s.ns++
	s.nnz += len(idx)
	return nil
}

// u32Reader, f64Reader, i64Reader and idReader read spills sequentially.
type binReader struct {
	r   *bufio.Reader
	b   [8]byte
	err error
}

func (r *binReader) u32() uint32 {
	if r.err == nil {
		_, r.err = io.ReadFull(r.r, r.b[:4])
	}
	return binary.LittleEndian.Uint32(r.b[:4])
}

func (r *binReader) u64() uint64 {
	if r.err == nil {
		_, r.err = io.ReadFull(r.r, r.b[:])
	}
	return binary.LittleEndian.Uint64(r.b[:])
}

func (r *binReader) f64() float64 { return math.Float64frombits(r.u64()) }

func (r *binReader) line() string {
	if r.err != nil {
		return ""
	}
	l, err := r.r.ReadString('\n')
	if err != nil {
		r.err = err
		return ""
	}
	return l[:len(l)-1]
}

func (s *StreamWriter) open(sp *spill) (*binReader, error) {
	r, err := sp.reader()
	if err != nil {
		return nil, err
	}
	return &binReader{r: r}, nil
}

// transpose builds the feature-major spill (sample indices and values,
// feature by feature, samples ascending) in passes over blocks of features.
func (s *StreamWriter) transpose() error {
	s.done = true
	if s.cidx != nil || s.err != nil {
		return s.err
	}
	var err error
	if s.cidx, err = newSpill(s.dir, "cidx"); err != nil {
		return err
	}
	if s.cval, err = newSpill(s.dir, "cval"); err != nil {
		return err
	}
	budget := int64(s.StreamBlock)
	if budget <= 0 {
		budget = 1 << 20
	}
	nf := len(s.features)
	var b [8]byte
	for j0 := 0; j0 < nf; {
		j1 := j0 + 1
		tot := s.featNNZ[j0]
		for j1 < nf && tot+s.featNNZ[j1] <= budget {
			tot += s.featNNZ[j1]
			j1++
		}
		// Offsets of features j0..j1 in the block.
		off := make([]int64, j1-j0+1)
		for j := j0; j < j1; j++ {
			off[j-j0+1] = off[j-j0] + s.featNNZ[j]
		}
		next := append([]int64(nil), off[:j1-j0]...)
		bi := make([]int32, tot)
		bv := make([]float64, tot)
		pr, err := s.open(s.ptr)
		if err != nil {
			return err
		}
		ir, err := s.open(s.idx)
		if err != nil {
			return err
		}
		vr, err := s.open(s.val)
		if err != nil {
			return err
		}
		for i := 0; i < s.ns; i++ {
			n := int(pr.u64())
			for k := 0; k < n; k++ {
				j := int(ir.u32())
				v := vr.f64()
				if j >= j0 && j < j1 {
					p := next[j-j0]
					bi[p] = int32(i)
					bv[p] = v
					next[j-j0] = p + 1
				}
			}
		}
		for _, r := range []*binReader{pr, ir, vr} {
			if r.err != nil {
				return fmt.Errorf("table: reading spill: %w", r.err)
			}
		}
		for p := range bi {
			binary.LittleEndian.PutUint32(b[:4], uint32(bi[p]))
			s.cidx.bw.Write(b[:4])
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(bv[p]))
			if _, err := s.cval.bw.Write(b[:]); err != nil {
				return err
			}
		}
		j0 = j1
	}
	return nil
}

// WriteBIOMJSON writes the table as WriteBIOMJSON does.
func (s *StreamWriter) WriteBIOMJSON(w io.Writer, opt JSONOptions) error {
	if err := s.transpose(); err != nil {
		return err
	}
	opt = opt.withDefaults()
	bw := bufio.NewWriterSize(w, 1<<16)
	writeBIOMJSONRows(bw, opt, s.features, s.taxonomy, s.ns)
	ids, err := s.open(s.ids)
	if err != nil {
		return err
	}
	for i := 0; i < s.ns; i++ {
		writeBIOMJSONColumn(bw, i, ids.line())
	}
	if ids.err != nil {
		return fmt.Errorf("table: reading spill: %w", ids.err)
	}
	bw.WriteString("],\n\"data\": [")
	ir, err := s.open(s.cidx)
	if err != nil {
		return err
	}
	vr, err := s.open(s.cval)
	if err != nil {
		return err
	}
	first := true
	var num []byte
	for j := range s.features {
		for k := int64(0); k < s.featNNZ[j]; k++ {
			if !first {
				bw.WriteString(",\n")
			}
			first = false
			num = num[:0]
			num = append(num, '[')
			num = strconv.AppendInt(num, int64(j), 10)
			num = append(num, ',')
			num = strconv.AppendInt(num, int64(ir.u32()), 10)
			num = append(num, ',')
			num = appendNumber(num, vr.f64())
			num = append(num, ']')
			bw.Write(num)
		}
	}
	if ir.err != nil || vr.err != nil {
		return fmt.Errorf("table: reading spill: %w", errorsJoin(ir.err, vr.err))
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// WriteTSV writes the table as WriteTSV does; the taxonomy column is
// written only when taxonomy is true and the writer has a taxonomy.
func (s *StreamWriter) WriteTSV(w io.Writer, taxonomy bool) error {
	if err := s.transpose(); err != nil {
		return err
	}
	hasTax := taxonomy && s.taxonomy != nil
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("# Constructed from biom file\n#OTU ID")
	ids, err := s.open(s.ids)
	if err != nil {
		return err
	}
	for i := 0; i < s.ns; i++ {
		id := ids.line()
		if strings.ContainsAny(id, "\t\n\r") {
			return fmt.Errorf("write TSV: sample id %q contains a tab or newline", id)
		}
		bw.WriteByte('\t')
		bw.WriteString(id)
	}
	if ids.err != nil {
		return fmt.Errorf("table: reading spill: %w", ids.err)
	}
	if hasTax {
		bw.WriteString("\ttaxonomy")
	}
	bw.WriteByte('\n')
	ir, err := s.open(s.cidx)
	if err != nil {
		return err
	}
	vr, err := s.open(s.cval)
	if err != nil {
		return err
	}
	zero := appendNumber([]byte{'\t'}, 0)
	var num []byte
	for j, id := range s.features {
		if strings.ContainsAny(id, "\t\n\r") {
			return fmt.Errorf("write TSV: feature id %q contains a tab or newline", id)
		}
		bw.WriteString(id)
		i := 0
		for k := int64(0); k < s.featNNZ[j]; k++ {
			si := int(ir.u32())
			v := vr.f64()
			for ; i < si; i++ {
				bw.Write(zero)
			}
			num = append(num[:0], '\t')
			num = appendNumber(num, v)
			bw.Write(num)
			i++
		}
		for ; i < s.ns; i++ {
			bw.Write(zero)
		}
		if hasTax {
			bw.WriteByte('\t')
			bw.WriteString(strings.Join(s.taxonomy[j], "; "))
		}
		bw.WriteByte('\n')
	}
	if ir.err != nil || vr.err != nil {
		return fmt.Errorf("table: reading spill: %w", errorsJoin(ir.err, vr.err))
	}
	return bw.Flush()
}
