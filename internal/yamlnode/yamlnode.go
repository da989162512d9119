package yamlnode

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// Error is a problem in a YAML file, located as file:line:col. Line and Col
// are 1-based; Line 0 means the position is unknown and only File is shown.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Pos returns the 1-based line and column of n's token. ok is false (and
// line, col are 0) when n is nil or carries no position.
func Pos(n ast.Node) (line, col int, ok bool) {
	if n == nil {
		return 0, 0, false
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return 0, 0, false
	}
	return tk.Position.Line, tk.Position.Column, true
}

// SyntaxError turns an error returned by goccy/go-yaml (parser.ParseBytes,
// yaml.Unmarshal and friends) for the file name into an *Error whose message
// is prefix followed by the library's message. When the error names a token
// with a position, the Error is located there; otherwise Line is 0. Newlines
// in messages of errors that are not goccy/go-yaml errors are replaced by
// spaces so that the result stays on one line.
func SyntaxError(name, prefix string, err error) *Error {
	var se interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if errors.As(err, &se) {
		msg := plainMessage(se.GetMessage())
		if tk := se.GetToken(); tk != nil && tk.Position != nil {
			return &Error{File: name, Line: tk.Position.Line, Col: tk.Position.Column, Msg: prefix + msg}
		}
		return &Error{File: name, Msg: prefix + msg}
	}
	return &Error{File: name, Msg: prefix + strings.ReplaceAll(err.Error(), "\n", " ")}
}

// ErrAt returns an Error in file name with the message format, args,
// located at the node of the YAML path (e.g. "$.parameters.x",
// "$.outputs[2]") in f: the deepest prefix of the path that exists in f
// gives the position (none when f is nil or nothing matches).
func ErrAt(name string, f *ast.File, path, format string, args ...any) *Error {
	e := &Error{File: name, Msg: fmt.Sprintf(format, args...)}
	for p := path; p != "$" && p != "" && f != nil; {
		if yp, err := yaml.PathString(p); err == nil {
			if n, err := yp.FilterFile(f); err == nil && n != nil {
				if l, c, ok := Pos(n); ok {
					e.Line, e.Col = l, c
					return e
				}
			}
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return e
}

// DecodeStrict decodes the YAML data of file name into v, unknown fields
// being errors located as file:line:col. The YAML library can panic on
// some malformed input (a tagged scalar where a list belongs, found by
// fuzzing); that is reported as an error too.
func DecodeStrict(name string, data []byte, v any) error {
	return decode(name, data, v, yaml.Strict())
}

// Decode is DecodeStrict without the unknown-field check, for formats that
// allow keys holobiont does not read (PEtab's problem files) and for
// decoding into generic maps.
func Decode(name string, data []byte, v any) error { return decode(name, data, v) }

func decode(name string, data []byte, v any, opts ...yaml.DecodeOption) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{File: name, Msg: fmt.Sprintf("cannot decode the YAML (a tag or value of the wrong kind?): %v", r)}
		}
	}()
	if err := CheckNesting(name, data); err != nil {
		return err
	}
	if err := yaml.UnmarshalWithOptions(data, v, opts...); err != nil {
		return SyntaxError(name, "", err)
	}
	return nil
}

// unmarshalMsg is the YAML library's message for a value of the wrong type,
// which names Go types and struct fields.
var unmarshalMsg = regexp.MustCompile(`^cannot unmarshal (\w+) into Go (?:struct field \S+|value) of type (\S+)$`)

// plainMessage says a wrong-type message in the spec's terms ("expected a
// whole number, got a string") instead of Go's.
func plainMessage(msg string) string {
	m := unmarshalMsg.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := map[string]string{"int": "a whole number", "int64": "a whole number", "uint64": "a whole number", "float64": "a number",
		"string": "a string", "bool": "true or false"}[m[2]]
	switch {
	case want != "":
	case strings.HasPrefix(m[2], "[]"):
		want = "a list"
	case strings.HasPrefix(m[2], "map["), strings.Contains(m[2], "."):
		want = "a mapping (key: value)"
	default:
		return msg
	}
	got := map[string]string{"string": "a string", "float64": "a number", "uint64": "a number", "int64": "a number", "bool": "true or false",
		"array": "a list", "slice": "a list", "map": "a mapping"}[m[1]]
	if got == "" {
		got = m[1]
	}
	return "expected " + want + ", got " + got
}

// MaxNesting is the deepest nesting of flow collections ([...] and {...})
// a YAML file may hold. The YAML library's time and memory grow faster than
// linearly with it (16,000 levels in a 32 KB file took 0.4 GB), and no
// spec needs more than a few levels.
const MaxNesting = 1000

// CheckNesting refuses YAML data whose flow collections nest deeper than
// MaxNesting, naming the place, before the YAML library sees it. Brackets
// inside quoted strings or comments are counted too; only unmatched opening
// brackets deepen the count, which no real file piles up.
func CheckNesting(name string, data []byte) error {
	depth, line, col := 0, 1, 0
	for _, c := range data {
		col++
		switch c {
		case '\n':
			line, col = line+1, 0
		case '[', '{':
			if depth++; depth > MaxNesting {
				return &Error{File: name, Line: line, Col: col, Msg: fmt.Sprintf("YAML nested more than %d levels deep", MaxNesting)}
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return nil
}
