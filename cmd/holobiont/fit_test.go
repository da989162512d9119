package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/fit"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/sim"
)

// simulateTrue3 writes the long-format data of five subjects of
// testdata/fit/true3.yaml (different starting states, antibiotic windows
// for three of them), sampled daily for 24 days, into a new folder.
func simulateTrue3(t *testing.T) string {
	t.Helper()
	m, err := modelfile.LoadModel("testdata/fit/true3.yaml")
	if err != nil {
		t.Fatal(err)
	}
	starts := [][3]float64{{0.2, 0.3, 0.4}, {0.05, 0.6, 0.1}, {0.5, 0.1, 0.2}, {0.1, 0.1, 0.9}, {0.3, 0.3, 0.05}}
	abx := [][2]float64{{6, 8}, {}, {10, 11}, {3, 5}, {}}
	var times []float64
	for d := 0; d <= 24; d++ {
		times = append(times, float64(d))
	}
	dir := t.TempDir()
	var ab, in strings.Builder
	ab.WriteString("subject\ttime\ttaxon\tabundance\n")
	in.WriteString("subject\ttime\tinput\tvalue\n")
	for s, x := range starts {
		id := fmt.Sprintf("s%d", s+1)
		x0 := map[string]float64{"gut.A": x[0], "gut.B": x[1], "gut.C": x[2]}
		sched := &sim.Schedule{}
		if abx[s][1] > 0 {
			sched.Signals = []sim.Signal{{Input: "abx", Pieces: []sim.Piece{{Start: abx[s][0], End: abx[s][1], Value: 1}}}}
		}
		runs, errs, err := runFitted(context.Background(), m, x0, sched, times, []map[string]float64{nil})
		if err != nil || errs[0] != nil {
			t.Fatal(err, errs[0])
		}
		for k, tm := range times {
			for i, tx := range []string{"Alpha", "Beta", "Gamma"} {
				fmt.Fprintf(&ab, "%s\t%g\t%s\t%.10g\n", id, tm, tx, runs[0][k][i])
			}
			u := 0.0
			if tm >= abx[s][0] && tm < abx[s][1] {
				u = 1
			}
			fmt.Fprintf(&in, "%s\t%g\tabx\t%g\n", id, tm, u)
		}
	}
	for name, s := range map[string]string{"abundance.tsv": ab.String(), "inputs.tsv": in.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// TestFitRecoversTrue3 fits glv-ridge with the trapezoid scheme to
// noise-free daily data of a known three-taxon gLV with a small fixed
// penalty: the growth rates, the interaction matrix and the antibiotic
// effects come back to within the error of finite differences on daily
// samples (0.1 absolute; forward Euler is off by up to 0.28 here).
func TestFitRecoversTrue3(t *testing.T) {
	data := simulateTrue3(t)
	out := filepath.Join(t.TempDir(), "fit")
	if _, err := runCLI(t, "fit", data, "--method", "glv-ridge", "--scheme", "trapezoid", "--penalty", "growth=1e-4,interaction=1e-4,perturbation=1e-4", "--bootstrap", "0", "--out", out); err != nil {
		t.Fatal(err)
	}
	m, err := modelfile.LoadModel(filepath.Join(out, "model.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	val := map[string]float64{}
	for _, p := range m.Parameters {
		val[p.ID] = p.Value
		if strings.HasPrefix(p.ID, "r.") && (p.Prov.Evidence != "C" || !strings.Contains(p.Prov.Citation, "sha256")) {
			t.Errorf("%s: evidence %q citation %q, want C naming the data hash", p.ID, p.Prov.Evidence, p.Prov.Citation)
		}
	}
	want := map[string]float64{"r.Alpha": 0.8, "r.Beta": 0.5, "r.Gamma": 0.3, "e.Alpha.abx": -2, "e.Beta.abx": -0.5, "e.Gamma.abx": 0,
		"a.Alpha.Alpha": -1, "a.Alpha.Beta": -0.3, "a.Alpha.Gamma": 0.1, "a.Beta.Alpha": -0.2, "a.Beta.Beta": -0.8, "a.Beta.Gamma": -0.1,
		"a.Gamma.Alpha": 0.1, "a.Gamma.Beta": -0.2, "a.Gamma.Gamma": -0.6}
	for id, w := range want {
		if got, ok := val[id]; !ok || math.Abs(got-w) > 0.1 {
			t.Errorf("%s = %.4g (present %v), true %g", id, got, ok, w)
		}
	}
}

// TestFitForecastAgree checks, for every method, that the forecast through
// the run pipeline (model.yaml → compile → simulate) equals the fit
// package's own forecast, that holobiont run and sbml export accept the
// model, and that the CV outputs have the documented form.
func TestFitForecastAgree(t *testing.T) {
	data := simulateTrue3(t)
	for _, meth := range fit.Methods() {
		t.Run(string(meth), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "fit")
			o := fitOptions{method: string(meth), out: out, cv: "none", scheme: "euler", dtWeight: "0", bootstrap: 8, seed: 1, pseudo: fit.DefaultPseudoCount,
				minRel: 1e-4, minConsec: 2, minSubjects: 1, site: "gut", penalty: "growth=0.01,interaction=0.01,perturbation=0.01"}
			var buf bytes.Buffer
			res, err := fitMain(context.Background(), data, o, &buf, &buf)
			if err != nil {
				t.Fatal(err)
			}
			fo := forecastOptions{dataPath: data, subject: "s3", points: 50, out: filepath.Join(out, "fc")}
			fr, err := forecastMain(context.Background(), filepath.Join(out, "model.yaml"), fo, &buf)
			if err != nil {
				t.Fatal(err)
			}
			rel, _, err := res.Model.Forecast(context.Background(), res.Data.Subject("s3"))
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for k := range rel {
				for i := range rel[k] {
					worst = math.Max(worst, math.Abs(rel[k][i]-fr.Predicted[k][i]))
				}
			}
			if worst > 1e-5 {
				t.Errorf("pipeline forecast differs from the fit's own by up to %.3g", worst)
			}
			if fr.Replicates+fr.Diverged != 8 || fr.Lo == nil {
				t.Errorf("band from %d replicates (+%d diverged), want 8", fr.Replicates, fr.Diverged)
			}
			for k := range fr.Lo {
				for i := range fr.Lo[k] {
					if !(fr.Lo[k][i] <= fr.Hi[k][i]) {
						t.Fatalf("band lo %g > hi %g", fr.Lo[k][i], fr.Hi[k][i])
					}
				}
			}
			for _, f := range []string{"report.html", "forecast.tsv"} {
				if _, err := os.Stat(filepath.Join(fo.out, f)); err != nil {
					t.Error(err)
				}
			}
			scen := filepath.Join(t.TempDir(), "scen.yaml")
			os.WriteFile(scen, []byte("duration: 20\ninterventions:\n  - {type: input, input: abx, value: 1, start: 2, duration: 2}\n"), 0o644)
			if _, err := runCLI(t, "run", filepath.Join(out, "model.yaml"), "--scenario", scen, "--out", filepath.Join(t.TempDir(), "run"), "--progress", "never"); err != nil {
				t.Errorf("holobiont run: %v", err)
			}
			if _, err := runCLI(t, "sbml", "export", filepath.Join(out, "model.yaml"), "--out", filepath.Join(t.TempDir(), "m.xml")); err != nil {
				t.Errorf("sbml export: %v", err)
			}
		})
	}
}

// TestFitCV checks the leave-one-subject-out outputs and the last line.
func TestFitCV(t *testing.T) {
	data := simulateTrue3(t)
	out := filepath.Join(t.TempDir(), "cv")
	stdout, err := runCLI(t, "fit", data, "--method", "clv", "--cv", "loso", "--bootstrap", "0", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	last := lines[len(lines)-1]
	var r, l float64
	var n int
	if _, err := fmt.Sscanf(last, "median rmse_rel %g, median logrmse_rel %g over %d held-out subjects", &r, &l, &n); err != nil || n != 5 {
		t.Fatalf("last line %q: %v", last, err)
	}
	if !(r < 0.05) {
		t.Errorf("noise-free data: median rmse_rel %g, want < 0.05", r)
	}
	b, err := os.ReadFile(filepath.Join(out, "predictions.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if h := strings.SplitN(string(b), "\n", 2)[0]; h != "subject\ttime\ttaxon\tobserved\tpredicted" {
		t.Errorf("predictions.tsv header %q", h)
	}
	if n := strings.Count(string(b), "\n"); n != 1+5*25*3 {
		t.Errorf("predictions.tsv: %d lines, want %d", n, 1+5*25*3)
	}
	cv, _ := os.ReadFile(filepath.Join(out, "cv.tsv"))
	if !strings.HasPrefix(string(cv), "subject\tsamples\trmse_rel\tlogrmse_rel\t") || strings.Count(string(cv), "\n") != 6 {
		t.Errorf("cv.tsv:\n%s", cv)
	}
	// Absolute methods add the absolute columns.
	out2 := filepath.Join(t.TempDir(), "cv2")
	if _, err := runCLI(t, "fit", data, "--method", "glv-ridge", "--cv", "loso", "--bootstrap", "0", "--out", out2); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(out2, "predictions.tsv"))
	if h := strings.SplitN(string(b), "\n", 2)[0]; h != "subject\ttime\ttaxon\tobserved\tpredicted\tobserved_abs\tpredicted_abs" {
		t.Errorf("absolute predictions.tsv header %q", h)
	}
}

// TestFitBadInput checks the CLI's messages for bad requests and data.
func TestFitBadInput(t *testing.T) {
	data := simulateTrue3(t)
	rel := t.TempDir()
	b, _ := os.ReadFile(filepath.Join(data, "abundance.tsv"))
	os.WriteFile(filepath.Join(rel, "abundance.tsv"), b, 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"fit", rel, "--relative", "--method", "glv-ridge", "--out", t.TempDir()}, "glv-ridge needs absolute abundances"},
		{[]string{"fit", data, "--method", "gLV", "--out", t.TempDir()}, `unknown method "gLV"`},
		{[]string{"fit", data, "--cv", "kfold", "--out", t.TempDir()}, `--cv "kfold": want none or loso`},
		{[]string{"fit", data, "--penalty", "growth=1", "--out", t.TempDir()}, "give interaction= too"},
		{[]string{"fit", data}, "--out DIR is required"},
		{[]string{"fit", data, "--dt-weight", "two", "--out", t.TempDir()}, `--dt-weight "two": want a number in [0, 4] or auto`},
		{[]string{"fit", data, "--dt-weight", "auto", "--penalty", "growth=1,interaction=1,perturbation=1", "--out", t.TempDir()}, "--dt-weight auto chooses the weight with the penalties"},
		{[]string{"forecast", "testdata/fit/true3.yaml", "--data", data, "--subject", "s1"}, "not a model written by holobiont fit"},
	} {
		_, err := runCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
	out, err := runCLI(t, "fit", rel, "--relative", "--out", filepath.Join(t.TempDir(), "auto"), "--bootstrap", "0")
	if err != nil || !strings.Contains(out, "method clv (auto: there are no absolute abundances") {
		t.Errorf("auto on relative data: %v\n%s", err, out)
	}
}

// TestFitDtWeightAuto checks that --dt-weight auto says which weight it
// chose and records it in fit.json, model.yaml and cv.tsv.
func TestFitDtWeightAuto(t *testing.T) {
	data := simulateTrue3(t)
	out := filepath.Join(t.TempDir(), "w")
	stdout, err := runCLI(t, "fit", data, "--method", "clv", "--dt-weight", "auto", "--cv", "loso", "--bootstrap", "0", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	var q float64
	i := strings.Index(stdout, "interval weight dt^")
	if i < 0 {
		t.Fatalf("no chosen weight printed:\n%s", stdout)
	}
	if _, err := fmt.Sscanf(stdout[i:], "interval weight dt^%g chosen with the penalties (tried [0 1 2])", &q); err != nil {
		t.Fatalf("%q: %v", stdout[i:], err)
	}
	var rec struct {
		DtWeight  float64   `json:"dt_weight"`
		DtWeights []float64 `json:"dt_weights_tried"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "fit.json"))
	if err := json.Unmarshal(b, &rec); err != nil || rec.DtWeight != q || len(rec.DtWeights) != 3 {
		t.Errorf("fit.json: %+v %v", rec, err)
	}
	if bytes.Contains(b, []byte(data)) {
		t.Errorf("fit.json records the local path %s:\n%s", data, b)
	}
	y, _ := os.ReadFile(filepath.Join(out, "model.yaml"))
	if want := fmt.Sprintf("fit_dt_weight: \"%g\"", q); !strings.Contains(string(y), want) {
		t.Errorf("model.yaml lacks %s", want)
	}
	cv, _ := os.ReadFile(filepath.Join(out, "cv.tsv"))
	if !strings.Contains(strings.SplitN(string(cv), "\n", 2)[0], "\tdt_weight\t") {
		t.Errorf("cv.tsv header: %s", cv)
	}
}
