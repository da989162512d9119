// Package scenario is what a run does to a model, as data: the simulated
// time span, output times, parameter settings and typed interventions
// (Probiotic, Antibiotic with its KillCurve, Stress, Emollient, Irritant,
// Diet, InputSignal, Bolus), each with its Timing.
//
// Scenario.Lower is the one place that gives interventions their meaning:
// it checks every name against the model and turns the interventions into
// the schedule package sim follows (piecewise-constant input signals and
// boluses), holding the dose arithmetic (dose × engraftment), the
// antibiotic kill curve and the unit scaling of rates to the model's time
// unit. Errors are *Error, located in the scenario's file when it came from
// one.
//
// It is not the YAML parser (package modelfile decodes scenario files into
// a Scenario, through Decode for each intervention) and not the front door
// (package holobiont runs a model with a scenario: holobiont.WithScenario
// takes one built in Go, as a trial arm or an SBML model's interventions
// are).
package scenario
