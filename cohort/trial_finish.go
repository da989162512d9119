package cohort

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/report"
)

// Trial output files written by Finish (next to a cohort's files).
const (
	FileAnalysis    = "analysis.tsv"
	FilePower       = "power.tsv"
	FileTrialReport = "report.html"
)

// FinishOptions control Finish.
type FinishOptions struct {
	Workers int  // power study workers; <= 0: all cores
	NoPower bool // skip the power study
	// Progress, if set, is called with power-study subjects done and total.
	Progress func(done, total int)
	// Ensemble, if set, runs the trial's subjects under each of its
	// parameter sets (RunUncertainty) and writes uncertainty.json and an
	// uncertainty section in the report.
	Ensemble *Ensemble
	// EnsembleProgress, if set, is called with the ensemble members'
	// subjects done and total.
	EnsembleProgress func(done, total int)
}

// TrialOutcome is what Finish computed.
type TrialOutcome struct {
	Analyses []AnalysisResult
	Power    []PowerPoint // nil without a power study
	// Uncertainty is the ensemble's intervals (nil without an ensemble).
	Uncertainty *TrialUncertainty
}

// Finish completes a trial whose subjects are in dir (a complete RunTrial,
// or a merge of its shards): it runs the analyses on the subjects, the
// power study (unless opt.NoPower), writes analysis.tsv, power.tsv and
// report.html, and rewrites manifest.json last with their hashes.
func (tp *TrialPlan) Finish(ctx context.Context, dir string, opt FinishOptions) (*TrialOutcome, error) {
	mpath := filepath.Join(dir, FileManifest)
	mb, err := os.ReadFile(mpath)
	if err != nil {
		return nil, err
	}
	var man Manifest
	if err := json.Unmarshal(mb, &man); err != nil {
		return nil, fmt.Errorf("%s: %w", mpath, err)
	}
	// manifest.json is replaced last, after the analysis files: a failed
	// or interrupted finish leaves the one that was there
	subs, err := ReadSubjects(dir)
	if err != nil {
		return nil, err
	}
	out := &TrialOutcome{}
	if out.Analyses, err = tp.Analyse(subs); err != nil {
		return nil, err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = max(1, runtime.GOMAXPROCS(0))
	}
	if tp.Trial.Power != nil && !opt.NoPower {
		if out.Power, err = tp.PowerCurve(ctx, workers, opt.Progress); err != nil {
			return nil, err
		}
	}
	files := []struct {
		name string
		data []byte
	}{{FileAnalysis, analysisTSV(out.Analyses)}}
	if len(out.Power) > 0 {
		files = append(files, struct {
			name string
			data []byte
		}{FilePower, powerTSV(out.Power)})
	}
	if opt.Ensemble != nil {
		if out.Uncertainty, err = tp.RunUncertainty(ctx, out.Analyses, opt.Ensemble, workers, opt.EnsembleProgress); err != nil {
			return nil, err
		}
		ub, err := json.MarshalIndent(out.Uncertainty, "", " ")
		if err != nil {
			return nil, err
		}
		files = append(files, struct {
			name string
			data []byte
		}{FileUncertainty, append(ub, '\n')})
	}
	var hb bytes.Buffer
	if err := tp.report(&man, out).WriteHTML(&hb); err != nil {
		return nil, err
	}
	files = append(files, struct {
		name string
		data []byte
	}{FileTrialReport, hb.Bytes()})
	for _, f := range files {
		if err := safefile.WriteFile(filepath.Join(dir, f.name), f.data); err != nil {
			return nil, err
		}
		h := sha256.Sum256(f.data)
		man.Files[f.name] = hex.EncodeToString(h[:])
	}
	nb, _ := json.MarshalIndent(&man, "", " ")
	return out, safefile.WriteFile(mpath, append(nb, '\n'))
}

// fmtG4 formats x with 4 significant digits (the trial's tables).
func fmtG4(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }

// analysisTSV is analysis.tsv: one row per analysis and method.
func analysisTSV(res []AnalysisResult) []byte {
	var ab bytes.Buffer
	ab.WriteString("endpoint\tcontrol\ttreatment\tn_control\tn_treatment\tmean_control\tmean_treatment\tmethod\teffect\tci_low\tci_high\tp\n")
	row := func(r AnalysisResult, method string, e Estimate) {
		fmt.Fprintf(&ab, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Endpoint, r.Control, r.Treatment, r.NControl, r.NTreatment,
			fmtG4(r.MeanControl), fmtG4(r.MeanTreat), method, fmtG4(e.Effect), fmtG4(e.Low), fmtG4(e.High), fmtG4(e.P))
	}
	for _, r := range res {
		row(r, "welch_difference", r.Diff)
		if r.Ancova != nil {
			row(r, "ancova("+r.Baseline+")", *r.Ancova)
		}
		if r.Responders != nil {
			row(r, fmt.Sprintf("responders(%s vs %s)", fmtG4(r.RespControl), fmtG4(r.RespTreat)), *r.Responders)
		}
	}
	return ab.Bytes()
}

// powerTSV is power.tsv: one row per trial size.
func powerTSV(pts []PowerPoint) []byte {
	var pb bytes.Buffer
	pb.WriteString("n\treplicates\tsignificant\tpower\tci_low\tci_high\tmean_effect\n")
	for _, p := range pts {
		fmt.Fprintf(&pb, "%d\t%d\t%d\t%s\t%s\t%s\t%s\n", p.N, p.Replicates, p.Significant, fmtG4(p.Power), fmtG4(p.Low), fmtG4(p.High), fmtG4(p.MeanEffect))
	}
	return pb.Bytes()
}

func ci(e Estimate) string { return "[" + fmtG4(e.Low) + ", " + fmtG4(e.High) + "]" }

// report is the trial's report.html: arms, each analysis with a box plot
// by arm, and the power curve.
func (tp *TrialPlan) report(man *Manifest, out *TrialOutcome) *report.Page {
	t := tp.Trial
	short := man.Provenance.ModelHash
	if len(short) > 12 {
		short = short[:12]
	}
	page := &report.Page{Title: "In-silico trial: " + t.Name,
		Subtitle: fmt.Sprintf("%d subjects, %d arms, seed %d", t.N, len(t.Arms), t.Seed),
		Meta: [][2]string{{"spec", holobiont.RecordedName(t.File)}, {"spec hash", man.SpecHash}, {"alpha", fmtG4(t.Alpha)},
			{"holobiont", man.Provenance.Version}, {"model", man.Provenance.Model + " (sha256 " + short + ")"},
			{"solver", fmt.Sprintf("%s, rtol %g, atol %g", man.Provenance.Solver.Method, man.Provenance.Solver.RTol, man.Provenance.Solver.ATol)}}}
	var armRows [][]string
	for _, a := range t.Arms {
		armRows = append(armRows, []string{a.Name, strings.Join(a.Interventions, ", "), strconv.Itoa(a.Ratio)})
	}
	page.Sections = append(page.Sections, report.Section{Heading: "Arms", Tables: []report.Table{{Header: []string{"arm", "interventions", "ratio"}, Rows: armRows}}})
	for _, r := range out.Analyses {
		tab := report.Table{Header: []string{"method", "effect", "95% CI", "p"}}
		tab.Rows = append(tab.Rows, []string{"difference in means (Welch)", fmtG4(r.Diff.Effect), ci(r.Diff), fmtG4(r.Diff.P)})
		if r.Ancova != nil {
			tab.Rows = append(tab.Rows, []string{"ANCOVA on " + r.Baseline, fmtG4(r.Ancova.Effect), ci(*r.Ancova), fmtG4(r.Ancova.P)})
		}
		if r.Responders != nil {
			tab.Rows = append(tab.Rows, []string{fmt.Sprintf("responder rate difference (%s vs %s)", fmtG4(r.RespTreat), fmtG4(r.RespControl)), fmtG4(r.Responders.Effect), ci(*r.Responders), fmtG4(r.Responders.P)})
		}
		page.Sections = append(page.Sections, report.Section{
			Heading: fmt.Sprintf("%s: %s vs %s", r.Endpoint, r.Treatment, r.Control),
			Text:    fmt.Sprintf("n = %d (%s) and %d (%s); means %s and %s.", r.NControl, r.Control, r.NTreatment, r.Treatment, fmtG4(r.MeanControl), fmtG4(r.MeanTreat)),
			Figures: []report.Figure{report.BoxPlot{Title: r.Endpoint + " by arm", YLabel: r.Endpoint, Groups: []string{r.Control, r.Treatment}, Values: [][]float64{r.ControlValues, r.TreatValues}}},
			Tables:  []report.Table{tab},
		})
	}
	if len(out.Power) > 0 {
		page.Sections = append(page.Sections, tp.powerSection(out.Power))
	}
	if out.Uncertainty != nil {
		page.Sections = append(page.Sections, out.Uncertainty.section(tp))
	}
	return page
}

func (tp *TrialPlan) powerSection(pts []PowerPoint) report.Section {
	t := tp.Trial
	s := report.Series{Name: "power"}
	lo, hi := report.Series{Name: "95% CI low"}, report.Series{Name: "95% CI high"}
	tab := report.Table{Header: []string{"n", "power", "95% CI", "mean effect"}}
	for _, p := range pts {
		s.X, s.Y = append(s.X, float64(p.N)), append(s.Y, p.Power)
		lo.X, lo.Y = append(lo.X, float64(p.N)), append(lo.Y, p.Low)
		hi.X, hi.Y = append(hi.X, float64(p.N)), append(hi.Y, p.High)
		tab.Rows = append(tab.Rows, []string{strconv.Itoa(p.N), fmtG4(p.Power), "[" + fmtG4(p.Low) + ", " + fmtG4(p.High) + "]", fmtG4(p.MeanEffect)})
	}
	a := t.Analysis[t.Power.Analysis]
	return report.Section{
		Heading: "Power",
		Text:    fmt.Sprintf("Fraction of %d replicate trials with p < %s for %s (%s vs %s), by total n.", t.Power.Replicates, fmtG4(t.Alpha), a.Endpoint, a.Treatment, a.Control),
		Figures: []report.Figure{report.LineChart{Title: "Power curve", XLabel: "subjects per trial (n)", YLabel: "power", Series: []report.Series{s, lo, hi}}},
		Tables:  []report.Table{tab},
	}
}
