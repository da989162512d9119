package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/server"
	"github.com/holobiont/holobiont/store"
)

type serveOptions struct {
	addr, store, work, token, tokenFile string
	runWorkers, jobWorkers, workers     int
	maxRunTime, maxJobTime, parseTime   time.Duration
	maxSubjects                         int
	maxOutputMB, maxUploadMB, maxBodyKB int64
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web page and HTTP API over a run store",
		Long: `Serve starts holobiont's web page and HTTP API. Open the address it prints in a
browser: pick a shipped or uploaded model (YAML or SBML) and a scenario, edit
parameters (with their units, citation and evidence class) and interventions on
a timeline, run, watch the progress, explore the figures, compare runs, and
download the files. Every run has a permanent link /runs/<id>; its id is the
content hash that 'holobiont run' computes, so the same inputs are never
computed twice. Cohorts, trials, sensitivity analyses (gsa) and virtual
populations (vpop) run in the background and resume after a restart. A COMBINE/
OMEX archive posted to /api/runs runs its SBML model over its SED-ML time course.

Runs are kept in a store: SQLite in --store DIR (default holobiont-data/), or
PostgreSQL when --store is a postgres:// URL (same schema; migrations are
applied on start). 'holobiont runs' reads the same store from the command line.

The server listens on 127.0.0.1 (this machine only) by default. Any other
address needs --token (or --token-file): every API call must then carry it
('Authorization: Bearer TOKEN'); the page asks for it once. The API is
documented at /api/openapi.json.

Limits (safe defaults): a run's computing time (--max-run-time, background
jobs --max-job-time), the subjects of a cohort or trial or the runs of a gsa or
vpop (--max-subjects), the
output files of a run (--max-output-mb), uploads (--max-upload-mb, parsed with
depth and --parse-time limits) and request bodies (--max-body-kb).`,
		Example: `  holobiont serve                                  # http://127.0.0.1:8080, store in holobiont-data/
  holobiont serve --addr 127.0.0.1:9000
  holobiont serve --store postgres://holobiont@db.example/holobiont
  holobiont serve --addr 0.0.0.0:8080 --token-file ~/.holobiont-token   # reachable from the network
  curl -s localhost:8080/api/runs -d '{"model": "gut-skin-brain.yaml", "set": {"sigma_S": 0}}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return serveMain(cmd.Context(), o, cmd.OutOrStdout(), nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port)")
	f.StringVar(&o.store, "store", "holobiont-data", "run store: a directory (SQLite) or a postgres:// URL")
	f.StringVar(&o.work, "work", "", "directory for running jobs' files (default: STORE/work, or holobiont-data/work for PostgreSQL)")
	f.StringVar(&o.token, "token", "", "access token every API call must carry (required for a non-loopback --addr)")
	f.StringVar(&o.tokenFile, "token-file", "", "read the access token from this file")
	f.IntVar(&o.runWorkers, "run-workers", 0, "single runs computed at once (0: number of CPUs)")
	f.IntVar(&o.jobWorkers, "job-workers", 1, "cohorts and trials computed at once")
	f.IntVar(&o.workers, "workers", 0, "parallel subjects within a cohort or trial (0: all cores)")
	f.DurationVar(&o.maxRunTime, "max-run-time", 10*time.Minute, "longest computing time of one run")
	f.DurationVar(&o.maxJobTime, "max-job-time", 6*time.Hour, "longest computing time of one cohort or trial")
	f.IntVar(&o.maxSubjects, "max-subjects", 100000, "most subjects in one cohort or trial (power-study replicates included), or runs in one gsa or vpop")
	f.Int64Var(&o.maxOutputMB, "max-output-mb", 512, "largest total size of one run's output files, MiB")
	f.Int64Var(&o.maxUploadMB, "max-upload-mb", 8, "largest uploaded file, MiB")
	f.Int64Var(&o.maxBodyKB, "max-body-kb", 1024, "largest JSON request body, KiB")
	f.DurationVar(&o.parseTime, "parse-time", 5*time.Second, "longest time to parse an uploaded file")
	return cmd
}

// isLoopback reports whether addr's host only accepts connections from this machine.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveMain runs the server until ctx ends. ready, when not nil, receives
// the listening address.
func serveMain(ctx context.Context, o serveOptions, stdout io.Writer, ready chan<- string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	token := o.token
	if o.tokenFile != "" {
		b, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return fmt.Errorf("--token-file: %w", err)
		}
		token = strings.TrimSpace(string(b))
		if token == "" {
			return fmt.Errorf("--token-file %s is empty", o.tokenFile)
		}
	}
	if !isLoopback(o.addr) && token == "" {
		return fmt.Errorf("--addr %s is reachable from other machines: give an access token with --token TOKEN or --token-file FILE (or serve on 127.0.0.1)", o.addr)
	}
	st, err := store.Open(ctx, o.store)
	if err != nil {
		return err
	}
	defer st.Close()
	work := o.work
	if work == "" {
		work = filepath.Join("holobiont-data", "work")
		if st.Backend() == "sqlite" {
			work = filepath.Join(o.store, "work")
		}
	}
	srv, err := server.New(server.Config{Store: st, Engine: serveEngine{}, WorkDir: work, Token: token,
		RunWorkers: o.runWorkers, JobWorkers: o.jobWorkers, MaxRunTime: o.maxRunTime, MaxJobTime: o.maxJobTime,
		MaxOutput: o.maxOutputMB << 20, MaxUpload: o.maxUploadMB << 20, MaxBody: o.maxBodyKB << 10, ParseTime: o.parseTime,
		Limits: server.Limits{MaxSubjects: o.maxSubjects, Workers: o.workers}, Version: version})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	wctx, stopWorkers := context.WithCancel(ctx)
	defer stopWorkers()
	if err := srv.Start(wctx); err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "holobiont serve: %s  (store: %s)\n", url, st)
	if token != "" {
		fmt.Fprintf(stdout, "access token required: every API call needs 'Authorization: Bearer TOKEN' (or ?token=TOKEN); the page asks for it once\n")
	} else {
		fmt.Fprintf(stdout, "listening on this machine only (loopback); no token\n")
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		stopWorkers()
		srv.Wait()
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "holobiont serve: stopping (running jobs resume on the next start)")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	stopWorkers()
	srv.Wait()
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
