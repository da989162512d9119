package cohort

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// trialSpecMeasured is a fast trial on the default model: placebo, a second
// placebo arm and a stress / large-probiotic arm. Endpoints: PSS-10 change
// (instrument noise), gut Shannon change and the probiotic's relative
// abundance from sequenced counts.
const trialSpecMeasured = `name: measured
n: 24
seed: 5
duration: 14
burn_in: 10
sequencing:
  depth: {dist: lognormal, mean: 5000, sigma: 0.3}
  noise: dirichlet-multinomial
  precision: 300
measurements:
  - {name: pss, instrument: pss10, times: [0, 14]}
endpoints:
  - {name: pss_base, variable: host.perceived_stress, time: 0}
  - {name: pss_change, variable: host.perceived_stress, stat: change, from: 0, time: 14}
  - {name: shannon_change, variable: shannon(gut), stat: change, from: 0, time: 14}
  - {name: pro_rel, variable: rel(gut.probiotic), time: 14}
interventions:
  stress: {type: stress, intensity: 3, start: 0, duration: 14}
  pro: {type: probiotic, taxon: gut.probiotic, dose: 0.05, start: 0, duration: 14}
arms:
  - {name: placebo}
  - {name: placebo2}
  - {name: active, interventions: [stress, pro]}
analysis:
  - {endpoint: pss_change, baseline: pss_base, control: placebo, treatment: placebo2}
  - {endpoint: shannon_change, control: placebo, treatment: placebo2}
  - {endpoint: pss_change, baseline: pss_base, control: placebo, treatment: active}
  - {endpoint: pro_rel, control: placebo, treatment: active}
`

func compileTrialText(t *testing.T, text string) *TrialPlan {
	t.Helper()
	ts, err := ParseTrialSpec("measured.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := CompileTrial(ts)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// TestTrialEndpointsMeasured: endpoints equal what the subject's
// measurements and sequenced counts give (shared baseline reading), the
// latent copies equal the noise-free model values, and both differ.
func TestTrialEndpointsMeasured(t *testing.T) {
	tp := compileTrialText(t, trialSpecMeasured)
	if len(tp.Endpoints) != 8 || tp.Endpoints[5].Name != "latent_pss_change" {
		t.Fatalf("endpoints: %v", tp.Endpoints)
	}
	// gut was not in sampling: the trial sequences it at 0 and 14.
	if len(tp.Samples) != 2 || tp.Samples[0].Site != "gut" {
		t.Fatalf("samples: %+v", tp.Samples)
	}
	run := tp.Runner(tp.Allocate(0, 6), 0)
	sys, err := tp.NewRunner()
	if err != nil {
		t.Fatal(err)
	}
	var diff float64
	for i := 0; i < 6; i++ {
		s, err := run(context.Background(), sys, i)
		if err != nil || s.Err != "" {
			t.Fatal(err, s.Err)
		}
		pss := s.Measures[0]
		if s.Endpoints[0] != pss[0] || s.Endpoints[1] != pss[1]-pss[0] {
			t.Errorf("subject %d: PSS endpoints %v, readings %v", i, s.Endpoints[:2], pss)
		}
		// The latent copy is the noise-free model value (W, not PSS).
		if got, want := s.Endpoints[4], s.MeasTrue[0][0]; got != want {
			t.Errorf("subject %d: latent baseline %v, latent PSS %v", i, got, want)
		}
		h := func(c []int32) float64 {
			var n, h float64
			for _, x := range c {
				n += float64(x)
			}
			for _, x := range c {
				if x > 0 {
					h -= float64(x) / n * math.Log(float64(x)/n)
				}
			}
			return h
		}
		if got, want := s.Endpoints[2], h(s.Samples[1].Counts)-h(s.Samples[0].Counts); math.Abs(got-want) > 1e-12 {
			t.Errorf("subject %d: shannon change %v, from counts %v", i, got, want)
		}
		diff += math.Abs(s.Endpoints[2] - s.Endpoints[6])
		if s.Endpoints[3] < 0 || s.Endpoints[3] > 1 {
			t.Errorf("relative abundance %v", s.Endpoints[3])
		}
	}
	if diff == 0 {
		t.Error("measured Shannon change equals the latent one: no sequencing noise")
	}
}

// TestTrialNullAndHugeEffect: over many replicate trials, placebo vs
// placebo rejects at alpha within a 99.9% binomial band (ANCOVA on the
// measured PSS baseline, and Welch on the Shannon change from counts), and
// a huge effect (strong stress; a large probiotic dose) has power ≈ 1.
func TestTrialNullAndHugeEffect(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates ~5,000 subjects")
	}
	const reps = 400
	// 99.9% band of Binomial(400, 0.05): 20 ± 3.29·sqrt(400·0.05·0.95) = [6, 34].
	lo, hi := 6, 34
	for _, c := range []struct {
		analysis int
		test     string
		n        int
		reps     int
		null     bool
	}{
		{0, "ancova", 12, reps, true},
		{1, "welch", 12, reps, true},
		{2, "ancova", 150, 40, false},
		{3, "welch", 12, 40, false},
	} {
		text := trialSpecMeasured + "power: {n: [" + strconv.Itoa(c.n) + "], replicates: " + strconv.Itoa(c.reps) + ", analysis: " + strconv.Itoa(c.analysis) + ", test: " + c.test + "}\n"
		tp := compileTrialText(t, text)
		pts, err := tp.PowerCurve(context.Background(), 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		k := pts[0].Significant
		t.Logf("analysis %d (%s): %d of %d significant, mean effect %.3g", c.analysis, c.test, k, c.reps, pts[0].MeanEffect)
		if c.null && (k < lo || k > hi) {
			t.Errorf("null analysis %d: %d/%d rejections, outside [%d, %d]", c.analysis, k, c.reps, lo, hi)
		}
		if !c.null && k < c.reps-1 {
			t.Errorf("huge effect analysis %d: power %d/%d", c.analysis, k, c.reps)
		}
	}
}

// TestTrialMeasuredErrors: an endpoint of a variable nobody measures, or
// measured at other times, is a clear error before any compute.
func TestTrialMeasuredErrors(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		{"variable: host.perceived_stress, time: 0}", "variable: host.cortisol, time: 0}", "no measurement of host.cortisol"},
		{"stat: change, from: 0, time: 14}\n  - {name: shannon", "stat: change, from: 3, time: 14}\n  - {name: shannon", "at time 3"},
		{"endpoints:\n", "measured_by: {pss_base: nothing}\nendpoints:\n", "measured_by"},
		{"name: pro_rel", "name: latent_pss_base", "reserved for the ground truth"},
	} {
		text := strings.Replace(trialSpecMeasured, c.from, c.to, 1)
		if text == trialSpecMeasured {
			t.Fatalf("bad edit %q", c.from)
		}
		ts, err := ParseTrialSpec("measured.yaml", []byte(text))
		if err == nil {
			_, err = CompileTrial(ts)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.to, err, c.want)
		}
	}
}

// TestTrialMeasuredDeterminism: the measured endpoints (and their latent
// copies) are byte-identical with 1 and 2 workers.
func TestTrialMeasuredDeterminism(t *testing.T) {
	var outs [2][]byte
	for w := 1; w <= 2; w++ {
		d := t.TempDir()
		if err := compileTrialText(t, trialSpecMeasured).RunTrial(context.Background(), d, Options{Workers: w}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(d, FileSubjects))
		if err != nil {
			t.Fatal(err)
		}
		outs[w-1] = b
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("subjects.csv differs between 1 and 2 workers")
	}
	if head, _, _ := strings.Cut(string(outs[0]), "\n"); !strings.Contains(head, "pss_change") || !strings.Contains(head, "latent_pss_change") {
		t.Errorf("subjects.csv header lacks measured or latent columns: %s", head)
	}
}

// TestSimulateSubjectsProgress: progress counts every subject once, in
// order, and its last call says total. A worker's last "done" and its exit
// reach the collector together; before the fix the collector could take the
// exit first and drop the count (the CLI's bar ended at 31/31 of 32).
func TestSimulateSubjectsProgress(t *testing.T) {
	tp := compileTrialText(t, trialSpecMeasured)
	n := 8
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	for rep := 0; rep < 20; rep++ {
		var calls []int
		progress := func(done, total int) {
			if total != n {
				t.Fatalf("progress total %d, want %d", total, n)
			}
			calls = append(calls, done)
		}
		if _, err := tp.SimulateSubjects(context.Background(), idx, tp.Allocate(0, n), 2, progress); err != nil {
			t.Fatal(err)
		}
		if len(calls) != n || calls[n-1] != n {
			t.Fatalf("rep %d: progress calls %v, want 1..%d", rep, calls, n)
		}
	}
}

// TestPercentChangeEndpoint: percent_change is 100 (v1 − v0) / v0 of the
// measured readings (and of the noise-free values for its latent copy),
// NaN where the baseline reading is 0, and such a subject drops out of
// the analysis; a responder threshold on it is the PASI75-style analysis.
func TestPercentChangeEndpoint(t *testing.T) {
	for _, c := range []struct{ v0, v1, want float64 }{
		{4, 1, -75}, {10, 10, 0}, {2, 3, 50}, {0.5, 0, -100}, {0.0411, 0, -100}, {0.1781, 0, -100},
	} {
		if got := PercentChange(c.v0, c.v1); got != c.want {
			t.Errorf("PercentChange(%g, %g) = %g, want %g", c.v0, c.v1, got, c.want)
		}
	}
	for _, v0 := range []float64{0, -1, math.NaN()} {
		if got := PercentChange(v0, 1); !math.IsNaN(got) {
			t.Errorf("PercentChange(%g, 1) = %g, want NaN (no percentage of a baseline <= 0)", v0, got)
		}
	}
	text := strings.Replace(trialSpecMeasured,
		"  - {name: pro_rel,", "  - {name: pss_pct, variable: host.perceived_stress, stat: percent_change, from: 0, time: 14}\n  - {name: pro_rel,", 1)
	text = strings.Replace(text, "analysis:\n", "analysis:\n  - {endpoint: pss_pct, control: placebo, treatment: active, responder: {below: -75}}\n", 1)
	tp := compileTrialText(t, text)
	if tp.Endpoints[3].Name != "pss_pct" || tp.Endpoints[8].Name != "latent_pss_pct" {
		t.Fatalf("endpoints: %v", tp.Endpoints)
	}
	alloc := tp.Allocate(0, 12)
	run := tp.Runner(alloc, 0)
	sys, err := tp.NewRunner()
	if err != nil {
		t.Fatal(err)
	}
	var subs []*Subject
	zeros := 0
	for i := range alloc {
		s, err := run(context.Background(), sys, i)
		if err != nil || s.Err != "" {
			t.Fatal(err, s.Err)
		}
		pss, lat := s.Measures[0], s.MeasTrue[0]
		want := 100 * (pss[1] - pss[0]) / pss[0]
		if pss[0] == 0 {
			zeros++
			if !math.IsNaN(s.Endpoints[3]) {
				t.Errorf("subject %d: baseline PSS 0, percent change %v, want NaN", i, s.Endpoints[3])
			}
		} else if math.Abs(s.Endpoints[3]-want) > 1e-12*math.Abs(want) {
			t.Errorf("subject %d: percent change %v, readings %v give %v", i, s.Endpoints[3], pss, want)
		}
		if got, want := s.Endpoints[8], 100*(lat[1]-lat[0])/lat[0]; math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("subject %d: latent percent change %v, noise-free values %v give %v", i, got, lat, want)
		}
		subs = append(subs, s)
	}
	// a subject whose baseline reading is 0 drops out of the analysis
	for _, s := range subs {
		if s.Arm == tp.armIdx["active"] {
			s.Endpoints[3] = math.NaN()
			break
		}
	}
	res, err := tp.Analyse(subs)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, s := range subs {
		if (s.Arm == tp.armIdx["placebo"] || s.Arm == tp.armIdx["active"]) && !math.IsNaN(s.Endpoints[3]) {
			want++
		}
	}
	r := res[0]
	if n := r.NControl + r.NTreatment; n != want || r.Responders == nil {
		t.Errorf("analysis of pss_pct: %d + %d subjects, want %d (those with a percent change), responders %v", r.NControl, r.NTreatment, want, r.Responders)
	}
	t.Logf("%d of %d baseline PSS readings were 0", zeros, len(alloc))
}
