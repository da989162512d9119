package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dialect holds the few differences between the two SQL backends.
type dialect struct {
	name string
	blob string // binary column type
	// dollar placeholders ($1, $2, ...) instead of ?
	dollar bool
}

var (
	sqlite   = dialect{name: "sqlite", blob: "BLOB"}
	postgres = dialect{name: "postgres", blob: "BYTEA", dollar: true}
)

// rebind rewrites ? placeholders as $n for PostgreSQL. Queries hold no ?
// inside string literals.
func (d dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// migrations are applied in order; migration i brings the schema to version
// i+1. Never edit a released migration: append a new one. {{blob}} is the
// dialect's binary type.
var migrations = []string{
	// 1: runs, jobs (attempts), artefacts, logs, uploads.
	`CREATE TABLE runs (
		id TEXT PRIMARY KEY,
		kind TEXT NOT NULL,
		status TEXT NOT NULL,
		title TEXT NOT NULL DEFAULT '',
		request TEXT NOT NULL,
		summary TEXT NOT NULL DEFAULT '',
		error TEXT NOT NULL DEFAULT '',
		origin TEXT NOT NULL DEFAULT 'server',
		progress_done BIGINT NOT NULL DEFAULT 0,
		progress_total BIGINT NOT NULL DEFAULT 0,
		attempts INTEGER NOT NULL DEFAULT 0,
		created_at BIGINT NOT NULL,
		started_at BIGINT NOT NULL DEFAULT 0,
		finished_at BIGINT NOT NULL DEFAULT 0
	);
	CREATE INDEX runs_status_created ON runs (status, created_at);
	CREATE INDEX runs_created ON runs (created_at);
	CREATE TABLE jobs (
		run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
		attempt INTEGER NOT NULL,
		status TEXT NOT NULL,
		started_at BIGINT NOT NULL,
		finished_at BIGINT NOT NULL DEFAULT 0,
		error TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (run_id, attempt)
	);
	CREATE TABLE artefacts (
		run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
		name TEXT NOT NULL,
		media_type TEXT NOT NULL,
		size BIGINT NOT NULL,
		sha256 TEXT NOT NULL,
		data {{blob}} NOT NULL,
		PRIMARY KEY (run_id, name)
	);
	CREATE TABLE run_logs (
		run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
		seq BIGINT NOT NULL,
		at BIGINT NOT NULL,
		line TEXT NOT NULL,
		PRIMARY KEY (run_id, seq)
	);
	CREATE TABLE uploads (
		sha256 TEXT NOT NULL,
		name TEXT NOT NULL,
		kind TEXT NOT NULL,
		size BIGINT NOT NULL,
		data {{blob}} NOT NULL,
		created_at BIGINT NOT NULL,
		PRIMARY KEY (sha256, name)
	);
	CREATE INDEX uploads_name ON uploads (name, created_at)`,
}

// SchemaVersion is the schema version this holobiont writes.
const SchemaVersion = 1

// migrate brings the database to SchemaVersion, one transaction per
// migration, and refuses a newer schema.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	for {
		v, err := s.currentVersion(ctx)
		if err != nil {
			return err
		}
		s.version = v
		if v > len(migrations) {
			return fmt.Errorf("the database has schema version %d, newer than this holobiont's %d: use a newer holobiont", v, len(migrations))
		}
		if v == len(migrations) {
			return nil
		}
		if err := s.apply(ctx, v+1); err != nil {
			return err
		}
	}
}

func (s *Store) currentVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return int(v.Int64), nil
}

// apply runs migration version (1-based) in one transaction. Two processes
// opening a new store at once: the second one's insert of the version row
// fails on the primary key and its transaction rolls back, so the schema is
// created once; migrate then reads the version again.
func (s *Store) apply(ctx context.Context, version int) error {
	text := strings.ReplaceAll(migrations[version-1], "{{blob}}", s.d.blob)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", version, time.Now().UnixMilli()); err != nil {
			return err
		}
		for _, stmt := range strings.Split(text, ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%w in %.60s", err, strings.TrimSpace(stmt))
			}
		}
		return nil
	})
	if err != nil {
		if v, verr := s.currentVersion(ctx); verr == nil && v >= version {
			return nil // another process applied it
		}
		return fmt.Errorf("migration %d: %w", version, err)
	}
	return nil
}
