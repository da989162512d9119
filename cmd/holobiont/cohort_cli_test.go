package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/table"
)

func runCmd(t *testing.T, c *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	c.SetArgs(args)
	c.SetOut(&out)
	c.SetErr(&out)
	err := c.Execute()
	return out.String(), err
}

const cliSpec = `name: cli
n: 6
seed: 5
duration: 10
chunk: 2
parameters:
  r_Cu: {dist: lognormal, median: 1.2, sdlog: 0.2}
covariates:
  sex: {dist: categorical, values: [F, M], probs: [0.5, 0.5]}
sampling:
  - {times: [10], sites: [face, axilla]}
measurements:
  - {name: pss, instrument: pss10, times: [10]}
`

func TestCohortMergeCLI(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	os.WriteFile(spec, []byte(cliSpec), 0o644)
	full := filepath.Join(dir, "full")
	if out, err := runCmd(t, newCohortCmd(), spec, "--out", full, "--workers", "2", "--progress", "never"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// The BIOM files and metadata load with the table package (as analyze does).
	for _, f := range []string{"counts.biom", "counts.json.biom"} {
		tb, err := table.Read(filepath.Join(full, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if tb.NumSamples() != 12 {
			t.Errorf("%s: %d samples, want 12", f, tb.NumSamples())
		}
	}
	md, err := table.ReadMetadata(filepath.Join(full, "sample-metadata.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := md.Column("pss"); !ok || len(v) != 12 {
		t.Errorf("metadata pss column: %v %v", v, ok)
	}
	var parts []string
	for _, sh := range []string{"0/2", "1/2"} {
		d := filepath.Join(dir, "part"+sh[:1])
		if out, err := runCmd(t, newCohortCmd(), spec, "--out", d, "--shard", sh, "--progress", "never"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		parts = append(parts, d)
	}
	merged := filepath.Join(dir, "merged")
	if out, err := runCmd(t, newMergeCmd(), append(parts, "--out", merged)...); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, f := range []string{"subjects.csv", "counts.biom", "sample-metadata.tsv", "manifest.json", "samples.parquet"} {
		a, _ := os.ReadFile(filepath.Join(full, f))
		b, _ := os.ReadFile(filepath.Join(merged, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between unsharded and merged", f)
		}
	}
	// Bad input: clear errors, nothing written.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{spec, "--out", filepath.Join(dir, "x"), "--shard", "2/2"}, "out of range"},
		{[]string{spec}, "--out"},
	} {
		if _, err := runCmd(t, newCohortCmd(), tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("bad shard created the output directory")
	}
}

func TestTrialCLI(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "trial.yaml")
	os.WriteFile(spec, []byte(`name: t
n: 16
seed: 9
duration: 20
burn_in: 10
endpoints:
  - {name: shannon_change, variable: shannon(gut), stat: change, from: 0, time: 20}
interventions:
  pro: {type: probiotic, taxon: gut.probiotic, dose: 0.05, start: 0, duration: 20}
arms:
  - {name: placebo}
  - {name: probiotic, interventions: [pro]}
analysis:
  - {endpoint: shannon_change, control: placebo, treatment: probiotic}
power: {n: [8, 16], replicates: 4}
`), 0o644)
	out, err := runCmd(t, newTrialCmd(), spec, "--out", filepath.Join(dir, "o"), "--workers", "2")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, f := range []string{"analysis.tsv", "power.tsv", "report.html", "manifest.json", "subjects.csv"} {
		if _, err := os.Stat(filepath.Join(dir, "o", f)); err != nil {
			t.Error(err)
		}
	}
	noLocalPaths(t, filepath.Join(dir, "o"), dir)
	b, _ := os.ReadFile(filepath.Join(dir, "o", "subjects.csv"))
	if !strings.Contains(string(b), ",placebo,") || !strings.Contains(string(b), ",probiotic,") {
		t.Error("subjects.csv lacks arm labels")
	}
	// An arm referencing a missing intervention is an error with file:line:col.
	bad := strings.Replace(cliSpecTrialBad, "\t", "", -1)
	os.WriteFile(spec, []byte(bad), 0o644)
	if _, err := runCmd(t, newTrialCmd(), spec, "--out", filepath.Join(dir, "p")); err == nil || !strings.Contains(err.Error(), `references missing intervention "antibiotic_course"`) || !strings.Contains(err.Error(), "trial.yaml:9:") {
		t.Errorf("missing intervention: %v", err)
	}
}

const cliSpecTrialBad = `name: t
n: 16
seed: 9
duration: 20
interventions:
  pro: {type: probiotic, taxon: gut.probiotic, dose: 0.05, start: 0, duration: 20}
arms:
  - {name: placebo}
  - {name: abx, interventions: [antibiotic_course]}
`

// noLocalPaths fails when a file under out holds local, an absolute
// directory of this machine the inputs were read from (outputs record file
// names without it).
func noLocalPaths(t *testing.T, out, local string) {
	t.Helper()
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && bytes.Contains(b, []byte(local)) {
			t.Errorf("%s holds the local path %s", p, local)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
