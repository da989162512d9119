package expr

import (
	"fmt"
	"testing"
	"time"
)

// benchModel is a realistic 30-assignment host/microbiome model fragment:
// growth rates modulated by site environment, gLV interaction sums, Hill
// couplings, piecewise interventions and diversity observables.
var benchModel = []struct{ dst, src string }{
	{"r_cut", "r0_cut * exp(-((sebum - 0.8)^2) / (2*0.2^2)) * (1 + 0.1*sin(2*pi*time/365))"},
	{"r_epi", "r0_epi * hill(moist, 0.4, 2) * (1 - 0.3*inflam)"},
	{"r_aur", "r0_aur * (1 + 2*pos(ph - 5.5)) * (1 - barrier)"},
	{"r_cor", "r0_cor * moist / (0.3 + moist)"},
	{"r_mal", "r0_mal * sebum^1.5 / (0.5 + sebum^1.5)"},
	{"int_cut", "a11*cut + a12*epi + a13*aur + a14*cor + a15*mal"},
	{"int_epi", "a21*cut + a22*epi + a23*aur + a24*cor + a25*mal"},
	{"int_aur", "a31*cut + a32*epi + a33*aur + a34*cor + a35*mal"},
	{"int_cor", "a41*cut + a42*epi + a43*aur + a44*cor + a45*mal"},
	{"int_mal", "a51*cut + a52*epi + a53*aur + a54*cor + a55*mal"},
	{"abx", "piecewise(abx_dose, time >= 10 && time < 17, 0)"},
	{"stress", "if(time > 30 && time < 37, 1.5, 0)"},
	{"d_cut", "cut*(r_cut + int_cut - eps1*abx) - shed*cut"},
	{"d_epi", "epi*(r_epi + int_epi - eps2*abx) - shed*epi"},
	{"d_aur", "aur*(r_aur + int_aur - eps3*abx) - shed*aur"},
	{"d_cor", "cor*(r_cor + int_cor - eps4*abx) - shed*cor"},
	{"d_mal", "mal*(r_mal + int_mal - eps5*abx) - shed*mal + inflow"},
	{"total", "cut + epi + aur + cor + mal"},
	{"H", "shannon(cut, epi, aur, cor, mal)"},
	{"D", "simpson(cut, epi, aur, cor, mal)"},
	{"rel_aur", "aur / max(total, 1e-12)"},
	{"damage", "k_dam * hill(aur, K_aur, 2) * (1 - hill(epi, K_epi, 1))"},
	{"d_barrier", "k_rep*(1 - barrier)*(1 - 0.5*hill(cortisol, 2, 2)) - damage*barrier"},
	{"d_inflam", "k_inf*(1 - barrier) + k_perm*perm - k_res*inflam*(1 + treg)"},
	{"d_cortisol", "k_c*(1 + stress)/(1 + (cortisol/4)^3) - k_cd*cortisol"},
	{"d_perm", "k_p*(1 + 2*hill(cortisol, 1.5, 4)) - k_pd*perm*(1 + but)"},
	{"d_treg", "k_t*hill(but, K_but, 1) - k_td*treg"},
	{"d_but", "k_b*butprod/(1 + butprod) - k_bd*but"},
	{"wellbeing", "1 / (1 + exp(-(w0 - w1*inflam - w2*(1 - barrier) - w3*cortisol)))"},
	{"severity", "min(10, 10*(1 - barrier)*(1 + log(1 + aur/K_aur)))"},
}

type benchFixture struct {
	names []string
	index map[string]int
	env   []float64
	nodes []*Node
	dsts  []int
}

func newBenchFixture(tb testing.TB) *benchFixture {
	f := &benchFixture{index: map[string]int{}}
	add := func(s string) int {
		if i, ok := f.index[s]; ok {
			return i
		}
		f.index[s] = len(f.names)
		f.names = append(f.names, s)
		return len(f.names) - 1
	}
	add("time")
	for _, a := range benchModel {
		n, err := Parse(a.src)
		if err != nil {
			tb.Fatal(err)
		}
		f.nodes = append(f.nodes, n)
		for _, v := range Vars(n) {
			add(v)
		}
	}
	for _, a := range benchModel {
		f.dsts = append(f.dsts, add(a.dst))
	}
	f.env = make([]float64, len(f.names))
	for i := range f.env {
		f.env[i] = 0.1 + 0.9*float64(i%7)/7
	}
	f.env[0] = 12.5
	return f
}

// treeWalk evaluates the model the way a naive interpreter does: recursive
// tree walking with map look-ups.
func treeWalk(f *benchFixture, vals map[string]float64) {
	lookup := func(s string) (float64, bool) {
		if s == TimeKey {
			s = "time"
		}
		v, ok := vals[s]
		return v, ok
	}
	for i, n := range f.nodes {
		v, err := Eval(n, lookup, nil)
		if err != nil {
			panic(err)
		}
		vals[benchModel[i].dst] = v
	}
}

func TestBenchModelAgrees(t *testing.T) {
	f := newBenchFixture(t)
	b := NewBuilder(func(s string) (int, bool) { i, ok := f.index[s]; return i, ok }, nil, 0)
	for i, n := range f.nodes {
		if err := b.Assign(f.dsts[i], n); err != nil {
			t.Fatal(err)
		}
	}
	tape := b.Build()
	env := append([]float64(nil), f.env...)
	tape.Run(env)
	vals := map[string]float64{}
	for i, s := range f.names {
		vals[s] = f.env[i]
	}
	treeWalk(f, vals)
	for i, a := range benchModel {
		if got, want := env[f.dsts[i]], vals[a.dst]; !sameFloat(got, want, 1e-14) {
			t.Errorf("%s: tape %v, tree walk %v", a.dst, got, want)
		}
	}
}

func BenchmarkTape(b *testing.B) {
	f := newBenchFixture(b)
	bl := NewBuilder(func(s string) (int, bool) { i, ok := f.index[s]; return i, ok }, nil, 0)
	for i, n := range f.nodes {
		if err := bl.Assign(f.dsts[i], n); err != nil {
			b.Fatal(err)
		}
	}
	tape := bl.Build()
	env := append([]float64(nil), f.env...)
	b.ReportAllocs()
	for b.Loop() {
		tape.Run(env)
	}
	b.ReportMetric(float64(tape.NumInstr()), "instr")
}

func BenchmarkTreeWalk(b *testing.B) {
	f := newBenchFixture(b)
	vals := map[string]float64{}
	for i, s := range f.names {
		vals[s] = f.env[i]
	}
	b.ReportAllocs()
	for b.Loop() {
		treeWalk(f, vals)
	}
}

// BenchmarkTapeVsTreeWalk alternates the two evaluators inside one loop so
// that the reported ratio is robust to load changes on a shared machine.
func BenchmarkTapeVsTreeWalk(b *testing.B) {
	f := newBenchFixture(b)
	bl := NewBuilder(func(s string) (int, bool) { i, ok := f.index[s]; return i, ok }, nil, 0)
	for i, n := range f.nodes {
		if err := bl.Assign(f.dsts[i], n); err != nil {
			b.Fatal(err)
		}
	}
	tape := bl.Build()
	env := append([]float64(nil), f.env...)
	vals := map[string]float64{}
	for i, s := range f.names {
		vals[s] = f.env[i]
	}
	const reps = 10
	var dTape, dWalk time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		for range reps {
			tape.Run(env)
		}
		t1 := time.Now()
		treeWalk(f, vals)
		dWalk += time.Since(t1)
		dTape += t1.Sub(t0)
		n++
	}
	tapeNs := float64(dTape.Nanoseconds()) / float64(n*reps)
	walkNs := float64(dWalk.Nanoseconds()) / float64(n)
	b.ReportMetric(tapeNs, "tape-ns/run")
	b.ReportMetric(walkNs, "walk-ns/run")
	b.ReportMetric(walkNs/tapeNs, "speedup")
}

func ExampleBuilder() {
	names := []string{"time", "x", "k", "rate"}
	slot := func(s string) (int, bool) {
		for i, n := range names {
			if n == s {
				return i, true
			}
		}
		return 0, false
	}
	b := NewBuilder(slot, nil, 0)
	n, err := Parse("-k*x + piecewise(1, t < 2, 0)")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := b.Assign(3, n); err != nil {
		fmt.Println(err)
		return
	}
	tape := b.Build()
	env := []float64{1, 4, 0.5, 0}
	tape.Run(env)
	fmt.Println(env[3])
	// Output: -1
}
