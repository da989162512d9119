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
// tolerances, with both integrators where the model allows (the BDF
// refuses SBML events by name).
func TestSuite(t *testing.T) {
	for _, v := range []string{"v1.0.0", "v2.0.0"} {
		dir := filepath.Join(testutil.SharedDir(t), "petab-test-suite", "petabtests", "cases", v, "sbml")
		cases, err := ListCases(dir)
		if err != nil {
			t.Fatal(err)
		}
		pass := 0
		for _, c := range cases {
			r := RunCase(context.Background(), c, estimate.Options{})
			if r.Status != "pass" {
				t.Errorf("%s/%s: %s: %s", r.Version, r.ID, r.Status, r.Msg)
				continue
			}
			pass++
			if rb := RunCase(context.Background(), c, estimate.Options{Solver: "bdf"}); rb.Status != "pass" && rb.Status != "unsupported" {
				t.Errorf("%s/%s with the BDF: %s: %s", r.Version, r.ID, rb.Status, rb.Msg)
			}
		}
		t.Logf("%s: %d of %d SBML cases pass", v, pass, len(cases))
	}
}
