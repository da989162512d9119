package table

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Format names a table file format.
type Format int

// Table formats recognised by Detect and Read.
const (
	FormatUnknown  Format = iota
	FormatBIOMJSON        // BIOM 1.0 JSON
	FormatBIOMHDF5        // BIOM 2.1 HDF5
	FormatTSV             // classic tab-separated OTU table
	FormatMDSINE          // MDSINE input folder (counts.txt, metadata.txt, biomass.txt)
	FormatQZA             // QIIME 2 FeatureTable artifact (.qza zip holding a BIOM file)
	FormatGzip            // gzip-compressed BIOM 1.0 JSON or TSV
)

func (f Format) String() string {
	switch f {
	case FormatBIOMJSON:
		return "biom-json"
	case FormatBIOMHDF5:
		return "biom-hdf5"
	case FormatTSV:
		return "tsv"
	case FormatMDSINE:
		return "mdsine"
	case FormatQZA:
		return "qza"
	case FormatGzip:
		return "gzip"
	}
	return "unknown"
}

const hdf5Magic = "\x89HDF\r\n\x1a\n"

// DetectFormat looks at the content of path (a file or an MDSINE folder) and
// reports its format.
func DetectFormat(path string) (Format, error) {
	st, err := os.Stat(path)
	if err != nil {
		return FormatUnknown, err
	}
	if st.IsDir() {
		if _, err := os.Stat(filepath.Join(path, "counts.txt")); err == nil {
			return FormatMDSINE, nil
		}
		return FormatUnknown, fmt.Errorf("%s: a folder, but no MDSINE counts.txt in it", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return FormatUnknown, err
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := f.Read(head)
	return detectBytes(head[:n]), nil
}

func detectBytes(head []byte) Format {
	if bytes.HasPrefix(head, []byte(hdf5Magic)) {
		return FormatBIOMHDF5
	}
	if bytes.HasPrefix(head, []byte(zipMagic)) {
		return FormatQZA
	}
	if bytes.HasPrefix(head, []byte{0x1f, 0x8b}) {
		return FormatGzip
	}
	// The HDF5 superblock may also sit at offset 512, 1024, ... (user block).
	for off := 512; off+len(hdf5Magic) <= len(head); off *= 2 {
		if string(head[off:off+len(hdf5Magic)]) == hdf5Magic {
			return FormatBIOMHDF5
		}
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return FormatUnknown // binary content that no text format holds
	}
	trim := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(trim) > 0 && trim[0] == '{' {
		return FormatBIOMJSON
	}
	if len(trim) > 0 {
		return FormatTSV
	}
	return FormatUnknown
}

// Read reads a count table, detecting the format from the content: BIOM 2.1
// HDF5 (by its signature), a QIIME 2 FeatureTable artifact (.qza: a zip
// holding data/feature-table.biom), BIOM 1.0 JSON (a JSON object), an MDSINE
// folder (a directory holding counts.txt), gzip-compressed JSON or TSV,
// otherwise a classic TSV table.
func Read(path string) (*Table, error) {
	format, err := DetectFormat(path)
	if err != nil {
		return nil, fmt.Errorf("read table: %w", err)
	}
	switch format {
	case FormatBIOMHDF5:
		return ReadHDF5(path)
	case FormatQZA:
		return readQZA(path)
	case FormatMDSINE:
		d, err := ReadMDSINE(path)
		if err != nil {
			return nil, err
		}
		return d.Table, nil
	case FormatUnknown:
		return nil, &ParseError{File: path, Msg: "not a count table: the file is empty or binary, and not BIOM 2.1 HDF5, a QIIME 2 .qza or gzip (want BIOM, TSV or an MDSINE folder)"}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read table: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	if format == FormatGzip {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, &ParseError{File: path, Msg: "gzip", Err: err}
		}
		defer zr.Close()
		gz := &stickyReader{r: zr}
		r = bufio.NewReaderSize(gz, 1<<20)
		head, _ := r.Peek(4096)
		var t *Table
		switch detectBytes(head) {
		case FormatBIOMJSON:
			t, err = ReadBIOMJSON(r, path)
		case FormatTSV:
			t, err = ReadTSV(r, path)
		default:
			err = &ParseError{File: path, Msg: "gzip-compressed content is neither BIOM 1.0 JSON nor TSV"}
		}
		if gz.err != nil {
			// a cut or damaged stream: say so, not what its last
			// half-line looked like
			return nil, &ParseError{File: path, Msg: "gzip stream truncated or damaged", Err: gz.err}
		}
		return t, err
	}
	if format == FormatBIOMJSON {
		return ReadBIOMJSON(r, path)
	}
	return ReadTSV(r, path)
}

// Dense returns the table as a dense samples × features matrix. Use it only
// for small tables and tests: it allocates NumSamples × NumFeatures floats.
func (t *Table) Dense() [][]float64 {
	out := make([][]float64, t.NumSamples())
	nf := t.NumFeatures()
	for i := range out {
		row := make([]float64, nf)
		idx, val := t.Sample(i)
		for k, j := range idx {
			row[j] = val[k]
		}
		out[i] = row
	}
	return out
}

// stickyReader remembers the first error of r other than io.EOF.
type stickyReader struct {
	r   io.Reader
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}
