package distmat

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// ReadFile reads a distance matrix in the scikit-bio / QIIME "lsmat" TSV
// format: a header row of a (usually empty) corner cell followed by the ids,
// then one row per id: the id and its n distances. Rows must come in the
// header's order; the matrix must be symmetric (to 1e-9 relative) with a
// zero diagonal and non-negative finite values. Errors name file:line:col.
func ReadFile(path string) (*Matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads a distance matrix from r; name (usually the file name) prefixes
// error messages.
func Read(r io.Reader, name string) (*Matrix, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var ids []string
	var data []float64
	index := map[string]int{}
	line := 0
	row := 0
	blankAfter := 0
	for {
		b, err := br.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			if err == io.EOF {
				break
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line++
		b = bytes.TrimRight(b, "\r\n")
		if len(bytes.TrimSpace(b)) == 0 {
			if ids != nil {
				blankAfter = line
			}
			continue
		}
		if blankAfter > 0 {
			return nil, fmt.Errorf("%s:%d:1: data after a blank line (line %d)", name, line, blankAfter)
		}
		fields := strings.Split(string(b), "\t")
		if ids == nil {
			if len(fields) < 2 {
				return nil, fmt.Errorf("%s:%d:1: header needs a corner cell and at least one id, separated by tabs", name, line)
			}
			ids = fields[1:]
			col := len(fields[0]) + 2
			for k, id := range ids {
				if id == "" {
					return nil, fmt.Errorf("%s:%d:%d: empty id in header (column %d)", name, line, col, k+2)
				}
				if j, dup := index[id]; dup {
					return nil, fmt.Errorf("%s:%d:%d: duplicate id %q (also column %d)", name, line, col, id, j+2)
				}
				index[id] = k
				col += len(id) + 1
			}
			data = make([]float64, len(ids)*len(ids))
			continue
		}
		n := len(ids)
		if row >= n {
			return nil, fmt.Errorf("%s:%d:1: more rows than the %d ids of the header", name, line, n)
		}
		if len(fields) != n+1 {
			return nil, fmt.Errorf("%s:%d:1: row %q has %d values, want %d (one per header id)", name, line, fields[0], len(fields)-1, n)
		}
		if fields[0] != ids[row] {
			return nil, fmt.Errorf("%s:%d:1: row id %q, want %q (rows must follow the header order)", name, line, fields[0], ids[row])
		}
		col := len(fields[0]) + 2
		for k, s := range fields[1:] {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d:%d: distance (%s, %s): %q is not a number", name, line, col, ids[row], ids[k], s)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fmt.Errorf("%s:%d:%d: distance (%s, %s) = %v must be finite and non-negative", name, line, col, ids[row], ids[k], v)
			}
			if k == row && v != 0 {
				return nil, fmt.Errorf("%s:%d:%d: diagonal entry (%s, %s) = %v must be 0", name, line, col, ids[row], ids[k], v)
			}
			if k < row {
				u := data[k*n+row]
				if math.Abs(u-v) > 1e-9*math.Max(math.Abs(u), math.Abs(v)) {
					return nil, fmt.Errorf("%s:%d:%d: matrix is not symmetric: (%s, %s) = %v but (%s, %s) = %v", name, line, col, ids[row], ids[k], v, ids[k], ids[row], u)
				}
			}
			data[row*n+k] = v
			col += len(s) + 1
		}
		row++
	}
	if ids == nil {
		return nil, fmt.Errorf("%s: empty file: no header row", name)
	}
	if row != len(ids) {
		return nil, fmt.Errorf("%s:%d: %d rows for %d ids", name, line, row, len(ids))
	}
	return &Matrix{IDs: ids, Data: data}, nil
}

// Write writes m in the scikit-bio lsmat TSV format (empty corner cell),
// with the shortest decimal form that reads back to the same float64.
func Write(w io.Writer, m *Matrix) error {
	n := m.N()
	if len(m.Data) != n*n {
		return fmt.Errorf("distmat: %d values for %d ids", len(m.Data), n)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	for _, id := range m.IDs {
		if strings.ContainsAny(id, "\t\n\r") {
			return fmt.Errorf("distmat: id %q contains a tab or newline", id)
		}
		bw.WriteByte('\t')
		bw.WriteString(id)
	}
	bw.WriteByte('\n')
	buf := make([]byte, 0, 32)
	for i := 0; i < n; i++ {
		bw.WriteString(m.IDs[i])
		for j := 0; j < n; j++ {
			bw.WriteByte('\t')
			buf = strconv.AppendFloat(buf[:0], m.Data[i*n+j], 'g', -1, 64)
			bw.Write(buf)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
