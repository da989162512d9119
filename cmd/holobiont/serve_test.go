package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/holobiont/holobiont/server"
	"github.com/holobiont/holobiont/store"
	"github.com/holobiont/holobiont/store/storetest"
)

// startServe starts the real server (the CLI's engine) on a fresh store at
// loc, in process.
func startServe(t *testing.T, loc string, cfg server.Config) (*httptest.Server, *store.Store) {
	t.Helper()
	st := storetest.Open(t, loc)
	cfg.Store, cfg.Engine, cfg.WorkDir, cfg.Version, cfg.Log = st, serveEngine{}, t.TempDir(), version, t.Logf
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.Close(); cancel(); srv.Wait() })
	return hs, st
}

func postJSON(t *testing.T, url string, body any, out any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("POST %s: %v: %s", url, err, data)
		}
	}
	return resp.StatusCode
}

func postRaw(url, body string) (int, error) {
	resp, err := http.Post(url, "application/octet-stream", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func getBytes(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return b
}

func waitRun(t *testing.T, base, id string, limit time.Duration) map[string]any {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var r map[string]any
		json.Unmarshal(getBytes(t, base+"/api/runs/"+id), &r)
		switch r["status"] {
		case "succeeded", "failed", "cancelled":
			return r
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("run %s did not finish in %v", id, limit)
	return nil
}

// TestServeRunMatchesCLI: a run submitted to the server has the id
// `holobiont run` computes for the same inputs and the same files, byte for
// byte; submitting it again returns the stored run. On both store backends.
func TestServeRunMatchesCLI(t *testing.T) {
	dir := t.TempDir()
	cli, err := runMain(context.Background(), "", runOptions{sets: []string{"sigma_S=0"}, out: dir, format: "csv", rtol: 1e-6, atol: 1e-9, solver: "auto", seed: 1, progress: "never"}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunBoth(t, func(t *testing.T, loc string) {
		hs, _ := startServe(t, loc, server.Config{})
		var r map[string]any
		if c := postJSON(t, hs.URL+"/api/runs", map[string]any{"model": "gut-skin-brain.yaml", "scenario": "gut-skin-brain.yaml", "set": map[string]float64{"sigma_S": 0}}, &r); c != 201 {
			t.Fatalf("submit: %d %v", c, r)
		}
		id := r["id"].(string)
		if id != cli.Summary.RunID {
			t.Fatalf("server run id %s, CLI run id %s", id, cli.Summary.RunID)
		}
		done := waitRun(t, hs.URL, id, time.Minute)
		if done["status"] != "succeeded" {
			t.Fatalf("run: %v", done)
		}
		for _, f := range []string{"trajectory.csv", "summary.json", "report.html"} {
			want, _ := os.ReadFile(filepath.Join(cli.Dir, f))
			got := getBytes(t, hs.URL+"/api/runs/"+id+"/results/"+f)
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from holobiont run's (%d vs %d bytes)", f, len(got), len(want))
			}
		}
		if p := getBytes(t, hs.URL+"/api/runs/"+id+"/results/trajectory.parquet"); !bytes.HasPrefix(p, []byte("PAR1")) {
			t.Errorf("trajectory.parquet is not Parquet")
		}
		if c := postJSON(t, hs.URL+"/api/runs", map[string]any{"set": map[string]float64{"sigma_S": 0}}, &r); c != 200 || r["id"] != id || r["attempts"].(float64) != 1 {
			t.Fatalf("same inputs again: %d %v", c, r)
		}
		// The zip holds every file under ID/.
		zb := getBytes(t, hs.URL+"/api/runs/"+id+"/download")
		zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		if strings.Join(names, " ") != id+"/report.html "+id+"/summary.json "+id+"/trajectory.csv "+id+"/trajectory.parquet" {
			t.Fatalf("zip entries %v", names)
		}
		// Range-checked as the CLI does, before anything is queued.
		var e map[string]string
		if c := postJSON(t, hs.URL+"/api/runs", map[string]any{"set": map[string]float64{"niche_open": 2}}, &e); c != 422 || !strings.Contains(e["error"], "outside its range [0, 1]") {
			t.Fatalf("out of range: %d %v", c, e)
		}
		if c := postJSON(t, hs.URL+"/api/runs", map[string]any{"set": map[string]float64{"no_such_param": 2}}, &e); c != 422 || !strings.Contains(e["error"], "no such parameter") {
			t.Fatalf("unknown parameter: %d %v", c, e)
		}
	})
}

// TestServeEditedScenarioAndSBML: a scenario edited on the page (a JSON
// object) runs, and an uploaded SBML model runs.
func TestServeEditedScenarioAndSBML(t *testing.T) {
	hs, _ := startServe(t, t.TempDir(), server.Config{})
	sc := map[string]any{"name": "short", "duration": 20, "output": map[string]any{"step": 1},
		"interventions": []any{map[string]any{"type": "probiotic", "name": "probiotic course", "taxon": "gut.probiotic", "dose": 3e-7, "engraftment": 1, "start": 2, "duration": 10}}}
	var r map[string]any
	if c := postJSON(t, hs.URL+"/api/runs", map[string]any{"scenario": sc}, &r); c != 201 {
		t.Fatalf("edited scenario: %d %v", c, r)
	}
	done := waitRun(t, hs.URL, r["id"].(string), time.Minute)
	var sum struct {
		End           float64
		Interventions []struct{ Type string }
	}
	json.Unmarshal(getBytes(t, hs.URL+"/api/runs/"+r["id"].(string)+"/results/summary.json"), &sum)
	if done["status"] != "succeeded" || sum.End != 20 || len(sum.Interventions) != 1 || sum.Interventions[0].Type != "probiotic" {
		t.Fatalf("edited scenario run: %v %+v", done["status"], sum)
	}
	// SBML: export a shipped model, upload it, run it for its default 365 days.
	var xml bytes.Buffer
	root := newRootCmd()
	xmlPath := filepath.Join(t.TempDir(), "lee.xml")
	root.SetArgs([]string{"sbml", "export", "../../models/lee2024.yaml", "--out", xmlPath})
	root.SetOut(&xml)
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(xmlPath)
	resp, err := http.Post(hs.URL+"/api/uploads?name=lee.xml&kind=model", "application/xml", bytes.NewReader(data))
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("SBML upload: %v %v", err, resp.Status)
	}
	resp.Body.Close()
	if c := postJSON(t, hs.URL+"/api/runs", map[string]any{"model": "lee.xml"}, &r); c != 201 {
		t.Fatalf("SBML run: %d %v", c, r)
	}
	if done := waitRun(t, hs.URL, r["id"].(string), time.Minute); done["status"] != "succeeded" {
		t.Fatalf("SBML run: %v", done)
	}
}

// TestRunStoreCLI: holobiont run --store records a CLI run; runs
// list/show/export/rm read the same store; the server serves it.
func TestRunStoreCLI(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(dir, "data")
	out, err := execRoot(t, dir, "run", "--set", "sigma_S=0.5", "--out", filepath.Join(dir, "out"), "--store", st, "--progress", "never")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "recorded in the store") {
		t.Fatalf("run --store output: %s", out)
	}
	out, err = execRoot(t, dir, "runs", "list", "--store", st)
	if err != nil || !strings.Contains(out, "succeeded") || !strings.Contains(out, "cli") {
		t.Fatalf("runs list: %v\n%s", err, out)
	}
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	out, err = execRoot(t, dir, "runs", "show", id[:6], "--store", st)
	if err != nil || !strings.Contains(out, `"sigma_S": 0.5`) || !strings.Contains(out, "trajectory.csv") {
		t.Fatalf("runs show: %v\n%s", err, out)
	}
	exp := filepath.Join(dir, "exported")
	if out, err = execRoot(t, dir, "runs", "export", id, "--out", exp, "--store", st); err != nil {
		t.Fatalf("runs export: %v\n%s", err, out)
	}
	for _, f := range []string{"trajectory.csv", "summary.json", "report.html"} {
		a, _ := os.ReadFile(filepath.Join(dir, "out", id, f))
		b, _ := os.ReadFile(filepath.Join(exp, id, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("exported %s differs from the run's", f)
		}
	}
	// The server knows the run: the same inputs are not computed again.
	hs, _ := startServe(t, st, server.Config{})
	var r map[string]any
	if c := postJSON(t, hs.URL+"/api/runs", map[string]any{"set": map[string]float64{"sigma_S": 0.5}}, &r); c != 200 || r["id"] != id || r["origin"] != "cli" {
		t.Fatalf("server on the CLI's store: %d %v", c, r)
	}
	if out, err = execRoot(t, dir, "runs", "rm", id, "--store", st); err != nil || !strings.Contains(out, "deleted "+id) {
		t.Fatalf("runs rm: %v\n%s", err, out)
	}
	if _, err = execRoot(t, dir, "runs", "show", id, "--store", st); err == nil {
		t.Fatal("runs show after rm succeeded")
	}
}

func TestServeNeedsTokenOffLoopback(t *testing.T) {
	err := serveMain(context.Background(), serveOptions{addr: "0.0.0.0:0", store: t.TempDir()}, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "--token") {
		t.Fatalf("non-loopback without a token: %v", err)
	}
	for _, a := range []string{"127.0.0.1:80", "localhost:8080", "[::1]:8080"} {
		if !isLoopback(a) {
			t.Errorf("%s is loopback", a)
		}
	}
	for _, a := range []string{":8080", "0.0.0.0:8080", "192.168.1.2:80", "example.org:80"} {
		if isLoopback(a) {
			t.Errorf("%s is not loopback", a)
		}
	}
}

// TestHelperServeProcess runs `holobiont serve` from $HB_SERVE_ARGS in a
// child process (for TestServeKillMidCohort; skipped otherwise).
func TestHelperServeProcess(t *testing.T) {
	a := os.Getenv("HB_SERVE_ARGS")
	if a == "" {
		t.Skip("helper process only")
	}
	c := newServeCmd()
	c.SetArgs(strings.Fields(a))
	c.SetOut(os.Stdout)
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
}

// TestServeKillMidCohort kills the server (SIGKILL) while it computes a
// cohort, checks that nothing looks finished, starts it again and checks
// that the cohort resumes (chunks written before the kill are kept) and
// that its files are byte-identical to an uninterrupted `holobiont cohort`.
func TestServeKillMidCohort(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	spec := strings.Replace(strings.Replace(cliSpec, "n: 6", "n: 400", 1), "duration: 10", "duration: 200", 1)
	specPath := filepath.Join(dir, "kill.yaml")
	os.WriteFile(specPath, []byte(spec), 0o644)
	ref := filepath.Join(dir, "ref")
	c := newCohortCmd()
	c.SetArgs([]string{specPath, "--out", ref, "--workers", "1", "--progress", "never"})
	c.SetOut(io.Discard)
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	start := func() (*exec.Cmd, string) {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestHelperServeProcess$")
		cmd.Env = append(os.Environ(), "HB_SERVE_ARGS=--addr 127.0.0.1:0 --store "+data+" --workers 1")
		stdout, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "holobiont serve: "); ok && strings.HasPrefix(u, "http") {
				go io.Copy(io.Discard, stdout)
				return cmd, strings.Fields(u)[0]
			}
		}
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the server did not start")
		return nil, ""
	}
	srv, base := start()
	resp, err := http.Post(base+"/api/uploads?name=kill.yaml&kind=cohort", "application/yaml", strings.NewReader(spec))
	if err != nil || resp.StatusCode != 201 {
		srv.Process.Kill()
		t.Fatalf("upload: %v %v", err, resp)
	}
	resp.Body.Close()
	var r map[string]any
	if code := postJSON(t, base+"/api/runs", map[string]any{"kind": "cohort", "spec": "kill.yaml"}, &r); code != 201 {
		srv.Process.Kill()
		t.Fatalf("submit: %d %v", code, r)
	}
	id := r["id"].(string)
	chunks := filepath.Join(data, "work", id, "chunks")
	deadline := time.Now().Add(60 * time.Second)
	var before []string
	for time.Now().Before(deadline) {
		before, _ = filepath.Glob(filepath.Join(chunks, "chunk-*.gob"))
		if len(before) >= 3 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	if len(before) < 3 {
		t.Fatalf("only %d chunks before the kill", len(before))
	}
	// Nothing looks finished.
	st, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	run, err := st.Get(context.Background(), id)
	arts, _ := st.Artefacts(context.Background(), id)
	st.Close()
	if err != nil || run.Status != store.Running || len(arts) != 0 {
		t.Fatalf("after SIGKILL: %+v, %d files (%v)", run, len(arts), err)
	}
	mt := map[string]time.Time{}
	for _, f := range before {
		s, _ := os.Stat(f)
		mt[f] = s.ModTime()
	}
	// Restart: the run is queued again and resumes from its chunks.
	srv, base = start()
	defer func() { srv.Process.Signal(syscall.SIGTERM); srv.Wait() }()
	deadline = time.Now().Add(5 * time.Minute)
	var status string
	for time.Now().Before(deadline) {
		for f, m := range mt {
			if s, err := os.Stat(f); err == nil && !s.ModTime().Equal(m) {
				t.Errorf("%s was recomputed after the restart", filepath.Base(f))
				delete(mt, f)
			}
		}
		json.Unmarshal(getBytes(t, base+"/api/runs/"+id), &r)
		status, _ = r["status"].(string)
		if status == "succeeded" || status == "failed" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if status != "succeeded" || r["attempts"].(float64) != 2 {
		t.Fatalf("after restart: %v", r)
	}
	logs := string(getBytes(t, base+"/api/runs/"+id+"/logs"))
	if !strings.Contains(logs, "resuming") || !strings.Contains(logs, "interrupted") {
		t.Errorf("log does not tell of the resume: %s", logs)
	}
	for _, f := range []string{"subjects.csv", "samples.csv", "measurements.csv", "counts.biom", "counts.json.biom", "sample-metadata.tsv", "truth-abundance.csv", "mdsine/counts.txt", "manifest.json"} {
		want, _ := os.ReadFile(filepath.Join(ref, f))
		got := getBytes(t, base+"/api/runs/"+id+"/results/"+f)
		if len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("%s differs from an uninterrupted holobiont cohort (%d vs %d bytes)", f, len(got), len(want))
		}
	}
}

// TestServeTrial: a trial (an uploaded, shrunk copy of the shipped eczema
// trial, without its power study) runs in the background and gives the
// files `holobiont trial --no-power` writes, byte for byte.
func TestServeTrial(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	data, err := os.ReadFile("../../examples/trial-probiotic-eczema.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec := strings.Replace(string(data), "\nn: 120\n", "\nn: 24\n", 1)
	dir := t.TempDir()
	specPath := filepath.Join(dir, "small-trial.yaml")
	os.WriteFile(specPath, []byte(spec), 0o644)
	ref := filepath.Join(dir, "ref")
	c := newTrialCmd()
	t.Chdir(dir) // the report names the spec as given: run it as "small-trial.yaml", as the server names it
	c.SetArgs([]string{"small-trial.yaml", "--out", ref, "--no-power", "--progress", "never"})
	c.SetOut(io.Discard)
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	hs, _ := startServe(t, t.TempDir(), server.Config{})
	if code, err := postRaw(hs.URL+"/api/uploads?name=small-trial.yaml&kind=trial", spec); err != nil || code != 201 {
		t.Fatalf("upload: %v %d", err, code)
	}
	var r map[string]any
	if code := postJSON(t, hs.URL+"/api/runs", map[string]any{"kind": "trial", "spec": "small-trial.yaml", "no_power": true}, &r); code != 201 {
		t.Fatalf("submit: %d %v", code, r)
	}
	if done := waitRun(t, hs.URL, r["id"].(string), 3*time.Minute); done["status"] != "succeeded" {
		t.Fatalf("trial: %v", done)
	}
	for _, f := range []string{"analysis.tsv", "subjects.csv", "counts.biom", "report.html", "manifest.json"} {
		want, _ := os.ReadFile(filepath.Join(ref, f))
		got := getBytes(t, hs.URL+"/api/runs/"+r["id"].(string)+"/results/"+f)
		if len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("%s differs from holobiont trial's (%d vs %d bytes)", f, len(got), len(want))
		}
	}
	// The whole power study would be over a small --max-subjects: refused before anything runs.
	hs2, _ := startServe(t, t.TempDir(), server.Config{Limits: server.Limits{MaxSubjects: 100}})
	var e map[string]string
	if code := postJSON(t, hs2.URL+"/api/runs", map[string]any{"kind": "trial", "spec": "trial-probiotic-eczema.yaml"}, &e); code != 422 || !strings.Contains(e["error"], "--max-subjects") {
		t.Fatalf("trial over the subject limit: %d %v", code, e)
	}
}

// TestServeOMEX: a COMBINE/OMEX archive (an SBML model and a SED-ML
// uniform time course) posted to /api/runs runs the model over that time
// course; archives without a model, zip bombs and non-archives are refused.
func TestServeOMEX(t *testing.T) {
	hs, _ := startServe(t, t.TempDir(), server.Config{MaxUpload: 1 << 20})
	xmlPath := filepath.Join(t.TempDir(), "lee.xml")
	root := newRootCmd()
	root.SetArgs([]string{"sbml", "export", "../../models/lee2024.yaml", "--out", xmlPath})
	root.SetOut(io.Discard)
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	model, _ := os.ReadFile(xmlPath)
	archive := func(files map[string][]byte) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for name, data := range files {
			f, _ := zw.Create(name)
			f.Write(data)
		}
		zw.Close()
		return b.Bytes()
	}
	manifest := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<omexManifest xmlns="http://identifiers.org/combine.specifications/omex-manifest">
  <content location="." format="http://identifiers.org/combine.specifications/omex"/>
  <content location="./model/lee.xml" format="http://identifiers.org/combine.specifications/sbml.level-3.version-2" master="true"/>
  <content location="./sim.sedml" format="http://identifiers.org/combine.specifications/sed-ml"/>
</omexManifest>`)
	sedml := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<sedML xmlns="http://sed-ml.org/sed-ml/level1/version3" level="1" version="3">
  <listOfSimulations>
    <uniformTimeCourse id="sim" initialTime="0" outputStartTime="10" outputEndTime="50" numberOfPoints="80"/>
  </listOfSimulations>
</sedML>`)
	post := func(body []byte, out any) int {
		resp, err := http.Post(hs.URL+"/api/runs?title=lee", "application/zip", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		json.NewDecoder(resp.Body).Decode(out)
		return resp.StatusCode
	}
	var r map[string]any
	if code := post(archive(map[string][]byte{"manifest.xml": manifest, "model/lee.xml": model, "sim.sedml": sedml}), &r); code != 201 {
		t.Fatalf("archive: %d %v", code, r)
	}
	done := waitRun(t, hs.URL, r["id"].(string), time.Minute)
	var sum struct {
		Start, End  float64
		OutputTimes int `json:"output_times"`
	}
	json.Unmarshal(getBytes(t, hs.URL+"/api/runs/"+r["id"].(string)+"/results/summary.json"), &sum)
	if done["status"] != "succeeded" || done["title"] != "lee" || sum.Start != 0 || sum.End != 50 || sum.OutputTimes != 81 {
		t.Fatalf("archive run: %v %+v", done["status"], sum)
	}
	var e map[string]string
	if code := post(archive(map[string][]byte{"manifest.xml": []byte(`<omexManifest/>`)}), &e); code != 422 || !strings.Contains(e["error"], "no SBML model") {
		t.Fatalf("archive without a model: %d %v", code, e)
	}
	bomb := bytes.Repeat([]byte("<a/>"), 3<<20) // 12 MB of XML, a few kB zipped
	if code := post(archive(map[string][]byte{"manifest.xml": manifest, "model/lee.xml": bomb}), &e); code != 422 || !strings.Contains(e["error"], "uncompressed") {
		t.Fatalf("zip bomb: %d %v", code, e)
	}
	if code := post([]byte("not a zip"), &e); code != 400 {
		t.Fatalf("not an archive: %d %v", code, e)
	}
}

// TestServeGSA: sensitivity analyses run as background jobs and give the
// files `holobiont gsa` writes, byte for byte: a Morris screening of a
// shipped model, and a Sobol analysis of an uploaded model that the
// uploaded spec names by its upload name.
func TestServeGSA(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	testdata, err := filepath.Abs("../../gsa/study/testdata")
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := startServe(t, t.TempDir(), server.Config{})
	for _, f := range []struct{ name, kind string }{{"linear.yaml", "model"}, {"morris-hpa.yaml", "gsa"}, {"morris-linear.yaml", "gsa"}} {
		data, _ := os.ReadFile(filepath.Join(testdata, f.name))
		if code, err := postRaw(hs.URL+"/api/uploads?name="+f.name+"&kind="+f.kind, string(data)); err != nil || code != 201 {
			t.Fatalf("upload %s: %v %d", f.name, err, code)
		}
	}
	out := t.TempDir()
	t.Chdir(testdata) // the CLI reads the specs by the names the server knows them by
	for _, spec := range []string{"morris-hpa.yaml", "morris-linear.yaml"} {
		ref := filepath.Join(out, spec)
		c := newGSACmd()
		c.SetArgs([]string{spec, "--out", ref, "--progress", "never"})
		c.SetOut(io.Discard)
		if err := c.Execute(); err != nil {
			t.Fatal(err)
		}
		var r map[string]any
		if code := postJSON(t, hs.URL+"/api/runs", map[string]any{"kind": "gsa", "spec": spec}, &r); code != 201 {
			t.Fatalf("%s: %d %v", spec, code, r)
		}
		if done := waitRun(t, hs.URL, r["id"].(string), 3*time.Minute); done["status"] != "succeeded" {
			t.Fatalf("%s: %v", spec, done)
		}
		for _, f := range []string{"samples.tsv", "outputs.tsv", "indices.tsv", "indices.json", "report.html", "manifest.json"} {
			want, _ := os.ReadFile(filepath.Join(ref, f))
			got := getBytes(t, hs.URL+"/api/runs/"+r["id"].(string)+"/results/"+f)
			if len(want) == 0 || !bytes.Equal(got, want) {
				t.Errorf("%s: %s differs from holobiont gsa's (%d vs %d bytes)", spec, f, len(got), len(want))
			}
		}
	}
	var e map[string]string
	if code := postJSON(t, hs.URL+"/api/runs", map[string]any{"kind": "vpop", "spec": "morris-hpa.yaml"}, &e); code != 422 || !strings.Contains(e["error"], "kind gsa") {
		t.Fatalf("gsa spec as vpop: %d %v", code, e)
	}
}
