package series

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"
)

// ReadLong reads the long format of the forecasting benchmark from dir:
// abundance.tsv with columns subject, time, taxon, abundance (one row per
// subject, time and taxon; a taxon without a row in a sample is 0) and, when
// present, inputs.tsv with columns subject, time, input, value (an input's
// value at a time holds until the subject's next input row, the last one
// until its last sample). Abundances are absolute unless every sample sums
// to 1 within 1e-6 or relative is set.
func ReadLong(dir string, relative bool) (*Dataset, error) {
	return readLong(dirSource(dir), relative)
}

func readLong(src source, relative bool) (*Dataset, error) {
	af, err := src.readTSV("abundance.tsv")
	if err != nil {
		return nil, fmt.Errorf("read long format: %w", err)
	}
	d := &Dataset{Name: filepath.Base(filepath.Clean(src.dir)), Format: "long"}
	files, contents := []string{af.name}, [][]byte{af.data}
	samples, err := d.longAbundance(af)
	if err != nil {
		return nil, err
	}
	var inf *tsvFile
	if src.has("inputs.tsv") {
		if inf, err = src.readTSV("inputs.tsv"); err != nil {
			return nil, err
		}
		files, contents = append(files, inf.name), append(contents, inf.data)
		if d.Inputs, err = inf.distinct("input", "input name"); err != nil {
			return nil, err
		}
	}
	if err := d.assemble(samples); err != nil {
		return nil, err
	}
	if inf != nil {
		if err := d.longInputs(inf); err != nil {
			return nil, err
		}
	}
	d.Files, d.SHA256 = files, hashFiles(files, contents)
	d.Absolute = !relative && !sumsToOne(d)
	d.Unit = "relative"
	if d.Absolute {
		d.Unit = "as given in abundance.tsv"
	}
	return d, nil
}

// sumsToOne reports whether every sample's abundances sum to 1 within 1e-6.
func sumsToOne(d *Dataset) bool {
	for _, s := range d.Subjects {
		for _, row := range s.Abundance {
			t := 0.0
			for _, v := range row {
				t += v
			}
			if math.Abs(t-1) > 1e-6 {
				return false
			}
		}
	}
	return true
}

// longAbundance parses abundance.tsv into samples and d.Taxa.
func (d *Dataset) longAbundance(f *tsvFile) ([]sample, error) {
	cs, err := f.col("subject")
	if err != nil {
		return nil, err
	}
	ct, err := f.col("time")
	if err != nil {
		return nil, err
	}
	cx, err := f.col("taxon")
	if err != nil {
		return nil, err
	}
	ca, err := f.col("abundance", "value")
	if err != nil {
		return nil, err
	}
	type key struct {
		subject string
		time    float64
	}
	taxon := map[string]int{}
	where := map[key]int{} // sample index
	var samples []sample
	var vals [][]float64 // per sample, per taxon index (grown as taxa appear)
	seen := map[[2]int]bool{}
	for r := range f.rows {
		sub := f.cell(r, cs)
		if sub == "" {
			return nil, f.errf(r, cs, "", "empty subject")
		}
		t, err := f.number(r, ct, sub, "time", false)
		if err != nil {
			return nil, err
		}
		name := f.cell(r, cx)
		if name == "" {
			return nil, f.errf(r, cx, sub, "empty taxon name")
		}
		v, err := f.number(r, ca, sub, "abundance", true)
		if err != nil {
			return nil, err
		}
		i, ok := taxon[name]
		if !ok {
			i = len(d.Taxa)
			taxon[name] = i
			d.Taxa = append(d.Taxa, name)
		}
		k, ok := where[key{sub, t}]
		if !ok {
			k = len(samples)
			where[key{sub, t}] = k
			samples = append(samples, sample{id: sub + "@" + strconv.FormatFloat(t, 'g', -1, 64), subject: sub, time: t, file: f.name, line: f.lines[r]})
			vals = append(vals, nil)
		}
		if seen[[2]int{k, i}] {
			return nil, f.errf(r, cx, sub, "second row for taxon %q at time %g", name, t)
		}
		seen[[2]int{k, i}] = true
		for len(vals[k]) <= i {
			vals[k] = append(vals[k], 0)
		}
		vals[k][i] = v
	}
	if len(samples) == 0 {
		return nil, &ParseError{File: f.name, Msg: "no data rows"}
	}
	for k := range samples {
		row := make([]float64, len(d.Taxa))
		copy(row, vals[k])
		samples[k].abund = row
	}
	return samples, nil
}

// longInputs fills each subject's input signals from inputs.tsv.
func (d *Dataset) longInputs(f *tsvFile) error {
	cs, err := f.col("subject")
	if err != nil {
		return err
	}
	ct, err := f.col("time")
	if err != nil {
		return err
	}
	ci, _ := f.col("input")
	cv, err := f.col("value")
	if err != nil {
		return err
	}
	index := map[string]int{}
	for j, n := range d.Inputs {
		index[n] = j
	}
	type point struct {
		t, v float64
		r    int
	}
	pts := map[[2]int][]point{} // (subject, input) -> points
	subj := map[string]int{}
	for i, s := range d.Subjects {
		subj[s.ID] = i
	}
	for r := range f.rows {
		sub := f.cell(r, cs)
		si, ok := subj[sub]
		if !ok {
			return f.errf(r, cs, sub, "subject %q has no samples in abundance.tsv", sub)
		}
		t, err := f.number(r, ct, sub, "time", false)
		if err != nil {
			return err
		}
		v, err := f.number(r, cv, sub, "value", false)
		if err != nil {
			return err
		}
		k := [2]int{si, index[f.cell(r, ci)]}
		pts[k] = append(pts[k], point{t, v, r})
	}
	for k, ps := range pts {
		sort.SliceStable(ps, func(a, b int) bool { return ps[a].t < ps[b].t })
		s := &d.Subjects[k[0]]
		last := s.Times[len(s.Times)-1]
		for m, p := range ps {
			if m > 0 && p.t == ps[m-1].t {
				return f.errf(p.r, ct, s.ID, "second value of input %q at time %g", d.Inputs[k[1]], p.t)
			}
			end := last
			if m+1 < len(ps) {
				end = ps[m+1].t
			}
			if p.v != 0 && end > p.t {
				s.Inputs[k[1]] = appendPiece(s.Inputs[k[1]], p.t, end, p.v)
			}
		}
	}
	return nil
}
