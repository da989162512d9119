package expr

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func evalAt(t *testing.T, n *Node, env map[string]float64) float64 {
	t.Helper()
	v, err := Eval(n, func(s string) (float64, bool) { v, ok := env[s]; return v, ok }, nil)
	if err != nil {
		t.Fatalf("%s: %v", String(n), err)
	}
	return v
}

// centralDiff is the 4th-order central difference of n in x at env.
func centralDiff(t *testing.T, n *Node, x string, env map[string]float64) float64 {
	x0 := env[x]
	h := 1e-3 * math.Max(1, math.Abs(x0))
	f := func(v float64) float64 {
		env[x] = v
		return evalAt(t, n, env)
	}
	d := (-f(x0+2*h) + 8*f(x0+h) - 8*f(x0-h) + f(x0-2*h)) / (12 * h)
	env[x] = x0
	return d
}

// jumpNear reports whether n jumps within the finite-difference stencil
// around env (a half-step and a full-step estimate of the slope disagree).
func jumpNear(t *testing.T, n *Node, env map[string]float64) bool {
	x0 := env["x"]
	h := 1e-3 * math.Max(1, math.Abs(x0))
	var v [5]float64
	for i := range v {
		env["x"] = x0 + float64(i-2)*h
		v[i] = evalAt(t, n, env)
	}
	env["x"] = x0
	s1, s2 := (v[3]-v[1])/2, (v[4]-v[0])/4
	return math.Abs(s1-s2) > 1e-3*math.Max(1, math.Abs(s1))*h+1e-9 && math.Abs(s1-s2) > 0.01*math.Abs(s1)+1e-6
}

// TestDiffBuiltins checks the derivative of every differentiable builtin,
// composed with an inner function of x and y (chain rule), against a
// 4th-order central finite difference at random points of its domain.
// Tolerance: 1e-6 relative to max(1, |f'|).
func TestDiffBuiltins(t *testing.T) {
	type dom struct{ lo, hi float64 }
	cases := []struct {
		src string
		d   dom // range of the inner argument u = 0.5*x + 0.25*y
	}{
		{"exp(U)", dom{-3, 3}}, {"ln(U)", dom{0.2, 5}}, {"log10(U)", dom{0.2, 5}},
		{"sqrt(U)", dom{0.2, 5}}, {"abs(U)", dom{0.1, 3}}, {"abs(U)", dom{-3, -0.1}},
		{"floor(U)", dom{0.1, 0.9}}, {"ceil(U)", dom{1.1, 1.9}},
		{"sin(U)", dom{-3, 3}}, {"cos(U)", dom{-3, 3}}, {"tan(U)", dom{-1.2, 1.2}},
		{"sec(U)", dom{-1.2, 1.2}}, {"csc(U)", dom{0.3, 2.8}}, {"cot(U)", dom{0.3, 2.8}},
		{"asin(U)", dom{-0.9, 0.9}}, {"acos(U)", dom{-0.9, 0.9}}, {"atan(U)", dom{-3, 3}},
		{"sinh(U)", dom{-3, 3}}, {"cosh(U)", dom{-3, 3}}, {"tanh(U)", dom{-3, 3}},
		{"asinh(U)", dom{-3, 3}}, {"acosh(U)", dom{1.2, 4}}, {"atanh(U)", dom{-0.9, 0.9}},
		{"sech(U)", dom{-3, 3}}, {"csch(U)", dom{0.3, 3}}, {"coth(U)", dom{0.3, 3}},
		{"arcsec(U)", dom{1.2, 4}}, {"arcsec(U)", dom{-4, -1.2}}, {"arccsc(U)", dom{1.2, 4}},
		{"arccsc(U)", dom{-4, -1.2}}, {"arccot(U)", dom{0.2, 3}}, {"arccot(U)", dom{-3, -0.2}},
		{"arcsech(U)", dom{0.1, 0.9}}, {"arccsch(U)", dom{0.2, 3}}, {"arccsch(U)", dom{-3, -0.2}},
		{"arccoth(U)", dom{1.2, 4}}, {"arccoth(U)", dom{-4, -1.2}},
		{"pos(U)", dom{0.1, 3}}, {"pos(U)", dom{-3, -0.1}},
		{"log(2 + y^2, U)", dom{0.2, 5}}, {"root(3, U)", dom{0.2, 5}}, {"root(y + 3, U)", dom{0.2, 5}},
		{"min(U, 1, y)", dom{-3, 3}}, {"max(U, 1, y)", dom{-3, 3}},
		{"hill(U, 1.5, 2 + y)", dom{0.1, 4}}, {"hill(2, U, 3)", dom{0.1, 4}},
		{"rem(7 + y, U)", dom{0.7, 1.6}}, {"rem(U*5, 2 + y)", dom{0.5, 3}}, {"quotient(U*7, 2)", dom{0.1, 0.2}},
		{"shannon(U, y, 2, U*U)", dom{0.2, 3}}, {"simpson(U, y, 2, U*U)", dom{0.2, 3}},
		{"U^3", dom{-2, 2}}, {"U^y", dom{0.2, 3}}, {"2^U", dom{-2, 2}}, {"y/U", dom{0.2, 3}},
		{"piecewise(U^2, U > 1, 3*U)", dom{-3, 3}}, {"-U*y*exp(U)", dom{-2, 2}},
		{"(U < 1) + 2*U", dom{-2, 2}}, {"U - y^2", dom{-2, 2}},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range cases {
		n, err := Parse(strings.ReplaceAll(c.src, "U", "(0.5*x + 0.25*y)"))
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		dx, err := Diff(n, "x", nil)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		dy, err := Diff(n, "y", nil)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		used := 0
		for k := 0; k < 20; k++ {
			y := 0.2 + rng.Float64()*0.6
			u := c.d.lo + 0.05*(c.d.hi-c.d.lo) + 0.9*(c.d.hi-c.d.lo)*rng.Float64()
			env := map[string]float64{"y": y, "x": (u - 0.25*y) / 0.5}
			if jumpNear(t, n, env) {
				continue // the stencil straddles a discontinuity
			}
			used++
			for _, w := range []struct {
				name string
				d    *Node
			}{{"x", dx}, {"y", dy}} {
				got := evalAt(t, w.d, env)
				want := centralDiff(t, n, w.name, env)
				if !sameFloat(got, want, 1e-6) {
					t.Errorf("d/d%s %s at x=%.4g y=%.4g: symbolic %.10g, finite difference %.10g\n  derivative: %s",
						w.name, c.src, env["x"], y, got, want, String(w.d))
				}
			}
		}
		if used < 15 {
			t.Errorf("%s: only %d of 20 points usable", c.src, used)
		}
	}
}

func TestDiffErrors(t *testing.T) {
	for _, src := range []string{"factorial(x)", "delay(x, 1)", "rateOf(x)", "g(x)"} {
		if _, err := Diff(Must(Parse(src)), "x", nil); err == nil {
			t.Errorf("Diff(%s): want error", src)
		}
	}
	// Not depending on x: zero even for functions without a derivative.
	d, err := Diff(Must(Parse("factorial(y) + t")), "x", nil)
	if err != nil || !isNum(d, 0) {
		t.Errorf("Diff(factorial(y)) = %v, %v; want 0", d, err)
	}
}

func TestDiffFuncsAndSimplify(t *testing.T) {
	funcs := map[string]*Func{"f": {Args: []string{"a", "b"}, Body: Must(Parse("a^2*b"))}}
	for _, c := range []struct{ src, x, want string }{
		{"f(x, 3)", "x", "3*(2*x)"},
		{"x*y + 0*z", "x", "y"},
		{"3*x^2", "x", "3*(2*x)"},
		{"exp(2*x)", "x", "2*exp(2*x)"},
		{"y", "x", "0"},
		{"x", "x", "1"},
		{"-x", "x", "-1"},
		{"piecewise(x, y > 1, 2*x)", "x", "piecewise(1, y > 1, 2)"},
		{"piecewise(x, y > 1, x)", "x", "1"},
	} {
		d, err := Diff(Must(Parse(c.src)), c.x, funcs)
		if err != nil {
			t.Fatal(err)
		}
		want := Must(Parse(c.want))
		if !Equal(d, want) {
			// Compare numerically when the shape differs.
			env := map[string]float64{"x": 1.3, "y": 0.7, "z": 2}
			if !sameFloat(evalAt(t, d, env), evalAt(t, want, env), 1e-14) {
				t.Errorf("Diff(%s, %s) = %s, want %s", c.src, c.x, String(d), c.want)
			}
		}
	}
}

func TestSimplify(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"x + 0", "x"}, {"0 + x", "x"}, {"x*1", "x"}, {"1*x*1", "x"}, {"x*0", "0"},
		{"x - 0", "x"}, {"0 - x", "-x"}, {"0/x", "0"}, {"x/1", "x"}, {"x^1", "x"},
		{"x^0", "1"}, {"1^x", "1"}, {"-(-x)", "x"}, {"2 + 3*4", "14"}, {"(x + 1) + (y + 2)", "x + y + 3"},
		{"2*(x*3)", "6*x"}, {"exp(0)", "1"}, {"piecewise(1, 2 > 3, x, 1 < 2, y)", "x"},
		{"piecewise(1, 2 > 3, 5)", "5"}, {"piecewise(x, y > 1, 7, 1 < 2, 9)", "piecewise(x, y > 1, 7)"},
		{"piecewise(1, 2 > 3)", "nan"}, {"min(3, 1, 2)", "1"}, {"-1*x", "-x"}, {"x - x", "0"},
		{"g(1)", "g(1)"}, {"delay(1, 2)", "delay(1, 2)"}, {"hill(1, 1, 2)", "0.5"},
	} {
		got := Simplify(Must(Parse(c.in)))
		if want := Must(Parse(c.want)); !Equal(got, want) {
			t.Errorf("Simplify(%s) = %s, want %s", c.in, String(got), c.want)
		}
	}
}

// finiteEverywhere reports whether every sub-expression of n is finite and
// not a negative zero at env (Simplify does not keep the sign of zero).
func finiteEverywhere(t *testing.T, n *Node, env map[string]float64) bool {
	v := evalAt(t, n, env)
	if math.IsNaN(v) || math.IsInf(v, 0) || v == 0 && math.Signbit(v) {
		return false
	}
	for _, a := range n.Args {
		if !finiteEverywhere(t, a, env) {
			return false
		}
	}
	return true
}

// TestSimplifyPreservesValue checks Simplify against Eval on random trees at
// random points (values where IEEE special cases make x*0 != 0 are skipped).
func TestSimplifyPreservesValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for k := 0; k < 2000; k++ {
		n := randExpr(rng, 4, []string{"x", "y"})
		s := Simplify(n)
		env := map[string]float64{"x": rng.Float64()*4 - 2, "y": rng.Float64()*4 - 2, TimeKey: rng.Float64()}
		a, b := evalAt(t, n, env), evalAt(t, s, env)
		if !finiteEverywhere(t, n, env) {
			continue // x*0 = 0 and x - x = 0 hold for finite x only
		}
		// Skip points where a rounding-level change of the inputs changes
		// the value (discontinuities amplify reassociation differences).
		env2 := map[string]float64{"x": env["x"] * (1 + 1e-12), "y": env["y"] * (1 + 1e-12), TimeKey: env[TimeKey] * (1 + 1e-12)}
		if !sameFloat(a, evalAt(t, n, env2), 1e-9) {
			continue
		}
		if !sameFloat(a, b, 1e-9) {
			t.Errorf("%s = %v, simplified %s = %v", String(n), a, String(s), b)
		}
	}
}

// positiveBases reports whether every power-like node (u^v, root, hill) has
// positive bases at env (u^v with u <= 0 is not differentiable in v over the
// reals) and no root has degree 0.
func positiveBases(t *testing.T, n *Node, env map[string]float64) bool {
	var bases []*Node
	switch {
	case n.Op == OpPow:
		bases = n.Args[:1]
	case n.Op == OpCall && n.Name == "root":
		bases = n.Args[1:]
		if evalAt(t, n.Args[0], env) == 0 {
			return false // degree 0: x^(1/0)
		}
	case n.Op == OpCall && n.Name == "hill":
		bases = n.Args[:2]
	case n.Op == OpCall && n.Name == "log":
		bases = n.Args
		if evalAt(t, n.Args[0], env) == 1 {
			return false
		}
	case n.Op == OpCall && len(n.Args) == 1:
		// Domain boundaries where the derivative is infinite.
		u := evalAt(t, n.Args[0], env)
		switch n.Name {
		case "asin", "acos", "atanh", "arcsec", "arccsc", "arccoth", "acosh", "arcsech":
			if math.Abs(u) == 1 || u == 0 {
				return false
			}
		case "sqrt", "ln", "log10", "abs", "pos", "arccsch", "csch", "coth", "cot", "csc":
			if u == 0 {
				return false
			}
		}
	}
	for _, b := range bases {
		if evalAt(t, b, env) <= 0 {
			return false
		}
	}
	for _, a := range n.Args {
		if !positiveBases(t, a, env) {
			return false
		}
	}
	return true
}

// TestDiffRandom compares Diff with finite differences on random trees at
// random points, skipping points where the finite difference itself is
// unreliable (non-finite values, discontinuities, step-size sensitivity).
func TestDiffRandom(t *testing.T) {
	rng := newRand(31)
	checked := 0
	for k := 0; k < 3000; k++ {
		n := randExpr(rng, 4, []string{"x", "y"})
		d, err := Diff(n, "x", nil)
		if err != nil {
			if strings.Contains(err.Error(), "factorial") {
				continue
			}
			t.Fatalf("Diff(%s): %v", String(n), err)
		}
		env := map[string]float64{"x": rng.Float64()*4 - 2, "y": rng.Float64()*4 - 2, TimeKey: rng.Float64()}
		if !finiteEverywhere(t, n, env) || !positiveBases(t, n, env) || jumpNear(t, n, env) {
			continue
		}
		got := evalAt(t, d, env)
		fd1 := centralDiff(t, n, "x", env)
		x0 := env["x"]
		// second estimate with half the step
		h := 0.5e-3 * math.Max(1, math.Abs(x0))
		f := func(v float64) float64 { env["x"] = v; return evalAt(t, n, env) }
		fd2 := (-f(x0+2*h) + 8*f(x0+h) - 8*f(x0-h) + f(x0-2*h)) / (12 * h)
		env["x"] = x0
		if math.IsNaN(fd1) || math.IsInf(fd1, 0) || !sameFloat(fd1, fd2, 1e-6) || math.Abs(fd1) > 1e6 {
			continue
		}
		checked++
		if !sameFloat(got, fd1, 1e-5) {
			t.Errorf("d/dx %s at x=%v y=%v t=%v: symbolic %v, finite difference %v\n  derivative %s",
				String(n), x0, env["y"], env[TimeKey], got, fd1, String(d))
		}
	}
	if checked < 1000 {
		t.Errorf("only %d random points checked", checked)
	}
}
