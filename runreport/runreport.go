package runreport

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/report"
	"github.com/holobiont/holobiont/sim"
)

// Build returns the report page of res, a run of p. ctx is checked before
// each series is read from the trajectory (a long run's report takes
// seconds); a cancelled build returns ctx's error and no page.
func Build(ctx context.Context, p *holobiont.Problem, res *holobiont.Result) (*report.Page, error) {
	return BuildUncertain(ctx, p, res, nil)
}

// BuildUncertain is Build with an ensemble's uncertainty u (nil: none):
// each host panel's line gets its 95% band, and the endpoints section a
// table of every endpoint statistic with its interval.
func BuildUncertain(ctx context.Context, p *holobiont.Problem, res *holobiont.Result, u *holobiont.UncertaintyRecord) (*report.Page, error) {
	b := &builder{ctx: ctx, m: p.Model, tr: res.Trajectory, res: res, rec: res.Record, lay: p.Layout(), unc: u}
	for _, iv := range b.rec.Interventions {
		if iv.End > iv.Start {
			b.windows = append(b.windows, report.Window{Start: iv.Start, End: iv.End, Label: iv.Name})
		}
	}
	unit := b.m.TimeUnit
	if unit == "" {
		unit = "day"
	}
	b.tunit = unit
	b.xl = "time (" + unit + ")"
	page := b.header()
	page.Sections = append(page.Sections, b.composition()...)
	if sec, ok := b.host(); ok {
		page.Sections = append(page.Sections, sec)
	}
	page.Sections = append(page.Sections, b.endpoints())
	if u != nil {
		page.Sections = append(page.Sections, b.uncertainty())
	}
	if b.stop() {
		return nil, b.err
	}
	return page, nil
}

type builder struct {
	ctx     context.Context
	err     error // ctx's error, once seen
	unc     *holobiont.UncertaintyRecord
	m       *model.Model
	tr      *sim.Trajectory
	res     *holobiont.Result
	rec     *holobiont.Record
	lay     *holobiont.Layout
	windows []report.Window
	xl      string // x-axis label
	tunit   string // the model's time unit
}

// stop reports whether ctx is done, keeping its error for BuildUncertain.
func (b *builder) stop() bool {
	if b.err == nil {
		b.err = b.ctx.Err()
	}
	return b.err != nil
}

func (b *builder) display(id string) holobiont.Display { return b.lay.Display(b.m, id) }

func (b *builder) header() *report.Page {
	s := b.rec
	page := &report.Page{Title: "holobiont run " + s.RunID, Subtitle: b.m.Name,
		Meta: [][2]string{{"model", s.Model.Source + " (" + s.Model.ID + ")"}, {"model SHA-256", s.Model.SHA256},
			{"scenario", s.Scenario.Source + " (" + s.Scenario.ID + ")"}, {"scenario SHA-256", s.Scenario.SHA256},
			{"holobiont", s.Version}, {"solver", fmt.Sprintf("%s, rtol %g, atol %g; %d steps, %d RHS evaluations", s.Solver.Method, s.Solver.RTol, s.Solver.ATol, s.Solver.Steps, s.Solver.RHSEvals)},
			{"seed", strconv.FormatUint(s.Seed, 10)}}}
	if len(s.Set) > 0 {
		var kv []string
		for k, v := range s.Set {
			kv = append(kv, k+"="+strconv.FormatFloat(v, 'g', -1, 64))
		}
		sort.Strings(kv)
		page.Meta = append(page.Meta, [2]string{"parameters set", strings.Join(kv, ", ")})
	}
	return page
}

// memberName is a community member's legend name: its taxon, else its id
// without the site prefix.
func (b *builder) memberName(site, id string) string {
	for _, sp := range b.m.Species {
		if sp.ID == id && sp.Taxon != "" {
			return sp.Taxon
		}
	}
	return strings.TrimPrefix(id, site+".")
}

// composition returns the community sections: stacked relative abundance,
// the same on a log axis, and Shannon diversity per site.
func (b *builder) composition() []report.Section {
	if len(b.m.Communities) == 0 {
		return nil
	}
	tr := b.tr
	sec := report.Section{Heading: "Community composition", Text: "Relative abundance of each taxon per site; shaded bands are interventions."}
	for _, c := range b.m.Communities {
		sa := report.StackedArea{Title: c.Compartment, XLabel: b.xl, YLabel: "relative abundance", X: tr.Times, Windows: b.windows, Normalize: true}
		for _, mem := range c.Members {
			if b.stop() {
				return nil
			}
			if y := b.res.Series(mem); y != nil {
				sa.Series = append(sa.Series, report.Series{Name: b.memberName(c.Compartment, mem), Y: y})
			}
		}
		sec.Figures = append(sec.Figures, sa)
	}
	out := []report.Section{sec}
	// The same compositions on a log axis: rare taxa and dosed strains
	// (a probiotic at 1e-6 of the gut) vanish from the stacked charts.
	logSec := report.Section{Heading: "Community composition, log scale",
		Text: "Relative abundance of each taxon per site on a log axis (values below 1e-9, the order of the solver's absolute tolerance, are not drawn), so that rare taxa and a dosed strain are visible."}
	for _, c := range b.m.Communities {
		if lc, ok := b.logComposition(c); ok {
			logSec.Figures = append(logSec.Figures, lc)
		}
	}
	if len(logSec.Figures) > 0 {
		out = append(out, logSec)
	}
	div := report.LineChart{Title: "Shannon diversity (natural log) per site", XLabel: b.xl, YLabel: "Shannon H (nats)", Windows: b.windows}
	for _, c := range b.m.Communities {
		if b.stop() {
			return nil
		}
		if y := b.res.Series(c.Compartment + ".shannon"); y != nil {
			div.Series = append(div.Series, report.Series{Name: c.Compartment, X: tr.Times, Y: y})
		}
	}
	if len(div.Series) > 0 {
		var notes []string
		div.Series, notes = mergeIdentical(div.Series)
		out = append(out, report.Section{Heading: "Diversity", Text: strings.Join(notes, "\n\n"), Figures: []report.Figure{div}})
	}
	return out
}

// logComposition returns a log-axis line chart of the relative abundance of
// each member of community c (member / community total at each output
// time). Values below 1e-9, and times where the community is empty, are
// left out (NaN), so extinct taxa do not stretch the axis.
func (b *builder) logComposition(c *model.Community) (report.LineChart, bool) {
	const floor = 1e-9 // below this the values are at the solver's absolute tolerance
	tr := b.tr
	lc := report.LineChart{Title: c.Compartment, XLabel: b.xl, YLabel: "relative abundance (log)", Windows: b.windows, LogY: true}
	var cols [][]float64
	var names []string
	for _, mem := range c.Members {
		if b.stop() {
			return lc, false
		}
		if y := b.res.Series(mem); y != nil {
			cols = append(cols, y)
			names = append(names, b.memberName(c.Compartment, mem))
		}
	}
	if len(cols) == 0 {
		return lc, false
	}
	n := len(tr.Times)
	total := make([]float64, n)
	for _, y := range cols {
		for i := 0; i < n && i < len(y); i++ {
			if y[i] > 0 {
				total[i] += y[i]
			}
		}
	}
	any := false
	for k, y := range cols {
		rel := make([]float64, n)
		for i := range rel {
			rel[i] = math.NaN()
			if i < len(y) && total[i] > 0 {
				if r := y[i] / total[i]; r >= floor {
					rel[i] = r
					any = true
				}
			}
		}
		lc.Series = append(lc.Series, report.Series{Name: names[k], X: tr.Times, Y: rel})
	}
	return lc, any
}

// host returns the host section: the layout's panels, then one panel per
// host state not shown yet.
func (b *builder) host() (report.Section, bool) {
	host := report.Section{Heading: "Host"}
	used := map[string]bool{}
	var notes []string
	if b.lay != nil {
		for _, p := range b.lay.Panels {
			lc := report.LineChart{Title: p.Title, XLabel: b.xl, YLabel: p.YLabel, Windows: b.windows}
			var units []string
			for _, v := range p.Vars {
				if b.stop() {
					return host, false
				}
				if y := b.res.Series(v); y != nil {
					d := b.display(v)
					lc.Series = append(lc.Series, report.Series{Name: d.Name, X: b.tr.Times, Y: y})
					units = append(units, d.Unit)
					used[v] = true
				}
			}
			if len(lc.Series) == 0 {
				continue
			}
			if lc.YLabel == "" {
				lc.YLabel = commonUnit(units)
			}
			var n []string
			lc.Series, n = mergeIdentical(lc.Series)
			notes = append(notes, n...)
			lc.Bands = b.bands(p.Vars, lc.Series)
			host.Figures = append(host.Figures, lc)
		}
	}
	inComm := map[string]bool{}
	for _, c := range b.m.Communities {
		for _, mem := range c.Members {
			inComm[mem] = true
		}
	}
	for _, sp := range b.m.Species {
		if inComm[sp.ID] || used[sp.ID] {
			continue
		}
		if b.stop() {
			return host, false
		}
		if y := b.res.Series(sp.ID); y != nil {
			d := b.display(sp.ID)
			host.Figures = append(host.Figures, report.LineChart{Title: d.Name, XLabel: b.xl, YLabel: d.Unit, Windows: b.windows,
				Series: []report.Series{{Name: d.Name, X: b.tr.Times, Y: y}}})
		}
	}
	host.Text = strings.Join(notes, "\n\n")
	return host, len(host.Figures) > 0
}

// commonUnit is the unit all of units share, or "".
func commonUnit(units []string) string {
	for _, u := range units {
		if u != units[0] {
			return ""
		}
	}
	if len(units) == 0 {
		return ""
	}
	return units[0]
}

// mergeIdentical draws series whose values are identical throughout once,
// named after all of them, and returns a note for each merge.
func mergeIdentical(series []report.Series) ([]report.Series, []string) {
	var out []report.Series
	var notes []string
	merged := make([]bool, len(series))
	for i := range series {
		if merged[i] {
			continue
		}
		s := series[i]
		names := []string{s.Name}
		for j := i + 1; j < len(series); j++ {
			if !merged[j] && sameValues(s.Y, series[j].Y) {
				merged[j] = true
				names = append(names, series[j].Name)
			}
		}
		if len(names) > 1 {
			s.Name = mergedName(names)
			notes = append(notes, fmt.Sprintf("%s are identical throughout this run and drawn as one line.", listAnd(names)))
		}
		out = append(out, s)
	}
	return out, notes
}

// mergedName is the legend name of a line standing for several series:
// "face, scalp and forearm barrier" when the names share their last word,
// else the names joined by " = ".
func mergedName(names []string) string {
	var heads []string
	var tail string
	for i, n := range names {
		k := strings.LastIndexByte(n, ' ')
		if k <= 0 || i > 0 && n[k:] != tail {
			return strings.Join(names, " = ")
		}
		tail = n[k:]
		heads = append(heads, n[:k])
	}
	return listAnd(heads) + tail
}

func sameValues(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func listAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// endpoints returns the endpoints table (with display names and units)
// and the interventions table.
func (b *builder) endpoints() report.Section {
	tab := report.Table{Header: []string{"variable", "unit", "baseline", "min", b.tunit + " of min", "max", b.tunit + " of max", "end"}}
	for _, e := range b.rec.Endpoints {
		d := b.display(e.Variable)
		name := d.Name
		if name != e.Variable {
			name += " (" + e.Variable + ")"
		}
		tab.Rows = append(tab.Rows, []string{name, d.Unit, short4(e.Baseline), short4(e.Min), short4(e.TMin), short4(e.Max), short4(e.TMax), short4(e.End)})
	}
	ivt := report.Table{Header: []string{"intervention", "type", "start", "end"}}
	for _, iv := range b.rec.Interventions {
		ivt.Rows = append(ivt.Rows, []string{iv.Name, iv.Type, short4(iv.Start), short4(iv.End)})
	}
	return report.Section{Heading: "Endpoints", Tables: []report.Table{tab, ivt}}
}

func short4(x float64) string {
	if math.IsNaN(x) {
		return "NaN"
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// bands returns the uncertainty bands of vars for the panel's series (a
// series drawn for several identical variables gets none).
func (b *builder) bands(vars []string, series []report.Series) []report.Band {
	if b.unc == nil {
		return nil
	}
	var out []report.Band
	for _, v := range vars {
		band, ok := b.unc.Bands[v]
		if !ok {
			continue
		}
		name := b.display(v).Name
		for k, s := range series {
			if s.Name == name {
				out = append(out, report.Band{Name: name + " (95% band)", X: b.unc.Times, Lo: band[0], Hi: band[1], Series: k})
			}
		}
	}
	return out
}

// uncertainty returns the section of endpoint intervals.
func (b *builder) uncertainty() report.Section {
	u := b.unc
	tab := report.Table{Header: []string{"variable", "unit", "baseline", "min", "max", "end"}}
	iv := func(x holobiont.Interval) string {
		return short4(x.Value) + " [" + short4(x.Lower) + ", " + short4(x.Upper) + "]"
	}
	for _, e := range u.Endpoints {
		d := b.display(e.Variable)
		tab.Rows = append(tab.Rows, []string{d.Name, d.Unit, iv(e.Baseline), iv(e.Min), iv(e.Max), iv(e.End)})
	}
	text := fmt.Sprintf("Each endpoint at the model's parameter values (the point estimate) with its 95%% interval over %d runs: "+
		"the point estimate and %d parameter sets of the ensemble %s (parameters %s), sets consistent with the calibration targets. "+
		"The interval spans the 2.5%% and 97.5%% quantiles of the runs, widened to hold the point estimate; the host panels draw the same band.",
		u.N, u.N-1, u.Ensemble.Source, strings.Join(u.Params, ", "))
	return report.Section{Heading: "Uncertainty", Text: text, Tables: []report.Table{tab}}
}
