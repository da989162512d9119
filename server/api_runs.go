package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/parser"

	"github.com/holobiont/holobiont/internal/yamlnode"
	"github.com/holobiont/holobiont/store"
)

// RunRequest is the body of POST /api/runs.
type RunRequest struct {
	// Kind is run (default), cohort, trial, gsa (sensitivity analysis),
	// vpop (virtual population) or fit (holobiont fit on an uploaded data
	// set).
	Kind string `json:"kind,omitempty"`
	// Model names a shipped or uploaded model (YAML or SBML); default the
	// shipped gut-skin-brain.yaml.
	Model string `json:"model,omitempty"`
	// Scenario is a scenario's name (shipped or uploaded) or a scenario
	// object (the scenario file's fields) edited on the page; default the
	// model's shipped scenario.
	Scenario json.RawMessage `json:"scenario,omitempty"`
	// Spec names a shipped or uploaded cohort, trial, gsa or vpop spec.
	Spec string `json:"spec,omitempty"`
	// Set overrides parameter values (range-checked as the CLI's --set).
	Set    map[string]float64 `json:"set,omitempty"`
	Solver string             `json:"solver,omitempty"`
	RTol   float64            `json:"rtol,omitempty"`
	ATol   float64            `json:"atol,omitempty"`
	Seed   *uint64            `json:"seed,omitempty"`
	// NoPower skips a trial's power study.
	NoPower bool `json:"no_power,omitempty"`
	// Data names a fit run's data set: an upload of kind data (a zip
	// archive of the folder), by name or sha256:HEX.
	Data string `json:"data,omitempty"`
	// Fit holds a fit run's options (holobiont fit's flags).
	Fit *FitSettings `json:"fit,omitempty"`
	// Title labels the run on the page.
	Title string `json:"title,omitempty"`
}

// StoredRequest is the request as stored with a run (and as
// `holobiont run --store` records a CLI run): every input as a
// canonical reference (a shipped name or sha256:HEX of an upload), defaults
// filled in, so the run can be executed again or resumed after a restart.
type StoredRequest struct {
	Kind         string             `json:"kind"`
	Model        string             `json:"model,omitempty"`
	ModelName    string             `json:"model_name,omitempty"`
	Scenario     string             `json:"scenario,omitempty"`
	ScenarioName string             `json:"scenario_name,omitempty"`
	Spec         string             `json:"spec,omitempty"`
	SpecName     string             `json:"spec_name,omitempty"`
	Files        map[string]string  `json:"files,omitempty"`
	Set          map[string]float64 `json:"set,omitempty"`
	Solver       string             `json:"solver"`
	RTol         float64            `json:"rtol"`
	ATol         float64            `json:"atol"`
	Seed         uint64             `json:"seed"`
	NoPower      bool               `json:"no_power,omitempty"`
	Data         string             `json:"data,omitempty"`
	DataName     string             `json:"data_name,omitempty"`
	Fit          *FitSettings       `json:"fit,omitempty"`
	Title        string             `json:"title,omitempty"`
}

// runView is a run as the API shows it.
type runView struct {
	*store.Run
	Outputs []store.Artefact  `json:"outputs"`
	Links   map[string]string `json:"links"`
}

func links(id string) map[string]string {
	base := "/api/runs/" + id
	return map[string]string{"self": base, "page": "/runs/" + id, "events": base + "/events", "logs": base + "/logs",
		"results": base + "/results", "download": base + "/download"}
}

// normalize resolves a request's inputs, builds the engine's job and the
// request stored with the run.
func (s *Server) normalize(ctx context.Context, req *RunRequest) (*Job, *StoredRequest, error) {
	sr := &StoredRequest{Kind: req.Kind, Set: req.Set, Solver: req.Solver, RTol: req.RTol, ATol: req.ATol, Seed: 1, NoPower: req.NoPower, Title: req.Title}
	if sr.Kind == "" {
		sr.Kind = "run"
	}
	if sr.Solver == "" {
		sr.Solver = "auto"
	}
	if sr.RTol == 0 {
		sr.RTol = 1e-6
	}
	if sr.ATol == 0 {
		sr.ATol = 1e-9
	}
	if req.Seed != nil {
		sr.Seed = *req.Seed
	}
	if sr.Kind != kindFit && (req.Data != "" || req.Fit != nil) {
		return nil, nil, fmt.Errorf("data and fit: only fit runs take a data set and fit options")
	}
	switch sr.Kind {
	case kindFit:
		if req.Data == "" {
			return nil, nil, errors.New("a fit run needs data: an upload of kind data (a zip archive of an MDSINE2, MDSINE or long-format folder; GET /api/models lists them)")
		}
		if req.Model != "" || len(req.Scenario) > 0 || len(req.Set) > 0 || req.Spec != "" {
			return nil, nil, errors.New("a fit run learns its model from its data: leave model, scenario, set and spec out")
		}
		f, ref, err := s.resolve(ctx, req.Data, noShipped)
		if err != nil {
			return nil, nil, fmt.Errorf("data: %w", err)
		}
		sr.Data, sr.DataName, sr.Fit = ref, f.Name, req.Fit
		if sr.Fit == nil {
			sr.Fit = &FitSettings{}
		}
	case "run":
		if req.Spec != "" {
			return nil, nil, errors.New("spec: only cohort and trial runs take a spec")
		}
		if req.Model != "" {
			f, ref, err := s.resolve(ctx, req.Model, shippedModel)
			if err != nil {
				return nil, nil, fmt.Errorf("model: %w", err)
			}
			sr.Model, sr.ModelName = ref, f.Name
		}
		if len(req.Scenario) > 0 && string(req.Scenario) != "null" {
			var name string
			if err := json.Unmarshal(req.Scenario, &name); err == nil {
				if name != "" {
					f, ref, err := s.resolve(ctx, name, shippedScenario)
					if err != nil {
						return nil, nil, fmt.Errorf("scenario: %w", err)
					}
					sr.Scenario, sr.ScenarioName = ref, f.Name
				}
			} else {
				data, err := inlineScenario(req.Scenario)
				if err != nil {
					return nil, nil, err
				}
				name := "edited-" + sha(data)[:8] + ".yaml"
				if _, err := s.store.GetUpload(ctx, sha(data)); err != nil {
					if _, err := s.store.PutUpload(ctx, name, kindInline, data); err != nil {
						return nil, nil, err
					}
				}
				sr.Scenario, sr.ScenarioName = "sha256:"+sha(data), name
			}
		}
	case kindCohort, kindTrial, kindGSA, kindVPop:
		if req.Spec == "" {
			return nil, nil, fmt.Errorf("a %s run needs a spec (GET /api/models lists the shipped and uploaded specs)", sr.Kind)
		}
		if req.Model != "" || len(req.Scenario) > 0 || len(req.Set) > 0 {
			return nil, nil, fmt.Errorf("a %s run takes its model, scenario and parameters from its spec: leave model, scenario and set out", sr.Kind)
		}
		f, ref, err := s.resolve(ctx, req.Spec, shippedSpec)
		if err != nil {
			return nil, nil, fmt.Errorf("spec: %w", err)
		}
		sr.Spec, sr.SpecName = ref, f.Name
		files, err := s.specFiles(ctx, f)
		if err != nil {
			return nil, nil, err
		}
		sr.Files = files
	default:
		return nil, nil, fmt.Errorf("kind %q: want run, cohort, trial, gsa, vpop or fit", sr.Kind)
	}
	job, err := s.jobFor(ctx, sr)
	return job, sr, err
}

// specFiles resolves the model and scenario a spec names: shipped
// ("shipped:NAME"), an example scenario ("scenarios/NAME.yaml" beside the
// shipped specs) or an upload of that name. Paths outside are refused.
func (s *Server) specFiles(ctx context.Context, spec *File) (map[string]string, error) {
	var head struct {
		Model    string `yaml:"model"`
		Scenario string `yaml:"scenario"`
	}
	sj, err := scenarioJSON(spec.Data) // generic YAML decode
	if err != nil {
		return nil, fmt.Errorf("spec %s: %v", spec.Name, err)
	}
	head.Model, _ = sj["model"].(string)
	head.Scenario, _ = sj["scenario"].(string)
	files := map[string]string{}
	for _, ref := range []struct {
		field, val string
		shipped    func(string) (*File, bool)
	}{{"model", head.Model, shippedModel}, {"scenario", head.Scenario, shippedScenario}} {
		if ref.val == "" || strings.HasPrefix(ref.val, "shipped:") {
			continue
		}
		clean := path.Clean(ref.val)
		if path.IsAbs(clean) || strings.HasPrefix(clean, "..") || clean != ref.val {
			return nil, fmt.Errorf("spec %s: %s: %q: the server runs specs whose files are shipped (shipped:NAME) or uploaded (a plain relative name)", specPlace(spec, ref.field), ref.field, ref.val)
		}
		_, r, err := s.resolve(ctx, clean, ref.shipped)
		if err != nil {
			return nil, fmt.Errorf("spec %s: %s: %w", specPlace(spec, ref.field), ref.field, err)
		}
		files[clean] = r
	}
	return files, nil
}

// specPlace returns spec's name with the line and column of its top-level
// field (name:line:col), or the name alone when the field is not found.
func specPlace(spec *File, field string) string {
	f, err := parser.ParseBytes(spec.Data, 0)
	if err != nil {
		return spec.Name
	}
	if e := yamlnode.ErrAt(spec.Name, f, "$."+field, ""); e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d", spec.Name, e.Line, e.Col)
	}
	return spec.Name
}

// jobFor resolves a stored request's references to bytes.
func (s *Server) jobFor(ctx context.Context, sr *StoredRequest) (*Job, error) {
	job := &Job{Kind: sr.Kind, Set: sr.Set, Solver: sr.Solver, RTol: sr.RTol, ATol: sr.ATol, Seed: sr.Seed, NoPower: sr.NoPower, Limits: s.cfg.Limits, Fit: sr.Fit}
	job.Limits.MaxData = s.cfg.MaxUpload * maxDataRatio
	var err error
	if sr.Data != "" {
		if job.Data, _, err = s.resolve(ctx, sr.Data, noShipped); err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		job.Data.Name = sr.DataName
	}
	if sr.Model != "" {
		if job.Model, _, err = s.resolve(ctx, sr.Model, shippedModel); err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
	}
	if sr.Scenario != "" {
		if job.Scenario, _, err = s.resolve(ctx, sr.Scenario, shippedScenario); err != nil {
			return nil, fmt.Errorf("scenario: %w", err)
		}
		if strings.HasPrefix(sr.Scenario, "sha256:") && sr.ScenarioName != "" {
			job.Scenario.Name = sr.ScenarioName
		}
	}
	if sr.Spec != "" {
		if job.Spec, _, err = s.resolve(ctx, sr.Spec, shippedSpec); err != nil {
			return nil, fmt.Errorf("spec: %w", err)
		}
		job.Files = map[string]*File{}
		for rel, ref := range sr.Files {
			f, _, err := s.resolve(ctx, ref, func(n string) (*File, bool) {
				if f, ok := shippedScenario(n); ok {
					return f, ok
				}
				return shippedModel(n)
			})
			if err != nil {
				return nil, fmt.Errorf("spec file %s: %w", rel, err)
			}
			job.Files[rel] = f
		}
	}
	return job, nil
}

// prepare asks the engine for a job's plan, remembering plans by the
// canonical request (every input is a content reference, so the same
// request always has the same plan): a stored run is found again without
// parsing and compiling its model.
func (s *Server) prepare(ctx context.Context, job *Job, sr *StoredRequest) (*Plan, error) {
	b, _ := json.Marshal(sr)
	key := sha(b)
	s.mu.Lock()
	p, ok := s.plans[key]
	s.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := s.cfg.Engine.Prepare(ctx, job)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.plans) >= maxPlans {
		clear(s.plans)
	}
	s.plans[key] = p
	s.mu.Unlock()
	return p, nil
}

// maxPlans bounds the remembered plans.
const maxPlans = 4096

// postRun: POST /api/runs. The answer is 201 with the queued run, or 200
// with the stored run when the same inputs were submitted before.
func (s *Server) postRun(w http.ResponseWriter, r *http.Request) {
	var req RunRequest
	if ct := r.Header.Get("Content-Type"); strings.Contains(ct, "zip") || strings.Contains(ct, "omex") {
		if !s.readOMEXRequest(w, r, &req) {
			return
		}
	} else if !s.readJSON(w, r, &req) {
		return
	}
	ctx := r.Context()
	job, sr, err := s.normalize(ctx, &req)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusNotFound, "%v", err)
			return
		}
		writeError(w, http.StatusUnprocessableEntity, "%v", err)
		return
	}
	plan, err := s.prepare(ctx, job, sr)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "%v", err)
		return
	}
	title := plan.Title
	if sr.Title != "" {
		title = sr.Title
	}
	reqJSON, _ := json.Marshal(sr)
	run, created, err := s.store.Submit(ctx, &store.Run{ID: plan.ID, Kind: sr.Kind, Title: title, Request: reqJSON, Total: plan.Total})
	if err != nil {
		storeError(w, err)
		return
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated // the store logged "queued: TITLE" with the run
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	s.writeRun(w, r, code, run)
}

// readOMEXRequest turns a COMBINE/OMEX archive body into a run request:
// its SBML model is stored as an upload (parsed with the upload limits) and
// its SED-ML time course becomes the scenario.
func (s *Server) readOMEXRequest(w http.ResponseWriter, r *http.Request, req *RunRequest) bool {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	data, err := io.ReadAll(r.Body)
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		writeError(w, http.StatusRequestEntityTooLarge, "archive larger than %d bytes (the server's --max-upload-mb)", s.cfg.MaxUpload)
		return false
	}
	if err != nil || !isZip(data) {
		writeError(w, http.StatusBadRequest, "the body is not a COMBINE/OMEX (zip) archive")
		return false
	}
	name, model, tc, err := readOMEX(data, s.cfg.MaxUpload*maxOMEXRatio)
	if err == nil {
		err = checkDepth(model)
	}
	if err == nil {
		err = s.parseBounded(r.Context(), func() error { return validateUpload(kindModel, name, model, nil) })
	}
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "%v", err)
		return false
	}
	if checkUploadName(name, kindModel) != nil {
		name = "archive-" + sha(model)[:8] + ".xml"
	}
	u, err := s.store.PutUpload(r.Context(), name, kindModel, model)
	if err != nil {
		storeError(w, err)
		return false
	}
	*req = RunRequest{Model: "sha256:" + u.SHA256, Title: r.URL.Query().Get("title")}
	if req.Title == "" {
		req.Title = "COMBINE archive: " + name
	}
	if tc != nil {
		req.Scenario = tc.scenario(name)
	}
	return true
}

func (s *Server) writeRun(w http.ResponseWriter, r *http.Request, code int, run *store.Run) {
	s.mu.Lock()
	if p, ok := s.live[run.ID]; ok && run.Status == store.Running {
		run.Done, run.Total = p.done, p.total
	}
	s.mu.Unlock()
	arts, err := s.store.Artefacts(r.Context(), run.ID)
	if err != nil {
		storeError(w, err)
		return
	}
	if arts == nil {
		arts = []store.Artefact{}
	}
	writeJSON(w, code, runView{Run: run, Outputs: arts, Links: links(run.ID)})
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) {
	run, err := s.store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		storeError(w, err)
		return
	}
	s.writeRun(w, r, http.StatusOK, run)
}

// listRuns: GET /api/runs?kind=&status=&limit=&offset=
func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	runs, err := s.store.List(r.Context(), store.Filter{Kind: q.Get("kind"), Status: store.Status(q.Get("status")), Limit: limit, Offset: offset})
	if err != nil {
		storeError(w, err)
		return
	}
	if runs == nil {
		runs = []*store.Run{}
	}
	for _, run := range runs {
		run.Summary = nil // GET /api/runs/{id} has it
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": runs})
}

func (s *Server) deleteRun(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.cancelLocal(id)
	if _, err := s.store.Cancel(r.Context(), id); err != nil {
		storeError(w, err)
		return
	}
	if err := s.store.Delete(r.Context(), id); err != nil {
		storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": id, "status": "deleted"})
}

// cancelRun: POST /api/runs/{id}/cancel stops a queued or running run.
func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	run, err := s.store.Get(r.Context(), id)
	if err != nil {
		storeError(w, err)
		return
	}
	if run.Status.Done() {
		writeError(w, http.StatusConflict, "run %s already %s", id, run.Status)
		return
	}
	if _, err := s.store.Cancel(r.Context(), id); err != nil {
		storeError(w, err)
		return
	}
	s.cancelLocal(id)
	s.store.Log(r.Context(), id, "cancelled by a user")
	run, _ = s.store.Get(r.Context(), id)
	s.writeRun(w, r, http.StatusOK, run)
}

func (s *Server) cancelLocal(id string) {
	s.mu.Lock()
	if c := s.cancels[id]; c != nil {
		c()
	}
	s.mu.Unlock()
}

// events: GET /api/runs/{id}/events streams the run's status and progress
// as Server-Sent Events ("progress" while it runs, one "done" at the end).
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ctx := r.Context()
	run, err := s.store.Get(ctx, id)
	if err != nil {
		storeError(w, err)
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var last string
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	lastStore := time.Now()
	for {
		s.mu.Lock()
		p, local := s.live[id]
		s.mu.Unlock()
		if local && run.Status == store.Running {
			run.Done, run.Total = p.done, p.total
		}
		ev := "progress"
		if run.Status.Done() {
			ev = "done"
		}
		msg, _ := json.Marshal(map[string]any{"id": id, "status": run.Status, "progress_done": run.Done, "progress_total": run.Total, "error": run.Error})
		if string(msg) != last || ev == "done" {
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev, msg)
			fl.Flush()
			last = string(msg)
		}
		if ev == "done" {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		// Status changes come from the store (another worker or process);
		// local progress from memory.
		if !local || time.Since(lastStore) > time.Second {
			if run, err = s.store.Get(ctx, id); err != nil {
				fmt.Fprintf(w, "event: error\ndata: %q\n\n", err.Error())
				fl.Flush()
				return
			}
			lastStore = time.Now()
		}
	}
}

func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.store.Get(r.Context(), id); err != nil {
		storeError(w, err)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	lines, err := s.store.Logs(r.Context(), id, after)
	if err != nil {
		storeError(w, err)
		return
	}
	if lines == nil {
		lines = []store.LogLine{}
	}
	jobs, _ := s.store.Jobs(r.Context(), id)
	if jobs == nil {
		jobs = []store.Job{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "lines": lines, "attempts": jobs})
}

func (s *Server) listResults(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.store.Get(r.Context(), id); err != nil {
		storeError(w, err)
		return
	}
	arts, err := s.store.Artefacts(r.Context(), id)
	if err != nil {
		storeError(w, err)
		return
	}
	outs := []map[string]any{}
	for _, a := range arts {
		outs = append(outs, map[string]any{"id": a.Name, "media_type": a.MediaType, "size": a.Size, "sha256": a.SHA256,
			"url": "/api/runs/" + id + "/results/" + a.Name})
	}
	for _, a := range arts {
		if a.Name == "trajectory.csv" {
			outs = append(outs, map[string]any{"id": "trajectory", "media_type": "application/json",
				"url": "/api/runs/" + id + "/results/trajectory", "note": "the trajectory as JSON columns; ?vars=a,b selects variables"})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "outputs": outs})
}

// result: GET /api/runs/{id}/results/{output}: a stored output file, or
// "trajectory": the trajectory as JSON columns (?vars= selects).
func (s *Server) result(w http.ResponseWriter, r *http.Request) {
	id, out := r.PathValue("id"), r.PathValue("output")
	ctx := r.Context()
	if out == "trajectory" {
		a, err := s.store.Artefact(ctx, id, "trajectory.csv")
		if err != nil {
			storeError(w, err)
			return
		}
		var vars []string
		if v := r.URL.Query().Get("vars"); v != "" {
			vars = strings.Split(v, ",")
		}
		tj, err := trajectoryJSON(a.Data, vars)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "trajectory of run %s: %v", id, err)
			return
		}
		w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
		writeJSON(w, http.StatusOK, tj)
		return
	}
	a, err := s.store.Artefact(ctx, id, out)
	if err != nil {
		storeError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.MediaType)
	h.Set("ETag", `"`+a.SHA256+`"`)
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	if strings.HasSuffix(a.Name, ".html") {
		// A report is self-contained: it may run nothing and load nothing.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
	}
	if r.URL.Query().Get("download") != "" {
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, id+"-"+path.Base(a.Name)))
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.Data))
}

// trajectoryJSON turns a long trajectory CSV (time,variable,value) into
// columns: {"time": [...], "variables": {"name": [...]}}.
func trajectoryJSON(data []byte, vars []string) (map[string]any, error) {
	want := map[string]bool{}
	for _, v := range vars {
		want[strings.TrimSpace(v)] = true
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		return nil, err
	}
	var times []float64
	cols := map[string][]any{}
	var names, all []string
	seen := map[string]bool{}
	lastT := math.NaN()
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		t, err := strconv.ParseFloat(rec[0], 64)
		if err != nil {
			return nil, err
		}
		if t != lastT || len(times) == 0 {
			times = append(times, t)
			lastT = t
		}
		name := rec[1]
		if !seen[name] {
			seen[name] = true
			all = append(all, name)
		}
		if len(want) > 0 && !want[name] {
			continue
		}
		v, err := strconv.ParseFloat(rec[2], 64)
		var jv any = v
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			jv = nil // JSON has no NaN
		}
		if _, ok := cols[name]; !ok {
			names = append(names, name)
		}
		cols[name] = append(cols[name], jv)
	}
	return map[string]any{"time": times, "names": all, "selected": names, "variables": cols}, nil
}

// download: GET /api/runs/{id}/download — every output file as one zip
// (entries under RUNID/, fixed timestamps: the same run gives the same bytes).
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ctx := r.Context()
	if _, err := s.store.Get(ctx, id); err != nil {
		storeError(w, err)
		return
	}
	arts, err := s.store.Artefacts(ctx, id)
	if err != nil {
		storeError(w, err)
		return
	}
	if len(arts) == 0 {
		writeError(w, http.StatusConflict, "run %s has no output files yet", id)
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	stamp := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, a := range arts {
		full, err := s.store.Artefact(ctx, id, a.Name)
		if err != nil {
			storeError(w, err)
			return
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: id + "/" + a.Name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			writeError(w, http.StatusInternalServerError, "zip: %v", err)
			return
		}
		f.Write(full.Data)
	}
	if err := zw.Close(); err != nil {
		writeError(w, http.StatusInternalServerError, "zip: %v", err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="holobiont-%s.zip"`, id))
	w.Write(buf.Bytes())
}

// endpointStat is one endpoint of a run's summary.
type endpointStat struct {
	Variable string  `json:"variable"`
	Baseline float64 `json:"baseline"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	End      float64 `json:"end"`
}

// compare: GET /api/compare?ids=a,b[,c,d] — the runs' settings and a
// difference table of their endpoints (each run against the first).
func (s *Server) compare(w http.ResponseWriter, r *http.Request) {
	ids := strings.Split(r.URL.Query().Get("ids"), ",")
	if len(ids) < 2 || len(ids) > 4 {
		writeError(w, http.StatusBadRequest, "compare takes 2 to 4 run ids: ?ids=ID1,ID2")
		return
	}
	type runCol struct {
		ID       string             `json:"id"`
		Title    string             `json:"title"`
		Status   store.Status       `json:"status"`
		Set      map[string]float64 `json:"set"`
		Scenario string             `json:"scenario"`
	}
	type row struct {
		Variable string     `json:"variable"`
		Stat     string     `json:"stat"`
		Values   []*float64 `json:"values"`
		Diff     []*float64 `json:"diff"`     // value - first run's value
		RelDiff  []*float64 `json:"rel_diff"` // diff / |first|
	}
	var cols []runCol
	eps := map[string][]*endpointStat{}
	var order []string
	for i, id := range ids {
		run, err := s.store.Get(r.Context(), strings.TrimSpace(id))
		if err != nil {
			storeError(w, err)
			return
		}
		var sr StoredRequest
		json.Unmarshal(run.Request, &sr)
		cols = append(cols, runCol{ID: run.ID, Title: run.Title, Status: run.Status, Set: sr.Set, Scenario: sr.ScenarioName})
		var sum struct {
			Endpoints []endpointStat `json:"endpoints"`
		}
		json.Unmarshal(run.Summary, &sum)
		for _, e := range sum.Endpoints {
			if _, ok := eps[e.Variable]; !ok {
				eps[e.Variable] = make([]*endpointStat, len(ids))
				order = append(order, e.Variable)
			}
			e := e
			eps[e.Variable][i] = &e
		}
	}
	rows := []row{}
	for _, v := range order {
		for _, stat := range []string{"end", "max", "min"} {
			rw := row{Variable: v, Stat: stat}
			for i := range ids {
				var val *float64
				if e := eps[v][i]; e != nil {
					x := map[string]float64{"end": e.End, "max": e.Max, "min": e.Min}[stat]
					val = &x
				}
				rw.Values = append(rw.Values, val)
				var d, rd *float64
				if val != nil && rw.Values[0] != nil {
					x := *val - *rw.Values[0]
					d = &x
					if *rw.Values[0] != 0 {
						y := x / math.Abs(*rw.Values[0])
						rd = &y
					}
				}
				rw.Diff = append(rw.Diff, d)
				rw.RelDiff = append(rw.RelDiff, rd)
			}
			rows = append(rows, rw)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": cols, "endpoints": rows})
}
