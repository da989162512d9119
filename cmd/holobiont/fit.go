package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/fit"
	"github.com/holobiont/holobiont/internal/jsonnum"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/series"
)

type fitOptions struct {
	data        dataFlags
	method      string
	out         string
	cv          string
	penalty     string
	bootstrap   int
	seed        uint64
	pseudo      float64
	minRel      float64
	minConsec   int
	minSubjects int
	site        string
	workers     int
	dtWeight    string
	scheme      string
	// label names the data set in outputs and messages instead of the
	// path read (a server job's upload name); progress, when set, counts
	// the fit and then each cross-validation fold.
	label    string
	progress func(done, total int)
}

func newFitCmd() *cobra.Command {
	var o fitOptions
	cmd := &cobra.Command{
		Use:   "fit DATA --out DIR",
		Short: "Learn community dynamics (gLV, cLV, ALR-linear) from longitudinal data; cross-validate forecasts",
		Long: `Fit learns the dynamics of a community from longitudinal samples of several subjects and
writes them as a holobiont model that 'holobiont run', cohorts, trials and 'sbml export' use.

DATA is one of
  an MDSINE2 input folder   metadata.tsv (sampleID, subject, time), counts.tsv or reads.tsv
                            (taxa x samples), qpcr.tsv (sampleID + any number of replicate
                            columns; optional), perturbations.tsv (name, start, end, subject;
                            optional; a perturbation acts on (start, end], MDSINE2's rule)
  an MDSINE folder          counts.txt, metadata.txt, biomass.txt (Bucci et al. 2016); a
                            sample's perturbID k > 0 sets input perturbation_k from that sample
                            to the next
  a count table             BIOM or TSV, with --metadata naming a QIIME 2 metadata file and
                            --subject-column, --time-column (and --biomass-columns,
                            --input-columns)
  a long-format folder      abundance.tsv (subject, time, taxon, abundance) and inputs.tsv
                            (subject, time, input, value), as ../shared/data/forecast
With qPCR or biomass the abundances are absolute (relative abundance x geometric mean of the
replicates); without, they are relative and only the relative methods apply (the command says
so). Taxa zero in every sample are dropped; taxa below the detection filter (relative
abundance >= --min-rel in --min-consecutive consecutive samples of --min-subjects subjects,
MDSINE2's consistency filter; defaults 1e-4, 2, 1; --min-rel 0 turns it off) are pooled into
one member "pooled_other". Both are listed.

Methods (d/dt of log abundance, or of log-ratios, regressed on the state by penalised least
squares on finite differences between consecutive samples):
  glv-ridge       gLV on absolute abundances, ridge penalty (Stein et al. 2013)
  glv-elasticnet  gLV on absolute abundances, elastic net (L1 ratio chosen too)
  glv-relative    gLV on relative abundances, ridge
  clv             compositional Lotka-Volterra (Joseph et al. 2020), ridge
  alr-linear      linear dynamics of additive log-ratios, ridge
  auto            (default) glv-ridge for absolute data, clv for relative data
Penalties are block-wise (growth, interactions, perturbations), each chosen from 10^-3..10^3
(half decades) by leave-one-subject-out inner cross-validation of forecasts (score: mean
square error of forecast relative abundances of held-out subjects), unless --penalty fixes
them. The choice is printed and kept in the model file. Zeros get a pseudo-count of 1e-3
relative abundance before logarithms (--pseudo-count), as in the cLV study. The regressors are
taken at each interval's start (--scheme euler, as Stein 2013 and the cLV study) or averaged over
its two ends (--scheme trapezoid: less bias on dense, clean data). --dt-weight Q weights each
interval's squared residual by dt^Q: 0 (default) weights intervals equally (Stein 2013), 2
fits the change of log abundance over the interval rather than its rate (the cLV study's code;
long gaps between samples count more); --dt-weight auto chooses Q from 0, 1, 2 with the
penalties by the inner cross-validation. Parameter intervals: --bootstrap refits on subjects resampled with replacement
(penalty fixed; seed --seed).

Outputs in DIR:
  model.yaml       the fitted holobiont model: one community member per taxon, growth rates
                   r.<member>, interactions a.<target>.<source>, input effects
                   e.<member>.<input>; every parameter evidence class C with the data set
                   hash, method, penalties, CV score and a 95% bootstrap interval
  bootstrap.tsv    the parameters of --bootstrap refits on subjects resampled with replacement
                   (penalty fixed); holobiont forecast draws its band from them
  parameters.tsv   id, kind, target, source, value, lo95, hi95
  penalties.tsv    every penalty tried by the inner cross-validation and its score
  fit.json         run record: version, data hash and files, options, seed, timings
With --cv loso, also (each subject held out in turn, its trajectory predicted from its first
sample and its inputs only; the penalty chosen on the other subjects alone):
  predictions.tsv  subject, time, taxon, observed, predicted (relative abundances), and
                   observed_abs, predicted_abs (data units) for absolute methods
  cv.tsv           per held-out subject: rmse_rel (cLV study: RMS difference of relative
                   abundances over taxa and samples after the first), logrmse_rel (MDSINE2:
                   sqrt(mean((log10(pred+1e-8) - log10(obs+1e-8))^2)) over samples with
                   obs > 1e-10, median over the subject's taxa), penalties, seconds
  cv-taxa.tsv      MDSINE2's error per held-out subject and taxon
and prints a table ending with
  median rmse_rel R, median logrmse_rel L over N held-out subjects
where L is the median over all held-out (subject, taxon) pairs, as MDSINE2 reports it.`,
		Example: `  holobiont fit ../shared/data/forecast/stein2013 --method glv-ridge --out stein-fit
  holobiont fit ../shared/data/forecast/stein2013 --method clv --cv loso --out stein-cv
  holobiont fit cohort-out/mdsine2 --method glv-elasticnet --bootstrap 200 --seed 7 --out fit
  holobiont fit ../shared/data/bucci2016/diet --method clv --cv loso --out diet-cv
  holobiont fit table.biom --metadata md.tsv --subject-column mouse --time-column day \
      --input-columns antibiotic --method clv --out fit
  holobiont fit data --penalty growth=0.1,interaction=1,perturbation=0.3 --out fixed
  holobiont run stein-fit/model.yaml --scenario my-scenario.yaml
  holobiont forecast stein-fit/model.yaml --data ../shared/data/forecast/stein2013 --subject mouse3`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fitMain(cmd.Context(), args[0], o, cmd.OutOrStdout(), cmd.ErrOrStderr())
			return err
		},
	}
	o.register(cmd.Flags())
	return cmd
}

// register declares fit's flags and their defaults (the CLI's and a server
// fit job's).
func (o *fitOptions) register(f *pflag.FlagSet) {
	o.data.register(f)
	f.StringVar(&o.method, "method", "auto", "glv-ridge, glv-elasticnet, glv-relative, clv, alr-linear or auto")
	f.StringVar(&o.out, "out", "", "output directory (required)")
	f.StringVar(&o.cv, "cv", "none", "cross-validation: none or loso (leave one subject out)")
	f.StringVar(&o.penalty, "penalty", "", "fix the penalties instead of choosing them: growth=G,interaction=A,perturbation=E[,l1=R]")
	f.IntVar(&o.bootstrap, "bootstrap", 100, "bootstrap replicates over subjects for parameter intervals and forecast bands (0: none)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the bootstrap resampling")
	f.Float64Var(&o.pseudo, "pseudo-count", fit.DefaultPseudoCount, "relative abundance added before logarithms")
	f.Float64Var(&o.minRel, "min-rel", series.DefaultFilter.MinRelative, "detection filter: relative abundance a taxon must reach (0: no filter)")
	f.IntVar(&o.minConsec, "min-consecutive", series.DefaultFilter.MinConsecutive, "detection filter: in this many consecutive samples")
	f.IntVar(&o.minSubjects, "min-subjects", series.DefaultFilter.MinSubjects, "detection filter: of this many subjects")
	f.StringVar(&o.site, "site", "gut", "site id of the fitted community in the model")
	f.IntVar(&o.workers, "workers", 0, "goroutines (0: all cores)")
	f.StringVar(&o.dtWeight, "dt-weight", "0", "weight each interval's squared residual by dt^Q: a number Q in [0, 4], or auto (Q from 0, 1, 2 chosen by inner cross-validation)")
	f.StringVar(&o.scheme, "scheme", "euler", "finite-difference scheme: euler (regressors at the interval's start, as Stein 2013 and the cLV study) or trapezoid (their mean over the interval's ends)")
}

// fitResult is what fitMain produced, for tests.
type fitResult struct {
	Model *fit.Model
	CV    *fit.CV
	Data  *series.Dataset
}

func parsePenalty(s string) (*fit.Penalty, error) {
	if s == "" {
		return nil, nil
	}
	p := &fit.Penalty{}
	seen := map[string]bool{}
	for _, kv := range splitList(s) {
		k, v, ok := strings.Cut(kv, "=")
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || err != nil || !(x >= 0) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("--penalty %q: want name=value with a finite value >= 0", kv)
		}
		switch k = strings.TrimSpace(k); k {
		case "growth":
			p.Growth = x
		case "interaction":
			p.Interaction = x
		case "perturbation":
			p.Perturbation = x
		case "l1":
			if x > 1 {
				return nil, fmt.Errorf("--penalty l1=%g: the L1 ratio must be in [0, 1]", x)
			}
			p.L1Ratio = x
		default:
			return nil, fmt.Errorf("--penalty: unknown block %q (want growth, interaction, perturbation, l1)", k)
		}
		seen[k] = true
	}
	for _, k := range []string{"growth", "interaction", "perturbation"} {
		if !seen[k] {
			return nil, fmt.Errorf("--penalty: give %s= too (every block needs a penalty)", k)
		}
	}
	return p, nil
}

func fitMain(ctx context.Context, dataPath string, o fitOptions, stdout, stderr io.Writer) (*fitResult, error) {
	if o.out == "" {
		return nil, fmt.Errorf("--out DIR is required")
	}
	if o.scheme != "euler" && o.scheme != "trapezoid" {
		return nil, fmt.Errorf("--scheme %q: want euler or trapezoid", o.scheme)
	}
	if o.cv != "none" && o.cv != "loso" {
		return nil, fmt.Errorf("--cv %q: want none or loso", o.cv)
	}
	if o.bootstrap < 0 {
		return nil, fmt.Errorf("--bootstrap %d: want >= 0", o.bootstrap)
	}
	if !(o.pseudo > 0 && o.pseudo < 1) {
		return nil, fmt.Errorf("--pseudo-count %g: want a value in (0, 1)", o.pseudo)
	}
	pen, err := parsePenalty(o.penalty)
	if err != nil {
		return nil, err
	}
	dtw, err := parseDtWeight(o.dtWeight, pen != nil)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	d, err := o.data.read(dataPath)
	if o.label != "" {
		if err != nil { // name the data set by its label, not the folder read
			err = errors.New(strings.ReplaceAll(err.Error(), filepath.Dir(dataPath)+string(filepath.Separator), ""))
		}
		dataPath = o.label
	}
	if err != nil {
		return nil, err
	}
	if o.minRel > 0 {
		if _, err := d.Filter(series.FilterOptions{MinRelative: o.minRel, MinConsecutive: o.minConsec, MinSubjects: o.minSubjects}); err != nil {
			return nil, fmt.Errorf("%s: %w", dataPath, err)
		}
	}
	kind := "relative abundances (no qPCR or biomass)"
	if d.Absolute {
		kind = "absolute abundances, " + d.Unit
	}
	fmt.Fprintf(stdout, "data %s (%s): %d subjects, %d samples, %d taxa, inputs [%s]; %s\n", dataPath, d.Format,
		len(d.Subjects), d.NumSamples(), len(d.Taxa), strings.Join(d.Inputs, ", "), kind)
	for _, n := range d.Notes {
		fmt.Fprintf(stdout, "  note: %s\n", n)
	}
	method, err := chooseMethod(o.method, d, stdout)
	if err != nil {
		return nil, err
	}
	opt := fit.Options{Method: method, Penalty: pen, PseudoCount: o.pseudo, Bootstrap: o.bootstrap, Seed: o.seed, Workers: o.workers, DtWeights: dtw, Trapezoid: o.scheme == "trapezoid"}
	t0 := time.Now()
	m, err := fit.Fit(ctx, d, opt)
	if err != nil {
		return nil, fmt.Errorf("fit %s: %w", dataPath, err)
	}
	fitSecs := time.Since(t0).Seconds()
	total := 1
	if o.cv == "loso" {
		total += len(d.Subjects)
	}
	if o.progress != nil {
		o.progress(1, total)
	}
	printPenalty(stdout, m)
	res := &fitResult{Model: m, Data: d}
	var cvSecs float64
	if o.cv == "loso" {
		t1 := time.Now()
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(stdout, "\nleave-one-subject-out cross-validation (%s; each subject forecast from its first sample and inputs):\n", method)
		fmt.Fprintln(tw, "subject\tsamples\trmse_rel\tlogrmse_rel\tpenalty g/a/e\tinner rmse\tseconds\t")
		folds := 0
		row := func(f fit.Fold) {
			if folds++; o.progress != nil {
				o.progress(1+folds, total)
			}
			note := ""
			if f.Diverged != "" {
				note = "  diverged: " + f.Diverged
			}
			fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.3f\t%s\t%.4f\t%.2f\t%s\n", f.Subject, len(f.Times), f.RMSE, f.LogRMSE, penText(f.Penalty), f.InnerRMSE, f.Seconds, note)
		}
		if res.CV, err = fit.CrossValidate(ctx, d, opt, row); err != nil {
			return nil, err
		}
		tw.Flush()
		cvSecs = time.Since(t1).Seconds()
	}
	if err := writeFit(ctx, o, dataPath, d, res, fitSecs, cvSecs, time.Since(start).Seconds()); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "\nwrote %s (model.yaml, bootstrap.tsv, parameters.tsv, penalties.tsv, fit.json", o.out)
	if res.CV != nil {
		fmt.Fprint(stdout, ", predictions.tsv, cv.tsv, cv-taxa.tsv")
	}
	fmt.Fprintln(stdout, ")")
	if res.CV != nil {
		fmt.Fprintf(stdout, "median rmse_rel %.4f, median logrmse_rel %.3f over %d held-out subjects\n",
			res.CV.MedianRMSE(), res.CV.MedianLogRMSE(), len(res.CV.Folds))
	}
	return res, nil
}

// chooseMethod resolves --method, saying what auto chose and refusing
// absolute methods on relative data.
func chooseMethod(name string, d *series.Dataset, stdout io.Writer) (fit.Method, error) {
	if name == "auto" {
		m := fit.GLVRidge
		why := "the abundances are absolute"
		if !d.Absolute {
			m, why = fit.CLV, "there are no absolute abundances (no qPCR or biomass), so a relative-data method applies"
		}
		fmt.Fprintf(stdout, "method %s (auto: %s)\n", m, why)
		return m, nil
	}
	m, err := fit.ParseMethod(name)
	if err != nil {
		return "", fmt.Errorf("--method: %w (or auto)", err)
	}
	if m.Absolute() && !d.Absolute {
		return "", fmt.Errorf("--method %s needs absolute abundances (qPCR or biomass), but %s has relative abundances only; use glv-relative, clv or alr-linear (relative-data methods)", m, d.Name)
	}
	return m, nil
}

func penText(p fit.Penalty) string {
	s := fmt.Sprintf("%.3g/%.3g/%.3g", p.Growth, p.Interaction, p.Perturbation)
	if p.L1Ratio > 0 {
		s += fmt.Sprintf(" l1 %.2g", p.L1Ratio)
	}
	return s
}

// parseDtWeight reads --dt-weight: a number in [0, 4] or auto.
func parseDtWeight(s string, penaltyGiven bool) ([]float64, error) {
	if s == "auto" {
		if penaltyGiven {
			return nil, fmt.Errorf("--dt-weight auto chooses the weight with the penalties by cross-validation: leave --penalty out or give a number")
		}
		return fit.DtWeightsAuto(), nil
	}
	q, err := strconv.ParseFloat(s, 64)
	if err != nil || !(q >= 0 && q <= 4) {
		return nil, fmt.Errorf("--dt-weight %q: want a number in [0, 4] or auto", s)
	}
	return []float64{q}, nil
}

func printPenalty(w io.Writer, m *fit.Model) {
	if m.Selection == nil {
		fmt.Fprintf(w, "penalties (given): growth %g, interactions %g, perturbations %g", m.Penalty.Growth, m.Penalty.Interaction, m.Penalty.Perturbation)
	} else {
		fmt.Fprintf(w, "penalties chosen by %d-fold inner cross-validation over %d candidates: growth %g, interactions %g, perturbations %g",
			m.Selection.Folds, len(m.Selection.Tried), m.Penalty.Growth, m.Penalty.Interaction, m.Penalty.Perturbation)
	}
	if m.Penalty.L1Ratio > 0 {
		fmt.Fprintf(w, ", L1 ratio %g", m.Penalty.L1Ratio)
	}
	if m.Selection != nil {
		fmt.Fprintf(w, " (inner-CV rmse_rel %.4f)", m.Selection.RMSE())
	}
	fmt.Fprintln(w)
	if len(m.DtWeightsTried) > 0 {
		fmt.Fprintf(w, "interval weight dt^%g chosen with the penalties (tried %v)\n", m.DtWeight, m.DtWeightsTried)
	} else if m.DtWeight != 0 {
		fmt.Fprintf(w, "interval weight dt^%g\n", m.DtWeight)
	}
	if m.Denominator != "" {
		fmt.Fprintf(w, "log-ratio denominator: %s\n", m.Denominator)
	}
}

// fitRecord is fit.json.
type fitRecord struct {
	Version      string               `json:"holobiont_version"`
	Command      string               `json:"command"`
	Data         string               `json:"data"`
	DataFormat   string               `json:"data_format"`
	DataSHA256   string               `json:"data_sha256"`
	DataFiles    []string             `json:"data_files"`
	DataNotes    []string             `json:"data_notes"`
	Absolute     bool                 `json:"absolute"`
	Method       string               `json:"method"`
	Penalty      fit.Penalty          `json:"penalty"`
	PenaltyGiven bool                 `json:"penalty_given"`
	InnerFolds   int                  `json:"inner_folds,omitempty"`
	DtWeight     float64              `json:"dt_weight"`
	DtWeights    []float64            `json:"dt_weights_tried,omitempty"`
	InnerRMSE    *float64             `json:"inner_cv_rmse_rel,omitempty"`
	Bootstrap    int                  `json:"bootstrap"`
	Seed         uint64               `json:"seed"`
	PseudoCount  float64              `json:"pseudo_count"`
	Filter       series.FilterOptions `json:"filter"`
	Subjects     int                  `json:"subjects"`
	Samples      int                  `json:"samples"`
	Taxa         int                  `json:"taxa"`
	CV           *cvRecord            `json:"cv,omitempty"`
	Seconds      map[string]float64   `json:"seconds"`
}

type cvRecord struct {
	Scheme        string        `json:"scheme"`
	Subjects      int           `json:"held_out_subjects"`
	MedianRMSE    jsonnum.Float `json:"median_rmse_rel"`
	MedianLogRMSE jsonnum.Float `json:"median_logrmse_rel"`
}

// writeFit writes every output file; each appears whole or not at all.
func writeFit(ctx context.Context, o fitOptions, dataPath string, d *series.Dataset, res *fitResult, fitSecs, cvSecs, total float64) error {
	m := res.Model
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	first := d.Subjects[0].Abundance[0]
	file, err := m.File(fit.Provenance{Data: d.Name, DataFormat: d.Format, DataSHA256: d.SHA256, DataUnit: d.Unit, Notes: d.Notes,
		Version: version, Site: o.site, Seed: o.seed}, first)
	if err != nil {
		return err
	}
	files := map[string]func(w *bufio.Writer) error{
		"model.yaml":     func(w *bufio.Writer) error { return modelfile.WriteCommunityFile(w, file) },
		"parameters.tsv": func(w *bufio.Writer) error { return writeFitParameters(w, m) },
		"bootstrap.tsv":  func(w *bufio.Writer) error { return writeFitBootstrap(w, m) },
		"penalties.tsv":  func(w *bufio.Writer) error { return writeFitPenalties(w, m) },
	}
	rec := newFitRecord(o, dataPath, d, m, fitSecs, total)
	if cv := res.CV; cv != nil {
		rec.CV = &cvRecord{Scheme: "leave-one-subject-out", Subjects: len(cv.Folds), MedianRMSE: jsonnum.Float(cv.MedianRMSE()), MedianLogRMSE: jsonnum.Float(cv.MedianLogRMSE())}
		rec.Seconds["cv"] = cvSecs
		files["predictions.tsv"] = func(w *bufio.Writer) error { return writePredictions(w, d, cv) }
		files["cv.tsv"] = func(w *bufio.Writer) error { return writeFitCV(w, cv) }
		files["cv-taxa.tsv"] = func(w *bufio.Writer) error { return writeFitCVTaxa(w, d, cv) }
	}
	files["fit.json"] = func(w *bufio.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rec)
	}
	order := []string{"parameters.tsv", "bootstrap.tsv", "penalties.tsv", "predictions.tsv", "cv.tsv", "cv-taxa.tsv", "model.yaml", "fit.json"}
	for _, name := range order {
		write, ok := files[name]
		if !ok {
			continue
		}
		if name == "bootstrap.tsv" && len(m.Replicates) == 0 {
			os.Remove(filepath.Join(o.out, name))
			continue
		}
		if err := safefile.WriteWithContext(ctx, filepath.Join(o.out, name), write); err != nil {
			return err
		}
	}
	return nil
}

// newFitRecord is fit.json without its cross-validation part. No output
// records a path of this machine (holobiont.RecordedName).
func newFitRecord(o fitOptions, dataPath string, d *series.Dataset, m *fit.Model, fitSecs, total float64) fitRecord {
	dataName := holobiont.RecordedName(dataPath)
	dataFiles := make([]string, len(d.Files))
	for i, f := range d.Files {
		dataFiles[i] = holobiont.RecordedName(f)
	}
	rec := fitRecord{Version: version, Command: "holobiont fit " + dataName + " --method " + string(m.Method), Data: dataName, DataFormat: d.Format,
		DataSHA256: d.SHA256, DataFiles: dataFiles, DataNotes: d.Notes, Absolute: d.Absolute, Method: string(m.Method), Penalty: m.Penalty,
		PenaltyGiven: m.Selection == nil, Bootstrap: o.bootstrap, Seed: o.seed, PseudoCount: m.PseudoCount,
		DtWeight: m.DtWeight, DtWeights: m.DtWeightsTried,
		Filter:   series.FilterOptions{MinRelative: o.minRel, MinConsecutive: o.minConsec, MinSubjects: o.minSubjects},
		Subjects: len(d.Subjects), Samples: d.NumSamples(), Taxa: len(d.Taxa),
		Seconds: map[string]float64{"fit": fitSecs, "total": total}}
	if m.Selection != nil {
		rec.InnerFolds, rec.InnerRMSE = m.Selection.Folds, jsonnum.Ptr(m.Selection.RMSE())
	}
	return rec
}

// writeFitParameters writes parameters.tsv: each parameter's kind, target,
// source, estimate and 95% interval.
func writeFitParameters(w *bufio.Writer, m *fit.Model) error {
	w.WriteString("id\tkind\ttarget\tsource\tvalue\tlo95\thi95\n")
	vec := m.Vector()
	for k, id := range m.ParamIDs() {
		parts := strings.SplitN(id, ".", 3)
		kind := map[string]string{"r": "growth", "a": "interaction", "e": "perturbation"}[parts[0]]
		src := ""
		if len(parts) == 3 {
			src = parts[2]
		}
		lo, hi := m.Interval(k)
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, kind, parts[1], src, fitNum(vec[k]), fitNum(lo), fitNum(hi))
	}
	return nil
}

// writeFitBootstrap writes bootstrap.tsv: one row of parameters per
// replicate.
func writeFitBootstrap(w *bufio.Writer, m *fit.Model) error {
	w.WriteString("replicate\t" + strings.Join(m.ParamIDs(), "\t") + "\n")
	for b, v := range m.Replicates {
		w.WriteString(strconv.Itoa(b + 1))
		for _, x := range v {
			w.WriteString("\t" + fitNum(x))
		}
		w.WriteByte('\n')
	}
	return nil
}

// writeFitPenalties writes penalties.tsv: every penalty tried and its
// inner cross-validation error, or the one given.
func writeFitPenalties(w *bufio.Writer, m *fit.Model) error {
	w.WriteString("growth\tinteraction\tperturbation\tl1_ratio\tinner_cv_mse\tchosen\n")
	if m.Selection == nil {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t\tgiven\n", fitNum(m.Penalty.Growth), fitNum(m.Penalty.Interaction), fitNum(m.Penalty.Perturbation), fitNum(m.Penalty.L1Ratio))
		return nil
	}
	for _, c := range m.Selection.Tried {
		ch := ""
		if c.Penalty == m.Penalty {
			ch = "yes"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", fitNum(c.Penalty.Growth), fitNum(c.Penalty.Interaction), fitNum(c.Penalty.Perturbation), fitNum(c.Penalty.L1Ratio), fitNum(c.Score), ch)
	}
	return nil
}

// writeFitCV writes cv.tsv: each held-out subject's errors and the
// settings its fold chose.
func writeFitCV(w *bufio.Writer, cv *fit.CV) error {
	w.WriteString("subject\tsamples\trmse_rel\tlogrmse_rel\tlogrmse_abs\tpenalty_growth\tpenalty_interaction\tpenalty_perturbation\tl1_ratio\tdt_weight\tinner_cv_rmse_rel\tseconds\tdiverged\n")
	for _, f := range cv.Folds {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.3f\t%s\n", f.Subject, len(f.Times), fitNum(f.RMSE), fitNum(f.LogRMSE), fitNum(f.LogRMSEAbs),
			fitNum(f.Penalty.Growth), fitNum(f.Penalty.Interaction), fitNum(f.Penalty.Perturbation), fitNum(f.Penalty.L1Ratio), fitNum(f.DtWeight), fitNum(f.InnerRMSE), f.Seconds, f.Diverged)
	}
	return nil
}

// writeFitCVTaxa writes cv-taxa.tsv: each held-out subject's error per
// taxon.
func writeFitCVTaxa(w *bufio.Writer, d *series.Dataset, cv *fit.CV) error {
	w.WriteString("subject\ttaxon\tlogrmse_rel\n")
	for _, f := range cv.Folds {
		for i, t := range d.Taxa {
			fmt.Fprintf(w, "%s\t%s\t%s\n", f.Subject, t, fitNum(f.LogTaxa[i]))
		}
	}
	return nil
}

func fitNum(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	if math.IsInf(v, 1) {
		return "Inf"
	}
	return strconv.FormatFloat(v, 'g', 10, 64)
}

// writePredictions writes predictions.tsv.
func writePredictions(w *bufio.Writer, d *series.Dataset, cv *fit.CV) error {
	abs := d.Absolute && cv.Method.Absolute()
	w.WriteString("subject\ttime\ttaxon\tobserved\tpredicted")
	if abs {
		w.WriteString("\tobserved_abs\tpredicted_abs")
	}
	w.WriteByte('\n')
	for _, f := range cv.Folds {
		for k, t := range f.Times {
			for i, tx := range d.Taxa {
				pred := math.NaN()
				if f.Predicted != nil {
					pred = f.Predicted[k][i]
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s", f.Subject, fitNum(t), tx, fitNum(f.Observed[k][i]), fitNum(pred))
				if abs {
					pa := math.NaN()
					if f.PredictedAbs != nil {
						pa = f.PredictedAbs[k][i]
					}
					fmt.Fprintf(w, "\t%s\t%s", fitNum(f.ObservedAbs[k][i]), fitNum(pa))
				}
				w.WriteByte('\n')
			}
		}
	}
	return nil
}
