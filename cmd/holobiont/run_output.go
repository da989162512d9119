package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/report"
	"github.com/holobiont/holobiont/sim"
)

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// trajColumn returns a copy of the named column of tr, or nil.
func trajColumn(tr *sim.Trajectory, name string) []float64 {
	for j, n := range tr.Names {
		if n == name {
			out := make([]float64, len(tr.Times))
			for k := range tr.Times {
				out[k] = tr.Values[k][j]
			}
			return out
		}
	}
	return nil
}

func printRunSummary(w io.Writer, s *holobiont.Record, dir string) {
	fmt.Fprintf(w, "holobiont run %s: model %s (%s), scenario %q, days %g-%g, %d output times\n",
		s.RunID, s.Model.ID, s.Model.Source, s.Scenario.ID, s.Start, s.End, s.Outputs)
	fmt.Fprintf(w, "solver %s rtol %g atol %g: %d steps (%d rejected), %d RHS evaluations, %d Jacobians\n",
		s.Solver.Method, s.Solver.RTol, s.Solver.ATol, s.Solver.Steps, s.Solver.Rejected, s.Solver.RHSEvals, s.Solver.JacEvals)
	for _, iv := range s.Interventions {
		fmt.Fprintf(w, "  %-10s %-28s day %g-%g\n", iv.Type, iv.Name, iv.Start, iv.End)
	}
	if len(s.Endpoints) > 0 {
		fmt.Fprintf(w, "%-26s %10s %10s %8s %10s %8s %10s\n", "variable", "baseline", "min", "day", "max", "day", "end")
		for _, e := range s.Endpoints {
			fmt.Fprintf(w, "%-26s %10.4g %10.4g %8.4g %10.4g %8.4g %10.4g\n", e.Variable, e.Baseline, e.Min, e.TMin, e.Max, e.TMax, e.End)
		}
	}
	fmt.Fprintf(w, "report: %s\n", filepath.Join(dir, "report.html"))
}

func buildReport(p *holobiont.Problem, res *holobiont.Result) *report.Page {
	m, tr, s := p.Model, res.Trajectory, res.Record
	var windows []report.Window
	for _, iv := range s.Interventions {
		if iv.End > iv.Start {
			windows = append(windows, report.Window{Start: iv.Start, End: iv.End, Label: iv.Name})
		}
	}
	unit := m.TimeUnit
	if unit == "" {
		unit = "day"
	}
	xl := "time (" + unit + ")"
	page := &report.Page{Title: "holobiont run " + s.RunID, Subtitle: m.Name,
		Meta: [][2]string{{"model", s.Model.Source + " (" + s.Model.ID + ")"}, {"model SHA-256", s.Model.SHA256},
			{"scenario", s.Scenario.Source + " (" + s.Scenario.ID + ")"}, {"scenario SHA-256", s.Scenario.SHA256},
			{"holobiont", s.Version}, {"solver", fmt.Sprintf("%s, rtol %g, atol %g; %d steps, %d RHS evaluations", s.Solver.Method, s.Solver.RTol, s.Solver.ATol, s.Solver.Steps, s.Solver.RHSEvals)},
			{"seed", strconv.FormatUint(s.Seed, 10)}}}
	if len(s.Set) > 0 {
		var kv []string
		for k, v := range s.Set {
			kv = append(kv, k+"="+fmtFloat(v))
		}
		sort.Strings(kv)
		page.Meta = append(page.Meta, [2]string{"parameters set", strings.Join(kv, ", ")})
	}
	// Composition per community.
	if len(m.Communities) > 0 {
		sec := report.Section{Heading: "Community composition", Text: "Relative abundance of each taxon per site; shaded bands are interventions."}
		for _, c := range m.Communities {
			sa := report.StackedArea{Title: c.Compartment, XLabel: xl, YLabel: "relative abundance", X: tr.Times, Windows: windows, Normalize: true}
			for _, mem := range c.Members {
				if y := trajColumn(tr, mem); y != nil {
					sa.Series = append(sa.Series, report.Series{Name: strings.TrimPrefix(mem, c.Compartment+"."), Y: y})
				}
			}
			sec.Figures = append(sec.Figures, sa)
		}
		page.Sections = append(page.Sections, sec)
		// The same compositions on a log axis: rare taxa and dosed strains
		// (a probiotic at 1e-6 of the gut) vanish from the stacked charts.
		logSec := report.Section{Heading: "Community composition, log scale",
			Text: "Relative abundance of each taxon per site on a log axis (values below 1e-9, the order of the solver's absolute tolerance, are not drawn), so that rare taxa and a dosed strain are visible."}
		for _, c := range m.Communities {
			if lc, ok := logComposition(tr, c.Compartment, c.Members, xl, windows); ok {
				logSec.Figures = append(logSec.Figures, lc)
			}
		}
		if len(logSec.Figures) > 0 {
			page.Sections = append(page.Sections, logSec)
		}
		div := report.LineChart{Title: "Shannon diversity (natural log) per site", XLabel: xl, YLabel: "Shannon H", Windows: windows}
		for _, c := range m.Communities {
			if y := trajColumn(tr, c.Compartment+".shannon"); y != nil {
				div.Series = append(div.Series, report.Series{Name: c.Compartment, X: tr.Times, Y: y})
			}
		}
		if len(div.Series) > 0 {
			page.Sections = append(page.Sections, report.Section{Heading: "Diversity", Figures: []report.Figure{div}})
		}
	}
	// Host panels.
	panels := []struct {
		title, ylabel string
		vars          []string
	}{
		{"Cortisol", "relative to baseline drive", []string{"host.cortisol"}},
		{"Gut permeability", "lactulose/mannitol ratio", []string{"gut.permeability"}},
		{"Inflammation", "relative to baseline", []string{"host.inflammation", "face.inflammation", "scalp.inflammation", "axilla.inflammation", "forearm.inflammation"}},
		{"Skin barrier integrity", "0-1", []string{"face.barrier", "scalp.barrier", "axilla.barrier", "forearm.barrier"}},
		{"Eczema severity", "EASI-like score", []string{"host.eczema_severity"}},
		{"Wellbeing", "0-1", []string{"host.wellbeing"}},
		{"Butyrate and Treg", "model units", []string{"gut.butyrate", "host.Treg"}},
		{"Dysbiosis", "Bray-Curtis distance from own baseline", []string{"gut.dysbiosis", "face.dysbiosis", "scalp.dysbiosis", "axilla.dysbiosis", "forearm.dysbiosis"}},
	}
	host := report.Section{Heading: "Host"}
	used := map[string]bool{}
	for _, p := range panels {
		lc := report.LineChart{Title: p.title, XLabel: xl, YLabel: p.ylabel, Windows: windows}
		for _, v := range p.vars {
			if y := trajColumn(tr, v); y != nil {
				lc.Series = append(lc.Series, report.Series{Name: v, X: tr.Times, Y: y})
				used[v] = true
			}
		}
		if len(lc.Series) > 0 {
			host.Figures = append(host.Figures, lc)
		}
	}
	// Host states not shown above: one panel each.
	{
		inComm := map[string]bool{}
		for _, c := range m.Communities {
			for _, mem := range c.Members {
				inComm[mem] = true
			}
		}
		for _, sp := range m.Species {
			if inComm[sp.ID] || used[sp.ID] {
				continue
			}
			if y := trajColumn(tr, sp.ID); y != nil {
				host.Figures = append(host.Figures, report.LineChart{Title: sp.ID, XLabel: xl, YLabel: sp.Unit, Windows: windows,
					Series: []report.Series{{Name: sp.ID, X: tr.Times, Y: y}}})
			}
		}
	}
	if len(host.Figures) > 0 {
		page.Sections = append(page.Sections, host)
	}
	// Endpoints table.
	tab := report.Table{Header: []string{"variable", "baseline", "min", "day of min", "max", "day of max", "end"}}
	for _, e := range s.Endpoints {
		tab.Rows = append(tab.Rows, []string{e.Variable, short4(e.Baseline), short4(e.Min), short4(e.TMin), short4(e.Max), short4(e.TMax), short4(e.End)})
	}
	ivt := report.Table{Header: []string{"intervention", "type", "start", "end"}}
	for _, iv := range s.Interventions {
		ivt.Rows = append(ivt.Rows, []string{iv.Name, iv.Type, short4(iv.Start), short4(iv.End)})
	}
	page.Sections = append(page.Sections, report.Section{Heading: "Endpoints", Tables: []report.Table{tab, ivt}})
	return page
}

func short4(x float64) string {
	if math.IsNaN(x) {
		return "NaN"
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// logComposition returns a log-axis line chart of the relative abundance of
// each member of one community (member / community total at each output
// time). Values below 1e-9, and times where the community is empty, are
// left out (NaN), so extinct taxa do not stretch the axis.
func logComposition(tr *sim.Trajectory, comp string, members []string, xl string, windows []report.Window) (report.LineChart, bool) {
	const floor = 1e-9 // below this the values are at the solver's absolute tolerance
	lc := report.LineChart{Title: comp, XLabel: xl, YLabel: "relative abundance (log)", Windows: windows, LogY: true}
	cols := make([][]float64, 0, len(members))
	names := make([]string, 0, len(members))
	for _, mem := range members {
		if y := trajColumn(tr, mem); y != nil {
			cols = append(cols, y)
			names = append(names, strings.TrimPrefix(mem, comp+"."))
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
