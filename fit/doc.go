// Package fit infers community dynamics from longitudinal data
// (package series) and forecasts held-out subjects.
//
// # Methods
//
// Every method regresses the change of a state between consecutive samples
// of a subject on the state at the interval's start (forward Euler, as Stein
// et al. 2013 and the cLV study of Joseph et al. 2020 do; Options.Trapezoid
// uses the mean of the two ends instead):
//
//	(z(t_{k+1}) − z(t_k)) / Δt = g + A φ(z(t_k)) + B ū_k
//
// where ū_k is the mean of each input over the interval. Each interval's
// squared residual is weighted by Δt^q (Options.DtWeights): q = 0 (default)
// weights intervals equally, as Stein et al. 2013; q = 2 fits the change
// z(t_{k+1}) − z(t_k) against Δt·f rather than the rate, as the cLV study's
// code does, so long intervals count more. Given several exponents, q is
// chosen with the penalties by the inner cross-validation below (each
// exponent's own best penalty, then the exponent with the lower score).
//
//   - glv-ridge, glv-elasticnet: z = log x (absolute abundances, in units of
//     the mean sample total of the training data), φ = x: the generalised
//     Lotka–Volterra model dx_i/dt = x_i (g_i + Σ_j a_ij x_j + Σ_k b_ik u_k).
//   - glv-relative: the same on relative abundances.
//   - clv: z_i = log(p_i/p_D) for i ≠ D (additive log-ratios to a denominator
//     taxon D), φ = p: compositional Lotka–Volterra (Joseph et al. 2020).
//   - alr-linear: z as for clv, φ = z: linear dynamics of log-ratios.
//
// Zeros: before logarithms a pseudo-count (default 1e-3, the cLV study's) is
// added to relative abundances and the sample renormalised (for the gLV
// methods only in samples that contain a zero, keeping the sample's total).
// The ALR denominator is, as in the cLV study, the taxon present in every
// sample whose log relative abundance changes least between samples.
//
// # Penalties
//
// The regression is penalised block-wise, as Stein et al. 2013 did: one λ
// for the growth rates, one for the interactions and one for the input
// effects ([Penalty]). Ridge solves (XᵀX + Λ)β = Xᵀy by Cholesky; the elastic
// net (glv-elasticnet) minimises ½‖y − Xβ‖² + Σ λ_b(ρ‖β_b‖₁ + (1−ρ)/2‖β_b‖²)
// by cyclic coordinate descent on the Gram matrix. Both are checked against
// scikit-learn and R glmnet on the same design matrix (peer_test.go), and the
// ridge solver reproduces Stein et al.'s published parameters from their own
// design matrix and penalties (stein_test.go).
//
// Unless given, the penalties are chosen by inner cross-validation on the
// training subjects alone: leave one subject out (10 folds beyond 10
// subjects), fit the others, forecast the held-out subject from its first
// sample and its inputs, and score the mean square error of the forecast
// relative abundances. The search is coordinate-wise over a grid
// (10^-3 … 10^3 in half decades per block; ρ ∈ {0.1, 0.5, 0.9}) from λ = 1,
// one block at a time until a pass changes nothing; candidates of one line
// are scored in parallel. Every candidate and score is kept ([Selection]).
//
// # Forecasts and uncertainty
//
// A forecast integrates the fitted equation in its coordinates (log
// abundances or log-ratios) with Dormand–Prince 5(4) (package ode, rtol
// 1e-7) from the first sample, with the inputs piecewise constant and the
// integration cut at every input change. A forecast that runs away (a state
// beyond e^±60 or a failing integration) is reported as diverged.
// Parameter intervals come from a bootstrap over subjects (resampled with
// replacement, penalty fixed at the chosen value; replicate b draws from the
// stream (seed, b), so results do not depend on the number of workers).
//
// # Errors
//
// [RMSE] is the cLV study's error (root mean square difference of relative
// abundances over taxa and samples after the first); [LogRMSE] is MDSINE2's
// (Gibson et al. 2025) per taxon, summarised by the median over held-out
// (subject, taxon) pairs. Both reproduce the published medians of the cLV
// study's predictions (published_test.go).
//
// [Model.File] turns a fitted model into a holobiont model file (package
// modelfile) whose parameters carry evidence class C and their provenance.
// The package does no I/O.
package fit
