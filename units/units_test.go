package units

import (
	"math"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/expr"
)

// dims builds a dimension vector: mass, length, time, amount, count, ...
func dims(scale float64, e ...float64) Unit { return dimUnit(scale, e...) }

func TestParse(t *testing.T) {
	const day = 86400.0
	for _, c := range []struct {
		text string
		want Unit
	}{
		{"1", dims(1)},
		{"dimensionless", dims(1)},
		{"%", dims(0.01)},
		{"1/day", dims(1/day, 0, 0, -1)},
		{"day^-1", dims(1/day, 0, 0, -1)},
		{"d-1", dims(1/day, 0, 0, -1)},
		{"/day", Unit{}}, // error, see below
		{"cells/g", dims(1, -1, 0, 0, 0, 1)},
		{"pg/mL", dims(1e-12/1e-6, 1, -3)},
		{"mmol/L", dims(1e-3/1e-3, 0, -3, 0, 1)},
		{"mM", dims(1, 0, -3, 0, 1)},
		{"nM", dims(1e-6, 0, -3, 0, 1)},
		{"ng/mL/day", dims(1e-9/1e-6/day, 1, -3, -1)},
		{"ng mL^-1 day^-1", dims(1e-9/1e-6/day, 1, -3, -1)},
		{"ng/(mL*day)", dims(1e-9/1e-6/day, 1, -3, -1)},
		{"ng·mL⁻¹", Unit{}}, // superscript minus unsupported: error
		{"cfu/cm2", dims(1e4, 0, -2, 0, 0, 1)},
		{"cfu/cm^2", dims(1e4, 0, -2, 0, 0, 1)},
		{"cfu/cm²", dims(1e4, 0, -2, 0, 0, 1)},
		{"CFU per cm2", dims(1e4, 0, -2, 0, 0, 1)},
		{"µg", dims(1e-6, 1)},
		{"ug", dims(1e-6, 1)},
		{"kg", dims(1e3, 1)},
		{"h", dims(3600, 0, 0, 1)},
		{"hour", dims(3600, 0, 0, 1)},
		{"min", dims(60, 0, 0, 1)},
		{"ms", dims(1e-3, 0, 0, 1)},
		{"week", dims(7*day, 0, 0, 1)},
		{"dL", dims(1e-4, 0, 3)},
		{"10^6 cells/mL", dims(1e6/1e-6, 0, -3, 0, 0, 1)},
		{"1e9 cells", dims(1e9, 0, 0, 0, 0, 1)},
		{"m^(1/2)", dims(1, 0, 0.5)},
		{"a.u.", dims(1)},
		{"AU", dims(1)},
		{"mol/(L.s)", dims(1e3, 0, -3, -1, 1)},
		{"Hz", dims(1, 0, 0, -1)},
		{"kat", dims(1, 0, 0, -1, 1)},
		{" mg / kg ", dims(1e-6)},
		{"K", dims(1, 0, 0, 0, 0, 0, 1)},
		{"N", dims(1e3, 1, 1, -2)},
	} {
		got, err := Parse(c.text)
		if c.want.Scale == 0 {
			if err == nil {
				t.Errorf("Parse(%q) = %v, want error", c.text, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", c.text, err)
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("Parse(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		text string
		col  int
		msg  string
	}{
		{"", 1, "empty unit"},
		{"furlong", 1, `unknown unit "furlong"`},
		{"mg/", 4, "missing unit"},
		{"(mg", 4, "expected ')'"},
		{"m^", 3, "expected a number"},
		{"m^x", 3, "expected a number"},
		{"0 g", 2, "scale factor must be positive"},
		{"g)", 2, `unexpected ')'`},
		{"m^1e9", 6, "out of range"},
		{"m^(1/0)", 7, "zero denominator"},
	} {
		_, err := Parse(c.text)
		pe, ok := err.(*ParseError)
		if !ok {
			t.Errorf("Parse(%q): got %v, want *ParseError", c.text, err)
			continue
		}
		if pe.Col != c.col || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("Parse(%q) = col %d %q, want col %d %q", c.text, pe.Col, pe.Msg, c.col, c.msg)
		}
	}
}

func TestArithmetic(t *testing.T) {
	ngml := MustParse("ng/mL")
	pgml := MustParse("pg/mL")
	if !ngml.SameDim(pgml) || ngml.Equal(pgml) {
		t.Error("ng/mL vs pg/mL: same dimension, different scale")
	}
	f, err := Factor(ngml, pgml)
	if err != nil || f != 1000 {
		t.Errorf("Factor(ng/mL, pg/mL) = %v, %v; want 1000", f, err)
	}
	if _, err := Factor(ngml, MustParse("day")); err == nil {
		t.Error("Factor across dimensions: want error")
	}
	rate := MustParse("ng/mL").Div(MustParse("day"))
	if !rate.Equal(MustParse("ng/mL/day")) {
		t.Errorf("ng/mL / day = %v", rate)
	}
	if u := MustParse("m").Pow(1.0 / 3).Pow(3); !u.Equal(MustParse("m")) || u.Dim[Length] != 1 {
		t.Errorf("(m^(1/3))^3 = %v", u)
	}
	if !UnknownUnit().Equal(ngml) || !ngml.Equal(UnknownUnit()) {
		t.Error("unknown must match any unit")
	}
}

func TestStringRoundTrip(t *testing.T) {
	for _, s := range []string{"1", "%", "1/day", "pg/mL", "ng/mL/day", "cfu/cm2", "m^(1/2)", "mol/(L*s)", "kg m^2 s^-3", "10^6 cells/mL"} {
		u := MustParse(s)
		v, err := Parse(u.String())
		if err != nil || !v.Equal(u) {
			t.Errorf("%q -> %q -> %v, %v", s, u.String(), v, err)
		}
	}
}

func unitsOf(m map[string]string) func(string) (Unit, bool) {
	return func(name string) (Unit, bool) {
		s, ok := m[name]
		if !ok {
			return Unit{}, false
		}
		if s == "?" {
			return UnknownUnit(), true
		}
		return MustParse(s), true
	}
}

func TestCheck(t *testing.T) {
	decl := unitsOf(map[string]string{
		expr.TimeKey: "day",
		"x":          "cells/g", "y": "cells/g", "r": "1/day", "k": "day^-1", "K": "cells/g",
		"c": "ng/mL", "cp": "pg/mL", "kc": "ng/mL/day", "frac": "1", "pct": "%", "u": "?",
		"tau": "h", "vol": "mL", "D": "cm^2/day",
	})
	for _, c := range []struct{ src, want string }{
		{"r*x*(1 - x/K)", "cells/g/day"},
		{"r*x - 0.1*r*x*y/K", "cells/g/day"},
		{"x + 1", "cells/g"},
		{"2*3 + 1", "?"},
		{"kc - k*c", "ng/mL/day"},
		{"exp(-k*t)", "1"},
		{"x*exp(-k*time)", "cells/g"},
		{"piecewise(r, t > 5, 0)", "1/day"},
		{"piecewise(r, x > K, k, frac > 0.5, 0)", "1/day"},
		{"if(c > 2, kc, 0)", "ng/mL/day"},
		{"hill(x, K, 2)*r", "1/day"},
		{"shannon(x, y)", "1"},
		{"sqrt(D*t)", "cm"},
		{"root(3, vol)", "cm"},
		{"x^2/K", "cells/g"},
		{"frac^k", ""}, // error: exponent not dimensionless
		{"(x/K)^frac", "1"},
		{"min(x, y, 3)", "cells/g"},
		{"abs(c)", "ng/mL"},
		{"u*x + y", "cells/g"},
		{"u + x", "cells/g"},
		{"f(x) + 1", "?"},
		{"rateOf(c)", "ng/mL/day"},
		{"delay(c, 2)", "ng/mL"},
		{"x > y && c > 1", "1"},
		{"quotient(x, K)", "1"},
		{"rem(x, K)", "cells/g"},
		{"-x", "cells/g"},
	} {
		n, err := expr.Parse(c.src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Check(n, decl)
		if c.want == "" {
			if err == nil {
				t.Errorf("Check(%s) = %v, want error", c.src, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("Check(%s): %v", c.src, err)
			continue
		}
		if c.want == "?" {
			if !got.Unknown {
				t.Errorf("Check(%s) = %v, want unknown", c.src, got)
			}
			continue
		}
		if want := MustParse(c.want); got.Unknown || !got.Equal(want) {
			t.Errorf("Check(%s) = %v, want %v", c.src, got, want)
		}
	}
}

func TestCheckErrors(t *testing.T) {
	decl := unitsOf(map[string]string{
		expr.TimeKey: "day", "x": "cells/g", "r": "1/day", "c": "ng/mL", "cp": "pg/mL",
		"tau": "h", "pct": "%", "frac": "1",
	})
	for _, c := range []struct{ src, msg string }{
		{"x + r", "cannot add or subtract x [cells/g (= g^-1 count)] and r [1/day"},
		{"c + cp", "same dimension but scales differ by a factor 1000"},
		{"exp(x)", "exp needs a dimensionless argument, but x has unit cells/g"},
		{"ln(c)", "ln needs a dimensionless argument"},
		{"exp(r*tau)", "dimensionless with scale 0.0416667, not 1"},
		{"x < c", "cannot compare x"},
		{"piecewise(x, r > 0, c)", "cannot choose between x"},
		{"x^r", "the exponent needs a dimensionless argument"},
		{"x^frac", "raising x [cells/g (= g^-1 count)] to a non-constant power"},
		{"nope * 2", "no unit known for nope"},
		{"hill(x, c, 2)", "cannot compare in hill"},
		{"sin(t)", "sin needs a dimensionless argument, but time has unit day"},
		{"delay(c, x)", "the delay x has unit"},
		{"1 + (2 +\nexp(x))", "2:1: exp(x)"},
	} {
		n, err := expr.Parse(c.src)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Check(n, decl)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Check(%s): got %v, want %q", c.src, err, c.msg)
		}
		var ue *Error
		if err != nil && !errorsAs(err, &ue) {
			t.Errorf("Check(%s): error %T, want *Error", c.src, err)
		}
	}
}

func errorsAs(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "1/day", "day^-1", "cells/g", "pg/mL", "mmol/L", "dimensionless", "%",
		"ng/mL/day", "cfu/cm2", "µg/L", "10^6 cells/mL", "mol/(L*s)", "m^(1/2)", "a.u.", "cm²", "CFU per cm2",
		"kg·m/s^2", "s-1", "((g))", "1e-3 g"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("Parse(%q): error %T", s, err)
			}
			return
		}
		if m := u.Magnitude(); math.IsNaN(m) || m < 0 {
			t.Fatalf("Parse(%q): scale %v", s, m)
		}
		if m := u.Magnitude(); m == 0 || math.IsInf(m, 0) || m < 1e-300 || m > 1e300 {
			return // extreme exponents over- or underflow the scale
		}
		v, err := Parse(u.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %v; Parse(String) failed: %v", s, u, err)
		}
		if !v.Equal(u) {
			t.Fatalf("Parse(%q) = %v; round trip %v", s, u, v)
		}
	})
}

func TestCheckMalformedNoPanic(t *testing.T) {
	names := append(expr.Builtins(), "f")
	seed := uint64(1)
	rnd := func(n int) int { seed = seed*6364136223846793005 + 1442695040888963407; return int(seed>>33) % n }
	var gen func(d int) *expr.Node
	gen = func(d int) *expr.Node {
		if d == 0 || rnd(4) == 0 {
			if rnd(2) == 0 {
				return expr.Num(2)
			}
			return expr.Var("x")
		}
		n := &expr.Node{Op: expr.Op(rnd(int(expr.OpPiecewise) + 3))}
		if n.Op == expr.OpCall {
			n.Name = names[rnd(len(names))]
		}
		for k := rnd(4); k > 0; k-- {
			n.Args = append(n.Args, gen(d-1))
		}
		return n
	}
	unitOf := func(string) (Unit, bool) { return MustParse("g"), true }
	for k := 0; k < 5000; k++ {
		_, _ = Check(gen(4), unitOf)
	}
}

func TestModelUnits(t *testing.T) {
	// Unit strings used by the shipped models.
	for _, s := range []string{"dimensionless", "1/day", "day", "cells", "rel", "1/day/rel", "uM", "1/day/cells", "rel/day", "1/uM", "1/cells"} {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
	rel, day := MustParse("rel"), MustParse("day")
	if !MustParse("1/day/rel").Mul(rel).Equal(MustParse("1/day")) || !rel.Div(day).Equal(MustParse("rel/day")) {
		t.Error("rel arithmetic")
	}
	if rel.SameDim(Dimensionless()) || rel.SameDim(MustParse("cells")) {
		t.Error("rel must be its own dimension")
	}
	density := func(w string) (Unit, bool) {
		if w == "density" {
			return rel, true
		}
		return Unit{}, false
	}
	u, err := ParseWith("1/day/density", density)
	if err != nil || !u.Equal(MustParse("1/day/rel")) {
		t.Errorf("ParseWith: %v %v", u, err)
	}
	if _, err := Parse("1/day/density"); err == nil {
		t.Error("density is not a built-in unit")
	}
}

func TestFactorsExact(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     float64
	}{
		{"ng/mL", "pg/mL", 1000}, {"mL", "L", 1e-3}, {"day", "h", 24}, {"week", "day", 7},
		{"mmol/L", "mM", 1}, {"uM", "nM", 1000}, {"kW", "W", 1000}, {"zW", "aW", 1e-3},
		{"cfu/cm2", "cfu/m2", 1e4}, {"%", "1", 0.01}, {"mg/kg", "ppm", 1},
	} {
		f, err := Factor(MustParse(c.from), MustParse(c.to))
		if err != nil || f != c.want {
			t.Errorf("Factor(%s, %s) = %v, %v; want exactly %v", c.from, c.to, f, err, c.want)
		}
	}
}

func TestCheckFuncs(t *testing.T) {
	decl := unitsOf(map[string]string{"x": "cells/g", "K": "cells/g", "r": "1/day", "c": "ng/mL"})
	funcs := map[string]*expr.Func{
		"logistic": {Args: []string{"a", "cap"}, Body: expr.MustParse("a*(1 - a/cap)")},
		"gap":      {Args: []string{"a", "b"}, Body: expr.MustParse("a - b")},
	}
	u, err := CheckFuncs(expr.MustParse("r*logistic(x, K)"), decl, funcs)
	if err != nil || !u.Equal(MustParse("cells/g/day")) {
		t.Errorf("CheckFuncs = %v, %v", u, err)
	}
	if _, err := CheckFuncs(expr.MustParse("gap(x, c)"), decl, funcs); err == nil || !strings.Contains(err.Error(), "cannot add or subtract") {
		t.Errorf("CheckFuncs with mismatched argument: %v", err)
	}
	// Without inlining, unknown functions are wildcards.
	if u, err := Check(expr.MustParse("logistic(x, c)"), decl); err != nil || !u.Unknown {
		t.Errorf("Check of a user call = %v, %v; want unknown", u, err)
	}
}

// A unit mismatch is stated in the user's unit, not in seconds.
func TestInTermsOf(t *testing.T) {
	want := MustParse("mg").Per(MustParse("day"))
	got := MustParse("mg").Div(MustParse("h"))
	if s := InTermsOf(got, want); !strings.HasPrefix(s, "24 × mg/day (= ") {
		t.Errorf("InTermsOf = %q", s)
	}
	if w := Dimensionless().Per(MustParse("day")); w.Text != "1/day" {
		t.Errorf("1/day text %q", w.Text)
	}
	if s := InTermsOf(MustParse("mg"), want); strings.Contains(s, "×") {
		t.Errorf("different dimensions: %q", s)
	}
}
