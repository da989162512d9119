package safefile

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	f, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("destination visible before Commit: %v", err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "hello" {
		t.Fatalf("got %q, %v", b, err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	g, err := Create(filepath.Join(dir, "aborted.txt"))
	if err != nil {
		t.Fatal(err)
	}
	g.WriteString("partial")
	g.Abort()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("after Abort the folder holds %d entries, want 1 (no partial file)", len(ents))
	}
}

// TestCancelled: once the context of a file is cancelled (an interrupted
// command), writes fail and Commit publishes nothing and leaves no
// temporary file behind.
func TestCancelled(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancelCause(context.Background())
	f, err := CreateContext(ctx, filepath.Join(dir, "out.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("row 1\n"); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("interrupted")
	cancel(stop)
	if _, err := f.WriteString("row 2\n"); !errors.Is(err, stop) {
		t.Errorf("write after cancel: %v, want %v", err, stop)
	}
	if err := f.Commit(); !errors.Is(err, stop) {
		t.Errorf("commit after cancel: %v, want %v", err, stop)
	}
	if err := WriteFileContext(ctx, filepath.Join(dir, "b.txt"), []byte("x")); !errors.Is(err, stop) {
		t.Errorf("WriteFileContext after cancel: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("after an interrupted write the folder holds %d entries, want none", len(ents))
	}
}

// A file in a folder that does not exist is refused with an error naming
// the file and the folder, not the temporary file.
func TestCreateMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	path := filepath.Join(dir, "out.csv")
	_, err := Create(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), "partial") ||
		!strings.HasPrefix(err.Error(), "create "+path+": the folder "+dir+" does not exist: ") {
		t.Errorf("error %v", err)
	}
}

// TestWriteWith: the file appears with everything fn wrote (past the
// buffer's size), and when fn fails nothing appears and the error names the
// file and wraps fn's error.
func TestWriteWith(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.tsv")
	line := strings.Repeat("x", 99) + "\n"
	err := WriteWith(p, func(w *bufio.Writer) error {
		for range 1000 { // 100 kB, more than the 64 KiB buffer
			w.WriteString(line)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(p); err != nil || string(b) != strings.Repeat(line, 1000) {
		t.Fatalf("read back %d bytes, %v", len(b), err)
	}
	boom := errors.New("boom")
	q := filepath.Join(dir, "failed.tsv")
	err = WriteWith(q, func(w *bufio.Writer) error {
		w.WriteString(line)
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), q) {
		t.Fatalf("error %v: want it to wrap fn's error and name %s", err, q)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("after a failed fn the folder holds %d entries, want 1", len(ents))
	}
}
