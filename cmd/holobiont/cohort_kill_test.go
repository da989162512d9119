package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// TestHelperCohortProcess runs a cohort/trial/merge command line from
// $HB_COHORT_ARGS in a child process (used by TestCohortSIGKILL; skipped otherwise).
func TestHelperCohortProcess(t *testing.T) {
	a := os.Getenv("HB_COHORT_ARGS")
	if a == "" {
		t.Skip("helper process only")
	}
	args := strings.Fields(a)
	var c *cobra.Command
	switch args[0] {
	case "cohort":
		c = newCohortCmd()
	case "trial":
		c = newTrialCmd()
	default:
		c = newMergeCmd()
	}
	c.SetArgs(args[1:])
	c.SetOut(os.Stdout)
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
}

// TestCohortSIGKILL kills a running cohort with SIGKILL once some chunks are
// on disk, checks that nothing looks complete, resumes it, and compares the
// result byte for byte with an uninterrupted run; the chunks written before
// the kill are kept (not recomputed).
func TestCohortSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	os.WriteFile(spec, []byte(strings.Replace(strings.Replace(cliSpec, "n: 6", "n: 400", 1), "duration: 10", "duration: 200", 1)), 0o644)
	child := func(out string) *exec.Cmd {
		c := exec.Command(os.Args[0], "-test.run", "^TestHelperCohortProcess$")
		c.Env = append(os.Environ(), "HB_COHORT_ARGS=cohort "+spec+" --out "+out+" --workers 1 --progress never")
		return c
	}
	ref := filepath.Join(dir, "ref")
	if out, err := child(ref).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	run := filepath.Join(dir, "run")
	c := child(run)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	var before []string
	for time.Now().Before(deadline) {
		before, _ = filepath.Glob(filepath.Join(run, "chunks", "chunk-*.gob"))
		if len(before) >= 3 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	if len(before) < 3 {
		t.Skip("run finished or stalled before it could be killed")
	}
	if _, err := os.Stat(filepath.Join(run, "manifest.json")); err == nil {
		t.Skip("run completed before SIGKILL")
	}
	mt := map[string]time.Time{}
	for _, f := range before {
		st, _ := os.Stat(f)
		mt[f] = st.ModTime()
	}
	if out, err := child(run).CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	for f, m := range mt {
		st, err := os.Stat(f)
		if err != nil || !st.ModTime().Equal(m) {
			t.Errorf("%s was recomputed on resume", filepath.Base(f))
		}
	}
	for _, f := range []string{"subjects.csv", "samples.csv", "counts.biom", "counts.json.biom", "sample-metadata.tsv", "manifest.json"} {
		a, _ := os.ReadFile(filepath.Join(ref, f))
		b, _ := os.ReadFile(filepath.Join(run, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs after SIGKILL + resume", f)
		}
	}
}
