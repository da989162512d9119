// Package modelfile reads holobiont's YAML model and scenario files and
// lowers them to the model IR (package model) and to a simulation schedule
// (package sim).
//
// Every error names the place in the file as file:line:col, including
// positions inside expression strings, unknown fields, type errors,
// dangling references and out-of-range or non-finite values. The format is
// documented with a worked example in docs/model-format.md.
package modelfile
