// Package study runs the global sensitivity analyses and virtual
// populations of `holobiont gsa` and `holobiont vpop` on holobiont models:
// the workflow around package gsa's numerics.
//
// [LoadSpec] reads a spec (YAML; errors located as file:line:col): the
// model and scenario, the varied parameters with ranges or distributions in
// the cohort spec's language, the outputs (endpoints at a time, trajectory
// summaries, or time-resolved indices along a grid), and the method (Sobol
// with Saltelli sampling, Morris, or a virtual population). [Compile] checks
// it against the model and lays out the design. [Run] simulates the design
// points in checkpointed chunks (package internal/chunks), so a study gives
// the same bytes with any number of workers, shards across machines and
// resumes after a kill. [Finish] verifies and merges the chunks of one or
// more run or shard directories and writes the indices (TSV and JSON), the
// report and, last and atomically, the manifest.
//
// See docs/gsa.md and examples/gsa-gut-skin-brain.yaml.
package study
