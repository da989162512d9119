package table

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// JSONOptions controls WriteBIOMJSON.
type JSONOptions struct {
	ID          string    // table id ("No Table ID" when empty)
	Type        string    // "OTU table" when empty
	GeneratedBy string    // "holobiont" when empty
	Date        string    // "date" field verbatim (e.g. the input's Table.Created)
	Now         time.Time // date field when Date is empty; "" (no date) when both are zero
}

// WriteBIOMJSON writes t as a sparse BIOM 1.0 JSON table (rows =
// features with their taxonomy as observation metadata, columns = samples).
// Entries are written feature by feature, as biom-format does.
func WriteBIOMJSON(w io.Writer, t *Table, opt JSONOptions) error {
	if err := t.Validate(); err != nil {
		return err
	}
	opt = opt.withDefaults()
	bw := bufio.NewWriterSize(w, 1<<16)
	writeBIOMJSONRows(bw, opt, t.FeatureIDs, t.Taxonomy, t.NumSamples())
	for i, id := range t.SampleIDs {
		writeBIOMJSONColumn(bw, i, id)
	}
	bw.WriteString("],\n\"data\": [")
	ptr, idx, val := t.byFeature()
	first := true
	var num []byte
	for j := 0; j < t.NumFeatures(); j++ {
		for p := ptr[j]; p < ptr[j+1]; p++ {
			if !first {
				bw.WriteString(",\n")
			}
			first = false
			num = num[:0]
			num = append(num, '[')
			num = strconv.AppendInt(num, int64(j), 10)
			num = append(num, ',')
			num = strconv.AppendInt(num, int64(idx[p]), 10)
			num = append(num, ',')
			num = appendNumber(num, val[p])
			num = append(num, ']')
			bw.Write(num)
		}
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// appendNumber formats v exactly (shortest representation that reads back
// to the same float64), with ".0" for integers as biom-format writes them.
func appendNumber(b []byte, v float64) []byte {
	if v == float64(int64(v)) && v < 1e15 && v > -1e15 {
		b = strconv.AppendInt(b, int64(v), 10)
		return append(b, '.', '0')
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// byFeature returns the table compressed by feature (CSC): for feature j the
// sample indices idx[ptr[j]:ptr[j+1]] (ascending) and values.
func (t *Table) byFeature() (ptr []int, idx []int32, val []float64) {
	nf := t.NumFeatures()
	ptr = make([]int, nf+1)
	for _, j := range t.Indices {
		ptr[j+1]++
	}
	for j := 0; j < nf; j++ {
		ptr[j+1] += ptr[j]
	}
	idx = make([]int32, t.NNZ())
	val = make([]float64, t.NNZ())
	next := make([]int, nf)
	copy(next, ptr[:nf])
	for i := 0; i < t.NumSamples(); i++ {
		fi, fv := t.Sample(i)
		for k, j := range fi {
			p := next[j]
			idx[p] = int32(i)
			val[p] = fv[k]
			next[j] = p + 1
		}
	}
	return ptr, idx, val
}

// WriteTSV writes t as a classic tab-separated table, as `biom convert
// --to-tsv` does: a "# Constructed from biom file" line, the "#OTU ID" header,
// one line per feature, and a final "taxonomy" column ("; "-joined ranks)
// when t has a taxonomy.
func WriteTSV(w io.Writer, t *Table) error {
	if err := t.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("# Constructed from biom file\n#OTU ID")
	for _, id := range t.SampleIDs {
		if strings.ContainsAny(id, "\t\n\r") {
			return fmt.Errorf("write TSV: sample id %q contains a tab or newline", id)
		}
		bw.WriteByte('\t')
		bw.WriteString(id)
	}
	if t.Taxonomy != nil {
		bw.WriteString("\ttaxonomy")
	}
	bw.WriteByte('\n')
	ptr, idx, val := t.byFeature()
	row := make([]float64, t.NumSamples())
	var num []byte
	for j, id := range t.FeatureIDs {
		if strings.ContainsAny(id, "\t\n\r") {
			return fmt.Errorf("write TSV: feature id %q contains a tab or newline", id)
		}
		for p := ptr[j]; p < ptr[j+1]; p++ {
			row[idx[p]] = val[p]
		}
		bw.WriteString(id)
		for i, v := range row {
			num = append(num[:0], '\t')
			num = appendNumber(num, v)
			bw.Write(num)
			row[i] = 0
		}
		if t.Taxonomy != nil {
			bw.WriteByte('\t')
			bw.WriteString(strings.Join(t.Taxonomy[j], "; "))
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// WriteMetadata writes m as QIIME 2 metadata TSV: a "sample-id" header, the
// "#q2:types" row, then one row per id.
func WriteMetadata(w io.Writer, m *Metadata) error {
	bw := bufio.NewWriter(w)
	clean := func(s string) error {
		if strings.ContainsAny(s, "\t\n\r") {
			return fmt.Errorf("write metadata: %q contains a tab or newline", s)
		}
		return nil
	}
	bw.WriteString("sample-id")
	for _, c := range m.Columns {
		if err := clean(c); err != nil {
			return err
		}
		bw.WriteString("\t" + c)
	}
	bw.WriteString("\n#q2:types")
	for j := range m.Columns {
		typ := Categorical
		if j < len(m.Types) && m.Types[j] != "" {
			typ = m.Types[j]
		}
		bw.WriteString("\t" + typ)
	}
	bw.WriteByte('\n')
	for i, id := range m.IDs {
		if err := clean(id); err != nil {
			return err
		}
		bw.WriteString(id)
		for j := range m.Columns {
			v := ""
			if j < len(m.Values[i]) {
				v = m.Values[i][j]
			}
			if err := clean(v); err != nil {
				return err
			}
			bw.WriteString("\t" + v)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
