package cohort

import (
	"math"
	"sort"
	"testing"
)

// TestReuteriWashoutSmith2011 checks the calibrated probiotic wash-out
// against Smith 2011 (J Am Coll Nutr 30:259; host-models.md §3.5, §8.10):
// 1e9 CFU L. reuteri DSM17938 daily for 7 days; faecal count 1e5 ± 9e4 CFU/g
// on days 5-7 (relative abundance ~1e-6 of ~1e11 bacteria/g); detectable in
// 4/9 volunteers one week and 2/9 two weeks after the last dose; all
// detectable while dosed.
//
// Tolerances: the simulated fractions must lie within 4 binomial SE (of the
// simulated n) of 4/9 and 2/9 — this checks the calibration of k_pro and the
// detection limit, not the (much wider) uncertainty of n = 9; the median
// day-6 abundance must lie within a factor 3 of 1e-6 (Smith's SD ≈ mean).
func TestReuteriWashoutSmith2011(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const n = 450
	p, subs := runSubjects(t, "../examples/cohort-probiotic-reuteri.yaml", n)
	col := map[string]int{}
	for i, e := range p.Endpoints {
		col[e.Name] = i
	}
	var dose, d1, d2, seq float64
	rel := make([]float64, 0, n)
	for _, s := range subs {
		dose += s.Endpoints[col["detect_dosing"]] / n
		d1 += s.Endpoints[col["detect_1wk"]] / n
		d2 += s.Endpoints[col["detect_2wk"]] / n
		seq += s.Endpoints[col["detect_dosing_seq"]] / n
		rel = append(rel, s.Endpoints[col["pro_rel_d6"]])
	}
	sort.Float64s(rel)
	med := rel[n/2]
	t.Logf("L. reuteri: detectable while dosed %.3f, +1 wk %.3f (4/9 = 0.444), +2 wk %.3f (2/9 = 0.222); "+
		"median relative abundance day 6 %.3g (1e-6); seen by 16S at 30k reads while dosed %.3f", dose, d1, d2, med, seq)
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"1 week", d1, 4.0 / 9}, {"2 weeks", d2, 2.0 / 9}} {
		if se := math.Sqrt(c.want * (1 - c.want) / n); math.Abs(c.got-c.want) > 4*se {
			t.Errorf("detectable %s after dosing: %.3f, want %.3f ± %.3f", c.name, c.got, c.want, 4*se)
		}
	}
	if dose < 0.95 {
		t.Errorf("only %.3f detectable while dosed, Smith 2011: all", dose)
	}
	if med < 1e-6/3 || med > 3e-6 {
		t.Errorf("median strain abundance on day 6 %.3g, want 1e-6 within a factor 3", med)
	}
}

// TestEngraftingStrainEnvelope: the wash-out example mixes the calibrated
// wash-out (70% occupied niche) with engraftment in the 30% whose niche is
// vacant (Maldonado-Gomez 2016). Expected fractions follow from the two
// parts: 0.3 + 0.7·(4/9) = 0.611 at one week, 0.3 + 0.7·(2/9) = 0.456 at two,
// 0.30 at six months; each within 4 binomial SE.
func TestEngraftingStrainEnvelope(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const n = 450
	p, subs := runSubjects(t, "../examples/cohort-probiotic-washout.yaml", n)
	col := map[string]int{}
	for i, e := range p.Endpoints {
		col[e.Name] = i
	}
	want := map[string]float64{"detect_1wk": 0.3 + 0.7*4/9, "detect_2wk": 0.3 + 0.7*2/9, "detect_6mo": 0.3}
	for name, w := range want {
		var f float64
		for _, s := range subs {
			f += s.Endpoints[col[name]] / n
		}
		t.Logf("%s: %.3f (expected %.3f)", name, f, w)
		if se := math.Sqrt(w * (1 - w) / n); math.Abs(f-w) > 4*se {
			t.Errorf("%s = %.3f, want %.3f ± %.3f", name, f, w, 4*se)
		}
	}
}
