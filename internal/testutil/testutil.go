package testutil

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// SharedSkip begins the message of every test skipped for want of the
// shared data folder; scripts/test-summary.sh counts them by it.
const SharedSkip = "skipping: needs the shared data folder"

// SharedDir returns the project's shared data folder (../shared beside the
// repository, or $HOLOBIONT_SHARED), or skips the test with a clear message
// when it is absent. Tests that need real data sets that are too large for
// testdata/ use it. With $HOLOBIONT_SHARED set to a folder that does not
// exist the tests run as on a fresh clone without ../shared.
func SharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("HOLOBIONT_SHARED"); d != "" {
		if _, err := os.Stat(d); err != nil {
			t.Skipf("%s %s ($HOLOBIONT_SHARED), which is absent", SharedSkip, d)
		}
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	d := filepath.Join(root, "..", "shared")
	if _, err := os.Stat(filepath.Join(d, "data")); err != nil {
		t.Skipf("%s %s (or $HOLOBIONT_SHARED), which is absent", SharedSkip, d)
	}
	return d
}

// RepoRoot returns the repository root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
