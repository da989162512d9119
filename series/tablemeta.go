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
	col := func(name string) (int, error) {
		for j, n := range md.Columns {
			if n == name {
				return j, nil
			}
		}
		return -1, &ParseError{File: metaPath, Line: 1, Msg: fmt.Sprintf("no column %q", name)}
	}
	cs, err := col(c.Subject)
	if err != nil {
		return nil, err
	}
	ct, err := col(c.Time)
	if err != nil {
		return nil, err
	}
	num := func(r, j int, what string, nonneg bool) (float64, error) {
		s := md.Values[r][j]
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || (nonneg && v < 0) {
			return 0, &ParseError{File: metaPath, ID: md.IDs[r], Msg: fmt.Sprintf("column %s: %q is not a valid %s", md.Columns[j], s, what)}
		}
		return v, nil
	}
	bcols := make([]int, len(c.Biomass))
	for k, n := range c.Biomass {
		if bcols[k], err = col(n); err != nil {
			return nil, err
		}
	}
	icols := make([]int, len(c.Inputs))
	for k, n := range c.Inputs {
		if icols[k], err = col(n); err != nil {
			return nil, err
		}
	}
	dense := tab.Dense()
	samples := make([]sample, len(rows))
	inputAt := map[string][]float64{}
	for k, r := range rows {
		sub := md.Values[r][cs]
		if sub == "" {
			return nil, &ParseError{File: metaPath, ID: md.IDs[r], Msg: fmt.Sprintf("column %s: empty subject", c.Subject)}
		}
		t, err := num(r, ct, "time", false)
		if err != nil {
			return nil, err
		}
		samples[k] = sample{id: md.IDs[r], subject: sub, time: t, file: metaPath, abund: dense[k]}
		u := make([]float64, len(icols))
		for m, j := range icols {
			if u[m], err = num(r, j, "number", false); err != nil {
				return nil, err
			}
		}
		inputAt[md.IDs[r]] = u
	}
	if err := toRelative(samples, tablePath); err != nil {
		return nil, err
	}
	d.Unit = "relative"
	if len(bcols) > 0 {
		for k, r := range rows {
			g, n := 0.0, 0
			for _, j := range bcols {
				if isMissing(md.Values[r][j]) {
					continue
				}
				v, err := num(r, j, "positive biomass", true)
				if err != nil {
					return nil, err
				}
				if v == 0 {
					return nil, &ParseError{File: metaPath, ID: md.IDs[r], Msg: fmt.Sprintf("column %s: biomass 0 (a sample's biomass must be positive)", md.Columns[j])}
				}
				g += math.Log(v)
				n++
			}
			if n == 0 {
				return nil, &ParseError{File: metaPath, ID: md.IDs[r], Msg: "no biomass value in the biomass columns"}
			}
			mass := math.Exp(g / float64(n))
			for i := range samples[k].abund {
				samples[k].abund[i] *= mass
			}
		}
		d.Absolute, d.Unit = true, "biomass units (relative abundance x geometric mean of the biomass columns)"
	}
	if err := d.assemble(samples); err != nil {
		return nil, err
	}
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
	d.SHA256 = hashFiles(d.Files, contents)
	return d, nil
}
