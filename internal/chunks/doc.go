// Package chunks runs a fixed list of independent, deterministic tasks in
// checkpointed chunks: the execution engine of cohorts, trials, sensitivity
// analyses and virtual populations.
//
// Task i's result must depend only on i (and the run's inputs), never on
// the worker that computed it or the order: then a run gives the same
// chunk files with any number of workers, split into shards (part I of N
// of the chunks, on any machines) or resumed after a kill. Each finished
// chunk is written atomically to DIR/chunks/chunk-NNNNNN.gob, tagged with
// the run's key (a hash of everything the results depend on) and followed by
// the SHA-256 of its bytes; a chunk present with the right key, size and
// checksum is reused, not recomputed. A damaged chunk (a flipped byte, a
// cut) is recomputed on resume (and reported through Options.Warn), and
// refused by Verify, which merges run before writing anything.
package chunks
