package study

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

const goodSpec = `name: t
model: linear.yaml
duration: 10
parameters:
  p1: {dist: uniform, lower: 0, upper: 1}
  p2: {dist: loguniform, lower: 0.1, upper: 1}
outputs:
  - {name: x10, variable: host.x, stat: value, time: 10}
`

// TestBadInput: every spec problem is reported with file:line:col and the
// offending id, before any run (Compile draws the design but runs nothing).
func TestBadInput(t *testing.T) {
	cases := []struct{ name, from, to, want string }{
		{"empty range", "p1: {dist: uniform, lower: 0, upper: 1}", "p1: {dist: uniform, lower: 1, upper: 1}", `spec.yaml:5:\d+: parameter p1: empty range`},
		{"reversed range", "p1: {dist: uniform, lower: 0, upper: 1}", "p1: {dist: uniform, lower: 2, upper: 1}", `spec.yaml:5:\d+: parameter p1: lower 2 > upper 1`},
		{"fixed", "p1: {dist: uniform, lower: 0, upper: 1}", "p1: {dist: fixed, value: 1}", `spec.yaml:5:\d+: parameter p1: empty range`},
		{"zero sd", "p1: {dist: uniform, lower: 0, upper: 1}", "p1: {dist: normal, mean: 1, sd: 0}", `spec.yaml:5:\d+: parameter p1: empty range`},
		{"unknown dist", "p1: {dist: uniform, lower: 0, upper: 1}", "p1: {dist: weibull, lower: 0, upper: 1}", `spec.yaml:5:\d+: parameter p1: unknown dist "weibull"`},
		{"loguniform at 0", "p2: {dist: loguniform, lower: 0.1, upper: 1}", "p2: {dist: loguniform, lower: 0, upper: 1}", `spec.yaml:6:\d+: parameter p2: loguniform bounds must be finite and > 0`},
		{"n not a power of two", "duration: 10\n", "duration: 10\nsobol: {n: 1000}\n", `spec.yaml:4:\d+: sobol.n = 1000 is not a power of two .*use 1024`},
		{"unknown method", "duration: 10\n", "duration: 10\nmethod: fast\n", `spec.yaml:4:\d+: unknown method "fast"`},
		{"odd levels", "duration: 10\n", "duration: 10\nmethod: morris\nmorris: {levels: 3}\n", `spec.yaml:5:\d+: morris.levels must be even`},
		{"unbounded for morris", "duration: 10\n", "duration: 10\nmethod: morris\n", ``},
		{"unknown stat", "stat: value, time: 10", "stat: median, time: 10", `spec.yaml:8:\d+: output x10: unknown stat "median"`},
		{"value without time", "stat: value, time: 10", "stat: value", `spec.yaml:8:\d+: output x10: stat value needs time`},
		{"unknown field", "duration: 10\n", "duration: 10\nsamples: 3\n", `spec.yaml:4:\d+: .*unknown field "samples"`},
		{"empty file", goodSpec, "", `^spec.yaml: `},
		{"no outputs", "outputs:\n  - {name: x10, variable: host.x, stat: value, time: 10}\n", "", `spec.yaml: no outputs`},
		{"duplicate output", "  - {name: x10, variable: host.x, stat: value, time: 10}\n", "  - {name: x10, variable: host.x, stat: value, time: 10}\n  - {name: x10, variable: host.x, stat: max}\n", `spec.yaml:9:\d+: duplicate output name "x10"`},
		{"range in a gsa", "stat: value, time: 10}", "stat: value, time: 10, range: [0, 1]}", `spec.yaml:8:\d+: output x10: range and target are for virtual populations`},
		{"from after to", "stat: value, time: 10}", "stat: max, from: 5, to: 2}", `spec.yaml:8:\d+: output x10: from 5 must be before to 2`},
		{"negative tolerance", "stat: value, time: 10}", "stat: recovery, baseline: 1, from: 2, tolerance: -1}", `spec.yaml:8:\d+: output x10: tolerance must be >= 0`},
	}
	for _, c := range cases {
		src := strings.Replace(goodSpec, c.from, c.to, 1)
		if src == goodSpec && c.from != c.to {
			t.Fatalf("%s: replacement did not apply", c.name)
		}
		if c.name == "unbounded for morris" {
			src = strings.Replace(src, "p1: {dist: uniform, lower: 0, upper: 1}", "p1: {dist: normal, mean: 1, sd: 0.1}", 1)
			c.want = `spec.yaml:6:\d+: parameter p1: Morris screening samples the ends of each range`
		}
		_, err := ParseSpec("spec.yaml", []byte(src))
		if err == nil || !regexp.MustCompile(c.want).MatchString(err.Error()) {
			t.Errorf("%s: error %v, want /%s/", c.name, err, c.want)
		}
	}
}

// TestBadInputModel: names and times checked against the model.
func TestBadInputModel(t *testing.T) {
	cases := []struct{ name, from, to, want string }{
		{"unknown parameter", "p2: {dist: loguniform", "k_typo: {dist: loguniform", `spec.yaml:6:\d+: unknown parameter "k_typo" in model linear.yaml`},
		{"unknown variable", "variable: host.x, stat: value", "variable: host.z, stat: value", `spec.yaml:8:\d+: output x10: unknown variable "host.z"`},
		{"time outside", "stat: value, time: 10", "stat: value, time: 12", `spec.yaml:8:\d+: output x10: time 12 outside the run \[0, 10\]`},
		{"outside model range", "p1: {dist: uniform, lower: 0, upper: 1}", "p1: {dist: uniform, lower: -1, upper: 1}", `spec.yaml:5:\d+: parameter p1: range \[-1, 1\] exceeds the model's range`},
		{"unknown model", "model: linear.yaml", "model: nosuch.yaml", `spec.yaml:2:\d+: model: `},
	}
	for _, c := range cases {
		src := strings.Replace(goodSpec, c.from, c.to, 1)
		s, err := ParseSpec("testdata/spec.yaml", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, err = Compile(s)
		if err == nil || !regexp.MustCompile(c.want).MatchString(err.Error()) {
			t.Errorf("%s: error %v, want /%s/", c.name, err, c.want)
		}
	}
	s, err := ParseSpec("testdata/spec.yaml", []byte(goodSpec))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(s); err != nil {
		t.Errorf("the good spec: %v", err)
	}
}

// FuzzParseSpec: no input panics the parser; an accepted spec has
// outputs and parameters.
func FuzzParseSpec(f *testing.F) {
	for _, p := range []string{"testdata/sobol-linear.yaml", "testdata/morris-linear.yaml", "testdata/vpop-linear.yaml", "testdata/morris-hpa.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(goodSpec))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSpec("fuzz.yaml", data)
		if err != nil {
			return
		}
		if len(s.Outputs) == 0 || len(s.Parameters) == 0 {
			t.Fatalf("accepted a spec without outputs or parameters")
		}
	})
}
