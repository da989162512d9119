package sbml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// elem is a parsed XML element with its line number.
type elem struct {
	space, name string
	attrs       []xml.Attr
	kids        []*elem
	text        strings.Builder
	line        int
}

func (e *elem) attr(name string) (string, bool) {
	for _, a := range e.attrs {
		if a.Name.Local == name && (a.Name.Space == "" || a.Name.Space == e.space) {
			return a.Value, true
		}
	}
	return "", false
}

// attrNS returns an attribute in a given namespace.
func (e *elem) attrNS(space, name string) (string, bool) {
	for _, a := range e.attrs {
		if a.Name.Local == name && a.Name.Space == space {
			return a.Value, true
		}
	}
	return "", false
}

func (e *elem) child(name string) *elem {
	for _, k := range e.kids {
		if k.name == name && k.space == e.space {
			return k
		}
	}
	return nil
}

func (e *elem) children(name string) []*elem {
	var out []*elem
	for _, k := range e.kids {
		if k.name == name && k.space == e.space {
			out = append(out, k)
		}
	}
	return out
}

// mathChild returns the <math> child in the MathML namespace.
func (e *elem) mathChild() *elem {
	for _, k := range e.kids {
		if k.name == "math" && k.space == mathNS {
			return k
		}
	}
	return nil
}

// maxDepth bounds element nesting (protection against hostile input).
const maxDepth = 10000

// parseTree reads the whole document into an element tree.
func parseTree(data []byte) (*elem, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var stack []*elem
	var root *elem
	skip := 0 // depth inside annotation/notes
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("line %d: malformed XML: %s", se.Line, se.Msg)
			}
			return nil, fmt.Errorf("line %d: malformed XML: %w", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			if len(stack) > maxDepth {
				return nil, fmt.Errorf("line %d: elements nested too deeply", line)
			}
			e := &elem{space: t.Name.Space, name: t.Name.Local, attrs: t.Attr, line: line}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, e)
				if t.Name.Local == "sep" {
					p.text.WriteByte(' ')
				}
			} else if root == nil {
				root = e
			} else {
				return nil, fmt.Errorf("line %d: more than one root element", line)
			}
			stack = append(stack, e)
			if (t.Name.Local == "annotation" || t.Name.Local == "notes") && t.Name.Space != mathNS {
				skip = 1
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				if skip > 0 {
					continue
				}
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if skip == 0 && len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no XML root element")
	}
	return root, nil
}
