package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/holobiont/holobiont/internal/testutil"
)

// TestHelperMain runs the command line in $HB_MAIN_ARGS (tab-separated)
// in a child process, as main does (used by the interrupt tests; skipped
// otherwise).
func TestHelperMain(t *testing.T) {
	a := os.Getenv("HB_MAIN_ARGS")
	if a == "" {
		t.Skip("helper process only")
	}
	os.Exit(mainStatus(strings.Split(a, "\t"), os.Stdout, os.Stderr))
}

// startMain starts the command line args in a child process.
func startMain(t *testing.T, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	c := exec.Command(os.Args[0], "-test.run", "^TestHelperMain$")
	c.Env = append(os.Environ(), "HB_MAIN_ARGS="+strings.Join(args, "\t"))
	var out strings.Builder
	c.Stdout, c.Stderr = &out, &out
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	return c, &out
}

// interrupt waits until ready reports true (or the child ends), sends
// SIGINT and returns the exit status and how long the child took to stop.
func interrupt(t *testing.T, c *exec.Cmd, ready func() bool) (int, time.Duration) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for !ready() {
		select {
		case err := <-done:
			t.Skipf("the command ended (%v) before it could be interrupted", err)
		default:
		}
		if time.Now().After(deadline) {
			c.Process.Kill()
			t.Fatal("the command never reached the phase to interrupt")
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.Process.Signal(syscall.SIGINT)
	t0 := time.Now()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), time.Since(t0)
		}
		return 0, time.Since(t0)
	case <-time.After(30 * time.Second):
		c.Process.Kill()
		t.Fatal("the command ignored SIGINT for 30 s")
	}
	return 0, 0
}

// processCPU returns the user+system CPU time process pid has used, from
// /proc/PID/stat (ok is false where there is no /proc).
func processCPU(pid int) (cpu time.Duration, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14, clock ticks
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * (time.Second / 100), true // USER_HZ is 100 on Linux
}

// partialFiles lists the temporary files of unfinished outputs under dir.
func partialFiles(dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(filepath.Base(p), ".partial-") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestInterruptRunWhileWriting: SIGINT while `run` writes a large
// trajectory stops it promptly with status 130, and neither the trajectory
// nor the summary or report appears (the interrupt was ignored: two SIGINTs
// and a SIGTERM, then exit 0 with the files written).
func TestInterruptRunWhileWriting(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	var m strings.Builder
	m.WriteString("id: wide\nparameters: {k: 1}\nstates:\n")
	for i := range 20 {
		fmt.Fprintf(&m, "  host.x%d: {initial: 0, rate: \"k*sin(t + %d)\"}\n", i, i)
	}
	model := filepath.Join(dir, "wide.yaml")
	scen := filepath.Join(dir, "long.yaml")
	os.WriteFile(model, []byte(m.String()), 0o644)
	os.WriteFile(scen, []byte("duration: 30000\noutput: {step: 0.1}\n"), 0o644)
	out := filepath.Join(dir, "out")
	c, log := startMain(t, "run", model, "--scenario", scen, "--out", out, "--progress", "never")
	status, took := interrupt(t, c, func() bool { return len(partialFiles(out)) > 0 })
	if status != exitInterrupted {
		t.Errorf("exit status %d, want %d\n%s", status, exitInterrupted, log)
	}
	if took > 10*time.Second {
		t.Errorf("took %v to stop after SIGINT", took)
	}
	for _, n := range []string{"trajectory.csv", "summary.json", "report.html", "trajectory.partial.csv"} {
		if m, _ := filepath.Glob(filepath.Join(out, "*", n)); len(m) > 0 {
			t.Errorf("%s written by an interrupted run", m[0])
		}
	}
	if p := partialFiles(out); len(p) > 0 {
		t.Errorf("temporary files left: %v", p)
	}
	if !strings.Contains(log.String(), "holobiont: interrupted") {
		t.Errorf("no interruption message in\n%s", log)
	}
}

// TestInterruptRunBeforeSimulating: SIGINT while `run` loads the default
// model, before the simulation starts, stops it with status 130, no output
// and little CPU. The run used to allocate (and zero) every output row
// before its first step: 2.1 GB and about 7.6 CPU seconds for this 10-year
// scenario with an output every 0.004 days, with no check of the context on
// the way. The bound is on the child's CPU time (from its rusage), not wall
// time, so a loaded machine does not make the test flaky; the run needs
// about 0.3 CPU seconds in all now.
func TestInterruptRunBeforeSimulating(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if _, ok := processCPU(os.Getpid()); !ok {
		t.Skip("needs /proc")
	}
	dir := t.TempDir()
	scen := filepath.Join(dir, "dense.yaml")
	os.WriteFile(scen, []byte("duration: 3650\noutput: {step: 0.004}\n"), 0o644)
	out := filepath.Join(dir, "out")
	// The signal goes once the child has used 60 ms of CPU: past its
	// start-up (it then handles SIGINT), loading the model. Should it come
	// before the handler is installed (the child dies of the signal), try
	// again later.
	for _, at := range []time.Duration{60, 120, 180} {
		c, log := startMain(t, "run", "--scenario", scen, "--out", out, "--progress", "never")
		status, _ := interrupt(t, c, func() bool { cpu, _ := processCPU(c.Process.Pid); return cpu >= at*time.Millisecond })
		if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			continue
		}
		if status != exitInterrupted {
			t.Errorf("exit status %d, want %d\n%s", status, exitInterrupted, log)
		}
		cpu := c.ProcessState.UserTime() + c.ProcessState.SystemTime()
		t.Logf("SIGINT at %v of CPU; %v in all", at*time.Millisecond, cpu)
		if cpu > 3*time.Second {
			t.Errorf("the interrupted run used %v of CPU (want < 3 s; about 0.3 s expected)", cpu)
		}
		if files, _ := filepath.Glob(filepath.Join(out, "*", "*")); len(files) > 0 {
			t.Errorf("an interrupted run wrote %v", files)
		}
		return
	}
	t.Skip("the child never got past its start-up before the signal")
}

// TestInterruptSBMLTestsuite: SIGINT during `sbml testsuite --out` exits
// 130 without a results file or the "N passed, M failed" line (it used to
// exit 0 with blank rows counted as failures).
func TestInterruptSBMLTestsuite(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	cases := filepath.Join(testutil.SharedDir(t), "sbml-test-suite", "cases")
	out := filepath.Join(t.TempDir(), "results.tsv")
	c, log := startMain(t, "sbml", "testsuite", cases, "--out", out, "--workers", "1")
	start := time.Now()
	// It prints nothing while it runs: wait until the child has done some
	// work (CPU time, not only wall time: on a loaded machine 1.5 s of wall
	// time could pass before it installed its SIGINT handler).
	status, _ := interrupt(t, c, func() bool {
		cpu, ok := processCPU(c.Process.Pid)
		return time.Since(start) > 1500*time.Millisecond && (!ok || cpu >= 500*time.Millisecond)
	})
	if status != exitInterrupted {
		t.Errorf("exit status %d, want %d\n%s", status, exitInterrupted, log)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("results file written by an interrupted run")
	}
	if strings.Contains(log.String(), " passed, ") {
		t.Errorf("an interrupted run printed a summary:\n%s", log)
	}
	if p := partialFiles(filepath.Dir(out)); len(p) > 0 {
		t.Errorf("temporary files left: %v", p)
	}
}
