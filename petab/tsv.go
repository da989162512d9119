package petab

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/holobiont/holobiont/estimate"
)

// Error is a problem with a PEtab file (see estimate.Error).
type Error = estimate.Error

// Table is a tab-separated table with a header row.
type Table struct {
	File   string
	Header []string
	Rows   []Row
	col    map[string]int
}

// Row is one data row and its 1-based line in the file.
type Row struct {
	Line  int
	Cells []string
}

// maxTableBytes bounds the size of a table file (PEtab tables are small;
// this keeps a hostile input from exhausting memory).
const maxTableBytes = 1 << 30

// ReadTable reads a TSV file.
func ReadTable(path string) (*Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	return ParseTable(path, data)
}

// ParseTable parses TSV data: the first non-empty line is the header;
// cells are trimmed of surrounding spaces; empty lines are skipped; a row
// with fewer cells than the header is padded with empty cells; more cells
// than the header is an error (unless the extra cells are empty).
func ParseTable(name string, data []byte) (*Table, error) {
	if len(data) > maxTableBytes {
		return nil, &Error{File: name, Msg: "file larger than 1 GiB"}
	}
	if !utf8.Valid(data) {
		return nil, &Error{File: name, Msg: "not valid UTF-8 text"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	t := &Table{File: name, col: map[string]int{}}
	line := 0
	for len(data) > 0 {
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		line++
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		cells := strings.Split(string(l), "\t")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if t.Header == nil {
			for i, h := range cells {
				if h == "" {
					return nil, &Error{File: name, Line: line, Msg: fmt.Sprintf("empty column name in header (column %d)", i+1)}
				}
				if _, dup := t.col[h]; dup {
					return nil, &Error{File: name, Line: line, Column: h, Msg: "duplicate column in header"}
				}
				t.col[h] = i
			}
			t.Header = cells
			continue
		}
		if len(cells) > len(t.Header) {
			for _, c := range cells[len(t.Header):] {
				if c != "" {
					return nil, &Error{File: name, Line: line, Msg: fmt.Sprintf("%d cells, but the header has %d columns", len(cells), len(t.Header))}
				}
			}
			cells = cells[:len(t.Header)]
		}
		for len(cells) < len(t.Header) {
			cells = append(cells, "")
		}
		t.Rows = append(t.Rows, Row{Line: line, Cells: cells})
	}
	if t.Header == nil {
		return nil, &Error{File: name, Msg: "empty table (no header line)"}
	}
	return t, nil
}

// Has reports whether the table has the column.
func (t *Table) Has(col string) bool {
	_, ok := t.col[col]
	return ok
}

// Require reports an error naming the first missing column.
func (t *Table) Require(cols ...string) error {
	for _, c := range cols {
		if !t.Has(c) {
			return &Error{File: t.File, Line: 1, Column: c, Msg: fmt.Sprintf("required column is missing (the header has: %s)", strings.Join(t.Header, ", "))}
		}
	}
	return nil
}

// Get returns the row's cell in column col ("" when the table has no such
// column).
func (t *Table) Get(r Row, col string) string {
	if i, ok := t.col[col]; ok {
		return r.Cells[i]
	}
	return ""
}

// errf returns an *Error at row r.
func (t *Table) errf(r Row, col, id, format string, args ...any) error {
	return &Error{File: t.File, Line: r.Line, Column: col, ID: id, Msg: fmt.Sprintf(format, args...)}
}
