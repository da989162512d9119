package sim

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/system"
)

func mustParse(t testing.TB, s string) *expr.Node {
	t.Helper()
	n, err := expr.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return n
}

func param(id string, v float64) *model.Parameter {
	return &model.Parameter{ID: id, Value: v, ValueSet: true, Constant: true, Min: math.NaN(), Max: math.NaN()}
}

// decayModel: x' = -k x via a rate rule on a parameter-like species.
func decayModel(t testing.TB) *model.Model {
	return &model.Model{
		ID:           "decay",
		Compartments: []*model.Compartment{{ID: "c", Size: 1, SizeSet: true, Constant: true}},
		Species:      []*model.Species{{ID: "x", Compartment: "c", Initial: 2, InitialSet: true, HasOnlySubstanceUnits: true}},
		Parameters:   []*model.Parameter{param("k", 0.5)},
		Rules:        []*model.Rule{{Kind: model.RateRule, Variable: "x", Math: mustParse(t, "-k*x")}},
	}
}

func compile(t testing.TB, m *model.Model) *system.System {
	t.Helper()
	s, err := system.Compile(m)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return s
}

func col(tr *Trajectory, name string) []float64 {
	for j, n := range tr.Names {
		if n == name {
			out := make([]float64, len(tr.Times))
			for k := range tr.Times {
				out[k] = tr.Values[k][j]
			}
			return out
		}
	}
	return nil
}

func TestExponentialDecay(t *testing.T) {
	s := compile(t, decayModel(t))
	for _, method := range []ode.Method{ode.DOPRI5, ode.Rodas4} {
		tr, err := Run(context.Background(), s, nil, Options{Start: 0, End: 10, ODE: ode.Options{Method: method, RTol: 1e-9, ATol: 1e-12}})
		if err != nil {
			t.Fatal(err)
		}
		if !tr.Complete || len(tr.Times) != 11 {
			t.Fatalf("%v: complete=%v rows=%d, want 11", method, tr.Complete, len(tr.Times))
		}
		x := col(tr, "x")
		for k, tt := range tr.Times {
			want := 2 * math.Exp(-0.5*tt)
			// tolerance: 1e-7 relative at rtol 1e-9
			if math.Abs(x[k]-want) > 1e-7*want {
				t.Errorf("%v: x(%g) = %.12g, want %.12g", method, tt, x[k], want)
			}
		}
	}
}

// logisticModel: a reaction-based logistic growth of N in a compartment of
// size 2, with N a concentration: d[N]/dt = r N (1 - N/K).
func logisticModel(t testing.TB) *model.Model {
	return &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 2, SizeSet: true, Constant: true}},
		Species:      []*model.Species{{ID: "N", Compartment: "c", Initial: 0.1, InitialSet: true, InitialIsConcentration: true}},
		Parameters:   []*model.Parameter{param("r", 1.5), param("K", 10)},
		Reactions: []*model.Reaction{{
			ID:       "growth",
			Products: []model.SpeciesRef{{Species: "N", Stoichiometry: 1}},
			Rate:     mustParse(t, "c*r*N*(1-N/K)"), // substance per time
		}},
	}
}

func TestLogisticReaction(t *testing.T) {
	s := compile(t, logisticModel(t))
	tr, err := Run(context.Background(), s, nil, Options{Start: 0, End: 8, OutputTimes: []float64{0, 0.5, 1, 2, 4, 8}, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	n := col(tr, "N")
	for k, tt := range tr.Times {
		want := 10 / (1 + (10/0.1-1)*math.Exp(-1.5*tt))
		if math.Abs(n[k]-want) > 1e-7*want {
			t.Errorf("N(%g) = %.12g, want %.12g", tt, n[k], want)
		}
	}
	// amounts: N is a concentration in a compartment of size 2
	y := make([]float64, s.Dim())
	if err := s.InitialState(y); err != nil {
		t.Fatal(err)
	}
	if math.Abs(y[0]-0.2) > 1e-15 {
		t.Errorf("initial amount %g, want 0.2", y[0])
	}
}

func TestBolusAndSwitchedInput(t *testing.T) {
	// x' = u - k x, u switched to 3 on [2, 5); bolus +1 at t = 6.
	m := &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 1, SizeSet: true, Constant: true}},
		Species:      []*model.Species{{ID: "x", Compartment: "c", Initial: 0, InitialSet: true}},
		Parameters:   []*model.Parameter{param("k", 1)},
		Inputs:       []*model.Input{{ID: "u", Default: 0}},
		Rules:        []*model.Rule{{Kind: model.RateRule, Variable: "x", Math: mustParse(t, "u - k*x")}},
	}
	s := compile(t, m)
	sched := &Schedule{
		Signals: []Signal{{Input: "u", Pieces: []Piece{{Start: 2, End: 4, Value: 1}, {Start: 3, End: 5, Value: 2}}}},
		Boluses: []Bolus{{Time: 6, Target: "x", Op: "add", Value: 1}},
	}
	out := []float64{0, 1, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 7, 8}
	tr, err := Run(context.Background(), s, sched, Options{Start: 0, End: 8, OutputTimes: out, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	// exact solution, piece by piece: u = 1 on [2,3), 3 on [3,4), 2 on [4,5)
	exact := func(tt float64) float64 {
		x := 0.0
		seg := []struct{ a, b, u float64 }{{2, 3, 1}, {3, 4, 3}, {4, 5, 2}, {5, 6, 0}, {6, 8, 0}}
		for _, sg := range seg {
			if tt <= sg.a {
				break
			}
			end := math.Min(tt, sg.b)
			x = sg.u + (x-sg.u)*math.Exp(-(end-sg.a))
			if tt >= sg.b && sg.b == 6 {
				x += 1 // bolus at 6, recorded after the bolus
			}
		}
		return x
	}
	x := col(tr, "x")
	for k, tt := range tr.Times {
		if want := exact(tt); math.Abs(x[k]-want) > 1e-8 {
			t.Errorf("x(%g) = %.10g, want %.10g", tt, x[k], want)
		}
	}
}

func TestAssignmentRuleCycle(t *testing.T) {
	m := decayModel(t)
	m.Parameters = append(m.Parameters, &model.Parameter{ID: "a", Min: math.NaN(), Max: math.NaN()}, &model.Parameter{ID: "b", Min: math.NaN(), Max: math.NaN()})
	m.Rules = append(m.Rules,
		&model.Rule{Kind: model.AssignmentRule, Variable: "a", Math: mustParse(t, "b+1"), Src: model.Source{File: "m.yaml", Line: 3, Col: 5}},
		&model.Rule{Kind: model.AssignmentRule, Variable: "b", Math: mustParse(t, "a*2")})
	_, err := system.Compile(m)
	if err == nil || !strings.Contains(err.Error(), "cycle") || !strings.Contains(err.Error(), "a -> b -> a") || !strings.Contains(err.Error(), "m.yaml:3:5") {
		t.Fatalf("got %v, want a cycle error naming a -> b -> a at m.yaml:3:5", err)
	}
}

func TestNonFiniteError(t *testing.T) {
	// x' = x^2 blows up at t = 1 for x(0) = 1.
	m := decayModel(t)
	m.Species[0].Initial = 1
	m.Species = append(m.Species, &model.Species{ID: "z", Compartment: "c", Initial: 1, InitialSet: true})
	m.Rules = []*model.Rule{
		{Kind: model.RateRule, Variable: "z", Math: mustParse(t, "-z")},
		{Kind: model.RateRule, Variable: "x", Math: mustParse(t, "x^2")},
	}
	s := compile(t, m)
	tr, err := Run(context.Background(), s, nil, Options{Start: 0, End: 2, OutputTimes: []float64{0, 0.5, 0.9, 1.5, 2}})
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want *sim.Error", err)
	}
	if se.T < 0.9 || se.T > 1.01 {
		t.Errorf("failure time %g, want about 1", se.T)
	}
	if tr == nil || tr.Complete || len(tr.Times) != 3 {
		t.Fatalf("partial trajectory: %+v", tr)
	}
	if se.Variable != "" && se.Variable != "x" {
		t.Errorf("variable %q, want x", se.Variable)
	}
}

// gLV community: two species, analytic steady state, plus extinction.
func glvModel(t testing.TB) *model.Model {
	return &model.Model{
		Compartments: []*model.Compartment{{ID: "gut", Size: 1, SizeSet: true, Constant: true}},
		Species: []*model.Species{
			{ID: "A", Compartment: "gut", Initial: 0.1, InitialSet: true},
			{ID: "B", Compartment: "gut", Initial: 0.2, InitialSet: true},
		},
		Parameters: []*model.Parameter{param("rA", 1), param("rB", 0.8), param("aAA", -1), param("aBB", -1), param("aAB", -0.5), param("aBA", -0.2), param("d", 0.1)},
		Communities: []*model.Community{{
			ID: "gutc", Compartment: "gut", Members: []string{"A", "B"},
			Growth:   []*expr.Node{mustParse(t, "rA"), mustParse(t, "rB")},
			Shedding: mustParse(t, "d"),
			Interactions: []model.Interaction{
				{Target: "A", Source: "A", Param: "aAA"}, {Target: "B", Source: "B", Param: "aBB"},
				{Target: "A", Source: "B", Param: "aAB"}, {Target: "B", Source: "A", Param: "aBA"},
			},
		}},
		Observables: []*model.Observable{
			{ID: "fracA", Math: mustParse(t, "A/(A+B)")},
			{ID: "dys", Kind: "dysbiosis", Members: []string{"A", "B"}},
		},
	}
}

func TestCommunitySteadyState(t *testing.T) {
	s := compile(t, glvModel(t))
	tr, err := Run(context.Background(), s, nil, Options{Start: 0, End: 200, OutputTimes: []float64{0, 200}, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	// steady state: (r - d) + A x = 0  =>  [-1 -0.5; -0.2 -1] x = -[0.9; 0.7]
	det := 1 - 0.1
	wantA := (0.9*1 - 0.5*0.7) / det
	wantB := (1*0.7 - 0.2*0.9) / det
	a, b := col(tr, "A"), col(tr, "B")
	if math.Abs(a[1]-wantA) > 1e-7 || math.Abs(b[1]-wantB) > 1e-7 {
		t.Errorf("steady state (%g, %g), want (%g, %g)", a[1], b[1], wantA, wantB)
	}
	fa, dys := col(tr, "fracA"), col(tr, "dys")
	if math.Abs(fa[1]-wantA/(wantA+wantB)) > 1e-7 {
		t.Errorf("fracA %g", fa[1])
	}
	// Bray–Curtis on relative composition: 0.5 Σ|p - q|
	p0 := 0.1 / 0.3
	p1 := wantA / (wantA + wantB)
	if dys[0] != 0 || math.Abs(dys[1]-math.Abs(p1-p0)) > 1e-7 {
		t.Errorf("dysbiosis %v, want [0 %g]", dys, math.Abs(p1-p0))
	}
	// SetParameter changes the interaction matrix.
	if err := s.SetParameter("aAB", 0); err != nil {
		t.Fatal(err)
	}
	tr, err = Run(context.Background(), s, nil, Options{Start: 0, End: 200, OutputTimes: []float64{200}, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	if a := col(tr, "A"); math.Abs(a[0]-0.9) > 1e-7 {
		t.Errorf("with aAB = 0, A* = %g, want 0.9", a[0])
	}
	if err := s.SetParameter("nope", 1); err == nil {
		t.Error("SetParameter of an unknown id succeeded")
	}
}

func TestExtinctionThreshold(t *testing.T) {
	m := glvModel(t)
	// B is driven out by an antibiotic input (kill rate u); below 1e-3 it is
	// zero and stays zero.
	m.Inputs = []*model.Input{{ID: "u", Default: 0}}
	m.Communities[0].Growth[1] = mustParse(t, "rB - u")
	m.Communities[0].ExtinctionThreshold = 1e-3
	s := compile(t, m)
	sched := &Schedule{Signals: []Signal{{Input: "u", Pieces: []Piece{{Start: 10, End: 30, Value: 5}}}}}
	tr, err := Run(context.Background(), s, sched, Options{Start: 0, End: 60, ODE: ode.Options{RTol: 1e-8, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	b := col(tr, "B")
	if b[9] < 0.1 {
		t.Fatalf("B(9) = %g, want established", b[9])
	}
	for k := 12; k < len(b); k++ {
		if b[k] != 0 {
			t.Fatalf("B(%g) = %g, want exactly 0 after extinction", tr.Times[k], b[k])
		}
	}
	if a := col(tr, "A"); math.Abs(a[60]-0.9) > 1e-6 {
		t.Errorf("A(60) = %g, want 0.9 (B extinct)", a[60])
	}
}

func TestEventsSimple(t *testing.T) {
	// x' = 1, event when x > 2: x = 0 (a sawtooth). Delayed event at
	// time >= 5 with delay 0.5 sets k = 2 (x' = k afterwards).
	m := &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 1, SizeSet: true, Constant: true}},
		Parameters:   []*model.Parameter{{ID: "x", Value: 0, ValueSet: true, Min: math.NaN(), Max: math.NaN()}, {ID: "k", Value: 1, ValueSet: true, Min: math.NaN(), Max: math.NaN()}},
		Rules:        []*model.Rule{{Kind: model.RateRule, Variable: "x", Math: mustParse(t, "k")}},
		Events: []*model.Event{
			{ID: "reset", Trigger: mustParse(t, "x > 2"), Persistent: true, InitialValue: true, Assignments: []model.EventAssignment{{Variable: "x", Math: expr.Num(0)}}},
			{ID: "speed", Trigger: mustParse(t, "time >= 5"), Delay: expr.Num(0.5), Persistent: true, InitialValue: true, Assignments: []model.EventAssignment{{Variable: "k", Math: expr.Num(2)}}},
		},
	}
	s := compile(t, m)
	tr, err := Run(context.Background(), s, nil, Options{Start: 0, End: 7, OutputTimes: []float64{1, 3, 4.5, 5.5, 6, 6.5, 7}, ODE: ode.Options{RTol: 1e-9, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	// x resets at 2, 4, then grows at 1 until 5.5 (x = 1.5), then at 2:
	// x = 1.5 + 2(t-5.5) hits 2 at 5.75 -> 0, then hits 2 at 6.75 -> 0.
	want := []float64{1, 1, 0.5, 1.5, 0.5, 1.5, 0.5}
	x := col(tr, "x")
	for k := range want {
		if math.Abs(x[k]-want[k]) > 1e-6 {
			t.Errorf("x(%g) = %g, want %g", tr.Times[k], x[k], want[k])
		}
	}
}

func bigModel(tb testing.TB, n int) *model.Model {
	m := &model.Model{Compartments: []*model.Compartment{{ID: "gut", Size: 1, SizeSet: true, Constant: true}}}
	cm := &model.Community{ID: "c", Compartment: "gut"}
	for i := 0; i < n/2; i++ {
		id := "s" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		m.Species = append(m.Species, &model.Species{ID: id, Compartment: "gut", Initial: 0.1, InitialSet: true})
		m.Parameters = append(m.Parameters, param("r_"+id, 0.5+0.01*float64(i)), param("a_"+id, -1))
		cm.Members = append(cm.Members, id)
		cm.Growth = append(cm.Growth, mustParse(tb, "r_"+id+" * hill(h0, 1, 2) - 0.1*u"))
		cm.Interactions = append(cm.Interactions, model.Interaction{Target: id, Source: id, Param: "a_" + id})
		if i > 0 {
			prev := cm.Members[i-1]
			m.Parameters = append(m.Parameters, param("b_"+id, -0.1))
			cm.Interactions = append(cm.Interactions, model.Interaction{Target: id, Source: prev, Param: "b_" + id})
		}
	}
	m.Communities = []*model.Community{cm}
	m.Inputs = []*model.Input{{ID: "u"}}
	for i := 0; i < n-n/2; i++ {
		id := "h" + string(rune('0'+i%10)) + string(rune('a'+i/10))
		if i == 0 {
			id = "h0"
		}
		m.Parameters = append(m.Parameters, &model.Parameter{ID: id, Value: 1, ValueSet: true, Min: math.NaN(), Max: math.NaN()})
		src := cm.Members[i%len(cm.Members)]
		m.Rules = append(m.Rules, &model.Rule{Kind: model.RateRule, Variable: id, Math: mustParse(tb, "0.5*("+src+"*2 + u - "+id+") + sin(time)*0.01")})
	}
	return m
}

func BenchmarkRHS(b *testing.B) {
	s := compile(b, bigModel(b, 40))
	if s.Dim() != 40 {
		b.Fatalf("dim %d", s.Dim())
	}
	y := make([]float64, s.Dim())
	dy := make([]float64, s.Dim())
	if err := s.InitialState(y); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.RHS(float64(i)*1e-6, y, dy)
	}
}

func TestRHSZeroAllocs(t *testing.T) {
	s := compile(t, bigModel(t, 40))
	y := make([]float64, s.Dim())
	dy := make([]float64, s.Dim())
	jac := make([]float64, s.Dim()*s.Dim())
	if err := s.InitialState(y); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(100, func() { s.RHS(0.5, y, dy) }); a != 0 {
		t.Errorf("RHS allocates %v per call", a)
	}
	if a := testing.AllocsPerRun(10, func() { s.Jacobian(0.5, y, jac) }); a != 0 {
		t.Errorf("Jacobian allocates %v per call", a)
	}
	// Jacobian against a central-difference check of a diagonal entry
	// (first community member: d/dx of x(g + a x) = g + 2 a x with
	// g = 0.5·hill(1, 1, 2) = 0.25, a = -1).
	j00 := jac[0]
	want := 0.5*0.5 + 2*(-1)*y[0]
	if math.Abs(j00-want) > 1e-6 {
		t.Errorf("J[0][0] = %g, want %g", j00, want)
	}
}

func TestCloneIndependent(t *testing.T) {
	s := compile(t, glvModel(t))
	c := s.Clone()
	if err := c.SetParameter("rA", 2); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Parameter("rA"); v != 1 {
		t.Errorf("original rA = %g after changing the clone", v)
	}
}

// TestJacobianAnalytic: the analytic Jacobian agrees with central
// differences of the RHS (|Δ| ≤ 1e-6·(1 + |J|)) on the 40-state test model
// (community block with hill() growth, rate rules with sin(time)) and on
// the gLV model with extinction threshold and inputs.
func TestJacobianAnalytic(t *testing.T) {
	for name, m := range map[string]*model.Model{"big": bigModel(t, 40), "glv": glvModel(t), "logistic": logisticModel(t)} {
		s := compile(t, m)
		if !s.AnalyticJacobian() {
			t.Errorf("%s: Jacobian is not analytic", name)
			continue
		}
		n := s.Dim()
		y := make([]float64, n)
		s.InitialState(y)
		for i := range y {
			y[i] *= 1 + 0.1*float64(i%3)
		}
		ja := make([]float64, n*n)
		s.Jacobian(0.7, y, ja)
		// central differences
		yp := append([]float64(nil), y...)
		fp, fm := make([]float64, n), make([]float64, n)
		for j := 0; j < n; j++ {
			h := 1e-6 * math.Max(1, math.Abs(y[j]))
			yp[j] = y[j] + h
			s.RHS(0.7, yp, fp)
			yp[j] = y[j] - h
			s.RHS(0.7, yp, fm)
			yp[j] = y[j]
			for i := 0; i < n; i++ {
				cd := (fp[i] - fm[i]) / (2 * h)
				if a := ja[i*n+j]; math.Abs(a-cd) > 1e-6*(1+math.Abs(a)) {
					t.Errorf("%s: J[%d][%d] = %g, central difference %g", name, i, j, a, cd)
				}
			}
		}
		if a := testing.AllocsPerRun(10, func() { s.Jacobian(0.7, y, ja) }); a != 0 {
			t.Errorf("%s: Jacobian allocates %v per call", name, a)
		}
	}
}

// TestEventBooleanLeaf: a trigger whose truth comes from a piecewise (not a
// relation at the top) is located at its switch.
func TestEventBooleanLeaf(t *testing.T) {
	m := &model.Model{
		Parameters: []*model.Parameter{{ID: "x", Value: 0, ValueSet: true, Min: math.NaN(), Max: math.NaN()},
			{ID: "z", Value: 0, ValueSet: true, Min: math.NaN(), Max: math.NaN()}},
		Rules: []*model.Rule{{Kind: model.RateRule, Variable: "z", Math: expr.Num(1)}},
		Events: []*model.Event{{ID: "e", Trigger: mustParse(t, "piecewise(1, z > 2.5, 0)"), Persistent: true, InitialValue: true,
			Assignments: []model.EventAssignment{{Variable: "x", Math: mustParse(t, "time")}}}},
	}
	s := compile(t, m)
	tr, err := Run(context.Background(), s, nil, Options{Start: 0, End: 4, OutputTimes: []float64{2, 4}, ODE: ode.Options{RTol: 1e-10, ATol: 1e-12}})
	if err != nil {
		t.Fatal(err)
	}
	x := col(tr, "x")
	if x[0] != 0 || math.Abs(x[1]-2.5) > 1e-8 {
		t.Errorf("x = %v, want [0 2.5]", x)
	}
}

// TestClonesConcurrent: clones run in parallel give identical trajectories
// (run with -race to check for shared mutable state).
func TestClonesConcurrent(t *testing.T) {
	m := glvModel(t)
	m.Inputs = []*model.Input{{ID: "u", Default: 0}}
	m.Communities[0].Growth[1] = mustParse(t, "rB - u")
	m.Communities[0].ExtinctionThreshold = 1e-3
	base := compile(t, m)
	sched := &Schedule{Signals: []Signal{{Input: "u", Pieces: []Piece{{Start: 10, End: 30, Value: 5}}}}}
	out := make([]*Trajectory, 4)
	done := make(chan int)
	for w := range out {
		go func(w int) {
			s := base.Clone()
			tr, err := Run(context.Background(), s, sched, Options{Start: 0, End: 40, ODE: ode.Options{Method: ode.Rodas4}})
			if err != nil {
				t.Error(err)
			}
			out[w] = tr
			done <- w
		}(w)
	}
	for range out {
		<-done
	}
	for w := 1; w < len(out); w++ {
		for k := range out[0].Values {
			for j := range out[0].Values[k] {
				if out[w].Values[k][j] != out[0].Values[k][j] {
					t.Fatalf("clone %d differs at row %d col %d", w, k, j)
				}
			}
		}
	}
}

// TestDivisionByZeroNamesElement: a kinetic law dividing by a zero
// parameter fails at t = 0 naming the species and the reaction.
func TestDivisionByZeroNamesElement(t *testing.T) {
	m := &model.Model{
		Compartments: []*model.Compartment{{ID: "c", Size: 1, SizeSet: true, Constant: true}},
		Species:      []*model.Species{{ID: "S", Compartment: "c", Initial: 1, InitialSet: true}},
		Parameters:   []*model.Parameter{param("k", 0)},
		Reactions: []*model.Reaction{{ID: "J1", Src: model.Source{File: "m.xml", Line: 7},
			Reactants: []model.SpeciesRef{{Species: "S", Stoichiometry: 1}}, Rate: mustParse(t, "S/k")}},
	}
	_, err := Run(context.Background(), compile(t, m), nil, Options{Start: 0, End: 1})
	var se *Error
	if !errors.As(err, &se) || se.Variable != "S" || !strings.Contains(se.Cause, "J1 (m.xml:7) = +Inf") {
		t.Fatalf("got %v, want a *sim.Error naming S and J1 (m.xml:7)", err)
	}
}
