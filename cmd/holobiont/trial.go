package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/cohort"
)

func newTrialCmd() *cobra.Command {
	var out, shard, progress, ensemble string
	var workers, uncertainty int
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
noise-free model: an endpoint of a model variable (host.scorad, host.phq9,
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

Endpoint stats: value (at time), change (time minus from), percent_change
(that change as a percentage of the value at from; empty where the reading
at from is 0, and such a subject drops out of that endpoint's analyses),
max, min, mean (over from..to) and detect (above threshold).

For each analysis (endpoint, control arm, treatment arm) it reports the
difference in means with a Welch 95% CI and p, ANCOVA on a baseline
endpoint, and responder rates (below/above a threshold) with a Wald CI and
the two-proportion z test; a responder threshold on a percent_change is a
PASI75- or EASI-75-style response (below: -74.99: at least 75% better). With a power section it repeats the trial
power.replicates times with fresh subjects at every n, measured the same
way, and reports the fraction reaching p < alpha (Wilson 95% CI) as a
power curve (test: welch or ancova on the analysis' baseline).

Writes to --out DIR everything ` + "`holobiont cohort`" + ` writes (with an arm
column; mdsine/ and mdsine2/ record each arm's intervention windows as
perturbations), plus analysis.tsv, power.tsv and report.html (figures: each
endpoint by arm, the power curve); manifest.json last. Arms that name a
missing intervention, invalid interventions and the cohort spec's problems
are reported as FILE:LINE:COL of the spec before anything is simulated.

--uncertainty N asks how sure the answer is, given the calibration: it
simulates the trial's subjects in every arm (the same subjects and
measurement noise, so an effect is the average treatment effect over them)
at the point estimate and at N-1 parameter sets of the model's calibration
ensemble (MODEL.ensemble.tsv beside the spec's model, the shipped model's,
or --ensemble FILE). The ensemble's parameters that the spec samples per
subject keep their population distribution, scaled by the set's value over
the model's; parameters the scenario sets are not varied. Every analysis
method then gets its effect, the power of a trial of this size and the
subjects per arm for 80% power at alpha (two equal arms, normal
approximation from the effect and the endpoint's per-subject variance),
each with the 2.5-97.5% interval over the N runs, widened to hold the point
estimate: in uncertainty.json, a printed table and the report (a forest plot
of the effects and a table). Each run costs the trial's subjects times its
arms (the shipped example, 120 subjects in 3 arms: about 1.3 CPU-s per run,
26 CPU-s for N = 20); the power study is not repeated.`,
		Example: `  holobiont trial examples/trial-probiotic-eczema.yaml --out trial   # power study: 24,000 more subjects, minutes
  # spec excerpt: SCORAD change measured with the scorad instrument, ANCOVA on measured baseline
  #   measurements: [{name: scorad, instrument: scorad, times: [0, 56]}]
  #   endpoints:
  #     - {name: scorad_baseline, variable: host.scorad, time: 0}
  #     - {name: scorad_change, variable: host.scorad, stat: change, from: 0, time: 56}
  #   analysis: [{endpoint: scorad_change, baseline: scorad_baseline, control: placebo, treatment: probiotic}]
  holobiont trial examples/trial-probiotic-eczema.yaml --out quick --no-power
  holobiont trial examples/trial-probiotic-eczema.yaml --out unc --no-power --uncertainty 20   # ~26 CPU-s
  # uncertainty: 20 runs (the point estimate and 19 parameter sets of shipped:gut-skin-brain.ensemble.tsv); 95% intervals:
  #   analysis                                                    effect                       power                       n per arm (80% power)
  #   scorad_change probiotic vs placebo ancova(scorad_baseline)  -0.06862 [-0.2586, -0.0344]  0.05086 [0.05022, 0.06209]  4.196e+04 [2993, 1.668e+05]
  #   scorad_change emollient vs placebo ancova(scorad_baseline)  -0.6443 [-0.747, -0.636]     0.1293 [0.1272, 0.1549]     477 [363, 489]
  holobiont trial examples/trial-probiotic-eczema.yaml --out unc2 --uncertainty 5 --ensemble calibration/ensemble.tsv
  holobiont trial examples/trial-probiotic-psoriasis.yaml --out ps --no-power --uncertainty 20   # PASI change and PASI75, ~7 CPU-s
  #   endpoints: [{name: pasi_pct, variable: host.pasi, stat: percent_change, from: 0, time: 84}]
  #   analysis: [{endpoint: pasi_pct, control: placebo, treatment: probiotic, responder: {below: -74.99}}]
  holobiont trial examples/trial-probiotic-mood.yaml --out mood --no-power --uncertainty 20      # PHQ-9, GAD-7, ~9 CPU-s
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
			if err := checkUncertainty(uncertainty); err != nil {
				return err
			}
			if uncertainty > 0 && sh.N > 1 {
				return fmt.Errorf("--uncertainty %d with --shard %s: the ensemble runs the whole trial; run it without --shard", uncertainty, shard)
			}
			if err := checkKind(args[0], holobiont.KindTrial); err != nil {
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
			ens, err := trialEnsemble(tp, ensemble, uncertainty)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return runTrial(ctx, tp, out, sh, workers, progress, noPower, cmd.ErrOrStderr(), cmd.OutOrStdout(), nil, ens)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().IntVar(&workers, "workers", 0, "parallel subjects (0 = all cores)")
	cmd.Flags().StringVar(&shard, "shard", "", "run part i/N (0-based) of the trial's subjects (holobiont merge --spec runs the analysis)")
	cmd.Flags().StringVar(&progress, "progress", "auto", "progress bar: auto (on terminals), always, never")
	cmd.Flags().BoolVar(&noPower, "no-power", false, "skip the power study")
	cmd.Flags().IntVar(&uncertainty, "uncertainty", 0, uncertaintyHelp)
	cmd.Flags().StringVar(&ensemble, "ensemble", "", "ensemble of parameter sets for --uncertainty (default: MODEL.ensemble.tsv beside the spec's model, or the shipped model's)")
	return cmd
}

func fmtG(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }

// runTrial runs the trial's subjects into out (or one shard of them) and,
// for a whole trial, finishes it (cohort.TrialPlan.Finish: analysis, power
// study, report, manifest) and prints the results. onProgress (may be nil)
// is told the subjects done of the total, the trial's and then the power
// study's.
func runTrial(ctx context.Context, tp *cohort.TrialPlan, out string, sh cohort.Shard, workers int, progress string, noPower bool, stderr, stdout io.Writer, onProgress func(done, total int), ens *cohort.Ensemble) error {
	opt := cohort.Options{Workers: workers, Shard: sh, Version: version, Warn: warnTo(stderr)}
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
	fo := cohort.FinishOptions{Workers: workers, NoPower: noPower, Ensemble: ens}
	var pbar *progressBar
	if tp.Trial.Power != nil && !noPower {
		if pbar, err = newProgressBar(ctx, progress, "power study subjects ", stderr); err != nil {
			return err
		}
		fo.Progress = pbar.update
		if onProgress != nil {
			fo.Progress = func(done, total int) { pbar.update(done, total); onProgress(done, total) }
		}
	}
	var ebar *progressBar
	if ens != nil {
		// the ensemble runs after the power study: its bar starts then
		fo.EnsembleProgress = func(done, total int) {
			if ebar == nil {
				pbar.finish(nil)
				pbar = nil
				ebar, _ = newProgressBar(ctx, progress, "ensemble subjects ", stderr) // the mode was checked above
			}
			ebar.update(done, total)
		}
	}
	res, err := tp.Finish(ctx, out, fo)
	pbar.finish(err)
	ebar.finish(err)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "trial %q: %d subjects -> %s\n", tp.Trial.Name, tp.Trial.N, out)
	for _, r := range res.Analyses {
		fmt.Fprintf(stdout, "  %s %s vs %s: difference %s [%s, %s], p = %s\n", r.Endpoint, r.Treatment, r.Control, fmtG(r.Diff.Effect), fmtG(r.Diff.Low), fmtG(r.Diff.High), fmtG(r.Diff.P))
	}
	for _, p := range res.Power {
		fmt.Fprintf(stdout, "  power at n = %d: %s [%s, %s]\n", p.N, fmtG(p.Power), fmtG(p.Low), fmtG(p.High))
	}
	if res.Uncertainty != nil {
		printTrialUncertainty(stdout, res.Uncertainty)
	}
	return nil
}
