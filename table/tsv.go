package table

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/holobiont/holobiont/internal/bom"
)

// ReadTSV reads a classic tab-separated OTU table: optional comment lines
// starting with '#' (such as "# Constructed from biom file"), a header line
// "#OTU ID<TAB>sample...[<TAB>taxonomy]" (any first cell is accepted when the
// header does not start with '#'), then one line per feature. A last column
// named taxonomy, Taxonomy, Consensus Lineage or ConsensusLineage holds the
// lineage ("; "-separated ranks). Blank lines are skipped. Counts must be
// non-negative finite numbers; a blank cell is an error.
func ReadTSV(r io.Reader, name string) (*Table, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<31-1)
	p := &tsvReader{name: name, t: &Table{}, taxCol: -1}
	var featLines []int32 // each feature's line
	for sc.Scan() {
		p.line++
		b := sc.Bytes()
		b = bytes.TrimRight(b, "\r")
		if p.line == 1 {
			b = bom.Trim(b)
		}
		switch {
		case len(bytes.TrimSpace(b)) == 0:
			continue
		case !p.haveHeader:
			if b[0] == '#' && !isOTUHeader(b) {
				continue // comment
			}
			if err := p.header(b); err != nil {
				return nil, err
			}
		case b[0] == '#':
			continue // comment inside the table
		default:
			if err := p.row(b); err != nil {
				return nil, err
			}
			featLines = append(featLines, int32(p.line))
		}
	}
	return p.finish(sc.Err(), featLines)
}

// tsvReader is the state of ReadTSV.
type tsvReader struct {
	name       string
	line       int
	haveHeader bool
	ns         int // samples
	taxCol     int // the taxonomy column, -1 for none
	want       int // fields in a row
	t          *Table
	trip       triplets
	tax        [][]string
	haveTax    bool
}

func (p *tsvReader) errf(col int, id, format string, args ...any) error {
	return &ParseError{File: p.name, Line: p.line, Col: col, ID: id, Msg: fmt.Sprintf(format, args...)}
}

// header reads the header line b: the sample ids and whether the last
// column holds the taxonomy.
func (p *tsvReader) header(b []byte) error {
	header := strings.Split(string(b), "\t")
	// Drop trailing empty header cells (some writers end lines with a tab).
	for len(header) > 1 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1]
	}
	if len(header) < 2 {
		return p.errf(1, "", "the header names no samples: a table starts with \"#OTU ID<TAB>sample id<TAB>...\" (is this a tab-separated table?)")
	}
	if isTaxonomyHeader(strings.TrimSpace(header[len(header)-1])) {
		p.taxCol = len(header) - 1
	}
	p.ns = len(header) - 1
	p.want = p.ns + 1
	if p.taxCol >= 0 {
		p.ns--
	}
	p.t.SampleIDs = make([]string, p.ns)
	for i := 0; i < p.ns; i++ {
		p.t.SampleIDs[i] = strings.TrimSpace(header[i+1])
	}
	p.haveHeader = true
	return checkIDs(p.name, "sample", p.t.SampleIDs, func(int) int { return p.line }, "")
}

// row reads the feature line b: its id, counts and lineage.
func (p *tsvReader) row(b []byte) error {
	f := len(p.t.FeatureIDs)
	if f >= 1<<31-1 {
		return p.errf(0, "", "too many features")
	}
	// Walk the fields without allocating.
	field := 0
	var id string
	rest := b
	for {
		k := bytes.IndexByte(rest, '\t')
		var cell []byte
		if k < 0 {
			cell = rest
		} else {
			cell = rest[:k]
		}
		switch {
		case field == 0:
			id = string(bytes.TrimSpace(cell))
			if id == "" {
				return p.errf(1, "", "empty feature id")
			}
		case field <= p.ns:
			cell = bytes.TrimSpace(cell)
			v, ok := parseNumber(cell)
			if !ok {
				return p.badCount(b, cell, field, id)
			}
			if v != 0 {
				if msg := checkCount(v); msg != "" {
					return p.errf(field+1, id, "%s for sample %q", msg, p.t.SampleIDs[field-1])
				}
				p.trip.add(int32(field-1), int32(f), v)
			}
		case field == p.taxCol:
			p.addLineage(f, SplitLineage(string(cell)))
			p.haveTax = true
		default:
			if len(bytes.TrimSpace(cell)) != 0 {
				return p.errf(field+1, id, "ragged row: more than the %d fields of the header", p.want)
			}
		}
		field++
		if k < 0 {
			break
		}
		rest = rest[k+1:]
	}
	if field < p.want {
		if !(p.taxCol >= 0 && field == p.want-1) {
			return p.errf(field, id, "ragged row: %d fields, the header has %d", field, p.want)
		}
		// A missing taxonomy cell at the end of the line: no lineage.
		p.addLineage(f, nil)
	}
	p.t.FeatureIDs = append(p.t.FeatureIDs, id)
	return nil
}

// badCount is the error for the count cell (field) of row b that is not a
// number.
func (p *tsvReader) badCount(b, cell []byte, field int, id string) error {
	if len(cell) == 0 {
		return p.errf(field+1, id, "blank count for sample %q", p.t.SampleIDs[field-1])
	}
	if n := bytes.Count(b, []byte{'\t'}) + 1; n != p.want {
		return p.errf(field+1, id, "non-numeric count %q for sample %q: the row has %d fields, the header %d (a count missing?)", cell, p.t.SampleIDs[field-1], n, p.want)
	}
	return p.errf(field+1, id, "non-numeric count %q for sample %q", cell, p.t.SampleIDs[field-1])
}

// addLineage sets feature f's lineage.
func (p *tsvReader) addLineage(f int, lin []string) {
	if p.tax == nil {
		p.tax = make([][]string, f, f+1)
	}
	p.tax = append(p.tax, lin)
}

// finish checks the feature ids (found on featLines) and builds the sparse
// matrix once the input (which ended with scanErr) is read.
func (p *tsvReader) finish(scanErr error, featLines []int32) (*Table, error) {
	if scanErr != nil {
		return nil, &ParseError{File: p.name, Line: p.line + 1, Msg: "read error", Err: scanErr}
	}
	if !p.haveHeader {
		return nil, &ParseError{File: p.name, Line: p.line, Msg: "no header line (\"#OTU ID<TAB>sample ids...\")"}
	}
	t := p.t
	if err := checkIDs(p.name, "feature", t.FeatureIDs, func(i int) int { return int(featLines[i]) }, ""); err != nil {
		return nil, err
	}
	var ds, df int
	var err error
	t.Indptr, t.Indices, t.Data, ds, df, err = p.trip.csr(p.ns)
	if err != nil {
		return nil, &ParseError{File: p.name, ID: t.FeatureIDs[df] + "/" + t.SampleIDs[ds], Msg: "duplicate entry"}
	}
	if p.haveTax {
		t.Taxonomy = p.tax
	}
	return t, nil
}

func isOTUHeader(b []byte) bool {
	s := strings.ToLower(string(b[:min(len(b), 16)]))
	for _, p := range []string{"#otu id", "#otuid", "#otu_id", "#feature id", "#featureid", "#sampleid", "#taxon", "#otu"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func isTaxonomyHeader(s string) bool {
	switch strings.ToLower(s) {
	case "taxonomy", "consensus lineage", "consensuslineage", "taxon", "lineage":
		return true
	}
	return false
}
