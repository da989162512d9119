// Package estimate evaluates and optimises parameter estimation problems
// in PEtab's terms (package petab reads them from files): an SBML-derived
// model (package model), a parameter table with scales, bounds and priors,
// observables with noise models, experiments (sequences of condition
// changes, pre-equilibration) and measurements.
//
// # Simulation
//
// Compile checks every reference (unknown ids, targets that are rule
// variables, overrides that name no parameter) and compiles the model with
// package system, once per distinct set of first-period condition
// targets. Model constants that PEtab controls — estimated parameters,
// targets of later condition changes, and constants whose initial value
// depends on those — become state variables with a zero rate, so that a
// condition can change them between periods and their sensitivities are
// carried by the state Jacobian: ∂f/∂p is the analytic Jacobian's column
// for the parameter's state. First-period targets enter the model's
// initialisation (PEtab's pre-initialisation): a species or compartment X
// gets the initial assignment X = __petab_init__X.
//
// An Evaluator runs each experiment: parameters and first-period values
// are set, the model is initialised, a −Inf period is simulated to steady
// state (the weighted RMS norm of dx/dt below 1, then polished by Newton's
// method where the Jacobian is regular), and every later period applies
// its changes with PEtab v2 semantics (values evaluated on the current
// state, assigned together; a compartment change keeps concentrations),
// then SBML events due at that time, then the observables. Discontinuities
// of the right-hand side in time (piecewise functions of time with
// constant switching times) are breakpoints where the integrator restarts.
//
// Two integrators are used: holobiont's BDF (bdf.go: variable order 1–5,
// forward sensitivities by the staggered direct method with the exact
// Jacobian at each step, as CVODES) for models without SBML events, and
// package ode's automatic solver with SBML events (no sensitivities;
// gradients then come from central differences of the simulations).
//
// # Objective
//
// Evaluate returns the log-likelihood (normal or Laplace noise on a lin,
// log or log10 scale, with the Jacobian terms of the transformation), χ²,
// residuals, the log prior and, on request, the gradient and the Fisher
// information matrix of the likelihood, both from the sensitivities.
//
// # Multiple shooting
//
// NewShooting recasts a problem for multiple shooting (shooting.go): each
// experiment cut at node times into segments that start from free node
// states, joined by continuity measurements whose weight is raised over
// penalty stages, after which ShootEvaluator.Minimize fits the original
// problem from the parameters found. The node states start on the start
// point's trajectory or, with ShootingOptions.NodeInit NodeInitData, the
// observed ones from the data (shooting_data.go).
package estimate
