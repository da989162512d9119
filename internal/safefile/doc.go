// Package safefile writes output files so that a reader never sees a
// half-finished file: data goes to a temporary file in the same directory,
// which is renamed over the destination only on Commit.
package safefile
