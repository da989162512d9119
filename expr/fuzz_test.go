package expr

import (
	"testing"
)

// FuzzParse checks that Parse never panics, that whatever parses
// round-trips through String, and that Eval and the compiled Tape agree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"1 + 2*3", "-x^2", "a.b.c * host.cortisol", "if(t > 3, 1, 2)", "piecewise(1, x < 2, 3, y > 1, 4)",
		"log(x) + log(2, x) + root(3, y)", "min(1, x, y) - max(x)", "!x && y || not z", "x and y or z",
		"2^-3^2", "- -2", "-(2)", ".5e-3 + 1.", "hill(x, 1, 2) * shannon(x, y, 1) / simpson(1, 2)",
		"xor(x, y)", "plus()", "times(x)", "f(g(x), 2)", "(((x)))", "1e999 - inf", "nan != nan",
		"x <= y >= z == 1 != 0", "t * time", "sec(x)+csc(x)+cot(x)+arccot(x)", "factorial(3)",
		"rem(x, 3) + quotient(x, 2)", "1 +\n 2", "x ** 2", "-inf", "- inf ^ 2", "lt(x, y, z)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := Parse(src)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("Parse(%q): error %T, want *SyntaxError", src, err)
			}
			return
		}
		s := String(n)
		m, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) ok but Parse(String) = Parse(%q) failed: %v", src, s, err)
		}
		if !Equal(n, m) {
			t.Fatalf("round trip of %q changed the tree: %q -> %q", src, s, String(m))
		}
		vars := Vars(n)
		val := func(i int) float64 { return 0.5 + float64(i)*0.75 }
		lookup := func(name string) (float64, bool) {
			if name == TimeKey {
				return 1.25, true
			}
			for i, v := range vars {
				if v == name {
					return val(i), true
				}
			}
			return 0, false
		}
		want, evalErr := Eval(n, lookup, nil)
		names := append(append([]string(nil), vars...), "time", "out")
		b := NewBuilder(slotOf(names), nil, len(vars))
		compErr := b.Assign(len(vars)+1, n)
		if (evalErr == nil) != (compErr == nil) {
			t.Fatalf("%q: Eval error %v, compile error %v", src, evalErr, compErr)
		}
		if evalErr != nil {
			return
		}
		env := make([]float64, len(names))
		for i := range vars {
			env[i] = val(i)
		}
		env[len(vars)] = 1.25
		b.Build().Run(env)
		if got := env[len(env)-1]; !sameFloat(got, want, 1e-12) {
			t.Fatalf("%q: Tape %v, Eval %v", src, got, want)
		}
		_ = Simplify(n)
		if len(vars) > 0 {
			if d, err := Diff(n, vars[0], nil); err == nil {
				if _, err := Eval(d, lookup, nil); err != nil {
					t.Fatalf("%q: derivative %s does not evaluate: %v", src, String(d), err)
				}
			}
		}
	})
}
