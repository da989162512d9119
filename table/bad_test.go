package table

import (
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// TestBadFiles reads every table under testdata/bad (damaged files kept
// from the hostile-input review and from fuzzing); each must be refused
// with the error its sidecar .want file gives.
func TestBadFiles(t *testing.T) {
	testutil.BadInputs(t, "testdata/bad/*", func(path string) error {
		_, err := Read(path)
		return err
	})
}
