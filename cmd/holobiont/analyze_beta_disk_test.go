package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestBetaOnDisk: --on-disk always (the path taken from 20,000 samples on)
// writes the same bytes as the in-memory matrix, for Bray–Curtis and both
// UniFrac metrics on the QIIME 1.9.1 example table, and leaves no
// temporary file behind; a bad --on-disk value is refused.
func TestBetaOnDisk(t *testing.T) {
	dir := t.TempDir()
	tab := filepath.Join("..", "..", "diversity", "testdata", "qiime191_otu_table.tsv")
	tree := filepath.Join("..", "..", "diversity", "testdata", "qiime191_tree.nwk")
	for _, args := range [][]string{
		{"--metric", "braycurtis"},
		{"--metric", "unweighted-unifrac", "--tree", tree},
		{"--metric", "weighted-unifrac", "--normalized", "--tree", tree},
	} {
		var outs [][]byte
		for _, mode := range []string{"never", "always"} {
			out := filepath.Join(dir, mode+".tsv")
			a := append([]string{"analyze", "beta", tab, "--on-disk", mode, "--out", out}, args...)
			if msg, err := runCmd(t, newRootCmd(), a...); err != nil {
				t.Fatalf("%v: %v\n%s", a, err, msg)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			outs = append(outs, b)
		}
		if !bytes.Equal(outs[0], outs[1]) || len(outs[0]) == 0 {
			t.Errorf("%v: on-disk output differs from the in-memory one", args)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".distmat-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := runCmd(t, newRootCmd(), "analyze", "beta", tab, "--on-disk", "sometimes", "--out", filepath.Join(dir, "x.tsv")); err == nil {
		t.Error("--on-disk sometimes was accepted")
	}
}
