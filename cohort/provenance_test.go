package cohort

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/models"
)

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestManifestProvenance: the manifest records the version, the hashes of
// the spec file, the model and the scenario, the seed and the effective
// solver settings; a run directory or shard of another version is refused
// (no silent mixing of outputs of two programs).
func TestManifestProvenance(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	text := "name: prov\nn: 3\nseed: 77\nduration: 4\nchunk: 2\nsolver: {method: rodas4, rtol: 1.0e-7}\nsampling:\n  - {times: [4], sites: [gut]}\n"
	if err := os.WriteFile(spec, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := Run(ctx, loadPlan(t, spec), out, Options{Workers: 1, Version: "1.2.3"}); err != nil {
		t.Fatal(err)
	}
	var m Manifest
	b, err := os.ReadFile(filepath.Join(out, FileManifest))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	model, _ := models.Read(models.DefaultModel)
	want := Provenance{Version: "1.2.3", SpecFileHash: hexSHA([]byte(text)), Model: "shipped:" + models.DefaultModel, ModelHash: hexSHA(model),
		ScenarioHash: hexSHA([]byte("duration: 4\n")), Solver: SolverSettings{Method: "rodas4", RTol: 1e-7, ATol: 1e-9}}
	if m.Provenance != want {
		t.Errorf("provenance\n%+v\nwant\n%+v", m.Provenance, want)
	}
	if m.Seed != 77 || m.N != 3 || len(m.SpecHash) != 64 {
		t.Errorf("manifest: seed %d, n %d, spec hash %q", m.Seed, m.N, m.SpecHash)
	}
	// Resuming or merging with another version is refused.
	if err := Run(ctx, loadPlan(t, spec), out, Options{Workers: 1, Version: "1.2.4"}); err == nil || !strings.Contains(err.Error(), "different spec or version") {
		t.Errorf("resume with another version: %v", err)
	}
	s0, s1 := filepath.Join(dir, "s0"), filepath.Join(dir, "s1")
	if err := Run(ctx, loadPlan(t, spec), s0, Options{Shard: Shard{I: 0, N: 2}, Version: "1.2.3"}); err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, loadPlan(t, spec), s1, Options{Shard: Shard{I: 1, N: 2}, Version: "9"}); err != nil {
		t.Fatal(err)
	}
	if err := Assemble(ctx, []string{s0, s1}, filepath.Join(dir, "m")); err == nil || !strings.Contains(err.Error(), `different holobiont versions ("1.2.3" vs "9")`) {
		t.Errorf("merge of two versions: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "m")); err == nil {
		t.Error("refused merge created its output directory")
	}
}

// TestBadInputBeforeCompute: the bad-input list, each a clear error
// naming file:line:col before anything is simulated.
func TestBadInputBeforeCompute(t *testing.T) {
	base := "name: x\nn: 3\nseed: 1\nduration: 5\n"
	trial := base + "interventions:\n  pro: {type: probiotic, taxon: gut.probiotic, dose: 0.05, start: 0, duration: 5}\narms:\n  - {name: placebo}\n"
	for _, tc := range []struct {
		trial      bool
		yaml, want string
	}{
		{false, base + "parameters:\n  r_Cu: {dist: normal, mean: 1, sd: -0.5, lower: 0}\n", "x.yaml:6:9: parameter r_Cu: negative sd -0.5"},
		{false, base + "parameters:\n  r_Cu: {dist: lognormal, median: 1, sdlog: -1}\n", "x.yaml:6:9: parameter r_Cu: negative sdlog"},
		{false, base + "parameters:\n  r_Cu: {dist: normal, mean: 1, sd: 0.1, lower: 2, upper: 1}\n", "x.yaml:6:9: parameter r_Cu: lower 2 > upper 1"},
		{false, base + "covariates:\n  age: {dist: uniform, lower: 65, upper: 18}\n", "x.yaml:6:8: covariate age: lower 65 > upper 18"},
		{false, base + "parameters:\n  r_Cu: {dist: uniform, lower: .nan, upper: 1}\n", "x.yaml:6:9: parameter r_Cu: lower and upper must be numbers"},
		{false, base + "parameters:\n  niche_open: {dist: categorical, values: [0, .inf], probs: [0.5, 0.5]}\n", "not a finite number"},
		{false, base + "parameters:\n  r_Cuu: {dist: uniform, lower: 1, upper: 2}\n", `x.yaml:6:10: unknown parameter "r_Cuu"`},
		{false, base + "covariates:\n  time: {dist: uniform, lower: 0, upper: 1}\n", "x.yaml:6:9: covariate time: the name is taken by an output column"},
		{false, base + "solver: {method: euler}\n", `x.yaml:5:9: unknown solver "euler"`},
		{false, base + "solver: {rtol: -1}\n", "x.yaml:5:9: solver tolerances"},
		{true, trial + "  - {name: abx, interventions: [antibiotic]}\n", `x.yaml:9:33: arm abx references missing intervention "antibiotic"`},
		{true, strings.Replace(trial, "gut.probiotic", "gut.nosuch", 1) + "  - {name: p, interventions: [pro]}\n", `x.yaml:6:33: intervention pro (probiotic, arm p): model gut_skin_brain has no taxon or species "gut.nosuch"`},
		{true, strings.Replace(trial, "dose: 0.05", "dose: -1", 1) + "  - {name: p, interventions: [pro]}\n", `x.yaml:6:54: intervention pro (probiotic, arm p): dose must be >= 0`},
		{true, strings.Replace(trial, "dose: 0.05", "doze: 0.05", 1) + "  - {name: p, interventions: [pro]}\n", `x.yaml:6:8: intervention pro (probiotic): missing required field "dose"`},
		{true, strings.Replace(trial, "duration: 5}", "duration: 5, every: 7, coun: 2}", 1) + "  - {name: p, interventions: [pro]}\n", `x.yaml:6:99: intervention pro (probiotic): unknown field "coun"`},
		{true, strings.Replace(trial, "duration: 5}", "duration: 5, count: 2}", 1) + "  - {name: p, interventions: [pro]}\n", `x.yaml:6:90: intervention pro (probiotic): count needs every`},
		{true, strings.Replace(trial, "dose: 0.05", "dose: lots", 1) + "  - {name: p, interventions: [pro]}\n", `x.yaml:6:54: intervention pro (probiotic): dose: expected a number, got string "lots"`},
	} {
		var err error
		if tc.trial {
			var ts *TrialSpec
			if ts, err = ParseTrialSpec("x.yaml", []byte(tc.yaml)); err == nil {
				_, err = CompileTrial(ts)
			}
		} else {
			var s *Spec
			if s, err = ParseSpec("x.yaml", []byte(tc.yaml)); err == nil {
				_, err = Compile(s)
			}
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("spec\n%s\nerror %v\nwant %q", tc.yaml, err, tc.want)
		}
	}
}

// FuzzParseTrialSpec: the trial front end never panics, and a spec it
// accepts has valid arms and analyses; errors on trial-only fields carry a
// position.
func FuzzParseTrialSpec(f *testing.F) {
	for _, p := range []string{"../examples/trial-arms.yaml", "../examples/trial-probiotic-eczema.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(trialSpecWindows))
	f.Add([]byte(trialSpecMeasured))
	f.Add([]byte("n: 2\nduration: 1\narms: [{name: a}, {name: a}]\n"))
	f.Add([]byte("n: 4\nduration: 1\narms: [{name: a}, {name: b, interventions: [x]}]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := ParseTrialSpec("fuzz.yaml", b)
		if err != nil {
			if strings.Contains(err.Error(), "arm") && !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Errorf("error without the file name: %v", err)
			}
			return
		}
		if len(ts.Arms) < 2 || !(ts.Alpha > 0 && ts.Alpha < 1) {
			t.Errorf("accepted: %d arms, alpha %v", len(ts.Arms), ts.Alpha)
		}
		for _, a := range ts.Arms {
			for _, iv := range a.Interventions {
				if _, ok := ts.Interventions[iv]; !ok {
					t.Errorf("accepted arm %s with missing intervention %s", a.Name, iv)
				}
			}
		}
	})
}
