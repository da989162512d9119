package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Dimension indexes the base dimensions of a Unit.
type Dimension int

// Base dimensions.
const (
	Mass        Dimension = iota // gram
	Length                       // metre
	Time                         // second
	Amount                       // mole
	Count                        // cells, cfu, copies, reads, items
	Temperature                  // kelvin
	Current                      // ampere
	Luminosity                   // candela
	Arbitrary                    // rel: arbitrary (relative) density units of a model
	NumDims
)

var baseSymbol = [NumDims]string{"g", "m", "s", "mol", "count", "K", "A", "cd", "rel"}

// Unit is a dimension vector with a scale factor relative to the base units
// (g, m, s, mol, count, K, A, cd, rel). The zero value is not a valid unit: use
// Dimensionless, Unknown or Parse. Compare units with Equal.
type Unit struct {
	Dim [NumDims]float64 // exponent of each base dimension
	// One of this unit is Scale × 10^Exp10 base units. Keeping the decimal
	// exponent apart makes SI-prefix conversions exact (ng/mL to pg/mL is
	// exactly 1000).
	Scale float64
	Exp10 int
	// Unknown marks a unit that could be anything (numeric literals,
	// undeclared units): it matches every unit.
	Unknown bool
	// Text is the string the unit was parsed from, for messages; Equal
	// ignores it.
	Text string
}

// Dimensionless is the unit 1.
func Dimensionless() Unit { return Unit{Scale: 1} }

// UnknownUnit returns the wildcard unit that matches any unit.
func UnknownUnit() Unit { return Unit{Scale: 1, Unknown: true} }

// Base returns the base unit of dimension d raised to the power 1.
func Base(d Dimension) Unit {
	u := Unit{Scale: 1}
	u.Dim[d] = 1
	return u
}

const eps = 1e-9

// IsDimensionless reports whether u has no dimension (any scale).
func (u Unit) IsDimensionless() bool {
	for _, e := range u.Dim {
		if math.Abs(e) > eps {
			return false
		}
	}
	return true
}

// SameDim reports whether u and v have the same dimension (scales may
// differ). An Unknown unit has the same dimension as any unit.
func (u Unit) SameDim(v Unit) bool {
	if u.Unknown || v.Unknown {
		return true
	}
	for i := range u.Dim {
		if math.Abs(u.Dim[i]-v.Dim[i]) > eps {
			return false
		}
	}
	return true
}

// Equal reports whether u and v have the same dimension and scale (relative
// tolerance 1e-9). An Unknown unit equals any unit.
func (u Unit) Equal(v Unit) bool {
	if u.Unknown || v.Unknown {
		return true
	}
	if !u.SameDim(v) {
		return false
	}
	r := ratio(u, v)
	return math.Abs(r-1) <= eps
}

// Scale stays within [minScale, maxScale]; the rest moves to Exp10. Values
// inside the range are left untouched so that common factors (86400, 3600)
// stay exact.
const (
	minScale = 1e-100
	maxScale = 1e100
)

func (u *Unit) normalize() {
	if u.Scale >= minScale && u.Scale <= maxScale || u.Scale <= 0 || math.IsNaN(u.Scale) || math.IsInf(u.Scale, 0) {
		return
	}
	e := math.Floor(math.Log10(u.Scale))
	u.Scale /= math.Pow(10, e)
	u.Exp10 += int(e)
}

// Magnitude returns the value of one u in base units, Scale × 10^Exp10.
func (u Unit) Magnitude() float64 {
	if u.Exp10 < -300 || u.Exp10 > 300 {
		// 10^Exp10 alone would be subnormal (imprecise) or overflow while
		// the product is representable (Scale 1e22, Exp10 -322): two steps.
		h := u.Exp10 / 2
		return u.Scale * pow10(h) * pow10(u.Exp10-h)
	}
	return u.Scale * pow10(u.Exp10)
}

// ratio returns magnitude(u)/magnitude(v) without intermediate overflow.
func ratio(u, v Unit) float64 { return u.Scale / v.Scale * pow10(u.Exp10-v.Exp10) }

func pow10(e int) float64 {
	if e < -400 {
		return 0
	}
	if e > 400 {
		return math.Inf(1)
	}
	return math.Pow10(e)
}

// Mul returns u·v.
func (u Unit) Mul(v Unit) Unit {
	if u.Unknown || v.Unknown {
		return UnknownUnit()
	}
	r := Unit{Scale: u.Scale * v.Scale, Exp10: u.Exp10 + v.Exp10}
	r.normalize()
	for i := range r.Dim {
		r.Dim[i] = clean(u.Dim[i] + v.Dim[i])
	}
	return r
}

// Div returns u/v.
func (u Unit) Div(v Unit) Unit {
	if u.Unknown || v.Unknown {
		return UnknownUnit()
	}
	r := Unit{Scale: u.Scale / v.Scale, Exp10: u.Exp10 - v.Exp10}
	r.normalize()
	for i := range r.Dim {
		r.Dim[i] = clean(u.Dim[i] - v.Dim[i])
	}
	return r
}

// Pow returns u^p.
func (u Unit) Pow(p float64) Unit {
	if u.Unknown {
		return u
	}
	// Exact powers where they stay in range, logarithms otherwise.
	e := float64(u.Exp10) * p
	ei := math.Floor(e)
	if math.Abs(ei) > 1e6 {
		ei = math.Copysign(1e6, ei)
	}
	sp := math.Pow(u.Scale, p)
	if !(sp >= minScale && sp <= maxScale) {
		l := math.Log10(u.Scale) * p
		lw := math.Floor(l)
		sp = math.Pow(10, l-lw)
		ei += lw
	}
	r := Unit{Scale: sp * math.Pow(10, e-math.Floor(e)), Exp10: int(ei)}
	r.normalize()
	for i := range r.Dim {
		r.Dim[i] = clean(u.Dim[i] * p)
	}
	return r
}

// Factor returns the number by which a value in unit from is multiplied to
// express it in unit to; the dimensions must agree.
func Factor(from, to Unit) (float64, error) {
	if from.Unknown || to.Unknown {
		return 0, fmt.Errorf("units: cannot convert with an unknown unit")
	}
	if !from.SameDim(to) {
		return 0, fmt.Errorf("units: cannot convert %s to %s: dimensions differ", from.describe(), to.describe())
	}
	return ratio(from, to), nil
}

// clean rounds exponents that are within rounding error of a simple
// fraction (n/6) to it, so that (m^(1/3))^3 is m.
func clean(e float64) float64 {
	r := math.Round(e*6) / 6
	if math.Abs(r-e) < 1e-12 {
		if r == 0 {
			return 0 // no negative zero
		}
		return r
	}
	return e
}

// String returns a canonical text for u that Parse reads back to an equal
// unit: an optional scale followed by base units with exponents, such as
// "1e-06 g m^-3" or "1.1574074074074073e-05 s^-1". Dimensionless units of
// scale 1 are "1"; the unknown unit is "?".
func (u Unit) String() string {
	if u.Unknown {
		return "?"
	}
	var parts []string
	if m := u.Magnitude(); m != 1 || u.IsDimensionless() {
		parts = append(parts, strconv.FormatFloat(m, 'g', -1, 64))
	}
	for i, e := range u.Dim {
		switch {
		case e == 0:
		case e == 1:
			parts = append(parts, baseSymbol[i])
		default:
			parts = append(parts, baseSymbol[i]+"^"+strconv.FormatFloat(e, 'g', -1, 64))
		}
	}
	return strings.Join(parts, " ")
}

// describe is the unit as written in the model when known, with its
// canonical form.
// InTermsOf describes got for a message that wants unit want, in the
// user's words when it can: "24 × mg/day (= 2.777e-07 g s^-1)" when got is
// want's dimension at another scale and want has a Text, else got's own
// description.
func InTermsOf(got, want Unit) string {
	if got.Unknown || want.Unknown || want.Text == "" || !got.SameDim(want) {
		return got.describe()
	}
	f := ratio(got, want)
	return fmt.Sprintf("%s × %s (= %s)", strconv.FormatFloat(f, 'g', 4, 64), want.Text, got.String())
}

// Per returns u/v with the text "u/v" when both have a text (for
// messages), as Div does otherwise.
func (u Unit) Per(v Unit) Unit {
	r := u.Div(v)
	switch {
	case v.Text == "":
	case u.Text == "" && u.Equal(Dimensionless()):
		r.Text = "1/" + paren(v.Text)
	case u.Text != "":
		r.Text = paren(u.Text) + "/" + paren(v.Text)
	}
	return r
}

// paren wraps a unit text that is a product or quotient in parentheses.
func paren(s string) string {
	if strings.ContainsAny(s, "/* ·") {
		return "(" + s + ")"
	}
	return s
}

func (u Unit) describe() string {
	s := u.String()
	if u.Text != "" && u.Text != s {
		return fmt.Sprintf("%s (= %s)", u.Text, s)
	}
	return s
}
