// Package modelfile reads holobiont's YAML model and scenario files and
// lowers them to the model IR (package model) and to a simulation schedule
// (package sim).
//
// It is not the IR (package model: what a model is) nor the shipped models
// (package models: the embedded files); it is only the YAML front end.
//
// Every error names the place in the file as file:line:col, including
// positions inside expression strings, unknown fields, type errors,
// dangling references and out-of-range or non-finite values. The format is
// documented with a worked example in docs/model-format.md.
package modelfile
