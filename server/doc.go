// Package server is holobiont's web page and HTTP API over a run store
// (package store): submit a simulation, cohort, trial, sensitivity analysis,
// virtual population or fit of dynamics to an uploaded data set (a zip of
// its folder, upload kind data); watch its progress
// (Server-Sent Events); read its results, log and files; compare runs; list
// the shipped and uploaded models with their provenance (unit, range,
// citation and evidence class of every parameter).
//
// The API follows runBioSimulations' shape where it fits:
//
//	POST /api/runs                      {"model": "gut-skin-brain.yaml", "set": {"sigma_S": 0}} → {"id", "status"}
//	GET  /api/runs/{id}                 status queued → running → succeeded | failed | cancelled
//	GET  /api/runs/{id}/results/{output}
//	GET  /api/runs/{id}/logs
//	GET  /api/runs/{id}/download        every output file as one zip
//	GET  /api/models                    shipped and uploaded models, with their parameters
//
// and /api/openapi.json documents all of it. A run's id is the content hash
// of its inputs (the one `holobiont run` computes), so the same inputs are
// never computed twice and /runs/{id} is a permanent link.
//
// Computation is delegated to an Engine (cmd/holobiont wires the run
// pipeline and the cohort engine); runs execute on bounded worker pools, one
// for single runs and one for background jobs (cohorts, trials, gsa, vpop,
// fits). A server
// that starts finds the runs a previous one left running and queues them
// again; a cohort resumes from its completed chunks in the work directory.
//
// Security: the page's assets are embedded; no route reads a file outside
// the store (inputs are shipped files or uploads); request bodies and
// uploads are bounded and uploads are parsed with size, depth and time
// limits; every error is JSON with a message, never a stack trace; with a
// token configured every API call must carry it.
package server
