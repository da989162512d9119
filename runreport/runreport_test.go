package runreport

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/report"
	"github.com/holobiont/holobiont/sim"
)

// TestLogComposition checks the log-scale composition chart's values:
// member / community total, NaN below 1e-9 and where the community is empty.
func TestLogComposition(t *testing.T) {
	tr := &sim.Trajectory{
		Names:  []string{"gut.a", "gut.b", "host.x"},
		Times:  []float64{0, 1, 2},
		Values: [][]float64{{3, 1, 9}, {1, 1e-12, 9}, {0, 0, 9}},
	}
	m := &model.Model{Species: []*model.Species{{ID: "gut.a", Taxon: "Alpha"}, {ID: "gut.b"}}}
	b := &builder{ctx: t.Context(), m: m, tr: tr, res: &holobiont.Result{Trajectory: tr}, xl: "day"}
	lc, ok := b.logComposition(&model.Community{Compartment: "gut", Members: []string{"gut.a", "gut.b"}})
	if !ok || !lc.LogY || len(lc.Series) != 2 || lc.Series[0].Name != "Alpha" || lc.Series[1].Name != "b" {
		t.Fatalf("chart = %+v, ok %v", lc, ok)
	}
	want := [][]float64{{0.75, 1 / (1 + 1e-12), math.NaN()}, {0.25, math.NaN(), math.NaN()}}
	for k, s := range lc.Series {
		for i, w := range want[k] {
			got := s.Y[i]
			if math.IsNaN(w) != math.IsNaN(got) || !math.IsNaN(w) && math.Abs(got-w) > 1e-15 {
				t.Errorf("series %s at %d: got %v, want %v", s.Name, i, got, w)
			}
		}
	}
	if _, ok := b.logComposition(&model.Community{Compartment: "skin", Members: []string{"skin.z"}}); ok {
		t.Error("a community with no columns must give no chart")
	}
}

func TestMergeIdentical(t *testing.T) {
	x := []float64{0, 1}
	s, notes := mergeIdentical([]report.Series{{Name: "a", X: x, Y: []float64{1, 2}}, {Name: "b", X: x, Y: []float64{1, 3}},
		{Name: "c", X: x, Y: []float64{1, 2}}, {Name: "d", X: x, Y: []float64{math.NaN(), 3}}, {Name: "e", X: x, Y: []float64{math.NaN(), 3}}})
	if len(s) != 3 || s[0].Name != "a = c" || s[1].Name != "b" || s[2].Name != "d = e" || len(notes) != 2 ||
		notes[0] != "a and c are identical throughout this run and drawn as one line." {
		t.Errorf("merged %v, notes %q", s, notes)
	}
}

// run loads the model (and its scenario) and runs it.
func run(t *testing.T, model string) (*holobiont.Problem, *holobiont.Result) {
	t.Helper()
	p, err := holobiont.Load(t.Context(), model)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Run(t.Context(), holobiont.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p, res
}

// The default run's report uses display names and units, draws identical
// site lines once with a note, and gives the endpoints a unit column.
func TestDefaultReport(t *testing.T) {
	p, res := run(t, "")
	page, err := Build(t.Context(), p, res)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := page.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{"pituitary corticotroph mass", "adrenal cortex mass", `<th scope="col">unit</th>`, "cortisol (host.cortisol)",
		"relative to baseline drive", "Staphylococcus", "drawn as one line"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{">host.P<", ">host.A<", ">dry_mix<"} {
		if strings.Contains(html, bad) {
			t.Errorf("report shows the internal id %s", bad)
		}
	}
}

func TestMergedName(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{[]string{"face barrier", "scalp barrier", "forearm barrier"}, "face, scalp and forearm barrier"},
		{[]string{"face barrier", "scalp"}, "face barrier = scalp"},
		{[]string{"face barrier", "scalp inflammation"}, "face barrier = scalp inflammation"},
		{[]string{"x", "y"}, "x = y"},
	} {
		if got := mergedName(c.in); got != c.want {
			t.Errorf("mergedName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A panel without its own y label takes its variables' common unit, and
// none when they differ.
func TestCommonUnit(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"nats"}, "nats"},
		{[]string{"nats", "nats"}, "nats"},
		{[]string{"nats", "bits"}, ""},
		{[]string{"", "nats"}, ""},
	} {
		if got := commonUnit(c.in); got != c.want {
			t.Errorf("commonUnit(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A cancelled build stops and returns the context's error, not a page.
func TestBuildCancelled(t *testing.T) {
	p, res := run(t, "stein2013.yaml")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if page, err := Build(ctx, p, res); page != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: page %v, err %v", page != nil, err)
	}
}
