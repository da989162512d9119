package distmat

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// RowWriter receives the upper triangle of an n×n distance matrix row by
// row: WriteRow(i, d) with d[k] the distance between objects i and i+1+k
// (len(d) = n−1−i). Producers may call it from several goroutines at once
// and in any order (package diversity does).
type RowWriter interface {
	WriteRow(i int, d []float64) error
}

// CondensedFile is a distance matrix being written to disk: its upper
// triangle, n(n−1)/2 float64 values in row-major order (little endian), in
// a temporary file, so that memory does not grow with n² (a 20,000 × 20,000
// matrix is 3.2 GB in memory, 1.6 GB in the file). It implements
// RowWriter (concurrently: rows go to their own offsets) and writes the
// finished matrix in the lsmat TSV format with WriteTSV. Close removes the
// file.
type CondensedFile struct {
	ids []string
	f   *os.File
}

// NewCondensedFile creates the temporary file in dir ("" for the system's
// temporary directory) for a matrix labelled ids.
func NewCondensedFile(dir string, ids []string) (*CondensedFile, error) {
	if err := checkIDs(ids); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".distmat-*.condensed")
	if err != nil {
		return nil, fmt.Errorf("distmat: %w", err)
	}
	return &CondensedFile{ids: ids, f: f}, nil
}

// offset returns the index of the first value of row i.
func (c *CondensedFile) offset(i int) int64 {
	n := int64(len(c.ids))
	k := int64(i)
	return k * (2*n - k - 1) / 2
}

// WriteRow stores row i's distances to objects i+1, ..., n−1.
func (c *CondensedFile) WriteRow(i int, d []float64) error {
	n := len(c.ids)
	if i < 0 || i >= n || len(d) != n-1-i {
		return fmt.Errorf("distmat: row %d of %d with %d values", i, n, len(d))
	}
	buf := make([]byte, 8*len(d))
	for k, v := range d {
		binary.LittleEndian.PutUint64(buf[8*k:], math.Float64bits(v))
	}
	if _, err := c.f.WriteAt(buf, 8*c.offset(i)); err != nil {
		return fmt.Errorf("distmat: writing row %d: %w", i, err)
	}
	return nil
}

// condensedBlock is the number of output rows WriteTSV assembles at once
// (a block holds condensedBlock × n values: 41 MB at n = 20,000).
const condensedBlock = 256

// WriteTSV writes the matrix (every row must have been written) in the
// scikit-bio lsmat TSV format, the same bytes as Write writes for the
// dense matrix: the rows in blocks, the lower triangle read back from the
// rows above.
func (c *CondensedFile) WriteTSV(w io.Writer) error {
	n := len(c.ids)
	bw := bufio.NewWriterSize(w, 1<<16)
	writeHeader(bw, c.ids)
	block := make([]float64, min(condensedBlock, max(n, 1))*n)
	seg := make([]byte, 8*n)
	read := func(i, j0, j1 int, dst []float64) error {
		// row i's values for columns j0..j1-1 (all > i)
		b := seg[:8*(j1-j0)]
		if _, err := c.f.ReadAt(b, 8*(c.offset(i)+int64(j0-i-1))); err != nil {
			return fmt.Errorf("distmat: reading row %d: %w", i, err)
		}
		for k := range dst[:j1-j0] {
			dst[k] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*k:]))
		}
		return nil
	}
	col := make([]float64, condensedBlock)
	buf := make([]byte, 0, 32)
	for r0 := 0; r0 < n; r0 += condensedBlock {
		r1 := min(r0+condensedBlock, n)
		rows := block[:(r1-r0)*n]
		for j := 0; j < r0; j++ { // lower triangle: d(j, i), j above the block
			if err := read(j, r0, r1, col); err != nil {
				return err
			}
			for i := r0; i < r1; i++ {
				rows[(i-r0)*n+j] = col[i-r0]
			}
		}
		for i := r0; i < r1; i++ {
			row := rows[(i-r0)*n : (i-r0+1)*n]
			row[i] = 0
			if i+1 < n {
				if err := read(i, i+1, n, row[i+1:]); err != nil {
					return err
				}
			}
			for j := i + 1; j < r1; j++ { // within the block
				rows[(j-r0)*n+i] = row[j]
			}
		}
		for i := r0; i < r1; i++ {
			writeRow(bw, c.ids[i], rows[(i-r0)*n:(i-r0+1)*n], &buf)
		}
	}
	return bw.Flush()
}

// Close removes the file.
func (c *CondensedFile) Close() error {
	name := c.f.Name()
	err := c.f.Close()
	if rmErr := os.Remove(name); err == nil {
		err = rmErr
	}
	return err
}

// checkIDs refuses ids that cannot be written in the TSV format.
func checkIDs(ids []string) error {
	for _, id := range ids {
		if strings.ContainsAny(id, "\t\n\r") {
			return fmt.Errorf("distmat: id %q contains a tab or newline", id)
		}
	}
	return nil
}

// writeHeader writes the lsmat header line (empty corner cell, then ids).
func writeHeader(bw *bufio.Writer, ids []string) {
	for _, id := range ids {
		bw.WriteByte('\t')
		bw.WriteString(id)
	}
	bw.WriteByte('\n')
}

// writeRow writes one lsmat data line: the id, then the values in the
// shortest decimal form that reads back to the same float64.
func writeRow(bw *bufio.Writer, id string, row []float64, buf *[]byte) {
	bw.WriteString(id)
	for _, v := range row {
		bw.WriteByte('\t')
		*buf = strconv.AppendFloat((*buf)[:0], v, 'g', -1, 64)
		bw.Write(*buf)
	}
	bw.WriteByte('\n')
}
