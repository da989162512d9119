// Package model is holobiont's intermediate representation (IR) of a
// dynamical model: the one data structure every front end fills (YAML in
// package modelfile, SBML in package sbml, a fitted model, Go code) and
// everything downstream reads (the compiler in package system, `model
// describe`, the SBML export). It is plain data plus validation; it does no
// I/O and no numerics. It is not the YAML parser (that is modelfile) and
// not the set of shipped models (that is models).
//
// # What a Model holds
//
//   - Compartments: body sites (gut, skin sites, host) or SBML compartments,
//     with a site environment (sebum, moisture, temperature, pH) that niche
//     preferences read as parameters "<site>.<key>".
//   - Species: state variables in a compartment (microbial populations as
//     absolute densities, metabolites, SBML species). Taxon names the
//     organism of a population.
//   - Parameters: named values with unit, allowed range [Min, Max] (NaN =
//     unbounded) and provenance (citation and evidence class Q, S or
//     unspecified). Constant parameters can be overridden before a run.
//   - Rules: assignment (x = f), rate (dx/dt = f; holobiont's host states)
//     and algebraic (0 = f) rules, as in SBML.
//   - Reactions, Functions, InitialAssignments, Events: SBML Level 3 core
//     semantics.
//   - Communities: a generalised Lotka–Volterra block per site,
//     dx_i/dt = x_i (Growth_i + Σ_j a_ij x_j − Shedding) + Inflow_i, with an
//     extinction threshold.
//   - Inputs: exogenous signals (stress, antibiotic concentration, probiotic
//     dose, emollient, fibre) that a scenario's schedule sets piecewise
//     constant; outside the schedule an input has its Default.
//   - Observables: derived outputs (Shannon diversity, dysbiosis, severity
//     scores).
//   - Couplings: documentation of the directed links between gut, skin,
//     brain and immune system (which parameter carries each, its sign and
//     evidence), for `model describe`.
//
// Expressions are expr.Node trees over ids; a Source on each element
// locates it in its file (file:line:col) for error messages. Validate
// checks references, cycles among assignment rules and declared values.
//
// Time is in the model's TimeUnit (days for holobiont's own models).
// Scenarios (the time span and interventions of a run) are not part of a
// Model: package holobiont loads a model with a scenario into a Problem.
package model
