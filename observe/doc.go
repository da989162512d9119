// Package observe turns simulated ground truth into what a study would
// measure: sequencing depth per sample, read counts drawn by multinomial,
// Dirichlet-multinomial or negative-binomial sampling (the last with the
// MDSINE2 dispersion a0/rel + a1), absolute load as qPCR replicates with
// log-normal noise, and host measurements on their instruments' scales
// (cortisol in nmol/L, a PSS-10-like perceived stress score 0–40, an
// Affect-Grid-like mood score 1–9, EASI 0–72 or SCORAD 0–103).
//
// Randomness is always passed in as a *rand.Rand from math/rand/v2, so a
// caller that keys its streams by (seed, subject, purpose) gets results that
// do not depend on thread count or order. The package does no I/O.
package observe
