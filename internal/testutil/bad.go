package testutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BadInputs runs read on every file matching pattern (a regression corpus
// of refused inputs kept under testdata/): each must be refused with an
// error containing the expected text, never accepted and never a panic.
// The expected text is the content of a sidecar file <name>.want or, for
// formats with comments, what follows "want: " on the file's first line
// (up to a closing "-->" for XML). Use t.Run-style names from the file.
func BadInputs(t *testing.T, pattern string, read func(path string) error) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad inputs match %s: %v", pattern, err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".want") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, err := expected(f)
			if err != nil {
				t.Fatal(err)
			}
			err = read(f)
			if err == nil {
				t.Fatalf("accepted; want an error containing %q", want)
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, want)
			}
		})
	}
	if n == 0 {
		t.Fatalf("no bad inputs match %s", pattern)
	}
}

func expected(f string) (string, error) {
	if b, err := os.ReadFile(f + ".want"); err == nil {
		return strings.TrimRight(string(b), "\n"), nil
	}
	data, err := os.ReadFile(f)
	if err != nil {
		return "", err
	}
	first, _, _ := strings.Cut(string(data), "\n")
	_, want, ok := strings.Cut(first, "want: ")
	if !ok {
		return "", &missingWant{f}
	}
	want, _, _ = strings.Cut(want, " -->")
	return strings.TrimSpace(want), nil
}

type missingWant struct{ file string }

func (e *missingWant) Error() string {
	return e.file + ": give the expected error in " + e.file + ".want or after \"want: \" on the first line"
}
