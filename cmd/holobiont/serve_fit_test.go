package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/server"
)

// zipFolder zips the files of dir under folder/ (no folder: top level).
func zipFolder(t *testing.T, dir, folder string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		name := e.Name()
		if folder != "" {
			name = folder + "/" + name
		}
		w, _ := zw.Create(name)
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

// TestServeFit: a fit run on an uploaded data set (a zip of a long-format
// folder) gives the files `holobiont fit` writes for the same folder, byte
// for byte (fit.json aside: it holds timings), reports progress over the
// fit and its folds, and bad data or options are refused at upload or
// submission with the CLI's messages.
func TestServeFit(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	src := simulateTrue3(t)
	data := filepath.Join(t.TempDir(), "true3")
	os.MkdirAll(data, 0o755)
	for _, n := range []string{"abundance.tsv", "inputs.tsv"} {
		b, _ := os.ReadFile(filepath.Join(src, n))
		os.WriteFile(filepath.Join(data, n), b, 0o644)
	}
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := runCLI(t, "fit", data, "--method", "clv", "--dt-weight", "auto", "--cv", "loso", "--bootstrap", "8", "--seed", "3", "--out", ref); err != nil {
		t.Fatal(err)
	}
	hs, _ := startServe(t, t.TempDir(), server.Config{})
	if code, err := postRaw(hs.URL+"/api/uploads?name=true3.zip&kind=data", string(zipFolder(t, data, "true3"))); err != nil || code != 201 {
		t.Fatalf("upload: %v %d", err, code)
	}
	// Progress: the fit, then one step per held-out subject.
	var r map[string]any
	seed := uint64(3)
	req := map[string]any{"kind": "fit", "data": "true3.zip", "seed": seed, "fit": map[string]any{"method": "clv", "dt_weight": "auto", "cv": "loso", "bootstrap": 8}}
	if code := postJSON(t, hs.URL+"/api/runs", req, &r); code != 201 {
		t.Fatalf("submit: %d %v", code, r)
	}
	id := r["id"].(string)
	if r["progress_total"] != float64(6) || !strings.Contains(r["title"].(string), "fit clv to true3 (5 subjects)") {
		t.Errorf("queued run: %v", r)
	}
	resp, err := http.Get(hs.URL + "/api/runs/" + id + "/events")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	var last string
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: ") {
			last = sc.Text()
		}
	}
	resp.Body.Close()
	if !strings.Contains(last, `"status":"succeeded"`) || !strings.Contains(last, `"progress_done":6`) {
		t.Fatalf("last event %s", last)
	}
	for _, f := range []string{"model.yaml", "parameters.tsv", "bootstrap.tsv", "penalties.tsv", "predictions.tsv", "cv-taxa.tsv"} {
		want, _ := os.ReadFile(filepath.Join(ref, f))
		got := getBytes(t, hs.URL+"/api/runs/"+id+"/results/"+f)
		if len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("%s differs from holobiont fit's (%d vs %d bytes)", f, len(got), len(want))
		}
	}
	if !bytes.Contains(getBytes(t, hs.URL+"/api/runs/"+id+"/results/fit.txt"), []byte("median rmse_rel")) {
		t.Error("fit.txt lacks the cross-validation summary")
	}
	if b := getBytes(t, hs.URL+"/api/runs/"+id+"/results/fit.json"); !bytes.Contains(b, []byte(`"command": "holobiont fit true3 --method clv"`)) {
		t.Errorf("fit.json names the data set by a server path:\n%s", b)
	}
	// The same request again is the stored run.
	if code := postJSON(t, hs.URL+"/api/runs", req, &r); code != 200 || r["id"] != id {
		t.Errorf("resubmit: %d %v", code, r["id"])
	}

	// Bad input.
	bad := map[string]string{"notes.txt": "hello"}
	var bz bytes.Buffer
	zw := zip.NewWriter(&bz)
	for n, s := range bad {
		w, _ := zw.Create(n)
		w.Write([]byte(s))
	}
	zw.Close()
	for _, tc := range []struct {
		url, body, want string
	}{
		{"/api/uploads?name=notes.zip&kind=data", bz.String(), "notes.zip: notes: not a recognised data folder"},
		{"/api/uploads?name=plain.zip&kind=data", "subject\ttime\n", "a data set is uploaded as a zip archive of its folder"},
	} {
		resp, err := http.Post(hs.URL+tc.url, "application/octet-stream", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		b := new(bytes.Buffer)
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 422 || !strings.Contains(b.String(), tc.want) {
			t.Errorf("%s: %d %s, want 422 with %q", tc.url, resp.StatusCode, b, tc.want)
		}
	}
	for _, tc := range []struct {
		req  map[string]any
		want string
	}{
		{map[string]any{"kind": "fit"}, "a fit run needs data"},
		{map[string]any{"kind": "fit", "data": "missing.zip"}, "neither a shipped file nor an upload"},
		{map[string]any{"kind": "fit", "data": "true3.zip", "model": "gut-skin-brain.yaml"}, "leave model, scenario, set and spec out"},
		{map[string]any{"kind": "run", "fit": map[string]any{"method": "clv"}}, "only fit runs take a data set and fit options"},
		{map[string]any{"kind": "fit", "data": "true3.zip", "fit": map[string]any{"method": "gLV"}}, `unknown method "gLV"`},
		{map[string]any{"kind": "fit", "data": "true3.zip", "fit": map[string]any{"dt_weight": "auto", "penalty": "growth=1,interaction=1,perturbation=1"}}, "--dt-weight auto chooses the weight"},
		{map[string]any{"kind": "fit", "data": "true3.zip", "fit": map[string]any{"cv": "kfold"}}, `cv "kfold": want none or loso`},
	} {
		var e map[string]string
		if code := postJSON(t, hs.URL+"/api/runs", tc.req, &e); code < 400 || !strings.Contains(e["error"], tc.want) {
			t.Errorf("%v: %d %v, want %q", tc.req, code, e, tc.want)
		}
	}
}
