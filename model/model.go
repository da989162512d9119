package model

import "github.com/holobiont/holobiont/expr"

// Evidence says how well a parameter's value is known.
type Evidence string

const (
	// Quantitative: the magnitude comes from a paper, data set or peer code.
	Quantitative Evidence = "Q"
	// SignOnly: only the sign (direction) is supported by the literature;
	// the magnitude is a conservative modelling choice.
	SignOnly Evidence = "S"
	// Calibrated: the value was fitted to data; the citation names the data
	// (a data set and its hash) and the note the method.
	Calibrated Evidence = "C"
	// Unspecified: no evidence class given (for example an imported SBML model).
	Unspecified Evidence = ""
)

// Provenance records where a value or a coupling comes from.
type Provenance struct {
	Citation string   // short citation, e.g. "Karin 2020 Mol Syst Biol 16:e9510"
	Evidence Evidence // Q, S or C
	Note     string   // free text: how the value was derived, caveats
}

// Source locates a model element in the file it came from, for error
// messages (file:line:col). Zero when unknown.
type Source struct {
	File      string
	Line, Col int
}

// Model is holobiont's intermediate representation of a dynamical model.
// Every front end (YAML, SBML) fills it; the compiler (package system) turns
// it into an ODE system. Semantics follow SBML Level 3 core where SBML has a
// construct, plus holobiont's community blocks and inputs. Time is in the
// model's TimeUnit (days for holobiont's own models).
type Model struct {
	ID, Name, Description string
	TimeUnit              string // "day" unless stated

	Compartments       []*Compartment
	Species            []*Species
	Parameters         []*Parameter
	Functions          []*Function
	InitialAssignments []*InitialAssignment
	Rules              []*Rule
	Reactions          []*Reaction
	Events             []*Event
	Inputs             []*Input
	Communities        []*Community
	Observables        []*Observable
	Couplings          []*Coupling
	Conditions         []*Condition

	// ConversionFactor is the id of the model-wide SBML conversion factor
	// parameter, or "".
	ConversionFactor string
	// Annotations are free key/value pairs kept through import and export.
	Annotations map[string]string
	// FluxBalance is an SBML fbc flux-balance problem (steady state S·v = 0
	// over the non-boundary species, bounds on the reaction fluxes, a
	// linear objective), or nil. Added for SBML fbc import; holobiont's own
	// models leave it nil.
	FluxBalance *FluxBalance
	// AllowNonFinite permits infinite and NaN declared values (SBML allows
	// INF and NaN literals); when false, Validate rejects them. Added for
	// SBML import; holobiont's own front ends leave it false.
	AllowNonFinite bool
}

// Compartment is a body site (gut, face, axilla, ...) or an SBML compartment.
type Compartment struct {
	ID, Name          string
	Kind              string  // "gut", "skin", "host" for holobiont models; "" for SBML
	SpatialDimensions float64 // SBML; 3 when unset
	Size              float64
	SizeSet           bool
	Constant          bool
	Unit              string
	// Env holds the site environment used by niche preferences
	// (sebum, moisture, temperature, pH). Front ends also expose each entry
	// as a parameter named "<site>.<key>".
	Env  map[string]float64
	Prov Provenance
	Src  Source
}

// Species is a state variable that lives in a compartment: a microbial
// population (absolute density), a metabolite, or an SBML species.
type Species struct {
	ID, Name    string
	Compartment string
	// Initial is the initial amount, or the initial concentration when
	// InitialIsConcentration is set (SBML initialConcentration).
	Initial                float64
	InitialSet             bool
	InitialIsConcentration bool
	HasOnlySubstanceUnits  bool
	BoundaryCondition      bool
	Constant               bool
	ConversionFactor       string // parameter id or ""
	Unit                   string
	// Taxon names the organism for microbial populations ("" otherwise);
	// used for relative abundances, synonyms and reports.
	Taxon string
	// NonNegative asks the solver to keep this state >= 0.
	NonNegative bool
	Prov        Provenance
	Src         Source
}

// Parameter is a named value. Constant parameters may be overridden by
// --set; non-constant ones can be targets of rules and events.
type Parameter struct {
	ID, Name string
	Value    float64
	ValueSet bool
	Unit     string
	Constant bool
	// Min and Max bound the values a user may set (inclusive); NaN when unbounded.
	Min, Max float64
	Prov     Provenance
	Src      Source
}

// Function is a user function definition: lambda(Args...) Body.
type Function struct {
	ID   string
	Args []string
	Body *expr.Node
	Src  Source
}

// InitialAssignment sets a symbol's value at t0 from an expression.
type InitialAssignment struct {
	Target string
	Math   *expr.Node
	Src    Source
}

// RuleKind distinguishes the three SBML rule types.
type RuleKind uint8

const (
	AssignmentRule RuleKind = iota + 1 // Variable = Math at all times
	RateRule                           // d Variable / dt = Math
	AlgebraicRule                      // 0 = Math
)

// Rule is an assignment, rate or algebraic rule. Host states in holobiont
// models are rate rules; derived quantities are assignment rules.
type Rule struct {
	Kind     RuleKind
	Variable string // empty for algebraic rules
	Math     *expr.Node
	Unit     string
	Prov     Provenance
	Src      Source
}

// SpeciesRef is a reactant or product of a reaction.
type SpeciesRef struct {
	Species       string
	Stoichiometry float64
	// ID is the SBML speciesReference id (rules and events may change the
	// stoichiometry through it), or "".
	ID       string
	Constant bool
}

// Reaction is an SBML-style reaction: the kinetic law Rate (in substance per
// time) changes reactant and product amounts by their stoichiometries.
type Reaction struct {
	ID, Name    string
	Compartment string
	Reactants   []SpeciesRef
	Products    []SpeciesRef
	Modifiers   []string
	Rate        *expr.Node
	Local       []*Parameter // local parameters, visible only in Rate
	Reversible  bool
	Fast        bool
	Src         Source
}

// EventAssignment sets Variable to Math when its event fires.
type EventAssignment struct {
	Variable string
	Math     *expr.Node
}

// Event is an SBML event: when Trigger goes from false to true, after
// Delay, the assignments are executed.
type Event struct {
	ID                       string
	Trigger                  *expr.Node
	InitialValue             bool // trigger value assumed at t0
	Persistent               bool
	Delay                    *expr.Node // nil: no delay
	Priority                 *expr.Node // nil: no priority
	UseValuesFromTriggerTime bool
	Assignments              []EventAssignment
	Src                      Source
}

// Input is a named exogenous signal (stress, antibiotic concentration,
// probiotic dose rate, emollient, fibre). Scenarios set it as a piecewise
// constant schedule; between schedule boundaries it is constant.
type Input struct {
	ID, Name string
	Unit     string
	Default  float64
	Prov     Provenance
	Src      Source
}

// Interaction is one entry a_ij of a community's interaction matrix: the
// effect of Source on the per-capita growth of Target, held in a parameter.
type Interaction struct {
	Target, Source string // species ids, both members of the community
	Param          string // parameter id holding a_ij
}

// Community is a generalised Lotka–Volterra block at one site:
//
//	dx_i/dt = x_i (Growth_i + Σ_j a_ij x_j − Shedding) + Inflow_i
//
// Growth_i may depend on site environment, host states, inputs and time
// (niche preferences, antibiotic kill, stress effects). Members that are
// also reaction or rule targets are an error.
type Community struct {
	ID           string
	Compartment  string
	Members      []string     // species ids
	Growth       []*expr.Node // per member, per-capita growth rate (1/time); nil means 0
	Inflow       []*expr.Node // per member, additive inflow (density/time); nil means 0
	Shedding     *expr.Node   // per-capita loss shared by all members; nil means 0
	Interactions []Interaction
	// ExtinctionThreshold: a member below it is set to zero and stays zero
	// until its inflow is positive. 0 disables.
	ExtinctionThreshold float64
	Prov                Provenance
	Src                 Source
}

// Observable is a derived quantity reported in outputs (relative abundance,
// Shannon diversity per site, severity scores). Kind "" means Math is an
// ordinary expression; other kinds are computed by the simulator:
// "dysbiosis" (Bray–Curtis distance of Members' composition from the
// subject's own composition at the baseline time).
type Observable struct {
	ID, Name string
	Kind     string
	Math     *expr.Node
	Members  []string
	Unit     string
	Prov     Provenance
	Src      Source
}

// Coupling documents one directed link between parts of the axis (gut,
// skin, brain, immune) for `model describe`: which parameter carries it,
// its sign and its evidence.
type Coupling struct {
	From, To  string // e.g. "host.cortisol", "gut.permeability"
	Sign      int    // +1 or -1
	Param     string // parameter id holding the gain
	Mechanism string
	Prov      Provenance
}

// Condition is a clinical condition a model represents (eczema, psoriasis,
// depression, ...): its clinical definition in words and the model variables
// that read a subject's status, grade and severity scores. Cohort and trial
// outputs carry one column per field, so a virtual population's prevalence
// and severity distribution can be read off.
type Condition struct {
	ID, Name string
	// Definition is the clinical definition the status implements, with its
	// source (e.g. "visible eczematous lesions, >= 0.5% of a region").
	Definition string
	// Grading says how Grade is read from the scores (bands and source).
	Grading string
	// Status names the variable that is 1 when the subject has the
	// condition and 0 otherwise.
	Status string
	// Grade names the variable holding the severity grade: 0 none, 1 mild,
	// 2 moderate, 3 severe.
	Grade string
	// Scores are named severity scores (e.g. easi, scorad), each a variable.
	Scores []ConditionScore
	Prov   Provenance
	Src    Source
}

// ConditionScore is one named severity score of a condition.
type ConditionScore struct {
	Name     string // column name, e.g. "scorad"
	Variable string // model variable holding it
}

// FluxBalance is a flux-balance analysis problem on the model's reactions
// (SBML fbc package). Added for SBML fbc import.
type FluxBalance struct {
	// Lower and Upper bound each reaction's flux (by reaction id); a
	// missing entry is unbounded (−Inf or +Inf).
	Lower, Upper map[string]float64
	// LowerParam and UpperParam name the parameters holding bounds (fbc
	// version 2), evaluated with initial assignments at solve time; they
	// override Lower and Upper.
	LowerParam, UpperParam map[string]string
	// Objective is the id of the active objective; Maximize its sense;
	// Coefficients its linear coefficients by reaction id.
	Objective    string
	Maximize     bool
	Coefficients map[string]float64
}
