package report

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// svgw accumulates SVG markup. All numbers go through num, all text through
// esc, so output is deterministic and well-formed XML.
type svgw struct {
	b []byte
}

func (w *svgw) s(str string) { w.b = append(w.b, str...) }

// n writes a pixel coordinate rounded to 0.01.
func (w *svgw) n(v float64) { w.b = appendNum(w.b, v) }

func (w *svgw) esc(str string) { w.b = appendEscaped(w.b, str) }

// attr writes ` name="value"` with value a number.
func (w *svgw) attr(name string, v float64) {
	w.b = append(w.b, ' ')
	w.b = append(w.b, name...)
	w.b = append(w.b, '=', '"')
	w.b = appendNum(w.b, v)
	w.b = append(w.b, '"')
}

func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, '0')
	}
	r := math.Round(v * 100)
	if r == 0 {
		return append(b, '0')
	}
	if math.Abs(r) >= 1e15 {
		return strconv.AppendFloat(b, r/100, 'f', -1, 64)
	}
	// fixed point with at most two decimals, trailing zeros dropped: the
	// same text as strconv's shortest form of r/100, several times faster
	i := int64(r)
	if i < 0 {
		b = append(b, '-')
		i = -i
	}
	b = strconv.AppendInt(b, i/100, 10)
	if f := i % 100; f != 0 {
		b = append(b, '.', byte('0'+f/10))
		if f%10 != 0 {
			b = append(b, byte('0'+f%10))
		}
	}
	return b
}

// appendEscaped appends s escaped for XML text and attribute values. Invalid
// UTF-8 becomes U+FFFD and characters that XML 1.0 forbids are dropped, so
// any Go string yields well-formed output.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '"':
			b = append(b, "&quot;"...)
		case r == '\'':
			b = append(b, "&#39;"...)
		case r == '\n' || r == '\t' || r == '\r':
			b = append(b, ' ')
		case r == utf8.RuneError && size == 1:
			b = utf8.AppendRune(b, '\uFFFD')
		case !xmlChar(r):
			// dropped
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= 0x10FFFF)
}

// dejaVuASCII holds the advance widths (in em) of DejaVu Sans, the first
// font the figures ask for and the widest of the usual sans-serif fonts,
// for the printable ASCII characters ' ' to '~'.
var dejaVuASCII = [95]float64{
	0.318, 0.400, 0.460, 0.838, 0.636, 0.950, 0.780, 0.275, 0.390, 0.390, 0.500, 0.838, 0.318, 0.361, 0.318, 0.337,
	0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531,
	1.000, 0.684, 0.686, 0.698, 0.770, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787,
	0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.390, 0.337, 0.390, 0.838, 0.500,
	0.500, 0.613, 0.635, 0.550, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
	0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
}

// textWidth estimates the rendered width in pixels of s in the figures'
// sans-serif font at the given size, erring on the wide side.
func textWidth(s string, size float64) float64 {
	var em float64
	for _, r := range s {
		switch {
		case r >= ' ' && r <= '~':
			em += dejaVuASCII[r-' ']
		case r < ' ':
			// control characters are dropped on output
		default:
			em += 0.75
		}
	}
	return em * size
}

// truncate shortens s with an ellipsis so that it fits maxW pixels.
func truncate(s string, size, maxW float64) string {
	if textWidth(s, size) <= maxW {
		return s
	}
	rs := []rune(s)
	for len(rs) > 1 {
		rs = rs[:len(rs)-1]
		t := string(rs) + "…"
		if textWidth(t, size) <= maxW {
			return t
		}
	}
	return "…"
}

// header starts an SVG document of size w × h with a title.
func (w *svgw) header(width, height float64, title string) {
	w.s(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1"`)
	w.attr("width", width)
	w.attr("height", height)
	w.s(` viewBox="0 0 `)
	w.n(width)
	w.s(" ")
	w.n(height)
	w.s(`" font-family="DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif" font-size="12" role="img">`)
	w.s("\n<title>")
	if title == "" {
		title = "figure"
	}
	w.esc(title)
	w.s("</title>\n")
	w.s(`<rect width="100%" height="100%" fill="#ffffff"/>` + "\n")
}

func (w *svgw) footer() { w.s("</svg>\n") }

// text writes a text element. anchor is start, middle or end; rot is a
// rotation in degrees about (x, y).
func (w *svgw) text(x, y float64, str, anchor string, size float64, extra string, rot float64) {
	w.s("<text")
	w.attr("x", x)
	w.attr("y", y)
	if anchor != "" && anchor != "start" {
		w.s(` text-anchor="`)
		w.s(anchor)
		w.s(`"`)
	}
	if size != 12 {
		w.attr("font-size", size)
	}
	if rot != 0 {
		w.s(` transform="rotate(`)
		w.n(rot)
		w.s(" ")
		w.n(x)
		w.s(" ")
		w.n(y)
		w.s(`)"`)
	}
	if extra != "" {
		w.s(" ")
		w.s(extra)
	}
	w.s(">")
	w.esc(str)
	w.s("</text>\n")
}

func (w *svgw) line(x1, y1, x2, y2 float64, stroke string, width float64, extra string) {
	w.s("<line")
	w.attr("x1", x1)
	w.attr("y1", y1)
	w.attr("x2", x2)
	w.attr("y2", y2)
	w.s(` stroke="`)
	w.s(stroke)
	w.s(`"`)
	if width != 1 {
		w.attr("stroke-width", width)
	}
	if extra != "" {
		w.s(" ")
		w.s(extra)
	}
	w.s("/>\n")
}

func (w *svgw) rect(x, y, width, height float64, extra string) {
	w.s("<rect")
	w.attr("x", x)
	w.attr("y", y)
	w.attr("width", width)
	w.attr("height", height)
	if extra != "" {
		w.s(" ")
		w.s(extra)
	}
	w.s("/>\n")
}
