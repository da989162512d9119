package expr

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/fmath"
)

func slotOf(names []string) func(string) (int, bool) {
	return func(s string) (int, bool) {
		for i, n := range names {
			if n == s {
				return i, true
			}
		}
		return 0, false
	}
}

// TestTapeMatchesEval compiles random expressions and checks the Tape against
// the reference tree walker at random points.
func TestTapeMatchesEval(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vars := []string{"x", "y", "z"}
	names := []string{"x", "y", "z", "time", "out"}
	slot := slotOf(names)
	for k := 0; k < 3000; k++ {
		n := randExpr(rng, 5, vars)
		b := NewBuilder(slot, nil, 3)
		if err := b.Assign(4, n); err != nil {
			t.Fatalf("%s: %v", String(n), err)
		}
		tape := b.Build()
		for p := 0; p < 4; p++ {
			env := []float64{rng.Float64()*6 - 3, rng.Float64()*6 - 3, float64(rng.IntN(5) - 2), rng.Float64() * 5, 0}
			want, err := Eval(n, func(s string) (float64, bool) {
				if s == TimeKey {
					return env[3], true
				}
				i, ok := slot(s)
				if !ok {
					return 0, false
				}
				return env[i], true
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			in := append([]float64(nil), env...)
			tape.Run(env)
			if !sameFloat(env[4], want, 1e-12) {
				t.Fatalf("%s at %v: tape %v, eval %v", String(n), in, env[4], want)
			}
			for i := 0; i < 4; i++ {
				if env[i] != in[i] && !(math.IsNaN(env[i]) && math.IsNaN(in[i])) {
					t.Fatalf("%s: tape changed slot %d", String(n), i)
				}
			}
		}
	}
}

func TestTapeSequenceAndFuncs(t *testing.T) {
	funcs := map[string]*Func{
		"sq":   {Args: []string{"a"}, Body: Must(Parse("a*a"))},
		"f":    {Args: []string{"x", "y"}, Body: Must(Parse("sq(x) + 2*y + k"))}, // k: model variable
		"loop": {Args: []string{"a"}, Body: Must(Parse("loop(a)"))},
	}
	names := []string{"time", "k", "u", "v", "w"}
	b := NewBuilder(slotOf(names), funcs, 0)
	// u = f(k, time); v = u + piecewise(u, u > 3, -u); w = v*u (uses updated u, v)
	for _, a := range []struct {
		dst int
		src string
	}{{2, "f(k, time)"}, {3, "u + piecewise(u, u > 3, -u)"}, {4, "v*u - sq(sq(2))"}} {
		if err := b.Assign(a.dst, Must(Parse(a.src))); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Assign(4, Must(Parse("loop(1)"))); err == nil || !strings.Contains(err.Error(), "recursive") {
		t.Errorf("recursive function: got %v", err)
	}
	if err := b.Assign(4, Must(Parse("nosuch + 1"))); err == nil || !strings.Contains(err.Error(), `unknown identifier "nosuch"`) {
		t.Errorf("unknown id: got %v", err)
	}
	if err := b.Assign(4, Must(Parse("delay(k, 2)"))); err == nil || !strings.Contains(err.Error(), "unsupported: delay") {
		t.Errorf("delay: got %v", err)
	}
	tape := b.Build()
	env := []float64{0.5, 1.5, 0, 0, 0}
	tape.Run(env)
	u := 1.5*1.5 + 2*0.5 + 1.5 // 4.75
	v := u + u
	w := v*u - 16
	if env[2] != u || env[3] != v || env[4] != w {
		t.Errorf("got u=%v v=%v w=%v, want %v %v %v", env[2], env[3], env[4], u, v, w)
	}
	if a := testing.AllocsPerRun(100, func() { tape.Run(env) }); a != 0 {
		t.Errorf("Run allocates %v times", a)
	}
	c := tape.Clone()
	env2 := []float64{0.5, 1.5, 0, 0, 0}
	c.Run(env2)
	if env2[4] != w {
		t.Errorf("clone: got %v want %v", env2[4], w)
	}
}

func TestBuilderNoTime(t *testing.T) {
	b := NewBuilder(slotOf([]string{"x"}), nil, -1)
	if err := b.Assign(0, Must(Parse("t + 1"))); err == nil {
		t.Error("time without a time slot: want error")
	}
}

// Must panics on error; for tests and examples with constant sources.
func Must(n *Node, err error) *Node {
	if err != nil {
		panic(err)
	}
	return n
}

// TestTapeSparseSlots uses slots far apart (short transfer runs)
// and checks that untouched slots keep their values.
func TestTapeSparseSlots(t *testing.T) {
	slots := map[string]int{"time": 3, "a": 100, "b": 700, "c": 1500, "d": 2}
	b := NewBuilder(func(s string) (int, bool) { i, ok := slots[s]; return i, ok }, nil, 3)
	if err := b.Assign(1500, Must(Parse("a*b + t"))); err != nil {
		t.Fatal(err)
	}
	if err := b.Assign(2, Must(Parse("c - 1"))); err != nil {
		t.Fatal(err)
	}
	tape := b.Build()
	// Read before written: time, a, b; written: d, c.
	if want := []int32{3, 4, 100, 101, 700, 701}; !slices.Equal(tape.in.runs, want) {
		t.Errorf("copy-in runs %v, want %v", tape.in.runs, want)
	}
	if want := []int32{2, 3, 1500, 1501}; !slices.Equal(tape.out.runs, want) {
		t.Errorf("copy-out runs %v, want %v", tape.out.runs, want)
	}
	env := make([]float64, 2000)
	for i := range env {
		env[i] = float64(i)
	}
	tape.Run(env)
	want := 100.0*700 + 3
	for i, v := range env {
		switch i {
		case 1500:
			if v != want {
				t.Errorf("c = %v, want %v", v, want)
			}
		case 2:
			if v != want-1 {
				t.Errorf("d = %v, want %v", v, want-1)
			}
		default:
			if v != float64(i) {
				t.Fatalf("slot %d changed to %v", i, v)
			}
		}
	}
}

// TestMalformedTreesNoPanic feeds trees with arbitrary operators and
// argument counts (as a buggy front end might build) to every pass: errors
// are fine, panics are not.
func TestMalformedTreesNoPanic(t *testing.T) {
	rng := newRand(11)
	names := append(Builtins(), "f", "g")
	var gen func(d int) *Node
	gen = func(d int) *Node {
		if d == 0 || rng.IntN(4) == 0 {
			switch rng.IntN(3) {
			case 0:
				return Num(rng.Float64())
			case 1:
				return Var("x")
			}
			return &Node{Op: OpTime}
		}
		n := &Node{Op: Op(rng.IntN(int(OpPiecewise) + 3))}
		if n.Op == OpCall {
			n.Name = names[rng.IntN(len(names))]
		}
		for k := rng.IntN(4); k > 0; k-- {
			n.Args = append(n.Args, gen(d-1))
		}
		return n
	}
	slot := slotOf([]string{"x", "time", "out"})
	funcs := map[string]*Func{"f": {Args: []string{"a"}, Body: Var("a")}}
	for k := 0; k < 5000; k++ {
		n := gen(4)
		_ = String(n)
		_ = Validate(n)
		_, _ = Eval(n, func(string) (float64, bool) { return 1, true }, funcs)
		_ = Simplify(n)
		_, _ = Diff(n, "x", funcs)
		_ = NewBuilder(slot, funcs, 1).Assign(2, n)
	}
}

// TestTapeInlineMatchesEval wraps random sub-trees in calls of user
// functions (identity, argument selection, reuse of an argument, nested
// calls, a model variable in the body) and checks Tape against Eval.
func TestTapeInlineMatchesEval(t *testing.T) {
	funcs := map[string]*Func{
		"id":     {Args: []string{"a"}, Body: Var("a")},
		"second": {Args: []string{"a", "b"}, Body: Var("b")},
		"twice":  {Args: []string{"a"}, Body: Must(Parse("a + a*k"))},
		"nest":   {Args: []string{"a", "b"}, Body: Must(Parse("id(second(b, a)) - twice(b)"))},
		"zero":   {Args: nil, Body: Num(0)},
	}
	rng := newRand(21)
	var wrap func(n *Node) *Node
	wrap = func(n *Node) *Node {
		m := *n
		m.Args = make([]*Node, len(n.Args))
		for i, a := range n.Args {
			m.Args[i] = wrap(a)
		}
		switch rng.IntN(8) {
		case 0:
			return Call("id", &m)
		case 1:
			return Call("second", Var("x"), &m)
		case 2:
			return Call("twice", &m)
		case 3:
			return Call("nest", &m, Call("id", Var("y")))
		case 4:
			return New(OpAdd, &m, Call("zero"))
		}
		return &m
	}
	names := []string{"x", "y", "k", "time", "out", "out2"}
	slot := slotOf(names)
	for it := 0; it < 1500; it++ {
		n := wrap(randExpr(rng, 4, []string{"x", "y"}))
		n2 := wrap(randExpr(rng, 3, []string{"x", "y", "out"}))
		b := NewBuilder(slot, funcs, 3)
		if err := b.Assign(4, n); err != nil {
			t.Fatal(err)
		}
		if err := b.Assign(5, n2); err != nil {
			t.Fatal(err)
		}
		tape := b.Build()
		env := []float64{rng.Float64()*4 - 2, rng.Float64()*4 - 2, 0.5, rng.Float64() * 3, 0, 0}
		lookup := func(s string) (float64, bool) {
			if s == TimeKey {
				s = "time"
			}
			i, ok := slot(s)
			if !ok {
				return 0, false
			}
			return env[i], true
		}
		w1, err := Eval(n, lookup, funcs)
		if err != nil {
			t.Fatal(err)
		}
		env[4] = w1
		w2, err := Eval(n2, lookup, funcs)
		if err != nil {
			t.Fatal(err)
		}
		env[4], env[5] = 0, 0
		tape.Run(env)
		if !sameFloat(env[4], w1, 1e-12) || !sameFloat(env[5], w2, 1e-12) {
			t.Fatalf("%s; %s:\n tape %v %v, eval %v %v", String(n), String(n2), env[4], env[5], w1, w2)
		}
	}
}

// TestCSE checks that common sub-expressions are computed once, also across
// assignments, and never reused after an assignment changes their inputs.
func TestCSE(t *testing.T) {
	names := []string{"time", "x", "a", "b", "c", "d"}
	funcs := map[string]*Func{"f": {Args: []string{"u"}, Body: Must(Parse("sin(u)*2"))}}
	src := []struct {
		dst  int
		expr string
	}{
		{2, "sin(time)*x + f(time)"}, // sin(time) twice (once via f)
		{3, "sin(time) + exp(x)"},    // reused across assignments
		{1, "x + exp(x)"},            // x changes here
		{4, "exp(x)"},                // must be recomputed with the new x
		{5, "sin(time)*exp(x)"},
	}
	build := func(noCSE bool) *Tape {
		b := NewBuilder(slotOf(names), funcs, 0)
		b.noCSE = noCSE
		for _, s := range src {
			if err := b.Assign(s.dst, Must(Parse(s.expr))); err != nil {
				t.Fatal(err)
			}
		}
		return b.Build()
	}
	with, without := build(false), build(true)
	count := func(tp *Tape, op opcode) int {
		k := 0
		for _, in := range tp.code {
			if in.op == op {
				k++
			}
		}
		return k
	}
	if got := count(with, opSin); got != 1 {
		t.Errorf("sin computed %d times with CSE, want 1\n%s", got, with)
	}
	if got := count(with, opExp); got != 2 {
		t.Errorf("exp computed %d times with CSE, want 2 (before and after x changes)\n%s", got, with)
	}
	if count(without, opSin) != 4 {
		t.Errorf("without CSE: %d sin", count(without, opSin))
	}
	env1 := []float64{0.7, 1.3, 0, 0, 0, 0}
	env2 := append([]float64(nil), env1...)
	with.Run(env1)
	without.Run(env2)
	for i := range env1 {
		if !sameFloat(env1[i], env2[i], 1e-15) {
			t.Errorf("slot %s: CSE %v, plain %v", names[i], env1[i], env2[i])
		}
	}
	x1 := 1.3 + fmath.Exp(1.3) // exp compiles to fmath.Exp
	if env1[4] != fmath.Exp(x1) {
		t.Errorf("c = %v, want exp(new x) = %v", env1[4], fmath.Exp(x1))
	}
}

// TestTapeSequences runs random sequences of assignments that overwrite
// their own inputs (the case where reusing a common sub-expression would be
// wrong) and compares the Tape, with and without CSE, with sequential Eval.
func TestTapeSequences(t *testing.T) {
	rng := newRand(41)
	names := []string{"x", "y", "z", "time"}
	slot := slotOf(names)
	funcs := map[string]*Func{"g": {Args: []string{"a"}, Body: Must(Parse("a*x + sin(a)"))}}
	for it := 0; it < 1500; it++ {
		type asg struct {
			dst int
			n   *Node
		}
		var seq []asg
		for k := 0; k < 2+rng.IntN(5); k++ {
			n := randExpr(rng, 3, []string{"x", "y", "z"})
			if rng.IntN(3) == 0 {
				n = New(OpAdd, n, Call("g", randExpr(rng, 2, []string{"x", "y"})))
			}
			if rng.IntN(2) == 0 && k > 0 {
				// repeat an earlier expression to create sharing
				n = New(OpMul, seq[rng.IntN(len(seq))].n, n)
			}
			seq = append(seq, asg{rng.IntN(3), n})
		}
		init := []float64{rng.Float64()*4 - 2, rng.Float64()*4 - 2, rng.Float64()*4 - 2, rng.Float64() * 3}
		want := append([]float64(nil), init...)
		for _, a := range seq {
			v, err := Eval(a.n, func(s string) (float64, bool) {
				if s == TimeKey {
					return want[3], true
				}
				i, ok := slot(s)
				if !ok {
					return 0, false
				}
				return want[i], true
			}, funcs)
			if err != nil {
				t.Fatal(err)
			}
			want[a.dst] = v
		}
		for _, noCSE := range []bool{false, true} {
			b := NewBuilder(slot, funcs, 3)
			b.noCSE = noCSE
			for _, a := range seq {
				if err := b.Assign(a.dst, a.n); err != nil {
					t.Fatal(err)
				}
			}
			tape := b.Build()
			for rep := 0; rep < 2; rep++ { // registers persist between runs
				env := append([]float64(nil), init...)
				tape.Run(env)
				for i := range env {
					if !sameFloat(env[i], want[i], 1e-12) {
						var srcs []string
						for _, a := range seq {
							srcs = append(srcs, names[a.dst]+" = "+String(a.n))
						}
						t.Fatalf("noCSE=%v run %d: %s = %v, want %v\n%s\n%s", noCSE, rep, names[i], env[i], want[i], strings.Join(srcs, "\n"), tape)
					}
				}
			}
		}
	}
}

// TestTapeKeepsUntouchedSlots: a tape writing slots 0 and 2 and reading
// neither 1 nor anything else must leave slot 1 alone.
func TestTapeKeepsUntouchedSlots(t *testing.T) {
	b := NewBuilder(slotOf([]string{"x", "y", "z"}), nil, -1)
	if err := b.Assign(0, Must(Parse("1"))); err != nil {
		t.Fatal(err)
	}
	if err := b.Assign(2, Must(Parse("2"))); err != nil {
		t.Fatal(err)
	}
	env := []float64{5, 6, 7}
	b.Build().Run(env)
	if env[0] != 1 || env[1] != 6 || env[2] != 2 {
		t.Errorf("env = %v, want [1 6 2]", env)
	}
}

// TestPowRuntimeExponent: a power whose exponent is a variable takes the
// fast paths (repeated squaring for small integers, square roots for 1/2
// and 1/4) and agrees with math.Pow to 4 ulp (with a 200-bit root for 1/2
// and 1/4), special values exactly.
func TestPowRuntimeExponent(t *testing.T) {
	n, err := Parse("x^n")
	if err != nil {
		t.Fatal(err)
	}
	slots := map[string]int{"x": 0, "n": 1, "y": 2}
	b := NewBuilder(func(s string) (int, bool) { v, ok := slots[s]; return v, ok }, nil, -1)
	if err := b.Assign(2, n); err != nil {
		t.Fatal(err)
	}
	tp := b.Build()
	env := make([]float64, 3)
	inf := math.Inf(1)
	for _, x := range []float64{0, math.Copysign(0, -1), 1e-300, 0.3, 1, 2.5, -2.5, 7e10, 1e300, inf, -inf, math.NaN()} {
		for _, e := range []float64{-16, -3, -1, 1, 2, 3, 4, 16, 17, 0.5, 0.25, -0.5, 1.5, 0, inf} {
			env[0], env[1] = x, e
			tp.Run(env)
			got, want := env[2], math.Pow(x, e)
			if (e == 0.5 || e == 0.25) && x > 0 && x < inf {
				// math.Pow is not correctly rounded (tens of ulp at
				// 1e±300): compare with a 200-bit square root instead.
				r := new(big.Float).SetPrec(200).SetFloat64(x)
				r.Sqrt(r)
				if e == 0.25 {
					r.Sqrt(r)
				}
				want, _ = r.Float64()
			}
			switch {
			case math.IsNaN(want) || math.IsInf(want, 0) || want == 0:
				if !(math.IsNaN(got) && math.IsNaN(want)) && got != want {
					t.Errorf("%g^%g = %g, math.Pow %g", x, e, got, want)
				}
			case math.Abs(got-want) > 4*ulp(want):
				t.Errorf("%g^%g = %g, math.Pow %g (%g ulp)", x, e, got, want, math.Abs(got-want)/ulp(want))
			}
		}
	}
}

func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x
}
