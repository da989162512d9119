package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/report"
	"github.com/holobiont/holobiont/sim"
)

type runSummary struct {
	Version       string             `json:"holobiont_version"`
	RunID         string             `json:"run_id"`
	Model         inputInfo          `json:"model"`
	Scenario      inputInfo          `json:"scenario"`
	Solver        solverInfo         `json:"solver"`
	Seed          uint64             `json:"seed"`
	Set           map[string]float64 `json:"set"`
	Start         float64            `json:"start"`
	End           float64            `json:"end"`
	Outputs       int                `json:"output_times"`
	Complete      bool               `json:"complete"`
	Failure       *runFailure        `json:"failure,omitempty"`
	EndState      map[string]float64 `json:"end_state"`
	Endpoints     []endpoint         `json:"endpoints"`
	Interventions []interventionInfo `json:"interventions"`
}

// runFailure records where a run's integration failed.
type runFailure struct {
	Error    string  `json:"error"`
	T        float64 `json:"t"`
	Variable string  `json:"variable,omitempty"` // named by the solver (non-finite state)
	// FastestChanging is, when the solver names no variable (step-size
	// underflow, too many steps), the state whose relative change between
	// the last two kept rows was largest: a hint where to look.
	FastestChanging string `json:"fastest_changing,omitempty"`
}

// fastestChanging returns the state with the largest relative change
// |x_k - x_{k-1}| / (|x_{k-1}| + atol) between the last two rows of tr, or "".
func fastestChanging(m *model.Model, tr *sim.Trajectory, atol float64) string {
	k := len(tr.Times) - 1
	if k < 1 {
		return ""
	}
	states := stateSet(m)
	best, bestV := "", 0.0
	for j, n := range tr.Names {
		if !states[n] {
			continue
		}
		a, b := tr.Values[k-1][j], tr.Values[k][j]
		v := math.Abs(b-a) / (math.Abs(a) + atol)
		if math.IsNaN(v) || math.IsInf(b, 0) {
			v = math.Inf(1)
		}
		if v > bestV {
			best, bestV = n, v
		}
	}
	return best
}

// stateSet returns the ids of m's state variables (species).
func stateSet(m *model.Model) map[string]bool {
	states := make(map[string]bool, len(m.Species))
	for _, sp := range m.Species {
		states[sp.ID] = true
	}
	return states
}

type inputInfo struct {
	Source string `json:"source"`
	ID     string `json:"id"`
	SHA256 string `json:"sha256"`
}

type solverInfo struct {
	Method   string  `json:"method"`
	RTol     float64 `json:"rtol"`
	ATol     float64 `json:"atol"`
	Steps    int     `json:"steps"`
	Rejected int     `json:"rejected"`
	RHSEvals int     `json:"rhs_evals"`
	JacEvals int     `json:"jacobian_evals"`
	Switches int     `json:"stiffness_switches"`
}

type endpoint struct {
	Variable string  `json:"variable"`
	Baseline float64 `json:"baseline"`
	Min      float64 `json:"min"`
	TMin     float64 `json:"t_min"`
	Max      float64 `json:"max"`
	TMax     float64 `json:"t_max"`
	End      float64 `json:"end"`
}

type interventionInfo struct {
	Type  string  `json:"type"`
	Name  string  `json:"name"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// keyVariables are reported as endpoints when the model has them.
var keyVariables = []string{"host.cortisol", "gut.permeability", "host.inflammation", "host.Treg", "gut.shannon",
	"gut.butyrate", "gut.butyrate_producers", "gut.probiotic", "gut.dysbiosis", "host.eczema_severity", "host.wellbeing",
	"face.barrier", "scalp.barrier", "axilla.barrier", "forearm.barrier",
	"face.shannon", "scalp.shannon", "axilla.shannon", "forearm.shannon"}

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

func buildSummary(m *model.Model, sc *modelfile.Scenario, tr *sim.Trajectory, min, sin input, runID string, o runOptions, set map[string]float64) *runSummary {
	s := &runSummary{Version: version, RunID: runID,
		Model:    inputInfo{Source: min.name, ID: m.ID, SHA256: min.sha()},
		Scenario: inputInfo{Source: sin.name, ID: sc.Name, SHA256: sin.sha()},
		Solver: solverInfo{Method: o.solver, RTol: o.rtol, ATol: o.atol, Steps: tr.Stats.Steps, Rejected: tr.Stats.Rejected,
			RHSEvals: tr.Stats.RHSEvals, JacEvals: tr.Stats.JacEvals, Switches: tr.Stats.Switches},
		Seed: o.seed, Set: set, Start: sc.Start, End: sc.End, Outputs: len(tr.Times), Complete: tr.Complete,
		EndState: map[string]float64{}}
	if s.Set == nil {
		s.Set = map[string]float64{}
	}
	states := stateSet(m)
	last := len(tr.Times) - 1
	for j, n := range tr.Names {
		if last < 0 {
			break
		}
		if v := tr.Values[last][j]; states[n] && !math.IsNaN(v) && !math.IsInf(v, 0) {
			s.EndState[n] = v // JSON has no NaN/Inf: non-finite values are left out
		}
	}
	keys := keyVariables
	if trajColumn(tr, "host.cortisol") == nil && trajColumn(tr, "gut.shannon") == nil {
		keys = nil
		for _, sp := range m.Species {
			keys = append(keys, sp.ID)
		}
		if len(keys) > 20 {
			keys = keys[:20]
		}
	}
	for _, k := range keys {
		x := trajColumn(tr, k)
		if x == nil || len(x) == 0 {
			continue
		}
		finite := true
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				finite = false
				break
			}
		}
		if !finite {
			continue // JSON cannot hold NaN/Inf; the trajectory has the values
		}
		e := endpoint{Variable: k, Baseline: x[0], Min: x[0], Max: x[0], TMin: tr.Times[0], TMax: tr.Times[0], End: x[len(x)-1]}
		for i, v := range x {
			if v < e.Min {
				e.Min, e.TMin = v, tr.Times[i]
			}
			if v > e.Max {
				e.Max, e.TMax = v, tr.Times[i]
			}
		}
		s.Endpoints = append(s.Endpoints, e)
	}
	for _, iv := range sc.Interventions {
		for _, w := range iv.Windows {
			s.Interventions = append(s.Interventions, interventionInfo{Type: iv.Type, Name: iv.Name, Start: w.Start, End: w.End})
		}
	}
	return s
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// outputSet is a set of output files in one directory that are published
// together (commit) or not at all (abort).
type outputSet struct {
	dir   string
	files []*safefile.File
}

// create starts the output file name (mode 0644) in the set's directory.
func (o *outputSet) create(name string) (*safefile.File, error) {
	f, err := safefile.Create(filepath.Join(o.dir, name))
	if err != nil {
		return nil, err
	}
	o.files = append(o.files, f)
	if err := f.Chmod(0o644); err != nil {
		return nil, err
	}
	return f, nil
}

// abort discards every file not yet committed.
func (o *outputSet) abort() {
	for _, f := range o.files {
		f.Abort()
	}
}

// commit publishes every file; after an error abort discards the rest.
func (o *outputSet) commit() error {
	for _, f := range o.files {
		if err := f.Commit(); err != nil {
			return err
		}
	}
	o.files = nil
	return nil
}

// writeTrajectory writes tr to the file name of the set, as Parquet when
// format is "parquet" and as long CSV otherwise.
func (o *outputSet) writeTrajectory(name string, tr *sim.Trajectory, format string) error {
	f, err := o.create(name)
	if err != nil {
		return err
	}
	if format == "parquet" {
		err = writeParquet(f, tr)
	} else {
		err = writeCSV(f, tr)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// writeSummary writes sum as indented JSON to summary.json of the set.
func (o *outputSet) writeSummary(sum *runSummary) error {
	f, err := o.create("summary.json")
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write summary.json: %w", err)
	}
	return nil
}

// writeRun writes every output to temporary files and publishes them only
// when all were written, so a failed run leaves nothing behind.
func writeRun(dir string, m *model.Model, sc *modelfile.Scenario, tr *sim.Trajectory, sum *runSummary, format string) (err error) {
	created := false
	if _, statErr := os.Stat(dir); os.IsNotExist(statErr) {
		created = true
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	out := &outputSet{dir: dir}
	defer func() {
		out.abort()
		if err != nil && created {
			os.Remove(dir)
		}
	}()
	// Trajectory.
	name := "trajectory.csv"
	if format == "parquet" {
		name = "trajectory.parquet"
	}
	if err := out.writeTrajectory(name, tr, format); err != nil {
		return err
	}
	// Summary.
	if err := out.writeSummary(sum); err != nil {
		return err
	}
	// Report.
	f, err := out.create("report.html")
	if err != nil {
		return err
	}
	page := buildReport(m, sc, tr, sum)
	if err := page.WriteHTML(f); err != nil {
		return fmt.Errorf("write report.html: %w", err)
	}
	return out.commit()
}

// partialName is the trajectory file of a failed run: never named like a
// complete output.
func partialName(format string) string {
	if format == "parquet" {
		return "trajectory.partial.parquet"
	}
	return "trajectory.partial.csv"
}

// writePartialRun writes the rows of a failed run (trajectory.partial.*)
// and its summary.json; both files are published together or not at all.
// Outputs of an earlier complete run with the same id are left alone.
func writePartialRun(dir string, tr *sim.Trajectory, sum *runSummary, format string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	out := &outputSet{dir: dir}
	defer out.abort()
	if err := out.writeTrajectory(partialName(format), tr, format); err != nil {
		return err
	}
	if err := out.writeSummary(sum); err != nil {
		return err
	}
	return out.commit()
}

func writeCSV(w io.Writer, tr *sim.Trajectory) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("time,variable,value\n")
	buf := make([]byte, 0, 64)
	for k, t := range tr.Times {
		ts := fmtFloat(t)
		for j, n := range tr.Names {
			buf = buf[:0]
			buf = append(buf, ts...)
			buf = append(buf, ',')
			buf = append(buf, n...)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, tr.Values[k][j], 'g', -1, 64)
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

type trajRow struct {
	Time     float64 `parquet:"time"`
	Variable string  `parquet:"variable,dict"`
	Value    float64 `parquet:"value"`
}

func writeParquet(w io.Writer, tr *sim.Trajectory) error {
	pw := parquet.NewGenericWriter[trajRow](w)
	rows := make([]trajRow, 0, len(tr.Names))
	for k, t := range tr.Times {
		rows = rows[:0]
		for j, n := range tr.Names {
			rows = append(rows, trajRow{Time: t, Variable: n, Value: tr.Values[k][j]})
		}
		if _, err := pw.Write(rows); err != nil {
			return err
		}
	}
	return pw.Close()
}

func printRunSummary(w io.Writer, s *runSummary, dir string) {
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

func buildReport(m *model.Model, sc *modelfile.Scenario, tr *sim.Trajectory, s *runSummary) *report.Page {
	var windows []report.Window
	for _, iv := range sc.Interventions {
		for _, w := range iv.Windows {
			if w.End > w.Start {
				windows = append(windows, report.Window{Start: w.Start, End: w.End, Label: iv.Name})
			}
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
