package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/server"
	"github.com/holobiont/holobiont/store/storetest"
)

// badinputCase is a case of scripts/badinput/cases.tsv the server can
// take: its input files (corpus paths) go up as uploads and then into a
// run request.
type badinputCase struct {
	id, expect string
	kind       string // run, cohort, trial, gsa or vpop
	model      string // model file (kind run), "" for the default model
	scenario   string // scenario file (kind run), or ""
	spec       string // spec file (other kinds)
}

// serverCases reads the corpus cases whose inputs are files the server
// accepts as uploads: models (YAML and SBML), scenarios and cohort, trial,
// GSA and vpop specs. Interrupts, reruns (cases with a setup line),
// generated inputs, tables and missing files are the CLI's alone.
func serverCases(t *testing.T) []badinputCase {
	t.Helper()
	f, err := os.Open("../../scripts/badinput/cases.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []badinputCase
	setup := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cells := strings.SplitN(sc.Text(), "\t", 3)
		if len(cells) < 3 || strings.HasPrefix(cells[0], "#") {
			continue
		}
		id, expect, args := cells[0], cells[1], strings.Fields(cells[2])
		if expect == "setup" {
			setup[id] = true
			continue
		}
		if setup[id] || !(expect == "ok" || strings.HasPrefix(expect, "err:")) || strings.Contains(cells[2], "{gen:") || len(args) < 2 {
			continue
		}
		c := badinputCase{id: id, expect: expect}
		file := func(s string) string {
			if p, ok := strings.CutPrefix(s, "{case}/"); ok {
				return filepath.Join("../../scripts/badinput/cases", p)
			}
			return ""
		}
		switch args[0] {
		case "model":
			if args[1] == "check" && len(args) == 3 {
				c.kind, c.model = "run", file(args[2])
			}
		case "sbml":
			if args[1] == "run" {
				c.kind, c.model = "run", file(args[2])
			}
		case "run":
			c.kind = "run"
			if !strings.HasPrefix(args[1], "-") {
				c.model = file(args[1])
			}
			for i := range args[:len(args)-1] {
				if args[i] == "--scenario" {
					c.scenario = file(args[i+1])
				}
			}
		case "cohort", "trial", "gsa", "vpop":
			c.kind, c.spec = args[0], file(args[1])
		}
		if c.kind == "" || c.kind != "run" && c.spec == "" || c.model == "" && c.scenario == "" && c.spec == "" {
			continue
		}
		missing := false
		for _, p := range []string{c.model, c.scenario, c.spec} {
			if _, err := os.Stat(p); p != "" && err != nil {
				missing = true
			}
		}
		if !missing {
			out = append(out, c)
		}
	}
	return out
}

// corpusServer is the real server (the CLI's engine) without workers: runs
// are checked and queued, not executed, which keeps the corpus cheap.
func corpusServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv, err := server.New(server.Config{Store: storetest.Open(t, t.TempDir()), Engine: serveEngine{}, WorkDir: t.TempDir(), Version: version, Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs
}

// call sends a request and returns the status and the error message of a
// refusal; a 5xx, or an answer showing a stack trace, fails the test.
func call(t *testing.T, c badinputCase, method, u, ctype string, body io.Reader, out any) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", c.id, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 || strings.Contains(string(data), "goroutine ") || strings.Contains(string(data), "panic") {
		t.Errorf("%s: %s %s: %d %s", c.id, method, u, resp.StatusCode, data)
	}
	if resp.StatusCode >= 400 {
		var e struct{ Error string }
		json.Unmarshal(data, &e)
		return resp.StatusCode, e.Error
	}
	if out != nil {
		json.Unmarshal(data, out)
	}
	return resp.StatusCode, ""
}

// count returns how many runs or uploads the server holds.
func count(t *testing.T, c badinputCase, base, what string) int {
	var list map[string][]json.RawMessage
	call(t, c, "GET", base+"/api/"+what, "", nil, &list)
	return len(list[what])
}

// TestServeBadInputCorpus sends the uploadable inputs of the bad-input
// corpus (scripts/badinput/cases.tsv) through the server's upload and run
// endpoints: no answer is a 5xx or shows a stack trace; a refused input is a
// 4xx whose message names the place the CLI names (file:line:col or id; the
// upload's name stands for the corpus path); a refused upload or run
// stores nothing; and every input the CLI accepts is accepted and queued.
// The runs are not executed (the server has no workers here), so an error
// the CLI finds only while simulating is accepted at submission.
func TestServeBadInputCorpus(t *testing.T) {
	cases := serverCases(t)
	if len(cases) < 80 {
		t.Fatalf("only %d corpus cases go to the server", len(cases))
	}
	hs := corpusServer(t)
	refused, accepted := 0, 0
	for i, c := range cases {
		want, _ := strings.CutPrefix(c.expect, "err:")
		if c.expect == "ok" {
			want = ""
		} else if j := strings.LastIndexByte(strings.SplitN(want, ":", 2)[0], '/'); j >= 0 {
			want = want[j+1:] // "model/x.yaml:3:4": the upload is named x.yaml
		}
		// upload puts a corpus file up (under a name unique to the case)
		// and returns its reference, or "" when the server refuses it.
		upload := func(p, kind, model string) (string, bool) {
			name := fmt.Sprintf("c%03d-%s", i, filepath.Base(p))
			data, _ := os.ReadFile(p)
			q := url.Values{"name": {name}, "kind": {kind}}
			if model != "" {
				q.Set("model", model)
			}
			before := count(t, c, hs.URL, "uploads")
			var u struct{ SHA256 string }
			code, msg := call(t, c, "POST", hs.URL+"/api/uploads?"+q.Encode(), "application/octet-stream", strings.NewReader(string(data)), &u)
			if code >= 400 {
				if n := count(t, c, hs.URL, "uploads"); n != before {
					t.Errorf("%s: refused upload %s stored (%d uploads, was %d)", c.id, name, n, before)
				}
				w := want
				if len(data) == 0 && w != "" {
					w = filepath.Base(p) // an empty file has no line to point at
				}
				c.checkRefusal(t, w, "upload "+path.Base(p), code, strings.ReplaceAll(msg, name, filepath.Base(p)))
				return "", false
			}
			return "sha256:" + u.SHA256, true
		}
		req := map[string]any{"kind": c.kind, "no_power": true}
		ok := true
		if c.model != "" {
			req["model"], ok = upload(c.model, "model", "")
		}
		if ok && c.scenario != "" {
			m, _ := req["model"].(string)
			var ref string
			ref, ok = upload(c.scenario, "scenario", m)
			q, _ := json.Marshal(ref)
			req["scenario"] = json.RawMessage(q)
		}
		if ok && c.spec != "" {
			req["spec"], ok = upload(c.spec, c.kind, "")
		}
		if !ok {
			refused++
			continue
		}
		before := count(t, c, hs.URL, "runs")
		body, _ := json.Marshal(req)
		code, msg := call(t, c, "POST", hs.URL+"/api/runs", "application/json", strings.NewReader(string(body)), nil)
		if code >= 400 {
			refused++
			if n := count(t, c, hs.URL, "runs"); n != before {
				t.Errorf("%s: refused run stored (%d runs, was %d)", c.id, n, before)
			}
			for _, p := range []string{c.model, c.scenario, c.spec} {
				if p != "" {
					msg = strings.ReplaceAll(msg, fmt.Sprintf("c%03d-%s", i, filepath.Base(p)), filepath.Base(p))
				}
			}
			c.checkRefusal(t, want, "run", code, msg)
			continue
		}
		accepted++
		t.Logf("%s: accepted (%s)", c.id, c.expect)
		if c.expect != "ok" && !strings.Contains(want, "at t=") {
			t.Errorf("%s: the server accepted what the CLI refuses with %q", c.id, want)
		}
		if n := count(t, c, hs.URL, "runs"); n != before+1 && code == http.StatusCreated {
			t.Errorf("%s: accepted run not stored (%d runs, was %d)", c.id, n, before)
		}
	}
	t.Logf("%d corpus cases through the server: %d refused, %d accepted", len(cases), refused, accepted)
}

// checkRefusal checks a refusal of case c: a 4xx naming the place want
// ("" for an input the CLI accepts: then any refusal is wrong).
func (c badinputCase) checkRefusal(t *testing.T, want, what string, code int, msg string) {
	t.Helper()
	switch {
	case want == "":
		t.Errorf("%s: %s refused (%d) though the CLI accepts it: %s", c.id, what, code, msg)
	case !strings.Contains(msg, want):
		t.Errorf("%s: %s refused (%d) without the place %q: %s", c.id, what, code, want, msg)
	}
}
