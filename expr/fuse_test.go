package expr

import (
	"math"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/fmath"
)

// TestFuseBitExact compiles random sequences of assignments (with shared
// sub-expressions, inlined functions and assignments that overwrite their
// own inputs) with and without superinstructions and requires bit-identical
// results, NaNs included.
func TestFuseBitExact(t *testing.T) {
	rng := newRand(77)
	names := []string{"x", "y", "z", "time"}
	slot := slotOf(names)
	funcs := map[string]*Func{"g": {Args: []string{"a", "b"}, Body: Must(Parse("pos(a - b)/(a*b + 1) + (a/b)^2"))}}
	fused := 0
	for it := 0; it < 2000; it++ {
		var dsts []int
		var nodes []*Node
		for k := 0; k < 1+rng.IntN(5); k++ {
			n := randExpr(rng, 4, []string{"x", "y", "z"})
			if rng.IntN(3) == 0 {
				n = New(OpAdd, n, Call("g", randExpr(rng, 2, []string{"x", "y"}), randExpr(rng, 2, []string{"z", "y"})))
			}
			if rng.IntN(4) == 0 {
				n = Call("pos", New(OpSub, n, Var("x")))
			}
			dsts = append(dsts, rng.IntN(3))
			nodes = append(nodes, n)
		}
		var tapes [2]*Tape
		for i, noFuse := range []bool{false, true} {
			b := NewBuilder(slot, funcs, 3)
			b.noFuse = noFuse
			for k, n := range nodes {
				if err := b.Assign(dsts[k], n); err != nil {
					t.Fatal(err)
				}
			}
			tapes[i] = b.Build()
		}
		if tapes[0].NumInstr() < tapes[1].NumInstr() {
			fused++
		}
		for p := 0; p < 3; p++ {
			init := []float64{rng.Float64()*6 - 3, rng.Float64()*6 - 3, float64(rng.IntN(5) - 2), rng.Float64() * 5}
			e0, e1 := append([]float64(nil), init...), append([]float64(nil), init...)
			tapes[0].Run(e0)
			tapes[1].Run(e1)
			for i := range e0 {
				if math.Float64bits(e0[i]) != math.Float64bits(e1[i]) && !(math.IsNaN(e0[i]) && math.IsNaN(e1[i])) {
					t.Fatalf("slot %d at %v: fused %v, plain %v\nfused:\n%splain:\n%s", i, init, e0[i], e1[i], tapes[0], tapes[1])
				}
			}
		}
	}
	if fused < 1000 {
		t.Errorf("only %d of 2000 tapes have superinstructions", fused)
	}
}

// TestFusePatterns checks which instruction pairs become one.
func TestFusePatterns(t *testing.T) {
	names := []string{"x", "y", "z", "w", "out", "time"}
	slot := slotOf(names)
	for _, c := range []struct {
		src  string
		want string // mnemonics, one per instruction
	}{
		{"x*y + z", "mul.add"},
		{"z + x*y", "muladd"},
		{"1 + x*y", "mul.add"},
		{"(x + y)/z", "add.div"},
		{"z/(x + y)", "add.divr"},
		{"z - x/y", "div.subr"},
		{"(x - y)*z", "sub.mul"},
		{"x*y*z", "mul.mul"},
		{"pos(x - 1)", "sub.pos"},
		{"(x/y)^z", "div.pow"},
		{"-(x/y)", "div.neg"},
		{"z/x^2", "mul.divr"},
		{"(x + y)/(z + w)", "add add.divr"},
		{"(x + y)*(x + y)", "add mul"},   // the temporary is read twice
		{"sin(x + y)", "add sin"},        // no fused form
		{"(x + y)/z + w", "add.div add"}, // only a multiply-add fuses again
		{"(x*y + z)/w", "muladd.div"},
		{"w/(z - x*y)", "mulsub.divr"},
		{"(z + x*y)*w", "muladd.mul"},
	} {
		b := NewBuilder(slot, nil, 5)
		if err := b.Assign(4, Must(Parse(c.src))); err != nil {
			t.Fatal(err)
		}
		tape := b.Build()
		var ops []string
		for _, line := range strings.Split(strings.TrimSpace(tape.String()), "\n") {
			ops = append(ops, strings.Fields(line)[0])
		}
		if got := strings.Join(ops, " "); got != c.want {
			t.Errorf("%s: %s, want %s\n%s", c.src, got, c.want, tape)
		}
	}
}

// TestHillSmallCoefficients checks the unrolled Hill coefficients 2 and 4
// (and 3, by powi) against hill evaluated with math.Pow.
func TestHillSmallCoefficients(t *testing.T) {
	rng := newRand(5)
	names := []string{"x", "k", "out", "time"}
	slot := slotOf(names)
	for _, n := range []int{2, 3, 4} {
		b := NewBuilder(slot, nil, 3)
		if err := b.Assign(2, Call("hill", Var("x"), Var("k"), Num(float64(n)))); err != nil {
			t.Fatal(err)
		}
		tape := b.Build()
		if !strings.HasPrefix(tape.String(), "hilli") {
			t.Fatalf("n=%d: %s", n, tape)
		}
		for range 200 {
			x, k := rng.Float64()*10, rng.Float64()*10
			env := []float64{x, k, 0, 0}
			tape.Run(env)
			if want := fmath.Hill(x, k, float64(n)); !sameFloat(env[2], want, 4e-16*float64(n)) {
				t.Errorf("hill(%v, %v, %d) = %v, want %v", x, k, n, env[2], want)
			}
		}
	}
}
