package series

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"sort"

	"github.com/holobiont/holobiont/table"
)

// ReadMDSINE2 reads an MDSINE2 input folder: metadata.tsv (sampleID,
// subject, time), counts.tsv or reads.tsv (taxa × samples), and, when
// present, qpcr.tsv (sampleID, then one column per replicate) and
// perturbations.tsv (name, start, end, subject). With qPCR the abundances
// are absolute: relative abundance × geometric mean of the sample's
// replicates.
func ReadMDSINE2(dir string) (*Dataset, error) {
	return readMDSINE2(dirSource(dir))
}

func readMDSINE2(src source) (*Dataset, error) {
	d := &Dataset{Name: filepath.Base(filepath.Clean(src.dir)), Format: "mdsine2"}
	var files []string
	var contents [][]byte
	add := func(p string, b []byte) { files, contents = append(files, p), append(contents, b) }

	mf, err := src.readTSV("metadata.tsv")
	if err != nil {
		return nil, fmt.Errorf("read MDSINE2: %w", err)
	}
	mpath := mf.name
	add(mpath, mf.data)
	meta, err := mdsine2Metadata(mf)
	if err != nil {
		return nil, err
	}

	cname := "counts.tsv"
	if !src.has(cname) && src.has("reads.tsv") {
		cname = "reads.tsv"
	}
	cpath := src.path(cname)
	cdata, err := src.read(cname)
	if err != nil {
		return nil, fmt.Errorf("read MDSINE2: %w (want counts.tsv or reads.tsv)", err)
	}
	add(cpath, cdata)
	tab, err := table.ReadTSV(bytes.NewReader(cdata), cpath)
	if err != nil {
		return nil, err
	}
	d.Taxa = append([]string(nil), tab.FeatureIDs...)
	dense := tab.Dense()
	col := map[string]int{}
	for k, id := range tab.SampleIDs {
		col[id] = k
		if _, ok := meta.row[id]; !ok {
			return nil, &ParseError{File: cpath, Line: 1, Col: k + 2, ID: id, Msg: fmt.Sprintf("sample is not in %s", mpath)}
		}
	}
	samples := make([]sample, len(meta.ids))
	for r, id := range meta.ids {
		k, ok := col[id]
		if !ok {
			return nil, &ParseError{File: mpath, Line: meta.lines[r], ID: id, Msg: fmt.Sprintf("sample has no column in %s", cpath)}
		}
		samples[r] = sample{id: id, subject: meta.subjects[r], time: meta.times[r], file: mpath, line: meta.lines[r], abund: dense[k]}
	}
	if err := toRelative(samples, cpath); err != nil {
		return nil, err
	}
	d.Unit = "relative"

	if src.has("qpcr.tsv") {
		qf, err := src.readTSV("qpcr.tsv")
		if err != nil {
			return nil, fmt.Errorf("read MDSINE2: %w", err)
		}
		qpath := qf.name
		add(qpath, qf.data)
		mass, err := qpcrMeans(qf, meta.row)
		if err != nil {
			return nil, err
		}
		for r := range samples {
			m, ok := mass[samples[r].id]
			if !ok {
				return nil, &ParseError{File: mpath, Line: samples[r].line, ID: samples[r].id, Msg: fmt.Sprintf("sample has no row in %s", qpath)}
			}
			for i := range samples[r].abund {
				samples[r].abund[i] *= m
			}
		}
		d.Absolute, d.Unit = true, "qPCR units (relative abundance x geometric mean of the qpcr.tsv replicates)"
	}

	var pf *tsvFile
	if src.has("perturbations.tsv") {
		if pf, err = src.readTSV("perturbations.tsv"); err != nil {
			return nil, fmt.Errorf("read MDSINE2: %w", err)
		}
		add(pf.name, pf.data)
		if d.Inputs, err = pf.distinct("name", "perturbation name"); err != nil {
			return nil, err
		}
	}
	if err := d.assemble(samples); err != nil {
		return nil, err
	}
	if pf != nil {
		if err := d.perturbations(pf); err != nil {
			return nil, err
		}
	}
	d.Files, d.SHA256 = files, hashFiles(files, contents)
	return d, nil
}

// mdsine2Meta is metadata.tsv parsed.
type mdsine2Meta struct {
	ids, subjects []string
	times         []float64
	lines         []int
	row           map[string]int
}

func mdsine2Metadata(f *tsvFile) (*mdsine2Meta, error) {
	ci, err := f.col("sampleID")
	if err != nil {
		ci = 0 // pandas index_col=0
	}
	cs, err := f.col("subject")
	if err != nil {
		return nil, err
	}
	ct, err := f.col("time")
	if err != nil {
		return nil, err
	}
	m := &mdsine2Meta{row: map[string]int{}}
	for r := range f.rows {
		id := f.cell(r, ci)
		if id == "" {
			return nil, f.errf(r, ci, "", "empty sample id")
		}
		if p, dup := m.row[id]; dup {
			return nil, f.errf(r, ci, id, "sample id repeated (first on line %d)", m.lines[p])
		}
		sub := f.cell(r, cs)
		if sub == "" {
			return nil, f.errf(r, cs, id, "empty subject")
		}
		t, err := f.number(r, ct, id, "time", false)
		if err != nil {
			return nil, err
		}
		m.row[id] = len(m.ids)
		m.ids, m.subjects, m.times, m.lines = append(m.ids, id), append(m.subjects, sub), append(m.times, t), append(m.lines, f.lines[r])
	}
	if len(m.ids) == 0 {
		return nil, &ParseError{File: f.name, Msg: "no samples"}
	}
	return m, nil
}

// toRelative divides each sample's counts by their total; a sample with no
// reads is an error.
func toRelative(samples []sample, file string) error {
	for r := range samples {
		tot := 0.0
		for _, v := range samples[r].abund {
			tot += v
		}
		if !(tot > 0) {
			return &ParseError{File: file, ID: samples[r].id, Msg: fmt.Sprintf("sample of subject %q at time %g has no reads (all counts zero)", samples[r].subject, samples[r].time)}
		}
		for i := range samples[r].abund {
			samples[r].abund[i] /= tot
		}
	}
	return nil
}

// qpcrMeans reads qpcr.tsv: the first column (or sampleID) names the sample,
// the others are replicates. Every row must have as many cells as the
// header; empty or NA cells are missing replicates. The result is the
// geometric mean of each sample's replicates present.
func qpcrMeans(f *tsvFile, known map[string]int) (map[string]float64, error) {
	ci, err := f.col("sampleID")
	if err != nil {
		ci = 0
	}
	if len(f.header) < 2 {
		return nil, &ParseError{File: f.name, Line: 1, Msg: "no replicate columns (want sampleID then one column per qPCR replicate)"}
	}
	out := map[string]float64{}
	for r, row := range f.rows {
		id := f.cell(r, ci)
		if len(row) != len(f.header) {
			return nil, f.errf(r, -1, id, "%d cells but the header has %d: every sample needs one cell per replicate column (leave a missing replicate empty or NA)", len(row), len(f.header))
		}
		if _, ok := known[id]; !ok {
			return nil, f.errf(r, ci, id, "sample is not in metadata.tsv")
		}
		if _, dup := out[id]; dup {
			return nil, f.errf(r, ci, id, "second qPCR row for the sample")
		}
		logSum, n := 0.0, 0
		for j := range row {
			if j == ci || isMissing(row[j]) {
				continue
			}
			v, err := f.number(r, j, id, "qPCR value", true)
			if err != nil {
				return nil, err
			}
			if v == 0 {
				return nil, f.errf(r, j, id, "qPCR value 0: a sample's biomass must be positive (leave the cell empty if the replicate failed)")
			}
			logSum += math.Log(v)
			n++
		}
		if n == 0 {
			return nil, f.errf(r, -1, id, "no qPCR replicate value")
		}
		out[id] = math.Exp(logSum / float64(n))
	}
	return out, nil
}

// perturbations sets each subject's input windows from perturbations.tsv.
// Windows of one perturbation that overlap within a subject are an error.
func (d *Dataset) perturbations(f *tsvFile) error {
	cn, _ := f.col("name")
	cs, err := f.col("subject")
	if err != nil {
		return err
	}
	c0, err := f.col("start")
	if err != nil {
		return err
	}
	c1, err := f.col("end")
	if err != nil {
		return err
	}
	input := map[string]int{}
	for j, n := range d.Inputs {
		input[n] = j
	}
	type win struct {
		a, b float64
		r    int
	}
	wins := map[[2]int][]win{}
	for r := range f.rows {
		name, sub := f.cell(r, cn), f.cell(r, cs)
		si := subjectIndex(d, sub)
		if si < 0 {
			return f.errf(r, cs, sub, "perturbation %q names subject %q, which has no samples", name, sub)
		}
		a, err := f.number(r, c0, sub, "start", false)
		if err != nil {
			return err
		}
		b, err := f.number(r, c1, sub, "end", false)
		if err != nil {
			return err
		}
		if b < a {
			return f.errf(r, c1, sub, "perturbation %q ends (%g) before it starts (%g)", name, b, a)
		}
		k := [2]int{si, input[name]}
		wins[k] = append(wins[k], win{a, b, r})
	}
	keys := make([][2]int, 0, len(wins))
	for k := range wins {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		ws := wins[k]
		sort.SliceStable(ws, func(i, j int) bool { return ws[i].a < ws[j].a })
		s := &d.Subjects[k[0]]
		for m, w := range ws {
			if m > 0 && w.a < ws[m-1].b {
				return f.errf(w.r, c0, s.ID, "perturbation %q window (%g, %g] overlaps its window (%g, %g] on line %d for subject %q",
					d.Inputs[k[1]], w.a, w.b, ws[m-1].a, ws[m-1].b, f.lines[ws[m-1].r], s.ID)
			}
			if w.b > w.a {
				s.Inputs[k[1]] = append(s.Inputs[k[1]], Piece{Start: w.a, End: w.b, Value: 1})
			}
		}
	}
	return nil
}

func subjectIndex(d *Dataset, id string) int {
	for i := range d.Subjects {
		if d.Subjects[i].ID == id {
			return i
		}
	}
	return -1
}
