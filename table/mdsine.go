package table

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/internal/bom"
)

// MDSINE holds an MDSINE (Bucci et al. 2016) input set: the count table, the
// per-sample design from metadata.txt and the qPCR biomass replicates.
type MDSINE struct {
	Table *Table
	// Samples is aligned with Table.SampleIDs.
	Samples []MDSINESample
	// Biomass[i] holds the qPCR replicate values of sample i (aligned with
	// Table.SampleIDs); nil when no biomass file was given. Missing cells are NaN.
	Biomass [][]float64
	// BiomassColumns names the replicate columns (e.g. mass1, mass2, mass3).
	BiomassColumns []string
	// Metadata is metadata.txt as read, including any extra columns (intv2, ...).
	Metadata *Metadata
}

// MDSINESample is one row of MDSINE metadata.txt.
type MDSINESample struct {
	ID           string
	Included     bool    // isIncluded
	Subject      string  // subjectID
	Time         float64 // measurementID: time of the sample (days)
	Perturbation int     // perturbID: 0 = none, k = perturbation k active
	Block        int     // exptblock
	Intervention string  // intv: free-form intervention code ("" when empty)
}

// MDSINEMetadataColumns returns the required metadata.txt columns
// (compared case-insensitively).
func MDSINEMetadataColumns() []string {
	return []string{"sampleID", "isIncluded", "subjectID", "measurementID", "perturbID", "exptblock", "intv"}
}

// ReadMDSINE reads MDSINE input. With one argument naming a folder, it reads
// counts.txt, metadata.txt and (when present) biomass.txt from it; otherwise
// the arguments are the counts file, the metadata file and optionally the
// biomass file. counts.txt is a classic TSV table (taxa × samples); each
// metadata row describes one sample; biomass rows follow the metadata rows
// in order (MDSINE's convention), one column per qPCR replicate.
func ReadMDSINE(paths ...string) (*MDSINE, error) {
	var counts, meta, mass string
	switch len(paths) {
	case 1:
		dir := paths[0]
		counts = filepath.Join(dir, "counts.txt")
		meta = filepath.Join(dir, "metadata.txt")
		if _, err := os.Stat(filepath.Join(dir, "biomass.txt")); err == nil {
			mass = filepath.Join(dir, "biomass.txt")
		}
	case 2, 3:
		counts, meta = paths[0], paths[1]
		if len(paths) == 3 {
			mass = paths[2]
		}
	default:
		return nil, fmt.Errorf("read MDSINE: want a folder or counts, metadata [, biomass] paths, got %d arguments", len(paths))
	}
	var files [3]io.Reader
	for i, p := range []string{counts, meta, mass} {
		if p == "" {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("read MDSINE: %w", err)
		}
		defer f.Close()
		files[i] = f
	}
	return parseMDSINE(namedReader{counts, bufio.NewReaderSize(files[0], 1<<16)}, namedReader{meta, files[1]}, namedReader{mass, files[2]})
}

// namedReader is an input stream and the file name its errors give.
type namedReader struct {
	name string
	r    io.Reader
}

// parseMDSINE parses the counts, metadata and (when mass.r is not nil)
// biomass streams of an MDSINE input set; see [ReadMDSINE].
func parseMDSINE(cr, mr, br namedReader) (*MDSINE, error) {
	counts, meta, mass := cr.name, mr.name, br.name
	t, err := ReadTSV(cr.r, counts)
	if err != nil {
		return nil, err
	}
	md, err := ParseMetadata(mr.r, meta)
	if err != nil {
		return nil, err
	}
	d := &MDSINE{Table: t, Metadata: md}
	col := map[string]int{}
	for j, c := range md.Columns {
		col[strings.ToLower(c)] = j
	}
	for _, c := range MDSINEMetadataColumns()[1:] {
		if _, ok := col[strings.ToLower(c)]; !ok {
			return nil, &ParseError{File: meta, Line: 1, Msg: fmt.Sprintf("missing column %q (MDSINE metadata needs %s)", c, strings.Join(MDSINEMetadataColumns(), ", "))}
		}
	}
	get := func(i int, c string) string { return md.Values[i][col[strings.ToLower(c)]] }
	rows := map[string]int{}
	samples := make([]MDSINESample, len(md.IDs))
	for i, id := range md.IDs {
		rows[id] = i
		s := MDSINESample{ID: id, Subject: get(i, "subjectID"), Intervention: get(i, "intv")}
		bad := func(c, v string) error {
			return &ParseError{File: meta, ID: id, Msg: fmt.Sprintf("column %s: %q is not valid", c, v)}
		}
		switch v := get(i, "isIncluded"); v {
		case "1", "true", "TRUE", "True":
			s.Included = true
		case "0", "false", "FALSE", "False":
		default:
			return nil, bad("isIncluded", v)
		}
		v := get(i, "measurementID")
		if s.Time, err = strconv.ParseFloat(v, 64); err != nil || math.IsNaN(s.Time) || math.IsInf(s.Time, 0) {
			return nil, bad("measurementID", v)
		}
		v = get(i, "perturbID")
		if s.Perturbation, err = strconv.Atoi(v); err != nil || s.Perturbation < 0 {
			return nil, bad("perturbID", v)
		}
		v = get(i, "exptblock")
		if s.Block, err = strconv.Atoi(v); err != nil {
			return nil, bad("exptblock", v)
		}
		samples[i] = s
	}
	var biomass [][]float64
	if br.r != nil {
		biomass, d.BiomassColumns, err = readBiomass(br.r, mass)
		if err != nil {
			return nil, err
		}
		if len(biomass) != len(md.IDs) {
			return nil, &ParseError{File: mass, Msg: fmt.Sprintf("%d biomass rows but %d metadata rows in %s (rows must correspond)", len(biomass), len(md.IDs), meta)}
		}
	}
	// Align with the table's samples.
	if len(t.SampleIDs) != len(md.IDs) {
		for _, id := range md.IDs {
			if _, err := indexOf(t.SampleIDs, id); err != nil {
				return nil, &ParseError{File: meta, ID: id, Msg: fmt.Sprintf("sample is not a column of %s", counts)}
			}
		}
	}
	d.Samples = make([]MDSINESample, len(t.SampleIDs))
	if biomass != nil {
		d.Biomass = make([][]float64, len(t.SampleIDs))
	}
	for i, id := range t.SampleIDs {
		r, ok := rows[id]
		if !ok {
			return nil, &ParseError{File: counts, ID: id, Msg: fmt.Sprintf("sample has no row in %s", meta)}
		}
		d.Samples[i] = samples[r]
		if biomass != nil {
			d.Biomass[i] = biomass[r]
		}
	}
	return d, nil
}

func indexOf(ids []string, id string) (int, error) {
	for i, x := range ids {
		if x == id {
			return i, nil
		}
	}
	return -1, fmt.Errorf("not found")
}

// readBiomass reads an MDSINE biomass file: a header of replicate names,
// then one row of numbers per sample. Empty cells and NA are NaN.
func readBiomass(r io.Reader, name string) ([][]float64, []string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	var header []string
	var out [][]float64
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			s = bom.TrimString(s)
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		cells := strings.Split(s, "\t")
		if header == nil {
			for len(cells) > 1 && strings.TrimSpace(cells[len(cells)-1]) == "" {
				cells = cells[:len(cells)-1]
			}
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			header = cells
			continue
		}
		for len(cells) > len(header) && strings.TrimSpace(cells[len(cells)-1]) == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) != len(header) {
			return nil, nil, &ParseError{File: name, Line: line, Msg: fmt.Sprintf("ragged row: %d cells, the header has %d", len(cells), len(header))}
		}
		row := make([]float64, len(cells))
		for j, c := range cells {
			c = strings.TrimSpace(c)
			if c == "" || c == "NA" || c == "NaN" || c == "nan" {
				row[j] = math.NaN()
				continue
			}
			v, err := strconv.ParseFloat(c, 64)
			if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, nil, &ParseError{File: name, Line: line, Col: j + 1, ID: header[j], Msg: fmt.Sprintf("biomass %q is not a non-negative number", c)}
			}
			row[j] = v
		}
		out = append(out, row)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, &ParseError{File: name, Line: line + 1, Msg: "read error", Err: err}
	}
	if header == nil {
		return nil, nil, &ParseError{File: name, Msg: "empty biomass file"}
	}
	return out, header, nil
}
