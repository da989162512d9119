package petab

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

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/jsonnum"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/report"
)

// Calibration is the outcome of `holobiont calibrate`: the multi-start
// optimisation, the optional global search and profiles, and what is
// needed to reproduce them.
type Calibration struct {
	Spec    *estimate.Spec
	Problem *estimate.Problem
	// Provenance
	ProblemFile string
	ProblemHash string // SHA-256 of the YAML and every table and model file
	Version     string
	Seed        uint64
	Settings    map[string]any
	// Results
	Starts   []estimate.StartResult // sorted, best first
	Global   *estimate.DEResult     // nil without --global
	Profiles []estimate.Profile     // nil without --profile
	Best     *estimate.Result       // the objective at the best start
	// Screening, if the start points were screened (--start-candidates):
	// start i began at candidate Screening.Chosen[i].
	Screening *estimate.Screening
	// ConvergedTol: a start converged when its final objective is within
	// this of the best (pyPESTO's criterion; default 0.1).
	ConvergedTol float64
}

// stageJSON is one stage of a start: a horizon stage (--horizon-stages,
// the measurements up to horizon, null: all, fitted, ending at objective),
// or a multiple-shooting penalty stage or final fit (--shooting).
type stageJSON struct {
	Horizon    *float64 `json:"horizon"`
	Objective  *float64 `json:"objective"`
	Iterations int      `json:"iterations"`
	Evals      int      `json:"evaluations"`
	Status     string   `json:"status"`
	// multiple shooting's penalty stages: the continuity weight and the
	// largest relative continuity gap at the stage's end
	Weight *float64 `json:"continuity_weight,omitempty"`
	Gap    *float64 `json:"continuity_gap,omitempty"`
}

func stagesJSON(st []estimate.Stage) []stageJSON {
	var out []stageJSON
	for _, s := range st {
		st := stageJSON{Horizon: jsonnum.Ptr(s.Horizon), Objective: jsonnum.Ptr(s.F), Iterations: s.Iter, Evals: s.Evals, Status: s.Status}
		if s.Weight > 0 {
			st.Weight, st.Gap = jsonnum.Ptr(s.Weight), jsonnum.Ptr(s.Gap)
		}
		out = append(out, st)
	}
	return out
}

type startJSON struct {
	Index      int                `json:"index"`
	Global     bool               `json:"global,omitempty"`
	Objective  *float64           `json:"objective"`
	LLH        *float64           `json:"llh"`
	Converged  bool               `json:"converged"`
	Status     string             `json:"status"`
	Iterations int                `json:"iterations"`
	Evals      int                `json:"evaluations"`
	Resampled  int                `json:"resampled,omitempty"`
	Candidate  *int               `json:"candidate,omitempty"`
	StartObj   *float64           `json:"start_objective,omitempty"`
	Failed     int                `json:"failed_trial_points,omitempty"`
	Switched   bool               `json:"switched_to_bfgs,omitempty"`
	Error      string             `json:"error,omitempty"`
	Start      map[string]float64 `json:"start"`
	Final      map[string]float64 `json:"final"`
	Stages     []stageJSON        `json:"stages,omitempty"`
}

type profileJSON struct {
	Parameter string       `json:"parameter"`
	Scale     string       `json:"scale"`
	Best      float64      `json:"best"`
	Lower     float64      `json:"ci_lower"`
	Upper     float64      `json:"ci_upper"`
	LowerOpen bool         `json:"ci_lower_at_bound_or_open"`
	UpperOpen bool         `json:"ci_upper_at_bound_or_open"`
	Better    bool         `json:"found_better_optimum,omitempty"`
	Points    [][2]float64 `json:"points"` // (value on scale, llh + log prior)
}

type resultJSON struct {
	Problem         string             `json:"problem"`
	ProblemSHA256   string             `json:"problem_sha256"`
	Version         string             `json:"holobiont_version"`
	Seed            uint64             `json:"seed"`
	Settings        map[string]any     `json:"settings"`
	BestLLH         *float64           `json:"best_llh"`
	BestLogPrior    float64            `json:"best_log_prior"`
	BestObjective   *float64           `json:"best_objective"`
	BestChi2        *float64           `json:"best_chi2"`
	BestParameters  map[string]float64 `json:"best_parameters"`
	ParameterScales map[string]string  `json:"parameter_scales"`
	BestLinear      map[string]float64 `json:"best_parameters_linear"`
	NumStarts       int                `json:"n_starts"`
	NumConverged    int                `json:"n_converged"`
	FracConverged   float64            `json:"fraction_converged"`
	ConvergedTol    float64            `json:"converged_tolerance"`
	Starts          []startJSON        `json:"starts"`
	GlobalMethod    string             `json:"global_method,omitempty"`
	GlobalObjective *float64           `json:"global_objective,omitempty"`
	GlobalEvals     int                `json:"global_evaluations,omitempty"`
	Uncertainty     string             `json:"uncertainty_method,omitempty"`
	Level           float64            `json:"confidence_level,omitempty"`
	Profiles        []profileJSON      `json:"profiles,omitempty"`
	Screening       *screeningJSON     `json:"screening,omitempty"`
}

// screeningJSON summarises the screening of start points; every
// candidate's objective is in candidates.tsv.
type screeningJSON struct {
	Method     string   `json:"method"`
	Candidates int      `json:"candidates"`
	Evals      int      `json:"objective_evaluations"`
	Finite     int      `json:"finite"`
	Failed     int      `json:"failed"`
	Best       *float64 `json:"best_candidate_objective"`
	LastChosen *float64 `json:"worst_chosen_objective"`
	Median     *float64 `json:"median_finite_objective"`
	Chosen     []int    `json:"chosen"`
}

// screening summarises c.Screening (nil without one).
func (c *Calibration) screening() *screeningJSON {
	s := c.Screening
	if s == nil {
		return nil
	}
	var fin []float64
	for _, f := range s.F {
		if !math.IsInf(f, 1) {
			fin = append(fin, f)
		}
	}
	sort.Float64s(fin)
	j := &screeningJSON{Method: "objective at Latin-hypercube candidates within the bounds, no gradient; the starts begin at the best, failed simulations last",
		Candidates: len(s.F), Evals: len(s.F), Finite: len(fin), Failed: s.Failed, Chosen: s.Chosen}
	if len(fin) > 0 {
		j.Best, j.Median = jsonnum.Ptr(fin[0]), jsonnum.Ptr(fin[len(fin)/2])
	}
	if len(s.Chosen) > 0 {
		j.LastChosen = jsonnum.Ptr(s.F[s.Chosen[len(s.Chosen)-1]])
	}
	return j
}

// startCandidate returns the screening candidate start s began at and its
// objective there (nil, nil without screening, or for the global start).
func (c *Calibration) startCandidate(s estimate.StartResult) (*int, *float64) {
	if c.Screening == nil || s.Global || s.Resampled > 0 || s.Index >= len(c.Screening.Chosen) {
		return nil, nil
	}
	k := c.Screening.Chosen[s.Index]
	return &k, jsonnum.Ptr(c.Screening.F[k])
}

// best returns the best successful start.
func (c *Calibration) best() *estimate.StartResult {
	if len(c.Starts) == 0 || c.Starts[0].Err != "" {
		return nil
	}
	return &c.Starts[0]
}

// Converged reports per start whether it converged (final objective
// within ConvergedTol of the best).
func (c *Calibration) Converged() []bool {
	out := make([]bool, len(c.Starts))
	b := c.best()
	if b == nil {
		return out
	}
	for i, s := range c.Starts {
		out[i] = s.Err == "" && s.F <= b.F+c.tol()
	}
	return out
}

func (c *Calibration) tol() float64 {
	if c.ConvergedTol <= 0 {
		return 0.1
	}
	return c.ConvergedTol
}

func (c *Calibration) byID(u []float64) map[string]float64 {
	m := map[string]float64{}
	for k, j := range c.Problem.Free {
		m[c.Spec.Params[j].ID] = u[k]
	}
	return m
}

func (c *Calibration) result() resultJSON {
	r := resultJSON{Problem: c.ProblemFile, ProblemSHA256: c.ProblemHash, Version: c.Version, Seed: c.Seed,
		Settings: c.Settings, NumStarts: len(c.Starts), ConvergedTol: c.tol(), ParameterScales: map[string]string{}}
	for _, j := range c.Problem.Free {
		p := c.Spec.Params[j]
		r.ParameterScales[p.ID] = p.Scale.String()
	}
	conv := c.Converged()
	for i, s := range c.Starts {
		if conv[i] {
			r.NumConverged++
		}
		cand, cf := c.startCandidate(s)
		r.Starts = append(r.Starts, startJSON{Index: s.Index, Global: s.Global, Objective: jsonnum.Ptr(s.F), LLH: jsonnum.Ptr(s.LLH), Converged: conv[i],
			Status: s.Status, Iterations: s.Iter, Evals: s.Evals, Resampled: s.Resampled, Candidate: cand, StartObj: cf,
			Failed: s.Failed, Switched: s.Switched, Error: s.Err,
			Start: c.byID(s.U0), Final: c.byID(s.U), Stages: stagesJSON(s.Stages)})
	}
	if len(c.Starts) > 0 {
		r.FracConverged = float64(r.NumConverged) / float64(len(c.Starts))
	}
	if b := c.best(); b != nil {
		r.BestParameters = c.byID(b.U)
		r.BestLinear = map[string]float64{}
		for k, j := range c.Problem.Free {
			p := c.Spec.Params[j]
			r.BestLinear[p.ID] = p.Scale.From(b.U[k])
		}
		r.BestObjective = jsonnum.Ptr(b.F)
		if c.Best != nil {
			r.BestLLH, r.BestLogPrior, r.BestChi2 = jsonnum.Ptr(c.Best.LLH), c.Best.LogPrior, jsonnum.Ptr(c.Best.Chi2)
		} else {
			r.BestLLH = jsonnum.Ptr(b.LLH)
		}
	}
	r.Screening = c.screening()
	if c.Global != nil {
		r.GlobalMethod, r.GlobalObjective, r.GlobalEvals = "differential evolution (DE/rand/1/bin, dither), best point polished by the local optimiser", jsonnum.Ptr(c.Global.F), c.Global.Evals
	}
	if c.Profiles != nil {
		r.Uncertainty, r.Level = "profile likelihood (likelihood-ratio intervals: objective within chi2_1(level)/2 of the optimum)", 0.95
		for _, pr := range c.Profiles {
			pj := profileJSON{Parameter: pr.ID, Scale: c.Spec.Params[c.Problem.Free[pr.Index]].Scale.String(), Best: pr.Best,
				Lower: pr.Lower, Upper: pr.Upper, LowerOpen: pr.LowerOpen, UpperOpen: pr.UpperOpen, Better: pr.Better}
			for _, pt := range pr.Points {
				pj.Points = append(pj.Points, [2]float64{pt.Value, -pt.F})
			}
			r.Profiles = append(r.Profiles, pj)
		}
	}
	return r
}

// Write writes the calibration's files into dir: result.json,
// parameters_best.tsv (the parameter table with the best values as
// nominal values), starts.tsv, simulations_best.tsv (when sim is not nil),
// profiles.tsv (with profiles) and report.html. Each file is written
// whole or not at all.
func (c *Calibration) Write(dir string, sim []float64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, f func(io.Writer) error) error {
		w, err := safefile.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		defer w.Abort()
		bw := bufio.NewWriter(w)
		if err := f(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return w.Commit()
	}
	if err := write("result.json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c.result())
	}); err != nil {
		return err
	}
	if b := c.best(); b != nil {
		if err := write("parameters_best.tsv", func(w io.Writer) error { return c.writeBestParams(w, b.U) }); err != nil {
			return err
		}
	}
	if err := write("starts.tsv", c.writeStarts); err != nil {
		return err
	}
	if sim != nil {
		if err := write("simulations_best.tsv", func(w io.Writer) error { return WriteSimulations(w, c.Spec, sim) }); err != nil {
			return err
		}
	}
	if c.Profiles != nil {
		if err := write("profiles.tsv", c.writeProfiles); err != nil {
			return err
		}
	}
	if c.Screening != nil {
		if err := write("candidates.tsv", c.writeCandidates); err != nil {
			return err
		}
	}
	page := c.Report(sim)
	return page.WriteFile(filepath.Join(dir, "report.html"))
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func (c *Calibration) writeBestParams(w io.Writer, u []float64) error {
	fmt.Fprintln(w, "parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate")
	free := map[int]int{}
	for k, j := range c.Problem.Free {
		free[j] = k
	}
	for j, p := range c.Spec.Params {
		v, est := p.Nominal, "0"
		if k, ok := free[j]; ok {
			v, est = p.Scale.From(u[k]), "1"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.Scale, num(p.Lower), num(p.Upper), num(v), est)
	}
	return nil
}

func (c *Calibration) writeStarts(w io.Writer) error {
	fmt.Fprint(w, "rank\tstart\tobjective\tllh\tconverged\tstatus\titerations\tevaluations")
	for _, j := range c.Problem.Free {
		fmt.Fprintf(w, "\t%s", c.Spec.Params[j].ID)
	}
	fmt.Fprintln(w)
	conv := c.Converged()
	for i, s := range c.Starts {
		name := strconv.Itoa(s.Index)
		if s.Global {
			name = "global"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%v\t%s\t%d\t%d", i+1, name, num(s.F), num(s.LLH), conv[i], s.Status, s.Iter, s.Evals)
		for _, v := range s.U {
			fmt.Fprintf(w, "\t%s", num(v))
		}
		fmt.Fprintln(w)
	}
	return nil
}

// writeCandidates writes every screening candidate's objective (empty
// where the simulation failed) and the start it became, if any.
func (c *Calibration) writeCandidates(w io.Writer) error {
	s := c.Screening
	start := make([]string, len(s.F))
	for i, k := range s.Chosen {
		start[k] = strconv.Itoa(i)
	}
	fmt.Fprintln(w, "candidate\tobjective\tstart")
	for k, f := range s.F {
		v := ""
		if !math.IsInf(f, 1) {
			v = num(f)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\n", k, v, start[k])
	}
	return nil
}

func (c *Calibration) writeProfiles(w io.Writer) error {
	fmt.Fprintln(w, "parameter\tscale\tvalue\tobjective\tllh_plus_log_prior")
	for _, pr := range c.Profiles {
		sc := c.Spec.Params[c.Problem.Free[pr.Index]].Scale
		for _, pt := range pr.Points {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", pr.ID, sc, num(pt.Value), num(pt.F), num(-pt.F))
		}
	}
	return nil
}

// Report builds the calibration's HTML page: the waterfall of all starts,
// the parameter table with intervals, fitted against measured per
// observable, and the profiles.
func (c *Calibration) Report(sim []float64) *report.Page {
	res := c.result()
	page := &report.Page{Title: "Calibration of " + filepath.Base(c.ProblemFile),
		Subtitle: "PEtab problem fitted by multi-start trust-region optimisation",
		Meta: [][2]string{{"problem", c.ProblemFile}, {"problem SHA-256", c.ProblemHash}, {"holobiont", c.Version},
			{"seed", strconv.FormatUint(c.Seed, 10)}}}
	keys := make([]string, 0, len(c.Settings))
	for k := range c.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		page.Meta = append(page.Meta, [2]string{k, fmt.Sprint(c.Settings[k])})
	}
	b := c.best()
	summary := "Every start failed: no fit."
	if b != nil {
		summary = fmt.Sprintf("Best log-likelihood %.6g (objective −(llh + log prior) = %.6g). %d of %d starts (%.0f%%) reached an objective within %.2g of the best.",
			derefOr(res.BestLLH), b.F, res.NumConverged, res.NumStarts, 100*res.FracConverged, c.tol())
	}
	if sc := res.Screening; sc != nil {
		summary += fmt.Sprintf(" Start points screened: the starts began at the best %d of %d Latin-hypercube candidates by objective (%d failed to simulate; %d extra objective evaluations, no gradient).",
			len(sc.Chosen), sc.Candidates, sc.Failed, sc.Evals)
	}
	page.Sections = append(page.Sections, report.Section{Heading: "Summary", Text: summary}, c.waterfall())
	page.Sections = append(page.Sections, c.paramSection(b))
	if b != nil && sim != nil {
		page.Sections = append(page.Sections, c.fitSection(sim))
	}
	if c.Profiles != nil {
		page.Sections = append(page.Sections, c.profileSection())
	}
	return page
}

func derefOr(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func (c *Calibration) waterfall() report.Section {
	var x, y []float64
	b := c.best()
	for i, s := range c.Starts {
		if s.Err != "" || math.IsInf(s.F, 0) || b == nil {
			continue
		}
		x = append(x, float64(i+1))
		y = append(y, s.F-b.F+1)
	}
	text := "Final objective of every start, sorted (the PEtab community's waterfall plot), as objective − best + 1 on a log axis: a plateau at 1 is the starts that found the best optimum; further plateaus are local optima."
	if n := len(c.Starts) - len(x); n > 0 {
		text += fmt.Sprintf(" %d start(s) failed and are not shown.", n)
	}
	return report.Section{Heading: "Waterfall of the starts", Text: text, Figures: []report.Figure{report.LineChart{
		Title: "Waterfall", XLabel: "start (sorted by final objective)", YLabel: "objective − best + 1", LogY: true,
		Series: []report.Series{{Name: "starts", X: x, Y: y}}, Points: []report.Series{{Name: "final objective", X: x, Y: y}}}}}
}

func (c *Calibration) paramSection(b *estimate.StartResult) report.Section {
	t := report.Table{Header: []string{"parameter", "scale", "lower bound", "upper bound", "best (scale)", "best (linear)"}}
	prof := map[int]estimate.Profile{}
	if c.Profiles != nil {
		t.Header = append(t.Header, "95% CI lower (scale)", "95% CI upper (scale)")
		for _, pr := range c.Profiles {
			prof[pr.Index] = pr
		}
	}
	for k, j := range c.Problem.Free {
		p := c.Spec.Params[j]
		row := []string{p.ID, p.Scale.String(), num(p.Scale.To(p.Lower)), num(p.Scale.To(p.Upper)), "", ""}
		if b != nil {
			row[4], row[5] = strconv.FormatFloat(b.U[k], 'g', 6, 64), strconv.FormatFloat(p.Scale.From(b.U[k]), 'g', 6, 64)
		}
		if c.Profiles != nil {
			pr, ok := prof[k]
			if ok {
				lo, hi := strconv.FormatFloat(pr.Lower, 'g', 5, 64), strconv.FormatFloat(pr.Upper, 'g', 5, 64)
				if pr.LowerOpen {
					lo = "≤ " + lo + " (open)"
				}
				if pr.UpperOpen {
					hi = "≥ " + hi + " (open)"
				}
				row = append(row, lo, hi)
			} else {
				row = append(row, "", "")
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return report.Section{Heading: "Parameters", Text: "Best values on the parameters' PEtab scales and on the linear scale.", Tables: []report.Table{t}}
}

func (c *Calibration) fitSection(sim []float64) report.Section {
	s := c.Spec
	sec := report.Section{Heading: "Fitted against measured", Text: "Per observable and experiment: the measurements (points) and the best fit's simulation at the measurement times (lines)."}
	for oi, o := range s.Observables {
		series := map[int]*report.Series{}
		points := map[int]*report.Series{}
		var order []int
		for mi, m := range s.Measurements {
			if m.Obs != oi || math.IsInf(m.Time, 0) {
				continue
			}
			if series[m.Exp] == nil {
				name := s.Experiments[m.Exp].ID
				if name == "" {
					name = "(model)"
				}
				series[m.Exp] = &report.Series{Name: name + " fit"}
				points[m.Exp] = &report.Series{Name: name + " data"}
				order = append(order, m.Exp)
			}
			series[m.Exp].X = append(series[m.Exp].X, m.Time)
			series[m.Exp].Y = append(series[m.Exp].Y, sim[mi])
			points[m.Exp].X = append(points[m.Exp].X, m.Time)
			points[m.Exp].Y = append(points[m.Exp].Y, m.Value)
		}
		if len(order) == 0 {
			continue
		}
		if len(order) > 8 {
			order = order[:8]
		}
		ch := report.LineChart{Title: o.ID, XLabel: "time", YLabel: o.ID}
		for _, e := range order {
			sortXY(series[e])
			ch.Series = append(ch.Series, *series[e])
			ch.Points = append(ch.Points, *points[e])
		}
		sec.Figures = append(sec.Figures, ch)
	}
	return sec
}

func sortXY(s *report.Series) {
	idx := make([]int, len(s.X))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.X[idx[a]] < s.X[idx[b]] })
	x, y := make([]float64, len(idx)), make([]float64, len(idx))
	for i, k := range idx {
		x[i], y[i] = s.X[k], s.Y[k]
	}
	s.X, s.Y = x, y
}

func (c *Calibration) profileSection() report.Section {
	sec := report.Section{Heading: "Profile likelihoods", Text: "For each estimated parameter: 2·(objective − best) along its profile (the other parameters re-optimised at each point). The 95% confidence interval is where the profile lies below χ²₁(0.95) = 3.84 (dashed line)."}
	for _, pr := range c.Profiles {
		var x, y []float64
		for _, pt := range pr.Points {
			x = append(x, pt.Value)
			y = append(y, 2*(pt.F-bestOf(pr)))
		}
		thr := 2 * pr.Threshold
		ch := report.LineChart{Title: pr.ID, XLabel: pr.ID + " (" + c.Spec.Params[c.Problem.Free[pr.Index]].Scale.String() + ")", YLabel: "2·Δ objective",
			Series: []report.Series{{Name: "profile", X: x, Y: y}, {Name: "95% threshold", X: []float64{x[0], x[len(x)-1]}, Y: []float64{thr, thr}}},
			Points: []report.Series{{Name: "points", X: x, Y: y}}}
		sec.Figures = append(sec.Figures, ch)
	}
	return sec
}

// bestOf is the optimum's objective of a profile (its point at the best
// value).
func bestOf(pr estimate.Profile) float64 {
	for _, pt := range pr.Points {
		if pt.Value == pr.Best {
			return pt.F
		}
	}
	return pr.Points[0].F
}
