// Package gsa computes global sensitivity indices and selects virtual
// populations: the numerics only (samplers and estimators). It reads no
// files and runs no models: callers evaluate the model at the design's
// points and pass the outputs back.
//
// Sampling: [Sobol] is the Sobol' low-discrepancy sequence with Joe & Kuo's
// direction numbers, optionally scrambled (linear matrix scramble and
// digital shift). [Saltelli] lays out the Saltelli (2002) design of a Sobol
// analysis (matrices A, B and the mixed matrices AB_i, with BA_i for
// second-order indices) in SALib's row order; [MorrisDesign] draws Morris
// (1991) one-at-a-time trajectories on a p-level grid.
//
// Estimation: [SobolIndices] gives first-order indices (Saltelli et al. 2010
// or Jansen 1999), total indices (Jansen 1999) and optionally second-order
// indices (Saltelli 2002), each with a bootstrap confidence interval
// computed as SALib does (z times the bootstrap standard deviation).
// [MorrisIndices] gives the elementary effects' mean μ, mean absolute value
// μ* (Campolongo et al. 2007) and standard deviation σ, with a bootstrap
// confidence interval of μ*.
//
// Design points live in the unit hypercube; callers map each coordinate to
// a parameter value with a quantile function (for example a cohort spec's
// distribution), which keeps the design independent of the marginals.
//
// Trajectory summaries ([Max], [Min], [AUC], [Recovery]) turn a simulated
// time course into the scalar outputs an analysis needs.
//
// Virtual populations: [InclusionProbability] and [SelectVPop] implement
// Allen et al. (2016)'s acceptance–rejection selection of a virtual
// population from plausible patients with a probability of inclusion
// proportional to the ratio of the target and plausible output densities;
// [ImportanceWeights] is the weighted alternative.
//
// Randomness (scrambling, bootstrap resamples, Morris trajectories,
// selection draws) comes from a *rand.Rand the caller passes in, so results
// are reproducible from a seed.
package gsa
