package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/models"
)

// The hash test: every shipped model with its shipped scenario, every
// example scenario, every example cohort and trial spec (shrunk: see
// shrinkSpec), `sbml export` of every shipped model and `sbml run` of an
// SBML file, run through the CLI; the SHA-256 of every output file must
// match testdata/output-hashes.tsv, which scripts/record_output_hashes.sh
// recorded from a binary built before the run-pipeline refactor (issue 9)
// with these same commands. A change of any output byte fails here; a
// legitimate change (a solver fix, a new report layout) re-records the
// table with the script and says why in the commit.
//
// With HOLOBIONT_BIN set, the commands run that binary instead of this
// package's code (the recording script uses it); with
// HOLOBIONT_HASH_RECORD=FILE the table is written to FILE instead of
// compared.

const hashTable = "testdata/output-hashes.tsv"

type hashCase struct {
	name string
	args []string // relative to the work directory; outputs under out/<name>
}

// hashCases lists the commands. Outputs go to out/<case name>[/...].
func hashCases() []hashCase {
	var cs []hashCase
	add := func(name string, args ...string) { cs = append(cs, hashCase{name, args}) }
	for _, m := range models.List() {
		add("run-"+m, "run", m, "--out", "out/run-"+m, "--progress", "never")
	}
	add("run-default-set-parquet", "run", "--set", "sigma_S=0", "--set", "niche_open=1", "--format", "parquet", "--out", "out/run-default-set-parquet", "--progress", "never")
	add("run-hpa-rosenbrock", "run", "hpa-karin2020.yaml", "--solver", "rosenbrock", "--rtol", "1e-8", "--out", "out/run-hpa-rosenbrock", "--progress", "never")
	add("run-stein-dop853", "run", "stein2013.yaml", "--solver", "dop853", "--out", "out/run-stein-dop853", "--progress", "never")
	add("run-lee-dopri5", "run", "lee2024.yaml", "--solver", "dopri5", "--out", "out/run-lee-dopri5", "--progress", "never")
	scen, _ := filepath.Glob(filepath.Join(testutil.RepoRoot(), "examples", "scenarios", "*.yaml"))
	for _, s := range scen {
		b := filepath.Base(s)
		add("run-scenario-"+b, "run", "--scenario", "ex/scenarios/"+b, "--out", "out/run-scenario-"+b, "--progress", "never")
	}
	add("run-blowup-partial", "run", "blowup.yaml", "--scenario", "blowup-scenario.yaml", "--solver", "dopri5", "--out", "out/run-blowup-partial", "--progress", "never")
	add("run-blowup-partial-parquet", "run", "blowup.yaml", "--scenario", "blowup-scenario.yaml", "--solver", "rosenbrock", "--format", "parquet", "--out", "out/run-blowup-partial-parquet", "--progress", "never")
	specs, _ := filepath.Glob(filepath.Join(testutil.RepoRoot(), "examples", "*.yaml"))
	for _, s := range specs {
		b := filepath.Base(s)
		switch {
		case strings.HasPrefix(b, "cohort-"):
			add(b, "cohort", "ex/"+b, "--out", "out/"+b, "--progress", "never")
		case strings.HasPrefix(b, "trial-"):
			add(b, "trial", "ex/"+b, "--out", "out/"+b, "--progress", "never")
		}
	}
	for _, m := range models.List() {
		add("sbml-export-"+m, "sbml", "export", "models/"+m, "--out", "out/sbml-export-"+m+"/model.xml")
	}
	add("sbml-run-00001", "sbml", "run", "sbml-00001.xml", "--duration", "5", "--steps", "50", "--out", "out/sbml-run-00001/out.csv")
	return cs
}

var (
	reTopN      = regexp.MustCompile(`(?m)^n: [0-9]+`)
	rePowerN    = regexp.MustCompile(`(?m)^  n: \[[^\]]*\]`)
	rePowerReps = regexp.MustCompile(`(?m)^  replicates: [0-9]+`)
)

// shrinkSpec makes an example spec quick: 10 subjects, and a power study
// of 2 replicates at n = 10. Everything else (seed, model, scenario,
// sampling, endpoints, arms) is the example's own.
func shrinkSpec(b []byte) []byte {
	b = reTopN.ReplaceAll(b, []byte("n: 10"))
	b = rePowerN.ReplaceAll(b, []byte("  n: [10]"))
	return rePowerReps.ReplaceAll(b, []byte("  replicates: 2"))
}

// prepareHashInputs writes the inputs of hashCases into dir.
func prepareHashInputs(t *testing.T, dir string) {
	t.Helper()
	root := testutil.RepoRoot()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "ex", "scenarios"), 0o755))
	scen, _ := filepath.Glob(filepath.Join(root, "examples", "scenarios", "*.yaml"))
	for _, s := range scen {
		b, err := os.ReadFile(s)
		must(err)
		must(os.WriteFile(filepath.Join(dir, "ex", "scenarios", filepath.Base(s)), b, 0o644))
	}
	specs, _ := filepath.Glob(filepath.Join(root, "examples", "*.yaml"))
	for _, s := range specs {
		b, err := os.ReadFile(s)
		must(err)
		must(os.WriteFile(filepath.Join(dir, "ex", filepath.Base(s)), shrinkSpec(b), 0o644))
	}
	// dx/dt = x² from x(0) = 1 blows up at t = 1: a partial run.
	must(os.WriteFile(filepath.Join(dir, "blowup.yaml"), []byte("id: blowup\nstates:\n  x: {initial: 1, rate: \"x^2\"}\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "blowup-scenario.yaml"), []byte("duration: 2\noutput: {step: 0.125}\n"), 0o644))
	must(os.MkdirAll(filepath.Join(dir, "models"), 0o755))
	for _, m := range models.List() {
		b, err := models.Read(m)
		must(err)
		must(os.WriteFile(filepath.Join(dir, "models", m), b, 0o644))
	}
	for _, c := range hashCases() {
		if c.args[0] == "sbml" { // sbml commands write a file into out/<case>/
			must(os.MkdirAll(filepath.Join(dir, "out", c.name), 0o755))
		}
	}
	b, err := os.ReadFile(filepath.Join(root, "sbml", "testdata", "cases", "00001", "00001-sbml-l3v2.xml"))
	must(err)
	must(os.WriteFile(filepath.Join(dir, "sbml-00001.xml"), b, 0o644))
}

// runHashCase runs one case in dir: through HOLOBIONT_BIN when set, else
// in process. It reports whether the command succeeded.
func runHashCase(t *testing.T, dir string, c hashCase) bool {
	t.Helper()
	if bin := os.Getenv("HOLOBIONT_BIN"); bin != "" {
		cmd := exec.Command(bin, c.args...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if err != nil {
			t.Logf("%s: %v: %s", c.name, err, stderr.String())
		}
		return err == nil
	}
	_, err := execRoot(t, dir, c.args...)
	if err != nil {
		t.Logf("%s: %v", c.name, err)
	}
	return err == nil
}

// hashOutputs returns "case\tfile\tsha256" lines for every file under
// dir/out/<case>, and a status line per case. chunks/ (the resume cache of
// a cohort: gob-encoded internal structs) is left out.
func hashOutputs(t *testing.T, dir string, c hashCase, ok bool) []string {
	t.Helper()
	status := "ok"
	if !ok {
		status = "error"
	}
	lines := []string{c.name + "\t(exit)\t" + status}
	base := filepath.Join(dir, "out", c.name)
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "chunks" {
				return filepath.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(base, path)
		h := sha256.Sum256(b)
		lines = append(lines, c.name+"\t"+filepath.ToSlash(rel)+"\t"+hex.EncodeToString(h[:]))
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return lines
}

func TestOutputHashes(t *testing.T) {
	dir := t.TempDir()
	prepareHashInputs(t, dir)
	var got []string
	for _, c := range hashCases() {
		ok := runHashCase(t, dir, c)
		got = append(got, hashOutputs(t, dir, c, ok)...)
	}
	sort.Strings(got)
	if rec := os.Getenv("HOLOBIONT_HASH_RECORD"); rec != "" {
		var b strings.Builder
		b.WriteString("# case\tfile\tsha256 -- recorded by scripts/record_output_hashes.sh; see hash_test.go\n")
		for _, l := range got {
			b.WriteString(l + "\n")
		}
		if err := os.WriteFile(rec, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded %d lines in %s", len(got), rec)
		return
	}
	want := readHashTable(t)
	gotSet := map[string]string{}
	for _, l := range got {
		k, v := splitHashLine(l)
		gotSet[k] = v
	}
	bad := 0
	for k, v := range want {
		g, ok := gotSet[k]
		switch {
		case !ok:
			t.Errorf("%s: missing (recorded %s)", k, v)
			bad++
		case g != v:
			t.Errorf("%s: sha256 %s, recorded %s", k, g, v)
			bad++
		}
	}
	for k, v := range gotSet {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: new output %s, not in %s", k, v, hashTable)
			bad++
		}
	}
	if bad > 0 {
		t.Logf("%d of %d outputs differ from %s; if the change is intended, re-record with scripts/record_output_hashes.sh and say why in the commit", bad, len(want), hashTable)
	}
}

func splitHashLine(l string) (key, sum string) {
	i := strings.LastIndexByte(l, '\t')
	return l[:i], l[i+1:]
}

func readHashTable(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(hashTable)
	if err != nil {
		t.Fatalf("%v (record it with scripts/record_output_hashes.sh)", err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.Count(l, "\t") != 2 {
			t.Fatalf("%s: bad line %q", hashTable, l)
		}
		k, v := splitHashLine(l)
		want[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatalf("%s is empty", hashTable)
	}
	return want
}
