package scenario

import (
	"fmt"
	"math"

	"github.com/holobiont/holobiont/model"
)

// Fields is one intervention's fields as a front end reads them from its
// document (a scenario file, a trial spec's interventions section). The
// front end owns the syntax: it reports type errors, missing required
// fields and unknown fields at their place in its file. Decode owns which
// fields each intervention type has and their defaults.
type Fields interface {
	// Str and Num read an optional field (ok false when absent).
	Str(key string) (s string, ok bool, err error)
	Num(key string) (x float64, ok bool, err error)
	// StrList reads an optional list of strings with each item's position.
	StrList(key string) (items []string, src []model.Source, ok bool, err error)
	// Entries reads an optional mapping of names to mappings, in file
	// order, with each name's position.
	Entries(key string) (names []string, src []model.Source, fields []Fields, ok bool, err error)
	// Src returns the position of key's value (the mapping's own position
	// for key "").
	Src(key string) model.Source
	// Errorf returns an error located at key's value (the mapping for "").
	Errorf(key, format string, args ...any) error
	// Missing returns the error for a required field that is absent.
	Missing(key string) error
	// Done reports a field that was never read.
	Done() error
}

// Decode reads one intervention of kind typ ("probiotic", "antibiotic",
// "stress", "emollient", "irritant", "diet", "input" or "bolus") from f,
// with the scenario language's defaults. It checks only what the text
// alone decides (a field given twice over, count without every, an
// unknown type); Lower checks the values against the model and the run.
func Decode(typ string, f Fields) (Intervention, error) {
	d := &decoder{f: f}
	var iv Intervention
	switch typ {
	case "probiotic":
		iv = d.probiotic()
	case "antibiotic":
		iv = d.antibiotic()
	case "stress":
		iv = &Stress{Input: d.str("input", ""), Intensity: d.num("intensity", 1)}
	case "emollient":
		iv = &Emollient{Site: d.reqStr("site"), Input: d.str("input", ""), Level: d.num("level", 1)}
	case "irritant":
		iv = &Irritant{Site: d.reqStr("site"), Input: d.str("input", ""), Level: d.num("level", 1)}
	case "diet":
		iv = &Diet{Input: d.str("input", ""), Fibre: d.reqNum("fibre")}
	case "input":
		iv = &InputSignal{Input: d.reqStr("input"), Value: d.reqNum("value")}
	case "bolus":
		iv = &Bolus{Target: d.reqStr("target"), Time: d.reqNum("time"), Op: d.str("op", "add"), Value: d.reqNum("value")}
	default:
		return nil, f.Errorf("type", "unknown intervention type %q (known: probiotic, antibiotic, stress, emollient, irritant, diet, input, bolus)", typ)
	}
	b := iv.Common()
	b.Name = d.str("name", typ)
	if typ != "bolus" {
		b.Timing = d.timing()
	}
	if d.err != nil {
		return nil, d.err
	}
	if err := f.Done(); err != nil {
		return nil, err
	}
	b.Src, b.FieldSrc = f.Src(""), d.src
	return iv, nil
}

// decoder reads fields, keeping the first error and each field's position.
type decoder struct {
	f   Fields
	err error
	src map[string]model.Source
}

func (d *decoder) mark(key string) {
	if d.src == nil {
		d.src = map[string]model.Source{}
	}
	d.src[key] = d.f.Src(key)
}

func (d *decoder) str(key, def string) string {
	if d.err != nil {
		return def
	}
	s, ok, err := d.f.Str(key)
	if err != nil {
		d.err = err
	}
	if !ok {
		return def
	}
	d.mark(key)
	return s
}

func (d *decoder) reqStr(key string) string {
	if d.err != nil {
		return ""
	}
	s, ok, err := d.f.Str(key)
	switch {
	case err != nil:
		d.err = err
	case !ok:
		d.err = d.f.Missing(key)
	}
	d.mark(key)
	return s
}

// numOK reads an optional number and whether it was given.
func (d *decoder) numOK(key string, def float64) (float64, bool) {
	if d.err != nil {
		return def, false
	}
	x, ok, err := d.f.Num(key)
	if err != nil {
		d.err = err
	}
	if !ok {
		return def, false
	}
	d.mark(key)
	return x, true
}

func (d *decoder) num(key string, def float64) float64 {
	x, _ := d.numOK(key, def)
	return x
}

func (d *decoder) reqNum(key string) float64 {
	x, ok := d.numOK(key, 0)
	if !ok && d.err == nil {
		d.err = d.f.Missing(key)
	}
	return x
}

// timing reads start, duration (or end) and optional every/count repeats.
func (d *decoder) timing() Timing {
	start := d.reqNum("start")
	dur, hasDur := d.numOK("duration", 0)
	end, hasEnd := d.numOK("end", 0)
	every, hasEvery := d.numOK("every", 0)
	count, hasCount := d.numOK("count", 1)
	if d.err != nil {
		return Timing{}
	}
	switch {
	case hasDur && hasEnd:
		d.err = d.f.Errorf("end", "give duration or end, not both")
	case hasEnd:
		dur = end - start
		d.src["duration"] = d.src["end"] // errors about the duration point at end
	case !hasDur:
		d.err = d.f.Missing("duration")
	case hasCount && !hasEvery:
		d.err = d.f.Errorf("count", "count needs every (the period between repeats)")
	case hasEvery && (count != math.Trunc(count) || count < 1 || count > 1e5):
		d.err = d.f.Errorf("every", "every must be >= duration and count a whole number in [1, 1e5]")
	}
	t := Timing{Start: start, Duration: dur}
	if hasEvery {
		t.Every, t.Count = every, int(count)
	}
	return t
}

func (d *decoder) probiotic() *Probiotic {
	p := &Probiotic{Taxon: d.reqStr("taxon"), Dose: d.reqNum("dose"), Engraftment: d.num("engraftment", 1),
		Mode: d.str("mode", "continuous"), Input: d.str("input", "")}
	return p
}

func (d *decoder) antibiotic() *Antibiotic {
	a := &Antibiotic{Route: d.str("route", "oral"), Dose: d.num("dose", 1), Input: d.str("input", "")}
	if d.err != nil {
		return a
	}
	sites, src, ok, err := d.f.StrList("sites")
	if err != nil {
		d.err = err
		return a
	}
	if ok {
		a.Sites = sites
		d.mark("sites")
		for i, s := range src {
			d.src[fmt.Sprintf("sites[%d]", i)] = s
		}
	}
	names, nsrc, fields, ok, err := d.f.Entries("susceptibility")
	if err != nil || !ok {
		d.err = err
		return a
	}
	for i, name := range names {
		su, err := decodeSusceptibility(name, fields[i])
		if err != nil {
			d.err = err
			return a
		}
		su.Src = nsrc[i]
		key := "susceptibility." + name
		d.mark("susceptibility")
		d.src[key] = nsrc[i]
		d.src[key+".input"] = fields[i].Src("input")
		d.src[key+".unit"] = fields[i].Src("unit")
		a.Susceptibility = append(a.Susceptibility, su)
	}
	return a
}

// decodeSusceptibility reads one taxon's entry: epsilon (Stein form) or
// psi_max, psi_min, kappa, zmic and an optional unit (Regoes kill curve).
func decodeSusceptibility(name string, f Fields) (Susceptibility, error) {
	d := &decoder{f: f}
	su := Susceptibility{Taxon: name, Input: d.str("input", "")}
	eps, hasEps := d.numOK("epsilon", 0)
	_, hasPsi, _ := f.Num("psi_max")
	switch {
	case d.err != nil:
		return su, d.err
	case hasEps:
		su.Epsilon = eps
	case hasPsi:
		k := &KillCurve{PsiMax: d.reqNum("psi_max"), PsiMin: d.reqNum("psi_min"), Kappa: d.reqNum("kappa"), ZMIC: d.reqNum("zmic"),
			Unit: d.str("unit", "")}
		su.KillCurve = k
	default:
		return su, f.Errorf("", "give epsilon (Stein form) or psi_max, psi_min, kappa, zmic (Regoes kill curve)")
	}
	if d.err != nil {
		return su, d.err
	}
	return su, f.Done()
}
