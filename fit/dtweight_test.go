package fit

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/holobiont/holobiont/series"
)

// unevenData is a two-taxon relative data set, three subjects sampled at
// uneven intervals, whose log-ratio does not follow any linear model
// exactly (so the interval weights change the least-squares answer).
func unevenData() *series.Dataset {
	times := []float64{0, 0.5, 2, 3, 7, 8.5, 14}
	d := &series.Dataset{Name: "uneven", Format: "long", Taxa: []string{"a", "b"}, Unit: "relative"}
	for s := 0; s < 3; s++ {
		sub := series.Subject{ID: string(rune('A' + s)), Times: times}
		for k, t := range times {
			p := 0.2 + 0.5/(1+math.Exp(0.4*t-2-float64(s))) + 0.05*math.Sin(1.7*float64(k+s))
			sub.Samples = append(sub.Samples, sub.ID+string(rune('0'+k)))
			sub.Abundance = append(sub.Abundance, []float64{p, 1 - p})
		}
		d.Subjects = append(d.Subjects, sub)
	}
	return d
}

// TestDtWeightKnownAnswer checks alr-linear with interval weights Δt^q
// against the weighted least-squares solution of y_k = Δz_k/Δt_k on
// [z_k, 1] with weights Δt_k^q, solved here from its 2×2 normal equations
// (penalty 1e-10: negligible).
func TestDtWeightKnownAnswer(t *testing.T) {
	d := unevenData()
	const lam = 1e-10
	var got [][2]float64
	for _, q := range []float64{0, 1, 2} {
		m, err := Fit(context.Background(), d, Options{Method: ALRLinear, DtWeights: []float64{q},
			Penalty: &Penalty{Growth: lam, Interaction: lam, Perturbation: lam}})
		if err != nil {
			t.Fatal(err)
		}
		den := slices.Index(d.Taxa, m.Denominator)
		num := 1 - den
		var szz, sz1, s11, szy, s1y float64
		for _, s := range d.Subjects {
			z := make([]float64, len(s.Times))
			for k, x := range s.Abundance {
				z[k] = math.Log((x[num] + DefaultPseudoCount) / (x[den] + DefaultPseudoCount))
			}
			for k := 0; k+1 < len(z); k++ {
				dt := s.Times[k+1] - s.Times[k]
				w := math.Pow(dt, q)
				y := (z[k+1] - z[k]) / dt
				szz += w * z[k] * z[k]
				sz1 += w * z[k]
				s11 += w
				szy += w * z[k] * y
				s1y += w * y
			}
		}
		det := szz*s11 - sz1*sz1
		a := (s11*szy - sz1*s1y) / det
		r := (szz*s1y - sz1*szy) / det
		if m.DtWeight != q {
			t.Errorf("q=%g: model records DtWeight %g", q, m.DtWeight)
		}
		if math.Abs(m.Interaction[0][0]-a) > 1e-7*(1+math.Abs(a)) || math.Abs(m.Growth[0]-r) > 1e-7*(1+math.Abs(r)) {
			t.Errorf("q=%g: a %.10g r %.10g, want %.10g %.10g", q, m.Interaction[0][0], m.Growth[0], a, r)
		}
		got = append(got, [2]float64{a, r})
	}
	if math.Abs(got[0][0]-got[2][0]) < 1e-3 {
		t.Errorf("weights 0 and 2 give the same slope %g: the test data do not tell the weightings apart", got[0][0])
	}
}

// TestDtWeightChosen checks that with several candidate exponents the
// model is the one whose own inner cross-validation scored best.
func TestDtWeightChosen(t *testing.T) {
	d := unevenData()
	ctx := context.Background()
	auto, err := Fit(ctx, d, Options{Method: ALRLinear, DtWeights: DtWeightsAuto(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(auto.DtWeightsTried, DtWeightsAuto()) {
		t.Errorf("DtWeightsTried %v", auto.DtWeightsTried)
	}
	best := math.Inf(1)
	var bestQ float64
	for _, q := range DtWeightsAuto() {
		m, err := Fit(ctx, d, Options{Method: ALRLinear, DtWeights: []float64{q}, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if m.DtWeightsTried != nil {
			t.Errorf("one candidate: DtWeightsTried %v", m.DtWeightsTried)
		}
		if s := m.Selection.Best.Score; s < best {
			best, bestQ = s, q
		}
	}
	if auto.DtWeight != bestQ || auto.Selection.Best.Score != best {
		t.Errorf("auto chose q=%g (score %g), the single fits' best is q=%g (score %g)", auto.DtWeight, auto.Selection.Best.Score, bestQ, best)
	}
	if _, err := Fit(ctx, d, Options{Method: ALRLinear, DtWeights: DtWeightsAuto(), Penalty: &Penalty{Growth: 1, Interaction: 1, Perturbation: 1}}); err == nil {
		t.Error("several weights with a fixed penalty: no error")
	}
	if _, err := Fit(ctx, d, Options{Method: ALRLinear, DtWeights: []float64{-1}}); err == nil {
		t.Error("weight exponent -1: no error")
	}
}
