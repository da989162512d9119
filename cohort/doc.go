// Package cohort simulates virtual cohorts: it reads a cohort spec (YAML),
// draws each subject's parameters and covariates from stated distributions
// joined by a Gaussian copula, runs the model for every subject on a worker
// pool, observes each subject the way a study would (package observe) and
// writes per-subject endpoints, sampled observations, count tables and the
// ground truth next to them.
//
// Determinism: every random draw for subject i comes from a stream keyed by
// (seed, i, purpose) (see Stream), so a subject's results depend only on the
// seed and its index — not on worker count, shard layout or order. Output
// files are assembled from per-chunk checkpoint files in subject order, so a
// run with 1 worker, with all cores, or split with Shard and merged with
// Assemble gives identical bytes.
//
// Faults: each finished chunk of subjects is committed atomically to
// DIR/chunks; a killed run resumes from the chunks present. The output
// manifest (manifest.json) is written last and atomically, so a directory
// without it is never a complete result.
//
// Provenance: the layout and the manifest record the spec hash (spec,
// model and scenario bytes), the program version (Options.Version), the
// model and scenario hashes and the solver settings (see Provenance); a run
// directory or shard of another version is refused rather than mixed.
//
// Interventions: every intervention window of the scenario (or of a
// trial's arms) is a Perturbation; the MDSINE and MDSINE2 outputs record
// them (perturbID per sample, perturbations per subject).
package cohort
