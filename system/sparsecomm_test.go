package system

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// bigCommunity returns a model with one community of k members, each
// interacting with itself and (about) per others, with growth, inflow and
// shedding expressions that read a parameter and a host state.
func bigCommunity(k, per int) *model.Model {
	rng := rand.New(rand.NewPCG(7, uint64(k)))
	num := func(v float64) *model.Parameter {
		return &model.Parameter{Value: v, ValueSet: true, Constant: true, Min: math.NaN(), Max: math.NaN()}
	}
	m := &model.Model{Compartments: []*model.Compartment{{ID: "gut", Size: 1, SizeSet: true, Constant: true}}}
	p := num(0.1)
	p.ID = "shed"
	m.Parameters = append(m.Parameters, p)
	c := &model.Community{ID: "comm", Compartment: "gut", Shedding: expr.Var("shed")}
	seen := map[[2]int]bool{}
	for i := range k {
		id := fmt.Sprintf("s%d", i)
		m.Species = append(m.Species, &model.Species{ID: id, Compartment: "gut", Initial: rng.Float64(), InitialSet: true,
			HasOnlySubstanceUnits: true, NonNegative: true})
		c.Members = append(c.Members, id)
		r := num(0.5 + rng.Float64())
		r.ID = "r" + id
		m.Parameters = append(m.Parameters, r)
		c.Growth = append(c.Growth, expr.New(expr.OpMul, expr.Var(r.ID), expr.Call("exp", expr.New(expr.OpMul, expr.Num(-0.1), expr.Var(id)))))
		var in *expr.Node
		if i%3 == 0 {
			in = expr.Num(1e-4)
		}
		c.Inflow = append(c.Inflow, in)
		for n := 0; n <= per; n++ {
			j := i
			if n > 0 {
				j = rng.IntN(k)
			}
			if seen[[2]int{i, j}] {
				continue
			}
			seen[[2]int{i, j}] = true
			a := num(-rng.Float64())
			a.ID = fmt.Sprintf("a_%d_%d", i, j)
			m.Parameters = append(m.Parameters, a)
			c.Interactions = append(c.Interactions, model.Interaction{Target: id, Source: fmt.Sprintf("s%d", j), Param: a.ID})
		}
	}
	m.Communities = append(m.Communities, c)
	return m
}

// TestSparseCommunity: a large community with few interactions is stored
// sparse (memory and work in the number of interactions, not members²),
// and its right-hand side, Jacobian and generated kernel agree with the
// dense layout.
func TestSparseCommunity(t *testing.T) {
	m := bigCommunity(200, 4)
	sp, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	if !sp.comms[0].sparse || len(sp.aFlat) != len(m.Communities[0].Interactions) {
		t.Fatalf("a 200-member community with %d interactions is not stored sparse (aFlat %d)", len(m.Communities[0].Interactions), len(sp.aFlat))
	}
	de, err := compile(m, compileOptions{denseComm: true})
	if err != nil {
		t.Fatal(err)
	}
	if de.comms[0].sparse {
		t.Fatal("denseComm ignored")
	}
	n := sp.Dim()
	y := make([]float64, n)
	if err := sp.InitialState(y); err != nil {
		t.Fatal(err)
	}
	if err := de.InitialState(make([]float64, n)); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	f1, f2 := make([]float64, n), make([]float64, n)
	j1, j2 := make([]float64, n*n), make([]float64, n*n)
	for trial := range 5 {
		for i := range y {
			y[i] = rng.Float64() * 2
		}
		sp.RHS(1, y, f1)
		de.RHS(1, y, f2)
		for i := range f1 {
			// the dense sums add the zero products too: equal values (a
			// zero's sign aside), equal bits for these positive states
			if math.Float64bits(f1[i]) != math.Float64bits(f2[i]) {
				t.Fatalf("trial %d: RHS[%d] sparse %v, dense %v", trial, i, f1[i], f2[i])
			}
		}
		sp.Jacobian(1, y, j1)
		de.Jacobian(1, y, j2)
		for i := range j1 {
			if j1[i] != j2[i] {
				t.Fatalf("trial %d: Jacobian[%d] sparse %v, dense %v", trial, i, j1[i], j2[i])
			}
		}
	}
	// the generated kernel reads the sparse layout
	var b strings.Builder
	if err := sp.derivsGo(&b, "k"); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Count(b.String(), "float64(a["), len(sp.aFlat); got != want {
		t.Errorf("generated kernel has %d interaction terms, want %d", got, want)
	}
}
