package tree

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	pathpkg "path"
	"strconv"

	"github.com/holobiont/holobiont/internal/bom"
)

// ParseError is a Newick syntax error with its position.
type ParseError struct {
	File      string
	Line, Col int // 1-based
	Msg       string
}

func (e *ParseError) Error() string {
	f := e.File
	if f == "" {
		f = "<newick>"
	}
	return fmt.Sprintf("%s:%d:%d: %s", f, e.Line, e.Col, e.Msg)
}

// ReadFile reads the first tree of a Newick file, or the data/tree.nwk of a
// QIIME 2 Phylogeny artifact (.qza zip file).
func ReadFile(path string) (*Tree, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tree: %w", err)
	}
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, fmt.Errorf("read tree %s: %w", path, err)
		}
		for _, f := range z.File {
			if pathpkg.Base(f.Name) == "tree.nwk" && pathpkg.Base(pathpkg.Dir(f.Name)) == "data" {
				rc, err := f.Open()
				if err != nil {
					return nil, fmt.Errorf("read tree %s: %w", path, err)
				}
				nb, err := io.ReadAll(io.LimitReader(rc, 1<<32))
				rc.Close()
				if err != nil {
					return nil, fmt.Errorf("read tree %s: %w", path, err)
				}
				return parse(nb, path+":"+f.Name)
			}
		}
		return nil, fmt.Errorf("read tree %s: QIIME 2 artifact holds no data/tree.nwk", path)
	}
	return parse(b, path)
}

// Parse reads one Newick tree, terminated by ';', from r.
func Parse(r io.Reader) (*Tree, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read tree: %w", err)
	}
	return parse(b, "")
}

// ParseString reads one Newick tree from s; name is used in error messages.
func ParseString(s, name string) (*Tree, error) { return parse([]byte(s), name) }

type scanner struct {
	b    []byte
	pos  int
	name string
}

func (s *scanner) errAt(pos int, format string, args ...any) error {
	line, col := 1, 1
	for i := 0; i < pos && i < len(s.b); i++ {
		if s.b[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &ParseError{File: s.name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// skip moves past whitespace and [comments].
func (s *scanner) skip() error {
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch c {
		case ' ', '\t', '\n', '\r':
			s.pos++
		case '[':
			start := s.pos
			depth := 0
			for s.pos < len(s.b) {
				switch s.b[s.pos] {
				case '[':
					depth++
				case ']':
					depth--
				}
				s.pos++
				if depth == 0 {
					break
				}
			}
			if depth != 0 {
				return s.errAt(start, "unterminated [comment]")
			}
		default:
			return nil
		}
	}
	return nil
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', ',', ':', ';', '[', ']', '\'', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// label reads an optional (quoted or unquoted) label.
func (s *scanner) label() (string, error) {
	if err := s.skip(); err != nil {
		return "", err
	}
	if s.pos >= len(s.b) {
		return "", nil
	}
	if s.b[s.pos] == '\'' {
		start := s.pos
		s.pos++
		var buf []byte
		for {
			if s.pos >= len(s.b) {
				return "", s.errAt(start, "unterminated quoted label")
			}
			c := s.b[s.pos]
			s.pos++
			if c == '\'' {
				if s.pos < len(s.b) && s.b[s.pos] == '\'' {
					buf = append(buf, '\'')
					s.pos++
					continue
				}
				return string(buf), nil
			}
			buf = append(buf, c)
		}
	}
	start := s.pos
	for s.pos < len(s.b) && !isDelim(s.b[s.pos]) {
		s.pos++
	}
	return string(s.b[start:s.pos]), nil
}

// length reads an optional ":length".
func (s *scanner) length() (float64, bool, error) {
	if err := s.skip(); err != nil {
		return 0, false, err
	}
	if s.pos >= len(s.b) || s.b[s.pos] != ':' {
		return 0, false, nil
	}
	s.pos++
	if err := s.skip(); err != nil {
		return 0, false, err
	}
	start := s.pos
	for s.pos < len(s.b) && !isDelim(s.b[s.pos]) {
		s.pos++
	}
	tok := s.b[start:s.pos]
	if len(tok) == 0 {
		return 0, false, s.errAt(start, "missing branch length after ':'")
	}
	v, err := strconv.ParseFloat(string(tok), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, s.errAt(start, "bad branch length %q", tok)
	}
	return v, true, nil
}

func parse(b []byte, name string) (*Tree, error) {
	b = bom.Trim(b)
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, &ParseError{File: name, Line: 1, Col: 1, Msg: "empty Newick input"}
	}
	// Every node but the root follows a '(' or a ','.
	p := &newickParser{
		s: &scanner{b: b, name: name},
		t: &Tree{Nodes: make([]Node, 0, bytes.Count(b, []byte{','})+bytes.Count(b, []byte{'('})+1)},
	}
	s := p.s
	for {
		if err := s.skip(); err != nil {
			return nil, err
		}
		if s.pos >= len(s.b) {
			return nil, s.errAt(s.pos, "unexpected end of input (missing ')' or ';')")
		}
		c := s.b[s.pos]
		if c == '(' {
			p.stack = append(p.stack, openNode{pos: s.pos})
			s.pos++
			continue
		}
		// A subtree that is not '(' is a leaf (its label may be empty, as
		// in "(,)").
		if (c == ')' || c == ',' || c == ';') && len(p.stack) == 0 {
			if c == ';' && len(p.t.Nodes) == 0 {
				return nil, s.errAt(s.pos, "empty tree")
			}
			return nil, s.errAt(s.pos, "unexpected %q", c)
		}
		idx, err := p.finish(nil)
		if err != nil {
			return nil, err
		}
		if done, err := p.closeAfter(idx); done || err != nil {
			if err != nil {
				return nil, err
			}
			return p.t, nil
		}
	}
}

// newickParser is parse's state: the scanner, the nodes so far (postorder)
// and the '(' not yet closed.
type newickParser struct {
	s     *scanner
	t     *Tree
	stack []openNode
}

// openNode is a '(' not yet closed: where it stands and its children so far.
type openNode struct {
	children []int
	pos      int
}

// finish reads the label and length of a node that has just ended and
// appends it (postorder).
func (p *newickParser) finish(children []int) (int, error) {
	name, err := p.s.label()
	if err != nil {
		return 0, err
	}
	l, has, err := p.s.length()
	if err != nil {
		return 0, err
	}
	idx := len(p.t.Nodes)
	for _, c := range children {
		p.t.Nodes[c].Parent = idx
	}
	p.t.Nodes = append(p.t.Nodes, Node{Name: name, Length: l, HasLength: has, Parent: -1, Children: children})
	return idx, nil
}

// closeAfter reads what follows node idx: ',' (a sibling comes next), ')'
// (which ends the parent, and repeats) or, at the top, ';'. It reports
// whether the tree is complete.
func (p *newickParser) closeAfter(idx int) (bool, error) {
	s := p.s
	for {
		if err := s.skip(); err != nil {
			return false, err
		}
		if len(p.stack) == 0 {
			return true, p.end()
		}
		top := &p.stack[len(p.stack)-1]
		top.children = append(top.children, idx)
		if s.pos >= len(s.b) {
			return false, s.errAt(top.pos, "unclosed '('")
		}
		switch s.b[s.pos] {
		case ',':
			s.pos++
			return false, nil
		case ')':
			s.pos++
			children := top.children
			p.stack = p.stack[:len(p.stack)-1]
			var err error
			if idx, err = p.finish(children); err != nil {
				return false, err
			}
		default:
			return false, s.errAt(s.pos, "expected ',' or ')', found %q", s.b[s.pos])
		}
	}
}

// end reads the closing ';'. Only one tree is read; anything after it must
// be another tree or nothing.
func (p *newickParser) end() error {
	s := p.s
	if s.pos >= len(s.b) || s.b[s.pos] != ';' {
		return s.errAt(s.pos, "expected ';' at the end of the tree")
	}
	s.pos++
	if err := s.skip(); err != nil {
		return err
	}
	if s.pos < len(s.b) && s.b[s.pos] != '(' && !isLabelStart(s.b[s.pos]) {
		return s.errAt(s.pos, "unexpected %q after ';'", s.b[s.pos])
	}
	return nil
}

func isLabelStart(c byte) bool { return !isDelim(c) || c == '\'' }
