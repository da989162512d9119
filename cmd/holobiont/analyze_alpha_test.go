package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestAnalyzeAlpha(t *testing.T) {
	out := filepath.Join(t.TempDir(), "alpha.tsv")
	_, _, err := runDiv(t, "analyze", "alpha", divTestdata+"qiime191_otu_table.tsv", "--tree", divTestdata+"qiime191_tree.nwk",
		"--metrics", "observed,shannon,pielou,faith-pd", "--base", "2", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if !strings.HasPrefix(lines[0], "# holobiont") || !strings.Contains(lines[0], "shannon base 2") {
		t.Errorf("provenance line: %q", lines[0])
	}
	if lines[1] != "sample-id\tobserved\tshannon\tpielou\tfaith-pd" {
		t.Errorf("header: %q", lines[1])
	}
	if len(lines) != 2+8 {
		t.Fatalf("%d lines, want 10", len(lines))
	}
	rows := map[string][]string{}
	for _, l := range lines[2:] {
		c := strings.Split(l, "\t")
		rows[c[0]] = c[1:]
	}
	// f4 has a single feature: Pielou is undefined (empty cell).
	if rows["f4"][2] != "" {
		t.Errorf("Pielou of f4 = %q, want empty", rows["f4"][2])
	}
	// scikit-bio 0.5.8 shannon(base=2) of f2; QIIME 1.9.1 PD_whole_tree of f2.
	sh, _ := strconv.ParseFloat(rows["f2"][1], 64)
	if math.Abs(sh-0.5304060778306042) > 1e-12 {
		t.Errorf("shannon base 2 of f2 = %v", sh)
	}
	pd, _ := strconv.ParseFloat(rows["f2"][3], 64)
	if math.Abs(pd-0.64607) > 5e-6 {
		t.Errorf("Faith PD of f2 = %v", pd)
	}
}

func TestAnalyzeAlphaErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "a.tsv")
	tab := divTestdata + "qiime191_otu_table.tsv"
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--metrics", "faith-pd"}, "needs --tree"},
		{[]string{"--metrics", "shannon", "--base", "3"}, `--base "3"`},
		{[]string{"--metrics", "shannon,bogus"}, `unknown metric "bogus"`},
		{[]string{"--metrics", "faith-pd", "--tree", divTestdata + "esophagus_tree.nwk"}, "are not tip names of the tree"},
		{[]string{"--metrics", "chao1", "--chao1", "new"}, `--chao1 "new"`},
	}
	for _, c := range cases {
		_, _, err := runDiv(t, append([]string{"analyze", "alpha", tab, "--out", out}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}
