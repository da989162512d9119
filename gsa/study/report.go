package study

import (
	"fmt"
	"math"
	"sort"

	"github.com/holobiont/holobiont/report"
)

// maxCurves is the number of parameters drawn in a time-resolved chart
// (those with the largest index at any time).
const maxCurves = 8

func metaRows(lay *Layout, seed uint64, runs, failed int) [][2]string {
	p := lay.Provenance
	return [][2]string{
		{"holobiont version", p.Version},
		{"spec", lay.SpecFile},
		{"model", p.Model + " (SHA-256 " + p.ModelHash + ")"},
		{"scenario", p.Scenario + " (SHA-256 " + p.ScenarioHash + ")"},
		{"solver", fmt.Sprintf("%s, rtol %g, atol %g", p.Solver.Method, p.Solver.RTol, p.Solver.ATol)},
		{"seed", fmt.Sprint(seed)},
		{"runs", fmt.Sprintf("%d (%d failed)", runs, failed)},
	}
}

func gsaReport(lay *Layout, a *Analysis) *report.Page {
	pl := a.Plan
	s := pl.Spec
	page := &report.Page{Title: "Global sensitivity analysis: " + s.Name, Meta: metaRows(lay, s.Seed, pl.Runs, a.Failed)}
	var method string
	if s.Method == "morris" {
		method = fmt.Sprintf("Morris elementary effects: %d trajectories on a %d-level grid (Δ = %.4g of each range), μ* with %d bootstrap resamples for its %g%% interval.",
			s.Morris.Trajectories, s.Morris.Levels, float64(s.Morris.Levels)/(2*float64(s.Morris.Levels-1)), s.Morris.Bootstrap, 100*s.Morris.Confidence)
	} else {
		scr := "scrambled"
		if !*s.Sobol.Scramble {
			scr = "unscrambled"
		}
		method = fmt.Sprintf("Sobol indices from a Saltelli design of N = %d %s Sobol' base samples; first order by the %s estimator, total by Jansen's; error bars are %g%% bootstrap intervals (%d resamples).",
			s.Sobol.N, scr, s.Sobol.Estimator, 100*s.Sobol.Confidence, s.Sobol.Bootstrap)
	}
	page.Meta = append(page.Meta, [2]string{"method", method})
	ptab := report.Table{Header: []string{"parameter", "distribution"}}
	for k, id := range pl.Params {
		d := pl.Dists[k]
		lo, hi := d.Support()
		ptab.Rows = append(ptab.Rows, []string{id, fmt.Sprintf("%s on [%s, %s]", d.Dist, fnum(lo), fnum(hi))})
	}
	page.Sections = append(page.Sections, report.Section{Heading: "Parameters", Text: "The varied parameters and their ranges; every other parameter keeps its model value.", Tables: []report.Table{ptab}})
	var scalars []Indices
	for _, ix := range a.Indices {
		if !ix.Column.Traj {
			scalars = append(scalars, ix)
		}
	}
	if len(scalars) > 1 {
		page.Sections = append(page.Sections, heatSection(pl, scalars))
	}
	for _, ix := range scalars {
		page.Sections = append(page.Sections, outputSection(pl, ix))
	}
	for i, o := range s.Outputs {
		if o.Stat == "trajectory" {
			page.Sections = append(page.Sections, timeSection(pl, a, i))
		}
	}
	return page
}

func outputText(o Output) string {
	switch o.Stat {
	case "value":
		return fmt.Sprintf("%s at day %s", o.Variable, fnum(*o.Time))
	case "change":
		return fmt.Sprintf("change of %s from day %s to day %s", o.Variable, fnum(*o.From), fnum(*o.Time))
	case "recovery":
		return fmt.Sprintf("days after day %s until %s is back within %g%% of its day-%s value (censored at day %s)", fnum(*o.From), o.Variable, 100**o.Tolerance, fnum(*o.Baseline), fnum(*o.To))
	}
	return fmt.Sprintf("%s of %s over days %s–%s", o.Stat, o.Variable, fnum(*o.From), fnum(*o.To))
}

func outputSection(pl *Plan, ix Indices) report.Section {
	o := pl.Spec.Outputs[ix.Column.Output]
	sec := report.Section{Heading: "Output " + o.Name}
	if m := ix.Morris; m != nil {
		sec.Text = outputText(o) + ". Bars: μ* (mean absolute elementary effect, with its bootstrap interval) and σ (their standard deviation; large σ/μ* means interactions or non-linearity)."
		sec.Figures = []report.Figure{report.BarChart{Title: o.Name, YLabel: "elementary effect", Categories: pl.Params,
			Series: []report.BarSeries{{Name: "μ*", Values: m.MuStar, Err: m.MuStarConf}, {Name: "σ", Values: m.Sigma}}}}
		t := report.Table{Header: []string{"parameter", "μ", "μ*", "μ* ± (CI)", "σ", "effects"}}
		for k, p := range pl.Params {
			t.Rows = append(t.Rows, []string{p, short(m.Mu[k]), short(m.MuStar[k]), short(m.MuStarConf[k]), short(m.Sigma[k]), fmt.Sprint(m.N[k])})
		}
		sec.Tables = []report.Table{t}
		return sec
	}
	sb := ix.Sobol
	sec.Text = fmt.Sprintf("%s. First-order (S1) and total (ST) Sobol indices from %d base samples; variance %s.", outputText(o), sb.N, short(sb.Variance))
	sec.Figures = []report.Figure{report.BarChart{Title: o.Name, YLabel: "Sobol index", Categories: pl.Params,
		Series: []report.BarSeries{{Name: "S1", Values: sb.S1, Err: sb.S1Conf}, {Name: "ST", Values: sb.ST, Err: sb.STConf}}}}
	t := report.Table{Header: []string{"parameter", "S1", "S1 ± (CI)", "ST", "ST ± (CI)"}}
	for k, p := range pl.Params {
		t.Rows = append(t.Rows, []string{p, short(sb.S1[k]), short(sb.S1Conf[k]), short(sb.ST[k]), short(sb.STConf[k])})
	}
	sec.Tables = []report.Table{t}
	return sec
}

func short(x float64) string {
	if math.IsNaN(x) {
		return "NA"
	}
	return fmt.Sprintf("%.4g", x)
}

func heatSection(pl *Plan, scalars []Indices) report.Section {
	rows := pl.Params
	var cols []string
	vals := make([][]float64, len(rows))
	annot := make([][]string, len(rows))
	for _, ix := range scalars {
		cols = append(cols, pl.Spec.Outputs[ix.Column.Output].Name)
		v := indexOf(ix)
		scale := 1.0
		if ix.Morris != nil { // μ* relative to the output's largest
			scale = 0
			for _, x := range v {
				if !math.IsNaN(x) {
					scale = math.Max(scale, x)
				}
			}
		}
		for k := range rows {
			x := v[k] / scale
			vals[k] = append(vals[k], x)
			annot[k] = append(annot[k], fmt.Sprintf("%.2f", x))
		}
	}
	what := "total Sobol index ST"
	if pl.Spec.Method == "morris" {
		what = "μ* relative to the output's largest μ*"
	}
	return report.Section{Heading: "Parameters × outputs", Text: "Each cell is the " + what + " of a parameter (row) for an output (column).",
		Figures: []report.Figure{report.Heatmap{Title: what, Rows: rows, Cols: cols, Values: vals, Annot: annot}}}
}

// indexOf returns the headline index per parameter: ST or μ*.
func indexOf(ix Indices) []float64 {
	if ix.Morris != nil {
		return ix.Morris.MuStar
	}
	return ix.Sobol.ST
}

func timeSection(pl *Plan, a *Analysis, out int) report.Section {
	o := pl.Spec.Outputs[out]
	var ixs []Indices
	for _, ix := range a.Indices {
		if ix.Column.Traj && ix.Column.Output == out {
			ixs = append(ixs, ix)
		}
	}
	d := len(pl.Params)
	peak := make([]float64, d)
	for _, ix := range ixs {
		for k, v := range indexOf(ix) {
			if !math.IsNaN(v) {
				peak[k] = math.Max(peak[k], math.Abs(v))
			}
		}
	}
	order := make([]int, d)
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(i, j int) bool { return peak[order[i]] > peak[order[j]] })
	if len(order) > maxCurves {
		order = order[:maxCurves]
	}
	series := func(pick func(Indices) []float64) []report.Series {
		var ss []report.Series
		for _, k := range order {
			s := report.Series{Name: pl.Params[k]}
			for _, ix := range ixs {
				s.X = append(s.X, ix.Column.Time)
				s.Y = append(s.Y, pick(ix)[k])
			}
			ss = append(ss, s)
		}
		return ss
	}
	sec := report.Section{Heading: "Time-resolved indices: " + o.Name,
		Text: fmt.Sprintf("Indices of %s at every %s days from day %s to day %s (the %d parameters with the largest index at any time; all are in %s).",
			o.Variable, fnum(o.Every), fnum(*o.From), fnum(*o.To), len(order), FileIndicesTime)}
	if pl.Spec.Method == "morris" {
		sec.Figures = []report.Figure{report.LineChart{Title: o.Name + ": μ* over time", XLabel: "time (days)", YLabel: "μ*", Series: series(func(ix Indices) []float64 { return ix.Morris.MuStar })}}
		return sec
	}
	sec.Figures = []report.Figure{
		report.LineChart{Title: o.Name + ": total index ST over time", XLabel: "time (days)", YLabel: "ST", Series: series(func(ix Indices) []float64 { return ix.Sobol.ST })},
		report.LineChart{Title: o.Name + ": first-order index S1 over time", XLabel: "time (days)", YLabel: "S1", Series: series(func(ix Indices) []float64 { return ix.Sobol.S1 })},
	}
	return sec
}
