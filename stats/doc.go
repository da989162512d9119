// Package stats holds the statistics holobiont uses to analyse microbiome
// tables: permutation tests on distance matrices (PERMANOVA with strata and
// sequential terms as vegan's adonis2(by = "terms"), PERMDISP, ANOSIM, Mantel),
// compositional transforms (CLR, robust CLR), correlation tests with the
// p-values R's cor.test reports, linear models with covariates, and
// multiple-testing corrections as R's p.adjust.
//
// # Permutation tests
//
// Every permutation test takes a PermOptions value. Randomness comes from a
// caller-supplied math/rand/v2 Source, from which a test draws one 128-bit
// key; permutation block b (of PermBlock permutations) then uses its own PCG
// stream keyed by (key, b). The p-value therefore depends only on the source
// and the number of permutations, never on the number of worker goroutines.
// p-values are (#{stat_perm >= stat} + 1)/(permutations + 1), as scikit-bio
// and vegan compute them; a permuted statistic counts as ">=" when it is
// within sqrt(machine epsilon) (relative) of the observed one, as vegan does,
// so that permutations equal to the observed grouping are counted despite
// rounding. Permutations are always drawn at random, as scikit-bio does;
// vegan switches to complete enumeration when the requested number exceeds
// the number of distinct permutations of a very small design, which this
// package does not do (with 6 objects in 2 groups of 3, vegan reports the
// exact p = 0.1 and this package a random-permutation estimate of it).
//
// Numeric only: this package reads no files. Inputs are distmat.Matrix values
// and plain slices; the cmd/holobiont analyze commands do the I/O.
package stats
