package dabench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseSpec: the benchmark-spec reader never panics, every error names
// the file, and a spec it accepts has its defaults filled in and in range.
func FuzzParseSpec(f *testing.F) {
	for _, p := range []string{filepath.Join("testdata", "bench.yaml"), filepath.Join("..", "examples", "da-benchmark.yaml")} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("trial: t.yaml\nsite: gut\ncontrol: a\nalpha: 1\n"))
	f.Add([]byte("trial: t.yaml\nsite: gut\ncontrol: a\nmethods: [nope]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSpec("fuzz.yaml", data)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		switch {
		case s.Trial == "" || s.Site == "" || s.Control == "":
			t.Fatalf("accepted without trial, site or control: %+v", s)
		case s.Replicates <= 0 || s.TruthSubjects <= 0 || s.MCSamples == 0:
			t.Fatalf("defaults not filled: %+v", s)
		case !(s.Alpha > 0 && s.Alpha < 1) || !(s.Threshold > 0) || !(s.ZeroInflation >= 0 && s.ZeroInflation < 1):
			t.Fatalf("out of range: alpha %g threshold %g zero_inflation %g", s.Alpha, s.Threshold, s.ZeroInflation)
		case len(s.Methods) == 0:
			t.Fatal("no methods")
		}
	})
}
