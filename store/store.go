package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Status is a run's state.
type Status string

// The run states: queued → running → succeeded | failed | cancelled.
const (
	Queued    Status = "queued"
	Running   Status = "running"
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
	Cancelled Status = "cancelled"
)

// Done reports whether s is a final state.
func (s Status) Done() bool { return s == Succeeded || s == Failed || s == Cancelled }

// Errors the store returns; test with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	// ErrNotRunning: Finish, Fail or Progress on a run that is not running
	// (it was cancelled, or another worker finished it).
	ErrNotRunning = errors.New("run is not running")
)

// Run is one stored run.
type Run struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // run, cohort, trial, gsa, fit
	// Status is the run's state; Error says why it failed.
	Status Status `json:"status"`
	Title  string `json:"title"`
	// Request is the JSON request that made the run (enough to run it again).
	Request json.RawMessage `json:"request"`
	// Summary is the run record (summary.json or manifest.json) once it succeeded.
	Summary json.RawMessage `json:"summary,omitempty"`
	Error   string          `json:"error,omitempty"`
	// Origin is "server" or "cli".
	Origin string `json:"origin"`
	// Done of Total units of work (days simulated, subjects).
	Done     int64     `json:"progress_done"`
	Total    int64     `json:"progress_total"`
	Attempts int       `json:"attempts"`
	Created  time.Time `json:"created"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
}

// Artefact is one output file of a run.
type Artefact struct {
	Name      string `json:"name"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	Data      []byte `json:"-"`
}

// NewArtefact returns an artefact holding data, with its size and hash.
func NewArtefact(name, mediaType string, data []byte) Artefact {
	h := sha256.Sum256(data)
	return Artefact{Name: name, MediaType: mediaType, Size: int64(len(data)), SHA256: hex.EncodeToString(h[:]), Data: data}
}

// LogLine is one line of a run's log.
type LogLine struct {
	Seq  int64     `json:"seq"`
	Time time.Time `json:"time"`
	Line string    `json:"line"`
}

// Upload is an uploaded model, scenario or spec file, addressed by its hash.
type Upload struct {
	SHA256  string    `json:"sha256"`
	Name    string    `json:"name"`
	Kind    string    `json:"kind"` // model, scenario, sbml, cohort, trial
	Size    int64     `json:"size"`
	Created time.Time `json:"created"`
	Data    []byte    `json:"-"`
}

// Store is an open run store. Its methods are safe for concurrent use.
type Store struct {
	db      *sql.DB
	d       dialect
	where   string
	version int
}

// Open opens (creating when needed) the store at loc: a postgres:// or
// postgresql:// URL, or else a SQLite file path (a directory, or a path
// without the .db suffix, gets holobiont.db inside it). Missing migrations
// are applied.
func Open(ctx context.Context, loc string) (*Store, error) {
	if loc == "" {
		loc = "holobiont-data"
	}
	var s *Store
	if strings.HasPrefix(loc, "postgres://") || strings.HasPrefix(loc, "postgresql://") {
		db, err := sql.Open("pgx", loc)
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", redact(loc), err)
		}
		db.SetMaxOpenConns(16)
		s = &Store{db: db, d: postgres, where: redact(loc)}
	} else {
		path := sqlitePath(loc)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("store %s: %w", path, err)
		}
		dsn := "file:" + path + "?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", path, err)
		}
		db.SetMaxOpenConns(8)
		s = &Store{db: db, d: sqlite, where: path}
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store %s: %w", s.where, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store %s: %w", s.where, err)
	}
	return s, nil
}

func sqlitePath(loc string) string {
	loc = strings.TrimPrefix(loc, "sqlite:")
	if st, err := os.Stat(loc); (err == nil && st.IsDir()) || !strings.HasSuffix(loc, ".db") {
		return filepath.Join(loc, "holobiont.db")
	}
	return loc
}

// redact hides a URL's password.
func redact(u string) string {
	at := strings.LastIndex(u, "@")
	sch := strings.Index(u, "://")
	if at < 0 || sch < 0 {
		return u
	}
	cred := u[sch+3 : at]
	if user, _, ok := strings.Cut(cred, ":"); ok {
		return u[:sch+3] + user + ":***" + u[at:]
	}
	return u
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// String names the backend and location (passwords hidden).
func (s *Store) String() string { return s.d.name + " " + s.where }

// Backend is "sqlite" or "postgres".
func (s *Store) Backend() string { return s.d.name }

// SchemaVersion is the database's schema version after Open.
func (s *Store) SchemaVersion() int { return s.version }

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func (s *Store) exec(ctx context.Context, q sqlExecer, query string, args ...any) (sql.Result, error) {
	return q.ExecContext(ctx, s.d.rebind(query), args...)
}

type sqlExecer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// tx runs f in a transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

const runCols = "id, kind, status, title, request, summary, error, origin, progress_done, progress_total, attempts, created_at, started_at, finished_at"

type rowScanner interface{ Scan(dst ...any) error }

func scanRun(r rowScanner) (*Run, error) {
	var run Run
	var req, sum string
	var c, st, fi int64
	if err := r.Scan(&run.ID, &run.Kind, &run.Status, &run.Title, &req, &sum, &run.Error, &run.Origin,
		&run.Done, &run.Total, &run.Attempts, &c, &st, &fi); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	run.Request = json.RawMessage(req)
	if sum != "" {
		run.Summary = json.RawMessage(sum)
	}
	run.Created, run.Started, run.Finished = fromMS(c), fromMS(st), fromMS(fi)
	return &run, nil
}

// Get returns the run id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, s.d.rebind("SELECT "+runCols+" FROM runs WHERE id = ?"), id))
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", id, err)
	}
	return r, nil
}

// Filter selects runs for List.
type Filter struct {
	Kind   string
	Status Status
	// Prefix selects ids starting with it.
	Prefix string
	Limit  int // 0: 100
	Offset int
}

// List returns runs, newest first.
func (s *Store) List(ctx context.Context, f Filter) ([]*Run, error) {
	q := "SELECT " + runCols + " FROM runs WHERE 1=1"
	var args []any
	if f.Kind != "" {
		q += " AND kind = ?"
		args = append(args, f.Kind)
	}
	if f.Status != "" {
		q += " AND status = ?"
		args = append(args, string(f.Status))
	}
	if f.Prefix != "" {
		q += " AND id LIKE ?"
		args = append(args, escapeLike(f.Prefix)+"%")
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q += " ORDER BY created_at DESC, id LIMIT " + strconv.Itoa(f.Limit) + " OFFSET " + strconv.Itoa(max(0, f.Offset))
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	s = strings.ReplaceAll(s, "%", "")
	return strings.ReplaceAll(s, "_", "")
}

// Submit stores r as a queued run and returns it with created true. When a
// run with r.ID exists it is returned instead (created false): the same
// inputs are never computed twice. A failed or cancelled run is queued again
// (its old outputs and log removed) and returned with created true. A
// created run's log starts with "queued: TITLE", written in the same
// transaction, so it precedes whatever a worker that claims the run at once
// logs.
func (s *Store) Submit(ctx context.Context, r *Run) (*Run, bool, error) {
	if r.ID == "" || r.Kind == "" {
		return nil, false, fmt.Errorf("submit: run needs an id and a kind")
	}
	if r.Origin == "" {
		r.Origin = "server"
	}
	now := time.Now()
	created := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `INSERT INTO runs (id, kind, status, title, request, summary, error, origin, progress_done, progress_total, attempts, created_at, started_at, finished_at)
			VALUES (?, ?, ?, ?, ?, '', '', ?, 0, ?, 0, ?, 0, 0) ON CONFLICT (id) DO NOTHING`,
			r.ID, r.Kind, string(Queued), r.Title, string(r.Request), r.Origin, r.Total, ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			created = true
			return s.logQueued(ctx, tx, r, now)
		}
		res, err = s.exec(ctx, tx, `UPDATE runs SET status = ?, error = '', summary = '', progress_done = 0, started_at = 0, finished_at = 0, created_at = ?
			WHERE id = ? AND status IN (?, ?)`, string(Queued), ms(now), r.ID, string(Failed), string(Cancelled))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			created = true
			if _, err := s.exec(ctx, tx, "DELETE FROM artefacts WHERE run_id = ?", r.ID); err != nil {
				return err
			}
			if _, err = s.exec(ctx, tx, "DELETE FROM run_logs WHERE run_id = ?", r.ID); err != nil {
				return err
			}
			return s.logQueued(ctx, tx, r, now)
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("submit run %s: %w", r.ID, err)
	}
	got, err := s.Get(ctx, r.ID)
	return got, created, err
}

// logQueued writes a newly queued run's first log line.
func (s *Store) logQueued(ctx context.Context, tx *sql.Tx, r *Run, now time.Time) error {
	_, err := s.exec(ctx, tx, "INSERT INTO run_logs (run_id, seq, at, line) VALUES (?, 1, ?, ?)", r.ID, ms(now), "queued: "+r.Title)
	return err
}

// Claim marks the oldest queued run of one of kinds (any kind when empty)
// running and returns it, or returns ErrNotFound when none is queued.
func (s *Store) Claim(ctx context.Context, kinds ...string) (*Run, error) {
	for {
		q := "SELECT id FROM runs WHERE status = ?"
		args := []any{string(Queued)}
		if len(kinds) > 0 {
			q += " AND kind IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ") + ")"
			for _, k := range kinds {
				args = append(args, k)
			}
		}
		q += " ORDER BY created_at, id LIMIT 1"
		var id string
		if err := s.db.QueryRowContext(ctx, s.d.rebind(q), args...).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil, ErrNotFound
			}
			return nil, err
		}
		ok, err := s.claimID(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			return s.Get(ctx, id)
		}
		// Another worker took it first: look again.
	}
}

// claimID moves id from queued to running and records the attempt.
func (s *Store) claimID(ctx context.Context, id string) (bool, error) {
	claimed := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := ms(time.Now())
		res, err := s.exec(ctx, tx, "UPDATE runs SET status = ?, started_at = ?, attempts = attempts + 1 WHERE id = ? AND status = ?",
			string(Running), now, id, string(Queued))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		claimed = true
		_, err = s.exec(ctx, tx, `INSERT INTO jobs (run_id, attempt, status, started_at, finished_at, error)
			SELECT id, attempts, ?, ?, 0, '' FROM runs WHERE id = ?`, string(Running), now, id)
		return err
	})
	return claimed, err
}

// Progress records that done of total units of running run id are complete.
func (s *Store) Progress(ctx context.Context, id string, done, total int64) error {
	res, err := s.exec(ctx, s.db, "UPDATE runs SET progress_done = ?, progress_total = ? WHERE id = ? AND status = ?", done, total, id, string(Running))
	if err != nil {
		return fmt.Errorf("run %s progress: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("run %s progress: %w", id, ErrNotRunning)
	}
	return nil
}

// Finish stores a running run's outputs and summary and marks it succeeded,
// all in one transaction: either everything is stored or nothing is.
func (s *Store) Finish(ctx context.Context, id string, summary json.RawMessage, arts []Artefact) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.putArtefacts(ctx, tx, id, arts); err != nil {
			return err
		}
		res, err := s.exec(ctx, tx, "UPDATE runs SET status = ?, summary = ?, error = '', finished_at = ?, progress_done = progress_total WHERE id = ? AND status = ?",
			string(Succeeded), string(summary), ms(time.Now()), id, string(Running))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotRunning
		}
		return s.endJob(ctx, tx, id, Succeeded, "")
	})
	if err != nil {
		return fmt.Errorf("finish run %s: %w", id, err)
	}
	return nil
}

func (s *Store) putArtefacts(ctx context.Context, tx *sql.Tx, id string, arts []Artefact) error {
	for _, a := range arts {
		if _, err := s.exec(ctx, tx, "DELETE FROM artefacts WHERE run_id = ? AND name = ?", id, a.Name); err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, "INSERT INTO artefacts (run_id, name, media_type, size, sha256, data) VALUES (?, ?, ?, ?, ?, ?)",
			id, a.Name, a.MediaType, a.Size, a.SHA256, a.Data); err != nil {
			return fmt.Errorf("artefact %s: %w", a.Name, err)
		}
	}
	return nil
}

func (s *Store) endJob(ctx context.Context, tx *sql.Tx, id string, st Status, msg string) error {
	_, err := s.exec(ctx, tx, `UPDATE jobs SET status = ?, finished_at = ?, error = ?
		WHERE run_id = ? AND attempt = (SELECT attempts FROM runs WHERE id = ?) AND finished_at = 0`, string(st), ms(time.Now()), msg, id, id)
	return err
}

// Fail marks a running run failed with msg, keeping arts (a partial
// trajectory, the summary of the failure) in the same transaction.
func (s *Store) Fail(ctx context.Context, id, msg string, summary json.RawMessage, arts []Artefact) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.putArtefacts(ctx, tx, id, arts); err != nil {
			return err
		}
		res, err := s.exec(ctx, tx, "UPDATE runs SET status = ?, error = ?, summary = ?, finished_at = ? WHERE id = ? AND status IN (?, ?)",
			string(Failed), msg, string(summary), ms(time.Now()), id, string(Running), string(Queued))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotRunning
		}
		return s.endJob(ctx, tx, id, Failed, msg)
	})
	if err != nil {
		return fmt.Errorf("fail run %s: %w", id, err)
	}
	return nil
}

// Cancel marks a queued or running run cancelled; it reports whether it did.
func (s *Store) Cancel(ctx context.Context, id string) (bool, error) {
	ok := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "UPDATE runs SET status = ?, error = 'cancelled', finished_at = ? WHERE id = ? AND status IN (?, ?)",
			string(Cancelled), ms(time.Now()), id, string(Queued), string(Running))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		ok = true
		return s.endJob(ctx, tx, id, Cancelled, "cancelled")
	})
	if err != nil {
		return false, fmt.Errorf("cancel run %s: %w", id, err)
	}
	return ok, nil
}

// Recover marks every running run queued again, for a server that starts
// after a crash or kill: the runs resume (a cohort from its completed
// chunks). It returns the ids.
func (s *Store) Recover(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind("SELECT id FROM runs WHERE status = ? ORDER BY created_at"), string(Running))
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if err := s.endJob(ctx, tx, id, Failed, "interrupted: the server stopped while the run was running"); err != nil {
				return err
			}
			_, err := s.exec(ctx, tx, "UPDATE runs SET status = ? WHERE id = ? AND status = ?", string(Queued), id, string(Running))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("recover run %s: %w", id, err)
		}
	}
	return ids, nil
}

// Delete removes a run with its artefacts and log.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, t := range []string{"artefacts", "run_logs", "jobs"} {
			if _, err := s.exec(ctx, tx, "DELETE FROM "+t+" WHERE run_id = ?", id); err != nil {
				return err
			}
		}
		res, err := s.exec(ctx, tx, "DELETE FROM runs WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("run %s: %w", id, ErrNotFound)
		}
		return nil
	})
}

// Record stores a run that already finished (a CLI run) with its outputs in
// one transaction. An existing succeeded run with the same id is kept as it
// is (same id, same inputs, same bytes).
func (s *Store) Record(ctx context.Context, r *Run, arts []Artefact) error {
	now := ms(time.Now())
	if r.Origin == "" {
		r.Origin = "cli"
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var st string
		err := tx.QueryRowContext(ctx, s.d.rebind("SELECT status FROM runs WHERE id = ?"), r.ID).Scan(&st)
		switch {
		case err == nil && Status(st) == Succeeded:
			return nil
		case err == nil:
			for _, t := range []string{"artefacts", "run_logs", "jobs", "runs"} {
				col := "run_id"
				if t == "runs" {
					col = "id"
				}
				if _, err := s.exec(ctx, tx, "DELETE FROM "+t+" WHERE "+col+" = ?", r.ID); err != nil {
					return err
				}
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := s.exec(ctx, tx, `INSERT INTO runs (id, kind, status, title, request, summary, error, origin, progress_done, progress_total, attempts, created_at, started_at, finished_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
			r.ID, r.Kind, string(r.Status), r.Title, string(r.Request), string(r.Summary), r.Error, r.Origin, r.Done, r.Total,
			now, ms(r.Started), now); err != nil {
			return err
		}
		return s.putArtefacts(ctx, tx, r.ID, arts)
	})
}

// Artefacts lists run id's output files (without their data).
func (s *Store) Artefacts(ctx context.Context, id string) ([]Artefact, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind("SELECT name, media_type, size, sha256 FROM artefacts WHERE run_id = ? ORDER BY name"), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Artefact
	for rows.Next() {
		var a Artefact
		if err := rows.Scan(&a.Name, &a.MediaType, &a.Size, &a.SHA256); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Artefact returns one output file of run id with its data.
func (s *Store) Artefact(ctx context.Context, id, name string) (*Artefact, error) {
	var a Artefact
	err := s.db.QueryRowContext(ctx, s.d.rebind("SELECT name, media_type, size, sha256, data FROM artefacts WHERE run_id = ? AND name = ?"), id, name).
		Scan(&a.Name, &a.MediaType, &a.Size, &a.SHA256, &a.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("run %s has no output %q: %w", id, name, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// Log appends a line to run id's log. Two writers appending at once (the
// API's "queued" and a worker's "started") can pick the same sequence
// number; the later insert then does nothing and is retried with the next
// number, so no line is lost.
func (s *Store) Log(ctx context.Context, id, line string) error {
	for range 20 {
		var n int64
		err := s.tx(ctx, func(tx *sql.Tx) error {
			res, err := s.exec(ctx, tx, `INSERT INTO run_logs (run_id, seq, at, line)
				SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ? FROM run_logs WHERE run_id = ?
				ON CONFLICT (run_id, seq) DO NOTHING`, id, ms(time.Now()), line, id)
			if err == nil {
				n, err = res.RowsAffected()
			}
			return err
		})
		if err != nil || n == 1 {
			return err
		}
	}
	return fmt.Errorf("log of run %s: sequence number still taken after 20 tries", id)
}

// Logs returns run id's log lines after sequence number after.
func (s *Store) Logs(ctx context.Context, id string, after int64) ([]LogLine, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind("SELECT seq, at, line FROM run_logs WHERE run_id = ? AND seq > ? ORDER BY seq"), id, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LogLine
	for rows.Next() {
		var l LogLine
		var at int64
		if err := rows.Scan(&l.Seq, &at, &l.Line); err != nil {
			return nil, err
		}
		l.Time = fromMS(at)
		out = append(out, l)
	}
	return out, rows.Err()
}

// Job is one attempt at a run.
type Job struct {
	RunID    string    `json:"run_id"`
	Attempt  int       `json:"attempt"`
	Status   Status    `json:"status"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Error    string    `json:"error,omitempty"`
}

// Jobs returns the attempts at run id, oldest first.
func (s *Store) Jobs(ctx context.Context, id string) ([]Job, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind("SELECT run_id, attempt, status, started_at, finished_at, error FROM jobs WHERE run_id = ? ORDER BY attempt"), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		var st, fi int64
		if err := rows.Scan(&j.RunID, &j.Attempt, &j.Status, &st, &fi, &j.Error); err != nil {
			return nil, err
		}
		j.Started, j.Finished = fromMS(st), fromMS(fi)
		out = append(out, j)
	}
	return out, rows.Err()
}

// PutUpload stores an uploaded file (addressed by its SHA-256) and returns
// its record; the same bytes uploaded again under a new name add the name.
func (s *Store) PutUpload(ctx context.Context, name, kind string, data []byte) (*Upload, error) {
	h := sha256.Sum256(data)
	u := &Upload{SHA256: hex.EncodeToString(h[:]), Name: name, Kind: kind, Size: int64(len(data)), Created: time.Now().UTC().Truncate(time.Millisecond), Data: data}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO uploads (sha256, name, kind, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (sha256, name) DO UPDATE SET created_at = excluded.created_at, kind = excluded.kind`,
			u.SHA256, u.Name, u.Kind, u.Size, data, ms(u.Created))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store upload %s: %w", name, err)
	}
	return u, nil
}

// GetUpload returns the upload named ref (its newest version) or with SHA-256 ref.
func (s *Store) GetUpload(ctx context.Context, ref string) (*Upload, error) {
	var u Upload
	var c int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT sha256, name, kind, size, data, created_at FROM uploads
		WHERE name = ? OR sha256 = ? ORDER BY created_at DESC LIMIT 1`), ref, ref).
		Scan(&u.SHA256, &u.Name, &u.Kind, &u.Size, &u.Data, &c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("upload %q: %w", ref, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	u.Created = fromMS(c)
	return &u, nil
}

// Uploads lists uploaded files (newest version of each name), of kind when given.
func (s *Store) Uploads(ctx context.Context, kind string) ([]Upload, error) {
	q := `SELECT u.sha256, u.name, u.kind, u.size, u.created_at FROM uploads u
		WHERE u.created_at = (SELECT MAX(v.created_at) FROM uploads v WHERE v.name = u.name)`
	var args []any
	if kind != "" {
		q += " AND u.kind = ?"
		args = append(args, kind)
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q+" ORDER BY u.name"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Upload
	seen := map[string]bool{}
	for rows.Next() {
		var u Upload
		var c int64
		if err := rows.Scan(&u.SHA256, &u.Name, &u.Kind, &u.Size, &c); err != nil {
			return nil, err
		}
		if seen[u.Name] {
			continue
		}
		seen[u.Name] = true
		u.Created = fromMS(c)
		out = append(out, u)
	}
	return out, rows.Err()
}
