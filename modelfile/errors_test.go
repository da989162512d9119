package modelfile

import (
	"strings"
	"testing"

	"github.com/holobiont/holobiont/model"
)

const okModel = `id: tiny
sites:
  gut: {kind: gut, env: {pH: 6.5}}
parameters:
  k: {value: 0.5, unit: 1/day, citation: "test", evidence: Q, min: 0, max: 10}
  r: {value: 1, unit: 1/day, citation: "test", evidence: S}
inputs:
  u: {default: 0, unit: 1/day}
states:
  host.x:
    initial: 1
    unit: dimensionless
    rate: "-k*host.x + u"
communities:
  gut:
    members:
      A: {taxon: Alpha, initial: 0.1, rate: r, niche: {pH: {optimum: 6.5, width: 1}}}
      B: {taxon: Beta, initial: 0.2, rate: "r/2"}
    matrix:
      rows:
        A: [-1, 0.1]
        B: [0, -1]
`

func TestParseOK(t *testing.T) {
	m, err := ParseModel("tiny.yaml", []byte(okModel))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Communities) != 1 || len(m.Communities[0].Members) != 2 || len(m.Communities[0].Interactions) != 3 {
		t.Fatalf("community lowered wrongly: %+v", m.Communities)
	}
	if got := m.Communities[0].Members[0]; got != "gut.A" {
		t.Errorf("member id %q, want gut.A", got)
	}
	var obs []string
	for _, o := range m.Observables {
		obs = append(obs, o.ID)
	}
	if strings.Join(obs, ",") != "gut.total,gut.shannon,gut.rel.A,gut.rel.B" {
		t.Errorf("generated observables %v", obs)
	}
}

// TestErrors checks that each kind of bad input is reported at the right
// file:line:col.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"unknown field", "    unit: dimensionless\n    rate:", "    unit: dimensionless\n    rates: x\n    rate:", "m.yaml:13:5: states.host.x: unknown field \"rates\""},
		{"type error", "value: 0.5,", "value: [1],", "m.yaml:5:14: parameters.k.value: expected a number, got a list"},
		{"dangling ref in expr", `rate: "-k*host.x + u"`, `rate: "-k*host.x + uu"`, "m.yaml:13:24: states.host.x.rate: unknown name \"uu\""},
		{"syntax in expr", `rate: "-k*host.x + u"`, `rate: "-k*(host.x + u"`, "m.yaml:13:26: states.host.x.rate: expected ')'"},
		{"non-finite", "value: 0.5,", "value: .inf,", "m.yaml:5:14: parameters.k.value: value must be finite"},
		{"out of range", "value: 0.5,", "value: 11,", "m.yaml:5:14: parameters.k: value 11 is outside its range [0, 10]"},
		{"bad evidence", "evidence: Q, min", "evidence: X, min", "m.yaml:5:"},
		{"unknown site", "communities:\n  gut:", "communities:\n  skin:", "m.yaml:15:3: communities.skin: site \"skin\" is not declared"},
		{"matrix arity", "A: [-1, 0.1]", "A: [-1]", "m.yaml:21:12: communities.gut.matrix.rows.A: 1 values for 2 members"},
		{"niche env missing", "niche: {pH: {optimum", "niche: {sebum: {optimum", "m.yaml:17:56: communities.gut.members.A.niche: site gut declares no \"sebum\""},
		{"duplicate", "  r: {value: 1", "  k: {value: 1", "m.yaml:6:3: YAML syntax: mapping key \"k\" already defined"},
		{"unknown function", `rate: "r/2"`, `rate: "foo(r)"`, "m.yaml:18:45: communities.gut.members.B.rate: unknown function \"foo\""},
		{"unit mismatch", `rate: "-k*host.x + u"`, `rate: "-host.x + u"`, "m.yaml:13:"},
		{"bad unit", "unit: 1/day, citation: \"test\", evidence: Q, min", "unit: 1/dayz, citation: \"test\", evidence: Q, min", "m.yaml:5:3: k: unit"},
		{"growth unit", `rate: "r/2"`, `rate: "r/2 + host.x"`, "m.yaml:18:49: communities.gut.members.B.rate (1/time): unit error in r/2 + host.x"},
		{"rule cycle", "inputs:\n", "rules:\n  ra: \"rb + 1\"\n  rb: \"2*ra\"\ninputs:\n", "m.yaml:8:3: ra: "},
		{"yaml syntax", "sites:\n", "sites:\n  - :\n bad", "m.yaml:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(okModel, tc.old) {
				t.Fatalf("test setup: %q not in model", tc.old)
			}
			src := strings.Replace(okModel, tc.old, tc.new, 1)
			_, err := ParseModel("m.yaml", []byte(src))
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error\n  %v\nwant prefix\n  %s", err, tc.want)
			}
		})
	}
}

func FuzzParseModel(f *testing.F) {
	f.Add([]byte(okModel))
	f.Add([]byte("id: x\nstates:\n  a: {initial: 1, rate: \"-a\"}\n"))
	f.Add([]byte("parameters: {k: 1}\nrules: {y: \"k*2\"}\n"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseModel("fuzz.yaml", data)
		if err == nil && m == nil {
			t.Fatal("nil model without error")
		}
	})
}

// TestBlockExpressionPosition: positions inside a multi-line block scalar
// map to the file line and column.
func TestBlockExpressionPosition(t *testing.T) {
	src := "parameters: {k: 1}\nstates:\n  host.x:\n    initial: 1\n    rate: |\n      -k*host.x\n        + bogus\n"
	_, err := ParseModel("b.yaml", []byte(src))
	if err == nil || !strings.HasPrefix(err.Error(), `b.yaml:7:11:`) || !strings.Contains(err.Error(), `unknown name "bogus"`) {
		t.Fatalf("got %v, want b.yaml:7:..: unknown name \"bogus\"", err)
	}
	t.Log(err)
}

// TestEvidenceCalibrated checks that evidence class C (a value fitted to
// data, as holobiont fit writes) is accepted and kept.
func TestEvidenceCalibrated(t *testing.T) {
	src := strings.Replace(okModel, `citation: "test", evidence: S}`, `citation: "fit to data.tsv", evidence: C}`, 1)
	m, err := ParseModel("tiny.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Parameters {
		if p.ID == "r" && p.Prov.Evidence != model.Calibrated {
			t.Errorf("r: evidence %q, want C", p.Prov.Evidence)
		}
	}
}
