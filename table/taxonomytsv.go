package table

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/holobiont/holobiont/internal/bom"
)

// ReadTaxonomy reads a feature taxonomy TSV: QIIME 2's "Feature ID<TAB>Taxon
// [<TAB>Confidence]" (taxonomy.qza's taxonomy.tsv), or a phyloseq-style
// table with one column per rank (header "OTU<TAB>Kingdom<TAB>Phylum ...").
// It returns the lineage of each feature id. A QIIME 2 FeatureData[Taxonomy]
// artifact (.qza) is read from its data/taxonomy.tsv.
func ReadTaxonomy(path string) (map[string][]string, error) {
	if isZip(path) {
		b, err := openQZA(path, "taxonomy.tsv")
		if err != nil {
			return nil, err
		}
		return ParseTaxonomy(bytes.NewReader(b), path+":taxonomy.tsv")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read taxonomy: %w", err)
	}
	defer f.Close()
	return ParseTaxonomy(f, path)
}

// ParseTaxonomy reads a taxonomy TSV from r (see ReadTaxonomy).
func ParseTaxonomy(r io.Reader, name string) (map[string][]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	out := map[string][]string{}
	line := 0
	var header []string
	perRank := false
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			s = bom.TrimString(s)
		}
		if strings.TrimSpace(s) == "" || (header != nil && strings.HasPrefix(s, "#")) {
			continue
		}
		cells := strings.Split(s, "\t")
		if header == nil {
			header = cells
			if len(cells) < 2 {
				return nil, &ParseError{File: name, Line: line, Msg: "taxonomy header needs an id column and a taxon column"}
			}
			h := strings.ToLower(strings.TrimSpace(cells[1]))
			perRank = !(h == "taxon" || h == "taxonomy" || h == "consensus lineage" || h == "lineage")
			continue
		}
		id := strings.TrimSpace(cells[0])
		if id == "" {
			return nil, &ParseError{File: name, Line: line, Col: 1, Msg: "empty feature id"}
		}
		if _, dup := out[id]; dup {
			return nil, &ParseError{File: name, Line: line, Col: 1, ID: id, Msg: "duplicate feature id"}
		}
		if len(cells) > len(header) {
			return nil, &ParseError{File: name, Line: line, ID: id, Msg: fmt.Sprintf("ragged row: %d cells, the header has %d", len(cells), len(header))}
		}
		if perRank {
			lin := make([]string, 0, len(cells)-1)
			for _, c := range cells[1:] {
				c = strings.TrimSpace(c)
				if c == "NA" {
					c = ""
				}
				lin = append(lin, c)
			}
			for len(lin) > 0 && lin[len(lin)-1] == "" {
				lin = lin[:len(lin)-1]
			}
			out[id] = lin
		} else if len(cells) > 1 {
			out[id] = SplitLineage(cells[1])
		} else {
			out[id] = nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: name, Line: line + 1, Msg: "read error", Err: err}
	}
	if header == nil {
		return nil, &ParseError{File: name, Msg: "empty taxonomy file"}
	}
	return out, nil
}

// SetTaxonomy fills t.Taxonomy from a feature id → lineage map. Features
// without an entry get a nil (unassigned) lineage; it returns how many.
func (t *Table) SetTaxonomy(tax map[string][]string) (missing int) {
	t.Taxonomy = make([][]string, t.NumFeatures())
	for j, id := range t.FeatureIDs {
		lin, ok := tax[id]
		if !ok {
			missing++
		}
		t.Taxonomy[j] = lin
	}
	return missing
}

// isZip reports whether the file starts with the zip signature.
func isZip(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	return string(head[:n]) == zipMagic
}
