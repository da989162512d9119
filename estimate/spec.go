package estimate

import (
	"fmt"
	"math"
	"strings"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/model"
)

// Source locates a table row (file and 1-based line) for error messages.
type Source struct {
	File string
	Line int
}

func (s Source) String() string {
	switch {
	case s.File == "":
		return ""
	case s.Line > 0:
		return fmt.Sprintf("%s:%d", s.File, s.Line)
	}
	return s.File
}

// Scale is a parameter scale or an observable transformation.
type Scale uint8

const (
	Lin   Scale = iota // linear
	Log                // natural logarithm
	Log10              // decimal logarithm
)

func (s Scale) String() string {
	switch s {
	case Log:
		return "log"
	case Log10:
		return "log10"
	}
	return "lin"
}

// ParseScale reads "lin", "log" or "log10" ("" is lin).
func ParseScale(s string) (Scale, bool) {
	switch s {
	case "", "lin":
		return Lin, true
	case "log":
		return Log, true
	case "log10":
		return Log10, true
	}
	return Lin, false
}

// To maps a linear value onto the scale.
func (s Scale) To(x float64) float64 {
	switch s {
	case Log:
		return math.Log(x)
	case Log10:
		return math.Log10(x)
	}
	return x
}

// From maps a value on the scale back to linear.
func (s Scale) From(u float64) float64 {
	switch s {
	case Log:
		return math.Exp(u)
	case Log10:
		return math.Pow(10, u)
	}
	return u
}

// deriv returns dx/du at the linear value x.
func (s Scale) deriv(x float64) float64 {
	switch s {
	case Log:
		return x
	case Log10:
		return x * math.Ln10
	}
	return 1
}

// Noise is a noise distribution.
type Noise uint8

const (
	Normal  Noise = iota // Gaussian, noise formula = standard deviation
	Laplace              // Laplace, noise formula = scale
)

func (n Noise) String() string {
	if n == Laplace {
		return "laplace"
	}
	return "normal"
}

// Prior is a parameter's prior distribution. Kind is one of uniform,
// normal, laplace, log-normal, log-laplace, cauchy, chisquare, exponential,
// gamma, log-uniform, rayleigh. OnScale (PEtab v1 parameterScale* priors)
// means the density is over the parameter on its estimation scale. Bounds
// truncate the density (Truncate, PEtab v2) or do not (PEtab v1).
type Prior struct {
	Kind     string
	Params   []float64
	OnScale  bool
	Truncate bool
}

// Param is one row of the PEtab parameter table. Bounds and nominal value
// are on the linear scale.
type Param struct {
	ID, Name     string
	Scale        Scale
	Lower, Upper float64
	Nominal      float64
	Estimate     bool
	Prior        *Prior // nil: none
	Src          Source
}

// Observable is one row of the observable table: the observable formula
// and noise formula over model symbols, parameter-table ids, time and the
// placeholders, the transformation (v1 observableTransformation, v2 log-
// noise distributions) and the noise distribution.
type Observable struct {
	ID, Name          string
	Formula, Noise    *expr.Node
	Transform         Scale
	Dist              Noise
	ObsPlaceholders   []string
	NoisePlaceholders []string
	Src               Source
}

// Change sets Target (a model species, compartment or parameter) to the
// value of an expression when a condition is applied.
type Change struct {
	Target string
	Value  *expr.Node
	Cond   string // condition id, for messages
	Src    Source
}

// Period is a part of an experiment that starts at Start (−Inf for a
// pre-equilibration to steady state) with the changes of its conditions.
type Period struct {
	Start   float64
	Changes []Change
}

// Experiment is a sequence of periods. A v1 (preequilibration, simulation)
// condition pair becomes an experiment with a −Inf period and a period at
// 0; an empty experiment id is one period at 0 with no changes.
type Experiment struct {
	ID      string
	Periods []Period
	// PreeqID and SimID are the v1 condition ids (for the simulation table).
	PreeqID, SimID string
}

// Measurement is one row of the measurement table. ObsParams and
// NoiseParams override the observable's placeholders (numbers or
// parameter-table ids).
type Measurement struct {
	Obs, Exp    int // indices into Spec.Observables and Spec.Experiments
	Time        float64
	Value       float64
	ObsParams   []*expr.Node
	NoiseParams []*expr.Node
	// Columns holds the row's text in the columns a simulation table
	// repeats (observableId, time, overrides, experiment/condition ids).
	Columns map[string]string
	Src     Source
}

// Spec is a parameter estimation problem in PEtab's terms, independent of
// the file format version: the model, the parameter table, observables,
// experiments (condition sequences) and measurements.
type Spec struct {
	Version      int // 1 or 2: PEtab format version (semantics of priors and bounds)
	Model        *model.Model
	ModelFile    string
	Params       []Param
	Observables  []Observable
	Experiments  []Experiment
	Measurements []Measurement
}

// ParamIndex returns the index of a parameter-table id, or -1.
func (s *Spec) ParamIndex(id string) int {
	for i := range s.Params {
		if s.Params[i].ID == id {
			return i
		}
	}
	return -1
}

// Free returns the indices of the estimated parameters, in table order.
func (s *Spec) Free() []int {
	var f []int
	for i := range s.Params {
		if s.Params[i].Estimate {
			f = append(f, i)
		}
	}
	return f
}

// Nominal returns the estimated parameters' nominal values on their
// scales, in Free order.
func (s *Spec) Nominal() []float64 {
	var u []float64
	for _, i := range s.Free() {
		p := s.Params[i]
		u = append(u, p.Scale.To(p.Nominal))
	}
	return u
}

// Bounds returns the estimated parameters' bounds on their scales.
func (s *Spec) Bounds() (lo, hi []float64) {
	for _, i := range s.Free() {
		p := s.Params[i]
		lo = append(lo, p.Scale.To(p.Lower))
		hi = append(hi, p.Scale.To(p.Upper))
	}
	return lo, hi
}

// Error is a problem with a PEtab problem's files or their references:
// the file, the 1-based line (0 when the whole file is concerned), the
// column and the id involved when known.
type Error struct {
	File   string
	Line   int
	Column string
	ID     string
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.File != "" {
		b.WriteString(": ")
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "column %s: ", e.Column)
	}
	if e.ID != "" {
		fmt.Fprintf(&b, "%s: ", e.ID)
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// errAt returns an *Error at src.
func errAt(src Source, id, format string, args ...any) error {
	return &Error{File: src.File, Line: src.Line, ID: id, Msg: fmt.Sprintf(format, args...)}
}
