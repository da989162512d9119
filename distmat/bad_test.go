package distmat

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// TestBadFiles reads every file under testdata/bad; each must be refused
// with the error its sidecar .want file gives.
func TestBadFiles(t *testing.T) {
	testutil.BadInputs(t, "testdata/bad/*.tsv", func(path string) error {
		_, err := ReadFile(path)
		return err
	})
}

// TestReadMemoryFollowsContent: a header naming 100,000 ids over a short
// file made the reader allocate 80 GB. ReadFile now refuses it from the
// file's size, and Read on a stream allocates for the rows it has seen.
func TestReadMemoryFollowsContent(t *testing.T) {
	const n = 100000
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "\ts%d", i)
	}
	b.WriteString("\ns0\t0")
	for range n - 1 {
		b.WriteString("\t1")
	}
	b.WriteString("\n")
	path := filepath.Join(t.TempDir(), "big-header.tsv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		read func() error
		want string
	}{
		{"file", func() error { _, err := ReadFile(path); return err },
			path + ":1:1: the header names 100000 ids, so a complete matrix takes at least 18.6 GB, but the file has 868.1 KB"},
		{"stream", func() error { _, err := Read(bytes.NewReader(b.Bytes()), "s.tsv"); return err },
			"s.tsv:2: 1 rows for 100000 ids"},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := c.read()
		runtime.ReadMemStats(&after)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v, want %s", c.name, err, c.want)
		}
		if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
			t.Errorf("%s: reading %d bytes allocated %d MB", c.name, b.Len(), d>>20)
		}
	}
}
