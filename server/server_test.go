package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/holobiont/holobiont/store/storetest"
)

// lineEngine is a tiny engine for the API tests: x(t) = slope·t for t =
// 0..10 with slope = set["slope"] (default 1); "fail" makes it fail part way
// and "sleep" makes it slow.
type lineEngine struct{}

func (lineEngine) Prepare(ctx context.Context, job *Job) (*Plan, error) {
	if v, ok := job.Set["slope"]; ok && (v < -10 || v > 10) {
		return nil, fmt.Errorf("--set slope: value %v outside its range [-10, 10]", v)
	}
	b, _ := json.Marshal(job.Set)
	h := sha256.Sum256(append(b, job.Kind...))
	return &Plan{ID: hex.EncodeToString(h[:])[:12], Title: "line", Total: 10}, nil
}

func (lineEngine) Execute(ctx context.Context, job *Job, dir string, progress func(done, total int64)) (json.RawMessage, error) {
	slope := 1.0
	if v, ok := job.Set["slope"]; ok {
		slope = v
	}
	var b bytes.Buffer
	b.WriteString("time,variable,value\n")
	for t := 0; t <= 10; t++ {
		if job.Set["sleep"] > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(job.Set["sleep"] * float64(time.Millisecond))):
			}
		}
		fmt.Fprintf(&b, "%d,x,%g\n%d,y,%g\n", t, slope*float64(t), t, 2.0)
		progress(int64(t), 10)
		if job.Set["fail"] > 0 && t == 5 {
			os.WriteFile(filepath.Join(dir, "trajectory.partial.csv"), b.Bytes(), 0o644)
			return json.RawMessage(`{"complete":false}`), fmt.Errorf("non-finite state at t=5")
		}
	}
	os.MkdirAll(filepath.Join(dir, "chunks"), 0o755)
	os.WriteFile(filepath.Join(dir, "chunks", "c0"), []byte("working state"), 0o644)
	os.WriteFile(filepath.Join(dir, "trajectory.csv"), b.Bytes(), 0o644)
	sum := fmt.Sprintf(`{"complete":true,"endpoints":[{"variable":"x","baseline":0,"min":%g,"max":%g,"end":%g}]}`, min(0, 10*slope), max(0, 10*slope), 10*slope)
	os.WriteFile(filepath.Join(dir, "summary.json"), []byte(sum), 0o644)
	return json.RawMessage(sum), nil
}

type testServer struct {
	*httptest.Server
	s     *Server
	token string
}

func newTestServer(t *testing.T, loc string, cfg Config) *testServer {
	t.Helper()
	cfg.Store = storetest.Open(t, loc)
	cfg.Engine = lineEngine{}
	cfg.WorkDir = t.TempDir()
	cfg.Log = t.Logf
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); cancel(); s.Wait() })
	return &testServer{Server: hs, s: s, token: cfg.Token}
}

// do sends a request and decodes a JSON answer into out (when not nil).
func (ts *testServer) do(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, ts.URL+path, rd)
	if ts.token != "" {
		req.Header.Set("Authorization", "Bearer "+ts.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		var e apiError
		if err := json.Unmarshal(data, &e); err != nil || e.Error == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: error %d is not JSON with a message: %q", method, path, resp.StatusCode, data)
		}
		if strings.Contains(string(data), "goroutine ") || strings.Contains(string(data), ".go:") {
			t.Errorf("%s %s: error shows a stack trace: %s", method, path, data)
		}
	}
	if out != nil {
		if p, ok := out.(*[]byte); ok {
			*p = data
		} else if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

func (ts *testServer) wait(t *testing.T, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var r map[string]any
		ts.do(t, "GET", "/api/runs/"+id, nil, &r)
		switch r["status"] {
		case "succeeded", "failed", "cancelled":
			return r
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("run %s did not finish", id)
	return nil
}

func TestRunLifecycle(t *testing.T) {
	storetest.RunBoth(t, func(t *testing.T, loc string) {
		ts := newTestServer(t, loc, Config{})
		var r map[string]any
		if c := ts.do(t, "POST", "/api/runs", map[string]any{"set": map[string]float64{"slope": 2}}, &r); c != http.StatusCreated {
			t.Fatalf("submit: %d %v", c, r)
		}
		id := r["id"].(string)
		done := ts.wait(t, id)
		if done["status"] != "succeeded" || done["attempts"].(float64) != 1 {
			t.Fatalf("run: %v", done)
		}
		// Same inputs: the stored run (200), not computed again.
		if c := ts.do(t, "POST", "/api/runs", map[string]any{"set": map[string]float64{"slope": 2}}, &r); c != http.StatusOK || r["id"] != id || r["attempts"].(float64) != 1 {
			t.Fatalf("resubmit: %d %v", c, r)
		}
		// Outputs: the working state (chunks/) is not stored.
		outs := done["outputs"].([]any)
		var names []string
		for _, o := range outs {
			names = append(names, o.(map[string]any)["name"].(string))
		}
		if strings.Join(names, ",") != "summary.json,trajectory.csv" {
			t.Fatalf("outputs %v", names)
		}
		var tj struct {
			Time      []float64            `json:"time"`
			Names     []string             `json:"names"`
			Variables map[string][]float64 `json:"variables"`
		}
		ts.do(t, "GET", "/api/runs/"+id+"/results/trajectory?vars=x", nil, &tj)
		if len(tj.Time) != 11 || tj.Variables["x"][10] != 20 || len(tj.Variables) != 1 || len(tj.Names) != 2 {
			t.Fatalf("trajectory JSON: %+v", tj)
		}
		var csv []byte
		ts.do(t, "GET", "/api/runs/"+id+"/results/trajectory.csv", nil, &csv)
		if !bytes.HasPrefix(csv, []byte("time,variable,value\n0,x,0\n")) {
			t.Fatalf("trajectory.csv: %q", csv[:40])
		}
		var logs struct {
			Lines []struct{ Line string } `json:"lines"`
		}
		ts.do(t, "GET", "/api/runs/"+id+"/logs", nil, &logs)
		// "queued" first, even when a worker claims and finishes the run
		// before the submitting handler returns (the store writes it with
		// the run: on PostgreSQL it once came after "succeeded")
		if len(logs.Lines) < 3 || !strings.HasPrefix(logs.Lines[0].Line, "queued") || !strings.HasPrefix(logs.Lines[len(logs.Lines)-1].Line, "succeeded") {
			t.Fatalf("logs: %+v", logs)
		}
		// A second run and the comparison.
		ts.do(t, "POST", "/api/runs", map[string]any{"set": map[string]float64{"slope": 3}}, &r)
		id2 := r["id"].(string)
		ts.wait(t, id2)
		var cmp struct {
			Endpoints []struct {
				Variable, Stat string
				Values, Diff   []float64
			} `json:"endpoints"`
		}
		ts.do(t, "GET", "/api/compare?ids="+id+","+id2, nil, &cmp)
		if len(cmp.Endpoints) != 3 || cmp.Endpoints[0].Stat != "end" || cmp.Endpoints[0].Values[1] != 30 || cmp.Endpoints[0].Diff[1] != 10 {
			t.Fatalf("compare: %+v", cmp)
		}
		var list struct{ Runs []map[string]any }
		ts.do(t, "GET", "/api/runs", nil, &list)
		if len(list.Runs) != 2 {
			t.Fatalf("list: %v", list)
		}
		if c := ts.do(t, "DELETE", "/api/runs/"+id2, nil, nil); c != http.StatusOK {
			t.Fatalf("delete: %d", c)
		}
		if c := ts.do(t, "GET", "/api/runs/"+id2, nil, nil); c != http.StatusNotFound {
			t.Fatalf("after delete: %d", c)
		}
	})
}

func TestFailureKeepsPartialFiles(t *testing.T) {
	ts := newTestServer(t, t.TempDir(), Config{})
	var r map[string]any
	ts.do(t, "POST", "/api/runs", map[string]any{"set": map[string]float64{"fail": 1}}, &r)
	done := ts.wait(t, r["id"].(string))
	if done["status"] != "failed" || !strings.Contains(done["error"].(string), "t=5") {
		t.Fatalf("failed run: %v", done)
	}
	outs := done["outputs"].([]any)
	if len(outs) != 1 || outs[0].(map[string]any)["name"] != "trajectory.partial.csv" {
		t.Fatalf("failed run outputs: %v", outs)
	}
}

func TestCancelAndEvents(t *testing.T) {
	ts := newTestServer(t, t.TempDir(), Config{})
	var r map[string]any
	ts.do(t, "POST", "/api/runs", map[string]any{"set": map[string]float64{"sleep": 300}}, &r)
	id := r["id"].(string)
	// The event stream reports progress while the run runs.
	resp, err := http.Get(ts.URL + "/api/runs/" + id + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events content type %q", ct)
	}
	buf := make([]byte, 4096)
	var got string
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(got, `"status":"running"`) && time.Now().Before(deadline) {
		n, err := resp.Body.Read(buf)
		got += string(buf[:n])
		if err != nil {
			break
		}
	}
	if !strings.Contains(got, "event: progress") || !strings.Contains(got, `"status":"running"`) {
		t.Fatalf("event stream: %q", got)
	}
	if c := ts.do(t, "POST", "/api/runs/"+id+"/cancel", nil, &r); c != http.StatusOK || r["status"] != "cancelled" {
		t.Fatalf("cancel: %d %v", c, r)
	}
	for !strings.Contains(got, "event: done") && time.Now().Before(deadline) {
		n, err := resp.Body.Read(buf)
		got += string(buf[:n])
		if err != nil {
			break
		}
	}
	if !strings.Contains(got, "event: done") || !strings.Contains(got, `"status":"cancelled"`) {
		t.Fatalf("event stream end: %q", got)
	}
	if c := ts.do(t, "POST", "/api/runs/"+id+"/cancel", nil, nil); c != http.StatusConflict {
		t.Fatalf("cancel twice: %d", c)
	}
	// Submitting it again queues it afresh.
	if c := ts.do(t, "POST", "/api/runs", map[string]any{"set": map[string]float64{"sleep": 1}}, &r); c != http.StatusCreated {
		t.Fatalf("new run: %d", c)
	}
}

func TestErrorsAreJSON(t *testing.T) {
	ts := newTestServer(t, t.TempDir(), Config{MaxBody: 200, MaxUpload: 300})
	cases := []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "/api/runs/nope", nil, 404},
		{"GET", "/api/runs/nope/results/trajectory.csv", nil, 404},
		{"GET", "/api/runs/nope/download", nil, 404},
		{"GET", "/api/nothing", nil, 404},
		{"PUT", "/api/runs", "{}", 404},
		{"POST", "/api/runs", "{not json", 400},
		{"POST", "/api/runs", `{"modle": "x"}`, 400},
		{"POST", "/api/runs", `{"title": "` + strings.Repeat("x", 300) + `"}`, 413},
		{"POST", "/api/runs", `{"set": {"slope": 99}}`, 422},
		{"POST", "/api/runs", `{"model": "/etc/passwd"}`, 404},
		{"POST", "/api/runs", `{"model": "../../go.mod"}`, 404},
		{"POST", "/api/runs", `{"scenario": "../models/embed.go"}`, 404},
		{"POST", "/api/runs", `{"kind": "cohort"}`, 422},
		{"POST", "/api/runs", `{"kind": "cohort", "spec": "cohort-tyson-carr.yaml", "set": {"a": 1}}`, 422},
		{"POST", "/api/runs", `{"kind": "nonsense"}`, 422},
		{"GET", "/api/compare?ids=a", nil, 400},
		{"GET", "/api/models/nope.yaml", nil, 404},
		{"GET", "/api/scenarios/..%2f..%2fgo.mod", nil, 404},
		{"POST", "/api/uploads?name=../x.yaml&kind=model", "a: 1", 400},
		{"POST", "/api/uploads?name=gut-skin-brain.yaml&kind=model", "a: 1", 400},
		{"POST", "/api/uploads?name=x.exe&kind=model", "a: 1", 400},
		{"POST", "/api/uploads?name=x.yaml&kind=model", strings.Repeat("#", 400), 413},
		{"POST", "/api/uploads?name=x.yaml&kind=model", "", 400},
		{"POST", "/api/uploads?name=x.yaml&kind=model", "id: [unclosed", 422},
		{"POST", "/api/uploads?name=x.yaml&kind=bogus", "a: 1", 422},
		{"GET", "/nowhere", nil, 404},
	}
	for _, c := range cases {
		if got := ts.do(t, c.method, c.path, c.body, nil); got != c.want {
			t.Errorf("%s %s: status %d, want %d", c.method, c.path, got, c.want)
		}
	}
}

func TestUploadDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	if err := checkDepth([]byte("a: " + deep)); err == nil || !strings.Contains(err.Error(), "deeper than 64") {
		t.Fatalf("flow depth: %v", err)
	}
	var b strings.Builder
	for i := range 80 {
		fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat(" ", i), i)
	}
	if err := checkDepth([]byte(b.String())); err == nil {
		t.Fatal("indentation depth not refused")
	}
	xml := "<sbml>" + strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300) + "</sbml>"
	if err := checkDepth([]byte(xml)); err == nil || !strings.Contains(err.Error(), "XML nested deeper") {
		t.Fatalf("XML depth: %v", err)
	}
	if err := checkDepth([]byte("a: {b: [1, 2, {c: '[[[['}]}\n  # [[[[\n")); err != nil {
		t.Fatalf("ordinary YAML refused: %v", err)
	}
	ts := newTestServer(t, t.TempDir(), Config{})
	if c := ts.do(t, "POST", "/api/uploads?name=deep.yaml&kind=model", "a: "+deep, nil); c != http.StatusUnprocessableEntity {
		t.Fatalf("deep upload: %d", c)
	}
}

func TestUploadModelAndRun(t *testing.T) {
	ts := newTestServer(t, t.TempDir(), Config{})
	model, err := os.ReadFile("../models/stein2013.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var u map[string]any
	if c := ts.do(t, "POST", "/api/uploads?name=mine.yaml&kind=model", model, &u); c != http.StatusCreated {
		t.Fatalf("upload: %d %v", c, u)
	}
	var cat struct {
		Models []struct {
			Name, Source string
			Description  struct {
				Parameters []struct{ ID, Evidence, Citation string } `json:"parameters"`
			} `json:"description"`
		} `json:"models"`
	}
	ts.do(t, "GET", "/api/models", nil, &cat)
	found := false
	for _, m := range cat.Models {
		if m.Name == "mine.yaml" && m.Source == "upload" && len(m.Description.Parameters) > 0 {
			found = true
		}
		if m.Name == "gut-skin-brain.yaml" {
			for _, p := range m.Description.Parameters {
				if p.Evidence == "" || p.Citation == "" {
					t.Errorf("shipped parameter %s has no provenance (%q, %q)", p.ID, p.Evidence, p.Citation)
				}
			}
		}
	}
	if !found {
		t.Fatalf("uploaded model missing from /api/models")
	}
	var r map[string]any
	if c := ts.do(t, "POST", "/api/runs", map[string]any{"model": "mine.yaml"}, &r); c != http.StatusCreated {
		t.Fatalf("run uploaded model: %d %v", c, r)
	}
	if req := r["request"].(map[string]any); req["model"] != "sha256:"+u["sha256"].(string) || req["model_name"] != "mine.yaml" {
		t.Fatalf("stored request does not pin the upload: %v", req)
	}
}

func TestToken(t *testing.T) {
	ts := newTestServer(t, t.TempDir(), Config{Token: "s3cret"})
	for _, p := range []string{"/api/runs", "/api/models", "/api/openapi.json", "/api/health"} {
		resp, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without token: %d", p, resp.StatusCode)
		}
		resp, _ = http.Get(ts.URL + p + "?token=wrong")
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with a wrong token: %d", p, resp.StatusCode)
		}
	}
	if c := ts.do(t, "GET", "/api/runs", nil, nil); c != http.StatusOK {
		t.Fatalf("with the token: %d", c)
	}
	resp, _ := http.Get(ts.URL + "/api/runs?token=s3cret")
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token in the query: %d", resp.StatusCode)
	}
	// The page itself loads without the token (it asks for it).
	resp, _ = http.Get(ts.URL + "/")
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("page: %d", resp.StatusCode)
	}
}

// TestPageIsSelfContained: the page and its assets load nothing from
// another origin (the machine may be offline) and are served with a CSP
// that forbids it.
func TestPageIsSelfContained(t *testing.T) {
	ts := newTestServer(t, t.TempDir(), Config{})
	for _, p := range []string{"/", "/runs/abc", "/compare", "/assets/app.js", "/assets/chart.js", "/assets/style.css"} {
		resp, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) == 0 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: CSP %q", p, resp.Header.Get("Content-Security-Policy"))
		}
		for _, bad := range []string{"http://", "https://", "//cdn", "googleapis"} {
			if strings.Contains(string(b), bad) && !strings.Contains(string(b), `"http://www.w3.org/2000/svg"`) {
				t.Errorf("%s refers to another origin (%s)", p, bad)
			}
		}
	}
}

// TestOpenAPIMatchesRoutes: every API route is documented and every
// documented operation is a route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	var documented, routed []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	s := &Server{}
	for _, r := range s.apiRoutes() {
		routed = append(routed, strings.Replace(r.pattern, "{output...}", "{output}", 1))
	}
	sort.Strings(documented)
	sort.Strings(routed)
	if strings.Join(documented, "\n") != strings.Join(routed, "\n") {
		t.Fatalf("OpenAPI paths and routes differ:\ndocumented:\n%s\nrouted:\n%s", strings.Join(documented, "\n"), strings.Join(routed, "\n"))
	}
	// Every operation documents its success answer and each path parameter.
	for p, ops := range doc.Paths {
		for m, raw := range ops {
			var op struct {
				Responses  map[string]any `json:"responses"`
				Parameters []struct{ Name, In string }
			}
			json.Unmarshal(raw, &op)
			ok := false
			for code := range op.Responses {
				if strings.HasPrefix(code, "2") {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s %s documents no success answer", m, p)
			}
			for _, seg := range strings.Split(p, "/") {
				if strings.HasPrefix(seg, "{") {
					name := strings.Trim(seg, "{}")
					found := false
					for _, pp := range op.Parameters {
						found = found || (pp.Name == name && pp.In == "path")
					}
					if !found {
						t.Errorf("%s %s does not document path parameter %s", m, p, name)
					}
				}
			}
		}
	}
	// The served document is the embedded one.
	ts := newTestServer(t, t.TempDir(), Config{})
	var served []byte
	ts.do(t, "GET", "/api/openapi.json", nil, &served)
	if !bytes.Equal(served, openapiDoc) {
		t.Fatal("served OpenAPI document differs from the embedded one")
	}
}

func TestInlineScenarioIsDeterministic(t *testing.T) {
	a, err := inlineScenario(json.RawMessage(`{"duration": 30, "interventions": [{"type": "stress", "start": 1, "duration": 2, "intensity": 0.5}], "name": "x"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := inlineScenario(json.RawMessage(`{"name": "x", "interventions": [{"intensity": 0.5, "duration": 2, "start": 1, "type": "stress"}], "duration": 30}`))
	if !bytes.Equal(a, b) {
		t.Fatalf("same scenario, different bytes:\n%s\n%s", a, b)
	}
	if !strings.Contains(string(a), "duration: 30") || !strings.Contains(string(a), "intensity: 0.5") {
		t.Fatalf("scenario YAML: %s", a)
	}
}
