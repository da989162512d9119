// Package kernels holds Go code generated from the compiled tapes of the
// shipped models (package models): straight-line functions that compute,
// bit for bit, what the expression interpreter computes for the model's
// right-hand side, outputs, static assignments and Jacobian partials
// (expr.Tape.GoFunc). Package system looks each hot tape up by its
// fingerprint (expr.Tape.Fingerprint) when it compiles a model and runs the
// kernel instead of interpreting the tape; a model without a kernel here
// (a user's model, an SBML file, a shipped model edited since the kernels
// were generated) runs on the interpreter with the same results, only
// slower. TestKernelsCurrent in package system fails when a shipped model's
// kernels are stale.
//
// Regenerate after changing a shipped model or the tape compiler:
//
//	go generate ./system/kernels
//
// which runs `holobiont model compile --go` over the shipped models (see
// that command's help: it also writes kernels for a user's own models, to
// be compiled into a custom build).
package kernels

//go:generate go run ../../cmd/holobiont model compile --go kernels_gen.go --package kernels gupta2007.yaml gut-skin-brain.yaml hpa-karin2020.yaml lee2024.yaml shmarov2022.yaml stein2013.yaml
