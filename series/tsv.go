package series

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/table"
)

// ParseError is table's error type: file, line, column, id and message.
type ParseError = table.ParseError

// tsvFile is a tab-separated file read whole: a header and rows, each with
// its 1-based line number. Blank lines are skipped; cells are trimmed; a
// trailing empty header cell is dropped.
type tsvFile struct {
	name   string
	data   []byte
	header []string
	rows   [][]string
	lines  []int
}

// source is a folder of input files: dir names it in messages, fsys reads
// it (os.DirFS(dir), or an in-memory file system in tests).
type source struct {
	dir  string
	fsys fs.FS
}

func dirSource(dir string) source { return source{dir: dir, fsys: os.DirFS(dir)} }

// path returns the name of file n for messages.
func (s source) path(n string) string { return filepath.Join(s.dir, n) }

// read returns the bytes of file n.
func (s source) read(n string) ([]byte, error) {
	b, err := fs.ReadFile(s.fsys, n)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = s.path(n)
		}
		return nil, err
	}
	return b, nil
}

// has reports whether file n exists.
func (s source) has(n string) bool {
	_, err := fs.Stat(s.fsys, n)
	return err == nil
}

// readTSV reads file n of s. Lines starting with '#' before the header are
// comments.
func (s source) readTSV(n string) (*tsvFile, error) {
	data, err := s.read(n)
	if err != nil {
		return nil, err
	}
	return parseTSV(s.path(n), data)
}

// parseTSV splits data into a header and rows.
func parseTSV(name string, data []byte) (*tsvFile, error) {
	f := &tsvFile{name: name, data: data}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<30)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			s = strings.TrimPrefix(s, "\ufeff")
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		cells := strings.Split(s, "\t")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if f.header == nil {
			if strings.HasPrefix(cells[0], "#") && len(cells) == 1 {
				continue
			}
			for len(cells) > 1 && cells[len(cells)-1] == "" {
				cells = cells[:len(cells)-1]
			}
			f.header = cells
			continue
		}
		f.rows = append(f.rows, cells)
		f.lines = append(f.lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: name, Line: line + 1, Msg: "read error", Err: err}
	}
	if f.header == nil {
		return nil, &ParseError{File: name, Msg: "empty file (no header line)"}
	}
	return f, nil
}

// col returns the index of the first header cell equal (case-insensitively)
// to one of names, or an error naming the file and what was expected.
func (f *tsvFile) col(names ...string) (int, error) {
	for _, n := range names {
		for j, h := range f.header {
			if strings.EqualFold(h, n) {
				return j, nil
			}
		}
	}
	return -1, &ParseError{File: f.name, Line: 1, Msg: fmt.Sprintf("no column %q in the header (%s)", names[0], strings.Join(f.header, ", "))}
}

// cell returns row r's cell j ("" when the row is short).
func (f *tsvFile) cell(r, j int) string {
	if j < len(f.rows[r]) {
		return f.rows[r][j]
	}
	return ""
}

// errf returns an error at row r, column j (0-based; -1 for none).
func (f *tsvFile) errf(r, j int, id, format string, args ...any) error {
	return &ParseError{File: f.name, Line: f.lines[r], Col: j + 1, ID: id, Msg: fmt.Sprintf(format, args...)}
}

// number parses cell (r, j) as a finite number; nonneg also requires >= 0.
func (f *tsvFile) number(r, j int, id, what string, nonneg bool) (float64, error) {
	s := f.cell(r, j)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, f.errf(r, j, id, "%s %q is not a finite number", what, s)
	}
	if nonneg && v < 0 {
		return 0, f.errf(r, j, id, "%s %s is negative", what, s)
	}
	return v, nil
}

// isMissing reports whether a cell is a missing value.
func isMissing(s string) bool {
	switch s {
	case "", "NA", "NaN", "nan", "N/A", "na":
		return true
	}
	return false
}

// distinct returns the distinct non-empty values of column col in order of
// first appearance; an empty cell is an error naming what it holds.
func (f *tsvFile) distinct(col, what string) ([]string, error) {
	c, err := f.col(col)
	if err != nil {
		return nil, err
	}
	var names []string
	seen := map[string]bool{}
	for r := range f.rows {
		n := f.cell(r, c)
		if n == "" {
			return nil, f.errf(r, c, "", "empty %s", what)
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names, nil
}
