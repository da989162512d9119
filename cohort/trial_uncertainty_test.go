package cohort

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// trialSpecEnsemble is trialSpecMeasured with a parameter sampled per
// subject (sigma_S, so that a member shifts its distribution) and a milder
// stressor (intensity 0.5, not 3): at 3 every subject's PSS-10 sits at the
// instrument's maximum of 40, so no member can move the PSS effect.
var trialSpecEnsemble = strings.Replace(strings.Replace(trialSpecMeasured, "burn_in: 10\n", "burn_in: 10\nparameters:\n  sigma_S: {dist: lognormal, median: 0.8, sdlog: 0.3}\n", 1),
	"intensity: 3", "intensity: 0.5", 1)

// TestSampleSize: the required sample size and power of the normal
// approximation against the textbook values (Cohen 1988, Table 2.4.1,
// normal approximation: d = 1 needs 16 per arm, d = 0.5 needs 63 (Cohen's
// t-based 64), d = 0.2 needs 393 for 80% power at alpha 0.05; two arms of
// 64 at d = 0.5 have power Phi(0.5*sqrt(32) - 1.96) = 0.807).
func TestSampleSize(t *testing.T) {
	for _, c := range []struct{ d, want float64 }{{1, 16}, {0.5, 63}, {0.2, 393}} {
		if got := nPerArm(c.d*c.d, 0.05); got != c.want {
			t.Errorf("d = %g: %g per arm, want %g", c.d, got, c.want)
		}
	}
	if got := nPerArm(0, 0.05); !math.IsInf(got, 1) {
		t.Errorf("no effect: %g per arm, want +Inf", got)
	}
	// rounding error of an ANCOVA on an unchanged endpoint (effect 2.6e-17
	// at a per-subject SD of 0.5, examples/trial-probiotic-psoriasis.yaml):
	// no trial, not 4e34 per arm; an effect of 2e-8 SD is still sized
	if got := nPerArm(2.6e-17*2.6e-17/0.25, 0.05); !math.IsInf(got, 1) {
		t.Errorf("rounding-error effect: %g per arm, want +Inf", got)
	}
	if got, want := nPerArm(4e-16, 0.05), math.Ceil(2*2.8015852*2.8015852/4e-16); math.Abs(got-want) > 1e-6*want {
		t.Errorf("effect of 2e-8 SD: %g per arm, want %g", got, want)
	}
	// an effect estimated on 200 per arm (unit variance), powered for 64
	m := methodStat{e: Estimate{Effect: 0.5, SE: math.Sqrt(2.0 / 200)}, nc: 200, nt: 200}
	pw, x := m.power(0.05, 64, 64)
	if math.Abs(pw-0.8074) > 1e-4 || math.Abs(x-0.25) > 1e-12 {
		t.Errorf("power %g (want 0.8074), standardised squared effect %g (want 0.25)", pw, x)
	}
}

// realised simulates the trial's subjects in their allocated arms and
// analyses them (what RunTrial and Finish do, in memory).
func realised(t *testing.T, tp *TrialPlan) []AnalysisResult {
	t.Helper()
	idx := make([]int, tp.Spec.N)
	for i := range idx {
		idx[i] = i
	}
	subs, err := tp.SimulateSubjects(context.Background(), idx, tp.Allocate(0, tp.Spec.N), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tp.Analyse(subs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestTrialMember: a member at the model's own values reproduces the
// trial; another member sets an unsampled parameter in its own problem
// (not the trial's) and scales a sampled one, within the model's range.
func TestTrialMember(t *testing.T) {
	tp := compileTrialText(t, trialSpecEnsemble)
	ctx := context.Background()
	point, err := tp.Counterfactual(ctx, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	params := []string{"sigma_S", "k_proT"}
	vals := make([]float64, 2)
	for k, id := range params {
		vals[k], _ = tp.Problem.Parameter(id)
	}
	same, err := tp.Member(params, vals)
	if err != nil {
		t.Fatal(err)
	}
	again, err := same.Counterfactual(ctx, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(methodStats(point), methodStats(again)) {
		t.Errorf("a member at the model's values changed the trial:\n%+v\n%+v", methodStats(point), methodStats(again))
	}
	m, err := tp.Member(params, []float64{vals[0] * 2, vals[1] * 3})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Problem.Parameter("k_proT"); math.Abs(v-3*vals[1]) > 1e-15 {
		t.Errorf("member k_proT %g, want %g", v, 3*vals[1])
	}
	if v, _ := tp.Problem.Parameter("k_proT"); v != vals[1] {
		t.Errorf("the trial's k_proT changed to %g", v)
	}
	r, _ := m.NewRunner()
	for i := 0; i < 5; i++ {
		p, _, _ := tp.Draw(i)
		s, err := m.Simulate(ctx, r, i, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(s.Params[0]-2*p[0]) > 1e-12*p[0] {
			t.Errorf("subject %d: sigma_S %g, want 2 x %g", i, s.Params[0], p[0])
		}
	}
	if _, err := tp.Member(params, vals[:1]); err == nil {
		t.Error("a member with too few values: no error")
	}
	if _, err := tp.Member([]string{"k_proT"}, []float64{-1}); err == nil || !strings.Contains(err.Error(), "k_proT") {
		t.Errorf("negative k_proT: %v", err)
	}
}

// TestTrialUncertainty: every interval holds the point estimate, the
// members widen some, placebo against placebo has effect exactly 0 (the
// same subjects and measurement noise in both arms) and needs no finite
// trial, the bytes do not depend on the workers, and no members give
// zero-width intervals.
func TestTrialUncertainty(t *testing.T) {
	tp := compileTrialText(t, trialSpecEnsemble)
	ctx := context.Background()
	point := realised(t, tp)
	ens := &Ensemble{Params: []string{"sigma_S", "k_proT", "alpha_Pi"}, Sets: [][]float64{{0.4, 0.02, 0.3}, {1.6, 0.2, 1.5}, {0.9, 0.07, 0.7}}, Draws: []int{0, 1, 2}}
	var js [][]byte
	for _, w := range []int{1, 2} {
		u, err := tp.RunUncertainty(ctx, point, ens, w, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(u)
		js = append(js, b)
		if w > 1 {
			continue
		}
		if u.N != 4 || !reflect.DeepEqual(u.Shifted, []string{"sigma_S"}) || len(u.Methods) != 6 {
			t.Fatalf("N %d, shifted %v, %d methods", u.N, u.Shifted, len(u.Methods))
		}
		for _, m := range u.Methods[:3] { // pss_change (welch, ancova), shannon_change: placebo vs placebo2
			// (ANCOVA's least squares leaves ~1e-16)
			if m.Treatment != "placebo2" || math.Abs(float64(m.Effect.Lower)) > 1e-12 || math.Abs(float64(m.Effect.Upper)) > 1e-12 || !(m.NPerArm.Lower > 1e20) {
				t.Errorf("%s %s %s: effect %+v, n per arm %+v; want 0 and +Inf", m.Endpoint, m.Treatment, m.Method, m.Effect, m.NPerArm)
			}
		}
		wide := 0
		for _, m := range u.Methods {
			for _, b := range []Band{m.Effect, m.Power, m.NPerArm} {
				if !math.IsNaN(float64(b.Value)) && !(b.Lower <= b.Value && b.Value <= b.Upper) {
					t.Errorf("%s %s %s: %+v does not hold the point estimate", m.Endpoint, m.Treatment, m.Method, b)
				}
			}
			// wider than rounding (ANCOVA leaves ~1e-16 on placebo vs placebo)
			if float64(m.Effect.Upper-m.Effect.Lower) > 1e-9*math.Max(1, math.Abs(float64(m.Effect.Value))) {
				wide++
			}
		}
		if wide < 3 {
			t.Errorf("only %d of %d effects vary over the members", wide, len(u.Methods))
		}
		if s := u.section(tp); len(s.Tables[0].Rows) != len(u.Methods) {
			t.Errorf("report table: %d rows", len(s.Tables[0].Rows))
		}
	}
	if string(js[0]) != string(js[1]) {
		t.Errorf("1 and 2 workers differ:\n%s\n%s", js[0], js[1])
	}
	u, err := tp.RunUncertainty(ctx, point, &Ensemble{Params: ens.Params}, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range u.Methods {
		if m.Effect.Lower != m.Effect.Value || m.Effect.Upper != m.Effect.Value {
			t.Errorf("no members: %s has interval %+v", m.Endpoint, m.Effect)
		}
	}
}
