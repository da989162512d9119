package expr

import (
	"math"
	"strings"
	"testing"
)

// TestRunInPlaceBitExact compiles random sequences of assignments (shared
// sub-expressions, inlined functions, self-overwrites, Shannon entropies)
// once for Run and once for RunInPlace, two tapes sharing one environment
// with their scratch registers side by side, and requires the same bits in
// every environment slot, NaNs included, and untouched scratch constants.
func TestRunInPlaceBitExact(t *testing.T) {
	rng := newRand(91)
	names := []string{"x", "y", "z", "time"}
	slot := slotOf(names)
	funcs := map[string]*Func{"g": {Args: []string{"a", "b"}, Body: Must(Parse("pos(a - b)/(a*b + 1) + (a/b)^2"))}}
	for it := 0; it < 1000; it++ {
		build := func() (*Builder, []int, []*Node) {
			b := NewBuilder(slot, funcs, 3)
			var dsts []int
			var nodes []*Node
			for k := 0; k < 1+rng.IntN(5); k++ {
				n := randExpr(rng, 4, []string{"x", "y", "z"})
				switch rng.IntN(4) {
				case 0:
					n = New(OpAdd, n, Call("g", randExpr(rng, 2, []string{"x", "y"}), randExpr(rng, 2, []string{"z", "y"})))
				case 1:
					n = New(OpMul, n, Call("shannon", Var("x"), Var("y"), randExpr(rng, 1, []string{"z"})))
				}
				d := rng.IntN(3)
				if err := b.Assign(d, n); err != nil {
					t.Fatal(err)
				}
				dsts, nodes = append(dsts, d), append(nodes, n)
			}
			return b, dsts, nodes
		}
		b1, _, _ := build()
		b2, _, _ := build()
		ref1, ref2 := b1.Build(), b2.Build()
		base := len(names) + rng.IntN(3) // scratch may start past the env slots
		ip1, err := b1.BuildInPlace(base)
		if err != nil {
			t.Fatal(err)
		}
		ip2, err := b2.BuildInPlace(base + ip1.Scratch())
		if err != nil {
			t.Fatal(err)
		}
		env := make([]float64, base+ip1.Scratch()+ip2.Scratch())
		ip1.Bind(env)
		ip2.Bind(env)
		bound := append([]float64(nil), env...)
		for p := 0; p < 3; p++ {
			init := []float64{rng.Float64()*6 - 3, rng.Float64()*6 - 3, float64(rng.IntN(5) - 2), rng.Float64() * 5}
			want := append([]float64(nil), init...)
			ref1.Run(want)
			ref2.Run(want)
			copy(env, init)
			ip1.RunInPlace(env)
			ip2.RunInPlace(env)
			for i := range want {
				if math.Float64bits(env[i]) != math.Float64bits(want[i]) && !(math.IsNaN(env[i]) && math.IsNaN(want[i])) {
					t.Fatalf("slot %d at %v: in place %v, Run %v\n%s%s", i, init, env[i], want[i], ref1, ref2)
				}
			}
			for i := base; i < base+ip1.nconst; i++ {
				if math.Float64bits(env[i]) != math.Float64bits(bound[i]) {
					t.Fatalf("constant register %d overwritten", i)
				}
			}
		}
	}
}

// TestBuildInPlaceErrors checks the refusals of BuildInPlace, Bind and
// RunInPlace.
func TestBuildInPlaceErrors(t *testing.T) {
	b := NewBuilder(slotOf([]string{"x", "y", "z"}), nil, -1)
	if err := b.Assign(2, Must(Parse("x*y + 3"))); err != nil {
		t.Fatal(err)
	}
	if _, err := b.BuildInPlace(2); err == nil || !strings.Contains(err.Error(), "overlaps") {
		t.Errorf("base 2 inside the env slots 0..2: err = %v", err)
	}
	if _, err := b.BuildInPlace(-1); err == nil {
		t.Error("negative base accepted")
	}
	tp, err := b.BuildInPlace(3)
	if err != nil {
		t.Fatal(err)
	}
	env := make([]float64, 3+tp.Scratch())
	tp.Bind(env)
	env[0], env[1] = 2, 5
	tp.RunInPlace(env)
	if env[2] != 13 {
		t.Errorf("x*y + 3 = %v, want 13", env[2])
	}
	mustPanic(t, "RunInPlace on a short env", func() { tp.RunInPlace(env[:len(env)-1]) })
	mustPanic(t, "Bind on a short env", func() { tp.Bind(env[:3]) })
	plain := b.Build()
	mustPanic(t, "RunInPlace of a tape not built in place", func() { plain.RunInPlace(env) })
	mustPanic(t, "Bind of a tape not built in place", func() { plain.Bind(env) })
	// Run works on an in-place tape too, on the env slots alone
	e := []float64{2, 5, 0}
	tp.Run(e)
	if e[2] != 13 {
		t.Errorf("Run of an in-place tape: %v, want 13", e[2])
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

// TestHillSplitBitExact: hill(x, K, n) compiled whole and split into
// kn = HillPower(K, n), computed by one tape into an env slot, and
// HillGiven(x, kn, n), computed by another, give the same bits for
// constant small-integer, constant non-integer and variable coefficients,
// including zero, negative, infinite and NaN arguments; Eval of the split
// form agrees with the tape.
func TestHillSplitBitExact(t *testing.T) {
	names := []string{"x", "K", "n", "kn", "out"}
	slot := slotOf(names)
	vals := []float64{0, math.Copysign(0, -1), 1e-300, 0.3, 1, 2.5, 7, 1e10, -0.4, -3, math.Inf(1), math.Inf(-1), math.NaN()}
	coefs := []*Node{Num(1), Num(2), Num(3), Num(4), Num(5), Num(-2), Num(16), Num(17), Num(0.5), Num(2.7), Num(0), Var("n"), Must(Parse("n + 1"))}
	for _, c := range coefs {
		whole := NewBuilder(slot, nil, -1)
		if err := whole.Assign(4, Call("hill", Var("x"), Var("K"), c)); err != nil {
			t.Fatal(err)
		}
		pw, given := NewBuilder(slot, nil, -1), NewBuilder(slot, nil, -1)
		if err := pw.Assign(3, HillPower(Var("K"), c)); err != nil {
			t.Fatal(err)
		}
		if err := given.Assign(4, HillGiven(Var("x"), Var("kn"), c)); err != nil {
			t.Fatal(err)
		}
		tw, tp, tg := whole.Build(), pw.Build(), given.Build()
		for _, x := range vals {
			for _, k := range vals {
				for _, n := range []float64{2, 2.7, -1, 0.5} {
					e1 := []float64{x, k, n, 0, 0}
					tw.Run(e1)
					e2 := []float64{x, k, n, 0, 0}
					tp.Run(e2)
					tg.Run(e2)
					if math.Float64bits(e1[4]) != math.Float64bits(e2[4]) && !(math.IsNaN(e1[4]) && math.IsNaN(e2[4])) {
						t.Fatalf("hill(%v, %v, %s) with n=%v: whole %v, split %v\n%s%s%s", x, k, String(c), n, e1[4], e2[4], tw, tp, tg)
					}
					lookup := func(s string) (float64, bool) {
						i, ok := slot(s)
						if !ok {
							return 0, false
						}
						return e2[i], true
					}
					v, err := Eval(HillGiven(Var("x"), HillPower(Var("K"), c), c), lookup, nil)
					if err != nil {
						t.Fatal(err)
					}
					if math.Float64bits(v) != math.Float64bits(e2[4]) && !(math.IsNaN(v) && math.IsNaN(e2[4])) {
						t.Fatalf("Eval of the split hill(%v, %v, %s) with n=%v: %v, tape %v", x, k, String(c), n, v, e2[4])
					}
				}
			}
		}
	}
	for _, name := range Builtins() {
		if strings.Contains(name, ":") {
			t.Errorf("Builtins lists the internal %q", name)
		}
	}
}
