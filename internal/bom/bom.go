package bom

import (
	"bufio"
	"bytes"
)

// Mark is the UTF-8 encoding of U+FEFF.
const Mark = "\xef\xbb\xbf"

// Trim returns data without a leading byte-order mark.
func Trim(data []byte) []byte { return bytes.TrimPrefix(data, []byte(Mark)) }

// TrimString returns s without a leading byte-order mark.
func TrimString(s string) string {
	if len(s) >= len(Mark) && s[:len(Mark)] == Mark {
		return s[len(Mark):]
	}
	return s
}

// Skip discards a byte-order mark at the reader's current position (the
// start of the input) and reports whether there was one.
func Skip(r *bufio.Reader) bool {
	b, err := r.Peek(len(Mark))
	if err != nil || string(b) != Mark {
		return false
	}
	r.Discard(len(Mark))
	return true
}
