package report

import (
	"math"
	"strconv"
	"strings"
)

// PrettyTicks returns about n+1 equally spaced "nice" values (1, 2 or 5
// times a power of ten apart) covering [lo, hi], the same values as R's
// pretty(c(lo, hi), n) with its default biases (R 4.2 algorithm
// R_pretty: high.u.bias 1.5, u5.bias 2.75, min.n n %/% 3, shrink.sml 0.75).
// The first value is <= lo and the last >= hi. It returns nil for
// non-finite input, n < 1 or more than a million ticks.
func PrettyTicks(lo, hi float64, n int) []float64 {
	unit, ns, nu, ok := rPretty(lo, hi, n)
	if !ok {
		return nil
	}
	if nu-ns > 1e6 {
		return nil // absurd n
	}
	k := int(math.Round(nu - ns))
	ticks := make([]float64, k+1)
	l, u := ns*unit, nu*unit
	for i := range ticks {
		if k == 0 {
			ticks[i] = l
			continue
		}
		ticks[i] = l + float64(i)*(u-l)/float64(k)
	}
	if k > 0 {
		ticks[k] = u
		delta := (u - l) / float64(k)
		for i, v := range ticks {
			if math.Abs(v) < 1e-14*delta {
				ticks[i] = 0
			}
		}
	}
	return ticks
}

// rPretty is R_pretty from R's src/appl/pretty.c (R >= 4.2) with the
// defaults of pretty.default; it returns the unit and the range [ns, nu] in
// units.
func rPretty(lo, hi float64, ndiv int) (unit, ns, nu float64, ok bool) {
	if ndiv < 1 || math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return 0, 0, 0, false
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	const (
		h          = 1.5
		h5         = 0.5 + 1.5*h
		fMin       = 1.0 / (1 << 20)
		shrinkSml  = 0.75
		roundEps   = 1e-10
		dblEpsilon = 2.220446049250313e-16
		dblMin     = 2.2250738585072014e-308
		maxF       = 1.25
	)
	minN := ndiv / 3
	dx := hi - lo
	var cell float64
	var small bool
	if dx == 0 && hi == 0 {
		cell = 1
		small = true
	} else {
		cell = math.Max(math.Abs(lo), math.Abs(hi))
		var U float64
		if h5 >= 1.5*h+0.5 {
			U = 1 + 1/(1+h)
		} else {
			U = 1 + 1.5/(1+h5)
		}
		U *= float64(max(1, ndiv)) * dblEpsilon
		small = dx < cell*U*3
	}
	if small {
		if cell > 10 {
			cell = 9 + cell/10
		}
		cell *= shrinkSml
		if minN > 1 {
			cell /= float64(minN)
		}
	} else {
		cell = dx
		if ndiv > 1 {
			cell /= float64(ndiv)
		}
	}
	subsmall := fMin * dblMin
	if subsmall == 0 {
		subsmall = dblMin
	}
	if cell < subsmall {
		cell = subsmall
	} else if cell > math.MaxFloat64/maxF {
		cell = math.MaxFloat64 / maxF
	}
	base := math.Pow(10, math.Floor(math.Log10(cell)))
	unit = base
	if u2 := 2 * base; u2-cell < h*(cell-unit) {
		unit = u2
		if u5 := 5 * base; u5-cell < h5*(cell-unit) {
			unit = u5
			if u10 := 10 * base; u10-cell < h*(cell-unit) {
				unit = u10
			}
		}
	}
	ns = math.Floor(lo/unit + roundEps)
	nu = math.Ceil(hi/unit - roundEps)
	for ns*unit > lo+roundEps*unit {
		ns--
	}
	for nu*unit < hi-roundEps*unit {
		nu++
	}
	k := int(0.5 + nu - ns)
	if k < minN {
		k = minN - k
		if ns >= 0 {
			nu += float64(k / 2)
			ns -= float64(k/2 + k%2)
		} else {
			ns -= float64(k / 2)
			nu += float64(k/2 + k%2)
		}
	}
	return unit, ns, nu, true
}

// HeckbertTicks returns the "loose" nice labels of Heckbert, "Nice numbers
// for graph labels", Graphics Gems (1990): a step of 1, 2 or 5 times a
// power of ten chosen for about n ticks, the first <= lo and the last >= hi.
// It returns nil for non-finite input or n < 2.
func HeckbertTicks(lo, hi float64, n int) []float64 {
	if n < 2 || math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		if lo == 0 {
			hi = 1
		} else {
			d := math.Abs(lo) * 0.1
			lo, hi = lo-d, hi+d
		}
	}
	rng := niceNum(hi-lo, false)
	d := niceNum(rng/float64(n-1), true)
	gmin := math.Floor(lo/d) * d
	gmax := math.Ceil(hi/d) * d
	m := int(math.Round((gmax - gmin) / d))
	ticks := make([]float64, m+1)
	for i := range ticks {
		ticks[i] = gmin + float64(i)*d
		if math.Abs(ticks[i]) < 1e-12*d {
			ticks[i] = 0
		}
	}
	return ticks
}

// niceNum finds a "nice" number approximately equal to x: rounded if round
// is set, otherwise the ceiling.
func niceNum(x float64, round bool) float64 {
	expv := math.Floor(math.Log10(x))
	f := x / math.Pow(10, expv)
	var nf float64
	if round {
		switch {
		case f < 1.5:
			nf = 1
		case f < 3:
			nf = 2
		case f < 7:
			nf = 5
		default:
			nf = 10
		}
	} else {
		switch {
		case f <= 1:
			nf = 1
		case f <= 2:
			nf = 2
		case f <= 5:
			nf = 5
		default:
			nf = 10
		}
	}
	return nf * math.Pow(10, expv)
}

// LogTicks returns tick values for a base-10 logarithmic axis over
// [lo, hi] (both > 0): powers of ten, with 2× and 5× multiples added when
// the range spans at most two decades (and every integer multiple when it
// spans less than one), and every k-th power when it spans more than ten.
// The ticks lie within [lo, hi]. It returns nil when lo or hi is not
// positive and finite.
func LogTicks(lo, hi float64) []float64 {
	if !(lo > 0) || !(hi > 0) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	e0 := int(math.Floor(math.Log10(lo) + 1e-9))
	e1 := int(math.Ceil(math.Log10(hi) - 1e-9))
	dec := math.Log10(hi) - math.Log10(lo)
	var mant []float64
	step := 1
	switch {
	case dec < 1:
		mant = []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	case dec <= 2:
		mant = []float64{1, 2, 5}
	default:
		mant = []float64{1}
		if dec > 10 {
			step = int(math.Ceil(dec / 8))
		}
	}
	var ticks []float64
	const eps = 1e-9
	for e := e0; e <= e1; e++ {
		if step > 1 && e%step != 0 {
			continue
		}
		p := math.Pow(10, float64(e))
		for _, m := range mant {
			v := m * p
			if v >= lo*(1-eps) && v <= hi*(1+eps) {
				ticks = append(ticks, v)
			}
		}
	}
	return ticks
}

// label is a tick label, optionally with a superscript (10^k).
type label struct {
	base, sup string
}

func (l label) String() string {
	if l.sup == "" {
		return l.base
	}
	return l.base + "^" + l.sup
}

func (l label) width(size float64) float64 {
	return textWidth(l.base, size) + textWidth(l.sup, size*0.75)
}

// formatTicks formats equally spaced ticks with the given step so that the
// labels are distinct and free of floating-point noise.
func formatTicks(ticks []float64, step float64) []label {
	out := make([]label, len(ticks))
	if len(ticks) == 0 {
		return out
	}
	maxAbs := 0.0
	for _, v := range ticks {
		maxAbs = math.Max(maxAbs, math.Abs(v))
	}
	if !(step > 0) {
		step = maxAbs
		if step == 0 {
			step = 1
		}
	}
	se := math.Floor(math.Log10(step) + 1e-9)
	if maxAbs < 1e6 && se >= -4 {
		dec := 0
		if se < 0 {
			dec = int(-se)
		}
		// steps like 0.25 need one more digit than their exponent says
		if r := step / math.Pow(10, se); math.Abs(r-math.Round(r)) > 1e-6 {
			dec++
		}
		for i, v := range ticks {
			out[i] = label{base: cleanNeg(strconv.FormatFloat(v, 'f', dec, 64))}
		}
		return out
	}
	// scientific: m × 10^e with enough mantissa digits
	for i, v := range ticks {
		if v == 0 {
			out[i] = label{base: "0"}
			continue
		}
		e := math.Floor(math.Log10(math.Abs(v)) + 1e-9)
		digits := int(e - se)
		if digits < 0 {
			digits = 0
		}
		if r := step / math.Pow(10, se); math.Abs(r-math.Round(r)) > 1e-6 {
			digits++
		}
		m := v / math.Pow(10, e)
		ms := strconv.FormatFloat(m, 'f', digits, 64)
		if strings.Contains(ms, ".") {
			ms = strings.TrimRight(strings.TrimRight(ms, "0"), ".")
		}
		if ms == "10" || ms == "-10" { // rounding carried over
			e++
			ms = ms[:len(ms)-1]
		}
		if ms == "1" {
			out[i] = label{base: "10", sup: cleanNeg(strconv.Itoa(int(e)))}
		} else if ms == "-1" {
			out[i] = label{base: "−10", sup: cleanNeg(strconv.Itoa(int(e)))}
		} else {
			out[i] = label{base: cleanNeg(ms) + "×10", sup: cleanNeg(strconv.Itoa(int(e)))}
		}
	}
	return out
}

// formatLogTicks formats ticks of a log axis: plain numbers when every
// tick lies in [0.001, 10000], otherwise powers of ten throughout.
func formatLogTicks(ticks []float64) []label {
	out := make([]label, len(ticks))
	plain := true
	for _, v := range ticks {
		if e := math.Floor(math.Log10(v) + 1e-9); e < -3 || e > 4 {
			plain = false
		}
	}
	for i, v := range ticks {
		e := math.Floor(math.Log10(v) + 1e-9)
		if plain {
			dec := 0
			if e < 0 {
				dec = int(-e)
			}
			out[i] = label{base: strconv.FormatFloat(v, 'f', dec, 64)}
			continue
		}
		ms := strconv.FormatFloat(v/math.Pow(10, e), 'f', 0, 64)
		if ms == "1" {
			out[i] = label{base: "10", sup: cleanNeg(strconv.Itoa(int(e)))}
		} else {
			out[i] = label{base: ms + "×10", sup: cleanNeg(strconv.Itoa(int(e)))}
		}
	}
	return out
}

func cleanNeg(s string) string {
	if strings.HasPrefix(s, "-") {
		if strings.Trim(s[1:], "0.") == "" {
			return s[1:]
		}
		return "−" + s[1:] // typographic minus
	}
	return s
}
