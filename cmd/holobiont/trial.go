package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/report"
)

func newTrialCmd() *cobra.Command {
	var out, shard, progress string
	var workers int
	var noPower bool
	cmd := &cobra.Command{
		Use:   "trial SPEC.yaml",
		Short: "Run a randomised in-silico trial with analysis and a power curve",
		Long: `trial simulates a randomised trial: the spec is a cohort spec (population,
sampling, measurements, endpoints) plus named interventions (the scenario
syntax: probiotic, antibiotic, emollient, stress, diet), arms that reference
them (placebo = an arm with none), and seeded stratified permuted-block
randomisation over categorical covariates.

Every endpoint is computed from what the trial measures, never from the
noise-free model: an endpoint of a model variable (host.eczema_severity,
host.wellbeing, ...) uses the readings of the spec's measurement of that
variable, on the instrument's scale with its noise (scorad, easi, pss10,
cortisol, ... or a custom variable with noise_sd; measured_by: {ENDPOINT:
MEASUREMENT} picks one); shannon(SITE) and rel(SITE.MEMBER) use the read
counts of the SITE sample at the sampled depth (the trial sequences SITE at
the times the endpoint needs). A baseline endpoint and the baseline of a
change share one reading. Readings come from streams keyed by (seed,
subject, purpose), so outputs are identical for any --workers or --shard.
subjects.csv also holds latent_NAME for every endpoint NAME: the same
summary of the noise-free model value (ground truth; analyses and the
power study may name it, but a real trial could not).

For each analysis (endpoint, control arm, treatment arm) it reports the
difference in means with a Welch 95% CI and p, ANCOVA on a baseline
endpoint, and responder rates (below/above a threshold) with a Wald CI and
the two-proportion z test. With a power section it repeats the trial
power.replicates times with fresh subjects at every n, measured the same
way, and reports the fraction reaching p < alpha (Wilson 95% CI) as a
power curve (test: welch or ancova on the analysis' baseline).

Writes to --out DIR everything ` + "`holobiont cohort`" + ` writes (with an arm
column; mdsine/ and mdsine2/ record each arm's intervention windows as
perturbations), plus analysis.tsv, power.tsv and report.html (figures: each
endpoint by arm, the power curve); manifest.json last. Arms that name a
missing intervention, invalid interventions and the cohort spec's problems
are reported as FILE:LINE:COL of the spec before anything is simulated.`,
		Example: `  holobiont trial examples/trial-probiotic-eczema.yaml --out trial   # power study: 24,000 more subjects, minutes
  # spec excerpt: SCORAD change measured with the scorad instrument, ANCOVA on measured baseline
  #   measurements: [{name: scorad, instrument: scorad, times: [0, 56]}]
  #   endpoints:
  #     - {name: scorad_baseline, variable: host.eczema_severity, time: 0}
  #     - {name: scorad_change, variable: host.eczema_severity, stat: change, from: 0, time: 56}
  #   analysis: [{endpoint: scorad_change, baseline: scorad_baseline, control: placebo, treatment: probiotic}]
  holobiont trial examples/trial-probiotic-eczema.yaml --out quick --no-power
  holobiont trial examples/trial-probiotic-eczema.yaml --out t0 --shard 0/2
  holobiont trial examples/trial-probiotic-eczema.yaml --out t1 --shard 1/2
  holobiont merge t0 t1 --spec examples/trial-probiotic-eczema.yaml --out merged --no-power   # = quick, byte for byte`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out DIR is required")
			}
			if err := checkProgressFlag(progress); err != nil {
				return err
			}
			sh, err := cohort.ParseShard(shard)
			if err != nil {
				return err
			}
			ts, err := cohort.LoadTrialSpec(args[0])
			if err != nil {
				return err
			}
			tp, err := cohort.CompileTrial(ts)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return runTrial(ctx, tp, out, sh, workers, progress, noPower, cmd.ErrOrStderr(), cmd.OutOrStdout(), nil)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().IntVar(&workers, "workers", 0, "parallel subjects (0 = all cores)")
	cmd.Flags().StringVar(&shard, "shard", "", "run part i/N (0-based) of the trial's subjects (holobiont merge --spec runs the analysis)")
	cmd.Flags().StringVar(&progress, "progress", "auto", "progress bar: auto (on terminals), always, never")
	cmd.Flags().BoolVar(&noPower, "no-power", false, "skip the power study")
	return cmd
}

func fmtG(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }

// runTrial runs a trial into out; onProgress (may be nil) is told the
// subjects done of the total, the trial's and then the power study's.
func runTrial(ctx context.Context, tp *cohort.TrialPlan, out string, sh cohort.Shard, workers int, progress string, noPower bool, stderr, stdout io.Writer, onProgress func(done, total int)) error {
	opt := cohort.Options{Workers: workers, Shard: sh, Version: version}
	bar, err := newProgressBar(ctx, progress, "subjects ", stderr)
	if err != nil {
		return err
	}
	opt.Progress = bar.update
	if onProgress != nil {
		opt.Progress = func(done, total int) { bar.update(done, total); onProgress(done, total) }
	}
	err = tp.RunTrial(ctx, out, opt)
	bar.finish(err)
	if err != nil {
		return err
	}
	if sh.N > 1 {
		fmt.Fprintf(stdout, "trial shard %d/%d done: %s\n", sh.I, sh.N, out)
		return nil
	}
	mpath := filepath.Join(out, cohort.FileManifest)
	mb, err := os.ReadFile(mpath)
	if err != nil {
		return err
	}
	var man cohort.Manifest
	if err := json.Unmarshal(mb, &man); err != nil {
		return err
	}
	os.Remove(mpath) // rewritten below, after the analysis files
	subs, err := cohort.ReadSubjects(out)
	if err != nil {
		return err
	}
	res, err := tp.Analyse(subs)
	if err != nil {
		return err
	}
	var pts []cohort.PowerPoint
	if tp.Trial.Power != nil && !noPower {
		if workers <= 0 {
			workers = max(1, numCPU())
		}
		pbar, err := newProgressBar(ctx, progress, "power study subjects ", stderr)
		if err != nil {
			return err
		}
		update := pbar.update
		if onProgress != nil {
			update = func(done, total int) { pbar.update(done, total); onProgress(done, total) }
		}
		pts, err = tp.PowerCurve(ctx, workers, update)
		pbar.finish(err)
		if err != nil {
			return err
		}
	}
	var ab bytes.Buffer
	ab.WriteString("endpoint\tcontrol\ttreatment\tn_control\tn_treatment\tmean_control\tmean_treatment\tmethod\teffect\tci_low\tci_high\tp\n")
	row := func(r cohort.AnalysisResult, method string, e cohort.Estimate) {
		fmt.Fprintf(&ab, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Endpoint, r.Control, r.Treatment, r.NControl, r.NTreatment,
			fmtG(r.MeanControl), fmtG(r.MeanTreat), method, fmtG(e.Effect), fmtG(e.Low), fmtG(e.High), fmtG(e.P))
	}
	for _, r := range res {
		row(r, "welch_difference", r.Diff)
		if r.Ancova != nil {
			row(r, "ancova("+r.Baseline+")", *r.Ancova)
		}
		if r.Responders != nil {
			row(r, fmt.Sprintf("responders(%s vs %s)", fmtG(r.RespControl), fmtG(r.RespTreat)), *r.Responders)
		}
	}
	if err := safefile.WriteFile(filepath.Join(out, "analysis.tsv"), ab.Bytes()); err != nil {
		return err
	}
	man.Files["analysis.tsv"] = sha(ab.Bytes())
	page := &report.Page{Title: "In-silico trial: " + tp.Trial.Name,
		Subtitle: fmt.Sprintf("%d subjects, %d arms, seed %d", tp.Trial.N, len(tp.Trial.Arms), tp.Trial.Seed),
		Meta: [][2]string{{"spec", tp.Trial.File}, {"spec hash", man.SpecHash}, {"alpha", fmtG(tp.Trial.Alpha)},
			{"holobiont", man.Provenance.Version}, {"model", man.Provenance.Model + " (sha256 " + short(man.Provenance.ModelHash) + ")"},
			{"solver", fmt.Sprintf("%s, rtol %g, atol %g", man.Provenance.Solver.Method, man.Provenance.Solver.RTol, man.Provenance.Solver.ATol)}}}
	var armRows [][]string
	for _, a := range tp.Trial.Arms {
		armRows = append(armRows, []string{a.Name, strings.Join(a.Interventions, ", "), strconv.Itoa(a.Ratio)})
	}
	page.Sections = append(page.Sections, report.Section{Heading: "Arms", Tables: []report.Table{{Header: []string{"arm", "interventions", "ratio"}, Rows: armRows}}})
	for _, r := range res {
		t := report.Table{Header: []string{"method", "effect", "95% CI", "p"}}
		t.Rows = append(t.Rows, []string{"difference in means (Welch)", fmtG(r.Diff.Effect), "[" + fmtG(r.Diff.Low) + ", " + fmtG(r.Diff.High) + "]", fmtG(r.Diff.P)})
		if r.Ancova != nil {
			t.Rows = append(t.Rows, []string{"ANCOVA on " + r.Baseline, fmtG(r.Ancova.Effect), "[" + fmtG(r.Ancova.Low) + ", " + fmtG(r.Ancova.High) + "]", fmtG(r.Ancova.P)})
		}
		if r.Responders != nil {
			t.Rows = append(t.Rows, []string{fmt.Sprintf("responder rate difference (%s vs %s)", fmtG(r.RespTreat), fmtG(r.RespControl)), fmtG(r.Responders.Effect), "[" + fmtG(r.Responders.Low) + ", " + fmtG(r.Responders.High) + "]", fmtG(r.Responders.P)})
		}
		page.Sections = append(page.Sections, report.Section{
			Heading: fmt.Sprintf("%s: %s vs %s", r.Endpoint, r.Treatment, r.Control),
			Text:    fmt.Sprintf("n = %d (%s) and %d (%s); means %s and %s.", r.NControl, r.Control, r.NTreatment, r.Treatment, fmtG(r.MeanControl), fmtG(r.MeanTreat)),
			Figures: []report.Figure{report.BoxPlot{Title: r.Endpoint + " by arm", YLabel: r.Endpoint, Groups: []string{r.Control, r.Treatment}, Values: [][]float64{r.ControlValues, r.TreatValues}}},
			Tables:  []report.Table{t},
		})
	}
	if len(pts) > 0 {
		var pb bytes.Buffer
		pb.WriteString("n\treplicates\tsignificant\tpower\tci_low\tci_high\tmean_effect\n")
		s := report.Series{Name: "power"}
		lo, hi := report.Series{Name: "95% CI low"}, report.Series{Name: "95% CI high"}
		t := report.Table{Header: []string{"n", "power", "95% CI", "mean effect"}}
		for _, p := range pts {
			fmt.Fprintf(&pb, "%d\t%d\t%d\t%s\t%s\t%s\t%s\n", p.N, p.Replicates, p.Significant, fmtG(p.Power), fmtG(p.Low), fmtG(p.High), fmtG(p.MeanEffect))
			s.X, s.Y = append(s.X, float64(p.N)), append(s.Y, p.Power)
			lo.X, lo.Y = append(lo.X, float64(p.N)), append(lo.Y, p.Low)
			hi.X, hi.Y = append(hi.X, float64(p.N)), append(hi.Y, p.High)
			t.Rows = append(t.Rows, []string{strconv.Itoa(p.N), fmtG(p.Power), "[" + fmtG(p.Low) + ", " + fmtG(p.High) + "]", fmtG(p.MeanEffect)})
		}
		if err := safefile.WriteFile(filepath.Join(out, "power.tsv"), pb.Bytes()); err != nil {
			return err
		}
		man.Files["power.tsv"] = sha(pb.Bytes())
		a := tp.Trial.Analysis[tp.Trial.Power.Analysis]
		page.Sections = append(page.Sections, report.Section{
			Heading: "Power",
			Text:    fmt.Sprintf("Fraction of %d replicate trials with p < %s for %s (%s vs %s), by total n.", tp.Trial.Power.Replicates, fmtG(tp.Trial.Alpha), a.Endpoint, a.Treatment, a.Control),
			Figures: []report.Figure{report.LineChart{Title: "Power curve", XLabel: "subjects per trial (n)", YLabel: "power", Series: []report.Series{s, lo, hi}}},
			Tables:  []report.Table{t},
		})
	}
	var hb bytes.Buffer
	if err := page.WriteHTML(&hb); err != nil {
		return err
	}
	if err := safefile.WriteFile(filepath.Join(out, "report.html"), hb.Bytes()); err != nil {
		return err
	}
	man.Files["report.html"] = sha(hb.Bytes())
	nb, _ := json.MarshalIndent(&man, "", " ")
	if err := safefile.WriteFile(mpath, append(nb, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "trial %q: %d subjects -> %s\n", tp.Trial.Name, tp.Trial.N, out)
	for _, r := range res {
		fmt.Fprintf(stdout, "  %s %s vs %s: difference %s [%s, %s], p = %s\n", r.Endpoint, r.Treatment, r.Control, fmtG(r.Diff.Effect), fmtG(r.Diff.Low), fmtG(r.Diff.High), fmtG(r.Diff.P))
	}
	for _, p := range pts {
		fmt.Fprintf(stdout, "  power at n = %d: %s [%s, %s]\n", p.N, fmtG(p.Power), fmtG(p.Low), fmtG(p.High))
	}
	return nil
}
