package server

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/holobiont/holobiont/examples"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/store"
)

type scenarioItem struct {
	Name   string `json:"name"`
	Source string `json:"source"`
}

type specItem struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"` // cohort or trial
	Source string `json:"source"`
}

// listModels: GET /api/models — shipped and uploaded models with their
// parameter tables, scenarios and cohort/trial specs.
func (s *Server) listModels(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	out := struct {
		Models    []*modelInfo   `json:"models"`
		Scenarios []scenarioItem `json:"scenarios"`
		Specs     []specItem     `json:"specs"`
		Data      []scenarioItem `json:"data"` // data sets for fit runs (uploads)
	}{Models: []*modelInfo{}, Scenarios: []scenarioItem{}, Specs: []specItem{}, Data: []scenarioItem{}}
	for _, n := range models.List() {
		f, _ := shippedModel(n)
		mi, err := s.describe(f, "shipped")
		if err != nil {
			writeError(w, http.StatusInternalServerError, "shipped model %s: %v", n, err)
			return
		}
		out.Models = append(out.Models, mi)
		if mi.Scenario != "" {
			out.Scenarios = append(out.Scenarios, scenarioItem{Name: mi.Scenario, Source: "shipped"})
		}
	}
	for _, n := range []string{"probiotic-7d.yaml", "lab-stress.yaml"} {
		if _, ok := shippedScenario(n); ok {
			out.Scenarios = append(out.Scenarios, scenarioItem{Name: n, Source: "shipped"})
		}
	}
	for _, n := range examples.Specs() {
		kind, _, _ := strings.Cut(n, "-") // cohort-, trial-, gsa-, vpop-
		out.Specs = append(out.Specs, specItem{Name: n, Kind: kind, Source: "shipped"})
	}
	ups, err := s.store.Uploads(ctx, "")
	if err != nil {
		storeError(w, err)
		return
	}
	for _, u := range ups {
		switch u.Kind {
		case kindModel:
			full, err := s.store.GetUpload(ctx, u.SHA256)
			if err != nil {
				storeError(w, err)
				return
			}
			mi, err := s.describe(&File{Name: u.Name, Data: full.Data}, "upload")
			if err != nil {
				continue // validated on upload; a newer holobiont may refuse it
			}
			out.Models = append(out.Models, mi)
		case kindScenario:
			out.Scenarios = append(out.Scenarios, scenarioItem{Name: u.Name, Source: "upload"})
		case kindCohort, kindTrial, kindGSA, kindVPop:
			out.Specs = append(out.Specs, specItem{Name: u.Name, Kind: u.Kind, Source: "upload"})
		case kindData:
			out.Data = append(out.Data, scenarioItem{Name: u.Name, Source: "upload"})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// getModel: GET /api/models/{name} — one model's description.
func (s *Server) getModel(w http.ResponseWriter, r *http.Request) {
	f, _, err := s.resolve(r.Context(), r.PathValue("name"), shippedModel)
	if err != nil {
		storeError(w, err)
		return
	}
	src := "upload"
	if f.Shipped {
		src = "shipped"
	}
	mi, err := s.describe(f, src)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, mi)
}

// getScenario: GET /api/scenarios/{name} — a scenario as YAML text and as
// JSON (the page's timeline edits the JSON).
func (s *Server) getScenario(w http.ResponseWriter, r *http.Request) {
	f, ref, err := s.resolve(r.Context(), r.PathValue("name"), shippedScenario)
	if err != nil {
		storeError(w, err)
		return
	}
	v, err := scenarioJSON(f.Data)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "scenario %s: %v", f.Name, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": f.Name, "ref": ref, "yaml": string(f.Data), "scenario": v})
}

// getSpec: GET /api/specs/{name} — a cohort or trial spec's text.
func (s *Server) getSpec(w http.ResponseWriter, r *http.Request) {
	f, ref, err := s.resolve(r.Context(), r.PathValue("name"), shippedSpec)
	if err != nil {
		storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": f.Name, "ref": ref, "yaml": string(f.Data)})
}

func (s *Server) listUploads(w http.ResponseWriter, r *http.Request) {
	ups, err := s.store.Uploads(r.Context(), r.URL.Query().Get("kind"))
	if err != nil {
		storeError(w, err)
		return
	}
	out := []store.Upload{}
	for _, u := range ups {
		if u.Kind != kindInline {
			out = append(out, u)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"uploads": out})
}

// postUpload: POST /api/uploads?name=NAME&kind=model|scenario|cohort|trial
// with the file as the body (or a multipart form field "file"). The file is
// parsed with size, depth and time limits before it is stored.
func (s *Server) postUpload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name, kind := q.Get("name"), q.Get("kind")
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+64<<10)
	var data []byte
	var err error
	if mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		data, name, err = readMultipartFile(multipart.NewReader(r.Body, params["boundary"]), name, s.cfg.MaxUpload)
	} else {
		data, err = io.ReadAll(r.Body)
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) || int64(len(data)) > s.cfg.MaxUpload {
		writeError(w, http.StatusRequestEntityTooLarge, "upload larger than %d bytes (the server's --max-upload)", s.cfg.MaxUpload)
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "upload: %v", err)
		return
	}
	if kind == "" {
		kind = kindModel
	}
	if err := checkUploadName(name, kind); err != nil {
		writeError(w, http.StatusBadRequest, "%v", err)
		return
	}
	if len(data) == 0 {
		writeError(w, http.StatusBadRequest, "upload %s is empty", name)
		return
	}
	if kind != kindData {
		if err := checkDepth(data); err != nil {
			writeError(w, http.StatusUnprocessableEntity, "%s: %v", name, err)
			return
		}
	}
	if err := s.parseBounded(r.Context(), func() error {
		if kind == kindData {
			return validateData(name, data, s.cfg.MaxUpload*maxDataRatio)
		}
		if kind != kindScenario {
			return validateUpload(kind, name, data, nil)
		}
		ref := q.Get("model")
		if ref == "" {
			ref = models.DefaultModel
		}
		mf, _, err := s.resolve(r.Context(), ref, shippedModel)
		if err != nil {
			return err
		}
		m, err := parseModel(mf.Name, mf.Data)
		if err != nil {
			return err
		}
		return validateUpload(kind, name, data, m)
	}); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "%v", err)
		return
	}
	u, err := s.store.PutUpload(r.Context(), name, kind, data)
	if err != nil {
		storeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

func readMultipartFile(mr *multipart.Reader, name string, max int64) ([]byte, string, error) {
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, "", errors.New("multipart body has no \"file\" field")
		}
		if p.FormName() != "file" {
			continue
		}
		if name == "" {
			name = p.FileName()
		}
		b, err := io.ReadAll(io.LimitReader(p, max+1))
		return b, name, err
	}
}

// parseBounded runs parse with the server's parse time limit; at most two
// parses run at once, so slow uploads cannot take every core.
func (s *Server) parseBounded(ctx context.Context, parse func() error) (err error) {
	select {
	case s.parse <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	done := make(chan error, 1)
	go func() {
		defer func() { <-s.parse }()
		defer func() {
			if v := recover(); v != nil {
				done <- errors.New("the file could not be parsed (the parser failed on it)")
			}
		}()
		done <- parse()
	}()
	select {
	case err = <-done:
		return err
	case <-time.After(s.cfg.ParseTime):
		return errors.New("parsing took longer than the server's limit: the file is too complex")
	}
}
