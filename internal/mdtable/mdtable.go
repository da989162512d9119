package mdtable

import (
	"io"
	"strings"
)

// Align is a column's alignment in the separator row.
type Align byte

const (
	Default Align = iota // ---
	Left                 // :--
	Right                // ---:
	Center               // :-:
)

// Table writes one table to W: the header on the first Row after New, then
// the rows. The first write error is kept and returned by Err; later rows
// are then dropped.
type Table struct {
	w   io.Writer
	b   []byte
	err error
}

// New writes the header row and the separator row of a table with the
// given column names; align, when not nil, gives each column's alignment.
func New(w io.Writer, align []Align, header ...string) *Table {
	t := &Table{w: w}
	t.Row(header...)
	t.b = append(t.b[:0], '|')
	for k := range header {
		a := Default
		if k < len(align) {
			a = align[k]
		}
		t.b = append(t.b, sep[a]...)
		t.b = append(t.b, '|')
	}
	t.flush()
	return t
}

var sep = [...]string{Default: "---", Left: ":--", Right: "---:", Center: ":-:"}

// Row writes one row of cells.
func (t *Table) Row(cells ...string) {
	t.b = append(t.b[:0], '|')
	for _, c := range cells {
		if c != "" {
			t.b = append(t.b, ' ')
			t.b = append(t.b, Escape(c)...)
		}
		t.b = append(t.b, " |"...)
	}
	t.flush()
}

func (t *Table) flush() {
	if t.err != nil {
		return
	}
	t.b = append(t.b, '\n')
	_, t.err = t.w.Write(t.b)
}

// Err returns the first write error.
func (t *Table) Err() error { return t.err }

var escaper = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ")

// Escape returns s fit for a table cell: '|' escaped, line breaks as spaces.
func Escape(s string) string {
	if !strings.ContainsAny(s, "|\r\n") {
		return s
	}
	return escaper.Replace(s)
}
