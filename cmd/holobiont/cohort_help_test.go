package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCohortHelpExamplesRun runs the worked examples in the help of cohort,
// trial and merge exactly as written, in a directory holding the shipped
// examples/, in order (later lines use earlier outputs). Lines that run a
// trial's power study (minutes) are checked without running: the command
// exists, its flags parse and the spec files it names exist. The unsharded
// and merged outputs the examples promise to be identical are compared.
func TestCohortHelpExamplesRun(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(examples); err != nil {
		t.Skip("no examples directory")
	}
	for _, c := range []string{"cohort", "trial", "merge"} {
		t.Run(c, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Symlink(examples, filepath.Join(dir, "examples")); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			sub, _, err := newRootCmd().Find([]string{c})
			if err != nil {
				t.Fatal(err)
			}
			ran := 0
			for _, line := range strings.Split(sub.Example, "\n") {
				if i := strings.Index(line, "#"); i >= 0 {
					line = line[:i]
				}
				for _, part := range strings.Split(line, "&&") {
					args := strings.Fields(part)
					if len(args) == 0 {
						continue
					}
					if args[0] != "holobiont" {
						t.Fatalf("example %q does not start with holobiont", part)
					}
					args = args[1:]
					for _, a := range args {
						if strings.HasSuffix(a, ".yaml") {
							if _, err := os.Stat(a); err != nil {
								t.Errorf("example %q: %v", part, err)
							}
						}
					}
					slow := (args[0] == "trial" && !hasArg(args, "--no-power") && !hasArg(args, "--shard")) ||
						(args[0] == "merge" && hasArg(args, "--spec") && !hasArg(args, "--no-power"))
					if slow {
						cmd, rest, err := newRootCmd().Find(args)
						if err != nil {
							t.Errorf("example %q: %v", part, err)
						} else if err := cmd.ParseFlags(rest); err != nil {
							t.Errorf("example %q: %v", part, err)
						}
						continue
					}
					root := newRootCmd()
					var out bytes.Buffer
					root.SetArgs(args)
					root.SetOut(&out)
					root.SetErr(&out)
					if err := root.Execute(); err != nil {
						t.Fatalf("example %q: %v\n%s", part, err, out.String())
					}
					ran++
				}
			}
			if ran < 2 {
				t.Errorf("only %d examples ran", ran)
			}
			// The promised identities.
			same := func(a, b string) {
				for _, f := range []string{"manifest.json", "subjects.csv", "counts.biom", "mdsine/metadata.txt"} {
					x, err1 := os.ReadFile(filepath.Join(a, f))
					y, err2 := os.ReadFile(filepath.Join(b, f))
					if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
						t.Errorf("%s/%s and %s/%s differ (%v %v)", a, f, b, f, err1, err2)
					}
				}
			}
			switch c {
			case "trial":
				same("quick", "merged")
			case "cohort":
				root := newRootCmd()
				root.SetArgs([]string{"cohort", "examples/cohort-lab-stress.yaml", "--out", "unsharded"})
				root.SetOut(new(bytes.Buffer))
				if err := root.Execute(); err != nil {
					t.Fatal(err)
				}
				same("unsharded", "labstress")
				if b, err := os.ReadFile("tc/assoc.tsv"); err != nil || !bytes.Contains(b, []byte("Cutibacterium\tpss")) {
					t.Errorf("tc/assoc.tsv: %v %.200q", err, b)
				}
			}
		})
	}
}

func hasArg(args []string, a string) bool {
	for _, x := range args {
		if x == a {
			return true
		}
	}
	return false
}
