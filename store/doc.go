// Package store keeps holobiont's runs: single simulations, cohorts and
// trials with their request, status, progress, log and output files
// (artefacts), and the model and scenario files users upload.
//
// Two backends share one schema and one code path (database/sql): SQLite
// through the pure-Go modernc.org/sqlite driver (the default, a file such as
// holobiont-data/holobiont.db) and PostgreSQL through pgx when the location
// is a postgres:// or postgresql:// URL. The schema is versioned; Open
// applies the migrations a database lacks, each in its own transaction, and
// refuses a database written by a newer holobiont.
//
// A run's status moves queued → running → succeeded | failed | cancelled.
// Its outputs and its "succeeded" status are written in one transaction
// (Finish), so a crash or SIGKILL leaves either a finished run or a run still
// marked running, which Recover marks queued again (resumable) when the
// server restarts; no reader ever sees a run that looks finished with some of
// its files missing. Run ids are content hashes of the inputs, so Submit with
// an existing id returns the stored run instead of computing it again.
package store
