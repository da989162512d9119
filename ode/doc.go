// Package ode integrates initial value problems y' = f(t, y) for holobiont's
// compiled models.
//
// # Methods
//
// Four methods are offered through [Options.Method]:
//
//   - [DOPRI5]: the explicit Dormand–Prince 5(4) Runge–Kutta pair with FSAL
//     (first same as last), Hairer's 4th-order continuous extension for dense
//     output, the PI step-size controller of Hairer & Wanner (β = 0.04) and
//     Hairer's initial step-size algorithm (HINIT).
//   - [DOP853]: the explicit Dormand–Prince 8(5,3) method of Hairer's
//     dop853.f: 12 stages with FSAL, the local error estimated from the
//     5th-order and 3rd-order embedded solutions combined as in dop853.f
//     (err = h·E5²/√(n·(E5² + 0.01·E3²))), Hairer's 7th-order dense output
//     (three extra RHS evaluations, made only for steps that serve an output
//     time or an event), the PI controller with β = 0.04 and h_new/h in
//     [1/3, 6], HINIT with order 8, and the dop853.f stiffness test
//     h·‖k13 − k12‖/‖y13 − y12‖ (limit 5.2 instead of Hairer's 6.1, for the
//     reason given for DOPRI5 below). The combined estimator lets the global
//     error reach a few hundred times the tolerance on problems with long
//     steps near equilibria (Stein 2013: up to 3300× at rtol 1e-8, 250× at
//     1e-10 — scipy's DOP853 behaves the same); at equal accuracy it needs
//     fewer RHS evaluations than DOPRI5 there only below an error of ~1e-9.
//   - [Rodas4]: the linearly implicit (Rosenbrock) method RODAS of Hairer &
//     Wanner (order 4, embedded order 3, stiffly accurate, L-stable) with its
//     3rd-order dense output and the predictive (Gustafsson) step-size
//     controller. The Jacobian is analytic when the system implements
//     [Jacobian]; otherwise it is approximated column by column by forward
//     differences with increments √ε·max(|y_j|, atol_j + rtol·|y_j|). ∂f/∂t is always a
//     forward difference. W = I/(hγ) − J is factorised on the pattern of
//     J's nonzero values when that pattern is sparse (sparseLU): the pattern
//     (exact zeros left out: a pos() coupling below its threshold, an absent
//     taxon) is ordered by minimum degree and its elimination structure,
//     fill-in included, computed again only when the pattern changes; the
//     elimination takes the diagonal pivots in that order, and is used when
//     it needs at most a quarter of the dense n³/3 multiply-adds and its
//     factors pass a growth test, ‖|L|·|U|‖∞ ≤ 1e3·‖W‖∞ (the solves'
//     backward error is bounded by a small multiple of n·ε·‖|L|·|U|‖∞).
//     Otherwise, and whenever the test fails, W is factorised by an
//     in-place dense LU with partial pivoting (two columns per pass). The
//     factors depend on the matrix's values only, not on what was factorised
//     before. On the default model (n = 50) J has 300–428 nonzeros of
//     2,500 at every Rodas4 step of the year, 361 after day ~150, where the
//     factors have 388 entries (579 multiply-adds against the dense
//     41,667); ‖|L|·|U|‖∞/‖W‖∞ read 1 at every step, so the dense path is
//     not taken there. No allocation happens per step (the analysis reuses
//     its buffers).
//   - [Auto] (the default): starts with an explicit method and switches by
//     this rule. The explicit method is DOP853 when rtol <= 1e-10 and DOPRI5
//     otherwise. (Measured on the Stein 2013 benchmark, benchmarks/ode.md: at
//     rtol 1e-10 DOP853 takes 2.5× less CPU time than DOPRI5, with a larger
//     error, 1.4e-8 against 8.5e-10, yet 6× smaller than DOPRI5's at rtol
//     1e-8 for the same CPU time; at rtol 1e-8 and 1e-9 it is 1.6–2× faster
//     than DOPRI5 at the same rtol, but its error, 4.1e-5 and 3.9e-7, is then
//     5× larger than, or about that of, DOPRI5 at rtol 1e-6 and 1e-7, which
//     costs as much or less, so the switch is not made there. On the SBML test suite at rtol 1e-10 the two
//     are even in geometric mean, with DOP853 1.2× faster on the costliest
//     non-stiff case, 00017.) Explicit → Rodas4: after every accepted
//     DOPRI5 step the estimate
//     h·|λ| ≈ h·‖k7 − k6‖/‖y7 − y6‖ of Hairer's DOPRI5 stiffness test is
//     formed; when it is > 2.8 on 15 accepted steps without 6 consecutive
//     accepted steps below 2.8 in between, the problem is declared stiff.
//     (Hairer's code uses 3.25, the edge of the stability region; with our
//     PI controller stability-limited steps settle at h·|λ| ≈ 2.8–3.2, so
//     3.25 missed e.g. y' = −1000(y − cos t) at rtol 1e-6, which then took
//     4× more RHS evaluations. At 2.8 no switch happens on the non-stiff test
//     problems — Lotka–Volterra, van der Pol μ = 1, Stein 2013 — at rtol
//     1e-3 … 1e-8.) After a DOP853 step the same rule applies to its test
//     above with the limit 5.2 (lim below: 2.8 for DOPRI5, 5.2 for DOP853).
//     The estimate uses the unweighted norm, as Hairer's does, so a stiff
//     mode that lives in a component far below the others in magnitude is
//     seen late: on the default model DOPRI5 sits at its stability limit
//     from day 56 because of a skin species at 2e-7 relaxing at 4.5/day,
//     and this test alone switches at day 200. After a DOPRI5 step Auto
//     therefore also counts a step as stiff when a second, weighted test
//     holds (stiffWeighted): the same estimate with each component scaled
//     by its error weight 1/(atol_i + rtol·max(|y_i|, |ŷ_i|)) is > 2.8,
//     and the components that are not themselves at the stability limit
//     (h·|Δk_i| ≤ 2.8·|Δy_i| in the scaled differences of the last two
//     stages) have an RMS error ≤ 1e-5, so that their accuracy would allow
//     a 10× longer step (error ∝ h⁵): only then can a Rodas4 step, which
//     costs about 7 DOPRI5 steps, pay. (Weighting alone finds the default
//     model's mode at day 56, but Rodas4's steps during the interventions,
//     0.5–1.6 days, are accuracy-limited and do not pay: measured in
//     session 5, 8.7 % more instructions.) On the default model the
//     weighted test switches at day 160: 266 steps and 1,696 RHS
//     evaluations instead of 347 and 2,176 (benchmarks/run.md, issue 13
//     session 6). Both tests run in one pass (dopriStiff): the components
//     clearly below the stability limit are found without the weights, which
//     cancel from that comparison, and when their errors alone already
//     exceed the 1e-5 bound the weighted pass (a division per component) is
//     skipped, with the same decision; on non-stiff problems it always is
//     (Stein 2013: Auto costs 4.0 % more instructions than DOPRI5 forced,
//     6.6 % before).
//     DOP853 (rtol ≤ 1e-10) keeps the unweighted test only.
//     No Rosenbrock-W method is offered: ROS34PW2 (Rang & Angermann 2005,
//     order 3) with W the Jacobian's diagonal took 794 steps and 3,211 RHS
//     evaluations on the default model at rtol 1e-6, and with the full
//     Jacobian 554 steps: at this tolerance its order, not its W, limits
//     the steps during the interventions (0.02–0.1 day around the antibiotic
//     course, where Rodas4 takes 0.25 and DOPRI5 0.36).
//     Rodas4 → explicit (cost-aware, so that a mildly stiff problem does not
//     stay on the expensive method): a Rodas4 step costs nominally
//     c_R RHS evaluations, an explicit step c_E = 6 (DOPRI5) or 12
//     (DOP853), r = c_R/c_E. With an analytic Jacobian (a system that
//     implements [Jacobian] and does not report through an
//     AnalyticJacobian() bool method that it falls back to finite
//     differences) c_R = 27, the cost measured on the default model (n =
//     50): 7 RHS evaluations, the analytic Jacobian, the spectral-radius
//     estimate, the factorisation on J's sparsity and six solves take as
//     long as 4.5 DOPRI5 steps. With finite differences c_R = 6 + 2n for
//     dimension n (the Jacobian alone is n RHS evaluations; the dense LU
//     grows faster with n than the RHS). (Before issue 13 session 10 the
//     analytic case used 6 + 2n too, r = 17.7 at n = 50 against the
//     measured 4.5: the switch back came too early, and the ten-year
//     scenario below ran 3,947 steps with 100 in Rodas4; with r = 4.5 it
//     runs 2,451 with 195, 0.74× the CPU time, equally accurate.) After
//     every Jacobian the
//     spectral radius ρ of ∂f/∂y is estimated by three power-iteration
//     steps, warm-started from the last estimate's vector (‖J‖∞, used
//     before, overestimates it by orders of magnitude on models with strong
//     off-diagonal couplings, so the switch back never came: the default
//     model with interventions repeated yearly for ten years ran 1,816
//     Rodas4 steps, 8.5× the CPU time of DOPRI5 alone). A Rodas4 step pays
//     when its proposed next step h satisfies h·ρ > lim·r: it reaches
//     farther than r stability-limited explicit steps. After a grace of 2
//     accepted Rodas4 steps (after the switch or a restart of Integrate,
//     while the step size grows from the explicit one), 3 consecutive steps
//     that do not pay switch back to the explicit method. When the whole
//     Rodas4 episode cost more than the explicit method would have (its
//     steps × r against Σ h·ρ/lim over them), the next switch to Rodas4
//     needs twice as many stability-limited explicit steps (15, 30, 60, ...:
//     backoff against switching to and fro); an episode that paid resets
//     the count to 15. On the ten-year scenario Auto now takes 195 Rodas4
//     steps of 2,451 and 19 switches and costs 0.66× the CPU time of
//     DOPRI5 alone and 0.33× Rodas4's, against 8.5× DOPRI5 before the rule
//     was cost-aware (BenchmarkRepeated10y in package modelfile;
//     benchmarks/run.md, issue 13 session 10; TestAutoSwitchCounts pins the
//     counts). The default year switches once, at day ~160, and stays.
//     Each switch is counted in [Stats.Switches]. The current method of Auto,
//     the spectral-radius vector and the backoff are kept across Integrate
//     calls of one [Solver], so a segmented simulation does not rediscover
//     stiffness at every schedule boundary ([Solver.Reset] forgets them).
//
// # Error control
//
// The local error is measured in the RMS norm
// sqrt(Σ (e_i / sc_i)² / n) with sc_i = atol_i + rtol·max(|y_i|, |ŷ_i|);
// a step is accepted when the norm is ≤ 1. The explicit methods' PI
// controller forms err^α/errold^β as exp(α·ln err − β·ln errold) with the
// table-driven fmath.Log and fmath.Exp (the next step size waits on them:
// with math.Log and math.Exp, Stein 2013 took 13 % more CPU time).
//
// # Non-negative components
//
// Components flagged in [Options.NonNegative] are handled as in MATLAB's
// ode45/ode23s (Shampine, Thompson, Kierzenka & Byrne 2005): when an otherwise
// acceptable step produces a negative value, the scaled size of the negative
// part is used as the error estimate; if it exceeds the tolerance the step is
// rejected and retried with a smaller h, otherwise the component is clipped
// to 0 (and the FSAL derivative recomputed). Dense output of such components
// is clipped to ≥ 0 as well.
//
// # Dense output, output times and events
//
// [Solver.Integrate] never steps past tEnd. Requested output times are served
// from the dense output of the step that contains them. If an [Events]
// implementation is given, its functions are evaluated at the end of each
// accepted step; a sign change (or an exact zero reached from a non-zero
// value) is located on the dense output by the Illinois variant of regula
// falsi to |Δt| ≤ 4ε·max(|t|,|h|)+1e-12·|h|, and integration stops at the
// earliest root. A function that is exactly zero at t0 does not trigger an
// event at t0, so a caller can restart right after an event. Two crossings
// of the same function inside one step cancel and are not seen; bound the
// step with [Options.MaxStep] if events can be that close.
//
// Each Integrate call restarts the method (new initial step, fresh FSAL
// derivative, fresh Jacobian): call it once per segment between
// discontinuities such as schedule boundaries.
//
// # Errors
//
// Failures are reported as *[StepSizeError], *[NonFiniteError] and
// *[MaxStepsError], each naming the simulated time (and the state index for
// non-finite values); cancellation returns the context's error wrapped.
//
// # Stochastic differential equations
//
// [SDESolver] integrates an [SDESystem] (diagonal noise) on a fixed step with
// the [EulerMaruyama] or [Milstein] scheme and the random source passed in,
// so that each path is reproducible from its stream.
//
// # References
//
// E. Hairer, S. P. Nørsett, G. Wanner, Solving Ordinary Differential
// Equations I, 2nd ed., Springer 1993 (DOPRI5, DOP853, dense output, HINIT,
// PI control, stiffness detection) and the Fortran codes dopri5.f and
// dop853.f (coefficients of DOP853 as tabulated in scipy's
// dop853_coefficients.py); E. Hairer, G. Wanner, Solving Ordinary
// Differential Equations II, 2nd ed., Springer 1996 (RODAS, Robertson and van
// der Pol test problems); L. F. Shampine et al., Non-negative solutions of
// ODEs, Appl. Math. Comput. 170 (2005) 556–569.
package ode
