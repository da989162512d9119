package modelfile

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/holobiont/holobiont/internal/bom"
	"github.com/holobiont/holobiont/internal/yamlnode"
	"github.com/holobiont/holobiont/model"
)

// Error is a problem in a model or scenario file, located as file:line:col
// (Line 0 when the position is unknown). It is the same type as
// cohort.Error: both packages report YAML problems through yamlnode.
type Error = yamlnode.Error

// doc is a parsed YAML document with its file name.
type doc struct {
	file  string
	lines []string // source lines, for block-scalar positions
}

func (d *doc) pos(n ast.Node) (line, col int) {
	line, col, _ = yamlnode.Pos(n)
	return line, col
}

func (d *doc) src(n ast.Node) model.Source {
	l, c := d.pos(n)
	return model.Source{File: d.file, Line: l, Col: c}
}

func (d *doc) errf(n ast.Node, format string, args ...any) error {
	l, c := d.pos(n)
	return &Error{File: d.file, Line: l, Col: c, Msg: fmt.Sprintf(format, args...)}
}

// parseYAML parses data into the body node of its single document.
func parseYAML(name string, data []byte) (ast.Node, *doc, error) {
	data = bom.Trim(data)
	d := &doc{file: name, lines: strings.Split(string(data), "\n")}
	if err := yamlnode.CheckNesting(name, data); err != nil {
		return nil, d, err
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, d, yamlError(name, err)
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, d, &Error{File: name, Line: 1, Col: 1, Msg: "empty file: expected a YAML mapping"}
	}
	if len(f.Docs) > 1 {
		return nil, d, d.errf(f.Docs[1].Body, "more than one YAML document; put one model or scenario per file")
	}
	return f.Docs[0].Body, d, nil
}

// yamlError turns a goccy/go-yaml syntax error into file:line:col form.
func yamlError(name string, err error) error {
	return yamlnode.SyntaxError(name, "YAML syntax: ", err)
}

// unwrap strips anchors and tags; aliases are refused (a model must be
// readable without resolving references).
func (d *doc) unwrap(n ast.Node) (ast.Node, error) {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			return nil, d.errf(n, "YAML aliases (*name) are not supported in model files; write the value out")
		default:
			return n, nil
		}
	}
}

// obj is a YAML mapping being read: get marks keys as used, done reports the
// first unknown key.
type obj struct {
	d     *doc
	node  ast.Node
	what  string
	keys  []string
	vals  map[string]ast.Node
	kpos  map[string]ast.Node
	used  map[string]bool
	order []ast.Node
}

func (d *doc) object(n ast.Node, what string) (*obj, error) {
	n, err := d.unwrap(n)
	if err != nil {
		return nil, err
	}
	var pairs []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		pairs = v.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{v}
	case *ast.NullNode:
	default:
		return nil, d.errf(n, "%s: expected a mapping (key: value), got %s", what, kindOf(n))
	}
	o := &obj{d: d, node: n, what: what, vals: map[string]ast.Node{}, kpos: map[string]ast.Node{}, used: map[string]bool{}}
	for _, p := range pairs {
		if p.Key.IsMergeKey() {
			return nil, d.errf(p.Key, "%s: merge keys (<<) are not supported", what)
		}
		k, err := d.keyString(p.Key)
		if err != nil {
			return nil, err
		}
		if _, dup := o.vals[k]; dup {
			return nil, d.errf(p.Key, "%s: duplicate key %q", what, k)
		}
		o.keys = append(o.keys, k)
		v := p.Value
		if v == nil {
			v = &ast.NullNode{BaseNode: &ast.BaseNode{}, Token: p.Key.GetToken()}
		}
		o.vals[k] = v
		o.kpos[k] = p.Key
	}
	return o, nil
}

func (d *doc) keyString(k ast.MapKeyNode) (string, error) {
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	n, err := d.unwrap(n)
	if err != nil {
		return "", err
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return n.GetToken().Value, nil
	}
	return "", d.errf(n, "expected a plain key, got %s", kindOf(n))
}

func kindOf(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.NullNode:
		return "null"
	}
	if n == nil {
		return "nothing"
	}
	return n.Type().String()
}

func (o *obj) has(key string) bool { _, ok := o.vals[key]; return ok }

func (o *obj) get(key string) (ast.Node, bool) {
	v, ok := o.vals[key]
	if ok {
		o.used[key] = true
	}
	return v, ok
}

// keyNode returns the node of the key (for positions of elements named by keys).
func (o *obj) keyNode(key string) ast.Node { return o.kpos[key] }

// done reports the first key that was never read.
func (o *obj) done() error {
	for _, k := range o.keys {
		if !o.used[k] {
			return o.d.errf(o.kpos[k], "%s: unknown field %q", o.what, k)
		}
	}
	return nil
}

func (o *obj) str(key string, def string) (string, error) {
	v, ok := o.get(key)
	if !ok {
		return def, nil
	}
	return o.d.scalarString(v, o.what+"."+key)
}

func (o *obj) reqStr(key string) (string, error) {
	v, ok := o.get(key)
	if !ok {
		return "", o.d.errf(o.node, "%s: missing required field %q", o.what, key)
	}
	return o.d.scalarString(v, o.what+"."+key)
}

func (d *doc) scalarString(v ast.Node, what string) (string, error) {
	v, err := d.unwrap(v)
	if err != nil {
		return "", err
	}
	switch s := v.(type) {
	case *ast.StringNode:
		return s.Value, nil
	case *ast.LiteralNode:
		return s.Value.Value, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return v.GetToken().Value, nil
	}
	return "", d.errf(v, "%s: expected a string, got %s", what, kindOf(v))
}

// number reads a finite float.
func (d *doc) number(v ast.Node, what string) (float64, error) {
	v, err := d.unwrap(v)
	if err != nil {
		return 0, err
	}
	switch s := v.(type) {
	case *ast.IntegerNode:
		switch x := s.Value.(type) {
		case int64:
			return float64(x), nil
		case uint64:
			return float64(x), nil
		}
		f, err := strconv.ParseFloat(s.Token.Value, 64)
		if err != nil {
			return 0, d.errf(v, "%s: bad number %q", what, s.Token.Value)
		}
		return f, nil
	case *ast.FloatNode:
		if math.IsInf(s.Value, 0) || math.IsNaN(s.Value) {
			return 0, d.errf(v, "%s: value must be finite, got %s", what, s.Token.Value)
		}
		return s.Value, nil
	case *ast.InfinityNode, *ast.NanNode:
		return 0, d.errf(v, "%s: value must be finite, got %s", what, v.GetToken().Value)
	case *ast.StringNode:
		// Quoted numbers and things like 1e9 that some YAML versions read as strings.
		f, err := strconv.ParseFloat(strings.TrimSpace(s.Value), 64)
		if err == nil {
			if math.IsInf(f, 0) || math.IsNaN(f) {
				return 0, d.errf(v, "%s: value must be finite, got %q", what, s.Value)
			}
			return f, nil
		}
		if errors.Is(err, strconv.ErrRange) {
			return 0, d.errf(v, "%s: %s is beyond the range of a double-precision number", what, s.Value)
		}
		return 0, d.errf(v, "%s: expected a number, got string %q", what, s.Value)
	}
	return 0, d.errf(v, "%s: expected a number, got %s", what, kindOf(v))
}

func (o *obj) num(key string, def float64) (float64, bool, error) {
	v, ok := o.get(key)
	if !ok {
		return def, false, nil
	}
	f, err := o.d.number(v, o.what+"."+key)
	return f, true, err
}

func (o *obj) reqNum(key string) (float64, error) {
	v, ok := o.get(key)
	if !ok {
		return 0, o.d.errf(o.node, "%s: missing required field %q", o.what, key)
	}
	return o.d.number(v, o.what+"."+key)
}

func (o *obj) boolean(key string, def bool) (bool, error) {
	v, ok := o.get(key)
	if !ok {
		return def, nil
	}
	v, err := o.d.unwrap(v)
	if err != nil {
		return false, err
	}
	b, isb := v.(*ast.BoolNode)
	if !isb {
		return false, o.d.errf(v, "%s.%s: expected true or false, got %s", o.what, key, kindOf(v))
	}
	return b.Value, nil
}

// list returns the items of a sequence (a null value is an empty list).
func (d *doc) list(v ast.Node, what string) ([]ast.Node, error) {
	v, err := d.unwrap(v)
	if err != nil {
		return nil, err
	}
	switch s := v.(type) {
	case *ast.SequenceNode:
		return s.Values, nil
	case *ast.NullNode:
		return nil, nil
	}
	return nil, d.errf(v, "%s: expected a list, got %s", what, kindOf(v))
}

func (d *doc) strList(v ast.Node, what string) ([]string, []ast.Node, error) {
	items, err := d.list(v, what)
	if err != nil {
		return nil, nil, err
	}
	out := make([]string, len(items))
	for i, it := range items {
		s, err := d.scalarString(it, what)
		if err != nil {
			return nil, nil, err
		}
		out[i] = s
	}
	return out, items, nil
}

func (d *doc) numList(v ast.Node, what string) ([]float64, error) {
	items, err := d.list(v, what)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(items))
	for i, it := range items {
		f, err := d.number(it, what)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// isMapping reports whether v is a mapping node.
func (d *doc) isMapping(v ast.Node) bool {
	v, err := d.unwrap(v)
	if err != nil {
		return false
	}
	switch v.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return true
	}
	return false
}

// exprText returns the text of an expression value and the file position of
// its first character, so that positions inside the expression map to the
// file: line l, col c inside the text is at (baseLine+l-1, baseCol+c-1) for
// l = 1, and (baseLine+l-1, blockCol+c-1) for block scalars.
type exprSrc struct {
	text      string
	line, col int // position of the expression's first character
	block     bool
	blockCol  int
	node      ast.Node
}

func (d *doc) exprText(v ast.Node, what string) (exprSrc, error) {
	v, err := d.unwrap(v)
	if err != nil {
		return exprSrc{}, err
	}
	switch s := v.(type) {
	case *ast.StringNode:
		l, c := d.pos(v)
		switch s.Token.Type {
		case token.DoubleQuoteType, token.SingleQuoteType:
			c++
		}
		return exprSrc{text: s.Value, line: l, col: c, node: v}, nil
	case *ast.LiteralNode:
		// Content starts on the line after the indicator, at the block's
		// indentation (the first non-blank content line sets it).
		l, _ := d.pos(v)
		l++
		for l-1 < len(d.lines) && strings.TrimSpace(d.lines[l-1]) == "" {
			l++
		}
		c := 1
		if l-1 < len(d.lines) {
			line := d.lines[l-1]
			c = len(line) - len(strings.TrimLeft(line, " ")) + 1
		}
		return exprSrc{text: s.Value.Value, line: l, col: c, block: true, blockCol: c, node: v}, nil
	case *ast.IntegerNode, *ast.FloatNode:
		l, c := d.pos(v)
		return exprSrc{text: v.GetToken().Value, line: l, col: c, node: v}, nil
	case *ast.InfinityNode, *ast.NanNode:
		return exprSrc{}, d.errf(v, "%s: value must be finite, got %s", what, v.GetToken().Value)
	}
	return exprSrc{}, d.errf(v, "%s: expected an expression string, got %s", what, kindOf(v))
}

// at maps a position inside the expression to the file.
func (e exprSrc) at(line, col int) (int, int) {
	if line <= 1 {
		return e.line, e.col + col - 1
	}
	bc := e.col
	if e.block {
		bc = e.blockCol
	}
	return e.line + line - 1, bc + col - 1
}
