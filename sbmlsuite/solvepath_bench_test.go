package sbmlsuite

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/sim"
)

// BenchmarkSolvePath compares, on the committed suite case copies, the two
// ways of reporting the requested variables per output time after a solve:
//
//	rows:     sim.Run builds its own trajectory rows (System.Outputs at every
//	          output time) and the variables come from System.Values by id
//	selector: sim.Run with NoRows, the variables from System.ValuesAt with
//	          the ids resolved once by System.Select (what Simulate does)
//
// go test ./sbmlsuite -run '^$' -bench SolvePath
//
// HOLOBIONT_SUITE_CASES (a file of case ids, read from HOLOBIONT_SUITE_DIR,
// default ../shared/sbml-test-suite/cases) replaces the committed cases.
func BenchmarkSolvePath(b *testing.B) {
	ctx := context.Background()
	dir := filepath.Join("..", "sbml", "testdata", "cases")
	ids := []string{"00001", "00025", "00031"}
	if f := os.Getenv("HOLOBIONT_SUITE_CASES"); f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		ids = strings.Fields(string(data))
		if dir = os.Getenv("HOLOBIONT_SUITE_DIR"); dir == "" {
			dir = filepath.Join(testutil.SharedDir(b), "sbml-test-suite", "cases")
		}
	}
	for _, id := range ids {
		c, err := loadSuiteCase(filepath.Join(dir, id))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(id+"/rows", func(b *testing.B) {
			for b.Loop() {
				if _, err := c.solve(ctx); err != nil {
					b.Fatal(err)
				}
			}
			if err := c.check(); err != nil {
				b.Fatal(err)
			}
		})
		sel, err := c.sys.Select(c.set.Variables, c.as)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range c.rows { // the check must see this path's values
			for j := range r {
				r[j] = math.NaN()
			}
		}
		b.Run(id+"/selector", func(b *testing.B) {
			for b.Loop() {
				k := 0
				_, err := sim.Run(ctx, c.sys, nil, sim.Options{Start: 0, End: c.times[len(c.times)-1], OutputTimes: c.times, ODE: c.opt, NoRows: true,
					StateHook: func(t float64, y []float64) {
						c.sys.ValuesAt(t, y, sel, c.rows[k])
						k++
					}})
				if err != nil {
					b.Fatal(err)
				}
			}
			if err := c.check(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
