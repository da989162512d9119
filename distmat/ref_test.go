package distmat

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// refRead is the line-by-line reader the concurrent Read replaced, kept as
// the reference its results and error messages must equal.
func refRead(r io.Reader, name string) (*Matrix, error) {
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
				if !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 {
					return nil, fmt.Errorf("%s:%d:%d: id %q (column %d) is not valid UTF-8 text", name, line, col, id, k+2)
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

// sameResult reports how Read and refRead differ on text ("" if they agree
// on the matrix or on the error message).
func sameResult(text, name string) string {
	m, err := Read(strings.NewReader(text), name)
	rm, rerr := refRead(strings.NewReader(text), name)
	switch {
	case (err == nil) != (rerr == nil):
		return fmt.Sprintf("Read error %v, reference error %v", err, rerr)
	case err != nil:
		if err.Error() != rerr.Error() {
			return fmt.Sprintf("Read error\n%v\nreference\n%v", err, rerr)
		}
		return ""
	}
	if fmt.Sprint(m.IDs) != fmt.Sprint(rm.IDs) || len(m.Data) != len(rm.Data) {
		return "ids or size differ"
	}
	for k := range m.Data {
		if math.Float64bits(m.Data[k]) != math.Float64bits(rm.Data[k]) {
			return fmt.Sprintf("value %d: %v vs %v", k, m.Data[k], rm.Data[k])
		}
	}
	return ""
}
