package series

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/holobiont/holobiont/table"
)

// Columns names the sample-metadata columns ReadTable uses.
type Columns struct {
	Subject, Time string
	// Biomass names qPCR or biomass replicate columns (optional): with
	// them the abundances are absolute.
	Biomass []string
	// Inputs names numeric input columns (optional); a sample's value holds
	// until the subject's next sample.
	Inputs []string
}

// ReadTable reads a count table in any format package table reads (BIOM 1.0
// JSON, BIOM 2.1 HDF5, classic TSV, .qza) with QIIME 2 sample metadata. Every
// table sample must have a metadata row; metadata rows without a table
// sample are ignored.
func ReadTable(tablePath, metaPath string, c Columns) (*Dataset, error) {
	if c.Subject == "" || c.Time == "" {
		return nil, fmt.Errorf("read %s: the subject and time columns of %s must be named", tablePath, metaPath)
	}
	tab, err := table.Read(tablePath)
	if err != nil {
		return nil, err
	}
	md, err := table.ReadMetadata(metaPath)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Name: filepath.Base(tablePath), Format: "table", Taxa: append([]string(nil), tab.FeatureIDs...), Inputs: c.Inputs}
	var contents [][]byte
	for _, p := range []string{tablePath, metaPath} {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		d.Files, contents = append(d.Files, p), append(contents, b)
	}
	rows, err := md.Align(tab.SampleIDs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (every sample of %s needs a metadata row)", metaPath, err, tablePath)
	}
	mr := metaReader{md: md, path: metaPath}
	cs, err := mr.col(c.Subject)
	if err != nil {
		return nil, err
	}
	ct, err := mr.col(c.Time)
	if err != nil {
		return nil, err
	}
	bcols, err := mr.cols(c.Biomass)
	if err != nil {
		return nil, err
	}
	icols, err := mr.cols(c.Inputs)
	if err != nil {
		return nil, err
	}
	samples, inputAt, err := mr.samples(rows, tab.Dense(), cs, ct, icols)
	if err != nil {
		return nil, err
	}
	if err := toRelative(samples, tablePath); err != nil {
		return nil, err
	}
	d.Unit = "relative"
	if len(bcols) > 0 {
		for k, r := range rows {
			mass, err := mr.biomass(r, bcols)
			if err != nil {
				return nil, err
			}
			for i := range samples[k].abund {
				samples[k].abund[i] *= mass
			}
		}
		d.Absolute, d.Unit = true, "biomass units (relative abundance x geometric mean of the biomass columns)"
	}
	if err := d.assemble(samples); err != nil {
		return nil, err
	}
	d.setInputs(inputAt)
	d.SHA256 = hashFiles(d.Files, contents)
	return d, nil
}

// setInputs turns each sample's input values into pieces that hold until the
// subject's next sample (zero values add nothing).
func (d *Dataset) setInputs(inputAt map[string][]float64) {
	for si := range d.Subjects {
		s := &d.Subjects[si]
		for k, id := range s.Samples {
			if k+1 == len(s.Times) {
				break
			}
			for m, v := range inputAt[id] {
				if v != 0 {
					s.Inputs[m] = appendPiece(s.Inputs[m], s.Times[k], s.Times[k+1], v)
				}
			}
		}
	}
}

// metaReader reads named columns of the sample metadata at path.
type metaReader struct {
	md   *table.Metadata
	path string
}

func (m metaReader) col(name string) (int, error) {
	for j, n := range m.md.Columns {
		if n == name {
			return j, nil
		}
	}
	return -1, &ParseError{File: m.path, Line: 1, Msg: fmt.Sprintf("no column %q", name)}
}

func (m metaReader) cols(names []string) ([]int, error) {
	js := make([]int, len(names))
	for k, n := range names {
		var err error
		if js[k], err = m.col(n); err != nil {
			return nil, err
		}
	}
	return js, nil
}

// num parses row r's value in column j as a finite number (≥ 0 if nonneg).
func (m metaReader) num(r, j int, what string, nonneg bool) (float64, error) {
	s := m.md.Values[r][j]
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || (nonneg && v < 0) {
		return 0, &ParseError{File: m.path, ID: m.md.IDs[r], Msg: fmt.Sprintf("column %s: %q is not a valid %s", m.md.Columns[j], s, what)}
	}
	return v, nil
}

// biomass is the geometric mean of row r's non-missing values in the
// biomass columns bcols, each of which must be positive.
func (m metaReader) biomass(r int, bcols []int) (float64, error) {
	g, n := 0.0, 0
	for _, j := range bcols {
		if isMissing(m.md.Values[r][j]) {
			continue
		}
		v, err := m.num(r, j, "positive biomass", true)
		if err != nil {
			return 0, err
		}
		if v == 0 {
			return 0, &ParseError{File: m.path, ID: m.md.IDs[r], Msg: fmt.Sprintf("column %s: biomass 0 (a sample's biomass must be positive)", m.md.Columns[j])}
		}
		g += math.Log(v)
		n++
	}
	if n == 0 {
		return 0, &ParseError{File: m.path, ID: m.md.IDs[r], Msg: "no biomass value in the biomass columns"}
	}
	return math.Exp(g / float64(n)), nil
}

// samples reads each table sample's subject, time and inputs from its
// metadata row rows[k]; dense[k] is its abundance row.
func (m metaReader) samples(rows []int, dense [][]float64, cs, ct int, icols []int) ([]sample, map[string][]float64, error) {
	samples := make([]sample, len(rows))
	inputAt := map[string][]float64{}
	for k, r := range rows {
		sub := m.md.Values[r][cs]
		if sub == "" {
			return nil, nil, &ParseError{File: m.path, ID: m.md.IDs[r], Msg: fmt.Sprintf("column %s: empty subject", m.md.Columns[cs])}
		}
		t, err := m.num(r, ct, "time", false)
		if err != nil {
			return nil, nil, err
		}
		samples[k] = sample{id: m.md.IDs[r], subject: sub, time: t, file: m.path, abund: dense[k]}
		u := make([]float64, len(icols))
		for q, j := range icols {
			if u[q], err = m.num(r, j, "number", false); err != nil {
				return nil, nil, err
			}
		}
		inputAt[m.md.IDs[r]] = u
	}
	return samples, inputAt, nil
}
