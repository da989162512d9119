package expr

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// rhsFixture is the right-hand-side tape of the default gut-skin-brain model
// (testdata/default_rhs.txt: the assignments that system compiles for one
// RHS evaluation, with user functions inlined and the hoisted constants _const.N renamed
// _const_N, and the environment at the
// first evaluation of a 365-day run). Lines are "slot <i> <name|-> <value>"
// and "assign <slot> <expression>". It was recorded once (from HEAD 992956d)
// by a throwaway instrumented copy of system/tape.go that printed each
// builder's assignments (expr.String of expr.Inline) and the env of the
// tape's first Run; regenerate it the same way when the default model
// changes. Its values are inputs only: the test's expected values come from
// Eval.
type rhsFixture struct {
	env    []float64
	index  map[string]int
	dsts   []int
	nodes  []*Node
	source []string
}

func loadRHSFixture(tb testing.TB) *rhsFixture {
	tb.Helper()
	f, err := os.Open("testdata/default_rhs.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	fx := &rhsFixture{index: map[string]int{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		kind, rest, _ := strings.Cut(sc.Text(), " ")
		switch kind {
		case "slot":
			fs := strings.Fields(rest)
			if len(fs) != 3 {
				tb.Fatalf("line %d: want slot i name value", line)
			}
			i, err1 := strconv.Atoi(fs[0])
			v, err2 := strconv.ParseFloat(fs[2], 64)
			if err1 != nil || err2 != nil || i != len(fx.env) {
				tb.Fatalf("line %d: bad slot line", line)
			}
			fx.env = append(fx.env, v)
			if fs[1] != "-" {
				fx.index[fs[1]] = i
			}
		case "assign":
			ds, src, _ := strings.Cut(rest, " ")
			d, err := strconv.Atoi(ds)
			if err != nil {
				tb.Fatalf("line %d: %v", line, err)
			}
			n, err := Parse(src)
			if err != nil {
				tb.Fatalf("line %d: %v", line, err)
			}
			fx.dsts = append(fx.dsts, d)
			fx.nodes = append(fx.nodes, n)
			fx.source = append(fx.source, src)
		default:
			tb.Fatalf("line %d: unknown line kind %q", line, kind)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return fx
}

func (fx *rhsFixture) tape(tb testing.TB, noCSE, noFuse bool) *Tape {
	tb.Helper()
	b := NewBuilder(func(s string) (int, bool) { i, ok := fx.index[s]; return i, ok }, nil, 0)
	b.noCSE, b.noFuse = noCSE, noFuse
	for i, n := range fx.nodes {
		if err := b.Assign(fx.dsts[i], n); err != nil {
			tb.Fatalf("assign %d %s: %v", fx.dsts[i], fx.source[i], err)
		}
	}
	return b.Build()
}

// tapeInPlace builds the fused tape for RunInPlace with its scratch
// registers from slot base.
func (fx *rhsFixture) tapeInPlace(tb testing.TB, base int) *Tape {
	tb.Helper()
	b := NewBuilder(func(s string) (int, bool) { i, ok := fx.index[s]; return i, ok }, nil, 0)
	for i, n := range fx.nodes {
		if err := b.Assign(fx.dsts[i], n); err != nil {
			tb.Fatalf("assign %d %s: %v", fx.dsts[i], fx.source[i], err)
		}
	}
	t, err := b.BuildInPlace(base)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// TestDefaultRHSTape checks the default model's RHS tape, with and without
// superinstructions and common sub-expressions, against Eval applied to
// the assignments in order, at the recorded state and at perturbed ones.
// The superinstructions must not change a single bit.
func TestDefaultRHSTape(t *testing.T) {
	fx := loadRHSFixture(t)
	fused := fx.tape(t, false, false)
	plain := fx.tape(t, false, true)
	noCSE := fx.tape(t, true, true)
	if fused.NumInstr() >= plain.NumInstr() {
		t.Errorf("superinstructions: %d instructions, want fewer than %d", fused.NumInstr(), plain.NumInstr())
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for k := 0; k < 20; k++ {
		env := append([]float64(nil), fx.env...)
		if k > 0 {
			for i := range env {
				env[i] *= 1 + 0.2*(rng.Float64()-0.5)
			}
		}
		want := append([]float64(nil), env...)
		for i, n := range fx.nodes {
			v, err := Eval(n, func(s string) (float64, bool) {
				if s == TimeKey {
					return want[0], true
				}
				j, ok := fx.index[s]
				if !ok {
					return 0, false
				}
				return want[j], true
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			want[fx.dsts[i]] = v
		}
		ef, ep, en := append([]float64(nil), env...), append([]float64(nil), env...), append([]float64(nil), env...)
		fused.Run(ef)
		plain.Run(ep)
		noCSE.Run(en)
		for i := range env {
			if math.Float64bits(ef[i]) != math.Float64bits(ep[i]) {
				t.Fatalf("state %d, slot %d: fused %v, plain %v", k, i, ef[i], ep[i])
			}
			if !sameFloat(ef[i], want[i], 1e-12) || !sameFloat(en[i], want[i], 1e-12) {
				t.Fatalf("state %d, slot %d: tape %v, without CSE %v, Eval %v", k, i, ef[i], en[i], want[i])
			}
		}
	}
}

// BenchmarkDefaultRHSTape times one Tape.Run of the default model's RHS
// tape (the solver's inner kernel) with superinstructions ("fused") and
// without ("plain"), and one RunInPlace of the fused tape ("inplace", as
// package system runs it: no copy of the environment in and out).
func BenchmarkDefaultRHSTape(b *testing.B) {
	fx := loadRHSFixture(b)
	for _, bc := range []struct {
		name    string
		noFuse  bool
		inPlace bool
	}{{"fused", false, false}, {"plain", true, false}, {"inplace", false, true}} {
		b.Run(bc.name, func(b *testing.B) {
			tape := fx.tape(b, false, bc.noFuse)
			env := append([]float64(nil), fx.env...)
			run := tape.Run
			if bc.inPlace {
				tape = fx.tapeInPlace(b, len(env))
				env = append(env, make([]float64, tape.Scratch())...)
				tape.Bind(env)
				run = tape.RunInPlace
			}
			b.ReportAllocs()
			cpu0 := testutil.CPUSeconds()
			for b.Loop() {
				run(env)
			}
			// CPU time of this process per run: on a shared machine wall
			// time overstates the cost per core.
			b.ReportMetric((testutil.CPUSeconds()-cpu0)*1e9/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(tape.NumInstr()), "instr")
		})
	}
}
