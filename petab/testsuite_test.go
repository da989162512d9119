package petab

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/testutil"
)

// TestSuite runs every SBML case of the PEtab test suite (v1.0.0 and
// v2.0.0) in ../shared and requires each to pass within its solution's
// tolerances.
func TestSuite(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "petab-test-suite", "petabtests", "cases")
	cases, err := ListCases(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		r := RunCase(context.Background(), c, estimate.Options{})
		if r.Status != "pass" {
			t.Errorf("%s/%s: %s: %s", r.Version, r.ID, r.Status, r.Msg)
		}
	}
}
