package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/cohort"
	gsastudy "github.com/holobiont/holobiont/gsa/study"
)

func newMergeCmd() *cobra.Command {
	var out, spec, progress string
	var workers int
	var noPower bool
	cmd := &cobra.Command{
		Use:   "merge DIR...",
		Short: "Merge the shards of a cohort, trial, gsa or vpop run",
		Long: `merge combines the shard directories written by ` + "`holobiont cohort --shard i/N`" + `
or ` + "`holobiont trial --shard i/N`" + ` into one result in --out, byte-identical to an
unsharded run of the same spec. It refuses shards of different specs (every
shard records the spec hash) and names the chunks that are missing, before
writing anything.

Trial shards hold the simulated subjects but not the trial's analysis: give
the trial spec with --spec (it must be the spec the shards ran; its hash is
checked) and merge gathers the shards' chunks into --out, assembles them and
runs the analysis, the power study and the report exactly as an unsharded
` + "`holobiont trial`" + ` does: analysis.tsv, power.tsv, report.html and manifest.json are
byte-identical to the unsharded run's.

Shards of ` + "`holobiont gsa`" + ` and ` + "`holobiont vpop`" + ` (directories with study.json) are
merged and analysed the same way; they need no --spec (the spec travels in
study.json). --workers, --progress and --no-power
mean what they mean for ` + "`holobiont trial`" + ` (the power study simulates fresh
subjects, so it runs here, not in the shards).`,
		Example: `  holobiont cohort examples/cohort-lab-stress.yaml --out part0 --shard 0/2
  holobiont cohort examples/cohort-lab-stress.yaml --out part1 --shard 1/2
  holobiont merge part0 part1 --out cohort

  holobiont trial examples/trial-probiotic-eczema.yaml --out t0 --shard 0/2
  holobiont trial examples/trial-probiotic-eczema.yaml --out t1 --shard 1/2
  holobiont merge t0 t1 --spec examples/trial-probiotic-eczema.yaml --out trial`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out DIR is required")
			}
			if err := checkProgressFlag(progress); err != nil {
				return err
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			if gsastudy.IsStudyDir(args[0]) {
				if err := gsastudy.Finish(ctx, args, out); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "merged %d directories -> %s\n", len(args), out)
				return nil
			}
			lay, err := cohort.ReadLayout(args[0])
			if err != nil {
				return err
			}
			if !lay.IsTrial() {
				if spec != "" {
					s, err := cohort.LoadSpec(spec)
					if err != nil {
						return err
					}
					p, err := cohort.Compile(s) // resolves the hash (model and scenario contents)
					if err != nil {
						return err
					}
					if p.Spec.Hash != lay.SpecHash {
						return fmt.Errorf("merge: --spec %s is not the spec the shards ran (spec hash %.12s vs %.12s)", spec, p.Spec.Hash, lay.SpecHash)
					}
				}
				if err := cohort.Assemble(ctx, args, out); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "merged %d directories -> %s\n", len(args), out)
				return nil
			}
			if spec == "" {
				return fmt.Errorf("merge: %s holds trial shards (arms %v): give the trial spec with --spec SPEC.yaml so that merge can run the analysis", args[0], lay.Arms)
			}
			ts, err := cohort.LoadTrialSpec(spec)
			if err != nil {
				return err
			}
			tp, err := cohort.CompileTrial(ts) // resolves the hash (model and scenario contents)
			if err != nil {
				return err
			}
			if tp.Spec.Hash != lay.SpecHash {
				return fmt.Errorf("merge: --spec %s is not the spec the shards ran (spec hash %.12s vs %.12s)", spec, tp.Spec.Hash, lay.SpecHash)
			}
			if _, err := cohort.StageShards(ctx, args, out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "merged %d directories -> %s\n", len(args), out)
			return runTrial(ctx, tp, out, cohort.Shard{I: 0, N: 1}, workers, progress, noPower, cmd.ErrOrStderr(), cmd.OutOrStdout(), nil, nil)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().StringVar(&spec, "spec", "", "the spec the shards ran (required for trial shards: runs the analysis)")
	cmd.Flags().IntVar(&workers, "workers", 0, "parallel workers for the trial's power study (0 = all cores)")
	cmd.Flags().StringVar(&progress, "progress", "auto", "progress bar: auto (on terminals), always, never")
	cmd.Flags().BoolVar(&noPower, "no-power", false, "skip the trial's power study")
	return cmd
}
