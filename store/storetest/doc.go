// Package storetest opens fresh run stores for tests: a SQLite file in the
// test's temporary directory, and, when HOLOBIONT_TEST_POSTGRES names a
// PostgreSQL server (scripts/pg_test_server.sh starts one), a new database on
// it that is dropped when the test ends.
package storetest
