package modelfile

import (
	"math"
	"testing"

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
	_, trQ := runModel(t, gsb, map[string]float64{"sigma_I": 0, "sigma_S": 1}, &sim.Schedule{Signals: []sim.Signal{
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
