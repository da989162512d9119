package table

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
)

const zipMagic = "PK\x03\x04"

// openQZA finds the member "<uuid>/data/<name>" of a QIIME 2 artifact (.qza,
// a zip file) and returns its content.
func openQZA(file, name string) ([]byte, error) {
	z, err := zip.OpenReader(file)
	if err != nil {
		return nil, &ParseError{File: file, Msg: "open QIIME 2 artifact", Err: err}
	}
	defer z.Close()
	for _, f := range z.File {
		if path.Base(f.Name) == name && path.Base(path.Dir(f.Name)) == "data" {
			if f.UncompressedSize64 > 1<<34 {
				return nil, &ParseError{File: file, Msg: fmt.Sprintf("%s is too large", f.Name)}
			}
			rc, err := f.Open()
			if err != nil {
				return nil, &ParseError{File: file, Msg: "read " + f.Name, Err: err}
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				return nil, &ParseError{File: file, Msg: "read " + f.Name, Err: err}
			}
			return b, nil
		}
	}
	return nil, &ParseError{File: file, Msg: fmt.Sprintf("QIIME 2 artifact holds no data/%s (not a FeatureTable?)", name)}
}

// readQZA reads the feature table of a QIIME 2 FeatureTable artifact.
func readQZA(file string) (*Table, error) {
	b, err := openQZA(file, "feature-table.biom")
	if err != nil {
		return nil, err
	}
	name := file + ":feature-table.biom"
	switch detectBytes(b[:min(len(b), 4096)]) {
	case FormatBIOMJSON:
		return ReadBIOMJSON(bytes.NewReader(b), name)
	case FormatBIOMHDF5:
		// The HDF5 reader needs a file.
		tmp, err := os.CreateTemp("", "holobiont-qza-*.biom")
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		defer os.Remove(tmp.Name())
		if _, err := tmp.Write(b); err != nil {
			tmp.Close()
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		if err := tmp.Close(); err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		t, err := ReadHDF5(tmp.Name())
		if err != nil {
			var pe *ParseError
			if asParseError(err, &pe) {
				pe.File = name
			}
			return nil, err
		}
		return t, nil
	}
	return nil, &ParseError{File: name, Msg: "unknown table format inside the artifact"}
}

func asParseError(err error, pe **ParseError) bool {
	p, ok := err.(*ParseError)
	if ok {
		*pe = p
	}
	return ok
}
