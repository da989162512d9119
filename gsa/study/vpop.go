package study

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/gsa"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/report"
	"github.com/holobiont/holobiont/stats"
)

// vpopResult is a selected (or weighted) virtual population.
type vpopResult struct {
	pl        *Plan
	res       []RunResult
	plausible []bool    // per run
	p         []float64 // probability of inclusion (unscaled) per run; NaN if not plausible
	selected  []bool    // per run (acceptance)
	weight    []float64 // per run (weights): NaN if not plausible
	sel       *gsa.Selection
	ess       float64
	targets   []int     // columns with a target
	fit       []vpopFit // per target column
}

// vpopFit is the goodness of fit of one target output.
type vpopFit struct {
	Output          string
	Plausible, VPop stats.KSTest
}

// selectVPop finds the plausible patients and selects (or weights) a
// virtual population matching the targets.
func selectVPop(pl *Plan, res []RunResult) (*vpopResult, error) {
	s := pl.Spec
	v := &vpopResult{pl: pl, res: res, plausible: make([]bool, len(res)), p: make([]float64, len(res)),
		selected: make([]bool, len(res)), weight: make([]float64, len(res))}
	for c, col := range pl.Columns {
		if s.Outputs[col.Output].Target != nil {
			v.targets = append(v.targets, c)
		}
	}
	var idx []int // plausible runs
	for r, rr := range res {
		v.p[r], v.weight[r] = math.NaN(), math.NaN()
		ok := rr.Err == ""
		for c, col := range pl.Columns {
			x := rr.V[c]
			if math.IsNaN(x) || math.IsInf(x, 0) {
				ok = false
			}
			if rg := s.Outputs[col.Output].Range; rg != nil && !(x >= rg[0] && x <= rg[1]) {
				ok = false
			}
		}
		if ok {
			v.plausible[r] = true
			idx = append(idx, r)
		}
	}
	k := len(v.targets)
	if len(idx) < k+2 {
		return nil, fmt.Errorf("vpop: only %d of %d candidates are plausible (every output in its range); widen the parameter ranges or the output ranges, or draw more candidates (vpop.plausible)", len(idx), len(res))
	}
	ys := make([]float64, 0, len(idx)*k)
	for _, r := range idx {
		for _, c := range v.targets {
			ys = append(ys, res[r].V[c])
		}
	}
	kde, err := gsa.NewKDE(ys, k)
	if err != nil {
		return nil, fmt.Errorf("vpop: density of the plausible outputs: %w", err)
	}
	pp := make([]float64, len(idx))
	for j, r := range idx {
		y := ys[j*k : (j+1)*k]
		dens := 1.0
		for m, c := range v.targets {
			f, _ := s.Outputs[pl.Columns[c].Output].Target.PDF(y[m])
			dens *= f
		}
		pp[j] = dens / kde.Density(y)
		v.p[r] = pp[j]
	}
	rnd := cohort.Stream(s.Seed, 0, purposeSelect)
	if s.VPop.Method == "weights" {
		w := make([]float64, len(idx))
		if v.ess, err = gsa.ImportanceWeights(w, pp); err != nil {
			return nil, fmt.Errorf("vpop: %w", err)
		}
		for j, r := range idx {
			v.weight[r] = w[j]
		}
	} else {
		score := func(sel []bool) float64 {
			var total float64
			for m := range v.targets {
				var x []float64
				for j, ok := range sel {
					if ok {
						x = append(x, ys[j*k+m])
					}
				}
				if len(x) < 2 {
					return float64(k) // Allen et al.'s score of an empty selection
				}
				t, _ := v.ks(m, x, nil)
				total += t.D
			}
			return total
		}
		if v.sel, err = gsa.SelectVPop(pp, score, gsa.SelectOptions{Runs: s.VPop.Runs}, rnd); err != nil {
			return nil, fmt.Errorf("vpop: %w", err)
		}
		for j, r := range idx {
			v.selected[r] = v.sel.Selected[j]
		}
	}
	if err := v.goodnessOfFit(idx, ys); err != nil {
		return nil, err
	}
	return v, nil
}

// ks tests the values x (weights w) of target m against its distribution.
func (v *vpopResult) ks(m int, x, w []float64) (stats.KSTest, error) {
	tg := v.pl.Spec.Outputs[v.pl.Columns[v.targets[m]].Output].Target
	return stats.KSOneSample(x, w, func(y float64) float64 { f, _ := tg.CDF(y); return f })
}

func (v *vpopResult) goodnessOfFit(idx []int, ys []float64) error {
	k := len(v.targets)
	for m, c := range v.targets {
		var xp, xs, ws []float64
		for j, r := range idx {
			y := ys[j*k+m]
			xp = append(xp, y)
			if v.sel != nil && v.selected[r] {
				xs = append(xs, y)
			}
			ws = append(ws, v.weight[r])
		}
		f := vpopFit{Output: v.pl.ColumnName(v.pl.Columns[c])}
		var err error
		if f.Plausible, err = v.ks(m, xp, nil); err != nil {
			return fmt.Errorf("vpop: %s: %w", f.Output, err)
		}
		if v.sel != nil {
			if len(xs) == 0 {
				return fmt.Errorf("vpop: no patient selected; draw more candidates (vpop.plausible)")
			}
			f.VPop, err = v.ks(m, xs, nil)
		} else {
			f.VPop, err = v.ks(m, xp, ws)
		}
		if err != nil {
			return fmt.Errorf("vpop: %s: %w", f.Output, err)
		}
		v.fit = append(v.fit, f)
	}
	return nil
}

func (v *vpopResult) counts() (plausible, selected int) {
	for r := range v.res {
		if v.plausible[r] {
			plausible++
		}
		if v.selected[r] {
			selected++
		}
	}
	return plausible, selected
}

func writeVPop(out string, lay *Layout, v *vpopResult) ([]string, error) {
	pl := v.pl
	if err := writeTSV(filepath.Join(out, FileVPop), func(w *bufio.Writer) { v.writeTable(w) }); err != nil {
		return nil, err
	}
	plaus, sel := v.counts()
	failed := 0
	for _, r := range v.res {
		if r.Err != "" {
			failed++
		}
	}
	type fitJSON struct {
		Output     string `json:"output"`
		PlausibleD num    `json:"plausible_ks_d"`
		PlausibleP num    `json:"plausible_ks_p"`
		VPopD      num    `json:"vpop_ks_d"`
		VPopP      num    `json:"vpop_ks_p"`
		VPopN      num    `json:"vpop_n"`
	}
	j := struct {
		Name        string     `json:"name"`
		Method      string     `json:"method"`
		Seed        uint64     `json:"seed"`
		Candidates  int        `json:"candidates"`
		Failed      int        `json:"failed"`
		Plausible   int        `json:"plausible"`
		Selected    int        `json:"selected,omitempty"`
		ScaleFactor *num       `json:"scale_factor,omitempty"`
		MaxScale    *num       `json:"max_scale_factor,omitempty"`
		ESS         *num       `json:"effective_sample_size,omitempty"`
		Fit         []fitJSON  `json:"fit"`
		Parameters  []string   `json:"parameters"`
		Provenance  Provenance `json:"provenance"`
	}{Name: pl.Spec.Name, Method: pl.Spec.VPop.Method, Seed: pl.Spec.Seed, Candidates: len(v.res), Failed: failed, Plausible: plaus, Parameters: pl.Params, Provenance: lay.Provenance}
	if v.sel != nil {
		sf, mx := num(v.sel.ScaleFactor), num(v.sel.MaxScale)
		j.Selected, j.ScaleFactor, j.MaxScale = sel, &sf, &mx
	} else {
		e := num(v.ess)
		j.ESS = &e
	}
	for _, f := range v.fit {
		j.Fit = append(j.Fit, fitJSON{f.Output, num(f.Plausible.D), num(f.Plausible.P), num(f.VPop.D), num(f.VPop.P), num(f.VPop.N)})
	}
	jb, err := json.MarshalIndent(j, "", " ")
	if err != nil {
		return nil, err
	}
	if err := safefile.WriteFile(filepath.Join(out, FileVPopJSON), append(jb, '\n')); err != nil {
		return nil, err
	}
	if err := v.report(lay, failed).WriteFile(filepath.Join(out, FileReport)); err != nil {
		return nil, err
	}
	return []string{FileVPop, FileVPopJSON, FileReport}, nil
}

func (v *vpopResult) writeTable(w *bufio.Writer) {
	pl := v.pl
	w.WriteString("run\tstatus\tplausible\tselected\tweight\tp_inclusion")
	for _, p := range pl.Params {
		w.WriteString("\t" + p)
	}
	for _, c := range pl.Columns {
		w.WriteString("\t" + pl.ColumnName(c))
	}
	w.WriteString("\n")
	b := func(x bool) string {
		if x {
			return "1"
		}
		return "0"
	}
	for r, rr := range v.res {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s", r, status(rr), b(v.plausible[r]), b(v.selected[r]), fnum(v.weight[r]), fnum(v.p[r]))
		for _, x := range pl.Row(r) {
			w.WriteString("\t" + fnum(x))
		}
		for _, x := range rr.V {
			w.WriteString("\t" + fnum(x))
		}
		w.WriteString("\n")
	}
}

// histBins is the number of histogram bins per output in the report.
const histBins = 20

func (v *vpopResult) report(lay *Layout, failed int) *report.Page {
	pl := v.pl
	s := pl.Spec
	plaus, sel := v.counts()
	page := &report.Page{Title: "Virtual population: " + s.Name, Meta: metaRows(lay, s.Seed, pl.Runs, failed)}
	how := fmt.Sprintf("Allen et al. (2016) acceptance–rejection: %d of %d plausible patients selected with probability min(1, sf·p), p the target density over the plausible density (Gaussian KDE) at the patient's outputs, sf = %.4g chosen from %d draws per candidate to minimise the summed KS distance (largest admissible sf %.4g).",
		sel, plaus, scale(v.sel, false), s.VPop.Runs, scale(v.sel, true))
	if v.sel == nil {
		how = fmt.Sprintf("Importance weights p/Σp on all %d plausible patients (p the target density over the plausible density at the patient's outputs); effective sample size %.1f.", plaus, v.ess)
	}
	page.Meta = append(page.Meta, [2]string{"method", how}, [2]string{"plausible", fmt.Sprintf("%d of %d candidates (%d failed)", plaus, pl.Runs, failed)})
	fit := report.Table{Header: []string{"output", "target", "plausible KS D", "p", "virtual population KS D", "p", "n"}}
	for m, f := range v.fit {
		tg := s.Outputs[pl.Columns[v.targets[m]].Output].Target
		fit.Rows = append(fit.Rows, []string{f.Output, distText(tg), short(f.Plausible.D), short(f.Plausible.P), short(f.VPop.D), short(f.VPop.P), short(f.VPop.N)})
	}
	page.Sections = append(page.Sections, report.Section{Heading: "Goodness of fit",
		Text:   "One-sample Kolmogorov–Smirnov tests of each output against its target: the plausible patients (before selection) and the virtual population (selected, or weighted with n the effective sample size). Asymptotic p-values.",
		Tables: []report.Table{fit}})
	for m, c := range v.targets {
		page.Sections = append(page.Sections, v.histSection(m, c))
	}
	return page
}

// scale returns a selection's scale factor (or its largest admissible
// one), NaN without a selection.
func scale(s *gsa.Selection, maxScale bool) float64 {
	switch {
	case s == nil:
		return math.NaN()
	case maxScale:
		return s.MaxScale
	}
	return s.ScaleFactor
}

func distText(d *cohort.Dist) string {
	lo, hi := d.Support()
	return fmt.Sprintf("%s on [%s, %s]", d.Dist, fnum(lo), fnum(hi))
}

// histSection draws, per bin, the target's probability and the fractions of
// the plausible patients and of the virtual population.
func (v *vpopResult) histSection(m, c int) report.Section {
	pl := v.pl
	o := pl.Spec.Outputs[pl.Columns[c].Output]
	lo, hi := math.Inf(1), math.Inf(-1)
	for r := range v.res {
		if v.plausible[r] {
			lo, hi = math.Min(lo, v.res[r].V[c]), math.Max(hi, v.res[r].V[c])
		}
	}
	if o.Range != nil {
		lo, hi = o.Range[0], o.Range[1]
	}
	width := (hi - lo) / histBins
	cats := make([]string, histBins)
	tgt, pla, vp := make([]float64, histBins), make([]float64, histBins), make([]float64, histBins)
	for b := range cats {
		a := lo + float64(b)*width
		cats[b] = strconv.FormatFloat(a+width/2, 'g', 3, 64)
		f0, _ := o.Target.CDF(a)
		f1, _ := o.Target.CDF(a + width)
		tgt[b] = f1 - f0
	}
	var np, nv float64
	for r := range v.res {
		if !v.plausible[r] {
			continue
		}
		b := int((v.res[r].V[c] - lo) / width)
		b = min(max(b, 0), histBins-1)
		pla[b]++
		np++
		switch {
		case v.sel != nil && v.selected[r]:
			vp[b]++
			nv++
		case v.sel == nil:
			vp[b] += v.weight[r]
			nv += v.weight[r]
		}
	}
	for b := range cats {
		pla[b] /= np
		if nv > 0 {
			vp[b] /= nv
		}
	}
	name := "selected"
	if v.sel == nil {
		name = "weighted"
	}
	return report.Section{Heading: "Output " + o.Name,
		Text: fmt.Sprintf("%s: fraction per bin of the target (%s), the plausible patients and the virtual population (%s).", outputText(o), distText(o.Target), name),
		Figures: []report.Figure{report.BarChart{Title: o.Name + ": target vs plausible vs " + name, YLabel: "fraction", Categories: cats,
			Series: []report.BarSeries{{Name: "target", Values: tgt}, {Name: "plausible", Values: pla}, {Name: name, Values: vp}}}}}
}
