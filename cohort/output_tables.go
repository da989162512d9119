package cohort

import (
	"encoding/csv"
	"fmt"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/table"
)

// tablesFamily writes the cohort's rectangular tables, each as CSV and
// (except the truth tables) Parquet: subjects, samples, measurements,
// truth-abundance and, when the spec asks for truth variables,
// truth-trajectories.
type tablesFamily struct {
	lay                         *Layout
	subs, smps, meas, ab, truth *tabSink
	vals, rb                    []any
}

func newTablesFamily(lay *Layout, out, spill string, nq int) (_ *tablesFamily, err error) {
	f := &tablesFamily{lay: lay}
	defer func() {
		if err != nil {
			f.abort()
		}
	}()
	subCols := []col{{"subject", true}, {"index", false}}
	// The arm and covariates are echoed into every per-sample and
	// per-measurement table too, after the subject.
	var echo []col
	if len(lay.Arms) > 0 {
		echo = append(echo, col{"arm", true})
	}
	for _, c := range lay.Covs {
		echo = append(echo, col{c, true})
	}
	subCols = append(subCols, echo...)
	for _, p := range lay.Params {
		subCols = append(subCols, col{"param." + p, false})
	}
	for _, e := range lay.Endpoints {
		subCols = append(subCols, col{e, false})
	}
	for _, e := range lay.Conditions {
		subCols = append(subCols, col{e, false})
	}
	subCols = append(subCols, col{"status", true})
	withEcho := func(head []col, rest ...col) []col {
		return append(append(append([]col{}, head...), echo...), rest...)
	}
	smpCols := withEcho([]col{{"sample-id", true}, {"subject", true}}, col{"body-site", true}, col{"time", false}, col{"depth", false}, col{"reads", false}, col{"load_true", false})
	for r := 0; r < nq; r++ {
		smpCols = append(smpCols, col{fmt.Sprintf("qpcr_%d", r+1), false})
	}
	if f.subs, err = newTabSink(out, spill, FileSubjects, FileSubjectsParquet, subCols); err != nil {
		return nil, err
	}
	if f.smps, err = newTabSink(out, spill, FileSamples, FileSamplesParquet, smpCols); err != nil {
		return nil, err
	}
	if f.meas, err = newTabSink(out, spill, FileMeasurements, FileMeasurementsPQ, withEcho([]col{{"subject", true}}, col{"measurement", true}, col{"instrument", true}, col{"time", false}, col{"value", false}, col{"latent", false})); err != nil {
		return nil, err
	}
	if f.ab, err = newTabSink(out, spill, FileTruthAbundance, "", withEcho([]col{{"sample-id", true}, {"subject", true}}, col{"taxon", true}, col{"relative", false}, col{"reads", false})); err != nil {
		return nil, err
	}
	if len(lay.Truth) > 0 {
		if f.truth, err = newTabSink(out, spill, FileTruth, "", withEcho([]col{{"subject", true}}, col{"time", false}, col{"variable", true}, col{"value", false})); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *tablesFamily) sinks() []*tabSink {
	out := []*tabSink{f.subs, f.smps, f.meas, f.ab}
	if f.truth != nil {
		out = append(out, f.truth)
	}
	return out
}

func (f *tablesFamily) subject(r *subjectRow) error {
	s, lay := r.s, f.lay
	f.vals = append(append(f.vals[:0], r.id, float64(s.Index)), r.echo...)
	for _, v := range s.Params {
		f.vals = append(f.vals, v)
	}
	for _, v := range s.Endpoints {
		f.vals = append(f.vals, v)
	}
	for _, v := range s.Conditions {
		f.vals = append(f.vals, v)
	}
	f.vals = append(f.vals, r.status)
	if err := f.subs.write(f.vals); err != nil {
		return err
	}
	for mi, m := range lay.Measures {
		for ti, t := range lay.MeasureTimes[mi] {
			f.rb = append(append(append(f.rb[:0], r.id), r.echo...), m, lay.Instruments[mi], t, s.Measures[mi][ti], s.MeasTrue[mi][ti])
			if err := f.meas.write(f.rb); err != nil {
				return err
			}
		}
	}
	if f.truth != nil {
		for ti, t := range lay.TruthTimes {
			for qi, q := range lay.Truth {
				f.rb = append(append(append(f.rb[:0], r.id), r.echo...), t, q, s.Truth[ti][qi])
				if err := f.truth.write(f.rb); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (f *tablesFamily) sample(r *subjectRow, x *sampleRow) error {
	smp := x.smp
	f.vals = append(append(f.vals[:0], x.id, r.id), r.echo...)
	f.vals = append(f.vals, x.site, x.t, float64(smp.Depth), float64(x.reads), smp.Load)
	for _, q := range smp.QPCR {
		f.vals = append(f.vals, q)
	}
	if err := f.smps.write(f.vals); err != nil {
		return err
	}
	for mi, c := range smp.Counts {
		f.rb = append(append(append(f.rb[:0], x.id, r.id), r.echo...), f.lay.SiteMembers[x.j][mi], smp.Rel[mi], float64(c))
		if err := f.ab.write(f.rb); err != nil {
			return err
		}
	}
	return nil
}

func (f *tablesFamily) finish(*table.StreamWriter) ([]string, error) {
	var names []string
	for _, s := range f.sinks() {
		if err := s.commit(); err != nil {
			return nil, err
		}
	}
	for _, s := range f.sinks() {
		if err := s.csvF.Commit(); err != nil {
			return nil, err
		}
		names = append(names, s.csvName)
		if s.pqF != nil {
			if err := s.pqF.Commit(); err != nil {
				return nil, err
			}
			names = append(names, s.pqName)
		}
	}
	return names, nil
}

func (f *tablesFamily) abort() {
	for _, s := range []*tabSink{f.subs, f.smps, f.meas, f.ab, f.truth} {
		if s != nil {
			s.abort()
		}
	}
}

// col is an output column; str marks string columns.
type col struct {
	name string
	str  bool
}

// tabSink writes rows to a CSV file and a Parquet file with the same columns.
type tabSink struct {
	cols            []col
	csvName, pqName string
	csvF            *safefile.File
	csvW            *csv.Writer
	pqF             *safefile.File
	pqW             *parquet.Writer
	pqIdx           []int
	row             parquet.Row
	buf             []string
	rowBuf          []parquet.Row
}

// newTabSink creates the sink's files in dir; Parquet's column page buffers
// go to files in spill (in memory when spill is ""), so a row group's pages
// do not have to fit in memory.
func newTabSink(dir, spill, csvName, pqName string, cols []col) (*tabSink, error) {
	t := &tabSink{cols: cols, csvName: csvName, pqName: pqName}
	var err error
	if t.csvF, err = safefile.Create(filepath.Join(dir, csvName)); err != nil {
		return nil, err
	}
	t.csvW = csv.NewWriter(t.csvF)
	hdr := make([]string, len(cols))
	for i, c := range cols {
		hdr[i] = c.name
	}
	t.csvW.Write(hdr)
	if pqName != "" {
		g := parquet.Group{}
		for _, c := range cols {
			if c.str {
				g[c.name] = parquet.String()
			} else {
				g[c.name] = parquet.Leaf(parquet.DoubleType)
			}
		}
		schema := parquet.NewSchema("rows", g)
		pos := map[string]int{}
		for i, f := range schema.Fields() {
			pos[f.Name()] = i
		}
		for _, c := range cols {
			t.pqIdx = append(t.pqIdx, pos[c.name])
		}
		if t.pqF, err = safefile.Create(filepath.Join(dir, pqName)); err != nil {
			t.csvF.Abort()
			return nil, err
		}
		opts := []parquet.WriterOption{schema, parquet.CreatedBy("holobiont", "cohort", "")}
		if spill != "" {
			opts = append(opts, parquet.ColumnPageBuffers(parquet.NewFileBufferPool(spill, "parquet-page-*")))
		}
		t.pqW = parquet.NewWriter(t.pqF, opts...)
	}
	return t, nil
}

// write appends one row: each value is a string or a float64.
func (t *tabSink) write(vals []any) error {
	t.buf = t.buf[:0]
	if t.pqW != nil {
		t.row = make(parquet.Row, len(vals))
	}
	for i, v := range vals {
		switch x := v.(type) {
		case string:
			t.buf = append(t.buf, x)
			if t.pqW != nil {
				t.row[t.pqIdx[i]] = parquet.ByteArrayValue([]byte(x)).Level(0, 0, t.pqIdx[i])
			}
		case float64:
			t.buf = append(t.buf, fmtNum(x))
			if t.pqW != nil {
				t.row[t.pqIdx[i]] = parquet.DoubleValue(x).Level(0, 0, t.pqIdx[i])
			}
		default:
			return fmt.Errorf("internal: column %s: %T", t.cols[i].name, v)
		}
	}
	if t.pqW != nil {
		t.rowBuf = append(t.rowBuf, t.row)
		if len(t.rowBuf) >= 1024 {
			if _, err := t.pqW.WriteRows(t.rowBuf); err != nil {
				return err
			}
			t.rowBuf = t.rowBuf[:0]
		}
	}
	return t.csvW.Write(t.buf)
}

func (t *tabSink) commit() error {
	t.csvW.Flush()
	if err := t.csvW.Error(); err != nil {
		return err
	}
	if t.pqW != nil {
		if len(t.rowBuf) > 0 {
			if _, err := t.pqW.WriteRows(t.rowBuf); err != nil {
				return err
			}
		}
		if err := t.pqW.Close(); err != nil {
			return err
		}
	}
	return nil
}

func (t *tabSink) abort() {
	t.csvF.Abort()
	if t.pqF != nil {
		t.pqF.Abort()
	}
}
