// Package holobiont is the front door of holobiont: load a model and a
// scenario, apply overrides, run, and read the results by name.
//
//	p, err := holobiont.Load(ctx, "gut-skin-brain.yaml", holobiont.Scenario("scenarios/gut-skin-brain.yaml"), holobiont.Set("sigma_S", 0))
//	res, err := p.Run(ctx, holobiont.Options{})   // trajectory + run record (summary.json)
//	cortisol := res.Series("host.cortisol")
//
// A model or scenario may be a file or the name of a shipped one (see
// package models). New builds a Problem from an in-memory *model.Model (an
// SBML import, a fitted model, a model built in Go). A Runner runs one
// Problem many times with different parameter values on one goroutine
// (cohorts, sensitivity analysis, calibration, a server): the model is
// compiled once and each Runner owns a copy.
//
// The run record (Record) is what `holobiont run` writes as summary.json:
// the model and scenario SHA-256, holobiont version, solver settings and
// statistics, seed, end state, key endpoints and interventions. Result.Write
// writes a run directory (trajectory.csv or .parquet, summary.json and any
// extra files such as a report) all together or not at all; a run that
// failed part-way keeps its rows in trajectory.partial.csv.
//
// # Where to read next
//
// Read this package first, then package model (the intermediate
// representation every front end fills and everything downstream reads).
// The chain below this package, in the order data flows:
//
//   - modelfile: YAML models and scenarios → model IR (errors as file:line:col)
//   - sbml: SBML ↔ model IR
//   - system: model IR → compiled ODE system (right-hand side, Jacobian, events)
//   - sim: schedule of integration segments → trajectory
//   - ode: the solvers
//
// Around it: cohort (virtual cohorts and trials), observe (sequencing and
// measurements), table, diversity, stats and assoc (microbiome tables and
// their statistics), report (figures and HTML), runreport (the HTML report
// of one run; what it shows and the display names and units of variables
// are data next to the model, models/reports/*.yaml, read as a Layout).
// The command-line tool in
// cmd/holobiont parses flags and wires these packages.
package holobiont
