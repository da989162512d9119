package estimate

import (
	"math"
	"testing"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// TestRobustHillRatios rewrites Elowitz_Nature2000's repressor term and
// checks it against the original where both are finite, that it stays
// finite where KM^n and X^n both underflow (the original is 0/0 there) and
// that its derivatives do too, and that the activation form, a base that a
// rule changes and a sum of powers with different exponents are left
// alone.
func TestRobustHillRatios(t *testing.T) {
	m := &model.Model{
		Parameters: []*model.Parameter{{ID: "KM", Constant: true}, {ID: "n", Constant: true}, {ID: "c", Constant: true}, {ID: "Kr", Constant: false}},
		Species:    []*model.Species{{ID: "X"}},
		Rules:      []*model.Rule{{Kind: model.AssignmentRule, Variable: "Kr", Math: expr.Var("c")}},
	}
	parse := func(s string) *expr.Node {
		n, err := expr.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, src := range []string{"c - KM^n*(60*c)/(KM^n + X^n)", "c*KM^n/(X^n + KM^n)", "KM^n/(KM^n + X^n)"} {
		m.Reactions = []*model.Reaction{{ID: "r", Rate: parse(src)}}
		got := robustHillRatios(newModelInfo(m)).Reactions[0].Rate
		if got == m.Reactions[0].Rate {
			t.Fatalf("%s: not rewritten", src)
		}
		eval := func(e *expr.Node, km, x, n float64) float64 {
			v, err := expr.Eval(e, func(id string) (float64, bool) {
				return map[string]float64{"KM": km, "X": x, "n": n, "c": 0.7}[id], true
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		for _, p := range [][3]float64{{2, 3, 1.5}, {1e-5, 30, 0.3}, {10, 1e-3, 4}} {
			want, v := eval(m.Reactions[0].Rate, p[0], p[1], p[2]), eval(got, p[0], p[1], p[2])
			if math.Abs(v-want) > 1e-13*math.Max(1, math.Abs(want)) {
				t.Errorf("%s → %s at KM, X, n = %v: %v, want %v", src, expr.String(got), p, v, want)
			}
		}
		// KM^n and X^n both underflow: 0/0 before the rewrite
		if v := eval(m.Reactions[0].Rate, 1e-5, 2e-5, 200); !math.IsNaN(v) {
			t.Fatalf("%s: original %v at the underflow point, want NaN (test premise)", src, v)
		}
		for _, x := range []string{"", "X", "KM", "n"} {
			e := got
			if x != "" {
				d, err := expr.Diff(got, x, nil)
				if err != nil {
					t.Fatal(err)
				}
				e = d
			}
			if v := eval(e, 1e-5, 2e-5, 200); math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s → %s: d/d%s = %v at KM = 1e-5, X = 2e-5, n = 200", src, expr.String(got), x, v)
			}
		}
	}
	for _, src := range []string{"X^n/(KM^n + X^n)", "Kr^n/(Kr^n + X^n)", "KM^n/(KM^2 + X^n)"} {
		m.Reactions = []*model.Reaction{{ID: "r", Rate: parse(src)}}
		if got := robustHillRatios(newModelInfo(m)).Reactions[0].Rate; got != m.Reactions[0].Rate {
			t.Errorf("%s rewritten to %s, want it unchanged", src, expr.String(got))
		}
	}
}
