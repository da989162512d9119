package expr

import (
	"bufio"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestGolden evaluates the expressions of testdata/golden_expr.tsv (values
// computed with Python's math module by scripts/golden_expr.py) with Eval
// and with a compiled Tape. Tolerance: 1e-13 relative (NaN and ±Inf exact).
func TestGolden(t *testing.T) {
	f, err := os.Open("testdata/golden_expr.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	count := 0
	for line := 1; sc.Scan(); line++ {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 3 {
			t.Fatalf("line %d: %d columns", line, len(cols))
		}
		vals := map[string]float64{}
		for _, b := range strings.Split(cols[1], ";") {
			k, v, _ := strings.Cut(b, "=")
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("line %d: %v", line, err)
			}
			vals[k] = x
		}
		want, err := strconv.ParseFloat(cols[2], 64)
		if err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		n, err := Parse(cols[0])
		if err != nil {
			t.Errorf("line %d: %s: %v", line, cols[0], err)
			continue
		}
		got, err := Eval(n, func(s string) (float64, bool) { v, ok := vals[s]; return v, ok }, nil)
		if err != nil {
			t.Errorf("line %d: %s: %v", line, cols[0], err)
			continue
		}
		if !sameFloat(got, want, 1e-13) {
			t.Errorf("line %d: Eval(%s) = %v, want %v", line, cols[0], got, want)
		}
		names := make([]string, 0, len(vals))
		for k := range vals {
			names = append(names, k)
		}
		sort.Strings(names)
		names = append(names, "out")
		b := NewBuilder(slotOf(names), nil, -1)
		if err := b.Assign(len(names)-1, n); err != nil {
			t.Errorf("line %d: compile %s: %v", line, cols[0], err)
			continue
		}
		env := make([]float64, len(names))
		for i, k := range names[:len(names)-1] {
			env[i] = vals[k]
		}
		b.Build().Run(env)
		if !sameFloat(env[len(env)-1], want, 1e-13) {
			t.Errorf("line %d: Tape(%s) = %v, want %v", line, cols[0], env[len(env)-1], want)
		}
		count++
	}
	if count < 80 {
		t.Errorf("only %d golden cases", count)
	}
}

func TestParseTree(t *testing.T) {
	x, y, z := Var("x"), Var("y"), Var("z")
	for _, c := range []struct {
		src  string
		want *Node
	}{
		{"-x^2", New(OpNeg, New(OpPow, x, Num(2)))},
		{"x^y^z", New(OpPow, x, New(OpPow, y, z))},
		{"x + y + z", New(OpAdd, x, y, z)},
		{"x - y + z", New(OpAdd, New(OpSub, x, y), z)},
		{"x * y / z", New(OpDiv, New(OpMul, x, y), z)},
		{"-2", Num(-2)},
		{"-2^2", New(OpNeg, New(OpPow, Num(2), Num(2)))},
		{"2^-2", New(OpPow, Num(2), Num(-2))},
		{"t + time", New(OpAdd, &Node{Op: OpTime}, &Node{Op: OpTime})},
		{"axilla.S_aureus", Var("axilla.S_aureus")},
		{"if(x < 1, y, z)", New(OpPiecewise, y, New(OpLt, x, Num(1)), z)},
		{"log(x)", Call("ln", x)},
		{"log(2, x)", Call("log", Num(2), x)},
		{"arctan(x)", Call("atan", x)},
		{"x && y || !z", New(OpOr, New(OpAnd, x, y), New(OpNot, z))},
		{"x and y and z", New(OpAnd, x, y, z)},
		{"not x", New(OpNot, x)},
		{"plus(x)", New(OpAdd, x)},
		{"times()", New(OpMul)},
		{"pow(x, 2)", New(OpPow, x, Num(2))},
		{"x ** 2", New(OpPow, x, Num(2))},
		{"f(x, 1)", Call("f", x, Num(1))},
		{"true", Num(1)},
		{"inf", Num(math.Inf(1))},
		{"1e400", Num(math.Inf(1))},
		{"\n  x\n+ y", New(OpAdd, x, y)},
	} {
		got, err := Parse(c.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.src, err)
			continue
		}
		if !Equal(got, c.want) {
			t.Errorf("Parse(%q) = %s, want %s", c.src, String(got), String(c.want))
		}
	}
}

func TestParseScope(t *testing.T) {
	sc := &Scope{
		IsVar: func(s string) bool { return s == "t" || s == "e" },
		Funcs: func(s string) (int, bool) {
			if s == "f" {
				return 2, true
			}
			return 0, false
		},
	}
	n, err := ParseScope("t*e + time + f(1, 2)", sc)
	if err != nil {
		t.Fatal(err)
	}
	want := New(OpAdd, New(OpMul, Var("t"), Var("e")), &Node{Op: OpTime}, Call("f", Num(1), Num(2)))
	if !Equal(n, want) {
		t.Errorf("got %s", String(n))
	}
	for _, c := range []struct{ src, msg string }{
		{"g(1)", `unknown function "g"`},
		{"f(1)", "function f takes 2 arguments, got 1"},
		{"t(1)", "t is a variable, not a function"},
	} {
		_, err := ParseScope(c.src, sc)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseScope(%q): got %v, want %q", c.src, err, c.msg)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, c := range []struct {
		src       string
		line, col int
		msg       string
	}{
		{"", 1, 1, "empty expression"},
		{"1 +", 1, 4, "unexpected end of expression"},
		{"(1 + 2", 1, 7, "expected ')' to close '(' at 1:1"},
		{"f(1, 2", 1, 7, "expected ',' or ')' in call of f"},
		{"exp(1, 2)", 1, 1, "function exp takes 1 argument, got 2"},
		{"hill(1, 2)", 1, 1, "function hill takes 3 arguments, got 2"},
		{"min()", 1, 1, "function min takes at least 1 argument"},
		{"if(1, 2)", 1, 1, "function if takes 3 arguments"},
		{"log(1, 2, 3)", 1, 1, "function log takes 1 argument (natural log) or 2"},
		{"x = 1", 1, 3, "use '==' for equality"},
		{"x & y", 1, 3, "use '&&'"},
		{"3x", 1, 2, "malformed number"},
		{"1e+", 1, 4, "exponent needs digits"},
		{"x $ y", 1, 3, "unexpected character '$'"},
		{"x y", 1, 3, `unexpected identifier "y" after end of expression`},
		{"1 +\n  * 2", 2, 3, "unexpected '*'"},
		{"and + 1", 1, 1, `unexpected keyword "and"`},
		{"1 + not x", 1, 5, `unexpected keyword "not"`},
		{"x + or", 1, 5, `unexpected keyword "or"`},
		{"(x))", 1, 4, "unexpected ')' after end"},
		{strings.Repeat("(", 600) + "1" + strings.Repeat(")", 600), 1, 0, "nested too deeply"},
	} {
		_, err := Parse(c.src)
		se, ok := err.(*SyntaxError)
		if !ok {
			t.Errorf("Parse(%q): got %v, want *SyntaxError", c.src, err)
			continue
		}
		if !strings.Contains(se.Msg, c.msg) || c.col != 0 && (se.Line != c.line || se.Col != c.col) {
			t.Errorf("Parse(%q) = %d:%d %q, want %d:%d %q", c.src, se.Line, se.Col, se.Msg, c.line, c.col, c.msg)
		}
	}
}

func TestVars(t *testing.T) {
	got := Vars(Must(Parse("b*a + f(c, a) + t + exp(host.cortisol)")))
	want := []string{"a", "b", "c", "host.cortisol"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Vars = %v, want %v", got, want)
	}
	if !UsesTime(Must(Parse("x + t"))) || UsesTime(Must(Parse("x"))) {
		t.Error("UsesTime")
	}
}

func TestEvalErrors(t *testing.T) {
	for _, c := range []struct{ src, msg string }{
		{"x + 1", `1:1: unknown identifier "x"`},
		{"g(1)", `unknown function "g"`},
		{"delay(1, 2)", "unsupported: delay"},
		{"rateOf(1)", "unsupported: rateOf"},
		{"t", "time is not available"},
	} {
		_, err := Eval(Must(Parse(c.src)), func(string) (float64, bool) { return 0, false }, nil)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Eval(%s): got %v, want %q", c.src, err, c.msg)
		}
	}
	funcs := map[string]*Func{"f": {Args: []string{"a"}, Body: Must(Parse("f(a)"))}}
	if _, err := Eval(Must(Parse("f(1)")), nil, funcs); err == nil || !strings.Contains(err.Error(), "recursive") {
		t.Errorf("recursive: %v", err)
	}
	// Malformed trees from a front end are errors, not panics.
	for _, n := range []*Node{New(OpDiv, Num(1)), New(OpNeg), {Op: OpInvalid}, Call("exp"), Call("hill", Num(1))} {
		if _, err := Eval(n, nil, nil); err == nil {
			t.Errorf("Eval(%s): want error", String(n))
		}
		if err := NewBuilder(slotOf(nil), nil, -1).Assign(0, n); err == nil {
			t.Errorf("Assign(%s): want error", String(n))
		}
	}
}

// TestStringRoundTrip checks Parse(String(n)) == n for random trees.
func TestStringRoundTrip(t *testing.T) {
	rng := newRand(7)
	for k := 0; k < 5000; k++ {
		n := randExpr(rng, 5, []string{"x", "y", "a.b"})
		s := String(n)
		m, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(String(n)) for %s: %v", s, err)
		}
		if !Equal(n, m) {
			t.Fatalf("round trip changed the tree:\n %s\n %s", s, String(m))
		}
	}
	// Degenerate n-ary nodes and special numbers.
	for _, n := range []*Node{New(OpAdd), New(OpMul, Var("x")), New(OpAnd), New(OpOr, Var("x")),
		New(OpXor, Var("x"), Var("y")), New(OpLt, Var("x"), Var("y"), Var("z")), New(OpSub, Var("x")),
		Num(math.Inf(-1)), Num(math.NaN()), Num(-0.0), New(OpNeg, Num(2)), New(OpNeg, Num(-2)),
		New(OpPow, Num(-2), Num(2)), New(OpPow, New(OpNeg, Var("x")), Num(2)), New(OpPiecewise),
		New(OpNot, New(OpNot, Var("x"))), New(OpNeg, New(OpNeg, Var("x")))} {
		m, err := Parse(String(n))
		if err != nil || !Equal(n, m) {
			t.Errorf("round trip of %s: %v %v", String(n), err, m)
		}
	}
}
