package server

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/holobiont/holobiont/series"
)

// A fit job's data set is uploaded as one zip archive (upload kind "data")
// of a folder `holobiont fit` reads: MDSINE2 (metadata.tsv with counts.tsv
// or reads.tsv, qpcr.tsv, perturbations.tsv), MDSINE (counts.txt,
// metadata.txt, biomass.txt) or the long format (abundance.tsv,
// inputs.tsv). The files may sit at the archive's top level or in one
// folder.

// Limits of a data archive.
const (
	maxDataEntries = 64
	// maxDataRatio bounds the uncompressed size of a data archive by this
	// multiple of the server's upload limit.
	maxDataRatio = 8
)

// ExtractData writes the files of a data archive into a new folder under
// parent and returns its path. The folder is the archive's one folder, or
// the upload's name without its extension for files at the top level (the
// data set's name, as the CLI takes a folder's). Entry names are checked
// (no absolute or .. paths, at most one folder level, one folder in all),
// as are the number of entries and the uncompressed size (maxBytes).
func ExtractData(name string, data []byte, parent string, maxBytes int64) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%s: a data set is uploaded as a zip archive of its folder: %v", name, err)
	}
	if len(zr.File) > maxDataEntries {
		return "", fmt.Errorf("%s: %d entries (at most %d)", name, len(zr.File), maxDataEntries)
	}
	var files []*zip.File
	folder := ""
	for _, f := range zr.File {
		clean := path.Clean(strings.TrimPrefix(f.Name, "./"))
		if f.FileInfo().IsDir() || strings.HasPrefix(clean, "__MACOSX") || strings.HasPrefix(path.Base(clean), ".") {
			continue
		}
		dirPart, base := path.Split(clean)
		dirPart = strings.TrimSuffix(dirPart, "/")
		if path.IsAbs(clean) || strings.HasPrefix(clean, "..") || strings.Contains(dirPart, "/") || !safeName.MatchString(base) ||
			(dirPart != "" && !safeName.MatchString(dirPart)) {
			return "", fmt.Errorf("%s: entry %q: want the data files at the top level or in one folder, with plain names", name, f.Name)
		}
		if len(files) == 0 {
			folder = dirPart
		}
		if dirPart != folder {
			return "", fmt.Errorf("%s: entries in folders %q and %q: the archive holds one data set", name, folder, dirPart)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return "", fmt.Errorf("%s: the archive holds no files", name)
	}
	if folder == "" {
		folder = strings.TrimSuffix(name, path.Ext(name))
	}
	dir := filepath.Join(parent, folder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	budget := maxBytes
	for _, f := range files {
		b, err := readZipEntry(f, budget)
		if err != nil {
			return "", fmt.Errorf("%s: %s: %v", name, f.Name, err)
		}
		if budget -= int64(len(b)); budget < 0 {
			return "", fmt.Errorf("%s: more than %d bytes uncompressed", name, maxBytes)
		}
		if err := os.WriteFile(filepath.Join(dir, path.Base(path.Clean(f.Name))), b, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

func readZipEntry(f *zip.File, budget int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, budget+1))
}

// validateData checks that a data archive holds a data set `holobiont fit`
// reads; errors name the upload instead of the temporary folder.
func validateData(name string, data []byte, maxBytes int64) error {
	tmp, err := os.MkdirTemp("", "holobiont-data-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dir, err := ExtractData(name, data, tmp, maxBytes)
	if err != nil {
		return err
	}
	if _, err := series.Read(dir, series.Options{}); err != nil {
		return fmt.Errorf("%s: %s", name, strings.ReplaceAll(err.Error(), tmp+string(filepath.Separator), ""))
	}
	return nil
}

// noShipped: no data set is shipped; data are uploads.
func noShipped(string) (*File, bool) { return nil, false }
