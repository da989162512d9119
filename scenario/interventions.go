package scenario

import "github.com/holobiont/holobiont/model"

// The intervention types. Every numeric field is used as given: a Go caller
// sets each one (the scenario file's defaults, such as engraftment 1 or
// intensity 1, are applied by the decoder, not here). An Input field of ""
// means the model's conventional input for the intervention.

// Probiotic doses a strain into the gut.
type Probiotic struct {
	Base
	// Taxon is a species id ("gut.probiotic") or a taxon name that lives at
	// exactly one site.
	Taxon string
	// Dose is the density added per day (mode "continuous": an inflow rate
	// of Dose·Engraftment through Input; mode "daily": a bolus of
	// Dose·Engraftment into the taxon at each whole day of the window).
	Dose float64
	// Engraftment is the fraction of the dose that reaches the gut alive
	// and can grow, in [0, 1] (1: all of it).
	Engraftment float64
	// Mode is "continuous" ("" means continuous) or "daily".
	Mode string
	// Input carries the continuous dose rate; "" means "probiotic".
	Input string
}

// Kind returns "probiotic".
func (*Probiotic) Kind() string { return "probiotic" }

// Antibiotic is an oral or topical antibiotic course: its concentration
// signal (Dose on the route's input) and, per susceptible taxon, the change
// of the taxon's per-capita growth rate while dosed.
type Antibiotic struct {
	Base
	// Route is "oral" ("" means oral) or "topical".
	Route string
	// Sites are the skin sites of a topical antibiotic (input
	// abx_topical.<site> each).
	Sites []string
	// Dose is the concentration signal, >= 0 (1: a standard course).
	Dose float64
	// Input carries an oral dose; "" means "abx_oral".
	Input string
	// Susceptibility lists the taxa the antibiotic acts on, in order.
	Susceptibility []Susceptibility
}

// Kind returns "antibiotic".
func (*Antibiotic) Kind() string { return "antibiotic" }

// Susceptibility is how one taxon responds to an antibiotic: either the
// Stein et al. 2013 form, growth += Epsilon·Dose, or (when KillCurve is
// set) the Regoes et al. 2004 pharmacodynamic kill curve, growth +=
// psi(Dose) − psi(0).
type Susceptibility struct {
	// Taxon is a species id or a taxon name at one site.
	Taxon string
	// Input carries the growth-rate change; "" means "<species id>.abx".
	Input     string
	Epsilon   float64
	KillCurve *KillCurve
	// Src locates the entry in its file (zero when built in Go).
	Src model.Source
}

// KillCurve is the Regoes et al. 2004 pharmacodynamic function
//
//	psi(a) = PsiMax − (PsiMax − PsiMin)·(a/ZMIC)^Kappa / ((a/ZMIC)^Kappa − PsiMin/PsiMax)
//
// with rates in Unit (any rate unit, such as 1/day or 1/h; "" means the
// model's time unit), converted to the model's time unit when lowered.
type KillCurve struct {
	PsiMax, PsiMin, Kappa, ZMIC float64
	Unit                        string
}

// Psi returns the net growth rate at concentration a, in the curve's unit.
func (k *KillCurve) Psi(a float64) float64 {
	if a <= 0 {
		return k.PsiMax
	}
	r := pow(a/k.ZMIC, k.Kappa)
	return k.PsiMax - (k.PsiMax-k.PsiMin)*r/(r-k.PsiMin/k.PsiMax)
}

// Stress is a stress episode: Intensity on Input (1 = an exam-like episode).
type Stress struct {
	Base
	Intensity float64
	Input     string // "" means "stress"
}

// Kind returns "stress".
func (*Stress) Kind() string { return "stress" }

// Emollient is a moisturiser applied at one skin site: Level
// (dimensionless, >= 0) on Input.
type Emollient struct {
	Base
	Site  string
	Level float64
	Input string // "" means "emollient.<Site>"
}

// Kind returns "emollient".
func (*Emollient) Kind() string { return "emollient" }

// Irritant is a barrier insult at one skin site (detergent, tape stripping,
// scratching): a barrier loss rate Level (1/day, >= 0) on Input.
type Irritant struct {
	Base
	Site  string
	Level float64
	Input string // "" means "irritant.<Site>"
}

// Kind returns "irritant".
func (*Irritant) Kind() string { return "irritant" }

// Diet sets dietary fibre (>= 0) on Input.
type Diet struct {
	Base
	Fibre float64
	Input string // "" means "fibre"
}

// Kind returns "diet".
func (*Diet) Kind() string { return "diet" }

// InputSignal holds any model input at Value during its windows.
type InputSignal struct {
	Base
	Input string
	Value float64
}

// Kind returns "input".
func (*InputSignal) Kind() string { return "input" }

// Bolus changes a state at one time: Op "add" ("" means add), "set" or
// "mul" with Value. Its Timing is not used.
type Bolus struct {
	Base
	Target string
	Time   float64
	Op     string
	Value  float64
}

// Kind returns "bolus".
func (*Bolus) Kind() string { return "bolus" }

// Windows returns the instant of the bolus, [Time, Time].
func (b *Bolus) Windows() []Window { return []Window{{b.Time, b.Time}} }
