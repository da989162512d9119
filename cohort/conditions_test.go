package cohort

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestConditionColumns: a cohort of the default model carries each of the
// model's clinical conditions in subjects.csv (status, <id>_severity and the
// named scores, read at the end of the scenario), after the spec's
// endpoints; a status is 0 or 1, a grade 0-3 and 0 exactly when the status
// is, and the eczema status is 1 exactly when EASI is positive (its
// definition). The spread of gamma_AB (median 20, below the healthy 587)
// gives some subjects eczema, so both states are exercised. A spec endpoint
// named like a condition column keeps the spec's definition.
func TestConditionColumns(t *testing.T) {
	p := editedPlan(t, "testdata/small.yaml",
		"parameters:\n", "parameters:\n  gamma_AB: {dist: lognormal, median: 20, sdlog: 1}\n",
		"endpoints:\n", "endpoints:\n  - {name: phq9, variable: host.phq9, time: 10}\n")
	dir := t.TempDir()
	if err := Run(context.Background(), p, dir, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, FileSubjects))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	want := []string{"eczema", "eczema_severity", "easi", "scorad", "psoriasis", "psoriasis_severity", "pasi", "acne", "acne_severity",
		"rosacea", "rosacea_severity", "depression", "depression_severity", "phq9", "anxiety", "anxiety_severity", "gad7"}
	for _, c := range want {
		if _, ok := col[c]; !ok {
			t.Fatalf("subjects.csv has no %q column: %v", c, rows[0])
		}
	}
	if col["eczema"] < col["face_shannon"] {
		t.Errorf("condition columns come before the spec's endpoints: %v", rows[0])
	}
	num := func(r []string, c string) float64 {
		v, err := strconv.ParseFloat(r[col[c]], 64)
		if err != nil {
			t.Fatalf("%s = %q: %v", c, r[col[c]], err)
		}
		return v
	}
	var ill, well int
	for _, r := range rows[1:] {
		for _, c := range []string{"eczema", "psoriasis", "acne", "rosacea", "depression", "anxiety"} {
			st, gr := num(r, c), num(r, c+"_severity")
			if (st != 0 && st != 1) || gr < 0 || gr > 3 || (st == 0) != (gr == 0) {
				t.Errorf("%s status %v, severity %v", c, st, gr)
			}
		}
		if e := num(r, "eczema"); (e == 1) != (num(r, "easi") > 0) {
			t.Errorf("eczema status %v with EASI %v", e, num(r, "easi"))
		} else if e == 1 {
			ill++
		} else {
			well++
		}
	}
	if ill == 0 || well == 0 {
		t.Errorf("%d subjects with eczema, %d without: the test exercises one state only", ill, well)
	}
	t.Logf("%d of %d subjects with eczema", ill, ill+well)
	// The spec's phq9 endpoint (day 10) keeps its column; the condition adds no second one.
	n := 0
	for _, h := range rows[0] {
		if h == "phq9" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d phq9 columns", n)
	}
}
