package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// PNG renders a figure as a PNG image at scale × its SVG size (2 gives a
// sharp image for slides and papers). It rasterises the figure's own SVG:
// rectangles, lines, circles, paths (M, L, Z), text (with rotation) and
// groups with their fill, stroke and opacity; dash patterns are drawn
// solid. Text uses the Go fonts, so it is metrically close to, not the same
// as, the browser's.
func PNG(fig Figure, scale float64) ([]byte, error) {
	svg, err := fig.SVG()
	if err != nil {
		return nil, err
	}
	return RasterizeSVG(svg, scale)
}

// style is the inherited presentation state.
type style struct {
	fill, stroke          string
	fillOp, strokeOp, op  float64
	strokeW, fontSize     float64
	anchor, weight        string
	hasFill, hasStrokeSet bool
}

type painter struct {
	img   *image.RGBA
	scale float64
	z     *vector.Rasterizer
	faces map[[2]float64]font.Face
}

var (
	fontOnce          sync.Once
	fontReg, fontBold *opentype.Font
	fontErr           error
	faceMu            sync.Mutex
	faceCache         = map[[2]float64]font.Face{}
)

func loadFonts() error {
	fontOnce.Do(func() {
		if fontReg, fontErr = opentype.Parse(goregular.TTF); fontErr != nil {
			return
		}
		fontBold, fontErr = opentype.Parse(gobold.TTF)
	})
	return fontErr
}

// face returns the painter's face of the size (faces are not safe for
// concurrent use, so each rasterisation keeps its own).
func (p *painter) face(size float64, bold bool) (font.Face, error) {
	if err := loadFonts(); err != nil {
		return nil, err
	}
	b := 0.0
	f := fontReg
	if bold {
		b, f = 1, fontBold
	}
	key := [2]float64{size, b}
	if fc, ok := p.faces[key]; ok {
		return fc, nil
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	p.faces[key] = fc
	return fc, nil
}

// RasterizeSVG renders SVG written by this package (see PNG) to PNG bytes.
func RasterizeSVG(svg []byte, scale float64) ([]byte, error) {
	if !(scale > 0) {
		scale = 1
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var p *painter
	stack := []style{{fill: "#000000", fillOp: 1, strokeOp: 1, op: 1, strokeW: 1, fontSize: 12, anchor: "start", hasFill: true}}
	var text *textRun
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			cur := stack[len(stack)-1]
			a := attrs(t.Attr)
			cur.apply(a)
			stack = append(stack, cur)
			switch t.Name.Local {
			case "svg":
				w, h := num(a["width"]), num(a["height"])
				if !(w > 0 && h > 0) || w*h*scale*scale > 1<<26 {
					return nil, fmt.Errorf("report: png: bad or huge SVG size %g × %g", w, h)
				}
				W, H := int(math.Ceil(w*scale)), int(math.Ceil(h*scale))
				p = &painter{img: image.NewRGBA(image.Rect(0, 0, W, H)), scale: scale, z: vector.NewRasterizer(W, H), faces: map[[2]float64]font.Face{}}
				draw.Draw(p.img, p.img.Bounds(), image.White, image.Point{}, draw.Src)
			case "rect":
				if p == nil {
					continue
				}
				x, y := num(a["x"]), num(a["y"])
				w, h := num(a["width"]), num(a["height"])
				if a["width"] == "100%" {
					continue // the white background, already painted
				}
				pts := []float64{x, y, x + w, y, x + w, y + h, x, y + h}
				p.shape(pts, true, cur)
			case "line":
				if p != nil {
					p.strokeLine(num(a["x1"]), num(a["y1"]), num(a["x2"]), num(a["y2"]), cur)
				}
			case "circle":
				if p != nil {
					cx, cy, r := num(a["cx"]), num(a["cy"]), num(a["r"])
					var pts []float64
					for k := 0; k < 28; k++ {
						th := 2 * math.Pi * float64(k) / 28
						pts = append(pts, cx+r*math.Cos(th), cy+r*math.Sin(th))
					}
					p.shape(pts, true, cur)
				}
			case "path":
				if p != nil {
					for _, sub := range parsePath(a["d"]) {
						p.shape(sub.pts, sub.closed, cur)
					}
				}
			case "text":
				text = &textRun{x: num(a["x"]), y: num(a["y"]), st: cur, rot: rotation(a["transform"])}
			case "tspan":
				if text != nil {
					text.s += " "
				}
			case "title":
				if err := dec.Skip(); err != nil {
					return nil, err
				}
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if text != nil {
				text.s += string(t)
			}
		case xml.EndElement:
			if t.Name.Local == "text" && text != nil && p != nil {
				if err := p.drawText(text); err != nil {
					return nil, err
				}
				text = nil
			}
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if p == nil {
		return nil, fmt.Errorf("report: png: no <svg> element")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, p.img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func attrs(as []xml.Attr) map[string]string {
	m := make(map[string]string, len(as))
	for _, a := range as {
		m[a.Name.Local] = a.Value
	}
	return m
}

func num(s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "px")), 64)
	if err != nil {
		return 0
	}
	return v
}

func (s *style) apply(a map[string]string) {
	if v, ok := a["fill"]; ok {
		s.fill = v
	}
	if v, ok := a["stroke"]; ok {
		s.stroke = v
	}
	if v, ok := a["stroke-width"]; ok {
		s.strokeW = num(v)
	}
	if v, ok := a["fill-opacity"]; ok {
		s.fillOp = num(v)
	}
	if v, ok := a["stroke-opacity"]; ok {
		s.strokeOp = num(v)
	}
	if v, ok := a["opacity"]; ok {
		s.op *= num(v)
	}
	if v, ok := a["font-size"]; ok {
		s.fontSize = num(v)
	}
	if v, ok := a["text-anchor"]; ok {
		s.anchor = v
	}
	if v, ok := a["font-weight"]; ok {
		s.weight = v
	}
}

// parseColour reads #rrggbb, #rgb, white/black/none.
func parseColour(s string, alpha float64) (color.NRGBA, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "", "none", "transparent":
		return color.NRGBA{}, false
	case "white":
		s = "#ffffff"
	case "black":
		s = "#000000"
	}
	if !strings.HasPrefix(s, "#") {
		return color.NRGBA{}, false
	}
	h := s[1:]
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil || len(h) != 6 {
		return color.NRGBA{}, false
	}
	a := math.Max(0, math.Min(1, alpha))
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), uint8(math.Round(a * 255))}, true
}

// shape fills (and strokes) a polygon given in SVG pixels.
func (p *painter) shape(pts []float64, closed bool, st style) {
	if len(pts) < 4 {
		return
	}
	if closed {
		if c, ok := parseColour(st.fill, st.fillOp*st.op); ok {
			dev := make([]float64, len(pts))
			for k, v := range pts {
				dev[k] = v * p.scale
			}
			p.fill(dev, c)
		}
	}
	if _, ok := parseColour(st.stroke, 1); ok && st.strokeW > 0 {
		n := len(pts)
		for k := 0; k+3 < n; k += 2 {
			p.strokeLine(pts[k], pts[k+1], pts[k+2], pts[k+3], st)
		}
		if closed {
			p.strokeLine(pts[n-2], pts[n-1], pts[0], pts[1], st)
		}
	}
}

// strokeLine fills the quadrilateral of a segment of width stroke-width.
func (p *painter) strokeLine(x1, y1, x2, y2 float64, st style) {
	c, ok := parseColour(st.stroke, st.strokeOp*st.op)
	if !ok || st.strokeW <= 0 {
		return
	}
	dx, dy := x2-x1, y2-y1
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	hw := math.Max(st.strokeW, 0.5) / 2
	nx, ny := -dy/l*hw, dx/l*hw
	// extend by half the width (square caps) so joins close
	ex, ey := dx/l*hw*0.5, dy/l*hw*0.5
	s := p.scale
	p.fill([]float64{(x1 - ex + nx) * s, (y1 - ey + ny) * s, (x2 + ex + nx) * s, (y2 + ey + ny) * s,
		(x2 + ex - nx) * s, (y2 + ey - ny) * s, (x1 - ex - nx) * s, (y1 - ey - ny) * s}, c)
}

// fill paints the polygon pts (device pixels) with c, rasterising only its
// bounding box.
func (p *painter) fill(pts []float64, c color.NRGBA) {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for k := 0; k+1 < len(pts); k += 2 {
		x0, x1 = math.Min(x0, pts[k]), math.Max(x1, pts[k])
		y0, y1 = math.Min(y0, pts[k+1]), math.Max(y1, pts[k+1])
	}
	b := p.img.Bounds()
	r := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1))+1, int(math.Ceil(y1))+1).Intersect(b)
	if r.Empty() {
		return
	}
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	p.z.Reset(r.Dx(), r.Dy())
	p.z.MoveTo(float32(pts[0]-ox), float32(pts[1]-oy))
	for k := 2; k+1 < len(pts); k += 2 {
		p.z.LineTo(float32(pts[k]-ox), float32(pts[k+1]-oy))
	}
	p.z.ClosePath()
	p.z.Draw(p.img, r, image.NewUniform(c), image.Point{})
}

type subpath struct {
	pts    []float64
	closed bool
}

// parsePath reads "M x y x y ... Z M ..." (absolute moveto/lineto only).
func parsePath(d string) []subpath {
	var out []subpath
	var cur *subpath
	f := strings.FieldsFunc(d, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' })
	var toks []string
	for _, s := range f {
		// split letters glued to numbers: "M10" "Z"
		for len(s) > 0 {
			if strings.ContainsRune("MLZmlz", rune(s[0])) {
				toks = append(toks, s[:1])
				s = s[1:]
				continue
			}
			i := strings.IndexAny(s, "MLZmlz")
			if i < 0 {
				toks = append(toks, s)
				break
			}
			toks = append(toks, s[:i])
			s = s[i:]
		}
	}
	for _, t := range toks {
		switch t {
		case "M", "m":
			out = append(out, subpath{})
			cur = &out[len(out)-1]
		case "L", "l":
		case "Z", "z":
			if cur != nil {
				cur.closed = true
			}
		default:
			if cur == nil {
				out = append(out, subpath{})
				cur = &out[len(out)-1]
			}
			cur.pts = append(cur.pts, num(t))
		}
	}
	return out
}

func rotation(tr string) float64 {
	if !strings.HasPrefix(tr, "rotate(") {
		return 0
	}
	f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(tr, "rotate("), ")"))
	if len(f) == 0 {
		return 0
	}
	return num(f[0])
}

type textRun struct {
	x, y, rot float64
	s         string
	st        style
}

// drawText renders a text run: horizontally into a mask, then placed with
// its rotation about (x, y) by an affine transform.
func (p *painter) drawText(t *textRun) error {
	s := strings.TrimSpace(t.s)
	if s == "" {
		return nil
	}
	c, ok := parseColour(t.st.fill, t.st.fillOp*t.st.op)
	if !ok {
		c = color.NRGBA{0, 0, 0, 255}
	}
	size := t.st.fontSize * p.scale
	fc, err := p.face(size, t.st.weight == "bold")
	if err != nil {
		return err
	}
	adv := font.MeasureString(fc, s)
	w := adv.Ceil() + 2
	m := fc.Metrics()
	asc, desc := m.Ascent.Ceil(), m.Descent.Ceil()
	h := asc + desc + 2
	mask := image.NewRGBA(image.Rect(0, 0, w, h))
	dr := &font.Drawer{Dst: mask, Src: image.NewUniform(c), Face: fc, Dot: fixed.P(1, asc+1)}
	dr.DrawString(s)
	// offset of the baseline origin inside the mask
	ox := 1.0
	switch t.st.anchor {
	case "middle":
		ox += float64(adv) / 64 / 2
	case "end":
		ox += float64(adv) / 64
	}
	oy := float64(asc + 1)
	th := t.rot * math.Pi / 180
	cs, sn := math.Cos(th), math.Sin(th)
	X, Y := t.x*p.scale, t.y*p.scale
	// dst = R·(src − o) + (X, Y)
	aff := f64.Aff3{cs, -sn, X - cs*ox + sn*oy, sn, cs, Y - sn*ox - cs*oy}
	draw.BiLinear.Transform(p.img, aff, mask, mask.Bounds(), draw.Over, nil)
	return nil
}
