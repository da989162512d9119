package cohort

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/holobiont/holobiont/table"
)

// TestCovariatesEchoed: the arm and every covariate appear in every tabular
// output (CSV, Parquet, sample metadata), with the subject's drawn values.
func TestCovariatesEchoed(t *testing.T) {
	tp := compileTrialText(t, strings.Replace(trialSpecWindows, "chunk: 4\n", "chunk: 4\ncovariates:\n  age: {dist: uniform, lower: 18, upper: 65}\n  sex: {dist: categorical, values: [F, M], probs: [0.5, 0.5]}\ntruth:\n  variables: [host.cortisol]\nmeasurements:\n  - {name: pss, instrument: pss10, times: [0, 12]}\n", 1))
	dir := t.TempDir()
	if err := tp.RunTrial(context.Background(), dir, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	subs, err := ReadSubjects(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]string{} // subject id -> arm, age, sex
	for _, s := range subs {
		if len(s.Covs) != 2 {
			t.Fatalf("subject %d: covariates %v", s.Index, s.Covs)
		}
		want[subjectID(s.Index)] = [3]string{tp.Trial.Arms[s.Arm].Name, s.Covs[0], s.Covs[1]}
	}
	check := func(name string, header []string, rows [][]string, subjCol string) {
		t.Helper()
		pos := map[string]int{}
		for i, h := range header {
			pos[h] = i
		}
		for _, c := range []string{subjCol, "arm", "age", "sex"} {
			if _, ok := pos[c]; !ok {
				t.Fatalf("%s: no %s column in %v", name, c, header)
			}
		}
		if len(rows) == 0 {
			t.Fatalf("%s: no rows", name)
		}
		for _, r := range rows {
			w, ok := want[r[pos[subjCol]]]
			if !ok || r[pos["arm"]] != w[0] || r[pos["age"]] != w[1] || r[pos["sex"]] != w[2] {
				t.Fatalf("%s: row %v, want %v", name, r, w)
			}
		}
	}
	for _, f := range []string{FileSubjects, FileSamples, FileMeasurements, FileTruthAbundance, FileTruth} {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		check(f, recs[0], recs[1:], "subject")
	}
	md, err := table.ReadMetadata(filepath.Join(dir, FileMetadata))
	if err != nil {
		t.Fatal(err)
	}
	check(FileMetadata, md.Columns, md.Values, "subject")
	for _, f := range []string{FileSubjectsParquet, FileSamplesParquet, FileMeasurementsPQ} {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		st, _ := fh.Stat()
		pf, err := parquet.OpenFile(fh, st.Size())
		if err != nil {
			t.Fatal(err)
		}
		var header []string
		for _, fl := range pf.Schema().Fields() {
			header = append(header, fl.Name())
		}
		var rows [][]string
		for _, rg := range pf.RowGroups() {
			rr := rg.Rows()
			buf := make([]parquet.Row, 64)
			for {
				n, err := rr.ReadRows(buf)
				for _, r := range buf[:n] {
					cells := make([]string, len(header))
					for _, v := range r {
						cells[v.Column()] = v.String()
					}
					rows = append(rows, cells)
				}
				if err != nil {
					break
				}
			}
			rr.Close()
		}
		fh.Close()
		if int64(len(rows)) != pf.NumRows() {
			t.Errorf("%s: read %d of %d rows", f, len(rows), pf.NumRows())
		}
		check(f, header, rows, "subject")
	}
}
