package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/distmat"
)

// runDiv runs the holobiont command in-process.
func runDiv(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRootCmd()
	var o, e bytes.Buffer
	root.SetOut(&o)
	root.SetErr(&e)
	root.SetArgs(args)
	err = root.ExecuteContext(context.Background())
	return o.String(), e.String(), err
}

const divTestdata = "../../diversity/testdata/"

func TestAnalyzeBetaAndPCoA(t *testing.T) {
	dir := t.TempDir()
	dm := filepath.Join(dir, "uw.tsv")
	_, _, err := runDiv(t, "analyze", "beta", divTestdata+"qiime191_otu_table.tsv", "--metric", "unweighted-unifrac",
		"--tree", divTestdata+"qiime191_tree.nwk", "--out", dm)
	if err != nil {
		t.Fatal(err)
	}
	m, err := distmat.ReadFile(dm)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := distmat.ReadFile(divTestdata + "qiime191_unweighted_unifrac_dm.tsv")
	if err != nil {
		t.Fatal(err)
	}
	// QIIME 1.9.1 value for (f2, p2), 12 significant digits.
	i, j := divIndexOf(m.IDs, "f2"), divIndexOf(m.IDs, "p2")
	if got, want := m.At(i, j), ref.At(divIndexOf(ref.IDs, "f2"), divIndexOf(ref.IDs, "p2")); divAbs(got-want) > 1e-11 {
		t.Errorf("unweighted UniFrac (f2,p2) = %v, QIIME 1.9.1 %v", got, want)
	}
	out, _, err := runDiv(t, "analyze", "pcoa", dm, "--axes", "2")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != "Eigvals\t2" || !strings.HasPrefix(lines[3], "Proportion explained\t2") {
		t.Fatalf("pcoa output:\n%s", out)
	}
	if !strings.Contains(out, "Site\t8\t2\n") {
		t.Errorf("pcoa output lacks the Site block:\n%s", out)
	}
	ev, _ := strconv.ParseFloat(strings.Split(lines[1], "\t")[0], 64)
	if ev <= 0 {
		t.Errorf("first eigenvalue %v", ev)
	}
}

func TestAnalyzeBetaErrors(t *testing.T) {
	dir := t.TempDir()
	badTree := filepath.Join(dir, "bad.nwk")
	os.WriteFile(badTree, []byte("((295053:0.1,42684):0.2,(None11:0.1,None7:0.1,None3:1,879972:1,None4:1,None5:1,None8:1,None9:1):0.1);"), 0o644)
	wrongTree := filepath.Join(dir, "wrong.nwk")
	os.WriteFile(wrongTree, []byte("((a:1,b:2):1,c:1);"), 0o644)
	out := filepath.Join(dir, "dm.tsv")
	tab := divTestdata + "qiime191_otu_table.tsv"
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--metric", "unweighted-unifrac", "--tree", badTree}, `bad.nwk with table ` + tab + `: tree: node 1 ("42684") has no branch length`},
		{[]string{"--metric", "weighted-unifrac", "--tree", wrongTree}, "table feature id(s) are not tip names of the tree"},
		{[]string{"--metric", "unweighted-unifrac"}, "needs --tree"},
		{[]string{"--metric", "aitchison"}, "explicit --pseudocount"},
		{[]string{"--metric", "euclid"}, `--metric "euclid"`},
		{[]string{"--metric", "braycurtis", "--normalized"}, "--normalized applies to weighted-unifrac only"},
	}
	for _, c := range cases {
		args := append([]string{"analyze", "beta", tab, "--out", out}, c.args...)
		_, _, err := runDiv(t, args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Errorf("%v: output file left behind", c.args)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func divIndexOf(ids []string, id string) int {
	for i, s := range ids {
		if s == id {
			return i
		}
	}
	return -1
}

func divAbs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestAnalyzePCoAEigenvalues(t *testing.T) {
	dir := t.TempDir()
	dm := filepath.Join(dir, "jq.tsv")
	// vegan's quantitative Jaccard of the esophagus samples.
	if _, _, err := runDiv(t, "analyze", "beta", divTestdata+"esophagus_otu_table.tsv", "--metric", "jaccard", "--quantitative", "--out", dm); err != nil {
		t.Fatal(err)
	}
	m, err := distmat.ReadFile(dm)
	if err != nil {
		t.Fatal(err)
	}
	// golden_vegan.tsv: vegdist(x, "jaccard")[B, C] = 0.57763975155279501.
	if got := m.At(divIndexOf(m.IDs, "B"), divIndexOf(m.IDs, "C")); divAbs(got-0.57763975155279501) > 1e-12 {
		t.Errorf("quantitative Jaccard (B, C) = %v", got)
	}
	eig := filepath.Join(dir, "eig.tsv")
	out, _, err := runDiv(t, "analyze", "pcoa", dm, "--axes", "0", "--eigenvalues", eig)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "Eigvals\t3\n") || !strings.Contains(out, "Site\t3\t3\n") {
		t.Errorf("pcoa --axes 0 output:\n%s", out)
	}
	b, err := os.ReadFile(eig)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 4 || lines[0] != "axis\teigenvalue\tproportion_explained" || !strings.HasPrefix(lines[3], "PC3\t") {
		t.Errorf("eigenvalues file:\n%s", b)
	}
	var sum float64
	for _, l := range lines[1:] {
		p, _ := strconv.ParseFloat(strings.Split(l, "\t")[2], 64)
		sum += p
	}
	if divAbs(sum-1) > 1e-12 {
		t.Errorf("proportions sum to %v", sum)
	}
}
