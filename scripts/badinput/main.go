// Command badinput feeds holobiont's bad-input corpus to the built binary
// and checks that nothing crashes, nothing is lost and every refusal names
// its place.
//
// The corpus is cases.tsv beside this file: one case per line,
//
//	ID <TAB> EXPECT <TAB> COMMAND LINE (holobiont's arguments, space-separated)
//
// where EXPECT is
//
//	err:TEXT    the command must fail (status 1) with TEXT in its message:
//	            the place (file:line:col, a dataset, an id or a parameter);
//	            "A && B" wants both A and B
//	ok[:TEXT]   the command must succeed (inputs holobiont must accept,
//	            such as a byte-order mark), with TEXT in its messages
//	int:SECS[:RE]  SIGINT after SECS seconds: status 130 within 30 s and no file
//	            created, changed or removed, except paths matching the
//	            regular expression RE (a checkpoint kept for resuming)
//	setup       run before the case of the same ID (must succeed); a setup
//	            line "!flip FILE OFFSET" XORs one byte of FILE instead
//
// In the command, {case} is the folder of corpus files (cases/), {repo} the
// repository, {shared} the ../shared folder beside it, {tmp} the case's own temporary folder (also its working
// directory) and {gen:NAME} a file the driver writes there first (inputs
// too large to keep: see generators). Each case runs under a 4 GB address-space limit
// and a time limit. A case is
//
//	crash         a panic, fatal error, signal, time-out or out-of-memory
//	left output   a failed (or interrupted) command that created, changed
//	              or removed any file in its folder
//	unclear       accepted when it should be refused, or a message without
//	              the expected place
//	clear         otherwise
//
// and the driver prints one line per case, then the tally "N clear, M
// unclear, K crashes, L left output"; it exits 1 unless every case is clear.
//
// Usage (from the repository root):
//
//	go build -o /tmp/holobiont ./cmd/holobiont
//	go run ./scripts/badinput -bin /tmp/holobiont
//	go run ./scripts/badinput -bin /tmp/holobiont -run 'biom|hdf5' -v
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type testCase struct {
	id, expect, cmd string
	setup           []string
	line            int
}

type outcome int

const (
	clear outcome = iota
	unclear
	crash
	leftOutput
)

var outcomeName = [...]string{"clear", "UNCLEAR", "CRASH", "LEFT-OUTPUT"}

type result struct {
	c      testCase
	out    outcome
	detail string
}

func main() {
	_, self, _, _ := runtime.Caller(0)
	dir := filepath.Dir(self)
	bin := flag.String("bin", "", "the holobiont binary to test (required)")
	casesFile := flag.String("cases", filepath.Join(dir, "cases.tsv"), "the case list")
	filter := flag.String("run", "", "run only the cases whose id matches this regular expression")
	timeout := flag.Duration("timeout", 60*time.Second, "time limit per command")
	memKB := flag.Int("mem", 4<<20, "address-space limit per command, in KB")
	jobs := flag.Int("j", 2, "cases run at once")
	verbose := flag.Bool("v", false, "print every message in full")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "badinput: -bin is required (go build -o /tmp/holobiont ./cmd/holobiont)")
		os.Exit(2)
	}
	abs, err := filepath.Abs(*bin)
	if err != nil {
		fail(err)
	}
	cases, err := readCases(*casesFile)
	if err != nil {
		fail(err)
	}
	var re *regexp.Regexp
	if *filter != "" {
		if re, err = regexp.Compile(*filter); err != nil {
			fail(err)
		}
	}
	r := runner{bin: abs, caseDir: filepath.Join(filepath.Dir(*casesFile), "cases"), timeout: *timeout, memKB: *memKB}
	var todo []testCase
	for _, c := range cases {
		if re == nil || re.MatchString(c.id) {
			todo = append(todo, c)
		}
	}
	results := make([]result, len(todo))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(*jobs, 1))
	for i, c := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = r.run(c)
		}()
	}
	wg.Wait()
	var tally [4]int
	for _, res := range results {
		tally[res.out]++
		d := res.detail
		if !*verbose && len(d) > 220 {
			d = d[:217] + "..."
		}
		fmt.Printf("%-11s %-34s %s\n", outcomeName[res.out], res.c.id, d)
	}
	fmt.Printf("%d clear, %d unclear, %d crashes, %d left output\n", tally[clear], tally[unclear], tally[crash], tally[leftOutput])
	if tally[clear] != len(results) {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "badinput:", err)
	os.Exit(2)
}

// readCases reads the case list; setup lines attach to the case with their
// id.
func readCases(path string) ([]testCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []testCase
	setups := map[string][]string{}
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("%s:%d: want ID<TAB>EXPECT<TAB>COMMAND", path, n)
		}
		id, expect, cmd := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1]), strings.TrimSpace(parts[2])
		if expect == "setup" {
			setups[id] = append(setups[id], cmd)
			continue
		}
		if !(expect == "ok" || strings.HasPrefix(expect, "ok:") || strings.HasPrefix(expect, "err:") || strings.HasPrefix(expect, "int:")) {
			return nil, fmt.Errorf("%s:%d: expect %q: want ok[:TEXT], err:TEXT, int:SECONDS[:RE] or setup", path, n, expect)
		}
		if j, dup := seen[id]; dup {
			return nil, fmt.Errorf("%s:%d: case %s already defined on line %d", path, n, id, j)
		}
		seen[id] = n
		out = append(out, testCase{id: id, expect: expect, cmd: cmd, line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].setup = setups[out[i].id]
		delete(setups, out[i].id)
	}
	for id := range setups {
		return nil, fmt.Errorf("%s: setup for %s, which has no case", path, id)
	}
	return out, nil
}

type runner struct {
	bin, caseDir string
	timeout      time.Duration
	memKB        int
}

var genRe = regexp.MustCompile(`\{gen:([a-z0-9-]+)\}`)

// expand substitutes the placeholders of a command line and writes the
// generated inputs it names.
func (r *runner) expand(cmd, tmp string) ([]string, error) {
	var genErr error
	cmd = genRe.ReplaceAllStringFunc(cmd, func(m string) string {
		name := genRe.FindStringSubmatch(m)[1]
		g, ok := generators[name]
		if !ok {
			genErr = fmt.Errorf("no generator %q", name)
			return m
		}
		p := filepath.Join(tmp, name)
		if err := g(p); err != nil {
			genErr = err
		}
		return p
	})
	cmd = strings.NewReplacer("{case}", r.caseDir, "{repo}", repoDir(), "{shared}", sharedDir(), "{tmp}", tmp).Replace(cmd)
	return strings.Fields(cmd), genErr
}

// exec runs holobiont with args in dir under the limits; sigint > 0 sends
// SIGINT after that long.
func (r *runner) exec(dir string, args []string, sigint time.Duration) (status int, stderr string, signaled, timedOut bool) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	// the limit is set by the shell before it becomes holobiont
	sh := fmt.Sprintf(`ulimit -v %d; exec "$0" "$@"`, r.memKB)
	c := exec.CommandContext(ctx, "/bin/sh", append([]string{"-c", sh, r.bin}, args...)...)
	c.Dir = dir
	c.Env = append(os.Environ(), "HOLOBIONT_SHARED="+sharedDir())
	var eb bytes.Buffer
	c.Stdout = io.Discard
	c.Stderr = &eb
	if err := c.Start(); err != nil {
		return -1, err.Error(), false, false
	}
	if sigint > 0 {
		t := time.AfterFunc(sigint, func() { c.Process.Signal(syscall.SIGINT) })
		defer t.Stop()
	}
	err := c.Wait()
	timedOut = ctx.Err() != nil
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -1, eb.String(), true, timedOut
		}
		return ee.ExitCode(), eb.String(), false, timedOut
	}
	if err != nil {
		return -1, eb.String() + err.Error(), false, timedOut
	}
	return 0, eb.String(), false, timedOut
}

var crashRe = regexp.MustCompile(`(?m)^(panic: |fatal error: |runtime: out of memory|goroutine \d+ \[)`)

func (r *runner) run(c testCase) result {
	res := result{c: c}
	tmp, err := os.MkdirTemp("", "badinput-"+c.id+"-")
	if err != nil {
		res.out, res.detail = crash, err.Error()
		return res
	}
	defer os.RemoveAll(tmp)
	for _, s := range c.setup {
		args, err := r.expand(s, tmp)
		if err != nil {
			res.out, res.detail = unclear, "setup: "+err.Error()
			return res
		}
		if len(args) > 0 && args[0] == "!flip" {
			if err := flip(args[1:]); err != nil {
				res.out, res.detail = unclear, "setup: "+err.Error()
				return res
			}
			continue
		}
		if st, msg, _, _ := r.exec(tmp, args, 0); st != 0 {
			res.out, res.detail = unclear, "setup failed: "+strings.Join(args, " ")+": "+lastLine(msg)
			return res
		}
	}
	args, err := r.expand(c.cmd, tmp)
	if err != nil {
		res.out, res.detail = unclear, err.Error()
		return res
	}
	before := snapshot(tmp)
	var sigint time.Duration
	var keep *regexp.Regexp
	if s, ok := strings.CutPrefix(c.expect, "int:"); ok {
		s, re, _ := strings.Cut(s, ":")
		secs, err := strconv.ParseFloat(s, 64)
		if err == nil && re != "" {
			keep, err = regexp.Compile(re)
		}
		if err != nil {
			res.out, res.detail = unclear, "bad int: case: "+err.Error()
			return res
		}
		sigint = time.Duration(secs * float64(time.Second))
	}
	t0 := time.Now()
	status, msg, signaled, timedOut := r.exec(tmp, args, sigint)
	took := time.Since(t0)
	msg = strings.TrimSpace(msg)
	line := lastLine(msg)
	switch {
	case timedOut:
		res.out, res.detail = crash, fmt.Sprintf("no answer after %v: %s", r.timeout, line)
		return res
	case signaled:
		res.out, res.detail = crash, "killed by a signal: "+line
		return res
	case crashRe.MatchString(msg):
		res.out, res.detail = crash, firstMatchLine(msg)
		return res
	}
	changed := diff(before, snapshot(tmp))
	switch {
	case c.expect == "ok" || strings.HasPrefix(c.expect, "ok:"):
		if status != 0 {
			res.out, res.detail = unclear, fmt.Sprintf("refused an input it should accept: %s", line)
			return res
		}
		if want, _ := strings.CutPrefix(c.expect, "ok:"); want != c.expect && !strings.Contains(msg, want) {
			res.out, res.detail = unclear, fmt.Sprintf("accepted, but no %q in its messages: %s", want, line)
			return res
		}
		res.detail = "accepted"
		if want, ok := strings.CutPrefix(c.expect, "ok:"); ok {
			res.detail += ": " + firstLineWith(msg, want)
		}
		return res
	case sigint > 0:
		if status == 0 && took < sigint {
			res.out, res.detail = unclear, fmt.Sprintf("finished (status 0) in %.1f s, before the SIGINT at %v: the case needs a longer input or an earlier interrupt", took.Seconds(), sigint)
			return res
		}
		if keep != nil {
			changed = slices.DeleteFunc(changed, func(p string) bool { return keep.MatchString(p[1:]) })
		}
		if len(changed) > 0 {
			res.out, res.detail = leftOutput, fmt.Sprintf("interrupted (status %d) but changed %s", status, strings.Join(changed, ", "))
			return res
		}
		if status != 130 {
			res.out, res.detail = unclear, fmt.Sprintf("status %d after SIGINT (want 130), %.1f s: %s", status, took.Seconds(), line)
			return res
		}
		if late := took - sigint; late > maxStopDelay {
			res.out, res.detail = unclear, fmt.Sprintf("stopped %.1f s after SIGINT (want < %v): %s", late.Seconds(), maxStopDelay, line)
			return res
		}
		res.detail = fmt.Sprintf("stopped %.1f s after start: %s", took.Seconds(), line)
		return res
	}
	want := strings.TrimPrefix(c.expect, "err:")
	switch {
	case status == 0:
		res.out, res.detail = unclear, "accepted a bad input"
		if len(changed) > 0 {
			res.detail += " (wrote " + strings.Join(changed, ", ") + ")"
		}
	case len(changed) > 0:
		res.out, res.detail = leftOutput, fmt.Sprintf("refused but changed %s: %s", strings.Join(changed, ", "), line)
	case !containsAll(msg, want):
		res.out, res.detail = unclear, fmt.Sprintf("message lacks %q: %s", want, line)
	default:
		res.detail = line
	}
	return res
}

// lastLine returns the message's last non-empty line (the error).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// maxStopDelay bounds the time from SIGINT to exit. Generous: the
// interrupt cases stop within 1-5 s on an idle machine and within about
// 0.5 CPU-s of the signal, but wall time stretches with the load (at a load
// average of 50 on 2 cores a process gets a few per cent of a core). The
// 17.5 s stop seen once was `run` allocating and zeroing all its output rows
// (2.1 GB, 7.6 CPU-s) before the first step; rows are now allocated in
// blocks as the run reaches them.
const maxStopDelay = 30 * time.Second

// containsAll reports whether s holds every " && "-separated part of want.
func containsAll(s, want string) bool {
	for _, w := range strings.Split(want, " && ") {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func firstLineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// flip XORs the byte at an offset of a file (a damaged checkpoint).
func flip(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("!flip FILE OFFSET")
	}
	off, err := strconv.Atoi(args[1])
	if err != nil {
		return err
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	if off < 0 || off >= len(b) {
		return fmt.Errorf("!flip: offset %d outside the %d bytes of %s", off, len(b), args[0])
	}
	b[off] ^= 0x55
	return os.WriteFile(args[0], b, 0o644)
}

func firstMatchLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if crashRe.MatchString(l) {
			return l
		}
	}
	return lastLine(s)
}

// snapshot lists every file under dir with a hash of its contents.
func snapshot(dir string) map[string]string {
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			out[rel] = "unreadable"
			return nil
		}
		out[rel] = fmt.Sprintf("%x", sha256.Sum256(b))
		return nil
	})
	return out
}

// diff names the files created, changed or removed between two snapshots.
func diff(a, b map[string]string) []string {
	var out []string
	for k, v := range b {
		if w, ok := a[k]; !ok {
			out = append(out, "+"+k)
		} else if w != v {
			out = append(out, "~"+k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, "-"+k)
		}
	}
	sort.Strings(out)
	return out
}

// repoDir is the repository holding this program.
func repoDir() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..")
}

// sharedDir is ../shared beside the repository (the SBML Test Suite for the
// interrupt case), or $HOLOBIONT_SHARED.
func sharedDir() string {
	if d := os.Getenv("HOLOBIONT_SHARED"); d != "" {
		return d
	}
	return filepath.Join(repoDir(), "..", "shared")
}
