package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModelCompile writes kernels for a shipped model and checks that the
// file is Go source with one kernel per hot tape and the Lookup function;
// without --go the command fails with a message naming the flag.
func TestModelCompile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "k.go")
	msg, err := runCmd(t, newRootCmd(), "model", "compile", "--go", out, "--package", "mykernels", "lee2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "kernels for 1 model") {
		t.Errorf("output %q", msg)
	}
	src, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), out, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name.Name != "mykernels" {
		t.Errorf("package %s", f.Name.Name)
	}
	if !strings.Contains(string(src), "func Lookup(fp string) func(env []float64)") || strings.Count(string(src), "\ncase \"") > 0 {
		t.Errorf("no Lookup, or a badly formatted one:\n%s", src)
	}
	if _, err := runCmd(t, newRootCmd(), "model", "compile", "lee2024.yaml"); err == nil || !strings.Contains(err.Error(), "--go") {
		t.Errorf("without --go: %v", err)
	}
}
