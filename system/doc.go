// Package system compiles a model IR (package model) into an ODE system that
// the solvers in package ode integrate: a state vector, a right-hand side and
// its Jacobian, root functions for events, and the outputs a trajectory
// records.
//
// It is not the simulator: it knows nothing of time spans, schedules or
// output rows (package sim runs a System through a scenario; package
// holobiont is the front door that does both).
//
// # State and environment
//
// The state vector holds, in model order, every species that changes
// (reaction targets that are neither boundary nor constant species,
// rate-rule targets, community members, event targets), then every
// compartment, parameter and species reference that a rate rule or an event
// changes. Species states hold amounts; the value a species id denotes in
// expressions is its concentration (amount / compartment size) unless the
// species has only substance units, in which case it is the amount.
//
// Expressions run on one environment slot vector laid out as
//
//	[time, states, parameters, compartments, fixed species, species
//	 references, inputs, assignment-rule and species values, reaction rates,
//	 derivatives, scratch]
//
// A single expr.Tape evaluates assignment rules, species values and reaction
// rates in dependency order (a topological sort; a cycle is an error naming
// the ids), then rate-rule derivatives and the growth, inflow and shedding
// expressions of community blocks. For models without delay() and rateOf
// that tape is split: assignments that read neither time nor the state
// (directly or through another assignment) run only when parameters,
// inputs or the initial state change; the RHS runs the rest, limited to
// what the derivatives need (everything when the model has SBML events).
// Sub-expressions of the dynamic assignments that read neither time nor
// the state, and the K^n of hill(x, K, n) with K and n of that kind, are
// hoisted into the static part as well (same operations, same bits). The
// RHS, output and Jacobian tapes run in place on the environment (their
// scratch registers follow the model's slots), with no copy in or out.
// Outputs runs its own tape: the dynamic assignments the output variables
// need, then the observables.
//
// # Generated kernels
//
// The hot tapes (static, RHS, all-dynamic and output assignments, Jacobian
// partials) of the shipped models also exist as generated Go code in
// package system/kernels (expr.Tape.GoFunc, written by `holobiont model
// compile --go`): Compile looks each tape up by its fingerprint and runs
// the straight-line kernel instead of the interpreter, with the same bits
// (TestKernels compares both paths over whole runs of every shipped model;
// scripts/check_kernels_suite.sh generates kernels for every SBML Test
// Suite case and compares them the same way, in CI); any other model runs
// on the interpreter (CompileInterpreted forces it). Kernels reports how
// many hot evaluations run generated code.
// A tape is still compiled either way, so code that works on tapes (the
// Jacobian's forward sensitivities, or sensitivities with respect to
// parameters built the same way) needs no generated counterpart. Values reports any symbol by id at a state;
// Select resolves a list of ids (and how each species is reported) to slots
// once, and ValuesAt then reads them per state with no lookup by name and
// no allocation. A state species with only substance units
// shares one slot for its amount and its value. Reactions add stoichiometry × rate ×
// conversion factor to the amount derivative of each non-boundary species.
// Community blocks run as a native generalised Lotka–Volterra kernel whose
// interaction matrix is read from its parameters at Compile, SetParameter and
// InitialState time.
//
// # Jacobian
//
// The Jacobian is analytic: every assignment v = e(u...) of the main tape
// gets its local partial derivatives from expr.Diff (compiled into a
// second tape), sensitivities are propagated forward in tape order (over
// each row's sparsity structure only, unless a partial is not finite)
// (assignment rules substituted by the chain rule), and the community
// blocks' gLV part is exact. Models that use delay() or rateOf, whose
// expressions expr.Diff cannot differentiate, or whose stoichiometries
// depend on the state fall back to forward finite differences of the RHS
// (System.AnalyticJacobian reports which); so does a single evaluation
// whose partials are NaN. Neither allocates.
//
// # Special constructs
//
// Algebraic rules are solved symbolically for the variable each
// determines (they must be linear in it). rateOf(x) reads the state
// derivatives (the RHS runs one extra pass per level of rateOf depending on
// rateOf; a cycle is refused); for assignment-rule variables, and for dV/dt
// of compartments an assignment rule sizes, it is the chain rule over the
// rule with expr.Diff partials. delay(x, d) reads a Hermite
// history that package sim records. Fast reactions are approximated by a
// stiff penalty (rates × 1e8) after sim has equilibrated them at the start.
//
// # Events
//
// Triggers are split into relational atoms (a < b, a >= b, ...) combined by
// and/or/xor/not; each atom contributes one root function a − b, and each
// community member with an extinction threshold contributes x − threshold:
// a downward crossing sets the member to zero; an upward one (inflow
// re-seeding the member) lets it grow on. Extinguish zeroes members left
// between zero and the threshold with no inflow and no growth.
// Package sim locates the roots with the solver and applies the SBML event
// semantics through EventState.
package system
