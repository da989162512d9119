package server

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, s := range files {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(s))
	}
	zw.Close()
	return buf.Bytes()
}

// TestExtractData: a data archive's files land flat in one folder named
// after the archive's folder (or the upload); unsafe or ambiguous
// archives are refused with the entry named.
func TestExtractData(t *testing.T) {
	long := "subject\ttime\ttaxon\tabundance\n"
	for _, tc := range []struct {
		files  map[string]string
		folder string
	}{
		{map[string]string{"abundance.tsv": long, "inputs.tsv": "x"}, "up"},
		{map[string]string{"stein/abundance.tsv": long, "stein/inputs.tsv": "x", "__MACOSX/stein/._a": "", "stein/.DS_Store": ""}, "stein"},
	} {
		parent := t.TempDir()
		dir, err := ExtractData("up.zip", zipOf(t, tc.files), parent, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if dir != filepath.Join(parent, tc.folder) {
			t.Errorf("folder %s, want %s", dir, tc.folder)
		}
		ents, _ := os.ReadDir(dir)
		if len(ents) != 2 {
			t.Errorf("%s: %d files", tc.folder, len(ents))
		}
	}
	many := map[string]string{}
	for i := 0; i <= maxDataEntries; i++ {
		many[strings.Repeat("a", i+1)+".tsv"] = ""
	}
	for _, tc := range []struct {
		files map[string]string
		limit int64
		want  string
	}{
		{map[string]string{"../abundance.tsv": long}, 1 << 20, `entry "../abundance.tsv"`},
		{map[string]string{"a/b/abundance.tsv": long}, 1 << 20, "at the top level or in one folder"},
		{map[string]string{"a/abundance.tsv": long, "b/inputs.tsv": ""}, 1 << 20, "the archive holds one data set"},
		{map[string]string{"abundance.tsv": long}, 10, "more than 10 bytes uncompressed"},
		{map[string]string{"d/": ""}, 1 << 20, "holds no files"},
		{many, 1 << 20, "entries (at most 64)"},
	} {
		_, err := ExtractData("up.zip", zipOf(t, tc.files), t.TempDir(), tc.limit)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.files, err, tc.want)
		}
	}
	if _, err := ExtractData("up.zip", []byte("subject\ttime\n"), t.TempDir(), 1<<20); err == nil || !strings.Contains(err.Error(), "zip archive") {
		t.Errorf("not a zip: %v", err)
	}
}
