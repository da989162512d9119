package targets

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden report")

// TestWriteMarkdownGolden writes the report of a copy of the shipped targets file
// with fixed numbers and compares it with testdata/report.golden.md
// (written with -update; the Markdown tables must not change bytes).
func TestWriteMarkdownGolden(t *testing.T) {
	f, err := Load(filepath.Join("testdata", "report.targets.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	params := make([]string, len(f.Parameters))
	for k, p := range f.Parameters {
		params[k] = p.ID
	}
	n, nt := len(params), len(f.Targets)
	res := &Result{Params: params, Fit: f.Roles(RoleFit), F: 1.25, FPrior: 7.5}
	res.Status, res.Iter, res.Evals = "converged", 9, 11
	for k := range params {
		x := float64(k + 1)
		res.Prior = append(res.Prior, x)
		res.Best = append(res.Best, 1.1*x)
		res.Lo = append(res.Lo, x/3)
		res.Hi = append(res.Hi, 3*x)
	}
	for i := range f.Targets {
		v := math.NaN()
		if f.Targets[i].Simulated() {
			v = f.Targets[i].Centre() + 0.01*float64(i)
		}
		res.AtPrior = append(res.AtPrior, v/2)
		res.AtBest = append(res.AtBest, v)
	}
	for j := range res.Fit {
		for k := range n {
			res.Jac = append(res.Jac, 0.05*float64((j+k)%4))
		}
	}
	rep := &Report{File: f, Result: res, Draws: 5, Seed: 1, Version: "test", ModelName: "gut-skin-brain", ModelHash: "0123456789abcdef"}
	for d := range 3 {
		m := Member{Draw: d, F: 1.5}
		for i := range nt {
			m.Values = append(m.Values, res.AtBest[i]*(1+0.1*float64(d-1)))
		}
		rep.Members = append(rep.Members, m)
	}
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report.golden.md")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("report differs from %s:\n%s", golden, b.String())
	}
}
