package yamlnode

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

func TestErrorString(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "m.yaml", Msg: "empty"}, "m.yaml: empty"},
		{Error{File: "m.yaml", Line: 3, Col: 7, Msg: "bad"}, "m.yaml:3:7: bad"},
		{Error{File: "", Line: 1, Col: 1, Msg: "x"}, ":1:1: x"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.e, got, tc.want)
		}
	}
}

func TestPos(t *testing.T) {
	const src = "a: 1\nb:\n  c: 'two'\n  d: [x, y]\n"
	f, err := parser.ParseBytes([]byte(src), 0)
	if err != nil {
		t.Fatal(err)
	}
	// Positions counted by hand in src (1-based line, column).
	for _, tc := range []struct {
		path      string
		line, col int
	}{
		{"$.a", 1, 4},
		{"$.b.c", 3, 6},
		{"$.b.d[0]", 4, 7},
		{"$.b.d[1]", 4, 10},
	} {
		p, err := yaml.PathString(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		n, err := p.FilterFile(f)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		l, c, ok := Pos(n)
		if !ok || l != tc.line || c != tc.col {
			t.Errorf("%s: Pos = %d, %d, %v; want %d, %d, true", tc.path, l, c, ok, tc.line, tc.col)
		}
	}
	if l, c, ok := Pos(nil); ok || l != 0 || c != 0 {
		t.Errorf("Pos(nil) = %d, %d, %v; want 0, 0, false", l, c, ok)
	}
	if l, c, ok := Pos(&ast.NullNode{BaseNode: &ast.BaseNode{}}); ok || l != 0 || c != 0 {
		t.Errorf("Pos(no token) = %d, %d, %v; want 0, 0, false", l, c, ok)
	}
}

func TestSyntaxError(t *testing.T) {
	// A tab used for indentation is a syntax error at the tab (line 2, col 1).
	_, perr := parser.ParseBytes([]byte("a: 1\n\tb: 2\n"), 0)
	if perr == nil {
		t.Fatal("expected a parse error")
	}
	// Strict decoding names the unknown field's key.
	var dst struct {
		A int `yaml:"a"`
	}
	derr := yaml.UnmarshalWithOptions([]byte("a: 1\nzz: 2\n"), &dst, yaml.Strict())
	if derr == nil {
		t.Fatal("expected a decode error")
	}
	for _, tc := range []struct {
		name      string
		err       error
		prefix    string
		line, col int
		msgPrefix string
		msg       string // exact message, when not empty
	}{
		{name: "parse", err: perr, prefix: "YAML syntax: ", line: 2, col: 1, msgPrefix: "YAML syntax: "},
		{name: "strict", err: derr, line: 2, col: 1, msg: `unknown field "zz"`},
		{name: "wrapped", err: fmt.Errorf("reading: %w", derr), prefix: "p: ", line: 2, col: 1, msg: `p: unknown field "zz"`},
		{name: "plain", err: errors.New("two\nlines"), prefix: "YAML syntax: ", msg: "YAML syntax: two lines"},
	} {
		e := SyntaxError("f.yaml", tc.prefix, tc.err)
		if e.File != "f.yaml" || e.Line != tc.line || e.Col != tc.col {
			t.Errorf("%s: got %s:%d:%d, want f.yaml:%d:%d", tc.name, e.File, e.Line, e.Col, tc.line, tc.col)
		}
		if !strings.HasPrefix(e.Msg, tc.msgPrefix) || (tc.msg != "" && e.Msg != tc.msg) {
			t.Errorf("%s: message %q, want %q (prefix %q)", tc.name, e.Msg, tc.msg, tc.msgPrefix)
		}
	}
}

// FuzzSyntaxError checks that every parser error becomes a located, one-file
// error whose text starts with the file name.
func FuzzSyntaxError(f *testing.F) {
	for _, s := range []string{"a: 1\n\tb: 2\n", "a: [1, 2\n", "{", "a: 'x\n", "- a\nb: c\n", "a: 1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parser.ParseBytes(data, 0)
		if err == nil {
			return
		}
		e := SyntaxError("fz.yaml", "YAML syntax: ", err)
		if e.Line < 0 || e.Col < 0 || !strings.HasPrefix(e.Error(), "fz.yaml:") || !strings.HasPrefix(e.Msg, "YAML syntax: ") {
			t.Fatalf("bad error %#v for %q", e, data)
		}
	})
}
