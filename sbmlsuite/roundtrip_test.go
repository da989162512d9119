package sbmlsuite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sbml"
	"github.com/holobiont/holobiont/system"
)

// roundTrip checks import(export(m)) against m on one suite case: both
// simulated the case's way, every value within the case's tolerances of
// the other. It returns false when the case does not apply (unsupported
// model, fast reactions, which L3V2 cannot express).
func roundTrip(t *testing.T, dir string) bool {
	id := filepath.Base(dir)
	var path string
	for _, lv := range Levels {
		p := filepath.Join(dir, id+"-sbml-"+lv+".xml")
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	m, err := sbml.ReadFile(path)
	if err != nil {
		return false
	}
	if _, err := system.Compile(m); err != nil {
		return false
	}
	for _, r := range m.Reactions {
		if r.Fast {
			return false
		}
	}
	set, err := ReadSettings(filepath.Join(dir, id+"-settings.txt"))
	if err != nil {
		return false
	}
	var buf bytes.Buffer
	if err := sbml.Write(&buf, m); err != nil {
		t.Errorf("%s: export: %v", id, err)
		return true
	}
	m2, err := sbml.Read(id+"-export.xml", buf.Bytes())
	if err != nil {
		t.Errorf("%s: re-import: %v", id, err)
		return true
	}
	vars := make([]string, len(set.Variables))
	for i, v := range set.Variables {
		vars[i] = sbml.SId(v)
	}
	opt := ode.Options{RTol: 1e-10, ATol: set.Absolute * 1e-5}
	_, r1, err1 := Simulate(context.Background(), m, set.Start, set.Duration, set.Steps, set.Variables, nil, opt)
	_, r2, err2 := Simulate(context.Background(), m2, set.Start, set.Duration, set.Steps, vars, nil, opt)
	if err1 != nil || err2 != nil {
		t.Errorf("%s: simulate: %v / after round trip: %v", id, err1, err2)
		return true
	}
	for k := range r1 {
		for j := range r1[k] {
			if !Agree(r2[k][j], r1[k][j], set.Absolute, set.Relative) {
				t.Errorf("%s: %s row %d: %g, after export and import %g", id, set.Variables[j], k, r1[k][j], r2[k][j])
				return true
			}
		}
	}
	return true
}

// TestRoundTripTestdata: export/import round trip of the copied suite
// cases (tolerances from each case's settings).
func TestRoundTripTestdata(t *testing.T) {
	dirs, err := ListCases(filepath.Join("..", "sbml", "testdata", "cases"), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if roundTrip(t, d) {
			n++
		}
	}
	if n < 10 {
		t.Errorf("only %d cases round-tripped", n)
	}
}

// TestRoundTripSuiteSample: the same on every tenth case of the shared
// suite copy (every case that simulates and has no fast reaction).
func TestRoundTripSuiteSample(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	dir := filepath.Join(testutil.SharedDir(t), "sbml-test-suite", "cases")
	dirs, err := ListCases(dir, func(n int) bool { return n%10 == 1 })
	if err != nil {
		t.Skipf("no suite: %v", err)
	}
	n := 0
	for _, d := range dirs {
		if roundTrip(t, d) {
			n++
		}
	}
	t.Logf("%d cases round-tripped", n)
}
