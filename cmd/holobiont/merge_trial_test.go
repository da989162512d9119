package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/table"
)

const mergeTrialSpec = `name: mt
n: 12
seed: 3
duration: 14
burn_in: 10
chunk: 4
sampling:
  - {times: [0, 14], sites: [face]}
measurements:
  - {name: pss, instrument: pss10, times: [0, 14]}
endpoints:
  - {name: pss_base, variable: host.perceived_stress, time: 0}
  - {name: pss_change, variable: host.perceived_stress, stat: change, from: 0, time: 14}
interventions:
  stress: {type: stress, intensity: 2, start: 0, duration: 14}
arms:
  - {name: placebo}
  - {name: stress, interventions: [stress]}
analysis:
  - {endpoint: pss_change, baseline: pss_base, control: placebo, treatment: stress}
power: {n: [12], replicates: 3, test: ancova}
`

// TestMergeTrialShards: 2 trial shards merged with --spec give the
// unsharded run's outputs byte for byte, analysis, power and report
// included; wrong or missing specs are refused before anything is written.
func TestMergeTrialShards(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "trial.yaml")
	if err := os.WriteFile(spec, []byte(mergeTrialSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(dir, "full")
	if out, err := runCmd(t, newTrialCmd(), spec, "--out", full, "--workers", "2", "--progress", "never"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var parts []string
	for _, sh := range []string{"0/2", "1/2"} {
		d := filepath.Join(dir, "part"+sh[:1])
		if out, err := runCmd(t, newTrialCmd(), spec, "--out", d, "--shard", sh, "--workers", "1", "--progress", "never"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if _, err := os.Stat(filepath.Join(d, "analysis.tsv")); err == nil {
			t.Errorf("shard %s ran the analysis", sh)
		}
		parts = append(parts, d)
	}

	// Refusals, before any output exists.
	other := filepath.Join(dir, "other.yaml")
	os.WriteFile(other, []byte(strings.Replace(mergeTrialSpec, "seed: 3", "seed: 4", 1)), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{append(parts, "--out", filepath.Join(dir, "x")), "--spec"},
		{append(parts, "--out", filepath.Join(dir, "x"), "--spec", other), "not the spec the shards ran"},
		{[]string{parts[0], "--out", filepath.Join(dir, "x"), "--spec", spec}, "missing"},
		{[]string{parts[0], full, "--out", filepath.Join(dir, "x"), "--spec", spec, "--no-power"}, ""},
	} {
		_, err := runCmd(t, newMergeCmd(), tc.args...)
		if tc.want == "" {
			// A complete run plus a shard of the same spec is a valid merge.
			if err != nil {
				t.Errorf("%v: %v", tc.args, err)
			}
			os.RemoveAll(filepath.Join(dir, "x"))
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
			t.Errorf("%v: refused merge created the output directory", tc.args)
			os.RemoveAll(filepath.Join(dir, "x"))
		}
	}

	merged := filepath.Join(dir, "merged")
	if out, err := runCmd(t, newMergeCmd(), append(parts, "--out", merged, "--spec", spec, "--workers", "1", "--progress", "never")...); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	files := []string{"analysis.tsv", "power.tsv", "report.html", cohort.FileManifest,
		cohort.FileSubjects, cohort.FileSubjectsParquet, cohort.FileSamples, cohort.FileSamplesParquet,
		cohort.FileMeasurements, cohort.FileMetadata, cohort.FileBIOM, cohort.FileBIOMJSON, cohort.FileTruthAbundance,
		cohort.FileMDSINECounts, cohort.FileMDSINEMetadata, cohort.FileMDSINEBiomass, cohort.FileMDSINETaxonomy}
	for _, f := range files {
		a, err1 := os.ReadFile(filepath.Join(full, f))
		b, err2 := os.ReadFile(filepath.Join(merged, f))
		if err1 != nil || err2 != nil {
			t.Errorf("%s: %v %v", f, err1, err2)
			continue
		}
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the unsharded trial and the merged shards", f)
		}
	}
	a, _ := os.ReadFile(filepath.Join(merged, "analysis.tsv"))
	if !strings.Contains(string(a), "pss_change\tplacebo\tstress\t") {
		t.Errorf("analysis.tsv:\n%s", a)
	}
	// The MDSINE set carries the arm index (spec order) as intv.
	md, err := table.ReadMDSINE(filepath.Join(merged, cohort.DirMDSINE))
	if err != nil {
		t.Fatal(err)
	}
	arms := map[string]int{}
	for _, s := range md.Samples {
		arms[s.Intervention]++
	}
	if len(md.Samples) != 24 || arms["0"]+arms["1"] != 24 || arms["0"] == 0 || arms["1"] == 0 {
		t.Errorf("MDSINE samples %d, intv %v", len(md.Samples), arms)
	}
	// Merging again into the same directory is idempotent.
	if out, err := runCmd(t, newMergeCmd(), append(parts, "--out", merged, "--spec", spec, "--workers", "2", "--progress", "never")...); err != nil {
		t.Fatalf("re-merge: %v\n%s", err, out)
	}
	for _, f := range files {
		a, _ := os.ReadFile(filepath.Join(full, f))
		b, _ := os.ReadFile(filepath.Join(merged, f))
		if !bytes.Equal(a, b) {
			t.Errorf("re-merge: %s differs", f)
		}
	}
}
