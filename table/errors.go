package table

import (
	"fmt"
	"strings"
)

// ParseError describes malformed input: where it is and which id it concerns.
type ParseError struct {
	File string // file name ("" when reading from an unnamed reader)
	Line int    // 1-based line; 0 when unknown
	Col  int    // 1-based column (byte offset in the line for text formats, field for TSV); 0 when unknown
	ID   string // the sample, feature or other id concerned; "" when none
	Msg  string
	Err  error // underlying error, if any
}

func (e *ParseError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
	} else {
		b.WriteString("<input>")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	if e.ID != "" {
		fmt.Fprintf(&b, "id %q: ", e.ID)
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }
