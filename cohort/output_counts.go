package cohort

import (
	"bufio"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/table"
)

// countsFamily streams every sample's read counts into the cohort's count
// table (spilled to disk, so memory does not grow with n) and writes it as
// BIOM 2.1 (HDF5) and BIOM 1.0 (JSON). The MDSINE families write their
// counts from the same table.
type countsFamily struct {
	lay  *Layout
	out  string
	sw   *table.StreamWriter
	idx  []int32
	val  []float64
	ents []featureCount
}

type featureCount struct {
	f int32
	v float64
}

func newCountsFamily(lay *Layout, spill string) (*countsFamily, error) {
	sw, err := table.NewStreamWriter(spill, lay.Features, lay.Taxonomy)
	if err != nil {
		return nil, err
	}
	return &countsFamily{lay: lay, sw: sw}, nil
}

func (f *countsFamily) subject(*subjectRow) error { return nil }

func (f *countsFamily) sample(r *subjectRow, x *sampleRow) error {
	f.ents = f.ents[:0]
	for mi, c := range x.smp.Counts {
		if c > 0 {
			f.ents = append(f.ents, featureCount{int32(f.lay.SiteFeature[x.j][mi]), float64(c)})
		}
	}
	sort.Slice(f.ents, func(a, b int) bool { return f.ents[a].f < f.ents[b].f })
	f.idx, f.val = f.idx[:0], f.val[:0]
	for _, e := range f.ents {
		f.idx = append(f.idx, e.f)
		f.val = append(f.val, e.v)
	}
	return f.sw.Add(x.id, f.idx, f.val)
}

// finish writes counts.json.biom and counts.biom into the output directory
// (set by the caller through out).
func (f *countsFamily) finish(*table.StreamWriter) ([]string, error) {
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := safefile.WriteWith(filepath.Join(f.out, FileBIOMJSON), func(w *bufio.Writer) error {
		return f.sw.WriteBIOMJSON(w, table.JSONOptions{ID: f.lay.Name, GeneratedBy: "holobiont cohort", Now: epoch})
	}); err != nil {
		return nil, err
	}
	if err := f.sw.WriteHDF5(filepath.Join(f.out, FileBIOM), table.HDF5Options{ID: f.lay.Name, GeneratedBy: "holobiont cohort", Now: epoch}); err != nil {
		return nil, err
	}
	return []string{FileBIOM, FileBIOMJSON}, nil
}

func (f *countsFamily) abort() {}

// metadataFamily writes sample-metadata.tsv for QIIME 2, phyloseq and
// `holobiont analyze`: per sample the subject, body site, time, arm,
// covariates, the measurements nearest the sample's time, depth, mean qPCR
// and status.
type metadataFamily struct {
	lay *Layout
	f   *safefile.File
	w   *bufio.Writer
	row []string
}

func newMetadataFamily(lay *Layout, out string) (*metadataFamily, error) {
	cols := []string{"subject", "body-site", "time"}
	types := []string{"categorical", "categorical", "numeric"}
	if len(lay.Arms) > 0 {
		cols = append(cols, "arm")
		types = append(types, "categorical")
	}
	for i, c := range lay.Covs {
		cols = append(cols, c)
		if i < len(lay.CovNumeric) && lay.CovNumeric[i] {
			types = append(types, "numeric")
		} else {
			types = append(types, "categorical")
		}
	}
	for _, m := range lay.Measures {
		cols = append(cols, m)
		types = append(types, "numeric")
	}
	cols = append(cols, "depth", "qpcr_mean", "status")
	types = append(types, "numeric", "numeric", "categorical")
	f, err := safefile.Create(filepath.Join(out, FileMetadata))
	if err != nil {
		return nil, err
	}
	m := &metadataFamily{lay: lay, f: f, w: bufio.NewWriterSize(f, 1<<16)}
	m.w.WriteString("sample-id\t" + strings.Join(cols, "\t") + "\n")
	if lay.TypesRow {
		m.w.WriteString("#q2:types\t" + strings.Join(types, "\t") + "\n")
	}
	return m, nil
}

func (m *metadataFamily) subject(*subjectRow) error { return nil }

func (m *metadataFamily) sample(r *subjectRow, x *sampleRow) error {
	s := r.s
	m.row = append(m.row[:0], r.id, x.site, formatFloat(x.t))
	if len(m.lay.Arms) > 0 {
		m.row = append(m.row, r.arm)
	}
	m.row = append(m.row, s.Covs...)
	for mi := range m.lay.Measures {
		m.row = append(m.row, fmtNum(nearest(m.lay.MeasureTimes[mi], s.Measures[mi], x.t)))
	}
	st := "ok"
	if s.Err != "" {
		st = "failed"
	}
	m.row = append(m.row, formatFloat(float64(x.smp.Depth)), fmtNum(x.qmean), st)
	for _, v := range m.row {
		if strings.ContainsAny(v, "\t\n") {
			return fmt.Errorf("metadata value %q contains a tab or newline", v)
		}
	}
	m.w.WriteString(x.id + "\t" + strings.Join(m.row, "\t") + "\n")
	return nil
}

func (m *metadataFamily) finish(*table.StreamWriter) ([]string, error) {
	if err := m.w.Flush(); err != nil {
		return nil, err
	}
	if err := m.f.Commit(); err != nil {
		return nil, err
	}
	return []string{FileMetadata}, nil
}

func (m *metadataFamily) abort() { m.f.Abort() }
