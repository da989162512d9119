package server

import (
	"context"
	"encoding/json"
)

// Engine computes runs; the server queues, stores and serves them.
type Engine interface {
	// Prepare checks a job before it is queued (inputs parse, parameters
	// exist and are in range, the cohort is within the limits) and returns
	// its id, a content hash of everything that determines its outputs.
	Prepare(ctx context.Context, job *Job) (*Plan, error)
	// Execute computes the job, writing its output files into dir (which
	// may hold a previous attempt's resumable state), and returns the run
	// record (summary.json, a cohort's manifest.json). When it fails part
	// way, files it wrote (a partial trajectory) are kept with the failure.
	Execute(ctx context.Context, job *Job, dir string, progress func(done, total int64)) (json.RawMessage, error)
}

// Plan is what Prepare found.
type Plan struct {
	ID    string
	Title string
	// Total units of work (days simulated, subjects) for the progress bar.
	Total int64
}

// File is one input file.
type File struct {
	Name string // as the user named it: a shipped name, an upload's name
	Data []byte
	// Shipped is true for files embedded in holobiont (models, scenarios, example specs).
	Shipped bool
}

// Job is a run request with its inputs resolved to bytes.
type Job struct {
	Kind     string // run, cohort, trial, gsa, vpop, fit
	Model    *File  // run: nil means the default model
	Scenario *File  // run: nil means the model's shipped scenario
	Spec     *File  // cohort, trial, gsa, vpop
	// Data is a fit run's data set: a zip archive of its folder
	// (ExtractData); Fit its settings.
	Data *File
	Fit  *FitSettings
	// Files a spec names (model:, scenario:), by the relative path it uses.
	Files  map[string]*File
	Set    map[string]float64
	Solver string
	RTol   float64
	ATol   float64
	Seed   uint64
	// NoPower skips a trial's power study.
	NoPower bool
	Limits  Limits
}

// FitSettings are a fit run's options, as `holobiont fit` flags of the
// same names (empty: the CLI's default). The bootstrap seed is the run's
// seed.
type FitSettings struct {
	Method    string `json:"method,omitempty"`    // --method (default auto)
	CV        string `json:"cv,omitempty"`        // --cv: none (default) or loso
	DtWeight  string `json:"dt_weight,omitempty"` // --dt-weight: a number or auto (default 0)
	Penalty   string `json:"penalty,omitempty"`   // --penalty growth=G,interaction=A,perturbation=E[,l1=R]
	Bootstrap *int   `json:"bootstrap,omitempty"` // --bootstrap (default 100)
}

// Limits bound what one run may use.
type Limits struct {
	// MaxSubjects caps a cohort's or trial's subjects (including a power
	// study's replicate subjects).
	MaxSubjects int
	// Workers is the parallel subjects of a cohort (0: all cores).
	Workers int
	// MaxData bounds a fit run's data set uncompressed (bytes).
	MaxData int64
}
