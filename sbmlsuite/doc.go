// Package sbmlsuite runs SBML models on holobiont's engine the way the SBML
// Test Suite's semantic cases ask (settings file: start, duration, steps,
// variables, amount or concentration output, tolerances) and compares the
// results with the expected CSV.
//
// It is the conformance harness, not part of the SBML import (package sbml)
// nor of `holobiont sbml run` (which goes through package holobiont): it
// drives package sim directly so that it can report each variable as an
// amount or a concentration, as a case's settings ask.
package sbmlsuite
