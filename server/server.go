package server

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/holobiont/holobiont/store"
)

//go:embed web
var webFS embed.FS

// Config configures a Server. Zero values take the defaults named.
type Config struct {
	Store  *store.Store
	Engine Engine
	// WorkDir holds running jobs' files (a cohort's resumable chunks) until
	// they are stored; default "holobiont-data/work".
	WorkDir string
	// Token, when not empty, must accompany every API call.
	Token string
	// RunWorkers run single simulations at once (default: the number of CPUs).
	RunWorkers int
	// JobWorkers run cohorts, trials and sensitivity analyses at once
	// (default 1; each uses all cores).
	JobWorkers int
	// MaxBody bounds a JSON request body (default 1 MiB).
	MaxBody int64
	// MaxUpload bounds an uploaded file (default 8 MiB).
	MaxUpload int64
	// MaxRunTime bounds one run's computation (default 10 minutes; cohorts and trials get 6 hours).
	MaxRunTime time.Duration
	// MaxJobTime bounds a cohort's or trial's computation (default 6 hours).
	MaxJobTime time.Duration
	// MaxOutput bounds the stored output files of one run (default 512 MiB).
	MaxOutput int64
	// ParseTime bounds parsing an upload (default 5 s).
	ParseTime time.Duration
	// Limits are passed to the engine (MaxSubjects default 100,000: a one-year cohort of that size takes about 1.5 minutes on 2 cores).
	Limits Limits
	// Version is shown by /api/health.
	Version string
	// Log receives the server's log lines (default log.Printf).
	Log func(format string, args ...any)
}

func (c *Config) defaults() {
	if c.WorkDir == "" {
		c.WorkDir = "holobiont-data/work"
	}
	if c.RunWorkers <= 0 {
		c.RunWorkers = runtime.NumCPU()
	}
	if c.JobWorkers <= 0 {
		c.JobWorkers = 1
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	if c.MaxUpload <= 0 {
		c.MaxUpload = 8 << 20
	}
	if c.MaxRunTime <= 0 {
		c.MaxRunTime = 10 * time.Minute
	}
	if c.MaxJobTime <= 0 {
		c.MaxJobTime = 6 * time.Hour
	}
	if c.MaxOutput <= 0 {
		c.MaxOutput = 512 << 20
	}
	if c.ParseTime <= 0 {
		c.ParseTime = 5 * time.Second
	}
	if c.Limits.MaxSubjects <= 0 {
		c.Limits.MaxSubjects = 100000
	}
	if c.Log == nil {
		c.Log = log.Printf
	}
}

// Server serves the API and the page and runs the worker pools.
type Server struct {
	cfg   Config
	store *store.Store
	mux   *http.ServeMux

	mu      sync.Mutex
	live    map[string]progress           // progress of runs executing here
	cancels map[string]context.CancelFunc // running here, by id
	wake    chan struct{}
	plans   map[string]*Plan // by canonical request (see prepare)
	descs   sync.Map         // model sha256 → *modelInfo (parsed once)
	parse   chan struct{}
	wg      sync.WaitGroup
}

type progress struct{ done, total int64 }

// New returns a server over cfg.Store; call Start to run the workers.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Engine == nil {
		return nil, errors.New("server: Config needs a Store and an Engine")
	}
	cfg.defaults()
	s := &Server{cfg: cfg, store: cfg.Store, live: map[string]progress{}, cancels: map[string]context.CancelFunc{}, plans: map[string]*Plan{},
		wake: make(chan struct{}, 1), parse: make(chan struct{}, 2)}
	s.routes()
	return s, nil
}

// Start queues again the runs a previous server left running (they resume)
// and starts the worker pools; they stop when ctx is cancelled. Wait waits
// for them.
func (s *Server) Start(ctx context.Context) error {
	ids, err := s.store.Recover(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		s.cfg.Log("run %s was interrupted by a stop of the server: queued again (it resumes)", id)
		s.store.Log(ctx, id, "the server stopped while this run was running; queued again, resuming")
	}
	for range s.cfg.RunWorkers {
		s.wg.Add(1)
		go s.worker(ctx, "run")
	}
	for range s.cfg.JobWorkers {
		s.wg.Add(1)
		go s.worker(ctx, kindCohort, kindTrial, kindGSA, kindVPop, kindFit)
	}
	return nil
}

// Wait waits for the workers to stop after Start's context is cancelled.
func (s *Server) Wait() { s.wg.Wait() }

// Handler returns the HTTP handler: API, page and assets.
func (s *Server) Handler() http.Handler { return s.guard(s.mux) }

// route is one API route: a ServeMux pattern ("GET /api/runs/{id}") and
// its handler. The OpenAPI document lists exactly these (tested).
type route struct {
	pattern string
	handler http.HandlerFunc
}

func (s *Server) apiRoutes() []route {
	return []route{
		{"GET /api/health", s.health},
		{"GET /api/openapi.json", s.openapi},
		{"GET /api/models", s.listModels},
		{"GET /api/models/{name}", s.getModel},
		{"GET /api/scenarios/{name}", s.getScenario},
		{"GET /api/specs/{name}", s.getSpec},
		{"GET /api/uploads", s.listUploads},
		{"POST /api/uploads", s.postUpload},
		{"GET /api/runs", s.listRuns},
		{"POST /api/runs", s.postRun},
		{"GET /api/runs/{id}", s.getRun},
		{"DELETE /api/runs/{id}", s.deleteRun},
		{"POST /api/runs/{id}/cancel", s.cancelRun},
		{"GET /api/runs/{id}/events", s.events},
		{"GET /api/runs/{id}/logs", s.logs},
		{"GET /api/runs/{id}/results", s.listResults},
		{"GET /api/runs/{id}/results/{output...}", s.result},
		{"GET /api/runs/{id}/download", s.download},
		{"GET /api/compare", s.compare},
	}
}

func (s *Server) routes() {
	m := http.NewServeMux()
	s.mux = m
	for _, r := range s.apiRoutes() {
		m.HandleFunc(r.pattern, r.handler)
	}
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API route: %s %s (see /api/openapi.json)", r.Method, r.URL.Path)
	})
	sub, _ := fs.Sub(webFS, "web")
	assets := http.FileServerFS(sub)
	m.Handle("GET /assets/", http.StripPrefix("/assets/", assets))
	m.HandleFunc("GET /{$}", s.page)
	m.HandleFunc("GET /runs/{id}", s.page)
	m.HandleFunc("GET /compare", s.page)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such page: %s", r.URL.Path)
	})
}

// page serves the single-page app; it routes /runs/{id} itself.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	b, err := webFS.ReadFile("web/index.html")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "page missing from the build")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}

// guard applies the security rules to every request: panics become a JSON
// 500 (the stack goes to the log, not the client), API calls need the
// token when one is set, and the page may load nothing from elsewhere.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Log("panic serving %s %s: %v\n%s", r.Method, r.URL.Path, v, debug.Stack())
				writeError(w, http.StatusInternalServerError, "internal error (logged on the server)")
			}
		}()
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
		if strings.HasPrefix(r.URL.Path, "/api/") && s.cfg.Token != "" && !s.authorized(r) {
			h.Set("WWW-Authenticate", `Bearer realm="holobiont"`)
			writeError(w, http.StatusUnauthorized, "this server needs its access token: send 'Authorization: Bearer TOKEN' (or ?token=TOKEN)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) authorized(r *http.Request) bool {
	got := r.URL.Query().Get("token")
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
		got = strings.TrimPrefix(a, "Bearer ")
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) == 1
}

// apiError is every error's JSON body.
type apiError struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, code int, format string, args ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Disposition")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(apiError{Error: fmt.Sprintf(format, args...)})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.Encode(v)
}

// storeError maps a store error to a response.
func storeError(w http.ResponseWriter, err error) {
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "%v", err)
		return
	}
	writeError(w, http.StatusInternalServerError, "store: %v", err)
}

// readJSON decodes a bounded JSON body into v, refusing unknown fields.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			writeError(w, http.StatusRequestEntityTooLarge, "request body larger than %d bytes", s.cfg.MaxBody)
			return false
		}
		writeError(w, http.StatusBadRequest, "request body: %v", err)
		return false
	}
	return true
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": s.cfg.Version, "store": s.store.Backend(),
		"schema_version": s.store.SchemaVersion()})
}
