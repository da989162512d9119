package study

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

type vpopSummary struct {
	Candidates, Plausible, Selected int
	ScaleFactor                     float64 `json:"scale_factor"`
	ESS                             float64 `json:"effective_sample_size"`
	Fit                             []struct {
		Output     string
		PlausibleD float64 `json:"plausible_ks_d"`
		PlausibleP float64 `json:"plausible_ks_p"`
		VPopD      float64 `json:"vpop_ks_d"`
		VPopP      float64 `json:"vpop_ks_p"`
		VPopN      float64 `json:"vpop_n"`
	}
}

func runVPop(t *testing.T, spec string) vpopSummary {
	t.Helper()
	dir := t.TempDir()
	if err := Run(context.Background(), compile(t, spec), dir, Options{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileVPopJSON))
	if err != nil {
		t.Fatal(err)
	}
	var v vpopSummary
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{FileVPop, FileReport, FileManifest} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	return v
}

// TestVPopLinear: y = p1 + 2 p2 (p uniform): the plausible outputs are far
// from the N(1.5, 0.25) target (KS rejects), the selected virtual population
// is not (KS p > 0.01), and the weighted population neither. Plausible
// patients are those with y in [0.2, 2.8]: P = 1 − 2·(0.2²/4) = 0.98.
func TestVPopLinear(t *testing.T) {
	v := runVPop(t, "testdata/vpop-linear.yaml")
	if frac := float64(v.Plausible) / float64(v.Candidates); math.Abs(frac-0.98) > 0.01 {
		t.Errorf("plausible fraction %v, want 0.98", frac)
	}
	f := v.Fit[0]
	if f.PlausibleP > 1e-6 {
		t.Errorf("the plausible outputs pass the KS test against the target (p %v): the test has no power", f.PlausibleP)
	}
	if f.VPopP < 0.01 || v.Selected < 300 {
		t.Errorf("selected %d: KS D %v p %v against the target", v.Selected, f.VPopD, f.VPopP)
	}
	t.Logf("acceptance: %d of %d plausible selected (sf %.3g); KS D %.4f p %.3f (plausible: D %.3f)", v.Selected, v.Plausible, v.ScaleFactor, f.VPopD, f.VPopP, f.PlausibleD)
	w := runVPop(t, "testdata/vpop-linear-weights.yaml")
	fw := w.Fit[0]
	if fw.VPopP < 0.01 || w.ESS < 500 {
		t.Errorf("weights: ESS %v, KS D %v p %v", w.ESS, fw.VPopD, fw.VPopP)
	}
	t.Logf("weights: ESS %.0f; KS D %.4f p %.3f", w.ESS, fw.VPopD, fw.VPopP)
}
