package sbmlsuite

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// The cases in ../sbml/testdata/cases are copies of SBML Test Suite cases
// (LGPL 2.1, see LICENSE.txt there); their expected results were computed
// by the suite's authors. Tolerances are the ones in each settings file.
func TestTestdataCases(t *testing.T) {
	want := map[string]Status{
		"00001": Pass, // basic mass action
		"00025": Pass, // function definition
		"00027": Pass, // initial assignment
		"00029": Pass, // assignment rule
		"00031": Pass, // rate rule
		"00071": Pass, // event with delay
		"00079": Pass, // function definition in an assignment rule
		"00931": Pass, // event priorities
		"01251": Pass, // rateOf in an initial assignment
		"01591": Pass, // random order of equal-priority events
		"00039": Pass, // algebraic rule solved for its variable
		"00937": Pass, // delay() of an assignment-rule variable
		"01345": Pass, // comp: replaced compartment, species, reaction
		"01135": Pass, // comp: nested replacedBy through an sBaseRef
		"00871": Pass, // fast reaction
	}
	for id, st := range want {
		r := RunCase(context.Background(), filepath.Join("..", "sbml", "testdata", "cases", id))
		if r.Status != st {
			t.Errorf("case %s: %s (%s), want %s", id, r.Status, r.Detail, st)
		}
	}
}

// TestSuiteSample runs every tenth case of the shared suite copy (cases
// 1, 11, 21, ...): every case must pass or be refused as unsupported
// (or name an external model file that the suite copy lacks).
func TestSuiteSample(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	dir := filepath.Join(testutil.SharedDir(t), "sbml-test-suite", "cases")
	dirs, err := ListCases(dir, func(n int) bool { return n%10 == 1 })
	if err != nil {
		t.Skipf("no suite: %v", err)
	}
	var rs []Result
	for _, d := range dirs {
		r := RunCase(context.Background(), d)
		rs = append(rs, r)
		if r.Status == Error && strings.Contains(r.Detail, "no such file") {
			continue // an external model file this copy of the suite lacks
		}
		if r.Status == Fail || r.Status == Error {
			t.Errorf("case %s: %s: %s", r.Case, r.Status, r.Detail)
		}
	}
	s := Summarize(rs)
	t.Logf("%d cases: %d pass, %d unsupported", len(rs), s.Total[Pass], s.Total[Unsupported])
}

func TestAgree(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		got, want float64
		ok        bool
	}{
		{1, 1, true}, {1.0001, 1, true}, {1.01, 1, false},
		{nan, nan, true}, {1, nan, false}, {nan, 1, false},
		{inf, inf, true}, {-inf, inf, false}, {1e300, inf, false},
	} {
		if Agree(c.got, c.want, 1e-6, 1e-4) != c.ok {
			t.Errorf("Agree(%g, %g) = %v, want %v", c.got, c.want, !c.ok, c.ok)
		}
	}
}

func TestParseCases(t *testing.T) {
	sel, err := ParseCases("1-3,10")
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]bool{1: true, 3: true, 4: false, 10: true, 11: false} {
		if sel(n) != want {
			t.Errorf("sel(%d) = %v", n, !want)
		}
	}
	for _, bad := range []string{"a", "5-1", "1-x"} {
		if _, err := ParseCases(bad); err == nil {
			t.Errorf("ParseCases(%q) succeeded", bad)
		}
	}
}

func FuzzParseSettings(f *testing.F) {
	f.Add("start: 0\nduration: 5\nsteps: 50\nvariables: S1, S2\nabsolute: 1.000000e-007\nrelative: 0.0001\namount: S1, S2\nconcentration:\n")
	f.Add("steps: x\n")
	f.Add("start:\nsteps: 1e300\n")
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseSettings("fuzz", strings.NewReader(text))
		if err == nil && s.Steps <= 0 {
			t.Fatalf("accepted %d steps", s.Steps)
		}
	})
}
