package main

import (
	"fmt"
	"strings"

	"github.com/holobiont/holobiont/da"
	"github.com/holobiont/holobiont/table"
)

// study is a count table with its sample metadata aligned to it.
type study struct {
	t      *table.Table
	md     *table.Metadata
	rows   []int // metadata row of each table sample
	tPath  string
	mdPath string
}

// loadStudy reads TABLE (optionally with a taxonomy TSV and collapsed to a
// rank) and its metadata, failing when a sample has no metadata row.
func loadStudy(tablePath, mdPath, taxonomy, rank string) (*study, error) {
	t, err := table.Read(tablePath)
	if err != nil {
		return nil, err
	}
	if taxonomy != "" {
		tax, err := table.ReadTaxonomy(taxonomy)
		if err != nil {
			return nil, err
		}
		if missing := t.SetTaxonomy(tax); missing == t.NumFeatures() {
			return nil, fmt.Errorf("%s names none of the features of %s", taxonomy, tablePath)
		}
	}
	if rank != "" && rank != "none" {
		r, err := table.ParseRank(rank)
		if err != nil {
			return nil, fmt.Errorf("--rank: %w", err)
		}
		if t.Taxonomy == nil {
			return nil, fmt.Errorf("%s has no taxonomy to collapse to %s: give --taxonomy or --rank none", tablePath, rank)
		}
		t, err = table.Collapse(t, r, table.CollapseOptions{Synonyms: table.NewSynonyms(table.DefaultSynonyms()), ShortIDs: true})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", tablePath, err)
		}
	}
	s := &study{t: t, tPath: tablePath, mdPath: mdPath}
	if mdPath == "" {
		return s, nil
	}
	if s.md, err = table.ReadMetadata(mdPath); err != nil {
		return nil, err
	}
	if s.rows, err = s.md.Align(t.SampleIDs); err != nil {
		return nil, fmt.Errorf("%s vs %s: %w", tablePath, mdPath, err)
	}
	return s, nil
}

// column returns a metadata column aligned to the table's samples.
func (s *study) column(name string) ([]string, error) {
	v, ok := s.md.Column(name)
	if !ok {
		return nil, fmt.Errorf("%s has no column %q (columns: %s)", s.mdPath, name, strings.Join(s.md.Columns, ", "))
	}
	out := make([]string, len(s.rows))
	for i, r := range s.rows {
		out[i] = v[r]
	}
	return out, nil
}

// daColumns returns the named columns (that exist) for da.NewDesign.
func (s *study) daColumns(names ...string) map[string]da.Column {
	cols := map[string]da.Column{}
	for _, nm := range names {
		j := indexString(s.md.Columns, nm)
		if j < 0 {
			continue
		}
		v, _ := s.column(nm)
		cols[nm] = da.Column{Values: v, Numeric: s.md.Types[j] == table.Numeric}
	}
	return cols
}

// dense returns the table as a dense taxon × sample matrix.
func (s *study) dense() *da.Counts {
	t := s.t
	n, m := t.NumSamples(), t.NumFeatures()
	c := &da.Counts{Taxa: t.FeatureIDs, Samples: t.SampleIDs, X: make([]float64, m*n)}
	for j := 0; j < n; j++ {
		idx, vals := t.Sample(j)
		for k, f := range idx {
			c.X[int(f)*n+j] = vals[k]
		}
	}
	return c
}

func indexString(s []string, x string) int {
	for i, v := range s {
		if v == x {
			return i
		}
	}
	return -1
}
