package modelfile

import (
	"fmt"
	"os"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/system"
)

// TestBadModels loads every model under testdata/bad as `model check`
// does: each must be refused by parsing, validation or compilation (never
// a panic) with the error its first line names.
func TestBadModels(t *testing.T) {
	testutil.BadInputs(t, "testdata/bad/*.yaml", func(path string) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m, err := ParseModel(path, data)
		if err != nil {
			return err
		}
		if _, err := system.Compile(m); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
}
