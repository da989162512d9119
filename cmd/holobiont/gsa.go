package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	gsastudy "github.com/holobiont/holobiont/gsa/study"
	"github.com/holobiont/holobiont/internal/chunks"
)

func studyCommands() []*cobra.Command { return []*cobra.Command{newGSACmd(), newVPopCmd()} }

// studyFlags are the execution flags gsa and vpop share with cohort.
type studyFlags struct {
	out, shard, progress string
	workers              int
}

func (f *studyFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.out, "out", "", "output directory (required)")
	cmd.Flags().IntVar(&f.workers, "workers", 0, "parallel runs (0 = all cores)")
	cmd.Flags().StringVar(&f.shard, "shard", "", "run part i/N (0-based) of the runs; combine the parts with holobiont merge")
	cmd.Flags().StringVar(&f.progress, "progress", "auto", "progress bar: auto (on terminals), always, never")
}

func newGSACmd() *cobra.Command {
	var f studyFlags
	cmd := &cobra.Command{
		Use:   "gsa SPEC.yaml",
		Short: "Global sensitivity analysis: Sobol indices or Morris screening of model outputs",
		Long: `gsa varies the spec's parameters over their ranges or distributions (the
cohort spec's language: uniform, loguniform, normal, lognormal, gamma,
truncated, categorical), simulates the model at every point of a design on all cores,
and computes how much each parameter drives each output:

  method: sobol   first-order (S1) and total (ST) Sobol indices from a
                  Saltelli design of N (a power of two) scrambled Sobol'
                  base samples: N(d+2) runs for d parameters, N(2d+2) with
                  second_order: true; S1 by Saltelli 2010 (or Jansen), ST by
                  Jansen; bootstrap confidence intervals as SALib computes them
  method: morris  Morris elementary effects (mu, mu*, sigma, bootstrap CI of
                  mu*) from r one-at-a-time trajectories: r(d+1) runs

Outputs are endpoints (value at a time, change), trajectory summaries (max,
min, time_of_max, time_of_min, mean, auc, recovery: days until back within a
tolerance of baseline) and trajectories: stat trajectory gives
time-resolved indices at every "every" days.

Outputs in --out DIR (manifest.json is written last; without it the
directory is not a complete result):
  samples.tsv       run, status, parameter values of every run
  outputs.tsv       run, the value of every output (trajectories as NAME@TIME)
  indices.tsv       output x parameter: S1, S1_conf, ST, ST_conf, n (or mu,
                    mu_star, sigma, mu_star_conf, n for Morris)
  indices-time.tsv  the same per time of each trajectory output
  indices-s2.tsv    second-order indices (second_order: true)
  indices.json      all indices, settings and provenance
  report.html       bar charts with intervals, parameters x outputs heat map,
                    time-resolved index curves
  manifest.json     spec hash, seed, version, model/scenario hashes, solver
                    settings, file hashes

A run's result depends only on the spec and its index: --workers and
--shard never change the bytes. A killed run resumes from DIR/chunks when
rerun with the same arguments. --shard i/N runs part i of N anywhere;
` + "`holobiont merge`" + ` combines the parts and analyses them. Spec problems
(empty ranges, unknown parameters or outputs, sobol.n not a power of two,
times outside the run) are reported as FILE:LINE:COL before anything runs.
The spec format is in docs/gsa.md.`,
		Example: `  holobiont gsa examples/gsa-gut-skin-brain.yaml --out gsa-gsb
  holobiont gsa examples/gsa-morris-hpa.yaml --out morris --workers 2
  holobiont gsa examples/gsa-gut-skin-brain.yaml --out part0 --shard 0/2
  holobiont gsa examples/gsa-gut-skin-brain.yaml --out part1 --shard 1/2
  holobiont merge part0 part1 --out gsa-gsb     # identical bytes to an unsharded run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStudy(cmd, args[0], f, false)
		},
	}
	f.add(cmd)
	return cmd
}

// runStudy runs a gsa (vpop false) or vpop spec.
func runStudy(cmd *cobra.Command, specPath string, f studyFlags, vpop bool) error {
	if f.out == "" {
		return fmt.Errorf("--out DIR is required")
	}
	if err := checkProgressFlag(f.progress); err != nil {
		return err
	}
	sh, err := chunks.ParseShard(f.shard)
	if err != nil {
		return err
	}
	s, err := gsastudy.LoadSpec(specPath)
	if err != nil {
		return err
	}
	if s.IsVPop() != vpop {
		if vpop {
			return fmt.Errorf("%s: no vpop: section; this is a sensitivity-analysis spec, run it with holobiont gsa", specPath)
		}
		return fmt.Errorf("%s: has a vpop: section; run it with holobiont vpop", specPath)
	}
	p, err := gsastudy.Compile(s)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return runStudyPlan(ctx, p, f, sh, cmd.ErrOrStderr(), cmd.OutOrStdout())
}

func runStudyPlan(ctx context.Context, p *gsastudy.Plan, f studyFlags, sh chunks.Shard, stderr, stdout io.Writer) error {
	bar, err := newProgressBar(ctx, f.progress, "runs ", stderr)
	if err != nil {
		return err
	}
	t0 := time.Now()
	err = gsastudy.Run(ctx, p, f.out, gsastudy.Options{Workers: f.workers, Shard: sh, Progress: bar.update, Version: version, Warn: warnTo(stderr)})
	bar.finish(err)
	if err != nil {
		return err
	}
	el := time.Since(t0).Seconds()
	if sh.N > 1 {
		fmt.Fprintf(stdout, "shard %d/%d of %q done in %.1fs: %s (merge the shards with holobiont merge)\n", sh.I, sh.N, p.Spec.Name, el, f.out)
		return nil
	}
	fmt.Fprintf(stdout, "%q: %d runs of %d parameters in %.1fs -> %s\n", p.Spec.Name, p.Runs, len(p.Params), el, f.out)
	return nil
}

func newVPopCmd() *cobra.Command {
	var f studyFlags
	cmd := &cobra.Command{
		Use:   "vpop SPEC.yaml",
		Short: "Virtual population: plausible patients selected to match target output distributions",
		Long: `vpop draws candidate parameter sets from the spec's parameter distributions
(scrambled Sobol' points or independent draws), simulates each, keeps the
plausible patients (every output with a range inside it) and selects a
virtual population whose outputs match the target distributions:

  method: acceptance  Allen et al. (2016): patient i is kept with probability
                      min(1, sf * p_i), p_i = target density / plausible
                      density at its outputs (Gaussian kernel density estimate
                      of the plausible outputs); the scale factor sf minimises
                      the mean Kolmogorov-Smirnov distance to the targets over
                      repeated draws
  method: weights     importance weights p_i / sum(p) on all plausible patients
                      (no patient discarded); the effective sample size says
                      how many patients the weights are worth

Outputs in --out DIR (manifest.json last):
  vpop.tsv     every candidate: run, status, plausible, selected, weight,
               parameter values, output values
  vpop.json    counts, scale factor, per-output KS statistic and p-value of
               the selected (or weighted) population against its target
  report.html  histograms of target vs plausible vs selected per output

Execution (--workers, --shard, resume, merge) is that of holobiont gsa and
cohort. The spec format is in docs/gsa.md (section "Virtual populations").`,
		Example: `  holobiont vpop examples/vpop-cortisol.yaml --out vpop
  holobiont vpop examples/vpop-cortisol.yaml --out s0 --shard 0/2 && holobiont vpop examples/vpop-cortisol.yaml --out s1 --shard 1/2
  holobiont merge s0 s1 --out vpop`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStudy(cmd, args[0], f, true)
		},
	}
	f.add(cmd)
	return cmd
}
