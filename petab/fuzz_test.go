package petab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/estimate"
)

func addSeeds(f *testing.F) {
	for _, name := range []string{"parameters.tsv", "observables.tsv", "conditions.tsv", "measurements.tsv"} {
		b, err := os.ReadFile(filepath.Join("testdata", "problem", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("a\tb\n\t\n1\t2\t3\n"))
	f.Add([]byte("\xef\xbb\xbfx\r\ny\r\n"))
}

// FuzzParseTable: the TSV reader never panics, and a table it returns has
// rows as wide as its header.
func FuzzParseTable(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ParseTable("fuzz.tsv", data)
		if err != nil {
			return
		}
		for _, r := range tb.Rows {
			if len(r.Cells) != len(tb.Header) {
				t.Fatalf("row at line %d has %d cells, header %d", r.Line, len(r.Cells), len(tb.Header))
			}
		}
	})
}

// FuzzTables feeds the same bytes to each PEtab table reader (v1 and v2):
// none may panic, and every error must be an *Error naming the file.
func FuzzTables(f *testing.F) {
	addSeeds(f)
	f.Add([]byte("conditionId\ttargetId\ttargetValue\nc0\tx\tlog(a, 2) + sign(b)\n"))
	f.Add([]byte("observableId\tobservableFormula\tnoiseFormula\tnoiseDistribution\tobservablePlaceholders\nobs\ts*x\t1\tlog-laplace\ts\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ParseTable("fuzz.tsv", data)
		if err != nil {
			return
		}
		for _, v := range []int{1, 2} {
			s := &estimate.Spec{Version: v}
			r := &reader{version: v, alias: map[string]string{}}
			check := func(err error) {
				if err == nil {
					return
				}
				if e, ok := err.(*Error); !ok || e.File != "fuzz.tsv" {
					t.Fatalf("error %v (%T) does not name the file", err, err)
				}
			}
			check(r.readParamsTable(tb, s))
			check(r.readObservablesTable(tb, s))
			check(r.readConditionsTable(tb))
			check(r.readExperimentsTable(tb))
			check(r.readMeasurementsTable(tb, s))
			check(r.readMappingTable(tb))
		}
	})
}

// FuzzParseYAML: the problem-file reader never panics, every error names
// the file, and a problem it accepts lists the tables PEtab requires.
func FuzzParseYAML(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "problem", "problem.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("format_version: 2.0.0\nparameter_files: [p.tsv]\nmodel_files: {m: {location: m.xml, language: sbml}}\nobservable_files: [o.tsv]\nmeasurement_files: [m.tsv]\n"))
	f.Add([]byte("format_version: 2\nextensions: {x: {required: true}}\n"))
	f.Add([]byte("format_version: 1\nproblems: [{}, {}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "dir/fuzz.yaml"
		fl, err := parseYAML(path, data)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if fl.model == "" || len(fl.params) == 0 || len(fl.obs) == 0 || len(fl.meas) == 0 {
			t.Fatalf("accepted a problem without model, parameter, observable or measurement table: %+v", fl)
		}
		if fl.version != 1 && fl.version != 2 {
			t.Fatalf("version %d", fl.version)
		}
	})
}
