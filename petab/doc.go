// Package petab reads PEtab parameter estimation problems (format versions
// 1 and 2 with an SBML model) into an estimate.Spec, writes simulation
// tables, and runs the PEtab test suite's cases.
//
// Load reads the problem YAML and every table it lists: parameters (scales,
// bounds, nominal values, estimate flags, priors), observables (formulas,
// noise formulas and distributions, transformations, placeholders),
// conditions (v1 wide tables, v2 target/value rows), experiments (v2),
// measurements and the v2 mapping table, and the SBML model through
// package sbml. Formulas use PEtab's math syntax (log(a, b) is log of a to
// base b; only "time" denotes time). A v1 (preequilibration, simulation)
// condition pair becomes an experiment with a −Inf period and a period at
// 0. Every table error is an *Error naming the file, the line, the column
// and the id; references between tables and to the model are checked by
// estimate.Compile, before any simulation.
package petab
