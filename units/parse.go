package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseError is a malformed unit string; Col is the 1-based byte column of
// the offending character.
type ParseError struct {
	Text string
	Col  int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("unit %q: column %d: %s", e.Text, e.Col, e.Msg)
}

// symbol is a unit symbol: its unit and whether SI prefixes apply.
type symbol struct {
	u      Unit
	prefix bool
}

func dimUnit(scale float64, exps ...float64) Unit {
	u := Unit{Scale: scale}
	copy(u.Dim[:], exps)
	return u
}

// exponents in Dimension order: mass, length, time, amount, count, temp, current, lum.
var (
	uMass    = dimUnit(1, 1)
	uLength  = dimUnit(1, 0, 1)
	uTime    = dimUnit(1, 0, 0, 1)
	uAmount  = dimUnit(1, 0, 0, 0, 1)
	uCount   = dimUnit(1, 0, 0, 0, 0, 1)
	uVolume  = decade(dimUnit(1, 0, 3), -3)       // litre
	uMolar   = decade(dimUnit(1, 0, -3, 0, 1), 3) // mol/L
	uNewton  = decade(dimUnit(1, 1, 1, -2), 3)    // kg m s^-2
	uJoule   = decade(dimUnit(1, 1, 2, -2), 3)    // N m
	uWatt    = decade(dimUnit(1, 1, 2, -3), 3)    // J/s
	uPascal  = decade(dimUnit(1, 1, -1, -2), 3)   // N/m^2
	uHertz   = dimUnit(1, 0, 0, -1)               // 1/s
	uKatal   = dimUnit(1, 0, 0, -1, 1)            // mol/s
	uDimless = dimUnit(1)
)

func scaled(u Unit, s float64) Unit { u.Scale *= s; return u }

func decade(u Unit, e int) Unit { u.Exp10 += e; return u }

// symbols maps unit symbols and names (singular and plural) to units.
var symbols = map[string]symbol{}

func init() {
	add := func(u Unit, prefix bool, names ...string) {
		for _, n := range names {
			symbols[n] = symbol{u: u, prefix: prefix}
		}
	}
	add(uMass, true, "g")
	add(uMass, false, "gram", "grams", "gramme")
	add(decade(uMass, 3), false, "kilogram", "kilograms")
	add(uLength, true, "m")
	add(uLength, false, "metre", "metres", "meter", "meters")
	add(uVolume, true, "L", "l")
	add(uVolume, false, "litre", "litres", "liter", "liters")
	add(uTime, true, "s")
	add(uTime, false, "sec", "second", "seconds")
	add(scaled(uTime, 60), false, "min", "minute", "minutes")
	add(scaled(uTime, 3600), false, "h", "hr", "hrs", "hour", "hours")
	add(scaled(uTime, 86400), false, "d", "day", "days")
	add(scaled(uTime, 7*86400), false, "wk", "week", "weeks")
	add(scaled(uTime, 365.25*86400), false, "yr", "year", "years", "a")
	add(uAmount, true, "mol")
	add(uAmount, false, "mole", "moles")
	add(uMolar, true, "M")
	add(uMolar, false, "molar")
	add(uCount, false, "cell", "cells", "cfu", "CFU", "copy", "copies", "read", "reads", "count", "counts",
		"item", "items", "individual", "individuals", "organism", "organisms", "particle", "particles",
		"molecule", "molecules", "#")
	add(dimUnit(1, 0, 0, 0, 0, 0, 1), true, "K")
	add(dimUnit(1, 0, 0, 0, 0, 0, 1), false, "kelvin")
	add(dimUnit(1, 0, 0, 0, 0, 0, 0, 1), true, "A")
	add(dimUnit(1, 0, 0, 0, 0, 0, 0, 1), false, "ampere")
	add(dimUnit(1, 0, 0, 0, 0, 0, 0, 0, 1), true, "cd")
	add(dimUnit(1, 0, 0, 0, 0, 0, 0, 0, 1), false, "candela")
	add(dimUnit(1, 0, 0, 0, 0, 0, 0, 0, 0, 1), false, "rel")
	add(uHertz, true, "Hz")
	add(uHertz, false, "hertz")
	add(uNewton, true, "N")
	add(uNewton, false, "newton")
	add(uJoule, true, "J")
	add(uJoule, false, "joule")
	add(uWatt, true, "W")
	add(uWatt, false, "watt")
	add(uPascal, true, "Pa")
	add(uPascal, false, "pascal")
	add(uKatal, true, "kat")
	add(uKatal, false, "katal")
	add(uDimless, false, "dimensionless", "rad", "radian", "radians", "sr", "steradian", "AU", "au", "a.u.",
		"arb", "arbitrary", "fold", "fraction", "ratio", "unit", "units", "unitless", "none")
	add(decade(uDimless, -2), false, "%", "percent")
	add(decade(uDimless, -6), false, "ppm")
}

// prefixes are the SI prefixes (u and µ both mean micro), longest first so
// that look-up is deterministic.
var prefixes = []struct {
	p string
	e int
}{
	{"da", 1}, {"µ", -6}, {"μ", -6},
	{"y", -24}, {"z", -21}, {"a", -18}, {"f", -15}, {"p", -12}, {"n", -9}, {"u", -6},
	{"m", -3}, {"c", -2}, {"d", -1}, {"h", 2}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12},
	{"P", 15}, {"E", 18},
}

// lookupSymbol resolves a word: a symbol or name, else an SI prefix followed
// by a prefixable symbol.
func lookupSymbol(w string) (Unit, bool) {
	if s, ok := symbols[w]; ok {
		return s.u, true
	}
	for _, p := range prefixes {
		if len(w) > len(p.p) && strings.HasPrefix(w, p.p) {
			if s, ok := symbols[w[len(p.p):]]; ok && s.prefix {
				return decade(s.u, p.e), true
			}
		}
	}
	return Unit{}, false
}

// maxExp bounds the exponents of a parsed unit.
const maxExp = 1000

func (p *uparser) inRange(u Unit) error {
	for _, e := range u.Dim {
		if math.Abs(e) > maxExp {
			return p.errf("exponent %v out of range", e)
		}
	}
	return nil
}

// maxUnitDepth bounds parenthesis nesting.
const maxUnitDepth = 50

// Parse parses a unit string (see the package documentation). Errors are
// *ParseError.
func Parse(text string) (Unit, error) { return ParseWith(text, nil) }

// ParseWith parses like Parse, first resolving each unit word with extra
// (which may be nil): a model can so declare its own units, for example
// "density" as an alias of rel.
func ParseWith(text string, extra func(word string) (Unit, bool)) (Unit, error) {
	p := &uparser{src: text, extra: extra}
	p.skipSpace()
	if p.off >= len(p.src) {
		return Unit{}, p.errf("empty unit (write 1 or dimensionless for none)")
	}
	u, err := p.product()
	if err != nil {
		return Unit{}, err
	}
	p.skipSpace()
	if p.off < len(p.src) {
		return Unit{}, p.errf("unexpected %q", p.peekRune())
	}
	u.Text = strings.TrimSpace(text)
	return u, nil
}

// MustParse is like Parse but panics on error; for unit strings fixed in
// source code.
func MustParse(text string) Unit {
	u, err := Parse(text)
	if err != nil {
		panic(err)
	}
	return u
}

type uparser struct {
	src   string
	off   int
	depth int
	extra func(string) (Unit, bool)
}

func (p *uparser) errf(format string, args ...any) error {
	return &ParseError{Text: p.src, Col: p.off + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *uparser) peekRune() rune {
	r, _ := utf8.DecodeRuneInString(p.src[p.off:])
	return r
}

func (p *uparser) skipSpace() bool {
	start := p.off
	for p.off < len(p.src) && (p.src[p.off] == ' ' || p.src[p.off] == '\t') {
		p.off++
	}
	return p.off > start
}

// product = term { ("/" | "*" | "·" | "." | space) term }
func (p *uparser) product() (Unit, error) {
	u, err := p.term()
	if err != nil {
		return Unit{}, err
	}
	for {
		save := p.off
		space := p.skipSpace()
		if p.off >= len(p.src) {
			return u, nil
		}
		div := false
		switch {
		case p.src[p.off] == '/':
			div = true
			p.off++
		case p.src[p.off] == '*' || p.src[p.off] == '.':
			p.off++
		case strings.HasPrefix(p.src[p.off:], "·"):
			p.off += len("·")
		case strings.HasPrefix(p.src[p.off:], "per "):
			div = true
			p.off += 4
		case space && p.src[p.off] != ')':
			// implicit multiplication
		default:
			p.off = save
			return u, nil
		}
		p.skipSpace()
		v, err := p.term()
		if err != nil {
			return Unit{}, err
		}
		if div {
			u = u.Div(v)
		} else {
			u = u.Mul(v)
		}
		if err := p.inRange(u); err != nil {
			return Unit{}, err
		}
	}
}

// term = atom [exponent]
func (p *uparser) term() (Unit, error) {
	if p.off >= len(p.src) {
		return Unit{}, p.errf("missing unit after operator")
	}
	var u Unit
	var err error
	word := false
	switch {
	case p.src[p.off] == '(':
		u, err = p.group()
	case isNumStart(p.src[p.off:]):
		u, err = p.factor()
	default:
		u, err = p.symbol()
		word = true
	}
	if err != nil {
		return Unit{}, err
	}
	if u, err = p.power(u, word); err != nil {
		return Unit{}, err
	}
	return u, p.inRange(u)
}

// group = "(" product ")"
func (p *uparser) group() (Unit, error) {
	p.depth++
	if p.depth > maxUnitDepth {
		return Unit{}, p.errf("parentheses nested too deeply")
	}
	p.off++
	p.skipSpace()
	v, err := p.product()
	if err != nil {
		return Unit{}, err
	}
	p.skipSpace()
	if p.off >= len(p.src) || p.src[p.off] != ')' {
		return Unit{}, p.errf("expected ')'")
	}
	p.off++
	p.depth--
	return v, nil
}

// factor is a positive, finite scale factor such as 1e-3.
func (p *uparser) factor() (Unit, error) {
	v, err := p.number()
	if err != nil {
		return Unit{}, err
	}
	if !(v > 0) || math.IsInf(v, 0) {
		return Unit{}, p.errf("scale factor must be positive and finite, got %v", v)
	}
	u := scaled(uDimless, v)
	u.normalize()
	return u, nil
}

// symbol reads a unit word (letters, %, #, _, or "a.u.") and looks it up,
// first among the caller's extra units.
func (p *uparser) symbol() (Unit, error) {
	start := p.off
	if strings.HasPrefix(p.src[p.off:], "a.u.") {
		p.off += 4
	} else {
		for p.off < len(p.src) {
			r, n := utf8.DecodeRuneInString(p.src[p.off:])
			if !unicode.IsLetter(r) && r != '%' && r != '#' && r != '_' {
				break
			}
			p.off += n
		}
	}
	if p.off == start {
		return Unit{}, p.errf("expected a unit, found %q", p.peekRune())
	}
	w := p.src[start:p.off]
	var v Unit
	ok := false
	if p.extra != nil {
		v, ok = p.extra(w)
		v.Text = ""
	}
	if !ok {
		v, ok = lookupSymbol(w)
	}
	if !ok {
		p.off = start
		return Unit{}, p.errf("unknown unit %q", w)
	}
	return v, nil
}

// power applies an optional exponent to u: ^e, **e, ² or ³, or after a unit
// word a trailing integer (cm2, s-1).
func (p *uparser) power(u Unit, word bool) (Unit, error) {
	if p.off >= len(p.src) {
		return u, nil
	}
	rest := p.src[p.off:]
	switch {
	case rest[0] == '^' || strings.HasPrefix(rest, "**"):
		p.off++
		if rest[0] == '*' {
			p.off++
		}
		e, err := p.exponent()
		if err != nil {
			return Unit{}, err
		}
		return u.Pow(e), nil
	case strings.HasPrefix(rest, "²"):
		p.off += len("²")
		return u.Pow(2), nil
	case strings.HasPrefix(rest, "³"):
		p.off += len("³")
		return u.Pow(3), nil
	case word && (isDigit(rest[0]) || (rest[0] == '-' || rest[0] == '+') && len(rest) > 1 && isDigit(rest[1])):
		start := p.off
		p.off++
		for p.off < len(p.src) && isDigit(p.src[p.off]) {
			p.off++
		}
		e, err := strconv.Atoi(p.src[start:p.off])
		if err != nil || e < -maxExp || e > maxExp {
			return Unit{}, p.errf("exponent %q out of range", p.src[start:p.off])
		}
		return u.Pow(float64(e)), nil
	}
	return u, nil
}

// exponent = signed-number | "(" signed-number ["/" number] ")"
func (p *uparser) exponent() (float64, error) {
	if p.off < len(p.src) && p.src[p.off] == '(' {
		p.off++
		a, err := p.signed()
		if err != nil {
			return 0, err
		}
		if p.off < len(p.src) && p.src[p.off] == '/' {
			p.off++
			b, err := p.signed()
			if err != nil {
				return 0, err
			}
			if b == 0 {
				return 0, p.errf("zero denominator in exponent")
			}
			a /= b
		}
		if p.off >= len(p.src) || p.src[p.off] != ')' {
			return 0, p.errf("expected ')' after exponent")
		}
		p.off++
		return a, nil
	}
	return p.signed()
}

func (p *uparser) signed() (float64, error) {
	sign := 1.0
	if p.off < len(p.src) && (p.src[p.off] == '-' || p.src[p.off] == '+') {
		if p.src[p.off] == '-' {
			sign = -1
		}
		p.off++
	}
	if !isNumStart(p.src[p.off:]) {
		return 0, p.errf("expected a number in exponent")
	}
	v, err := p.number()
	if err != nil {
		return 0, err
	}
	if math.IsInf(v, 0) || math.Abs(v) > maxExp {
		return 0, p.errf("exponent %v out of range", v)
	}
	return sign * v, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isNumStart(s string) bool {
	return len(s) > 0 && (isDigit(s[0]) || s[0] == '.' && len(s) > 1 && isDigit(s[1]))
}

// number scans an unsigned decimal number with optional exponent.
func (p *uparser) number() (float64, error) {
	s := p.src[p.off:]
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' && i+1 < len(s) && isDigit(s[i+1]) {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i+1 < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if s[j] == '+' || s[j] == '-' {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, p.errf("bad number %q", s[:i])
	}
	p.off += i
	return v, nil
}
