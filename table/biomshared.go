package table

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/holobiont/holobiont/internal/safefile"
)

// This file holds the parts of the BIOM writers that the whole-table
// writers (WriteBIOMJSON, WriteHDF5) and the StreamWriter share, so that both
// produce the same bytes from one definition.

// withDefaults fills the empty fields of JSON options.
func (opt JSONOptions) withDefaults() JSONOptions {
	if opt.ID == "" {
		opt.ID = "No Table ID"
	}
	if opt.Type == "" {
		opt.Type = "OTU table"
	}
	if opt.GeneratedBy == "" {
		opt.GeneratedBy = "holobiont"
	}
	opt.Date = biomDate(opt.Date, opt.Now)
	return opt
}

// withDefaults fills the empty fields of HDF5 options.
func (opt HDF5Options) withDefaults() HDF5Options {
	if opt.ID == "" {
		opt.ID = "No Table ID"
	}
	if opt.GeneratedBy == "" {
		opt.GeneratedBy = "holobiont"
	}
	opt.Date = biomDate(opt.Date, opt.Now)
	return opt
}

// biomDate returns the creation date to write: date verbatim when set (an
// input's recorded date), else t formatted as biom-format writes dates, else
// "" (no date: the same table gives the same bytes on any day).
func biomDate(date string, t time.Time) string {
	if date != "" || t.IsZero() {
		return date
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000")
}

// jsonString returns s as a JSON string literal.
func jsonString(s string) []byte { b, _ := json.Marshal(s); return b }

// writeBIOMJSONRows writes the BIOM 1.0 header and the "rows" array (features
// with their taxonomy), up to the opening of "columns".
func writeBIOMJSONRows(bw *bufio.Writer, opt JSONOptions, features []string, taxonomy [][]string, ns int) {
	q := jsonString
	// biom-format writes counts as floats ("2183.0") with element type float.
	fmt.Fprintf(bw, `{"id": %s, "format": "Biological Observation Matrix 1.0.0", "format_url": "http://biom-format.org", "type": %s, "generated_by": %s, "date": %s, "matrix_type": "sparse", "matrix_element_type": %q, "shape": [%d, %d],`+"\n",
		q(opt.ID), q(opt.Type), q(opt.GeneratedBy), q(opt.Date), "float", len(features), ns)
	bw.WriteString(`"rows": [`)
	for j, id := range features {
		if j > 0 {
			bw.WriteString(",\n")
		}
		bw.WriteString(`{"id": `)
		bw.Write(q(id))
		bw.WriteString(`, "metadata": `)
		if taxonomy != nil && taxonomy[j] != nil {
			b, _ := json.Marshal(map[string][]string{"taxonomy": taxonomy[j]})
			bw.Write(b)
		} else {
			bw.WriteString("null")
		}
		bw.WriteString("}")
	}
	bw.WriteString("],\n\"columns\": [")
}

// writeBIOMJSONColumn writes the i-th entry of the "columns" array.
func writeBIOMJSONColumn(bw *bufio.Writer, i int, id string) {
	if i > 0 {
		bw.WriteString(",\n")
	}
	bw.WriteString(`{"id": `)
	bw.Write(jsonString(id))
	bw.WriteString(`, "metadata": null}`)
}

// biomMatrix writes the three datasets of a compressed sparse matrix
// (data, indices, indptr) in that order and returns their object headers.
type biomMatrix func() (data, indices, indptr uint64)

// writeBIOMHDF5 writes the group layout of a BIOM 2.1 file around datasets
// written by the callers' callbacks, in a fixed order (observation matrix,
// taxonomy, feature ids, sample matrix, sample ids), and finishes the file.
// check, when not nil, is consulted before the root group is written.
func writeBIOMHDF5(w *h5writer, opt HDF5Options, features []string, taxonomy [][]string, ns, nnz int,
	obsMatrix, smpMatrix biomMatrix, sampleIDs func() uint64, check func() error) error {
	nf := len(features)
	emptyGroup := func(name string) h5child {
		g, _ := w.group(nil, nil)
		return h5child{name: name, header: g.header, group: true, btree: g.btree, heap: g.heap}
	}
	sub := func(name string, g h5group) h5child {
		return h5child{name: name, header: g.header, group: true, btree: g.btree, heap: g.heap}
	}
	matrix := func(m biomMatrix) (h5group, error) {
		data, indices, indptr := m()
		return w.group([]h5child{
			{name: "data", header: data},
			{name: "indices", header: indices},
			{name: "indptr", header: indptr},
		}, nil)
	}
	// observation/
	omat, err := matrix(obsMatrix)
	if err != nil {
		return err
	}
	var omdChildren []h5child
	if taxonomy != nil {
		k := 0
		for _, lin := range taxonomy {
			k = max(k, len(lin))
		}
		if k > 0 {
			flat := make([]string, 0, nf*k)
			for _, lin := range taxonomy {
				for r := 0; r < k; r++ {
					x := ""
					if r < len(lin) {
						x = lin[r]
					}
					flat = append(flat, x)
				}
			}
			omdChildren = append(omdChildren, h5child{name: "taxonomy", header: w.strings(flat, uint64(nf), uint64(k))})
		}
	}
	omd, err := w.group(omdChildren, nil)
	if err != nil {
		return err
	}
	gm1 := emptyGroup("group-metadata")
	obs, err := w.group([]h5child{
		{name: "ids", header: w.strings(features)},
		sub("matrix", omat), sub("metadata", omd), gm1,
	}, nil)
	if err != nil {
		return err
	}
	// sample/
	smat, err := matrix(smpMatrix)
	if err != nil {
		return err
	}
	smd := emptyGroup("metadata")
	gm2 := emptyGroup("group-metadata")
	sids := sampleIDs()
	smp, err := w.group([]h5child{
		{name: "ids", header: sids},
		sub("matrix", smat), smd, gm2,
	}, nil)
	if err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	root, err := w.group([]h5child{sub("observation", obs), sub("sample", smp)}, []h5msg{
		h5StringAttr("id", opt.ID),
		h5StringAttr("type", opt.Type),
		h5StringAttr("format-url", "http://biom-format.org"),
		h5Int64Attr("format-version", 2, 1),
		h5StringAttr("generated-by", opt.GeneratedBy),
		h5StringAttr("creation-date", opt.Date),
		h5Int64Attr("shape", int64(nf), int64(ns)),
		h5Int64Attr("nnz", int64(nnz)),
	})
	if err != nil {
		return err
	}
	return w.finish(root)
}

// writeFileAtomic writes path through internal/safefile: under a temporary
// name, renamed when write has succeeded and ctx is not cancelled, removed
// otherwise.
func writeFileAtomic(ctx context.Context, path string, write func(*os.File) error) error {
	f, err := safefile.CreateContext(ctx, path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer f.Abort()
	if err := write(f.File); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}
