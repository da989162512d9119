package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/store"
)

// EnvPostgres names the environment variable holding the PostgreSQL test
// server's URL.
const EnvPostgres = "HOLOBIONT_TEST_POSTGRES"

// Backend is one store location a test suite runs against.
type Backend struct {
	Name string
	// Open returns the location of a fresh, empty store (a path or URL).
	Open func(t testing.TB) string
}

// Backends returns SQLite and, when HOLOBIONT_TEST_POSTGRES is set,
// PostgreSQL. Without it the PostgreSQL half is reported as skipped by
// RunBoth.
func Backends() []Backend {
	return []Backend{
		{Name: "sqlite", Open: func(t testing.TB) string { return t.TempDir() }},
		{Name: "postgres", Open: Postgres},
	}
}

// RunBoth runs f as a subtest against each backend.
func RunBoth(t *testing.T, f func(t *testing.T, loc string)) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, b.Open(t)) })
	}
}

// Postgres creates a fresh database on the HOLOBIONT_TEST_POSTGRES server
// and returns its URL, or skips the test when the variable is unset.
func Postgres(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		t.Skipf("skipping the PostgreSQL backend: set %s to a server URL (sh scripts/pg_test_server.sh start prints one)", EnvPostgres)
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "holobiont_test_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		db.Close()
		t.Fatalf("create test database on %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		db.Close()
	})
	u.Path = "/" + name
	return u.String()
}

// Open opens a fresh store on backend loc and closes it when the test ends.
func Open(t testing.TB, loc string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), loc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// SetSchemaVersion records version as applied in the store at loc (a
// SQLite directory from Backends or a PostgreSQL URL), to test that a newer
// schema is refused.
func SetSchemaVersion(loc string, version int) error {
	driver, dsn, ph := "sqlite", filepath.Join(loc, "holobiont.db"), "?"
	if strings.HasPrefix(loc, "postgres") {
		driver, dsn, ph = "pgx", loc, "$1"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES ("+ph+", 0)", version)
	return err
}
