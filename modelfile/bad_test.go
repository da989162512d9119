package modelfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/system"
)

// TestBadModels loads every model under testdata/bad: each must be refused
// (by parsing, validation or compilation, never a panic) with an error that
// starts with the text its first line gives after "# want: ".
func TestBadModels(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad models: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(data), "\n")
			want, ok := strings.CutPrefix(first, "# want: ")
			if !ok {
				t.Fatalf("first line %q does not say what error to expect", first)
			}
			err = compileModel(filepath.Base(f), data)
			if err == nil {
				t.Fatalf("accepted; want %q", want)
			}
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error\n  %v\nwant prefix\n  %s", err, want)
			}
		})
	}
}

// compileModel parses, validates and compiles a model as `model check`
// does, locating compile errors in name.
func compileModel(name string, data []byte) error {
	m, err := ParseModel(name, data)
	if err != nil {
		return err
	}
	if _, err := system.Compile(m); err != nil {
		return &compileError{name, err}
	}
	return nil
}

type compileError struct {
	name string
	err  error
}

func (e *compileError) Error() string { return e.name + ": " + e.err.Error() }
