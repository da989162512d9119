// Package sim runs a compiled system (package system) through a scenario
// schedule: piecewise-constant input signals and bolus events cut the time
// span into integration segments; the solver (package ode) never steps
// across a boundary. Output rows come from the solver's dense output at the
// requested times.
//
// It is not the compiler (package system turns a model into the System it
// runs) and not the front door (package holobiont loads a model and a
// scenario and calls Run).
//
// # Conventions
//
//   - Inputs are constant on each segment [a, b) with the value the schedule
//     gives at a: the input's default outside all pieces, the sum of the
//     values of the pieces that cover a otherwise.
//   - A row at a schedule boundary, or at the time a delayed SBML event
//     executes, records the state after the boluses and events at that time
//     (right-continuous). A row at the time an event trigger is located
//     records the state just before the event's assignments.
//   - Boluses act on the value a state's id denotes (a species'
//     concentration unless it has only substance units): "add" adds, "set"
//     sets, "mul" multiplies.
//   - Community members that fall through their community's extinction
//     threshold (a downward crossing, located as a root) are set to zero and
//     stay zero while their inflow is zero, since gLV growth is proportional
//     to the population. A member that inflow (a probiotic dose) carries up
//     from zero grows through the threshold. At the start and at every
//     schedule boundary (with the next segment's inputs) a member strictly
//     between zero and the threshold that has no inflow and is not growing
//     is set to zero.
//   - Fast reactions are held at their rapid equilibrium by a stiff penalty
//     (system) after an initial equilibration; at every output time Run
//     checks that equilibrating the fast reactions alone would move no
//     state by more than FastAbsTol + FastRelTol·|y|, and otherwise fails
//     with a *system.Unsupported error rather than return a trajectory the
//     approximation cannot vouch for.
//   - Dysbiosis observables are the Bray–Curtis distance between the
//     relative composition of their members and that composition at the
//     first output time.
//
// On failure Run returns the rows computed so far (Trajectory.Complete is
// false) together with a *Error naming the simulated time and, when the
// solver reports one, the state variable.
package sim
