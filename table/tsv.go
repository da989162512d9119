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
	var (
		line      int
		header    []string
		taxCol    = -1
		ns        int
		t         = &Table{}
		trip      triplets
		tax       [][]string
		haveTax   bool
		featLines []int32
	)
	perr := func(col int, id, format string, args ...any) error {
		return &ParseError{File: name, Line: line, Col: col, ID: id, Msg: fmt.Sprintf(format, args...)}
	}
	for sc.Scan() {
		line++
		b := sc.Bytes()
		b = bytes.TrimRight(b, "\r")
		if line == 1 {
			b = bom.Trim(b)
		}
		if header == nil {
			if len(bytes.TrimSpace(b)) == 0 {
				continue
			}
			if b[0] == '#' && !isOTUHeader(b) {
				continue // comment
			}
			header = strings.Split(string(b), "\t")
			// Drop trailing empty header cells (some writers end lines with a tab).
			for len(header) > 1 && strings.TrimSpace(header[len(header)-1]) == "" {
				header = header[:len(header)-1]
			}
			if len(header) < 2 {
				return nil, perr(1, "", "the header names no samples: a table starts with \"#OTU ID<TAB>sample id<TAB>...\" (is this a tab-separated table?)")
			}
			last := strings.TrimSpace(header[len(header)-1])
			if len(header) > 1 && isTaxonomyHeader(last) {
				taxCol = len(header) - 1
			}
			ns = len(header) - 1
			if taxCol >= 0 {
				ns--
			}
			t.SampleIDs = make([]string, ns)
			for i := 0; i < ns; i++ {
				t.SampleIDs[i] = strings.TrimSpace(header[i+1])
			}
			if err := checkIDs(name, "sample", t.SampleIDs, func(int) int { return line }, ""); err != nil {
				return nil, err
			}
			continue
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		if b[0] == '#' {
			continue // comment inside the table
		}
		f := len(t.FeatureIDs)
		if f >= 1<<31-1 {
			return nil, perr(0, "", "too many features")
		}
		// Walk the fields without allocating.
		field := 0
		var id string
		rest := b
		want := ns + 1
		if taxCol >= 0 {
			want++
		}
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
					return nil, perr(1, "", "empty feature id")
				}
			case field <= ns:
				cell = bytes.TrimSpace(cell)
				v, ok := parseNumber(cell)
				if !ok {
					if len(cell) == 0 {
						return nil, perr(field+1, id, "blank count for sample %q", t.SampleIDs[field-1])
					}
					if n := bytes.Count(b, []byte{'\t'}) + 1; n != want {
						return nil, perr(field+1, id, "non-numeric count %q for sample %q: the row has %d fields, the header %d (a count missing?)", cell, t.SampleIDs[field-1], n, want)
					}
					return nil, perr(field+1, id, "non-numeric count %q for sample %q", cell, t.SampleIDs[field-1])
				}
				if v != 0 {
					if msg := checkCount(v); msg != "" {
						return nil, perr(field+1, id, "%s for sample %q", msg, t.SampleIDs[field-1])
					}
					trip.add(int32(field-1), int32(f), v)
				}
			case field == taxCol:
				lin := SplitLineage(string(cell))
				if tax == nil {
					tax = make([][]string, f, f+1)
				}
				tax = append(tax, lin)
				haveTax = true
			default:
				if len(bytes.TrimSpace(cell)) != 0 {
					return nil, perr(field+1, id, "ragged row: more than the %d fields of the header", want)
				}
			}
			field++
			if k < 0 {
				break
			}
			rest = rest[k+1:]
		}
		if field < want {
			if !(taxCol >= 0 && field == want-1) {
				return nil, perr(field, id, "ragged row: %d fields, the header has %d", field, want)
			}
			// A missing taxonomy cell at the end of the line: no lineage.
			if tax == nil {
				tax = make([][]string, f, f+1)
			}
			tax = append(tax, nil)
		}
		t.FeatureIDs = append(t.FeatureIDs, id)
		featLines = append(featLines, int32(line))
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: name, Line: line + 1, Msg: "read error", Err: err}
	}
	if header == nil {
		return nil, &ParseError{File: name, Line: line, Msg: "no header line (\"#OTU ID<TAB>sample ids...\")"}
	}
	if err := checkIDs(name, "feature", t.FeatureIDs, func(i int) int { return int(featLines[i]) }, ""); err != nil {
		return nil, err
	}
	var ds, df int
	var err error
	t.Indptr, t.Indices, t.Data, ds, df, err = trip.csr(ns)
	if err != nil {
		return nil, &ParseError{File: name, ID: t.FeatureIDs[df] + "/" + t.SampleIDs[ds], Msg: "duplicate entry"}
	}
	if haveTax {
		t.Taxonomy = tax
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
