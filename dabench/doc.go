// Package dabench scores differential-abundance methods on simulated
// studies with known truth, which no other tool can: a trial simulated by
// the cohort engine (for example a probiotic arm raising one taxon and an
// antibiotic arm lowering a guild) gives each subject's true community;
// background taxa no arm touches, zero inflation and sequencing at a
// realistic depth (the trial's own sequencing model) give the counts; each
// method of package da is run on every replicate and scored for false
// discovery rate, power and effect-size bias against the absolute and the
// compositional truth.
//
// Determinism: every draw comes from cohort.Stream keyed by (seed,
// subject, purpose), so results do not depend on the number of workers.
package dabench
