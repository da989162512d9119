package petab

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/estimate"
)

// copyProblem copies testdata/problem (a small valid v1 problem) into a
// temporary folder and applies edits (file name -> new contents).
func copyProblem(t *testing.T, edits map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	ents, err := os.ReadDir("testdata/problem")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("testdata/problem", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := edits[e.Name()]; ok {
			b = []byte(s)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "problem.yaml")
}

// TestBadInput checks that malformed tables and dangling references are
// reported, before any simulation, as an *Error naming the file, the line
// and the id (and the column where one is concerned).
func TestBadInput(t *testing.T) {
	const (
		params = "parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\n"
		obs    = "observableId\tobservableFormula\tnoiseFormula\n"
		meas   = "observableId\tsimulationConditionId\ttime\tmeasurement\n"
	)
	for _, c := range []struct {
		name  string
		edits map[string]string
		file  string
		line  int
		want  []string // substrings of the message
	}{
		{"missing column", map[string]string{"observables.tsv": "observableId\tobservableFormula\nobs_x\tx\n"},
			"observables.tsv", 1, []string{"column noiseFormula", "required column is missing"}},
		{"formula does not parse", map[string]string{"observables.tsv": obs + "obs_x\tx * (a +\t0.5\n"},
			"observables.tsv", 2, []string{"column observableFormula", "obs_x", "does not parse"}},
		{"unknown id in formula", map[string]string{"observables.tsv": obs + "obs_x\tx * scale_x\t0.5\n"},
			"observables.tsv", 2, []string{"obs_x", `unknown id "scale_x"`}},
		{"lower above upper", map[string]string{"parameters.tsv": params + "a\tlin\t-10\t10\t1\t1\nb\tlin\t5\t1\t0.5\t1\n"},
			"parameters.tsv", 3, []string{"column lowerBound", "b:", "above the upper bound"}},
		{"log scale with non-positive bound", map[string]string{"parameters.tsv": params + "a\tlin\t-10\t10\t1\t1\nb\tlog10\t0\t10\t0.5\t1\n"},
			"parameters.tsv", 3, []string{"b:", "log10 scale", "non-positive lower bound"}},
		{"bound not a number", map[string]string{"parameters.tsv": params + "a\tlin\t-10\tten\t1\t1\nb\tlin\t-10\t10\t0.5\t1\n"},
			"parameters.tsv", 2, []string{"column upperBound", `"ten" is not a number`}},
		{"unknown scale", map[string]string{"parameters.tsv": params + "a\tlog2\t1\t10\t1\t1\nb\tlin\t-10\t10\t0.5\t1\n"},
			"parameters.tsv", 2, []string{"column parameterScale", "log2"}},
		{"duplicate parameter", map[string]string{"parameters.tsv": params + "a\tlin\t-10\t10\t1\t1\na\tlin\t-10\t10\t0.5\t1\n"},
			"parameters.tsv", 3, []string{"a:", "listed twice"}},
		{"unknown observable", map[string]string{"measurements.tsv": meas + "obs_x\tc0\t0\t1\nobs_y\tc0\t1\t2\n"},
			"measurements.tsv", 3, []string{"obs_y", "unknown observable"}},
		{"unknown condition", map[string]string{"measurements.tsv": meas + "obs_x\tc9\t0\t1\n"},
			"measurements.tsv", 2, []string{"column simulationConditionId", "unknown condition \"c9\""}},
		{"measurement not a number", map[string]string{"measurements.tsv": meas + "obs_x\tc0\t0\tNA\n"},
			"measurements.tsv", 2, []string{"column measurement", "not a finite number"}},
		{"unknown condition target", map[string]string{"conditions.tsv": "conditionId\tk_missing\nc0\t1\n"},
			"conditions.tsv", 2, []string{"c0:", "unknown target \"k_missing\""}},
		{"condition value does not parse", map[string]string{"conditions.tsv": "conditionId\tx\nc0\t2 *\n"},
			"conditions.tsv", 2, []string{"column x", "does not parse"}},
		{"override not in parameter table", map[string]string{
			"observables.tsv":  obs + "obs_x\tobservableParameter1_obs_x * x\t0.5\n",
			"measurements.tsv": meas[:len(meas)-1] + "\tobservableParameters\nobs_x\tc0\t0\t1\tscale9\n"},
			"measurements.tsv", 2, []string{"scale9", "not in the parameter table"}},
		{"wrong number of overrides", map[string]string{
			"observables.tsv":  obs + "obs_x\tobservableParameter1_obs_x * x\t0.5\n",
			"measurements.tsv": meas[:len(meas)-1] + "\tobservableParameters\nobs_x\tc0\t0\t1\t1;2\n"},
			"measurements.tsv", 2, []string{"column observableParameters", "2 value(s)"}},
		{"too many cells", map[string]string{"measurements.tsv": meas + "obs_x\tc0\t0\t1\textra\n"},
			"measurements.tsv", 2, []string{"5 cells, but the header has 4 columns"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := copyProblem(t, c.edits)
			spec, err := Load(path)
			if err == nil {
				_, err = estimate.Compile(spec, estimate.Options{})
			}
			if err == nil {
				t.Fatal("no error")
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *petab.Error", err, err)
			}
			if filepath.Base(pe.File) != c.file || pe.Line != c.line {
				t.Errorf("error at %s:%d, want %s:%d (%v)", filepath.Base(pe.File), pe.Line, c.file, c.line, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
