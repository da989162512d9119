package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const statsTestdata = "../../stats/testdata/"

func runStats(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestAnalyzePermanovaCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.json")
	if _, err := runStats(t, "analyze", "permanova", statsTestdata+"mp_dm.tsv", "--metadata", statsTestdata+"mp_mf.tsv",
		"--column", "BodySite", "--permutations", "99", "--seed", "3", "--out", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	// vegan adonis2 / scikit-bio permanova on this matrix: F = 9.8000786027188, R2 = 0.50342666260348.
	if f := r["statistic"].(float64); math.Abs(f-9.8000786027188)/f > 1e-9 {
		t.Errorf("statistic %v", f)
	}
	if r2 := r["r2"].(float64); math.Abs(r2-0.50342666260348)/r2 > 1e-9 {
		t.Errorf("r2 %v", r2)
	}
	for _, k := range []string{"p_value", "permutations", "sample_size", "number_of_groups", "method", "test_statistic_name"} {
		if _, ok := r[k]; !ok {
			t.Errorf("R.json lacks %q", k)
		}
	}
	if r["permutations"].(float64) != 99 || r["number_of_groups"].(float64) != 4 || r["sample_size"].(float64) != 33 {
		t.Errorf("bad fields: %v", r)
	}
	// Same seed, other worker count: same p-value.
	s1, _ := runStats(t, "analyze", "anosim", statsTestdata+"mp_dm.tsv", "--metadata", statsTestdata+"mp_mf.tsv",
		"--column", "ReportedAntibioticUsage", "--seed", "5", "--workers", "1", "--out", "-")
	s2, _ := runStats(t, "analyze", "anosim", statsTestdata+"mp_dm.tsv", "--metadata", statsTestdata+"mp_mf.tsv",
		"--column", "ReportedAntibioticUsage", "--seed", "5", "--workers", "2", "--out", "-")
	if s1 != s2 || s1 == "" {
		t.Errorf("anosim output depends on --workers:\n%s\n%s", s1, s2)
	}
}

func TestAnalyzeStatsCLIErrors(t *testing.T) {
	dir := t.TempDir()
	// Metadata lacking two of the matrix ids.
	md, _ := os.ReadFile(statsTestdata + "mp_mf.tsv")
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(string(md)), "\n") {
		if !strings.HasPrefix(l, "L1S105\t") && !strings.HasPrefix(l, "L6S93\t") {
			keep = append(keep, l)
		}
	}
	partial := filepath.Join(dir, "partial.tsv")
	os.WriteFile(partial, []byte(strings.Join(keep, "\n")+"\n"), 0o644)
	// A metadata column with one group.
	var one []string
	for i, l := range strings.Split(strings.TrimSpace(string(md)), "\n") {
		if i > 0 {
			l = l + "\tsame"
		} else {
			l = l + "\tconst"
		}
		one = append(one, l)
	}
	onePath := filepath.Join(dir, "one.tsv")
	os.WriteFile(onePath, []byte(strings.Join(one, "\n")+"\n"), 0o644)
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"ids differ", []string{"permanova", statsTestdata + "mp_dm.tsv", "--metadata", partial, "--column", "BodySite"}, []string{"L1S105", "L6S93"}},
		{"one group", []string{"permdisp", statsTestdata + "mp_dm.tsv", "--metadata", onePath, "--column", "const"}, []string{"single group", "const"}},
		{"missing column", []string{"anosim", statsTestdata + "mp_dm.tsv", "--metadata", statsTestdata + "mp_mf.tsv", "--column", "body-site"}, []string{"no column", "body-site"}},
		{"mantel ids", []string{"mantel", statsTestdata + "mp_dm.tsv", statsTestdata + "gp_bc.tsv"}, []string{"different ids", "L1S105", "CL3"}},
		{"bad scheme", []string{"permdisp", statsTestdata + "mp_dm.tsv", "--metadata", statsTestdata + "mp_mf.tsv", "--column", "BodySite", "--scheme", "x"}, []string{"--scheme"}},
	} {
		out := filepath.Join(dir, c.name+".json")
		args := append([]string{"analyze"}, c.args...)
		args = append(args, "--out", out)
		_, err := runStats(t, args...)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
		if _, e := os.Stat(out); e == nil {
			t.Errorf("%s: output file left behind", c.name)
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), "partial-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestAnalyzeMantelPermdispCLI(t *testing.T) {
	s, err := runStats(t, "analyze", "mantel", statsTestdata+"mp_dm.tsv", statsTestdata+"mp_days_dm.tsv", "--method", "spearman",
		"--permutations", "199", "--out", "-")
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatal(err)
	}
	// scikit-bio 0.5.8 mantel(method="spearman"): r = 0.013038417638550431.
	if v := r["statistic"].(float64); math.Abs(v-0.013038417638550431) > 1e-12 {
		t.Errorf("mantel r = %v", v)
	}
	s, err = runStats(t, "analyze", "permdisp", statsTestdata+"gp_bc.tsv", "--metadata", statsTestdata+"gp_meta.tsv",
		"--column", "SampleType", "--type", "centroid", "--scheme", "skbio", "--permutations", "99", "--out", "-")
	if err != nil {
		t.Fatal(err)
	}
	r = nil
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatal(err)
	}
	// scikit-bio and vegan: F = 18.055184239819663 (centroid).
	if v := r["statistic"].(float64); math.Abs(v-18.055184239819663)/v > 1e-9 {
		t.Errorf("permdisp F = %v", v)
	}
	det := r["details"].(map[string]any)
	if !strings.Contains(det["permutation_scheme"].(string), "labels") {
		t.Errorf("scheme not recorded: %v", det)
	}
}
