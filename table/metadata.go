package table

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/holobiont/holobiont/internal/bom"
)

// Column types of Metadata.Types.
const (
	Categorical = "categorical"
	Numeric     = "numeric"
)

// ReadMetadata reads a QIIME 2 metadata TSV file.
func ReadMetadata(path string) (*Metadata, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read metadata: %w", err)
	}
	defer f.Close()
	return ParseMetadata(f, path)
}

// isIDHeader reports whether s (lower case) is one of the first-column
// headers QIIME 2 accepts.
func isIDHeader(s string) bool {
	switch s {
	case "id", "sampleid", "sample id", "sample-id", "sample_id",
		"featureid", "feature id", "feature-id", "feature_id",
		"#sampleid", "#sample id", "#otuid", "#otu id", "sample_name":
		return true
	}
	return false
}

// ParseMetadata reads QIIME 2 metadata TSV from r: comment lines start with
// '#' (except a "#SampleID"-style header), the header's first cell is the id
// column (id, sample-id, sampleid, #SampleID, feature-id, ... or any other
// name), an optional "#q2:types" row declares each column categorical or
// numeric (otherwise a column whose non-empty values all parse as numbers is
// numeric), blank lines are skipped and cells are trimmed. Short rows are
// padded with empty (missing) values; extra non-empty cells, empty or
// duplicate ids and non-numbers in a numeric column are errors.
func ParseMetadata(r io.Reader, name string) (*Metadata, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<28)
	p := &metaParser{name: name, m: &Metadata{}, seen: map[string]int{}}
	for sc.Scan() {
		p.line++
		s := strings.TrimRight(sc.Text(), "\r\n")
		if p.line == 1 {
			s = bom.TrimString(s)
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		cells := strings.Split(s, "\t")
		for i := range cells {
			cells[i] = strings.TrimSpace(strings.Trim(strings.TrimSpace(cells[i]), "\""))
		}
		if err := p.add(cells); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: name, Line: p.line + 1, Msg: "read error", Err: err}
	}
	if !p.header {
		return nil, &ParseError{File: name, Line: p.line, Msg: "no header line"}
	}
	if err := p.setTypes(); err != nil {
		return nil, err
	}
	return p.m, nil
}

// metaParser is ParseMetadata's state between lines.
type metaParser struct {
	name     string
	line     int
	m        *Metadata
	header   bool
	declared []string       // #q2:types, "" where not declared
	rowLine  []int          // line of each data row
	seen     map[string]int // id → line
}

func (p *metaParser) errorf(col int, id, format string, args ...any) error {
	return &ParseError{File: p.name, Line: p.line, Col: col, ID: id, Msg: fmt.Sprintf(format, args...)}
}

// add takes one non-blank line's trimmed cells.
func (p *metaParser) add(cells []string) error {
	first := cells[0]
	switch {
	case !p.header && strings.HasPrefix(first, "#") && !isIDHeader(strings.ToLower(first)):
		return nil // comment before the header
	case !p.header:
		return p.setHeader(cells)
	case strings.ToLower(first) == "#q2:types":
		return p.setDeclared(cells)
	case strings.HasPrefix(first, "#"):
		return nil // comment or another directive
	}
	return p.addRow(cells)
}

func (p *metaParser) setHeader(cells []string) error {
	for len(cells) > 1 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	cols := append([]string(nil), cells[1:]...)
	for j, c := range cols {
		if c == "" {
			return p.errorf(j+2, "", "empty column name")
		}
		if slices.Contains(cols[:j], c) {
			return p.errorf(j+2, c, "duplicate column name")
		}
	}
	p.m.Columns = cols
	p.header = true
	return nil
}

func (p *metaParser) setDeclared(cells []string) error {
	if len(p.m.IDs) > 0 {
		return p.errorf(1, "", "#q2:types must come before the data rows")
	}
	p.declared = make([]string, len(p.m.Columns))
	for j := range p.declared {
		if j+1 < len(cells) {
			p.declared[j] = strings.ToLower(cells[j+1])
		}
		switch p.declared[j] {
		case Categorical, Numeric, "":
		default:
			return p.errorf(j+2, p.m.Columns[j], "#q2:types value %q: want categorical or numeric", cells[j+1])
		}
	}
	for j := len(p.m.Columns) + 1; j < len(cells); j++ {
		if cells[j] != "" {
			return p.errorf(j+1, "", "#q2:types row has more cells than the header")
		}
	}
	return nil
}

func (p *metaParser) addRow(cells []string) error {
	id := cells[0]
	if id == "" {
		return p.errorf(1, "", "empty id")
	}
	if !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return p.errorf(1, id, "id is not valid UTF-8 text")
	}
	if j, ok := p.seen[id]; ok {
		return p.errorf(1, id, "duplicate id (also on line %d)", j)
	}
	p.seen[id] = p.line
	row := make([]string, len(p.m.Columns))
	for j := 1; j < len(cells); j++ {
		if j-1 >= len(row) {
			if cells[j] != "" {
				return p.errorf(j+1, id, "ragged row: %d cells, the header has %d", len(cells), len(p.m.Columns)+1)
			}
			continue
		}
		row[j-1] = cells[j]
	}
	p.m.IDs = append(p.m.IDs, id)
	p.m.Values = append(p.m.Values, row)
	p.rowLine = append(p.rowLine, p.line)
	return nil
}

// setTypes gives each column its declared type, checking that a declared
// numeric column holds numbers, or infers it: numeric when every non-empty
// value parses as a number and there is at least one.
func (p *metaParser) setTypes() error {
	m := p.m
	m.Types = make([]string, len(m.Columns))
	for j := range m.Columns {
		typ := ""
		if p.declared != nil {
			typ = p.declared[j]
		}
		switch typ {
		case "":
			typ = inferType(m.Values, j)
		case Numeric:
			for i, row := range m.Values {
				if _, err := strconv.ParseFloat(row[j], 64); row[j] != "" && err != nil {
					return &ParseError{File: p.name, Line: p.rowLine[i], Col: j + 2, ID: m.IDs[i],
						Msg: fmt.Sprintf("column %q is declared numeric but holds %q", m.Columns[j], row[j])}
				}
			}
		}
		m.Types[j] = typ
	}
	return nil
}

// inferType is Numeric when column j's non-empty values all parse as
// numbers and there is at least one, else Categorical.
func inferType(values [][]string, j int) string {
	nonEmpty := 0
	for _, row := range values {
		if row[j] == "" {
			continue
		}
		nonEmpty++
		if _, err := strconv.ParseFloat(row[j], 64); err != nil {
			return Categorical
		}
	}
	if nonEmpty == 0 {
		return Categorical
	}
	return Numeric
}

// Column returns the values of the named column in m.IDs order.
func (m *Metadata) Column(name string) (vals []string, ok bool) {
	for j, c := range m.Columns {
		if c == name {
			vals = make([]string, len(m.IDs))
			for i, row := range m.Values {
				vals[i] = row[j]
			}
			return vals, true
		}
	}
	return nil, false
}

// NumericColumn returns the named column parsed as numbers, with NaN for
// missing values. It fails when the column is absent or not numeric.
func (m *Metadata) NumericColumn(name string) ([]float64, error) {
	vals, ok := m.Column(name)
	if !ok {
		return nil, fmt.Errorf("metadata: no column %q", name)
	}
	out := make([]float64, len(vals))
	for i, s := range vals {
		if s == "" {
			out[i] = nan()
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("metadata: column %q, id %q: %q is not a number", name, m.IDs[i], s)
		}
		out[i] = v
	}
	return out, nil
}

// Index returns the row of id, or -1.
func (m *Metadata) Index(id string) int {
	for i, x := range m.IDs {
		if x == id {
			return i
		}
	}
	return -1
}

func nan() float64 { return math.NaN() }

// Align returns, for each id in ids (e.g. a table's SampleIDs or a
// distance matrix's ids), its row in m. Ids missing from m are a
// *MissingIDsError naming them, so analyses never silently drop or
// misalign samples.
func (m *Metadata) Align(ids []string) ([]int, error) {
	row := make(map[string]int, len(m.IDs))
	for i, id := range m.IDs {
		row[id] = i
	}
	out := make([]int, len(ids))
	var missing []string
	for k, id := range ids {
		i, ok := row[id]
		if !ok {
			missing = append(missing, id)
			continue
		}
		out[k] = i
	}
	if len(missing) > 0 {
		return nil, &MissingIDsError{IDs: missing, Have: len(m.IDs)}
	}
	return out, nil
}

// MissingIDsError lists the ids Align did not find in the metadata.
type MissingIDsError struct {
	IDs  []string // in the order asked
	Have int      // ids in the metadata
}

func (e *MissingIDsError) Error() string {
	more := ""
	if len(e.IDs) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(e.IDs)-1)
	}
	return fmt.Sprintf("metadata: id %q%s not found in the metadata (%d ids)", e.IDs[0], more, e.Have)
}

// AlignedColumn returns column name's values at rows (from Align), and
// the positions (indices into rows) whose value is empty; ok is false when
// there is no such column.
func (m *Metadata) AlignedColumn(name string, rows []int) (vals []string, empty []int, ok bool) {
	all, ok := m.Column(name)
	if !ok {
		return nil, nil, false
	}
	vals = make([]string, len(rows))
	for i, r := range rows {
		vals[i] = all[r]
		if all[r] == "" {
			empty = append(empty, i)
		}
	}
	return vals, empty, true
}
