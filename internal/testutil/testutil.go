// Package testutil holds helpers shared by tests.
package testutil

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// SharedDir returns the project's shared data folder (../shared beside the
// repository, or $HOLOBIONT_SHARED), or skips the test with a clear message
// when it is absent. Tests that need real data sets that are too large for
// testdata/ use it.
func SharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("HOLOBIONT_SHARED"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	d := filepath.Join(root, "..", "shared")
	if _, err := os.Stat(filepath.Join(d, "data")); err != nil {
		t.Skipf("skipping: needs the shared data folder %s (or $HOLOBIONT_SHARED), which is absent", d)
	}
	return d
}

// RepoRoot returns the repository root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
