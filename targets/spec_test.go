package targets

import (
	"os"
	"strings"
	"testing"
)

const okFile = `model: m.yaml
parameters:
  - {id: a, prior: 1, lower: 0.1, upper: 10, factor: 3}
targets:
  - id: t
    role: fit
    citation: someone
    value: 1
    interval: [0, 2]
    scenario: "duration: 1\n"
    observable: x
    stat: at
    time: 0
`

// TestParseErrors: each bad targets file is refused with file:line:col
// and the field's name.
func TestParseErrors(t *testing.T) {
	if _, err := Parse("ok.yaml", []byte(okFile)); err != nil {
		t.Fatalf("good file refused: %v", err)
	}
	for _, c := range []struct{ edit, want string }{
		{"role: fit|role: fitted", `ok.yaml:6:11: target t: role "fitted": want fit, validation, hand-fit or cohort-fit`},
		{"interval: [0, 2]|interval: [2, 0]", "ok.yaml:9:15: target t: interval: want [low, high]"},
		{"value: 1|value: 5", "ok.yaml:8:12: target t: value 5 outside its interval"},
		{"stat: at|stat: median", `ok.yaml:12:11: target t: stat "median"`},
		{"time: 0|window: [0, 1]", "target t: stat at needs time"},
		{"factor: 3|factor: 1", "ok.yaml:3:54: parameter a: factor 1: want > 1"},
		{"lower: 0.1|lower: 0", "ok.yaml:3:5: parameter a: want 0 < lower < upper"},
		{"citation: someone|citation: \"\"", "ok.yaml:5:7: target t: citation required"},
		{"model: m.yaml|modell: m.yaml", `ok.yaml:1:1: unknown field "modell"`},
		{"role: fit|role: validation", "ok.yaml:5:3: targets: no target has role fit"},
		{"role: fit|role: cohort-fit", "ok.yaml:6:11: target t: a cohort-fit target is evaluated by the script or test in evaluated_by"},
		{"stat: at|stat: at\n    vs_baseline: ratio", "ok.yaml:13:18: target t: vs_baseline needs baseline"},
		{"interval: [0, 2]|interval: 3", "ok.yaml:9:15: int was used where sequence is expected"},
	} {
		parts := strings.SplitN(c.edit, "|", 2)
		bad := strings.Replace(okFile, parts[0], parts[1], 1)
		_, err := Parse("ok.yaml", []byte(bad))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.edit, err, c.want)
		}
	}
}

// TestDefaultTargetsFile: the shipped targets file parses and every target
// has a citation, an interval and a role; Tyson-Carr 2025 is held out.
func TestDefaultTargetsFile(t *testing.T) {
	f, err := Load("../models/gut-skin-brain.targets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range f.Targets {
		if strings.HasPrefix(tg.ID, "tysoncarr") && tg.Role != RoleValidation {
			t.Errorf("%s has role %s: Tyson-Carr 2025 stays a validation target", tg.ID, tg.Role)
		}
	}
	if n := len(f.Roles(RoleFit)); n < 5 {
		t.Errorf("%d fit targets", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(okFile))
	if data, err := os.ReadFile("../models/gut-skin-brain.targets.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("targets: [{id: x, interval: [1]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse("fuzz.yaml", data)
	})
}

func FuzzParseEnsemble(f *testing.F) {
	f.Add([]byte("draw\tobjective\ta\tb\n0\t1.5\t0.1\t2\n3\t2\t0.2\t1e-3\n"))
	f.Add([]byte("draw\tobjective\ta\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEnsemble("fuzz.tsv", data)
		if err == nil && (len(e.Sets) == 0 || len(e.Sets[0]) != len(e.Params)) {
			t.Fatalf("accepted a malformed table: %+v", e)
		}
	})
}

// TestParseEnsembleErrors: a bad ensemble table is refused naming the line
// and column.
func TestParseEnsembleErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"draw\tobjective\ta\n0\t1\tx\n", "e.tsv:2:3: a = \"x\": want a finite number"},
		{"draw\tobjective\ta\n0\t1\n", "e.tsv:2: 2 fields, want 3"},
		{"draw\tobjective\ta\n", "e.tsv: the ensemble holds no parameter set"},
		{"a\tb\n", "e.tsv:1: not an ensemble table"},
		{"draw\tobjective\ta\ta\n0\t1\t2\t3\n", "e.tsv:1:4: empty or repeated parameter name \"a\""},
	} {
		_, err := ParseEnsemble("e.tsv", []byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
}
