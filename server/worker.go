package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/holobiont/holobiont/store"
)

// worker claims queued runs of kinds and executes them until ctx ends.
func (s *Server) worker(ctx context.Context, kinds ...string) {
	defer s.wg.Done()
	for ctx.Err() == nil {
		run, err := s.store.Claim(ctx, kinds...)
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) && ctx.Err() == nil {
				s.cfg.Log("claim: %v", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-s.wake:
			case <-time.After(time.Second):
			}
			continue
		}
		s.execute(ctx, run)
	}
}

// execute runs one claimed run and stores its outcome. When the server is
// stopping (ctx done) the run is left marked running, with its work
// directory: the next server queues it again and it resumes.
func (s *Server) execute(ctx context.Context, run *store.Run) {
	id := run.ID
	logf := func(format string, args ...any) {
		s.store.Log(context.WithoutCancel(ctx), id, fmt.Sprintf(format, args...))
	}
	var sr StoredRequest
	if err := json.Unmarshal(run.Request, &sr); err != nil {
		s.fail(ctx, id, fmt.Errorf("stored request: %v", err), nil, "")
		return
	}
	job, err := s.jobFor(ctx, &sr)
	if err != nil {
		s.fail(ctx, id, err, nil, "")
		return
	}
	limit := s.cfg.MaxRunTime
	if run.Kind != "run" {
		limit = s.cfg.MaxJobTime
	}
	rctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	s.mu.Lock()
	s.cancels[id] = cancel
	s.live[id] = progress{0, run.Total}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.cancels, id)
		delete(s.live, id)
		s.mu.Unlock()
	}()
	dir := filepath.Join(s.cfg.WorkDir, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.fail(ctx, id, err, nil, "")
		return
	}
	if run.Attempts > 1 {
		logf("attempt %d: resuming", run.Attempts)
	} else {
		logf("started")
	}
	t0 := time.Now()
	var lastSave time.Time
	prog := func(done, total int64) {
		s.mu.Lock()
		s.live[id] = progress{done, total}
		s.mu.Unlock()
		if time.Since(lastSave) < 500*time.Millisecond {
			return
		}
		lastSave = time.Now()
		if err := s.store.Progress(rctx, id, done, total); errors.Is(err, store.ErrNotRunning) {
			cancel() // cancelled or deleted through another server
		}
	}
	summary, runErr := s.cfg.Engine.Execute(rctx, job, dir, prog)
	if ctx.Err() != nil {
		s.cfg.Log("run %s interrupted by the server's stop; it resumes on the next start", id)
		return
	}
	if cur, err := s.store.Get(ctx, id); err == nil && cur.Status != store.Running {
		logf("stopped: %s", cur.Status)
		os.RemoveAll(dir)
		return
	}
	arts, artErr := s.collect(dir)
	if runErr == nil && artErr != nil {
		runErr = artErr
	}
	if runErr != nil {
		if errors.Is(rctx.Err(), context.DeadlineExceeded) {
			runErr = fmt.Errorf("stopped after the server's time limit of %v (--max-run-time): %w", limit, runErr)
		}
		s.fail(ctx, id, runErr, arts, string(summary))
		os.RemoveAll(dir)
		return
	}
	// The log line goes first: a client that sees the status "succeeded"
	// then reads a complete log (if storing fails, "failed: ..." follows).
	logf("succeeded in %.1f s: %d output files", time.Since(t0).Seconds(), len(arts))
	if err := s.store.Finish(ctx, id, summary, arts); err != nil {
		if errors.Is(err, store.ErrNotRunning) {
			logf("not stored: the run was cancelled or deleted meanwhile")
		} else {
			s.fail(ctx, id, err, nil, "")
		}
		os.RemoveAll(dir)
		return
	}
	os.RemoveAll(dir)
}

func (s *Server) fail(ctx context.Context, id string, err error, arts []store.Artefact, summary string) {
	msg := err.Error()
	s.store.Log(ctx, id, "failed: "+msg)
	if e := s.store.Fail(ctx, id, msg, json.RawMessage(summary), arts); e != nil && !errors.Is(e, store.ErrNotRunning) {
		s.cfg.Log("run %s: %v (while storing its failure: %v)", id, e, err)
	}
}

// collect reads a finished run's output files from dir: everything but the
// engine's working state (chunks/, inputs/, dot files), at most MaxOutput
// bytes in all.
func (s *Server) collect(dir string) ([]store.Artefact, error) {
	var arts []store.Artefact
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "chunks" || rel == "inputs" || (rel != "." && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		if total > s.cfg.MaxOutput {
			return fmt.Errorf("the run's output files exceed the server's limit of %d bytes (--max-output)", s.cfg.MaxOutput)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		arts = append(arts, store.NewArtefact(rel, MediaType(rel), data))
		return nil
	})
	return arts, err
}

// MediaType is the media type the server gives an output file.
func MediaType(name string) string {
	switch ext := path.Ext(name); ext {
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".tsv", ".txt":
		return "text/tab-separated-values; charset=utf-8"
	case ".json":
		return "application/json"
	case ".html":
		return "text/html; charset=utf-8"
	case ".parquet":
		return "application/vnd.apache.parquet"
	case ".biom":
		if strings.HasSuffix(name, ".json.biom") {
			return "application/json"
		}
		return "application/x-hdf5"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return "application/octet-stream"
	}
}
