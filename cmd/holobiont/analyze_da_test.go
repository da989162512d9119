package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// daFixture writes a small study: 12 samples in two arms, 3 subjects per
// arm with two visits, 8 taxa of integer counts.
func daFixture(t *testing.T, counts string) (tbl, md string) {
	t.Helper()
	dir := t.TempDir()
	tbl = filepath.Join(dir, "table.tsv")
	md = filepath.Join(dir, "md.tsv")
	ids := []string{"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12"}
	var b strings.Builder
	b.WriteString("#OTU ID\t" + strings.Join(ids, "\t") + "\n")
	if counts == "" {
		rows := [][]int{
			{10, 12, 9, 11, 13, 10, 40, 38, 45, 41, 39, 44},
			{20, 22, 19, 21, 23, 20, 20, 21, 19, 22, 20, 21},
			{5, 4, 6, 5, 4, 6, 5, 5, 4, 6, 5, 4},
			{30, 29, 31, 28, 30, 32, 30, 31, 29, 30, 28, 31},
			{8, 9, 7, 8, 9, 8, 1, 0, 2, 1, 0, 1},
			{15, 14, 16, 15, 14, 16, 15, 16, 14, 15, 16, 14},
			{3, 0, 2, 4, 1, 3, 2, 3, 0, 2, 4, 1},
			{12, 11, 13, 12, 11, 13, 12, 13, 11, 12, 11, 13},
		}
		for i, r := range rows {
			b.WriteString("t" + string(rune('1'+i)))
			for _, v := range r {
				b.WriteString("\t" + itoa(v))
			}
			b.WriteString("\n")
		}
	} else {
		b.WriteString(counts)
	}
	if err := os.WriteFile(tbl, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var m strings.Builder
	m.WriteString("sample-id\tarm\tsubject\tage\tsite\tsolo\n")
	for i, id := range ids {
		arm := "placebo"
		if i >= 6 {
			arm = "probiotic"
		}
		solo := "a"
		if i == 0 {
			solo = "b"
		}
		m.WriteString(id + "\t" + arm + "\tsubj" + itoa(i/2) + "\t" + itoa(30+i) + "\tgut\t" + solo + "\n")
	}
	if err := os.WriteFile(md, []byte(m.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return tbl, md
}

func itoa(v int) string { return strconv.Itoa(v) }

func TestAnalyzeDACLI(t *testing.T) {
	tbl, md := daFixture(t, "")
	dir := t.TempDir()
	for _, m := range []string{"ancombc", "aldex2", "linda", "wilcoxon", "lm", "logistic", "nbwald", "consensus"} {
		out := filepath.Join(dir, m+".tsv")
		args := []string{"analyze", "da", tbl, "--metadata", md, "--formula", "~ arm", "--method", m, "--out", out, "--mc-samples", "16"}
		if _, err := runStats(t, args...); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var header string
		var t1 []string
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "taxon\t") {
				header = l
			}
			if strings.HasPrefix(l, "t1\t") {
				t1 = strings.Split(l, "\t")
			}
		}
		if !strings.HasPrefix(header, "taxon\tterm\teffect\tse\tstatistic\tp\tq") {
			t.Errorf("%s: header %q", m, header)
		}
		// t1 rises four-fold in the probiotic arm: every method must see a
		// positive effect (logistic: t1 is always present, NA).
		if t1 == nil || t1[1] != "arm[probiotic]" {
			t.Fatalf("%s: t1 row %q", m, t1)
		}
		if m != "logistic" && strings.HasPrefix(t1[2], "-") {
			t.Errorf("%s: t1 effect %s, want positive", m, t1[2])
		}
	}
	// --conserve widens every ANCOM-BC se by the bias estimate's sd.
	se := func(extra ...string) float64 {
		out := filepath.Join(dir, "conserve.tsv")
		args := append([]string{"analyze", "da", tbl, "--metadata", md, "--formula", "~ arm", "--out", out, "--struc-zero", "--group", "arm"}, extra...)
		if _, err := runStats(t, args...); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(out)
		for _, l := range strings.Split(string(b), "\n") {
			if c := strings.Split(l, "\t"); c[0] == "t1" {
				v, _ := strconv.ParseFloat(c[3], 64)
				return v
			}
		}
		t.Fatalf("no t1 row in\n%s", b)
		return 0
	}
	if plain, cons := se(), se("--conserve"); !(cons > plain) {
		t.Errorf("--conserve se %g, without %g: want larger", cons, plain)
	}
	// --group names a factor of the user's formula, not of the null splits'.
	if _, err := runStats(t, "analyze", "da", tbl, "--metadata", md, "--formula", "~ arm", "--struc-zero", "--group", "arm",
		"--null-splits", "2", "--out", filepath.Join(dir, "null-group.tsv")); err != nil {
		t.Errorf("--null-splits with --group: %v", err)
	}
	// Random intercept and HTML report.
	out := filepath.Join(dir, "lmm.tsv")
	html := filepath.Join(dir, "lmm.html")
	if _, err := runStats(t, "analyze", "da", tbl, "--metadata", md, "--formula", "~ arm + age", "--random", "subject", "--method", "linda", "--out", out, "--html", html); err != nil {
		t.Fatal(err)
	}
	h, err := os.ReadFile(html)
	if err != nil || !strings.Contains(string(h), "Volcano") {
		t.Errorf("html report missing volcano: %v", err)
	}
	// Null splits.
	out = filepath.Join(dir, "null.tsv")
	if _, err := runStats(t, "analyze", "da", tbl, "--metadata", md, "--formula", "~ arm", "--method", "wilcoxon", "--null-splits", "3", "--out", out); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), "fraction_called") || strings.Count(string(b), "\n") != 6 {
		t.Errorf("null splits output:\n%s", b)
	}
}

func TestAnalyzeDABadInput(t *testing.T) {
	tbl, md := daFixture(t, "")
	nonInt, _ := daFixture(t, "t1\t1.5\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\nt2\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\n")
	zeroSample, _ := daFixture(t, "t1\t0\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\nt2\t0\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\n")
	cases := []struct {
		name  string
		table string
		args  []string
		want  []string
	}{
		{"missing column", tbl, []string{"--formula", "~ dose"}, []string{md, `"dose"`, "no such metadata column"}},
		{"constant column", tbl, []string{"--formula", "~ site"}, []string{md, `"site"`, "constant"}},
		{"one-sample group", tbl, []string{"--formula", "~ solo"}, []string{md, `"solo"`, `"s1"`, "single sample"}},
		{"random one level", tbl, []string{"--formula", "~ arm", "--random", "site", "--method", "lm"}, []string{md, `"site"`, "one level"}},
		{"random unsupported", tbl, []string{"--formula", "~ arm", "--random", "subject", "--method", "ancombc"}, []string{"does not fit a random intercept"}},
		{"non-integer counts", nonInt, []string{"--formula", "~ arm", "--method", "aldex2"}, []string{`"t1"`, `"s1"`, "not an integer"}},
		{"empty sample", zeroSample, []string{"--formula", "~ arm", "--min-prevalence", "0"}, []string{`"s1"`, "every taxon is zero"}},
		{"struc-zero group not a factor", tbl, []string{"--formula", "~ arm + age", "--struc-zero", "--group", "age"}, []string{`"age"`, "categorical main term"}},
		{"group without struc-zero", tbl, []string{"--formula", "~ arm", "--group", "arm"}, []string{"--group", "--struc-zero"}},
		{"formula syntax", tbl, []string{"--formula", "~ arm +"}, []string{"--formula", "column"}},
		{"unknown method", tbl, []string{"--formula", "~ arm", "--method", "deseq"}, []string{"unknown method"}},
	}
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "out.tsv")
		args := append([]string{"analyze", "da", c.table, "--metadata", md, "--out", out}, c.args...)
		_, err := runStats(t, args...)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", c.name, err, w)
			}
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Errorf("%s: output written despite the error", c.name)
		}
	}
}
