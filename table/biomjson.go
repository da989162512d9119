package table

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/holobiont/holobiont/internal/bom"
)

// ReadBIOMJSON reads a BIOM 1.0 JSON table (sparse or dense) from r. name is
// used in error messages. Rows of the BIOM matrix are features
// (observations), columns are samples. Observation metadata "taxonomy" (a
// list of ranks or a "; "-separated string) fills Table.Taxonomy; a metadata
// value that is itself a list (as R's biomformat writes it) is taken as the
// lineage. The "data" array is streamed into the sparse layout; no dense
// matrix is built.
func ReadBIOMJSON(r io.Reader, name string) (*Table, error) {
	br := bufio.NewReader(r) // reads of the parser's 64 KB window bypass its buffer
	bom.Skip(br)
	p := &jsonParser{r: br, name: name, line: 1, win: make([]byte, 1<<16)}
	return p.table()
}

// jsonParser is a streaming JSON reader over its own buffer window, tracking
// line and column for error messages.
type jsonParser struct {
	r        io.Reader
	win      []byte
	pos, end int
	rerr     error
	name     string
	line     int
	col      int // column of the last byte read
	buf      []byte
	prevCol  int
}

func (p *jsonParser) errf(format string, args ...any) error {
	return &ParseError{File: p.name, Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)}
}

// fill reads more input into the window once it is used up; it keeps the
// last byte so that unread works across a refill.
func (p *jsonParser) fill() bool {
	if p.rerr != nil {
		return false
	}
	keep := 0
	if p.end > 0 {
		p.win[0] = p.win[p.end-1]
		keep = 1
	}
	for {
		n, err := p.r.Read(p.win[keep:])
		if n > 0 {
			p.pos, p.end = keep, keep+n
			return true
		}
		if err != nil {
			p.rerr = err
			return false
		}
	}
}

func (p *jsonParser) read() (byte, error) {
	if p.pos >= p.end && !p.fill() {
		if p.rerr == io.EOF {
			return 0, p.errf("unexpected end of input")
		}
		return 0, &ParseError{File: p.name, Line: p.line, Col: p.col, Msg: "read error", Err: p.rerr}
	}
	c := p.win[p.pos]
	p.pos++
	if c == '\n' {
		p.line++
		p.prevCol = p.col
		p.col = 0
	} else {
		p.col++
	}
	return c, nil
}

func (p *jsonParser) unread(c byte) {
	p.pos--
	if c == '\n' {
		p.line--
		p.col = p.prevCol
	} else {
		p.col--
	}
}

// next returns the next non-whitespace byte.
func (p *jsonParser) next() (byte, error) {
	for {
		for p.pos < p.end {
			c := p.win[p.pos]
			p.pos++
			switch c {
			case ' ', '\t', '\r':
				p.col++
				continue
			case '\n':
				p.line++
				p.prevCol = p.col
				p.col = 0
				continue
			}
			p.col++
			return c, nil
		}
		if !p.fill() {
			if p.rerr == io.EOF {
				return 0, p.errf("unexpected end of input")
			}
			return 0, &ParseError{File: p.name, Line: p.line, Col: p.col, Msg: "read error", Err: p.rerr}
		}
	}
}

func (p *jsonParser) peek() (byte, error) {
	c, err := p.next()
	if err != nil {
		return 0, err
	}
	p.unread(c)
	return c, nil
}

func (p *jsonParser) expect(want byte) error {
	c, err := p.next()
	if err != nil {
		return err
	}
	if c != want {
		return p.errf("expected %q, found %q", want, c)
	}
	return nil
}

// str reads a JSON string; the opening quote must be next.
func (p *jsonParser) str() (string, error) {
	if err := p.expect('"'); err != nil {
		return "", err
	}
	p.buf = append(p.buf[:0], '"')
	esc := false
	for {
		c, err := p.read()
		if err != nil {
			return "", err
		}
		if c < 0x20 {
			return "", p.errf("control character in string")
		}
		p.buf = append(p.buf, c)
		if c == '\\' {
			esc = true
			c2, err := p.read()
			if err != nil {
				return "", err
			}
			p.buf = append(p.buf, c2)
			continue
		}
		if c == '"' {
			break
		}
	}
	if !esc {
		return string(p.buf[1 : len(p.buf)-1]), nil
	}
	var s string
	if err := json.Unmarshal(p.buf, &s); err != nil {
		return "", p.errf("bad string: %v", err)
	}
	return s, nil
}

// num reads a JSON number.
func (p *jsonParser) num() (float64, error) {
	isNum := func(c byte) bool {
		return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
	}
	// Whitespace may precede a number ("[0, 0, 5]", as Python's json.dump
	// writes); skip it unless the next byte already starts one.
	if p.pos >= p.end || !isNum(p.win[p.pos]) {
		if _, err := p.peek(); err != nil {
			return 0, err
		}
	}
	// Fast path: the number lies inside the window.
	i := p.pos
	for i < p.end && isNum(p.win[i]) {
		i++
	}
	var tok []byte
	if i < p.end {
		tok = p.win[p.pos:i]
		p.col += i - p.pos
		p.pos = i
	} else {
		p.buf = p.buf[:0]
		for {
			if p.pos >= p.end && !p.fill() {
				break
			}
			c := p.win[p.pos]
			if !isNum(c) {
				break
			}
			p.buf = append(p.buf, c)
			p.pos++
			p.col++
		}
		tok = p.buf
	}
	v, ok := parseNumber(tok)
	if !ok {
		return 0, p.errf("bad number %q", tok)
	}
	return v, nil
}

func (p *jsonParser) literal(word string) error {
	for i := 0; i < len(word); i++ {
		c, err := p.read()
		if err != nil {
			return err
		}
		if c != word[i] {
			return p.errf("bad literal, expected %q", word)
		}
	}
	return nil
}

// value reads any JSON value into Go values (map[string]any, []any, string,
// float64, bool, nil), to a nesting depth of 64.
func (p *jsonParser) value(depth int) (any, error) {
	if depth > 64 {
		return nil, p.errf("JSON nested too deeply")
	}
	c, err := p.peek()
	if err != nil {
		return nil, err
	}
	switch {
	case c == '{':
		p.next()
		m := map[string]any{}
		c, err := p.peek()
		if err != nil {
			return nil, err
		}
		if c == '}' {
			p.next()
			return m, nil
		}
		for {
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			if err := p.expect(':'); err != nil {
				return nil, err
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			m[k] = v
			c, err := p.next()
			if err != nil {
				return nil, err
			}
			if c == '}' {
				return m, nil
			}
			if c != ',' {
				return nil, p.errf("expected ',' or '}' in object, found %q", c)
			}
		}
	case c == '[':
		p.next()
		var a []any
		c, err := p.peek()
		if err != nil {
			return nil, err
		}
		if c == ']' {
			p.next()
			return a, nil
		}
		for {
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
			c, err := p.next()
			if err != nil {
				return nil, err
			}
			if c == ']' {
				return a, nil
			}
			if c != ',' {
				return nil, p.errf("expected ',' or ']' in array, found %q", c)
			}
		}
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.num()
	}
	p.next()
	return nil, p.errf("unexpected %q", c)
}

type biomEntry struct {
	id   string
	meta any
	line int
}

// entries reads the "rows" or "columns" array of {"id":..., "metadata":...}.
func (p *jsonParser) entries(what string) ([]biomEntry, error) {
	if err := p.expect('['); err != nil {
		return nil, err
	}
	var out []biomEntry
	c, err := p.peek()
	if err != nil {
		return nil, err
	}
	if c == ']' {
		p.next()
		return out, nil
	}
	for {
		line := p.line
		v, err := p.value(1)
		if err != nil {
			return nil, err
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, p.errf("%s: entry %d is not an object", what, len(out))
		}
		id, ok := obj["id"].(string)
		if !ok {
			return nil, p.errf("%s: entry %d has no string \"id\"", what, len(out))
		}
		out = append(out, biomEntry{id: id, meta: obj["metadata"], line: line})
		c, err := p.next()
		if err != nil {
			return nil, err
		}
		if c == ']' {
			return out, nil
		}
		if c != ',' {
			return nil, p.errf("expected ',' or ']' in %s, found %q", what, c)
		}
	}
}

// data streams the "data" array. When sparse is known, entries go straight
// into trip; otherwise every inner array is kept flat (with its length) and
// interpreted once matrix_type is known.
func (p *jsonParser) data(mode int, trip *triplets, flat *[]float64, lens *[]int32) error {
	if err := p.expect('['); err != nil {
		return err
	}
	c, err := p.peek()
	if err != nil {
		return err
	}
	if c == ']' {
		p.next()
		return nil
	}
	var vals [3]float64
	for row := 0; ; row++ {
		if err := p.expect('['); err != nil {
			return err
		}
		n := 0
		c, err := p.peek()
		if err != nil {
			return err
		}
		if c != ']' {
			for {
				v, err := p.num()
				if err != nil {
					return err
				}
				switch mode {
				case modeSparse:
					if n >= 3 {
						return p.errf("sparse data entry %d has more than 3 values", row)
					}
					vals[n] = v
				case modeDense:
					if v != 0 {
						if msg := checkCount(v); msg != "" {
							return p.errf("data row %d, column %d: %s", row, n, msg)
						}
						trip.add(int32(n), int32(row), v)
					}
					if n >= 1<<31-1 {
						return p.errf("dense row too long")
					}
				default:
					*flat = append(*flat, v)
				}
				n++
				c, err := p.next()
				if err != nil {
					return err
				}
				if c == ']' {
					break
				}
				if c != ',' {
					return p.errf("expected ',' or ']' in data, found %q", c)
				}
			}
		} else {
			p.next()
		}
		switch mode {
		case modeSparse:
			if n != 3 {
				return p.errf("sparse data entry %d has %d values, want [row, column, value]", row, n)
			}
			if err := p.sparseEntry(trip, row, vals[0], vals[1], vals[2]); err != nil {
				return err
			}
		case modeDense:
			*lens = append(*lens, int32(n))
		default:
			*lens = append(*lens, int32(n))
		}
		c, err = p.next()
		if err != nil {
			return err
		}
		if c == ']' {
			return nil
		}
		if c != ',' {
			return p.errf("expected ',' or ']' in data, found %q", c)
		}
	}
}

const (
	modeUnknown = iota
	modeSparse
	modeDense
)

func (p *jsonParser) sparseEntry(trip *triplets, k int, r, c, v float64) error {
	if r < 0 || r != float64(int32(r)) || c < 0 || c != float64(int32(c)) {
		return p.errf("sparse data entry %d: row and column must be non-negative integers, got [%g, %g]", k, r, c)
	}
	if v == 0 {
		return nil
	}
	if msg := checkCount(v); msg != "" {
		return p.errf("sparse data entry %d [%g, %g]: %s", k, r, c, msg)
	}
	trip.add(int32(c), int32(r), v)
	return nil
}

// biomObject holds the members of a BIOM JSON object as they are read.
type biomObject struct {
	rows, cols         []biomEntry
	haveRows, haveCols bool
	shape              [2]int
	haveShape          bool
	mode               int // from "matrix_type"
	trip               triplets
	flat               []float64 // "data" read before "matrix_type" (see jsonParser.data)
	lens               []int32
	haveData           bool
	dataMode           int // mode when "data" was read
	dataLine           int
	shapeLine          int
	created            string
}

// table reads the BIOM object and builds the table from it.
func (p *jsonParser) table() (*Table, error) {
	var o biomObject
	if err := p.object(&o); err != nil {
		return nil, err
	}
	if err := p.complete(&o); err != nil {
		return nil, err
	}
	if o.dataMode == modeUnknown {
		// "data" came before "matrix_type": interpret the kept values now.
		if err := p.replayData(&o); err != nil {
			return nil, err
		}
	}
	if err := p.checkShape(&o); err != nil {
		return nil, err
	}
	t, err := p.build(&o)
	if err != nil {
		return nil, err
	}
	t.Taxonomy = rowLineages(o.rows)
	return t, nil
}

// object reads the BIOM object's members into o and checks that nothing
// follows it.
func (p *jsonParser) object(o *biomObject) error {
	if err := p.expect('{'); err != nil {
		return err
	}
	c, err := p.peek()
	if err != nil {
		return err
	}
	if c == '}' {
		p.next()
		return p.errf("empty BIOM object")
	}
	for {
		key, err := p.str()
		if err != nil {
			return err
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		if err := p.member(key, o); err != nil {
			return err
		}
		c, err := p.next()
		if err != nil {
			return err
		}
		if c == '}' {
			break
		}
		if c != ',' {
			return p.errf("expected ',' or '}' in BIOM object, found %q", c)
		}
	}
	if c, err := p.next(); err == nil {
		return p.errf("unexpected %q after the BIOM object", c)
	}
	return nil
}

// member reads the value of the member key into o; members BIOM does not
// need are skipped.
func (p *jsonParser) member(key string, o *biomObject) error {
	var err error
	switch key {
	case "rows":
		o.rows, err = p.entries("rows")
		o.haveRows = err == nil
	case "columns":
		o.cols, err = p.entries("columns")
		o.haveCols = err == nil
	case "matrix_type":
		o.mode, err = p.matrixType()
	case "matrix_element_type":
		s, err := p.str()
		if err != nil {
			return err
		}
		if s == "unicode" {
			return p.errf("matrix_element_type \"unicode\" is not a count table")
		}
	case "shape":
		o.shapeLine = p.line
		var shape [2]int
		shape, err = p.shape()
		if err == nil && !o.haveShape { // a repeated "shape": the first counts
			o.shape, o.haveShape = shape, true
		}
	case "date":
		v, err := p.value(1)
		if err != nil {
			return err
		}
		o.created, _ = v.(string)
	case "data":
		o.dataLine = p.line
		if err := p.data(o.mode, &o.trip, &o.flat, &o.lens); err != nil {
			return err
		}
		o.haveData = true
		o.dataMode = o.mode
	default:
		_, err = p.value(1)
	}
	return err
}

// matrixType reads "matrix_type": "sparse" or "dense".
func (p *jsonParser) matrixType() (int, error) {
	s, err := p.str()
	if err != nil {
		return modeUnknown, err
	}
	switch s {
	case "sparse":
		return modeSparse, nil
	case "dense":
		return modeDense, nil
	}
	return modeUnknown, p.errf("matrix_type %q: want \"sparse\" or \"dense\"", s)
}

// shape reads "shape": [rows, columns].
func (p *jsonParser) shape() (shape [2]int, err error) {
	v, err := p.value(1)
	if err != nil {
		return shape, err
	}
	a, ok := v.([]any)
	if !ok || len(a) != 2 {
		return shape, p.errf("shape must be [rows, columns]")
	}
	for i, x := range a {
		f, ok := x.(float64)
		if !ok || f < 0 || f != float64(int(f)) {
			return shape, p.errf("shape must hold two non-negative integers")
		}
		shape[i] = int(f)
	}
	return shape, nil
}

// complete refuses an object without rows, columns, data or matrix_type.
func (p *jsonParser) complete(o *biomObject) error {
	perr := func(format string, args ...any) error {
		return &ParseError{File: p.name, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case !o.haveRows:
		return perr("missing \"rows\"")
	case !o.haveCols:
		return perr("missing \"columns\"")
	case !o.haveData:
		return perr("missing \"data\"")
	case o.mode == modeUnknown:
		return perr("missing \"matrix_type\"")
	}
	return nil
}

// replayData interprets the data values kept flat (read before
// "matrix_type") as o.mode says.
func (p *jsonParser) replayData(o *biomObject) error {
	off := 0
	for k, n := range o.lens {
		vals := o.flat[off : off+int(n)]
		off += int(n)
		if o.mode == modeSparse {
			if n != 3 {
				return &ParseError{File: p.name, Line: o.dataLine, Msg: fmt.Sprintf("sparse data entry %d has %d values, want [row, column, value]", k, n)}
			}
			if err := p.sparseEntry(&o.trip, k, vals[0], vals[1], vals[2]); err != nil {
				return &ParseError{File: p.name, Line: o.dataLine, Msg: err.(*ParseError).Msg}
			}
			continue
		}
		for j, v := range vals {
			if v != 0 {
				if msg := checkCount(v); msg != "" {
					return &ParseError{File: p.name, Line: o.dataLine, Msg: fmt.Sprintf("data row %d, column %d: %s", k, j, msg)}
				}
				o.trip.add(int32(j), int32(k), v)
			}
		}
	}
	o.flat = nil
	if o.mode == modeSparse {
		o.lens = nil
	}
	return nil
}

// checkShape checks the shape member and dense rows against the rows and
// columns.
func (p *jsonParser) checkShape(o *biomObject) error {
	nf, ns := len(o.rows), len(o.cols)
	if o.haveShape && (o.shape[0] != nf || o.shape[1] != ns) {
		return &ParseError{File: p.name, Line: o.shapeLine, Msg: fmt.Sprintf("shape [%d, %d] does not match %d rows and %d columns", o.shape[0], o.shape[1], nf, ns)}
	}
	if o.mode != modeDense {
		return nil
	}
	if len(o.lens) != nf {
		return &ParseError{File: p.name, Line: o.dataLine, Msg: fmt.Sprintf("dense data has %d rows, want %d", len(o.lens), nf)}
	}
	for i, n := range o.lens {
		if int(n) != ns {
			return &ParseError{File: p.name, Line: o.dataLine, ID: o.rows[i].id, Msg: fmt.Sprintf("dense data row %d has %d values, want %d (ragged row)", i, n, ns)}
		}
	}
	return nil
}

// build makes the table's ids and sparse matrix from o.
func (p *jsonParser) build(o *biomObject) (*Table, error) {
	nf, ns := len(o.rows), len(o.cols)
	t := &Table{SampleIDs: make([]string, ns), FeatureIDs: make([]string, nf), Created: o.created}
	for i, e := range o.cols {
		t.SampleIDs[i] = e.id
	}
	for i, e := range o.rows {
		t.FeatureIDs[i] = e.id
	}
	if err := checkIDs(p.name, "sample", t.SampleIDs, func(i int) int { return o.cols[i].line }, ""); err != nil {
		return nil, err
	}
	if err := checkIDs(p.name, "feature", t.FeatureIDs, func(i int) int { return o.rows[i].line }, ""); err != nil {
		return nil, err
	}
	var outside error
	o.trip.each(func(s, f int32, _ float64) bool {
		if int(f) >= nf || int(s) >= ns {
			outside = &ParseError{File: p.name, Line: o.dataLine, Msg: fmt.Sprintf("data entry [%d, %d] outside shape [%d, %d]", f, s, nf, ns)}
			return false
		}
		return true
	})
	if outside != nil {
		return nil, outside
	}
	var ds, df int
	var err error
	t.Indptr, t.Indices, t.Data, ds, df, err = o.trip.csr(ns)
	if err != nil {
		return nil, &ParseError{File: p.name, Line: o.dataLine, ID: t.FeatureIDs[df] + "/" + t.SampleIDs[ds], Msg: "duplicate data entry for this feature and sample"}
	}
	return t, nil
}

// rowLineages returns the rows' lineages from their metadata, or nil when
// no row has one.
func rowLineages(rows []biomEntry) [][]string {
	var tax [][]string
	for i, e := range rows {
		if lin := lineageFromMeta(e.meta); lin != nil {
			if tax == nil {
				tax = make([][]string, len(rows))
			}
			tax[i] = lin
		}
	}
	return tax
}

// lineageFromMeta extracts a lineage from BIOM observation metadata.
func lineageFromMeta(meta any) []string {
	switch m := meta.(type) {
	case map[string]any:
		for _, k := range []string{"taxonomy", "Taxonomy", "Consensus Lineage", "ConsensusLineage"} {
			if v, ok := m[k]; ok {
				return lineageFromValue(v)
			}
		}
	case []any:
		return lineageFromValue(m)
	}
	return nil
}

func lineageFromValue(v any) []string {
	switch x := v.(type) {
	case string:
		return SplitLineage(x)
	case []any:
		out := make([]string, 0, len(x))
		for _, r := range x {
			s, _ := r.(string)
			out = append(out, strings.TrimSpace(s))
		}
		for len(out) > 0 && out[len(out)-1] == "" {
			out = out[:len(out)-1]
		}
		return out
	}
	return nil
}

// checkIDs returns an error naming the first id that is repeated, empty,
// not valid UTF-8 or holds a control character (a tab or newline would
// break every tab-separated output; a flipped byte in a binary file often
// shows up this way). line gives an id's line (nil: unknown); dataset, when
// not empty, names where the ids are stored (HDF5).
func checkIDs(file, what string, ids []string, line func(i int) int, dataset string) error {
	perr := func(i int, id, format string, args ...any) error {
		l := 0
		if line != nil {
			l = line(i)
		}
		msg := fmt.Sprintf(format, args...)
		if dataset != "" {
			msg = fmt.Sprintf("%s entry %d: %s", dataset, i, msg)
		}
		return &ParseError{File: file, Line: l, ID: id, Msg: msg}
	}
	seen := make(map[string]int, len(ids))
	for i, id := range ids {
		if j, ok := seen[id]; ok {
			return perr(i, id, "duplicate %s id (also %s %d)", what, what, j+1)
		}
		switch {
		case id == "":
			return perr(i, "", "empty %s id (%s %d)", what, what, i+1)
		case !utf8.ValidString(id):
			return perr(i, id, "%s id %d is not valid UTF-8", what, i+1)
		case strings.IndexFunc(id, unicode.IsControl) >= 0:
			return perr(i, id, "%s id %d holds a control character", what, i+1)
		}
		seen[id] = i
	}
	return nil
}
