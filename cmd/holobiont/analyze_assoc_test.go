package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const assocTestdata = "../../assoc/testdata/"

func TestAnalyzeAssocCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "assoc.tsv")
	if _, err := runStats(t, "analyze", "assoc", assocTestdata+"table.tsv", "--metadata", assocTestdata+"metadata.tsv",
		"--by", "body-site", "--vars", "stress,mood", "--method", "lm", "--covariates", "age,sex", "--out", out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	gold, err := os.ReadFile(assocTestdata + "golden_lm_clr.tsv")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(gold)), "\n")[1:] {
		f := strings.Split(l, "\t")
		want[f[0]+"|"+f[1]+"|"+f[2]] = f
	}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if !strings.HasPrefix(lines[0], "# holobiont") || lines[1] != "site\ttaxon\tvariable\tn\tn_site\tprevalence\teffect\tci_low\tci_high\tp\tq" {
		t.Fatalf("header: %q / %q", lines[0], lines[1])
	}
	if len(lines)-2 != len(want) {
		t.Errorf("%d rows, want %d (R)", len(lines)-2, len(want))
	}
	for _, l := range lines[2:] {
		f := strings.Split(l, "\t")
		w, ok := want[f[0]+"|"+f[1]+"|"+f[2]]
		if !ok {
			t.Errorf("unexpected row %q", l)
			continue
		}
		if f[3] != w[3] {
			t.Errorf("%s: n %s, want %s", l, f[3], w[3])
		}
		// effect, ci_low, ci_high, p, q: columns 6.. here, 4.. in R's file.
		for k := 0; k < 5; k++ {
			a, _ := strconv.ParseFloat(f[6+k], 64)
			b, _ := strconv.ParseFloat(w[4+k], 64)
			if math.Abs(a-b) > 1e-9*math.Max(math.Abs(a), math.Abs(b)) {
				t.Errorf("%s %s %s column %d: %g, R %g", f[0], f[1], f[2], 6+k, a, b)
			}
		}
	}
}

func TestAnalyzeAssocCLIErrors(t *testing.T) {
	dir := t.TempDir()
	md, _ := os.ReadFile(assocTestdata + "metadata.tsv")
	ls := strings.Split(strings.TrimSpace(string(md)), "\n")
	short := filepath.Join(dir, "short.tsv")
	os.WriteFile(short, []byte(strings.Join(ls[:len(ls)-2], "\n")+"\n"), 0o644)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"missing by", []string{"--metadata", assocTestdata + "metadata.tsv", "--by", "site", "--vars", "stress"}, `no column "site"`},
		{"missing samples", []string{"--metadata", short, "--by", "body-site", "--vars", "stress"}, "P20.forearm"},
		{"covariates need lm", []string{"--metadata", assocTestdata + "metadata.tsv", "--by", "body-site", "--vars", "stress", "--covariates", "age"}, "--method lm"},
		{"bad transform", []string{"--metadata", assocTestdata + "metadata.tsv", "--by", "body-site", "--vars", "stress", "--transform", "log"}, "--transform"},
	} {
		out := filepath.Join(dir, "o.tsv")
		args := append([]string{"analyze", "assoc", assocTestdata + "table.tsv", "--out", out}, c.args...)
		_, err := runStats(t, args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want mention of %q", c.name, err, c.want)
		}
		if _, e := os.Stat(out); e == nil {
			t.Errorf("%s: output left behind", c.name)
		}
	}
}

func TestAnalyzeReportCLI(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.html")
	if _, err := runStats(t, "analyze", "report", assocTestdata+"table.tsv", "--metadata", assocTestdata+"metadata.tsv",
		"--group", "body-site", "--by", "body-site", "--vars", "stress,mood", "--permutations", "99", "--out", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	// Two alpha box plots, one PCoA scatter, four site heatmaps.
	if n := strings.Count(s, "<svg"); n < 7 {
		t.Errorf("%d inline SVG figures, want >= 7", n)
	}
	for _, w := range []string{"PERMANOVA", "Cutibacterium", "axilla", "forearm", "PC1"} {
		if !strings.Contains(s, w) {
			t.Errorf("report lacks %q", w)
		}
	}
	if strings.Contains(s, "http://") && strings.Contains(s, "<script src") {
		t.Error("report loads external resources")
	}
}
