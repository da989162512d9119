package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// BenchmarkWorkload runs, in this process, the commands a user runs most,
// through the same command line as the binary: `holobiont run` on the
// default model and scenario, `holobiont cohort` of the general-adult
// population (examples/cohort-general-adults.yaml with n = 500) and
// `holobiont trial` of examples/trial-arms.yaml. One op is one command;
// each op writes to a fresh directory. scripts/make_pgo_profile.sh takes
// CPU profiles of these sub-benchmarks and merges them into
// cmd/holobiont/default.pgo, the profile `go build` uses for the shipped
// binary (profile-guided optimisation).
func BenchmarkWorkload(b *testing.B) {
	root := testutil.RepoRoot()
	spec := func(name string, n int) string {
		src, err := os.ReadFile(filepath.Join(root, "examples", name))
		if err != nil {
			b.Fatal(err)
		}
		src = regexp.MustCompile(`(?m)^n: [0-9]+`).ReplaceAll(src, fmt.Appendf(nil, "n: %d", n))
		path := filepath.Join(b.TempDir(), name)
		if err := os.WriteFile(path, src, 0o644); err != nil {
			b.Fatal(err)
		}
		return path
	}
	for _, bc := range []struct {
		name string
		args func() []string
	}{
		{"run", func() []string { return []string{"run"} }},
		{"cohort", func() []string { return []string{"cohort", spec("cohort-general-adults.yaml", 500)} }},
		{"trial", func() []string { return []string{"trial", spec("trial-arms.yaml", 100)} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			args := bc.args()
			for b.Loop() {
				b.StopTimer()
				out := filepath.Join(b.TempDir(), "out")
				b.StartTimer()
				var stderr bytes.Buffer
				a := append(append([]string{}, args...), "--out", out, "--progress", "never")
				if st := mainStatus(a, io.Discard, &stderr); st != 0 {
					b.Fatalf("holobiont %v: status %d: %s", a, st, stderr.String())
				}
			}
		})
	}
}
