package sbml

import (
	"os"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// TestBadDocuments reads and validates every document under testdata/bad:
// each must be refused with the error its first line names.
func TestBadDocuments(t *testing.T) {
	testutil.BadInputs(t, "testdata/bad/*.xml", func(path string) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m, err := Read(path, data)
		if err != nil {
			return err
		}
		return m.Validate()
	})
}
