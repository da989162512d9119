// Package da tests which taxa differ in abundance between groups or with a
// covariate: ANCOM-BC (Lin & Peddada 2020) with its structural-zero rule
// and ANCOM-BC2's pseudo-count sensitivity score; an ALDEx2-style
// Dirichlet Monte-Carlo CLR test (Fernandes et al. 2014) with Welch,
// Wilcoxon or linear-model tests and expected p and Benjamini–Hochberg
// values; LinDA (Zhou et al. 2022), the CLR linear model with a mode bias
// correction; Wilcoxon / Kruskal–Wallis and linear models on relative
// abundance (Pelto et al. 2025); logistic regression on presence; and a
// consensus of the methods (Nearing et al. 2022). LinDA and the linear model
// fit a random intercept (REML, as lme4) for repeated measures.
//
// Models are written as R formulas (ParseFormula) and turned into a model
// matrix with treatment contrasts by NewDesign. Run takes a dense taxon ×
// sample matrix and returns one row per taxon and tested coefficient.
// Effects are natural-log fold changes unless Result.EffectUnit says
// otherwise (the linear model on relative abundance reports differences of
// relative abundance).
//
// Benchmark takes simulated counts with known truth and scores each
// method's false discovery rate, power and effect bias; NullSplits reruns a
// method on random within-group splits (the false-positive check of
// Nearing et al.).
//
// Numeric only: the package reads no files; cmd/holobiont analyze da does
// the I/O. Randomness (ALDEx2 instances, null splits) comes from
// Options.Seed through streams keyed by (seed, purpose, index), so results
// do not depend on Options.Workers.
package da
