package ode

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/internal/fmath"
)

// System is a first-order ODE system y' = f(t, y) of fixed dimension.
// RHS writes f(t, y) into dydt and must not allocate or retain y or dydt.
type System interface {
	Dim() int
	RHS(t float64, y, dydt []float64)
}

// Jacobian is implemented by systems that can supply ∂f/∂y analytically.
// dfdy is row-major n×n: dfdy[i*n+j] = ∂f_i/∂y_j. Every entry must be written.
type Jacobian interface {
	Jacobian(t float64, y []float64, dfdy []float64)
}

// Events is implemented by root functions whose zero crossings stop the
// integration (see Solver.Integrate).
type Events interface {
	NumEvents() int
	// EventValues writes g_k(t, y) into g (len NumEvents()). A sign change
	// of g_k in either direction is an event.
	EventValues(t float64, y []float64, g []float64)
}

// Method selects the integration method.
type Method int

const (
	// Auto starts with an explicit method (DOPRI5, or DOP853 when
	// rtol <= 1e-10) and switches to Rodas4 and back by the rule documented
	// in the package comment.
	Auto Method = iota
	// DOPRI5 is the explicit Dormand–Prince 5(4) pair.
	DOPRI5
	// Rodas4 is the stiffly accurate Rosenbrock method RODAS (order 4(3)).
	Rodas4
	// DOP853 is the explicit Dormand–Prince 8(5,3) method of Hairer's
	// dop853.f with its 7th-order dense output.
	DOP853
)

// String returns the method name.
func (m Method) String() string {
	switch m {
	case Auto:
		return "auto"
	case DOPRI5:
		return "dopri5"
	case Rodas4:
		return "rodas4"
	case DOP853:
		return "dop853"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// MethodNames lists the words ParseMethod accepts, canonical names first.
const MethodNames = "auto, dopri5, dop853, rodas4 (or rosenbrock)"

// ParseMethod reads a solver name: auto, dopri5, dop853, rodas4, or
// rosenbrock (a synonym of rodas4). It is the one place solver names are
// read: the CLI's --solver and a cohort spec's solver.method accept the
// same words, and m.String() is the canonical name recorded in outputs.
func ParseMethod(s string) (Method, error) {
	switch s {
	case "auto":
		return Auto, nil
	case "dopri5":
		return DOPRI5, nil
	case "dop853":
		return DOP853, nil
	case "rodas4", "rosenbrock":
		return Rodas4, nil
	}
	return 0, fmt.Errorf("unknown solver %q (want %s)", s, MethodNames)
}

// Options configures a Solver.
type Options struct {
	Method     Method
	RTol, ATol float64   // relative and absolute tolerances; defaults 1e-6 and 1e-9 when zero
	ATolVec    []float64 // optional per-component absolute tolerance (overrides ATol)
	// InitialStep is the first trial step (0: Hairer's HINIT estimate);
	// MaxStep bounds every step (0: unbounded).
	InitialStep, MaxStep float64
	MaxSteps             int    // accepted+rejected steps per Integrate call; 0 = 1e6
	NonNegative          []bool // optional per-component: keep >= 0
}

// Stats counts the work done by one Integrate call.
type Stats struct {
	Steps, Rejected, RHSEvals, JacEvals, LUDecomps, Switches int
}

// Add adds the counts of o to s.
func (s *Stats) Add(o Stats) {
	s.Steps += o.Steps
	s.Rejected += o.Rejected
	s.RHSEvals += o.RHSEvals
	s.JacEvals += o.JacEvals
	s.LUDecomps += o.LUDecomps
	s.Switches += o.Switches
}

// Result describes how an Integrate call ended.
type Result struct {
	T     float64 // time reached: tEnd, or the root time when an event stopped integration
	Event int     // index of the event that stopped integration, -1 if none
	Stats Stats
}

// StepSizeError reports a step size that fell below the resolution of t.
type StepSizeError struct {
	T, H float64
}

func (e *StepSizeError) Error() string {
	return fmt.Sprintf("ode: step size %g too small at t=%g (problem may be stiff or singular; try a stiff method or looser tolerances)", e.H, e.T)
}

// NonFiniteError reports a NaN or infinite state or derivative component.
type NonFiniteError struct {
	T     float64
	Index int // state component
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("ode: non-finite value in state component %d at t=%g", e.Index, e.T)
}

// MaxStepsError reports that Options.MaxSteps steps did not reach tEnd.
type MaxStepsError struct {
	T     float64
	Steps int
}

func (e *MaxStepsError) Error() string {
	return fmt.Sprintf("ode: %d steps taken without reaching the end (stopped at t=%g); raise MaxSteps or use a stiff method", e.Steps, e.T)
}

// Tunables of the step-size controllers (Hairer's defaults).
const (
	safety     = 0.9
	dpBeta     = 0.04 // PI controller memory for DOPRI5
	dpFacMin   = 0.2  // smallest h_new/h
	dpFacMax   = 10.0 // largest h_new/h
	rosFacMin  = 0.2
	rosFacMax  = 6.0
	stiffLimit = 2.8 // h·|λ| above which a DOPRI5 step counts as stability-limited (Hairer: 3.25)
	nonStiff   = 2.0 // h·‖J‖∞ below which a Rodas4 step counts as non-stiff (hysteresis)
	stiffCount = 15  // stability-limited explicit steps before Auto switches to Rodas4 (at first)
	powerIters = 3   // power-iteration steps per Jacobian for Auto's spectral radius estimate
	rodasGrace = 2   // accepted Rodas4 steps (after a switch or restart) before Auto judges them
	backCount  = 3   // consecutive Rodas4 steps that do not pay before Auto switches back

	maxStiffNeed = 1 << 20
)

// stiffPay is how many times longer than the current step the accuracy of
// the non-stiff components must allow before a DOPRI5 step that the
// weighted stiffness test finds at its stability limit counts as stiff
// (see stiffWeighted); stiffPayErr2 = stiffPay^(−2·5) bounds their
// squared error norm (the error of the 5th-order method grows as h⁵).
const (
	stiffPay     = 10
	stiffPayErr2 = 1e-10
)

// rodasCost is the nominal cost of a Rodas4 step for dimension n in RHS
// evaluations (Auto's rule), analytic telling whether the system supplies
// its Jacobian analytically. With an analytic Jacobian it is the cost
// measured on the default model (n = 50, issue 13 session 9): 7 RHS
// evaluations, the Jacobian, the spectral-radius estimate, the
// factorisation on J's sparsity and six solves took 28 µs, as much as 4.5
// DOPRI5 steps, i.e. 27 RHS evaluations. With forward differences the
// Jacobian alone costs n RHS evaluations and the dense linear algebra grows
// faster with n than the RHS does: 6 + 2n.
func rodasCost(n int, analytic bool) float64 {
	if analytic {
		return rodasCostAnalytic
	}
	return 6 + 2*float64(n)
}

// rodasCostAnalytic is rodasCost with an analytic Jacobian (see there).
const rodasCostAnalytic = 27

// analyticJacobian is implemented by systems whose Jacobian method may
// fall back to finite differences (package system's models with delay or
// rateOf, or expressions it cannot differentiate); a system implementing
// Jacobian without it is taken to be analytic.
type analyticJacobian interface {
	AnalyticJacobian() bool
}

// isAnalytic reports whether sys supplies ∂f/∂y analytically.
func isAnalytic(sys System) bool {
	if _, ok := sys.(Jacobian); !ok {
		return false
	}
	if a, ok := sys.(analyticJacobian); ok {
		return a.AnalyticJacobian()
	}
	return true
}

// explicitCost is the cost of a step of the explicit method m in RHS
// evaluations.
func explicitCost(m Method) float64 {
	if m == DOP853 {
		return 12
	}
	return 6
}

// Solver holds the work space of the integrators. It is reusable across
// Integrate calls but not safe for concurrent use; create one per goroutine.
type Solver struct {
	n      int
	rtol   float64
	atol   []float64
	nonneg []bool
	anyNN  bool
	opt    Options

	cur Method // method in use (DOPRI5, DOP853 or Rodas4)
	exp Method // explicit method of Auto (DOPRI5 or DOP853, see explicitFor)

	// shared
	f0   []float64 // f(t, y) at the start of the step
	f0ok bool
	yn   []float64 // proposed new state
	fn   []float64 // f at the new state (DOPRI5 FSAL)
	tmp  []float64

	// DOPRI5
	k    [6][]float64 // k2..k7 in k[0..5]
	ysti []float64    // stage-6 state (stiffness detection)
	err2 []float64    // squared scaled errors of the last step (stiffness detection)
	rc   [5][]float64 // dense output coefficients
	stN  int          // stiff hits
	nonN int          // consecutive non-stiff hits
	fold float64      // PI controller memory: ln of the last accepted error

	// DOP853
	d8k  [15][]float64 // k2..k16 in d8k[0..14] (k13 = FSAL, k14..k16 dense output)
	d8rc [8][]float64  // dense output coefficients
	d8yt []float64     // stage state of the dense-output stages

	// Rodas4
	jac   []float64
	lu    []float64
	piv   []int
	g     [6][]float64
	fx    []float64
	jacOK bool
	dec   []int    // rows of jac with no off-diagonal entry (see decoupledRows)
	slu   sparseLU // W factorised on the pattern of jac (see sparseLU)
	// useSparse: the last Jacobian's pattern suits slu; sparseOn: the
	// current step's W was factorised by slu (else densely in lu, piv)
	useSparse, sparseOn bool
	decB                []float64 // right-hand sides of those rows during a solve
	rho                 float64   // Auto: spectral radius estimate of the last Jacobian
	pv, pw              []float64 // Auto: power-iteration vectors

	// Auto's switching state (see maybeSwitch)
	costRatio  float64 // rodasCost / explicitCost(exp), set by Integrate
	stiffNeed  int     // stability-limited explicit steps needed to switch to Rodas4
	rodasN     int     // accepted Rodas4 steps since the switch or the last restart
	epSteps    int     // Rodas4 steps of this episode (since the switch)
	epExplicit float64 // explicit stability-limited steps they replaced
	hacc       float64
	erracc     float64
	backN      int

	// dense output of the last accepted step on [dt0, dt0+dh]
	dt0, dh    float64
	dmethod    Method
	denseReady bool
	yold       []float64

	// events
	ge0, ge1, gem []float64
	yev           []float64

	stats   Stats
	nanIdx  int
	hitNaN  bool
	sys     System
	jacSys  Jacobian
	naccept int
}

// NewSolver returns a solver for systems of dimension n.
func NewSolver(n int, opt Options) (*Solver, error) {
	if n <= 0 {
		return nil, fmt.Errorf("ode: dimension %d must be positive", n)
	}
	if err := opt.normalize(n); err != nil {
		return nil, err
	}
	s := &Solver{n: n, rtol: opt.RTol, opt: opt}
	s.atol = make([]float64, n)
	for i := range s.atol {
		if opt.ATolVec != nil {
			a := opt.ATolVec[i]
			if !(a > 0) || math.IsInf(a, 0) {
				return nil, fmt.Errorf("ode: ATolVec[%d] = %g must be positive and finite", i, a)
			}
			s.atol[i] = a
		} else {
			s.atol[i] = opt.ATol
		}
	}
	if opt.NonNegative != nil {
		s.nonneg = append([]bool(nil), opt.NonNegative...)
		for _, b := range s.nonneg {
			s.anyNN = s.anyNN || b
		}
	}
	s.exp = explicitFor(opt)
	s.allocate()
	s.stiffNeed = stiffCount
	s.cur = s.exp
	if opt.Method == Rodas4 {
		s.cur = Rodas4
	}
	return s, nil
}

// normalize fills the default tolerances (rtol 1e-6, atol 1e-9) and step
// limit (10^6) into opt and checks it for a system of dimension n.
func (opt *Options) normalize(n int) error {
	if opt.Method < Auto || opt.Method > DOP853 {
		return fmt.Errorf("ode: unknown method %d", int(opt.Method))
	}
	if opt.RTol == 0 {
		opt.RTol = 1e-6
	}
	if opt.ATol == 0 {
		opt.ATol = 1e-9
	}
	if !(opt.RTol > 0) || math.IsInf(opt.RTol, 0) {
		return fmt.Errorf("ode: rtol %g must be positive and finite", opt.RTol)
	}
	if opt.RTol < 1e-14 {
		return fmt.Errorf("ode: rtol %g below 1e-14 is not attainable in float64", opt.RTol)
	}
	if !(opt.ATol > 0) || math.IsInf(opt.ATol, 0) {
		return fmt.Errorf("ode: atol %g must be positive and finite", opt.ATol)
	}
	if opt.ATolVec != nil && len(opt.ATolVec) != n {
		return fmt.Errorf("ode: ATolVec has %d entries, want %d", len(opt.ATolVec), n)
	}
	if opt.NonNegative != nil && len(opt.NonNegative) != n {
		return fmt.Errorf("ode: NonNegative has %d entries, want %d", len(opt.NonNegative), n)
	}
	if opt.InitialStep < 0 || math.IsNaN(opt.InitialStep) || math.IsInf(opt.InitialStep, 0) {
		return fmt.Errorf("ode: initial step %g must be finite and >= 0", opt.InitialStep)
	}
	if opt.MaxStep < 0 || math.IsNaN(opt.MaxStep) {
		return fmt.Errorf("ode: max step %g must be >= 0", opt.MaxStep)
	}
	if opt.MaxSteps < 0 {
		return fmt.Errorf("ode: MaxSteps %d must be >= 0", opt.MaxSteps)
	}
	if opt.MaxSteps == 0 {
		opt.MaxSteps = 1_000_000
	}
	return nil
}

// allocate makes the work vectors the methods s.opt can run need: those
// of every step, DOP853's when it is the explicit method, the stiffness
// detector's for Auto, and the Jacobian and LU storage for Auto and
// Rodas4.
func (s *Solver) allocate() {
	n, opt := s.n, s.opt
	vec := func() []float64 { return make([]float64, n) }
	s.f0, s.yn, s.fn, s.tmp, s.ysti, s.fx, s.yold, s.err2 = vec(), vec(), vec(), vec(), vec(), vec(), vec(), vec()
	for i := range s.k {
		s.k[i] = vec()
	}
	for i := range s.rc {
		s.rc[i] = vec()
	}
	for i := range s.g {
		s.g[i] = vec()
	}
	if s.exp == DOP853 {
		for i := range s.d8k {
			s.d8k[i] = vec()
		}
		for i := range s.d8rc {
			s.d8rc[i] = vec()
		}
		s.d8yt = vec()
	}
	if opt.Method == Auto {
		s.pv, s.pw = vec(), vec()
	}
	if opt.Method == Auto || opt.Method == Rodas4 {
		s.jac = make([]float64, n*n)
		s.lu = make([]float64, n*n)
		s.piv = make([]int, n)
		s.dec, s.decB = make([]int, 0, n), make([]float64, 0, n)
	}
}

// autoHighOrderRTol is the relative tolerance at or below which Auto uses
// DOP853 instead of DOPRI5 as its explicit method (see the package comment).
const autoHighOrderRTol = 1e-10

// explicitFor returns the explicit method used by opt: DOP853 when asked for,
// or for Auto at rtol <= autoHighOrderRTol; DOPRI5 otherwise.
func explicitFor(opt Options) Method {
	if opt.Method == DOP853 || (opt.Method == Auto && opt.RTol <= autoHighOrderRTol) {
		return DOP853
	}
	return DOPRI5
}

// Reset forgets what Auto has learned about stiffness: the next Integrate
// call starts with its explicit method again (Rodas4 for Options.Method ==
// Rodas4). Call it when the solver is reused for an unrelated problem.
func (s *Solver) Reset() {
	s.cur = s.exp
	if s.opt.Method == Rodas4 {
		s.cur = Rodas4
	}
	s.stN, s.nonN, s.backN, s.rodasN = 0, 0, 0, 0
	s.stiffNeed = stiffCount
	s.epSteps, s.epExplicit = 0, 0
	clear(s.pv)
}

// Method returns the method the solver is currently using (DOPRI5, DOP853 or
// Rodas4; with Auto it changes as stiffness is detected).
func (s *Solver) Method() Method { return s.cur }

func (s *Solver) rhs(t float64, y, dy []float64) {
	s.sys.RHS(t, y, dy)
	s.stats.RHSEvals++
}

// scale returns atol_i + rtol·max(|a|,|b|).
//
// The maximum is an inlinable comparison instead of math.Max (an assembly
// call on amd64, a few percent of a default-model solve through the error
// norms) with the same result bit for bit: after math.Abs neither operand
// is −0, so math.Max's ±0 ordering cannot matter, and NaN operands follow
// math.Max's rules (TestScaleMatchesMathMax compares the bits).
func (s *Solver) sc(i int, a, b float64) float64 {
	return s.atol[i] + s.rtol*maxAbs(a, b)
}

// maxAbs is math.Max(math.Abs(a), math.Abs(b)), bit for bit, inlinable.
func maxAbs(a, b float64) float64 {
	m, bb := math.Abs(a), math.Abs(b)
	if bb > m {
		return bb
	}
	if m >= bb {
		return m
	}
	// unordered: a NaN operand; math.Max gives +Inf if the other is +Inf,
	// else its NaN
	if m != m {
		m = bb
	}
	if m > math.MaxFloat64 {
		return m
	}
	return math.NaN()
}

// firstNonFinite returns the index of the first NaN or ±Inf in v, or −1.
func firstNonFinite(v []float64) int {
	if fmath.AllFinite(v) {
		return -1
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

// hinit is Hairer's initial step-size algorithm. It uses s.f0 and s.tmp, s.yn.
func (s *Solver) hinit(t float64, y []float64, tEnd float64, order float64) float64 {
	hmax := tEnd - t
	if s.opt.MaxStep > 0 && s.opt.MaxStep < hmax {
		hmax = s.opt.MaxStep
	}
	var dnf, dny float64
	for i := range y {
		sk := s.atol[i] + s.rtol*math.Abs(y[i])
		dnf += (s.f0[i] / sk) * (s.f0[i] / sk)
		dny += (y[i] / sk) * (y[i] / sk)
	}
	var h float64
	if dnf <= 1e-10 || dny <= 1e-10 {
		h = 1e-6
	} else {
		h = math.Sqrt(dny/dnf) * 0.01
	}
	h = math.Min(h, hmax)
	for i := range y {
		s.yn[i] = y[i] + h*s.f0[i]
	}
	s.rhs(t+h, s.yn, s.tmp)
	var der2 float64
	for i := range y {
		sk := s.atol[i] + s.rtol*math.Abs(y[i])
		d := (s.tmp[i] - s.f0[i]) / sk
		der2 += d * d
	}
	der2 = math.Sqrt(der2) / h
	der12 := math.Max(math.Abs(der2), math.Sqrt(dnf))
	var h1 float64
	if der12 <= 1e-15 || math.IsNaN(der12) {
		h1 = math.Max(1e-6, h*1e-3)
	} else {
		h1 = math.Pow(0.01/der12, 1/order)
	}
	h = math.Min(math.Min(100*h, h1), hmax)
	if !(h > 0) {
		h = math.Min(1e-6, hmax)
	}
	return h
}

// checkEvery wraps an output callback so that every n-th call first checks
// ctx: one long step can serve hundreds of thousands of output times, and
// the step loop checks ctx only between steps.
func checkEvery(ctx context.Context, n int, out func(t float64, y []float64) error) func(t float64, y []float64) error {
	calls := 0
	return func(t float64, y []float64) error {
		if calls++; calls%n == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return out(t, y)
	}
}

// Integrate advances y (in/out) from t0 to tEnd (tEnd >= t0). For each time
// in tOut (ascending; times outside (t0, tEnd] are skipped) it calls
// out(t, yAtT) from the dense output; yAtT is scratch and must be copied. An
// error returned by out stops integration and is returned wrapped. If ev is
// non-nil, integration stops at the first located root: Result.Event is its
// index, Result.T the root time and y the state there; output times after
// the root are not served. A nil out ignores tOut. Each call restarts the
// method (the current method of Auto is kept).
func (s *Solver) Integrate(ctx context.Context, sys System, t0 float64, y []float64, tEnd float64,
	tOut []float64, out func(t float64, y []float64) error, ev Events) (Result, error) {
	res := Result{T: t0, Event: -1}
	s.stats = Stats{}
	if err := s.checkCall(sys, t0, y, tEnd, tOut); err != nil {
		return res, err
	}
	s.sys = sys
	s.jacSys, _ = sys.(Jacobian)
	s.costRatio = rodasCost(s.n, isAnalytic(sys)) / explicitCost(s.exp)
	defer func() { s.sys = nil; s.jacSys = nil }()
	if out == nil {
		tOut = nil
	} else {
		out = checkEvery(ctx, 256, out)
	}
	oi := 0
	for oi < len(tOut) && tOut[oi] <= t0 {
		oi++
	}
	if tEnd == t0 {
		return res, nil
	}
	if err := s.restart(t0, y); err != nil {
		res.Stats = s.stats
		return res, err
	}
	nev, err := s.startEvents(ev, t0, y)
	if err != nil {
		return res, err
	}
	w := walk{t: t0, h: s.firstStep(t0, y, tEnd), tEnd: tEnd, tOut: tOut, oi: oi, out: out, ev: ev, nev: nev}
	return s.steps(ctx, &w, y)
}

// checkCall checks Integrate's arguments.
func (s *Solver) checkCall(sys System, t0 float64, y []float64, tEnd float64, tOut []float64) error {
	if sys == nil {
		return errors.New("ode: nil system")
	}
	if d := sys.Dim(); d != s.n {
		return fmt.Errorf("ode: system dimension %d, solver dimension %d", d, s.n)
	}
	if len(y) != s.n {
		return fmt.Errorf("ode: state has %d components, want %d", len(y), s.n)
	}
	if math.IsNaN(t0) || math.IsInf(t0, 0) || math.IsNaN(tEnd) || math.IsInf(tEnd, 0) {
		return fmt.Errorf("ode: non-finite time interval [%g, %g]", t0, tEnd)
	}
	if tEnd < t0 {
		return fmt.Errorf("ode: tEnd %g before t0 %g (only forward integration is supported)", tEnd, t0)
	}
	for i := 1; i < len(tOut); i++ {
		if tOut[i] < tOut[i-1] {
			return fmt.Errorf("ode: output times not ascending at index %d (%g after %g)", i, tOut[i], tOut[i-1])
		}
	}
	if i := firstNonFinite(y); i >= 0 {
		return &NonFiniteError{T: t0, Index: i}
	}
	return nil
}

// restart starts the method afresh at (t0, y): non-negative components
// clipped, f(t0, y), and the controllers' and Auto's per-call state reset.
func (s *Solver) restart(t0 float64, y []float64) error {
	if s.anyNN {
		for i, b := range s.nonneg {
			if b && y[i] < 0 {
				y[i] = 0
			}
		}
	}
	s.rhs(t0, y, s.f0)
	if i := firstNonFinite(s.f0); i >= 0 {
		return &NonFiniteError{T: t0, Index: i}
	}
	s.f0ok = true
	s.jacOK = false
	s.stN, s.nonN, s.backN, s.rodasN = 0, 0, 0, 0
	s.fold = logErrMin
	s.hacc, s.erracc = 0, 0
	s.naccept = 0
	s.hitNaN = false
	return nil
}

// startEvents sizes the event work space for ev (nil: none) and evaluates
// its functions at (t0, y). It returns the number of event functions.
func (s *Solver) startEvents(ev Events, t0 float64, y []float64) (int, error) {
	if ev == nil {
		return 0, nil
	}
	nev := ev.NumEvents()
	if nev < 0 {
		return 0, fmt.Errorf("ode: NumEvents %d < 0", nev)
	}
	if cap(s.ge0) < nev {
		s.ge0, s.ge1, s.gem = make([]float64, nev), make([]float64, nev), make([]float64, nev)
	}
	s.ge0, s.ge1, s.gem = s.ge0[:nev], s.ge1[:nev], s.gem[:nev]
	if s.yev == nil {
		s.yev = make([]float64, s.n)
	}
	ev.EventValues(t0, y, s.ge0)
	return nev, nil
}

// firstStep is Options.InitialStep, or HINIT for the current method.
func (s *Solver) firstStep(t float64, y []float64, tEnd float64) float64 {
	if s.opt.InitialStep > 0 {
		return s.opt.InitialStep
	}
	ord := 5.0
	switch s.cur {
	case Rodas4:
		ord = 4
	case DOP853:
		ord = 8
	}
	return s.hinit(t, y, tEnd, ord)
}

// walk is the progress of one Integrate call: the current time and trial
// step, the end, the output times with the next one to serve, and the
// events.
type walk struct {
	t, h, tEnd float64
	tOut       []float64
	oi         int
	out        func(t float64, y []float64) error
	ev         Events
	nev        int
}

// steps takes steps from (w.t, y) until w.tEnd or an event.
func (s *Solver) steps(ctx context.Context, w *walk, y []float64) (Result, error) {
	reject := false
	for nsteps := 0; ; {
		if err := s.guard(ctx, w.t, nsteps); err != nil {
			return Result{T: w.t, Event: -1, Stats: s.stats}, err
		}
		nsteps++
		h, last := s.clampStep(w.t, w.h, w.tEnd)
		if err := s.tooSmall(w.t, h); err != nil {
			return Result{T: w.t, Event: -1, Stats: s.stats}, err
		}
		accepted, hnew := s.attempt(w.t, y, h, reject)
		if !accepted {
			s.stats.Rejected++
			reject = true
			w.h = hnew
			continue
		}
		tn := s.accepted(w.t, y, h, last, w.tEnd)
		if w.nev > 0 {
			w.ev.EventValues(tn, s.yn, s.ge1)
			if k, tr := s.locate(w.ev, w.t, tn); k >= 0 {
				return s.stopAt(w, y, k, tr)
			}
		}
		if err := s.serve(w, tn); err != nil {
			copy(y, s.yn)
			return Result{T: tn, Event: -1, Stats: s.stats}, err
		}
		s.advance(y)
		w.t = tn
		if w.nev > 0 {
			copy(s.ge0, s.ge1)
		}
		reject = false
		if last {
			break
		}
		if s.opt.Method == Auto {
			hnew = s.maybeSwitch(h, hnew)
		}
		w.h = hnew
	}
	return Result{T: w.tEnd, Event: -1, Stats: s.stats}, nil
}

// guard stops the step loop after Options.MaxSteps steps and, every 32
// steps, when ctx is done.
func (s *Solver) guard(ctx context.Context, t float64, nsteps int) error {
	if nsteps >= s.opt.MaxSteps {
		return &MaxStepsError{T: t, Steps: nsteps}
	}
	if nsteps&31 == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ode: integration cancelled at t=%g: %w", t, err)
		}
	}
	return nil
}

// clampStep bounds the trial step h from t by Options.MaxStep and makes
// the step that reaches tEnd land on it exactly (last).
func (s *Solver) clampStep(t, h, tEnd float64) (float64, bool) {
	if s.opt.MaxStep > 0 && h > s.opt.MaxStep {
		h = s.opt.MaxStep
	}
	if t+h >= tEnd || (t+1.01*h >= tEnd && (s.opt.MaxStep == 0 || tEnd-t <= s.opt.MaxStep*(1+1e-9))) {
		// Avoid a final sliver step: stretch by up to 1% to land on tEnd
		// (beyond MaxStep only by the rounding accumulated in t).
		return tEnd - t, true
	}
	return h, false
}

// tooSmall reports a step h at t below the resolution of t (as a
// NonFiniteError when non-finite values shrank it).
func (s *Solver) tooSmall(t, h float64) error {
	if h < 16*epsilon*math.Abs(t) || !(h > 0) || t+h == t {
		if s.hitNaN {
			return &NonFiniteError{T: t, Index: s.nanIdx}
		}
		return &StepSizeError{T: t, H: h}
	}
	return nil
}

// attempt tries one step of the current method from (t, y) of size h.
func (s *Solver) attempt(t float64, y []float64, h float64, reject bool) (bool, float64) {
	if !s.f0ok {
		s.rhs(t, y, s.f0)
		s.f0ok = true
	}
	switch s.cur {
	case DOPRI5:
		return s.dopriStep(t, y, h, reject)
	case DOP853:
		return s.d8Step(t, y, h, reject)
	default:
		return s.rodasStep(t, y, h, reject)
	}
}

// accepted books the accepted step of size h from (t, y) (ending on tEnd
// when last), keeps its start for the dense output and returns its end.
func (s *Solver) accepted(t float64, y []float64, h float64, last bool, tEnd float64) float64 {
	s.stats.Steps++
	s.naccept++
	s.hitNaN = false
	tn := t + h
	if last {
		tn = tEnd
	}
	s.dt0, s.dh, s.dmethod, s.denseReady = t, tn-t, s.cur, false
	copy(s.yold, y)
	return tn
}

// stopAt serves the output times up to the root tr of event k inside the
// last step, sets y to the state there and ends the call.
func (s *Solver) stopAt(w *walk, y []float64, k int, tr float64) (Result, error) {
	for ; w.oi < len(w.tOut) && w.tOut[w.oi] <= tr; w.oi++ {
		to := w.tOut[w.oi]
		if to > w.tEnd {
			continue
		}
		s.denseEval(to, s.tmp)
		if err := w.out(to, s.tmp); err != nil {
			return Result{T: to, Event: -1, Stats: s.stats}, fmt.Errorf("ode: output at t=%g: %w", to, err)
		}
	}
	s.denseEval(tr, y)
	return Result{T: tr, Event: k, Stats: s.stats}, nil
}

// serve serves the output times up to the end tn of the last step.
func (s *Solver) serve(w *walk, tn float64) error {
	for ; w.oi < len(w.tOut) && w.tOut[w.oi] <= tn; w.oi++ {
		to := w.tOut[w.oi]
		if to == tn {
			copy(s.tmp, s.yn)
		} else {
			s.denseEval(to, s.tmp)
		}
		if err := w.out(to, s.tmp); err != nil {
			return fmt.Errorf("ode: output at t=%g: %w", to, err)
		}
	}
	return nil
}

// advance moves y to the end of the accepted step, with the FSAL
// derivative of the explicit methods (Rodas4 evaluates a new one and a new
// Jacobian).
func (s *Solver) advance(y []float64) {
	copy(y, s.yn)
	switch s.dmethod {
	case DOPRI5:
		copy(s.f0, s.k[5]) // FSAL
	case DOP853:
		copy(s.f0, s.d8k[11]) // FSAL
	default:
		s.f0ok = false
		s.jacOK = false
	}
}

const epsilon = 2.220446049250313e-16

// maybeSwitch applies the Auto rule (see the package comment) after an
// accepted step of size h with proposed next step hnew. It returns the
// next step.
func (s *Solver) maybeSwitch(h, hnew float64) float64 {
	if s.cur != Rodas4 {
		if s.stN >= s.stiffNeed {
			s.toRodas()
		}
		return hnew
	}
	s.rodasN++
	lim := stiffLimit
	if s.exp == DOP853 {
		lim = d8StiffLm
	}
	// Rodas4 pays while its next step reaches farther than the explicit
	// method's stability-limited step (lim/ρ) times their cost ratio
	pays := hnew*s.rho > lim*s.costRatio
	// the episode so far: Rodas4 steps taken and explicit steps they
	// replaced (the explicit method's stability-limited steps over h)
	s.epSteps++
	s.epExplicit += h * s.rho / lim
	if s.rodasN > rodasGrace && !pays {
		s.backN++
	} else {
		s.backN = 0
	}
	if s.backN >= backCount {
		s.toExplicit()
	}
	return hnew
}

// toRodas switches Auto to Rodas4.
func (s *Solver) toRodas() {
	s.cur = Rodas4
	s.stats.Switches++
	s.stN, s.nonN, s.backN, s.rodasN = 0, 0, 0, 0
	s.epSteps, s.epExplicit = 0, 0
	s.jacOK = false
	s.hacc, s.erracc = 0, 0
	if s.jac == nil {
		s.jac = make([]float64, s.n*s.n)
		s.lu = make([]float64, s.n*s.n)
		s.piv = make([]int, s.n)
		s.dec, s.decB = make([]int, 0, s.n), make([]float64, 0, s.n)
	}
}

// toExplicit switches Auto back to its explicit method. When the episode
// in Rodas4 cost more than the explicit method would have (its steps
// times the cost ratio against the stability-limited explicit steps over
// the same time), the next switch to Rodas4 needs twice as many
// stability-limited explicit steps (backoff against switching to and fro
// on a mildly stiff problem); when it paid, the count is reset.
func (s *Solver) toExplicit() {
	s.cur = s.exp
	s.stats.Switches++
	s.stN, s.nonN, s.backN, s.rodasN = 0, 0, 0, 0
	s.fold = logErrMin
	if s.epExplicit > float64(s.epSteps)*s.costRatio {
		s.stiffNeed = stiffCount
	} else {
		s.stiffNeed = min(2*s.stiffNeed, maxStiffNeed)
	}
}

// denseEval writes the dense-output state at time t (inside the last
// accepted step) into dst.
func (s *Solver) denseEval(t float64, dst []float64) {
	switch s.dmethod {
	case DOP853:
		if !s.denseReady {
			s.d8Dense()
			s.denseReady = true
		}
		th := (t - s.dt0) / s.dh
		th1 := 1 - th
		n := len(dst)
		r := &s.d8rc
		r0, r1, r2, r3 := r[0][:n], r[1][:n], r[2][:n], r[3][:n]
		r4, r5, r6, r7 := r[4][:n], r[5][:n], r[6][:n], r[7][:n]
		for i := range dst {
			conpar := r4[i] + th*(r5[i]+th1*(r6[i]+th*r7[i]))
			dst[i] = r0[i] + th*(r1[i]+th1*(r2[i]+th*(r3[i]+th1*conpar)))
		}
	case DOPRI5:
		if !s.denseReady {
			s.dopriDense()
			s.denseReady = true
		}
		th := (t - s.dt0) / s.dh
		th1 := 1 - th
		n := len(dst)
		r0, r1, r2, r3, r4 := s.rc[0][:n], s.rc[1][:n], s.rc[2][:n], s.rc[3][:n], s.rc[4][:n]
		for i := range dst {
			dst[i] = r0[i] + th*(r1[i]+th1*(r2[i]+th*(r3[i]+th1*r4[i])))
		}
	default:
		if !s.denseReady {
			s.rodasDense()
			s.denseReady = true
		}
		sv := (t - s.dt0) / s.dh
		s1 := 1 - sv
		n := len(dst)
		y0, y1, d2, d3 := s.yold[:n], s.yn[:n], s.rc[0][:n], s.rc[1][:n]
		for i := range dst {
			dst[i] = s1*y0[i] + sv*(y1[i]+s1*(d2[i]+sv*d3[i]))
		}
	}
	if s.anyNN {
		for i, b := range s.nonneg[:len(dst)] {
			if b && dst[i] < 0 {
				dst[i] = 0
			}
		}
	}
}

// nonNegCheck implements the MATLAB/Shampine rule on the proposed state s.yn
// with start state y. It returns the scaled negativity (0 if none).
func (s *Solver) nonNegErr(y []float64) float64 {
	var e float64
	for i, b := range s.nonneg {
		if b && s.yn[i] < 0 {
			v := -s.yn[i] / s.sc(i, y[i], 0)
			if v > e {
				e = v
			}
		}
	}
	return e
}
