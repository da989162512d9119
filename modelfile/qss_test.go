package modelfile

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/model"

	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
)

// TestHPAQuasiSteadyState checks the default model's reduced HPA axis (CRH,
// ACTH and cortisol at quasi-steady state, gland masses dynamic) against the
// full Karin 2020 model (models/hpa-karin2020.yaml, all five ODEs) through a
// 30-day doubling of the hypothalamic drive and 60 days of recovery:
// cortisol, corticotroph and adrenal masses agree within 1% at every daily
// output more than half a day away from a switch (the hormones relax in
// minutes to hours).
func TestHPAQuasiSteadyState(t *testing.T) {
	full, err := LoadModel("../models/hpa-karin2020.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var times []float64
	for d := 0.0; d <= 100; d++ {
		times = append(times, d)
	}
	opt := sim.Options{Start: 0, End: 100, OutputTimes: times, ODE: ode.Options{Method: ode.Rodas4, RTol: 1e-8, ATol: 1e-10}}
	_, trF := runModel(t, full, map[string]float64{"K_P": 1e12, "K_A": 1e12}, &sim.Schedule{Signals: []sim.Signal{
		{Input: "drive", Pieces: []sim.Piece{{Start: 10, End: 40, Value: 2}}}}}, opt) // u = 2 while stressed, default 1 outside
	gsb := loadGSB(t)
	// the mood feedback on perceived stress and the GR switch are off: the comparison is of the Karin core alone
	_, trQ := runModel(t, gsb, map[string]float64{"sigma_I": 0, "sigma_S": 1, "b_AS": 0, "b_DS": 0, "k_GRf": 0}, &sim.Schedule{Signals: []sim.Signal{
		{Input: "stress", Pieces: []sim.Piece{{Start: 10, End: 40, Value: 1}}}}}, opt)
	for _, v := range []string{"host.cortisol", "host.P", "host.A"} {
		f, q := col(t, trF, v), col(t, trQ, v)
		worst := 0.0
		for k, tk := range trF.Times {
			if math.Abs(tk-10) < 0.5 || math.Abs(tk-40) < 0.5 {
				continue
			}
			worst = math.Max(worst, math.Abs(q[k]-f[k])/f[k])
		}
		if worst > 0.01 {
			t.Errorf("%s: QSS differs from the full model by %.2g%% (relative)", v, 100*worst)
		}
		t.Logf("%s: max relative difference %.2g; peak full %.4f, QSS %.4f", v, worst, maxOn(trF, f, 0, 100), maxOn(trQ, q, 0, 100))
	}
}

// TestSkinInflammationQuasiSteadyState checks the default model's local
// skin inflammation (IL-4/13-like, at quasi-steady state: Miyano's
// dIL4/dt = k6 a_agr + k7 - d9 IL4 with cytokine turnover of hours) against
// the same model with the four site inflammations as explicit states
// relaxing at d9 = 24 d_I = 24/day (half-life ~40 min), through the default
// scenario's stress episode and antibiotic course: face S. aureus share,
// barrier and local inflammation agree within 2% (relative) at every output.
func TestSkinInflammationQuasiSteadyState(t *testing.T) {
	data, err := os.ReadFile(gsbPath)
	if err != nil {
		t.Fatal(err)
	}
	// Rewrite each rule "  <site>.inflammation: {math: "E", ...}" into a
	// state with rate 24*(E - <site>.inflammation).
	re := regexp.MustCompile(`(?m)^  (\w+)\.inflammation: \{math: "([^"]*)",[^\n]*\n`)
	var states []string
	full := re.ReplaceAllStringFunc(string(data), func(line string) string {
		m := re.FindStringSubmatch(line)
		states = append(states, fmt.Sprintf("  %s.inflammation: {site: %s, initial: 1, unit: dimensionless, rate: \"24*d_I*(%s - %s.inflammation)\"}\n", m[1], m[1], m[2], m[1]))
		return ""
	})
	if len(states) != 4 {
		t.Fatalf("found %d site inflammation rules, want 4", len(states))
	}
	full = strings.Replace(full, "\nstates:\n", "\nstates:\n"+strings.Join(states, ""), 1)
	mf, err := ParseModel("gsb-full-skin-inflammation.yaml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	mq := loadGSB(t)
	scen := "duration: 80\noutput: {step: 0.5}\ninterventions:\n  - {type: stress, intensity: 1, start: 10, duration: 14}\n  - {type: antibiotic, route: oral, dose: 1, start: 30, duration: 7}\n"
	run := func(m *model.Model) *sim.Trajectory {
		sc, err := ParseScenario("s.yaml", []byte(scen), m)
		if err != nil {
			t.Fatal(err)
		}
		sched, err := sc.Schedule(m)
		if err != nil {
			t.Fatal(err)
		}
		_, tr := runModel(t, m, nil, sched, sim.Options{Start: sc.Start, End: sc.End, OutputTimes: sc.OutputTimes, ODE: ode.Options{RTol: 1e-8, ATol: 1e-12}})
		return tr
	}
	trF, trQ := run(mf), run(mq)
	for _, v := range []string{"face.rel.S_aureus", "face.barrier", "face.inflammation", "forearm.inflammation", "host.inflammation"} {
		f, q := col(t, trF, v), col(t, trQ, v)
		worst := 0.0
		for k := range f {
			worst = math.Max(worst, math.Abs(q[k]-f[k])/math.Abs(f[k]))
		}
		t.Logf("%s: max relative difference %.2g (peak full %.4g, QSS %.4g)", v, worst, maxOn(trF, f, 0, 80), maxOn(trQ, q, 0, 80))
		if worst > 0.02 {
			t.Errorf("%s: QSS differs from the explicit fast-cytokine model by %.2g%%", v, 100*worst)
		}
	}
}
