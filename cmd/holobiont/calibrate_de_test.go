package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cancelAtLine is a progress writer that cancels the run once it prints a
// line starting with prefix.
type cancelAtLine struct {
	prefix string
	cancel context.CancelFunc
}

func (c *cancelAtLine) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte(c.prefix)) {
		c.cancel()
	}
	return len(p), nil
}

// TestCalibrateGlobalResume: --global de on the oscillator problem
// (population 8, 30 generations) interrupted at generation 10 (cancelled
// while its progress line prints, so generation 10 is checkpointed and 11
// is cut short) leaves no result.json and de-state.json at generation 10;
// --resume continues the search from there (on 1 and on 2 workers) and
// writes result.json equal, byte for byte, to an uninterrupted run's; a
// second --resume finds the search finished and does not run it; another
// --de-generations is refused naming the setting.
func TestCalibrateGlobalResume(t *testing.T) {
	const osc = "../../estimate/testdata/oscillator/problem.yaml"
	args := []string{"calibrate", osc, "--starts", "2", "--global", "de", "--de-pop", "8", "--de-generations", "30", "--seed", "3"}
	ref := t.TempDir()
	if out, err := runCLI(t, append(args, "--out", ref, "--quiet", "--workers", "1")...); err != nil {
		t.Fatal(err, out)
	}
	want, err := os.ReadFile(filepath.Join(ref, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"1", "2"} {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		root := newRootCmd()
		root.SetOut(io.Discard)
		root.SetErr(&cancelAtLine{prefix: "differential evolution: generation 10,", cancel: cancel})
		root.SetArgs(append(args, "--out", dir, "--workers", w))
		err := root.ExecuteContext(ctx)
		cancel()
		if err == nil {
			t.Fatal("interrupted run: no error")
		}
		if _, err := os.Stat(filepath.Join(dir, "result.json")); err == nil {
			t.Error("interrupted run wrote result.json")
		}
		out, err := runCLI(t, append(args, "--out", dir, "--resume", "--workers", w)...)
		if err != nil || !strings.Contains(out, "resuming after generation 10 from") || strings.Contains(out, "generation 10, best") {
			t.Fatalf("%s workers, resumed: %v\n%s", w, err, out)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "result.json")); !bytes.Equal(got, want) {
			t.Errorf("%s workers: result.json of the resumed run differs from the uninterrupted run's", w)
		}
		out, err = runCLI(t, append(args, "--out", dir, "--resume", "--workers", w)...)
		if err != nil || !strings.Contains(out, "finished after 30 generations") || strings.Contains(out, "generation 30, best") {
			t.Fatalf("%s workers, resumed after the end: %v\n%s", w, err, out)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "result.json")); !bytes.Equal(got, want) {
			t.Errorf("%s workers: result.json of the run resumed after the end differs", w)
		}
		args[9] = "40"
		_, err = runCLI(t, append(args, "--out", dir, "--resume", "--workers", w)...)
		args[9] = "30"
		if err == nil || !strings.Contains(err.Error(), "de-state.json") || !strings.Contains(err.Error(), "settings.de_generations 30, now 40") {
			t.Errorf("resume with another --de-generations: %v", err)
		}
	}
}

// TestCalibrateDEFlags: a population too small for DE/rand/1 (which used
// to loop forever drawing three other members) and a non-positive
// generation count are refused before any compute, naming the flag.
func TestCalibrateDEFlags(t *testing.T) {
	const osc = "../../estimate/testdata/oscillator/problem.yaml"
	for flag, want := range map[string]string{"--de-pop=3": "--de-pop 3: want at least 4", "--de-generations=0": "--de-generations 0: want at least 1"} {
		if _, err := runCLI(t, "calibrate", osc, "--global", "de", flag, "--out", t.TempDir()); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", flag, err, want)
		}
	}
}
