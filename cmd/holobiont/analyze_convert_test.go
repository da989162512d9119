package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/table"
)

const convTestdata = "../../table/testdata/"

func runConvert(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// TestAnalyzeSummarize compares with `biom summarize-table` output
// (golden made by scripts/golden_formats.sh); holobiont adds one line with
// the number of non-zeros.
func TestAnalyzeSummarize(t *testing.T) {
	got, err := runConvert(t, "analyze", "summarize", convTestdata+"rich_sparse_otu_table.biom")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(convTestdata + "golden/rich_sparse_summary.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "Num non-zero entries: 15\n") {
		t.Errorf("no nnz line in\n%s", got)
	}
	got = strings.Replace(got, "Num non-zero entries: 15\n", "", 1)
	// holobiont does not keep BIOM sample metadata (use a metadata TSV), so
	// that one line says "None provided".
	want = []byte(strings.Replace(string(want), "BarcodeSequence; LinkerPrimerSequence; BODY_SITE; Description", "None provided", 1))
	if strings.TrimSpace(got) != strings.TrimSpace(string(want)) {
		t.Errorf("summary differs from biom summarize-table:\n%s\nwant\n%s", got, want)
	}
}

func TestAnalyzeConvert(t *testing.T) {
	dir := t.TempDir()
	src := convTestdata + "rich_sparse_otu_table.biom"
	ref, err := table.Read(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"biom-json", "biom-hdf5", "tsv"} {
		out := filepath.Join(dir, "out."+to)
		if _, err := runConvert(t, "analyze", "convert", src, "--to", to, "--out", out); err != nil {
			t.Fatalf("%s: %v", to, err)
		}
		back, err := table.Read(out)
		if err != nil {
			t.Fatalf("%s: %v", to, err)
		}
		if !equalTables(ref, back) {
			t.Errorf("%s: table changed", to)
		}
	}
	// Errors: unknown format, bad input; no output file left behind.
	out := filepath.Join(dir, "bad.out")
	if _, err := runConvert(t, "analyze", "convert", src, "--to", "xml", "--out", out); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("--to xml: %v", err)
	}
	bad := filepath.Join(dir, "bad.tsv")
	os.WriteFile(bad, []byte("#OTU ID\tS1\tS2\nA\t1\t2\nB\t1\n"), 0o644)
	_, err = runConvert(t, "analyze", "convert", bad, "--to", "tsv", "--out", out)
	if err == nil || !strings.Contains(err.Error(), "bad.tsv:3") || !strings.Contains(err.Error(), `"B"`) {
		t.Errorf("ragged input: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "bad.out") || strings.Contains(e.Name(), "partial") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func equalTables(a, b *table.Table) bool {
	da, db := a.Dense(), b.Dense()
	if strings.Join(a.SampleIDs, ",") != strings.Join(b.SampleIDs, ",") || strings.Join(a.FeatureIDs, ",") != strings.Join(b.FeatureIDs, ",") {
		return false
	}
	for i := range da {
		for j := range da[i] {
			if da[i][j] != db[i][j] {
				return false
			}
		}
	}
	return true
}

// TestAnalyzeSummarizeMovingPictures compares the summary of the QIIME 2
// moving pictures table with `biom summarize-table` (scripts/golden_formats.sh).
func TestAnalyzeSummarizeMovingPictures(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "data", "moving_pictures")
	want, err := os.ReadFile(convTestdata + "golden/moving_pictures_summary.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"moving_pictures_table.biom21.h5", "moving_pictures_table.biom.json", "moving_pictures_table.tsv"} {
		got, err := runConvert(t, "analyze", "summarize", filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		got = strings.Replace(got, "Num non-zero entries: 2325\n", "", 1)
		if strings.TrimSpace(got) != strings.TrimSpace(string(want)) {
			t.Errorf("%s: summary differs from biom summarize-table:\n%s", f, got)
		}
	}
}

// TestAnalyzeConvertSameBytes: converting the same input twice gives the
// same bytes (convert used to write today's date into BIOM files); the
// input's recorded date is kept, and a TSV input gets no date.
func TestAnalyzeConvertSameBytes(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ src, date string }{
		{"rich_sparse_otu_table.biom", `"date": "2011-12-19T19:00:00"`},
		{"rich_otu_table.tsv", `"date": ""`},
	} {
		for _, to := range []string{"biom-json", "biom-hdf5"} {
			var got [2][]byte
			for k := range got {
				out := filepath.Join(dir, fmt.Sprintf("%s.%d.%s", c.src, k, to))
				if _, err := runConvert(t, "analyze", "convert", convTestdata+c.src, "--to", to, "--out", out); err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				got[k] = b
				time.Sleep(2 * time.Millisecond)
			}
			if !bytes.Equal(got[0], got[1]) {
				t.Errorf("%s --to %s: two conversions differ", c.src, to)
			}
			if to == "biom-json" && !bytes.Contains(got[0], []byte(c.date)) {
				t.Errorf("%s --to biom-json: no %s in the output", c.src, c.date)
			}
		}
	}
}
