// Package targets calibrates a model against published effect sizes written
// as targets: each target names a scenario (and optionally a control
// scenario and parameter settings), an observable, a statistic of its
// trajectory (value at a time, or the maximum, minimum or mean over a
// window; relative to a baseline time, to the control, or per unit change
// of another observable) and the published value with its interval, a
// citation and a role: "fit" targets enter the objective, "validation"
// targets are held out and only reported, "hand-fit" targets were used to set
// a value by hand earlier (neither fitted here nor held out), "cohort-fit"
// targets were fitted by the script named in evaluated_by (a virtual
// population's parameter distribution; neither fitted here nor held out).
// Targets that
// need a virtual cohort (a between-subject effect size, a proportion of
// subjects) name the test that evaluates them and are listed, not
// simulated.
//
// A targets file (Parse) lists the estimated parameters with their bounds
// and a log-normal prior (the hand-set value, a factor per standard
// deviation), which keeps parameters the targets do not constrain near their
// prior. Calibrate minimises
//
//	½ Σ_fit ((model_i − value_i)/σ_i)² + ½ Σ_k ((log10 p_k − log10 prior_k)/log10 factor_k)²
//
// with σ_i = (interval width)/(2·1.96), over log10 parameters within their
// bounds, by estimate.MinimizeFunc (trust-region Gauss–Newton) with a
// forward-difference Jacobian; the Laplace approximation at the optimum
// (the inverse Gauss–Newton Hessian) gives each parameter's 95% interval
// and the distribution Ensemble draws parameter sets from for the model's
// uncertainty bands.
//
// The numerics (Objective, Calibrate, Ensemble) take an evaluation function
// and do no I/O; Evaluator wires a targets file to the run pipeline (package
// holobiont) and runs each scenario on a Runner.
package targets
